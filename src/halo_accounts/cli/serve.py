"""``halo-accounts serve``: the long-running process the Web Connector and the browser talk to.

It serves the Web Connector endpoint (``/qbwc``, WSDL at ``/qbwc?wsdl``), a health check
(``/health``), the support page the ``.qwc`` file links to, and the dashboard (``/``, behind its
password). Each time the Web Connector calls, the sync runs for that company, its QuickBooks
messages travelling through the Web Connector; COM and Sage companies sync on their schedule (or
"sync now" in the dashboard). Until Halo is configured, a company's first update only reads its
set-up (tax codes, accounts, terms), which proves the QuickBooks side. The settings are read
afresh as they are needed, so what is changed while ``serve`` runs applies without a restart.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from halo_accounts.cli.common import HaloOptions, halo_settings, state_of
from halo_accounts.cli.doctor_local import local_checks
from halo_accounts.cli.qwc import WEBCONNECTOR_PATH, webconnector_url
from halo_accounts.cli.wiring import open_books, open_halo, reported_company_name
from halo_accounts.config import Direction, Settings, load_settings, resolve_client_secret
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.doctor import Check, CheckStatus, diagnose
from halo_accounts.connectors.halo.permissions import operations_for_flows
from halo_accounts.connectors.quickbooks.books import QuickBooksBooks
from halo_accounts.connectors.quickbooks.bridge import BridgedTransport, bridged_conversation
from halo_accounts.connectors.quickbooks.conversations import ConversationFactory
from halo_accounts.connectors.quickbooks.qbxml.build import Shortener
from halo_accounts.connectors.quickbooks.qbxml.host import CompanyProfile
from halo_accounts.connectors.quickbooks.setup_reader import CompanySetup, read_company_setup
from halo_accounts.connectors.quickbooks.transports.base import Transport
from halo_accounts.connectors.quickbooks.transports.webconnector import (
    CompanyEndpoint,
    WebConnectorService,
    WorkSource,
    webconnector_app,
)
from halo_accounts.engine.context import RunReport
from halo_accounts.engine.identity import books_identity
from halo_accounts.engine.runner import run_sync
from halo_accounts.errors import ConfigError, SyncError
from halo_accounts.schedule import held_back
from halo_accounts.scheduler import Scheduler, scheduled_companies
from halo_accounts.store import Store, open_store
from halo_accounts.store.sessions import WebConnectorSessions
from halo_accounts.store.state import SyncState
from halo_accounts.tracing import TraceWriter, TracingQuickBooksTransport
from halo_accounts.web import SettingsFile, dashboard_app

__all__ = ["build_server_app", "serve"]

log = logging.getLogger(__name__)


class SyncOverWebConnector:
    """Work for the Web Connector: a full sync run each time it calls (the .qwc sets the interval).

    A paused company, or a call outside the company's sync window, gets "nothing to do". The
    settings are read from ``reload`` (the settings file) on every call, so changes apply at once.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        open_halo: Callable[[], HaloClient],
        trace: TraceWriter | None = None,
        *,
        reload: Callable[[], Settings] | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._open_halo = open_halo
        self._trace = trace
        self._reload = reload
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def _settings_for_a_run(self, company: str) -> Settings | None:
        """The settings as they are now, or ``None`` when the company may not sync now."""
        try:
            settings = self._reload() if self._reload else self._settings
            chosen = settings.company(company)
        except SyncError as exc:
            log.warning("Not syncing %s: %s", company, exc.user_message)
            return None
        reason = held_back(now=self._clock(), window=chosen.window(), paused=chosen.paused)
        if reason:
            log.info("Not syncing %s now: %s", company, reason)
            return None
        return settings

    def start(self, company: str) -> ConversationFactory | None:
        settings = self._settings_for_a_run(company)
        if settings is None:
            return None
        store, open_halo, trace = self._store, self._open_halo, self._trace

        def run(bridge: BridgedTransport, profile: CompanyProfile) -> str:
            chosen = settings.company(company)
            state = SyncState(store.engine, company)
            transport: Transport = bridge if trace is None else TracingQuickBooksTransport(bridge, trace)
            books = QuickBooksBooks(
                transport,
                profile,
                account_overrides=state.mappings("account"),
                shortener=Shortener() if chosen.shorten_long_names else None,
            )
            with open_halo() as halo:
                report = run_sync(
                    halo, books, state, settings.flows, invoice_rules=settings.invoices,
                    books_identity=books_identity(chosen, profile.company_name),
                )  # fmt: skip
            return f"Halo Accounts Integrator: {summary(report)}."

        return bridged_conversation(run)


def summary(report: RunReport) -> str:
    """One line on what a run moved; ``report.stopped`` is raised, as the run did not finish."""
    if report.stopped is not None:
        raise report.stopped
    moved = sum(
        n for counts in report.counts.values() for a, n in counts.items() if a in ("created", "updated", "link")
    )
    failed = f", {report.failures} failed (see 'halo-accounts errors')" if report.failures else ""
    return f"{moved} records brought in step{failed}"


def scheduled_sync(
    load: Callable[[], Settings], store: Store, open_halo: Callable[[Settings], HaloClient], trace: TraceWriter | None
) -> Callable[[str], None]:
    """One sync of a company reached directly (COM, simulated), with the settings as they are now."""

    def run(company: str) -> None:
        settings = load()
        state = SyncState(store.engine, company)
        # The lock first: while another run has the company, its books are not even opened.
        with (
            state.exclusive(),
            open_halo(settings) as halo,
            open_books(settings, company, trace, state.mappings("account")) as books,
        ):
            report = run_sync(
                halo, books, state, settings.flows, invoice_rules=settings.invoices, lock_held=True,
                books_identity=books_identity(settings.company(company), reported_company_name(books)),
            )  # fmt: skip
        log.info("Scheduled sync of %s: %s", company, summary(report))

    return run


class ReadSetupOnce:
    """Work for the Web Connector: read each company's set-up on its first update after start."""

    def __init__(self) -> None:
        self.setups: dict[str, CompanySetup] = {}

    def start(self, company: str) -> ConversationFactory | None:
        if company in self.setups:
            return None

        def keep(setup: CompanySetup) -> None:
            self.setups[company] = setup
            log.info("Read the set-up of %s: %d tax rates", company, len(setup.tax_rates))

        return read_company_setup(keep)


class WhenHaloIsSetUp:
    """Work for the Web Connector as the settings are now: a sync once Halo is set up, else the set-up read.

    Decided at each call, so Halo set up in the dashboard while ``serve`` runs is used at once.
    """

    def __init__(
        self,
        reload: Callable[[], Settings],
        started_with: Settings,
        store: Store,
        open_halo: Callable[[Settings], HaloClient],
        trace: TraceWriter | None,
    ) -> None:
        self._reload, self._started_with = reload, started_with
        self._store, self._open_halo, self._trace = store, open_halo, trace
        self._setup = ReadSetupOnce()

    def start(self, company: str) -> ConversationFactory | None:
        """A sync, or the company's set-up read when Halo cannot be reached yet."""
        try:
            current = self._reload()
        except SyncError:
            current = self._started_with
        if not (current.halo.url and current.halo.client_id and resolve_client_secret(current)[0] is not None):
            return self._setup.start(company)
        sync = SyncOverWebConnector(
            current, self._store, lambda: self._open_halo(current), self._trace, reload=self._reload
        )
        return sync.start(company)


def build_server_app(
    settings: Settings,
    sessions: WebConnectorSessions,
    work: WorkSource | None = None,
    *,
    dashboard: ASGIApp | None = None,
    settings_now: Callable[[], Settings] | None = None,
) -> Starlette:
    """The ASGI app of ``serve``: the Web Connector endpoint, the health check, and the dashboard at ``/``.

    With ``settings_now``, the Web Connector's companies are read afresh at each log-in (a company
    added in the dashboard is served at once); a settings file that cannot be read keeps ``settings``.
    """

    def endpoints() -> list[CompanyEndpoint]:
        current = settings
        if settings_now is not None:
            try:
                current = settings_now()
            except SyncError as exc:
                log.warning("The Web Connector's companies are as they were: %s", exc.user_message)
        return [
            CompanyEndpoint(name, company.webconnector_user, company.webconnector_password_hash, company.company_file)
            for name, company in current.companies.items()
            if company.webconnector_user and company.webconnector_password_hash
        ]

    service = WebConnectorService(endpoints, work or ReadSetupOnce(), sessions)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "companies": sorted(e.name for e in endpoints())})

    async def support(request: Request) -> PlainTextResponse:
        # The .qwc file's AppSupport link; the Web Connector shows it to the user.
        return PlainTextResponse(
            "Halo Accounts Integrator: QuickBooks Web Connector endpoint.\n"
            "Run 'halo-accounts doctor' and 'halo-accounts errors' on the integrator's computer for help.\n"
        )

    routes = [
        *webconnector_app(service, path=WEBCONNECTOR_PATH).routes,
        Route("/health", health),
        Route("/support", support),
    ]
    if dashboard is not None:
        routes.append(Mount("/", dashboard))
    return Starlette(routes=routes)


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to listen on (0.0.0.0 for the whole LAN).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    certfile: Annotated[Path | None, typer.Option(help="TLS certificate (PEM) for https on the LAN.")] = None,
    keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
    store: Annotated[str | None, typer.Option(help="Store URL (default: SQLite in your data folder).")] = None,
    trace_dir: Annotated[Path | None, typer.Option(help="Write every Halo exchange and qbXML message here.")] = None,
) -> None:
    """Serve the Web Connector endpoint until stopped (Ctrl+C, or the service manager)."""
    state = state_of(ctx)
    state.start_logging(to_file=True)
    settings = load_settings(state.config_path)
    server = settings.server
    host, port = host or server.host, port or server.port
    certfile = certfile or (Path(server.certfile) if server.certfile else None)
    keyfile = keyfile or (Path(server.keyfile) if server.keyfile else None)
    if (certfile is None) != (keyfile is None):
        msg = "Give both --certfile and --keyfile for https, or neither."
        raise ConfigError(msg)
    for path in (certfile, keyfile):
        if path is not None and not path.is_file():
            msg = f"The TLS file {path} does not exist."
            raise ConfigError(msg)
    store_url = store or settings.store_url or None
    opened = open_store(store_url)
    _, secret = halo_settings(state, HaloOptions())

    def reload() -> Settings:
        return load_settings(state.config_path)

    trace = TraceWriter(trace_dir, state.redactor) if trace_dir else None

    def halo_now(current: Settings) -> HaloClient:
        # Read each run: a set-up finished in the dashboard while serve runs is used at once.
        found, _ = resolve_client_secret(current)
        if not (current.halo.url and current.halo.client_id and found is not None):
            msg = "Halo is not set up yet: finish the dashboard's Set-up page (or run 'halo-accounts init')."
            raise ConfigError(msg)
        state.redactor.add_secret(found.get_secret_value())
        return open_halo(state, current, found, trace)

    if settings.halo.url and settings.halo.client_id and secret is not None:
        if scheduled_companies(settings):
            state.out.print(f"Syncing on schedule: {', '.join(scheduled_companies(settings))}")
    else:
        state.out.print("Halo is not configured yet: each company's first update only reads its set-up.")
    work = WhenHaloIsSetUp(reload, settings, opened, halo_now, trace)
    # Always there: a COM or Sage company added while serve runs is picked up on its next pass.
    run = scheduled_sync(reload, opened, halo_now, trace)
    scheduler = Scheduler(reload, lambda name: SyncState(opened.engine, name).last_run_started(), run)
    setup_token = None if settings.server.dashboard_password_hash else secrets.token_urlsafe(16)

    def connection_checks() -> list[tuple[str, Check]]:
        """The doctor's checks, for the dashboard: Halo's permissions, then the store and each company's books."""
        current = reload()
        rows: list[tuple[str, Check]] = []
        include_admin = current.flows.tax_rates is not Direction.OFF
        try:
            with halo_now(current) as halo:
                wanted = operations_for_flows(current.flows.enabled(), include_admin=include_admin)
                rows += [("Halo", check) for check in diagnose(halo, wanted)]
        except SyncError as exc:
            rows.append(("Halo", Check("Connection", CheckStatus.ERROR, exc.user_message)))
        rows += [(local.company or "Store", local.check) for local in local_checks(current, store_url)]
        return rows

    dashboard = dashboard_app(
        settings_source=SettingsFile(state.config_path), engine=opened.engine, request_sync=scheduler.request,
        setup_token=setup_token, check_connections=connection_checks, secure_cookies=certfile is not None,
        served_at=server.public_url or f"{'https' if certfile else 'http'}://localhost:{port}",
    )  # fmt: skip
    app = build_server_app(
        settings, WebConnectorSessions(opened.engine), work, dashboard=dashboard, settings_now=reload
    )
    scheme = "https" if certfile else "http"
    state.out.print(f"Web Connector endpoint: {scheme}://{host}:{port}{WEBCONNECTOR_PATH}  (health: /health)")
    state.out.print(f"Dashboard: {scheme}://{host}:{port}/")
    if setup_token is not None:  # on the console only, never in a log file
        state.out.print("No dashboard password yet: choose one here (or run 'halo-accounts dashboard-password'):")
        # On a line of its own and never wrapped, so it can be copied or clicked whole.
        state.out.print(f"  {scheme}://{host}:{port}/setup/password?token={setup_token}", soft_wrap=True)
    state.out.print(f"The .qwc files point at {webconnector_url(server.public_url, port)}")
    # uvicorn stops serving on SIGINT or SIGTERM, then raises the signal again: as a KeyboardInterrupt
    # (which uvicorn.run absorbs) both reach the clean-up below; by default SIGTERM would end the process first.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        scheduler.start()
        uvicorn.run(
            app,
            host=host,
            port=port,
            ssl_certfile=str(certfile) if certfile else None,
            ssl_keyfile=str(keyfile) if keyfile else None,
            log_level="warning",
        )
    finally:
        state.err.print("Stopping: a sync under way finishes first...")
        scheduler.stop()
        opened.close()
