"""Set-up in the browser: the steps of ``halo-accounts init``, for those who prefer a page to a terminal.

First the dashboard password, which only someone holding the one-time set-up token may choose:
``serve`` prints the token (with the address to open) while no password is set, so a page on
this PC cannot claim the dashboard by being first. Then, logged in: the Halo connection, checked
live with the permission doctor and saved only when Halo is ready (the client secret goes to
the OS keyring, never back to the page), and the companies, as ``company add`` takes them.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr, ValidationError

from halo_accounts.config import (
    TRANSPORTS,
    Books,
    BooksTransport,
    CompanySettings,
    Direction,
    Settings,
    forget_client_secret,
    keyring_available,
    resolve_client_secret,
    store_books_password,
    store_client_secret,
)
from halo_accounts.connectors.halo.client import HaloClient, default_scopes
from halo_accounts.connectors.halo.doctor import Check, diagnose
from halo_accounts.connectors.halo.permissions import operations_for_flows
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import hash_password
from halo_accounts.errors import ConfigError

__all__ = ["check_halo", "keep_client_secret", "save_company", "setup_token_matches"]


def setup_token_matches(expected: str | None, given: object) -> bool:
    """Whether the set-up token typed is the one ``serve`` printed."""
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(given.strip(), str(expected))


def check_halo(settings: Settings, form: Any, *, connect: Callable[..., HaloClient] | None = None) -> list[Check]:
    """Apply the Halo answers to ``settings`` and check them live; the checks, all passed or not.

    The client secret is the one typed, else the one already kept. Nothing is saved here.
    """
    halo = settings.halo
    halo.url = str(form.get("halo_url", "")).strip().rstrip("/")
    halo.tenant = str(form.get("tenant", "")).strip()
    halo.client_id = str(form.get("client_id", "")).strip()
    if not halo.url or not halo.client_id:
        msg = "Give Halo's address and the API application's Client ID."
        raise ConfigError(msg)
    typed = str(form.get("client_secret", ""))
    secret = SecretStr(typed) if typed else resolve_client_secret(settings)[0]
    if secret is None:
        msg = "Give the API application's client secret."
        raise ConfigError(msg)
    # The flows stay as Settings has them; Halo is checked for exactly what they need.
    tax_import = settings.flows.tax_rates is not Direction.OFF
    opener = connect or HaloClient.from_settings
    with opener(settings, secret, scopes=default_scopes(settings, include_admin=tax_import)) as client:
        return diagnose(client, operations_for_flows(settings.flows.enabled(), include_admin=tax_import))


def keep_client_secret(settings: Settings, form: Any, save: Callable[[Settings], None]) -> str:
    """Save the settings, the secret typed kept in the OS keyring (or the file, 0600, when asked or none)."""
    typed = str(form.get("client_secret", ""))
    if not typed:
        save(settings)
        return "Halo is ready; the settings are saved (the client secret as it was kept)."
    if form.get("plain_file") == "on" or not keyring_available():
        if not forget_client_secret(settings):  # the keyring's would win over the file's
            msg = "The OS keyring holds an older client secret and would not let go of it: remove it there first."
            raise ConfigError(msg)
        settings.halo.client_secret = SecretStr(typed)
        save(settings)
        return "Halo is ready; the settings are saved, the secret in the settings file (readable only by you)."
    try:  # the secret first: settings naming an application whose secret is not kept would be half a set-up
        store_client_secret(settings, typed)
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - a locked or broken keyring
        msg = f"The OS keyring would not keep the client secret ({type(exc).__name__}); nothing was saved."
        raise ConfigError(msg) from None
    save(settings)
    return "Halo is ready; the settings are saved and the client secret is in the OS keyring."


def save_company(settings: Settings, form: Any) -> str:
    """Add or change a company from the form, as ``company add`` does; what was done, in words."""
    name = str(form.get("name", "")).strip()
    if not name or not name.isascii() or not name.replace("-", "").replace("_", "").isalnum():
        msg = "Name the company with letters, digits, - and _ (e.g. northwind)."
        raise ConfigError(msg)
    try:
        books = Books(str(form.get("books", Books.QUICKBOOKS.value)))
        transport = BooksTransport(str(form.get("transport", "") or TRANSPORTS[books][0].value))
    except ValueError:
        msg = "Choose the accounting package and how it is reached from the lists."
        raise ConfigError(msg) from None
    current = settings.companies.get(name)
    base = current.model_dump() if current is not None and current.books is books else {}
    fields = {
        "company_file": str(form.get("company_file", "")).strip(),
        "books_user": str(form.get("books_user", "")).strip().upper(),
        "import_folder": str(form.get("import_folder", "")).strip(),
    }
    edition = str(form.get("edition", "")).strip().upper()
    if edition and edition not in Edition.__members__:
        msg = f"The QuickBooks edition is US, CA, UK or AU, not '{edition}'."
        raise ConfigError(msg)
    if books is Books.QUICKBOOKS and transport is BooksTransport.SIMULATOR and edition:
        fields["edition"] = edition
    try:
        company = CompanySettings(**{**base, "books": books, "transport": transport, **fields})
    except ValidationError as exc:
        problems = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        msg = f"Company '{name}' cannot be saved: {problems}."
        raise ConfigError(msg) from None
    password = str(form.get("password", ""))
    if books is Books.QUICKBOOKS and transport is BooksTransport.WEBCONNECTOR:
        company.webconnector_user = company.webconnector_user or f"halo-{name}"
        if password:
            if len(password) < 8:  # noqa: PLR2004 - the Web Connector's own minimum, as 'company add' asks
                msg = "Choose a Web Connector password of at least 8 characters."
                raise ConfigError(msg)
            company.webconnector_password_hash = hash_password(password)
        elif not company.webconnector_password_hash:
            msg = "Give the Web Connector password (you type it into the Web Connector too)."
            raise ConfigError(msg)
    elif books is not Books.QUICKBOOKS and password:
        company.books_user = company.books_user or ("SYSADMIN" if books is Books.SAGE50CA else "MANAGER")
        store_books_password(name, password)
    settings.companies[name] = company
    said = f"Company '{name}' saved ({books.value} via {transport.value})."
    if transport is BooksTransport.WEBCONNECTOR:
        said += " Download its .qwc file below and add it to the QuickBooks Web Connector (File > Add an application)."
    return said
