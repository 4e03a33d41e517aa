"""``halo-accounts company``: the sets of books the integrator keeps in step with Halo."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from pydantic import ValidationError

from halo_accounts.cli.common import state_of
from halo_accounts.cli.wiring import open_state_store
from halo_accounts.config import (
    TRANSPORTS,
    Books,
    BooksTransport,
    CompanySettings,
    default_config_path,
    forget_books_password,
    load_settings,
    save_settings,
    store_books_password,
)
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import hash_password
from halo_accounts.engine.identity import confirm_pending_books, pending_books
from halo_accounts.errors import ConfigError
from halo_accounts.store.state import SyncState

__all__ = ["company_app"]

company_app = typer.Typer(help="Add, list and remove companies (sets of books).", no_args_is_help=True)


@company_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A short name for these books, e.g. northwind.")],
    books: Annotated[Books | None, typer.Option(help="The accounting package (default quickbooks).")] = None,
    transport: Annotated[
        BooksTransport | None,
        typer.Option(
            help="QuickBooks: webconnector (default), com or simulator. Sage 50 UK: com (Sage Data Objects, "
            "default), files (import files) or simulator. Sage 50 Canada: sdk (default), files (.IMP) or simulator."
        ),
    ] = None,
    company_file: Annotated[
        str | None,
        typer.Option(
            help="QuickBooks: the company file ('' = the open one). Sage 50 UK: the ACCDATA folder. "
            "Sage 50 Canada: the company's .SAI file."
        ),
    ] = None,
    wc_user: Annotated[str | None, typer.Option(help="Web Connector user name (default: halo-<name>).")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the Web Connector or Sage password from stdin.")
    ] = False,
    run_every_minutes: Annotated[
        int | None, typer.Option(help="How often the books sync, in minutes (default 15).")
    ] = None,
    edition: Annotated[str | None, typer.Option(help="Edition of a simulated company: US, CA, UK or AU.")] = None,
    books_user: Annotated[
        str | None, typer.Option(help="Sage 50: the Sage user to log in as (a dedicated one nobody else uses).")
    ] = None,
    sdo_version: Annotated[
        int | None, typer.Option(help="Sage 50 UK: the major version of Sage (SDOEngine.N); 0 finds the installed one.")
    ] = None,
    import_folder: Annotated[str | None, typer.Option(help="Sage 50 files: where import files are written.")] = None,
    export_folder: Annotated[
        str | None, typer.Option(help="Sage 50 UK files: where Sage's exports are read from.")
    ] = None,
    department: Annotated[
        int | None, typer.Option(help="Sage 50 UK: the department (1-999) to analyse postings by; 0 for none.")
    ] = None,
    invoicing_module: Annotated[
        bool | None,
        typer.Option(
            "--invoicing-module/--ledger",
            help="Sage 50 UK: invoices as Invoicing-module documents for you to post, or straight to the ledger.",
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="Sage 50 Canada: the company's database, without the password "
            "(default mysql+pymysql://USER@localhost:13540/simply)."
        ),
    ] = None,
    sdk_release: Annotated[
        str | None, typer.Option(help="Sage 50 Canada: the release the installed SDK is for, e.g. 32.10.")
    ] = None,
    sdk_python: Annotated[
        str | None,
        typer.Option(help="Sage 50 Canada SDK: the 32-bit python.exe (with pythonnet) the SDK runs in."),
    ] = None,
    importer_path: Annotated[
        str | None,
        typer.Option(help="Sage 50 Canada files: Sage_SA_import.exe, to import each file as it is written."),
    ] = None,
    default_item: Annotated[
        str | None, typer.Option(help="Sage 50 Canada: the part number of invoice lines Halo gives no item.")
    ] = None,
    imp_version: Annotated[
        str | None, typer.Option(help="Sage 50 Canada files: the .IMP version number, e.g. 32101 (2025).")
    ] = None,
) -> None:
    """Add a company, or change one that exists: what is not given stays as it was.

    A new company asks for its Web Connector or Sage password; a changed one only with --password-stdin
    (or use 'company password').
    """
    state = state_of(ctx)
    path = state.config_path or default_config_path()
    settings = load_settings(path, environ={})
    if not name.replace("-", "").replace("_", "").isalnum():
        msg = f"Use letters, digits, - and _ in the company name, not '{name}'."
        raise ConfigError(msg)
    if edition and edition.upper() not in Edition.__members__:
        msg = f"The edition must be US, CA, UK or AU, not '{edition}'."
        raise ConfigError(msg)
    current = settings.companies.get(name)
    if current is not None and books is not None and books is not current.books:
        current = None  # another package: nothing of the old settings applies
    books = books or (current.books if current else Books.QUICKBOOKS)
    if transport is None:  # as it was, else each package's first transport (its usual one)
        transport = current.transport if current else next(iter(TRANSPORTS[books]), BooksTransport.COM)
    given = {
        "company_file": company_file, "run_every_minutes": run_every_minutes,
        "edition": edition.upper() if edition else None, "books_user": books_user.upper() if books_user else None,
        "sdo_version": sdo_version, "import_folder": import_folder, "export_folder": export_folder,
        "department": department, "invoicing_module": invoicing_module, "database_url": database_url,
        "sdk_release": sdk_release, "sdk_python": sdk_python, "importer_path": importer_path,
        "default_item": default_item, "imp_version": imp_version,
    }  # fmt: skip
    base = current.model_dump() if current else {}
    try:
        company = CompanySettings(
            **{**base, "books": books, "transport": transport, **{k: v for k, v in given.items() if v is not None}}
        )
    except ValidationError as exc:
        problems = "; ".join(str(error["msg"]).removeprefix("Value error, ") for error in exc.errors())
        msg = f"Company '{name}' cannot be saved: {problems}."
        raise ConfigError(msg) from None
    ask = current is None or password_stdin
    # Sage 50 UK's import files need no log-on; everything else of Sage's does (Canada's files: its database).
    sage_logs_on = books is Books.SAGE50CA or (books is Books.SAGE50UK and transport is not BooksTransport.FILES)
    if sage_logs_on and ask:
        company.books_user = company.books_user or ("SYSADMIN" if books is Books.SAGE50CA else "MANAGER")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt(f"Sage 50 password of {company.books_user}", hide_input=True, default="")
        if password:  # none is Sage's own default for MANAGER: nothing to keep
            state.redactor.add_secret(password)
            store_books_password(name, password)
    if books is Books.QUICKBOOKS and transport is BooksTransport.WEBCONNECTOR:
        company.webconnector_user = wc_user or company.webconnector_user or f"halo-{name}"
    else:  # no Web Connector calls for this company any more
        company.webconnector_user = company.webconnector_password_hash = ""
    if (
        books is Books.QUICKBOOKS
        and transport is BooksTransport.WEBCONNECTOR
        and (ask or not company.webconnector_password_hash)
    ):
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt(
                "Web Connector password (you will type it into the Web Connector too)",
                hide_input=True,
                confirmation_prompt=True,
            )
        if len(password) < 8:
            msg = "Choose a Web Connector password of at least 8 characters."
            raise ConfigError(msg)
        state.redactor.add_secret(password)
        company.webconnector_password_hash = hash_password(password)
    settings.companies[name] = company
    save_settings(settings, path, include_secret=settings.halo.client_secret is not None)
    state.out.print(f"Company '{name}' saved ({books.value}, {transport.value}).")
    if company.webconnector_user:
        state.out.print(f"Next: 'halo-accounts qwc --company {name}' writes the file to load into the Web Connector.")


@company_app.command("list")
def list_companies(ctx: typer.Context) -> None:
    """List the companies."""
    state = state_of(ctx)
    settings = load_settings(state.config_path)
    if not settings.companies:
        state.out.print("No companies yet. Add one with 'halo-accounts company add NAME'.")
    for name, company in sorted(settings.companies.items()):
        where = company.company_file or "the open company file"
        state.out.print(f"{name}: {company.books.value} via {company.transport.value}, {where}", highlight=False)


@company_app.command("remove")
def remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The company to remove.")]) -> None:
    """Remove a company from the settings (nothing is deleted in the books or in Halo)."""
    state = state_of(ctx)
    path = state.config_path or default_config_path()
    settings = load_settings(path, environ={})
    settings.company(name)
    del settings.companies[name]
    save_settings(settings, path, include_secret=settings.halo.client_secret is not None)
    state.out.print(f"Company '{name}' removed.")
    if not forget_books_password(name):  # a company added again under this name must not reuse it
        state.err.print(
            f"[yellow]Its books password is still in the OS keyring (it would not let go): remove "
            f"'books:{name}' of 'halo-accounts-integrator' there.[/]"
        )


@company_app.command("confirm-books")
def confirm_books(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The company whose company file moved or was renamed.")],
    store: Annotated[str | None, typer.Option(help="Store URL (default: SQLite in your data folder).")] = None,
) -> None:
    """Say the books a sync was stopped for are the company's, moved or renamed: its links stay with them."""
    state = state_of(ctx)
    settings = load_settings(state.config_path)
    settings.company(name)
    opened = open_state_store(settings, store)
    try:
        sync_state = SyncState(opened.engine, name)
        pending = pending_books(sync_state)
        if pending is None:
            state.out.print(f"No sync of '{name}' is waiting for its books to be confirmed.")
            return
        confirm_pending_books(sync_state, pending.digest)
    finally:
        opened.close()
    state.out.print(f"'{name}' syncs with {pending.now} from now on, keeping its links.", highlight=False)


@company_app.command("password")
def password(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The company (Sage 50).")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Change the Sage password the integrator logs in with (kept in the OS keyring)."""
    state = state_of(ctx)
    settings = load_settings(state.config_path or default_config_path(), environ={})
    company = settings.company(name)
    if company.books is Books.QUICKBOOKS:
        msg = f"'{name}' is QuickBooks: its Web Connector password is changed with 'company add {name}'."
        raise ConfigError(msg)
    if password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = typer.prompt(f"Sage password of {company.books_user or 'MANAGER'}", hide_input=True, default="")
    state.redactor.add_secret(secret)
    store_books_password(name, secret)
    state.out.print(f"The books password of '{name}' is kept in the OS keyring.")


@company_app.command("schedule")
def schedule(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The company.")],
    every: Annotated[int | None, typer.Option(help="Minutes between syncs (Web Connector: rewrite the .qwc).")] = None,
    window: Annotated[
        str | None, typer.Option(help="Local hours in which syncs may start, e.g. 19:00-07:00; 'any' for any time.")
    ] = None,
    pause: Annotated[
        bool | None, typer.Option("--pause/--resume", help="Stop syncing this company until resumed.")
    ] = None,
) -> None:
    """Show or change when a company syncs; 'serve' applies a pause or a window at once."""
    state = state_of(ctx)
    path = state.config_path or default_config_path()
    settings = load_settings(path, environ={})
    company = settings.company(name)
    try:
        if every is not None:
            company.run_every_minutes = every
        if window is not None:
            company.sync_window = "" if window.strip().lower() in ("any", "off", "") else window
    except ValidationError as exc:
        msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ConfigError(msg) from None
    if pause is not None:
        company.paused = pause
    if (every, window, pause) != (None, None, None):
        save_settings(settings, path, include_secret=settings.halo.client_secret is not None)
    hours = f"between {company.sync_window}" if company.sync_window else "at any time"
    when = f"every {company.run_every_minutes} minutes, {hours}"
    state.out.print(f"{name}: {'PAUSED' if company.paused else 'syncs'} {when}.", highlight=False)
    if every is not None and company.transport is BooksTransport.WEBCONNECTOR:
        state.out.print(f"Rewrite and reload the .qwc file for the new interval: 'halo-accounts qwc --company {name}'.")
