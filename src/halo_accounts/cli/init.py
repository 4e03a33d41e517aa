"""``halo-accounts init``: set the integrator up, by questions or entirely by options.

Every answer can be given as an option (or the usual environment variable), so unattended
installs run it without a terminal; what is not given is asked, with the current setting as the
default, so re-running it edits the existing configuration. The Halo connection is checked live
with the permission doctor before anything is saved, and a Web Connector company gets its
``.qwc`` file at the end.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr, ValidationError

from halo_accounts.cli.common import CliState, state_of
from halo_accounts.cli.doctor import render_checks
from halo_accounts.cli.exit_codes import ExitCode
from halo_accounts.cli.qwc import webconnector_url
from halo_accounts.config import (
    BOOKS_PASSWORD_ENV,
    Books,
    BooksTransport,
    CompanySettings,
    Direction,
    Settings,
    books_password_in_environment,
    default_config_path,
    keyring_available,
    load_settings,
    resolve_client_secret,
    save_settings,
    store_books_password,
    store_client_secret,
)
from halo_accounts.connectors.halo.client import HaloClient, default_scopes
from halo_accounts.connectors.halo.doctor import diagnose
from halo_accounts.connectors.halo.permissions import operations_for_flows
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import hash_password
from halo_accounts.connectors.quickbooks.transports.webconnector.qwc import QwcFile, qwc_xml
from halo_accounts.errors import ConfigError
from halo_accounts.web.security import MIN_PASSWORD

__all__ = ["init"]


def _ask(
    value: str | None, question: str, default: str, *, interactive: bool, secret: bool = False, optional: bool = False
) -> str:
    if value is not None:
        return value
    if not interactive:
        if default or optional:
            return default
        msg = f"'{question}' has no answer; give it as an option (see 'halo-accounts init --help')."
        raise ConfigError(msg)
    answer: str = typer.prompt(
        question, default=default or ("" if optional else None), hide_input=secret, show_default=not secret
    )
    return answer.strip()


def init(
    ctx: typer.Context,
    halo_url: Annotated[str | None, typer.Option(help="The address you open Halo at.")] = None,
    tenant: Annotated[str | None, typer.Option(help="Hosted Halo's tenant ('' for self-hosted).")] = None,
    client_id: Annotated[str | None, typer.Option(help="The API application's Client ID.")] = None,
    client_secret: Annotated[
        str | None, typer.Option(help="Its secret (prefer HALO_CLIENT_SECRET).", envvar="HALO_CLIENT_SECRET")
    ] = None,
    plain_file: Annotated[
        bool, typer.Option("--plain-file", help="Keep the secret in the settings file (0600), not the keyring.")
    ] = False,
    company: Annotated[str | None, typer.Option(help="A short name for the books, e.g. northwind.")] = None,
    books: Annotated[
        Books | None, typer.Option(help="The accounting package: quickbooks, sage50uk or sage50ca.")
    ] = None,
    transport: Annotated[
        BooksTransport | None,
        typer.Option(
            help="QuickBooks: webconnector or com. Sage 50 UK: com (Sage Data Objects) or files. "
            "Sage 50 Canada: sdk or files (.IMP)."
        ),
    ] = None,
    company_file: Annotated[
        str | None,
        typer.Option(
            help="QuickBooks: the company file ('' = the open one). Sage 50 UK: the ACCDATA folder. "
            "Sage 50 Canada: the .SAI file."
        ),
    ] = None,
    books_user: Annotated[str | None, typer.Option(help="Sage 50: the dedicated Sage user to log in as.")] = None,
    books_password: Annotated[
        str | None,
        typer.Option(help=f"Sage 50: that user's password (or set {BOOKS_PASSWORD_ENV} for the service)."),
    ] = None,
    import_folder: Annotated[str | None, typer.Option(help="Sage 50 files: where import files go.")] = None,
    importer_path: Annotated[
        str | None, typer.Option(help="Sage 50 Canada files: Sage_SA_import.exe ('' = import by hand).")
    ] = None,
    export_folder: Annotated[str | None, typer.Option(help="Sage 50 UK files: where Sage's exports are.")] = None,
    wc_password: Annotated[str | None, typer.Option(help="Web Connector password (asked for when not given).")] = None,
    suppliers: Annotated[
        bool | None, typer.Option("--suppliers/--no-suppliers", help="Also send suppliers and purchase orders.")
    ] = None,
    tax_import: Annotated[
        bool | None,
        typer.Option("--tax-import/--no-tax-import", help="Import the books' tax rates into Halo (needs Admin once)."),
    ] = None,
    import_customers: Annotated[
        bool | None,
        typer.Option(
            "--import-customers/--no-import-customers",
            help="Also bring the books' customers that no Halo client matches into Halo.",
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Check the Halo connection live before saving.")
    ] = True,
    qwc_output: Annotated[Path | None, typer.Option(help="Where to write the .qwc file (default: NAME.qwc).")] = None,
    dashboard_password: Annotated[
        str | None, typer.Option(help="The password the dashboard will ask for (at least 10 characters).")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Ask nothing: use options, environment and defaults.")
    ] = False,
) -> None:
    """Set up Halo, the books and the flows; re-run it to change the configuration."""
    state = state_of(ctx)
    interactive = not yes
    path = state.config_path or default_config_path()
    settings = load_settings(path, environ={})
    halo = settings.halo
    state.out.print("[bold]Halo[/]: an API application with 'Client ID and Secret (Services)', login type Agent.")
    halo.url = _ask(
        halo_url, "Halo address (e.g. https://yourcompany.halopsa.com)", halo.url, interactive=interactive
    ).rstrip("/")
    halo.tenant = _ask(
        tenant, "Tenant (hosted Halo; empty if self-hosted)", halo.tenant, interactive=interactive, optional=True
    )
    halo.client_id = _ask(client_id, "Client ID", halo.client_id, interactive=interactive)
    existing, _ = resolve_client_secret(settings)
    secret_text = client_secret if client_secret is not None else (existing.get_secret_value() if existing else None)
    secret_text = _ask(secret_text, "Client secret", "", interactive=interactive, secret=True)
    state.redactor.add_secret(secret_text)
    if tax_import is None:
        tax_import = (
            typer.confirm("Import the books' tax rates into Halo (needs Admin the first time)?", default=True)
            if interactive
            else True
        )
    if suppliers is None:
        suppliers = typer.confirm("Also send suppliers and purchase orders?", default=False) if interactive else False
    if import_customers is None:
        importing = settings.flows.customers in (Direction.BOTH, Direction.FROM_BOOKS)
        import_customers = (
            typer.confirm(
                "Bring the books' customers that are not in Halo into Halo (matches are linked either way)?",
                default=importing,
            )
            if interactive
            else importing
        )
    settings.flows.customers = _customers_direction(settings.flows.customers, import_customers)
    settings.flows.tax_rates = Direction.FROM_BOOKS if tax_import else Direction.OFF
    settings.flows.suppliers = settings.flows.purchase_orders = Direction.TO_BOOKS if suppliers else Direction.OFF
    if check:
        with HaloClient.from_settings(
            settings,
            SecretStr(secret_text),
            scopes=default_scopes(settings, include_admin=tax_import),
            on_token=state.redactor.add_secret,
        ) as client:
            checks = diagnose(client, operations_for_flows(settings.flows.enabled(), include_admin=tax_import))
        state.out.print(render_checks(checks))
        if any(c.failed for c in checks):
            state.err.print(
                "[bold red]Halo is not ready:[/] switch on what is listed, then run 'halo-accounts init' again."
            )
            raise typer.Exit(ExitCode.CONFIG)

    _dashboard_password(state, settings, dashboard_password, interactive=interactive)
    name = _ask(company, "Name for these books", next(iter(settings.companies), "main"), interactive=interactive)
    current = settings.companies.get(name, CompanySettings())
    package = books or (
        Books(typer.prompt("Which books: 'quickbooks', 'sage50uk' or 'sage50ca'?", default=current.books.value))
        if interactive
        else current.books
    )
    if package is Books.SAGE50CA:
        entry = _sage_canada_entry(
            state, name, current, transport=transport, sai=company_file, user=books_user, password=books_password,
            import_folder=import_folder, importer_path=importer_path, interactive=interactive,
        )  # fmt: skip
        _save(state, settings, name, entry, secret_text, path, plain_file=plain_file)
        state.out.print(f"Next: 'halo-accounts sync --company {name} --dry-run' shows what the first sync will do.")
        return
    if package is Books.SAGE50UK:
        entry = _sage_entry(
            state, name, current, transport=transport, data_path=company_file, user=books_user,
            password=books_password, import_folder=import_folder, export_folder=export_folder,
            interactive=interactive,
        )  # fmt: skip
        _save(state, settings, name, entry, secret_text, path, plain_file=plain_file)
        state.out.print(f"Next: 'halo-accounts sync --company {name} --dry-run' shows what the first sync will do.")
        return
    state.out.print("[bold]QuickBooks Desktop[/]")
    chosen_transport = transport or (
        BooksTransport(
            typer.prompt("Reach QuickBooks through the 'webconnector' or 'com'?", default=current.transport.value)
        )
        if interactive
        else current.transport
    )
    entry = _valid_company(
        name,
        current if current.books is Books.QUICKBOOKS else None,
        books=Books.QUICKBOOKS,
        transport=chosen_transport,
        company_file=_ask(
            company_file,
            "Company file path (empty = the open file)",
            current.company_file,
            interactive=interactive,
            optional=True,
        ),
        webconnector_user=current.webconnector_user,
        webconnector_password_hash=current.webconnector_password_hash,
        run_every_minutes=current.run_every_minutes,
    )
    if chosen_transport is BooksTransport.WEBCONNECTOR:
        entry.webconnector_user = current.webconnector_user or f"halo-{name}"
        password = wc_password
        if password is None and interactive:
            password = typer.prompt(
                "Web Connector password (you type it into the Web Connector too)",
                hide_input=True,
                confirmation_prompt=True,
            )
        if password is None and not current.webconnector_password_hash:
            msg = "Give the Web Connector password with --wc-password (it is typed into the Web Connector too)."
            raise ConfigError(msg)
        if password is not None:
            if len(password) < 8:
                msg = "Choose a Web Connector password of at least 8 characters."
                raise ConfigError(msg)
            state.redactor.add_secret(password)
            entry.webconnector_password_hash = hash_password(password)
    _save(state, settings, name, entry, secret_text, path, plain_file=plain_file)
    if entry.transport is BooksTransport.WEBCONNECTOR:
        target = qwc_output or Path(f"{name}.qwc")
        target.write_text(
            qwc_xml(
                QwcFile(
                    company=name,
                    app_url=webconnector_url(settings.server.public_url, settings.server.port),
                    username=entry.webconnector_user,
                    installation_id=settings.installation_id,
                    run_every_minutes=entry.run_every_minutes,
                )
            ),
            encoding="utf-8",
        )
        state.out.print(
            f"Wrote {target}: run 'halo-accounts serve', then add this file in the QuickBooks Web Connector."
        )
    else:
        state.out.print(f"Next: 'halo-accounts sync --company {name} --dry-run' shows what the first sync will do.")


def _dashboard_password(state: CliState, settings: Settings, password: str | None, *, interactive: bool) -> None:
    """The dashboard's password, given or asked for (empty: keep the one set, or set it later)."""
    if password is None and interactive:
        password = typer.prompt(
            "Dashboard password (for the browser; empty to keep or set it later)", hide_input=True, default=""
        )
    if not password:
        return
    if len(password) < MIN_PASSWORD:
        msg = f"Choose a dashboard password of at least {MIN_PASSWORD} characters."
        raise ConfigError(msg)
    state.redactor.add_secret(password)
    settings.server.dashboard_password_hash = hash_password(password)


def _save(
    state: CliState, settings: Settings, name: str, entry: CompanySettings, secret: str, path: Path, *, plain_file: bool
) -> None:
    """The company and the Halo secret: the secret in the keyring, or the file (0600) when there is none."""
    settings.companies[name] = entry
    settings.installation_id = settings.installation_id or secrets.token_hex(16)
    if plain_file or not keyring_available():
        if not plain_file:
            state.out.print("No OS keyring here: the secret is kept in the settings file, readable only by you.")
        settings.halo.client_secret = SecretStr(secret)
        save_settings(settings, path, include_secret=True)
    else:
        save_settings(settings, path, include_secret=settings.halo.client_secret is not None)
        store_client_secret(settings, secret, path)
    state.out.print(f"Saved to {path}.")


def _sage_entry(
    state: CliState,
    name: str,
    current: CompanySettings,
    *,
    transport: BooksTransport | None,
    data_path: str | None,
    user: str | None,
    password: str | None,
    import_folder: str | None,
    export_folder: str | None,
    interactive: bool,
) -> CompanySettings:
    """Sage 50 UK: over Sage Data Objects with a dedicated user, or through import files."""
    state.out.print("[bold]Sage 50 UK[/]")
    was_sage = current.books is Books.SAGE50UK
    default = current.transport if was_sage else BooksTransport.COM
    chosen = transport or (
        BooksTransport(
            typer.prompt("Reach Sage through 'com' (Sage Data Objects on this PC) or 'files'?", default=default.value)
        )
        if interactive
        else default
    )
    if chosen is BooksTransport.FILES:
        return _valid_company(
            name, current if was_sage else None, books=Books.SAGE50UK, transport=chosen,
            run_every_minutes=current.run_every_minutes, invoicing_module=False,  # files cannot reach it
            import_folder=_ask(
                import_folder, "Folder for the import files", current.import_folder, interactive=interactive
            ),
            export_folder=_ask(
                export_folder, "Folder of Sage's exports (File > Export writes them there)", current.export_folder,
                interactive=interactive,
            ),
        )  # fmt: skip
    entry = _valid_company(
        name, current if was_sage else None, books=Books.SAGE50UK, transport=chosen,
        run_every_minutes=current.run_every_minutes,
        company_file=_ask(data_path, "Sage data folder (ACCDATA)", current.company_file, interactive=interactive),
        books_user=_ask(
            user, "Sage user for the integrator (one nobody logs in with)", current.books_user or "HALOSYNC",
            interactive=interactive,
        ).upper(),
        sdo_version=current.sdo_version,
    )  # fmt: skip
    _keep_sage_password(state, name, entry.books_user, password, interactive=interactive)
    return entry


def _sage_canada_entry(
    state: CliState,
    name: str,
    current: CompanySettings,
    *,
    transport: BooksTransport | None,
    sai: str | None,
    user: str | None,
    password: str | None,
    import_folder: str | None,
    importer_path: str | None,
    interactive: bool,
) -> CompanySettings:
    """Sage 50 Canada: the SDK on this PC, or .IMP files; read from the company's database either way."""
    state.out.print("[bold]Sage 50 Canada[/]")
    was_canada = current.books is Books.SAGE50CA
    default = current.transport if was_canada else BooksTransport.SDK
    chosen = transport or (
        BooksTransport(typer.prompt("Reach Sage through 'sdk' (on this PC) or 'files' (.IMP)?", default=default.value))
        if interactive
        else default
    )
    files = chosen is BooksTransport.FILES
    entry = _valid_company(
        name, current if was_canada else None, books=Books.SAGE50CA, transport=chosen,
        run_every_minutes=current.run_every_minutes,
        company_file=_ask(
            sai, "The company's .SAI file", current.company_file, interactive=interactive, optional=files
        ),
        books_user=_ask(
            user, "Sage user for the integrator (with third-party rights)", current.books_user or "HALOSYNC",
            interactive=interactive,
        ).upper(),
        import_folder=_ask(
            import_folder, "Folder for the .IMP files", current.import_folder, interactive=interactive
        ) if files else "",
        importer_path=_ask(
            importer_path, "Sage_SA_import.exe (empty = import by hand)", current.importer_path,
            interactive=interactive, optional=True,
        ) if files else "",
        database_url=current.database_url, sdk_release=current.sdk_release, default_item=current.default_item,
    )  # fmt: skip
    _keep_sage_password(state, name, entry.books_user, password, interactive=interactive)
    return entry


def _keep_sage_password(state: CliState, name: str, user: str, password: str | None, *, interactive: bool) -> None:
    """The Sage user's password, asked for unless given or set for the service, kept in the OS keyring."""
    if password is None and interactive and not books_password_in_environment():
        password = typer.prompt(f"Sage password of {user}", hide_input=True, default="")
    if password:
        state.redactor.add_secret(password)
        store_books_password(name, password)


def _valid_company(name: str, current: CompanySettings | None = None, **fields: object) -> CompanySettings:
    """The company with ``fields``; what they do not set (its schedule, its tuning) is kept from ``current``."""
    tuning = {"sync_window", "paused", "sales_nominal", "department", "invoicing_module", "shorten_long_names"}
    kept = current.model_dump(include=tuning) if current else {}
    try:
        return CompanySettings(**{**kept, **fields})
    except ValidationError as exc:
        problems = "; ".join(str(error["msg"]).removeprefix("Value error, ") for error in exc.errors())
        msg = f"Company '{name}' cannot be saved: {problems}."
        raise ConfigError(msg) from None


def _customers_direction(current: Direction, importing: bool) -> Direction:
    """The customers flow with the books → Halo half switched on or off, the other half as it was."""
    to_books = current in (Direction.TO_BOOKS, Direction.BOTH)
    if importing:
        return Direction.BOTH if to_books else Direction.FROM_BOOKS
    return Direction.TO_BOOKS if to_books else Direction.OFF
