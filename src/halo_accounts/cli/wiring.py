"""Opening what a command works on: the store, the Halo client, and one company's books."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from halo_accounts.cli.common import CliState
from halo_accounts.config import Books, BooksTransport, CompanySettings, Direction, Settings, resolve_books_password
from halo_accounts.connectors.halo.client import HaloClient, default_scopes
from halo_accounts.connectors.quickbooks.books import QuickBooksBooks, open_quickbooks
from halo_accounts.connectors.quickbooks.transports.base import Transport
from halo_accounts.connectors.quickbooks.transports.com import ComTransport
from halo_accounts.connectors.sage50ca.books import ImpWriter, Sage50CABooks, SdkWriter
from halo_accounts.connectors.sage50ca.database import SageCanadaDatabase
from halo_accounts.connectors.sage50ca.sdk import SdkConnector
from halo_accounts.connectors.sage50ca.worker import OpenRequest, SdkWorkerClient
from halo_accounts.connectors.sage50uk import Sage50UKBooks, SdoConnector, dispatch_engine
from halo_accounts.connectors.sage50uk.files import SageImportFiles
from halo_accounts.connectors.sage50uk.postings import PostingDefaults
from halo_accounts.connectors.sage50uk.sdo import choose_sdo_version
from halo_accounts.engine.mappings import ACCOUNT_ROLES
from halo_accounts.errors import ConfigError
from halo_accounts.ports.books import BooksSession
from halo_accounts.store import Store, open_store
from halo_accounts.tracing import TraceWriter, TracingHttpTransport, TracingQuickBooksTransport

__all__ = ["choose_company", "open_books", "open_halo", "open_state_store", "sage50ca_database_url"]


def choose_company(settings: Settings, name: str | None) -> str:
    """The named company, or the only one."""
    if name:
        settings.company(name)
        return name
    if len(settings.companies) == 1:
        return next(iter(settings.companies))
    if not settings.companies:
        msg = "No company is set up yet. Add one with 'halo-accounts company add NAME'."
        raise ConfigError(msg)
    msg = f"Several companies are set up ({', '.join(sorted(settings.companies))}); choose one with --company."
    raise ConfigError(msg)


def open_state_store(settings: Settings, url: str | None) -> Store:
    """The store from --store, the settings, or the default."""
    return open_store(url or settings.store_url or None)


def open_halo(
    state: CliState, settings: Settings, secret: SecretStr | None, trace: TraceWriter | None = None
) -> HaloClient:
    """The Halo client, asking for Admin only when tax rates are imported."""
    include_admin = settings.flows.tax_rates is not Direction.OFF
    transport: httpx.BaseTransport | None = None
    if trace is not None:
        transport = TracingHttpTransport(httpx.HTTPTransport(), trace)
    return HaloClient.from_settings(
        settings,
        secret,
        scopes=default_scopes(settings, include_admin=include_admin),
        transport=transport,
        on_token=state.redactor.add_secret,
    )


@contextmanager
def open_books(
    settings: Settings,
    company: str,
    trace: TraceWriter | None = None,
    account_overrides: dict[str, str] | None = None,
) -> Iterator[BooksSession]:
    """An open session on a company's books, always closed."""
    chosen = settings.company(company)
    if chosen.books is Books.SAGE50UK:
        with _open_sage50uk(chosen, company, account_overrides) as sage:
            yield sage
        return
    if chosen.books is Books.SAGE50CA:
        with _open_sage50ca(chosen, company) as canada:
            yield canada
        return
    transport: Transport
    if chosen.transport is BooksTransport.WEBCONNECTOR:
        msg = (
            f"'{company}' is reached through the QuickBooks Web Connector, so it syncs when the Web Connector "
            "calls 'halo-accounts serve' (or when you press 'Update Selected' in the Web Connector)."
        )
        raise ConfigError(msg)
    if chosen.transport is BooksTransport.SIMULATOR:
        # The composition root may wire a simulator; the connectors never import one.
        from halo_accounts.simulators.quickbooks import QuickBooksCompany
        from halo_accounts.simulators.quickbooks.request_processor import FakeRequestProcessor

        if not chosen.company_file:
            msg = f"Set the simulated company's file for '{company}' (company add --company-file PATH.sqlite)."
            raise ConfigError(msg)
        if not Path(chosen.company_file).parent.is_dir():
            msg = f"The folder of '{company}'s simulated company file does not exist: {chosen.company_file}."
            raise ConfigError(msg)
        simulated = QuickBooksCompany(edition=chosen.edition or "US", store=chosen.company_file, validate_schema=False)
        transport = ComTransport(processor_factory=lambda: FakeRequestProcessor(simulated))
    else:
        transport = ComTransport(chosen.company_file)
    if trace is not None:
        transport = TracingQuickBooksTransport(transport, trace)
    with open_quickbooks(
        transport, shorten_long_names=chosen.shorten_long_names, account_overrides=account_overrides
    ) as books:
        yield books


@contextmanager
def _open_sage50uk(chosen: CompanySettings, company: str, accounts: Mapping[str, str] | None) -> Iterator[BooksSession]:
    """Sage 50 UK over SDO, its import files, or a simulated company kept in a file."""
    if chosen.transport is BooksTransport.FILES:
        exports = Path(chosen.export_folder) if chosen.export_folder else None
        yield SageImportFiles(Path(chosen.import_folder), exports, defaults=_posting_defaults(chosen, accounts))
        return
    user = chosen.books_user or "MANAGER"
    password = resolve_books_password(company)
    if chosen.transport is BooksTransport.COM:
        if not chosen.company_file:
            msg = f"Set the Sage 50 data folder of '{company}' (company add --company-file PATH\\ACCDATA)."
            raise ConfigError(msg)
        version = choose_sdo_version(chosen.sdo_version)
        connector = SdoConnector(dispatch_engine(version), chosen.company_file, user, password, version=version)
        yield Sage50UKBooks(connector, defaults=_posting_defaults(chosen, accounts), invoicing=chosen.invoicing_module)
        return
    # The composition root may wire a simulator; the connectors never import one.
    from halo_accounts.simulators.sage50uk import SDOEngine, load_company, save_company, seed_company

    if not chosen.company_file:
        msg = f"Set the simulated company's file for '{company}' (company add --company-file PATH.json)."
        raise ConfigError(msg)
    kept = Path(chosen.company_file)
    simulated = load_company(kept) if kept.exists() else seed_company()
    simulated.users[user.upper()] = password.get_secret_value()  # passwords are not kept in its file
    simulated.autosave = kept  # saved after every change, as Sage writes to disk at once
    engine = SDOEngine({simulated.data_path: simulated}, version=simulated.version)
    try:
        connector = SdoConnector(lambda: engine, simulated.data_path, user, password)
        yield Sage50UKBooks(connector, defaults=_posting_defaults(chosen, accounts), invoicing=chosen.invoicing_module)
    finally:
        save_company(simulated, kept)


def sage50ca_database_url(chosen: CompanySettings, user: str, password: SecretStr) -> str:
    """The company's database URL with the books password put in (never written to the settings)."""
    url = make_url(chosen.database_url or f"mysql+pymysql://{user}@localhost:13540/simply")
    return url.set(password=password.get_secret_value()).render_as_string(hide_password=False)


@contextmanager
def _open_sage50ca(chosen: CompanySettings, company: str) -> Iterator[BooksSession]:
    """Sage 50 Canada: read from its database, written through the SDK or .IMP files; or a simulated company."""
    user = chosen.books_user or "SYSADMIN"
    password = resolve_books_password(company)
    if chosen.transport is BooksTransport.SIMULATOR:
        with _simulated_sage50ca(chosen, company, user, password) as simulated:
            yield simulated
        return
    writer: SdkWorkerClient | ImpWriter
    if chosen.transport is BooksTransport.SDK:
        if not chosen.company_file:
            msg = f"Set the Sage 50 company (.SAI file) of '{company}' (company add --company-file PATH.SAI)."
            raise ConfigError(msg)
        # The SDK runs in a worker process: a 32-bit Python, one company each (see connectors/sage50ca/worker.py).
        command = [chosen.sdk_python or sys.executable, "-m", "halo_accounts.connectors.sage50ca.worker"]
        opened = OpenRequest(chosen.company_file, user, password.get_secret_value(), chosen.sdk_release)
        writer = SdkWorkerClient(command, opened)
    else:
        importer = [chosen.importer_path] if chosen.importer_path else []
        writer = ImpWriter(
            Path(chosen.import_folder), importer=importer, company_file=chosen.company_file, version=chosen.imp_version
        )
    books = Sage50CABooks(
        SageCanadaDatabase(sage50ca_database_url(chosen, user, password)), writer, default_item=chosen.default_item
    )
    try:
        yield books
    finally:
        books.close()


@contextmanager
def _simulated_sage50ca(
    chosen: CompanySettings, company: str, user: str, password: SecretStr
) -> Iterator[BooksSession]:
    # The composition root may wire a simulator; the connectors never import one.
    from halo_accounts.simulators.sage50ca import load_company, save_company, seed_company
    from halo_accounts.simulators.sage50ca.mysql import LiveCopy
    from halo_accounts.simulators.sage50ca.sdk import FakeSDKInstanceManager, SdkUser

    if not chosen.company_file:
        msg = f"Set the simulated company's file for '{company}' (company add --company-file PATH.json)."
        raise ConfigError(msg)
    kept = Path(chosen.company_file)
    simulated = load_company(kept) if kept.exists() else seed_company()
    manager = FakeSDKInstanceManager({str(kept): simulated}, {user: SdkUser(password.get_secret_value())})
    live = LiveCopy(simulated, f"sqlite:///{kept.with_suffix('.simply.db')}")
    connector = SdkConnector(lambda: manager, str(kept), user, password)
    database = SageCanadaDatabase(live.url, before_read=live.refresh)
    books = Sage50CABooks(database, SdkWriter(connector), default_item=chosen.default_item)
    try:
        yield books
    finally:
        books.close()
        live.close()
        save_company(simulated, kept)


def reported_company_name(books: BooksSession) -> str:
    """The company name the books report (QuickBooks), to tell books apart when no file is named."""
    return books.profile.company_name if isinstance(books, QuickBooksBooks) else ""


def _posting_defaults(chosen: CompanySettings, accounts: Mapping[str, str] | None) -> PostingDefaults:
    """The company's defaults, and its account mappings of Halo nominal codes (roles are QuickBooks')."""
    nominals = {halo: sage for halo, sage in (accounts or {}).items() if halo not in ACCOUNT_ROLES}
    return PostingDefaults(nominal=chosen.sales_nominal, department=chosen.department, nominals=nominals)
