"""Typed settings: the ONLY module that reads environment variables, config files and the keyring.

Precedence, lowest first: built-in defaults, the TOML file, environment variables, then
what the command line passes to :func:`load_settings` as ``overrides``. The TOML file lives
in the platform's config folder (``platformdirs``) unless ``--config`` or
``HALO_ACCOUNTS_CONFIG`` names another.

The Halo client secret is looked up in this order: an override, ``HALO_CLIENT_SECRET``, the
OS keyring, and last a ``client_secret`` in the file, which is only ever written there when
the user asks for it (``store_client_secret(..., plain_file=True)``), with file mode 0600.
"""

from __future__ import annotations

import datetime
import enum
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from halo_accounts.errors import ConfigError
from halo_accounts.schedule import SyncWindow

__all__ = [
    "APP_NAME",
    "BOOKS_PASSWORD_ENV",
    "TRANSPORTS",
    "Books",
    "BooksTransport",
    "CompanySettings",
    "ServerSettings",
    "Direction",
    "FlowSettings",
    "InvoiceSettings",
    "HaloSettings",
    "SecretSource",
    "Settings",
    "default_config_path",
    "forget_books_password",
    "keyring_available",
    "load_settings",
    "books_password_in_environment",
    "resolve_books_password",
    "resolve_client_secret",
    "save_settings",
    "shareable_settings",
    "without_password",
    "store_books_password",
    "store_client_secret",
]

APP_NAME = "halo-accounts"
KEYRING_SERVICE = "halo-accounts-integrator"
CONFIG_PATH_ENV = "HALO_ACCOUNTS_CONFIG"

# Environment variable -> dotted settings key. Kept as a table so the README can list it.
ENVIRONMENT_KEYS: Mapping[str, str] = {
    "HALO_URL": "halo.url",
    "HALO_TENANT": "halo.tenant",
    "HALO_AUTH_URL": "halo.auth_url",
    "HALO_CLIENT_ID": "halo.client_id",
    "HALO_SCOPES": "halo.scopes",
    "HALO_RATE_LIMIT": "halo.rate_limit",
    "HALO_RATE_WINDOW_SECONDS": "halo.rate_window_seconds",
    "HALO_PAGE_SIZE": "halo.page_size",
    "HALO_BATCH_SIZE": "halo.batch_size",
    "HALO_TIMEOUT_SECONDS": "halo.timeout_seconds",
}
SECRET_ENV = "HALO_CLIENT_SECRET"
BOOKS_PASSWORD_ENV = "HALO_ACCOUNTS_BOOKS_PASSWORD"


class Direction(enum.StrEnum):
    """Which way a flow moves records."""

    OFF = "off"
    TO_BOOKS = "to_books"
    FROM_BOOKS = "from_books"
    BOTH = "both"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class HaloSettings(_Strict):
    """How to reach Halo's API."""

    url: str = ""
    tenant: str = ""
    auth_url: str = ""
    client_id: str = ""
    client_secret: SecretStr | None = Field(default=None, repr=False)
    # Empty means "the least-privilege scopes of the enabled flows".
    scopes: list[str] = Field(default_factory=list)
    # Hosted Halo allows 300 requests per rolling 5 minutes; 0 turns the limiter off.
    rate_limit: int = Field(default=300, ge=0)
    rate_window_seconds: float = Field(default=300.0, gt=0)
    page_size: int = Field(default=100, ge=1, le=10_000)
    batch_size: int = Field(default=100, ge=1, le=1_000)
    timeout_seconds: float = Field(default=30.0, gt=0)


class FlowSettings(_Strict):
    """Which flows run, and in which direction."""

    tax_rates: Direction = Direction.FROM_BOOKS
    customers: Direction = Direction.TO_BOOKS
    items: Direction = Direction.TO_BOOKS
    invoices: Direction = Direction.TO_BOOKS
    payments: Direction = Direction.FROM_BOOKS
    suppliers: Direction = Direction.OFF
    purchase_orders: Direction = Direction.OFF

    def enabled(self) -> dict[str, Direction]:
        """The flows that are not off, by name."""
        return {name: d for name, d in self.model_dump().items() if d is not Direction.OFF}


class InvoiceSettings(_Strict):
    """Which Halo invoices go to the books (Halo's own settings decide which are posted at all)."""

    # Only invoices dated on or after this day; older ones are left alone (e.g. already in the books).
    from_date: datetime.date | None = None
    include_credit_notes: bool = True
    # With Halo's invoice approvals on: leave invoices that still need approval until they are approved.
    only_approved: bool = False


class Books(enum.StrEnum):
    """The accounting package of a company."""

    QUICKBOOKS = "quickbooks"
    SAGE50UK = "sage50uk"
    SAGE50CA = "sage50ca"


class BooksTransport(enum.StrEnum):
    """How the books are reached."""

    WEBCONNECTOR = "webconnector"  # QuickBooks: the Web Connector calls 'serve'
    COM = "com"  # QuickBooks' request processor, or Sage 50 UK's Sage Data Objects, on this PC
    SDK = "sdk"  # Sage 50 Canada's SDK (.NET, 32-bit) on this PC
    FILES = "files"  # Sage 50 UK: import files and exports; Sage 50 Canada: .IMP files (and Sage's importer)
    SIMULATOR = "simulator"  # a simulated company (company_file = where it is kept), for trying things out


# Which transports each package can use.
TRANSPORTS: dict[Books, tuple[BooksTransport, ...]] = {
    Books.QUICKBOOKS: (BooksTransport.WEBCONNECTOR, BooksTransport.COM, BooksTransport.SIMULATOR),
    Books.SAGE50UK: (BooksTransport.COM, BooksTransport.FILES, BooksTransport.SIMULATOR),
    Books.SAGE50CA: (BooksTransport.SDK, BooksTransport.FILES, BooksTransport.SIMULATOR),
}


def _url_password(url: str) -> bool:
    try:
        return make_url(url).password is not None
    except ArgumentError as exc:
        msg = f"database_url '{url}' is not a database URL"
        raise ValueError(msg) from exc


class CompanySettings(_Strict):
    """One set of books the integrator keeps in step with Halo."""

    books: Books = Books.QUICKBOOKS
    transport: BooksTransport = BooksTransport.WEBCONNECTOR
    company_file: str = ""  # "" = the file open in QuickBooks
    webconnector_user: str = ""
    # Only a salted hash is kept; the password itself is typed into the Web Connector.
    webconnector_password_hash: str = Field(default="", repr=False)
    run_every_minutes: int = Field(default=15, ge=1, le=1440)
    edition: str = ""  # QuickBooks edition of a simulated company (US, CA, UK, AU); real ones say themselves
    # Names longer than the books allow: refuse them (the default) or shorten them deterministically.
    shorten_long_names: bool = False
    # Local hours in which syncs may start, e.g. "19:00-07:00"; "" = any time. Both the Web
    # Connector's calls and ``serve``'s own schedule (COM companies) respect it.
    sync_window: str = ""
    paused: bool = False  # no sync at all until resumed
    # Sage 50: the Sage user the integrator logs in as (a dedicated one; its password is in the keyring).
    books_user: str = ""
    sdo_version: int = Field(default=0, ge=0, le=99)  # Sage 50 UK: SDOEngine.<version>; 0 = the one installed
    import_folder: str = ""  # Sage 50 UK over files: where import files are written
    export_folder: str = ""  # ... and where Sage's exports are read from
    sales_nominal: str = "4000"  # Sage 50 UK: the nominal code of lines and items that name none
    department: int = Field(default=0, ge=0, le=999)  # Sage 50 UK: the department postings are analysed by
    # Sage 50 UK over SDO: invoices as documents in the Invoicing module (someone posts them in Sage)
    # instead of SI/SC transactions straight to the ledger.
    invoicing_module: bool = False
    # Sage 50 Canada: the company's database ("" = mysql+pymysql://<books_user>@localhost:13540/simply; the
    # password is the books password, never written here), the release the installed SDK is for ("" = not
    # checked), Sage's importer for .IMP files ("" = files wait for File > Import), and the part number of
    # lines Halo gives no item.
    database_url: str = ""
    sdk_release: str = ""
    sdk_python: str = ""  # the 32-bit python.exe with pythonnet the SDK runs in ("" = this one)
    importer_path: str = ""
    imp_version: str = Field(default="32101", pattern=r"^\d{5}$")  # the .IMP <Version> (12001 = 2005 ... 32101 = 2025)
    default_item: str = ""

    @model_validator(mode="after")
    def _transport_fits_books(self) -> CompanySettings:
        allowed = TRANSPORTS[self.books]
        if self.transport not in allowed:
            names = ", ".join(t.value for t in allowed)
            msg = f"{self.books.value} is reached through {names}, not {self.transport.value}"
            raise ValueError(msg)
        if self.transport is BooksTransport.FILES and not self.import_folder:
            msg = "set import_folder, where the import files for Sage are written"
            raise ValueError(msg)
        if self.database_url and _url_password(self.database_url):
            msg = "leave the password out of database_url: the books password (in the OS keyring) is used"
            raise ValueError(msg)
        if self.transport is BooksTransport.FILES and self.invoicing_module:
            msg = "Sage cannot import into its Invoicing module, only audit trail transactions"
            raise ValueError(msg)
        return self

    @field_validator("sync_window")
    @classmethod
    def _valid_window(cls, value: str) -> str:
        try:
            window = SyncWindow.parse(value)
        except ConfigError as exc:
            raise ValueError(exc.user_message) from None
        return str(window) if window else ""

    def window(self) -> SyncWindow | None:
        """The parsed sync window, ``None`` for any time."""
        return SyncWindow.parse(self.sync_window)


class ServerSettings(_Strict):
    """Where ``halo-accounts serve`` listens, and the address the Web Connector is given."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    public_url: str = ""  # e.g. https://integrator.example.lan:8443; default http://localhost:<port>
    certfile: str = ""
    keyfile: str = ""
    # The dashboard's password, as a salted hash only ('halo-accounts dashboard-password' sets it).
    dashboard_password_hash: str = Field(default="", repr=False)


class Settings(_Strict):
    """Everything the integrator is configured with."""

    halo: HaloSettings = Field(default_factory=HaloSettings)
    flows: FlowSettings = Field(default_factory=FlowSettings)
    invoices: InvoiceSettings = Field(default_factory=InvoiceSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    companies: dict[str, CompanySettings] = Field(default_factory=dict)
    # Generated once per installation; the Web Connector's OwnerID derives from it.
    installation_id: str = ""
    store_url: str = ""  # "" = SQLite in the user's data folder

    def company(self, name: str) -> CompanySettings:
        """The named company, or ``ConfigError`` listing the ones there are."""
        if name in self.companies:
            return self.companies[name]
        known = ", ".join(sorted(self.companies)) or "none yet"
        msg = f"There is no company '{name}' in the settings (known: {known}). Add it with 'halo-accounts company add'."
        raise ConfigError(msg)


class SecretSource(enum.StrEnum):
    """Where the client secret was found, for messages that must not show the secret."""

    OVERRIDE = "command line"
    ENVIRONMENT = "environment variable HALO_CLIENT_SECRET"
    KEYRING = "OS keyring"
    FILE = "config file"
    NONE = "nowhere"


def default_config_path() -> Path:
    """Where the settings file lives unless ``--config``/``HALO_ACCOUNTS_CONFIG`` says otherwise."""
    named = os.environ.get(CONFIG_PATH_ENV)
    if named:
        return Path(named)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def load_settings(
    path: Path | None = None,
    *,
    overrides: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read the file (if any), apply the environment and ``overrides`` (dotted keys)."""
    env = os.environ if environ is None else environ
    data = _read_toml(path or default_config_path())
    for variable, key in ENVIRONMENT_KEYS.items():
        if env.get(variable):
            _set_dotted(data, key, _coerce_env(key, env[variable]))
    for key, value in (overrides or {}).items():
        if value is not None:
            _set_dotted(data, key, value)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        msg = f"The settings are not valid ({problems}). Fix them in {path or default_config_path()}."
        raise ConfigError(msg) from None
    settings.halo.url = settings.halo.url.rstrip("/")
    return settings


def resolve_client_secret(
    settings: Settings,
    *,
    override: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[SecretStr | None, SecretSource]:
    """Find the client secret without ever printing it; see the module docstring for order."""
    env = os.environ if environ is None else environ
    if override:
        return SecretStr(override), SecretSource.OVERRIDE
    if env.get(SECRET_ENV):
        return SecretStr(env[SECRET_ENV]), SecretSource.ENVIRONMENT
    if settings.halo.client_id and keyring_available():
        stored = _keyring().get_password(KEYRING_SERVICE, _keyring_user(settings))
        if stored:
            return SecretStr(stored), SecretSource.KEYRING
    if settings.halo.client_secret is not None:
        return settings.halo.client_secret, SecretSource.FILE
    return None, SecretSource.NONE


def resolve_books_password(company: str, *, environ: Mapping[str, str] | None = None) -> SecretStr:
    """The password of a company's books user (Sage 50): ``HALO_ACCOUNTS_BOOKS_PASSWORD``, else the keyring.

    None stored means an empty password, which Sage allows (``MANAGER`` often has none).
    """
    env = os.environ if environ is None else environ
    if env.get(BOOKS_PASSWORD_ENV):
        return SecretStr(env[BOOKS_PASSWORD_ENV])
    if keyring_available():
        try:
            return SecretStr(_keyring().get_password(KEYRING_SERVICE, f"books:{company}") or "")
        except Exception as exc:  # noqa: BLE001 - a locked or broken keyring, of whatever backend
            msg = (
                f"The OS keyring would not give the books password of '{company}' (it may be locked for the "
                f"service's user). Unlock it, or set {BOOKS_PASSWORD_ENV} for the service."
            )
            raise ConfigError(msg, detail=type(exc).__name__) from None
    return SecretStr("")


def forget_books_password(company: str) -> bool:
    """Remove a company's books password from the keyring; ``False`` when one is kept but could not be removed."""
    if not keyring_available():
        return True
    keyring = _keyring()
    try:
        if keyring.get_password(KEYRING_SERVICE, f"books:{company}") is None:
            return True
        keyring.delete_password(KEYRING_SERVICE, f"books:{company}")
    except Exception:  # noqa: BLE001 - a locked or broken keyring
        return False
    return True


def forget_client_secret(settings: Settings) -> bool:
    """Remove the Halo client secret from the keyring (so one kept in the file is the one used)."""
    if not keyring_available():
        return True
    keyring = _keyring()
    try:
        if keyring.get_password(KEYRING_SERVICE, _keyring_user(settings)) is not None:
            keyring.delete_password(KEYRING_SERVICE, _keyring_user(settings))
    except Exception:  # noqa: BLE001 - a locked or broken keyring
        return False
    return True


def books_password_in_environment(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the service gives the books password through ``HALO_ACCOUNTS_BOOKS_PASSWORD``."""
    return bool((os.environ if environ is None else environ).get(BOOKS_PASSWORD_ENV))


def store_books_password(company: str, password: str) -> None:
    """Keep a company's books password in the OS keyring (never in the settings file)."""
    if not keyring_available():
        msg = (
            "This computer has no OS keyring to keep the books password in. Set the environment variable "
            f"{BOOKS_PASSWORD_ENV} for the integrator's service instead."
        )
        raise ConfigError(msg)
    try:
        _keyring().set_password(KEYRING_SERVICE, f"books:{company}", password)
    except Exception as exc:  # noqa: BLE001 - a locked or broken keyring, of whatever backend
        msg = (
            "The OS keyring would not keep the books password (it may be locked). Unlock it and try again, "
            f"or set {BOOKS_PASSWORD_ENV} for the integrator's service instead."
        )
        raise ConfigError(msg, detail=type(exc).__name__) from None


def keyring_available() -> bool:
    """True when the OS has a usable keyring (headless Linux often has none)."""
    try:
        backend = _keyring().get_keyring()
    except Exception:  # noqa: BLE001 - any failure to load a backend means "no keyring"
        return False
    return float(getattr(backend, "priority", 0)) > 0


def store_client_secret(
    settings: Settings,
    secret: str,
    path: Path | None = None,
    *,
    plain_file: bool = False,
) -> SecretSource:
    """Keep the secret in the OS keyring, or in the file (mode 0600) when asked to.

    Raises ``ConfigError`` when no keyring exists and a plain file was not asked for, with
    the two ways out (``HALO_CLIENT_SECRET`` or ``--plain-file``).
    """
    if not settings.halo.client_id:
        msg = "Set the Halo client id before storing its secret (halo-accounts config set halo.client_id ...)."
        raise ConfigError(msg)
    if plain_file:
        settings.halo.client_secret = SecretStr(secret)
        save_settings(settings, path, include_secret=True)
        return SecretSource.FILE
    if not keyring_available():
        msg = (
            "This computer has no OS keyring to keep the Halo client secret in. "
            "Set the environment variable HALO_CLIENT_SECRET for the integrator's service, "
            "or store it in the config file with --plain-file (readable only by you)."
        )
        raise ConfigError(msg)
    _keyring().set_password(KEYRING_SERVICE, _keyring_user(settings), secret)
    return SecretSource.KEYRING


def save_settings(settings: Settings, path: Path | None = None, *, include_secret: bool = False) -> Path:
    """Write the settings as TOML; the secret only when ``include_secret`` (then mode 0600)."""
    target = path or default_config_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    # TOML has no null: settings left unset are simply not written.
    data: dict[str, Any] = settings.model_dump(mode="json", exclude={"halo": {"client_secret"}}, exclude_none=True)
    secret = settings.halo.client_secret
    if include_secret and secret is not None:
        data["halo"]["client_secret"] = secret.get_secret_value()
    text = tomli_w.dumps(data)
    temporary = target.with_suffix(target.suffix + ".tmp")
    # Create with 0600 from the start so a secret is never readable by others, even briefly.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, target)
    return target


def shareable_settings(settings: Settings) -> dict[str, Any]:
    """The settings as plain data with every secret left out (for showing and support bundles)."""
    data: dict[str, Any] = settings.model_dump(mode="json", exclude={"halo": {"client_secret"}}, exclude_none=True)
    for company in data["companies"].values():
        company["webconnector_password_hash"] = "(set)" if company["webconnector_password_hash"] else ""
    data["server"]["dashboard_password_hash"] = "(set)" if data["server"]["dashboard_password_hash"] else ""
    data["store_url"] = without_password(data["store_url"])
    return data


def without_password(url: str) -> str:
    """A database URL fit to show: ``postgresql://bob:***@db/halo``."""
    return re.sub(r"^([\w+.-]+://[^:/@]*:)[^@]*@", r"\1***@", url)


def _keyring_user(settings: Settings) -> str:
    return f"{settings.halo.client_id}@{settings.halo.url or 'halo'}"


def _keyring() -> Any:
    import keyring  # imported lazily: loading backends is slow and may touch D-Bus

    return keyring


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        msg = f"Cannot read the settings file {path}: {exc}. Fix or delete it."
        raise ConfigError(msg) from None


def _set_dotted(data: dict[str, Any], key: str, value: object) -> None:
    section, _, name = key.rpartition(".")
    target = data
    for part in section.split(".") if section else []:
        target = target.setdefault(part, {})
    target[name] = value


def _coerce_env(key: str, raw: str) -> object:
    if key == "halo.scopes":
        return [scope for scope in raw.replace(",", " ").split() if scope]
    return raw
