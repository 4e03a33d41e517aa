"""The demo with Sage 50: the real product between the Halo simulator and a simulated Sage 50 company.

Halo is served over HTTP on loopback (OAuth, REST, its rate limit). A Sage 50 UK company sits
behind the SDO object model, called exactly as ``SDOEngine`` is called through COM; a Sage 50
Canada company behind the SDK's object model, called as pythonnet calls it, and read back from
its database (a SQLite copy kept live, where a real company has MySQL). Both with a dedicated
Sage user. Three steps, as in the QuickBooks demo: the tax-code import and first sync, a few edits in
Halo (customers changed, invoices raised) and in Sage (payments received and allocated), and a
second sync that moves only those.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import SecretStr

from halo_accounts.config import Books, BooksTransport, CompanySettings, Direction, FlowSettings, HaloSettings, Settings
from halo_accounts.connectors.halo.client import HaloClient, default_scopes
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import hash_password
from halo_accounts.connectors.sage50ca.books import Sage50CABooks, SdkWriter
from halo_accounts.connectors.sage50ca.database import SageCanadaDatabase
from halo_accounts.connectors.sage50ca.sdk import SdkConnector
from halo_accounts.connectors.sage50uk import Sage50UKBooks, SdoConnector
from halo_accounts.demo import CLIENT_ID, TENANT, DemoResult, edit_halo
from halo_accounts.engine.runner import run_sync
from halo_accounts.logging import RedactingFilter
from halo_accounts.ports.books import BooksSession
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.sage50ca import seed_company as seed_canada
from halo_accounts.simulators.sage50ca.mysql import LiveCopy
from halo_accounts.simulators.sage50ca.sdk import FakeSDKInstanceManager, SdkUser
from halo_accounts.simulators.sage50uk import SageCompany, SDOEngine, seed_company
from halo_accounts.simulators.sage50uk.clerk import receive_payment
from halo_accounts.simulators.sage50uk.company import Nominal
from halo_accounts.simulators.serving import serve_in_thread
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState
from halo_accounts.tracing import TraceWriter, TracingHttpTransport
from halo_accounts.web import SettingsInMemory, dashboard_app

__all__ = ["SAGE_EDITIONS", "run_sage_demo"]

SAGE_USER = "HALOSYNC"


class _SimulatedSage(Protocol):
    """One simulated Sage company as the demo drives it."""

    @property
    def name(self) -> str:
        """The package, as shown."""

    @property
    def country(self) -> str:
        """The Halo tenant's country."""

    @property
    def how(self) -> str:
        """How the product reaches it, for the progress line."""

    @property
    def books(self) -> BooksSession:
        """The product's session on the company."""

    def receive_payments(self) -> int:
        """Customers pay some invoices, entered in Sage; how many."""

    def written(self) -> tuple[list[str], list[str]]:
        """Customer names, and the books ids of the invoices and credits the integrator recorded."""

    def explore(self) -> dict[str, str]:
        """What to explore the company with."""

    def close(self) -> None:
        """Let go of the company."""


class _UKSage:
    """Sage 50 UK behind Sage Data Objects."""

    name, country, how = "Sage 50 UK", "UK", "through Sage Data Objects"
    data_path = r"C:\ProgramData\Sage\Accounts\2026\Demo\ACCDATA"
    # An MSP's sales codes beside Sage's defaults; Halo's demo items post to them.
    sales_codes = (("4010", "Sales - Managed Services"), ("4020", "Sales - Hardware & Licences"))

    def __init__(self, password: str, folder: Path) -> None:
        self.password = password
        self.company = seed_company(SageCompany(self.data_path, users={"MANAGER": "", SAGE_USER: password}))
        for code, name in self.sales_codes:
            self.company.nominals[code] = Nominal(code, name)
        engine = SDOEngine({self.data_path: self.company}, version=self.company.version)
        self.books = Sage50UKBooks(SdoConnector(lambda: engine, self.data_path, SAGE_USER, SecretStr(password)))

    def receive_payments(self) -> int:
        """Customers pay five invoices in full, and the receipts are allocated in Sage."""
        invoices = [h for h in self.company.headers if h["TYPE"] == 1][2:7]
        for header in invoices:
            amount = header["NET_AMOUNT"] + header["TAX_AMOUNT"]
            receive_payment(self.company, header["HEADER_NUMBER"], amount, date.today())  # noqa: DTZ011
        return len(invoices)

    def written(self) -> tuple[list[str], list[str]]:
        """Customer names; SI and SC header numbers (receipts are not the integrator's)."""
        postings = [str(h["HEADER_NUMBER"]) for h in self.company.headers if h["TYPE"] in (1, 2)]
        return [c["NAME"] for c in self.company.customers.values()], postings

    def explore(self) -> dict[str, str]:
        """The data path and the dedicated user."""
        return {"sage_data_path": self.data_path, "sage_user": SAGE_USER, "sage_password": self.password}

    def close(self) -> None:
        """Nothing stays open: each call connects and disconnects."""


class _CanadaSage:
    """Sage 50 Canada behind its SDK, read back from its database (a SQLite copy kept live)."""

    name, country, how = "Sage 50 Canada", "CA", "through the Sage 50 SDK, reading its database"
    company_file = r"C:\Users\Public\Documents\Sage 50\Demo\Halo Demo.SAI"

    def __init__(self, password: str, folder: Path) -> None:
        self.password = password
        self.company = seed_canada("ON")
        manager = FakeSDKInstanceManager({self.company_file: self.company}, {SAGE_USER: SdkUser(password)})
        self.live = LiveCopy(self.company, f"sqlite:///{folder / 'simply.db'}")
        connector = SdkConnector(lambda: manager, self.company_file, SAGE_USER, SecretStr(password))
        database = SageCanadaDatabase(self.live.url, before_read=self.live.refresh)
        self.books = Sage50CABooks(database, SdkWriter(connector), default_item="SUPPORT")

    def receive_payments(self) -> int:
        """Customers pay five invoices in full, by cheque, entered in Sage's Receipts journal."""
        invoices = [i for i in self.company.invoices if i.total > 0][2:7]
        for n, invoice in enumerate(invoices, start=1):
            applied = [(invoice.number, invoice.total)]
            self.company.record_receipt(invoice.party, date.today(), applied, f"CHQ {1000 + n}")  # noqa: DTZ011
        return len(invoices)

    def written(self) -> tuple[list[str], list[str]]:
        """Customer names; sales invoice numbers (Sage's key for them)."""
        return list(self.company.customers), [i.number for i in self.company.invoices]

    def explore(self) -> dict[str, str]:
        """The company file, the dedicated user, and the database it is read from."""
        return {"sage_company_file": self.company_file, "sage_user": SAGE_USER, "sage_password": self.password,
                "sage_database_url": self.live.url}  # fmt: skip

    def close(self) -> None:
        """Close the company and the database copy."""
        self.books.close()
        self.live.close()


SAGE_EDITIONS: dict[str, type[_UKSage] | type[_CanadaSage]] = {"sage50uk": _UKSage, "sage50ca": _CanadaSage}


def _checks(sim: HaloSimulator, sage: _SimulatedSage, state: SyncState) -> dict[str, Any]:
    """Count both systems: every record present exactly once, write-backs correct."""
    ours = [i for i in sim.tables["Invoice"].values() if i.get("accountsid")]
    names, postings = sage.written()
    payments = [p.get("thirdpartyid") for p in sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    return {
        "books": sage.name,
        "books_customers": len(names),
        "duplicate_customers": len(names) - len(set(names)),
        "books_invoices_and_credits": len(postings),
        "halo_invoices_posted_by_integrator": len(ours),
        "write_backs_match": sorted(postings) == sorted(i["accountsid"] for i in ours),
        "halo_payments_from_books": len(payments),
        "duplicate_payments": len(payments) - len(set(payments)),
        "needs_review": len(state.open_reviews()),
        "failing_records": state.error_count(),
    }


def run_sage_demo(
    books_name: str = "sage50uk",
    *,
    seed: int = 1,
    customers: int = 200,
    items: int = 60,
    invoices: int = 1000,
    progress: Callable[[str], None] | None = None,
    keep: Callable[[DemoResult], None] | None = None,
    trace_dir: Path | None = None,
) -> DemoResult:
    """Run the three steps against Sage 50 UK or Canada (``books_name``) and return the figures."""
    say = progress or (lambda text: None)
    started = time.perf_counter()
    halo_secret, sage_password = secrets.token_urlsafe(24), secrets.token_urlsafe(12)
    redactor = RedactingFilter([halo_secret, sage_password])
    trace = TraceWriter(trace_dir, redactor) if trace_dir is not None else None
    sim = HaloSimulator(client_id=CLIENT_ID, client_secret=halo_secret, tenant=TENANT)
    with (
        tempfile.TemporaryDirectory(prefix="halo-accounts-demo-") as folder,
        serve_in_thread(sim.app) as halo_server,
    ):
        sage: _SimulatedSage = SAGE_EDITIONS[books_name](sage_password, Path(folder))
        result = DemoResult(edition=sage.name)
        seed_tenant(sim, seed=seed, customers=customers, items=items, invoices=invoices, country=sage.country)
        store = open_store(f"sqlite:///{Path(folder) / 'integrator.db'}")
        try:
            settings = Settings(
                halo=HaloSettings(url=halo_server.url, tenant=TENANT, client_id=CLIENT_ID),
                flows=FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS),
            )
            state = SyncState(store.engine, "demo")

            def sync(step: str) -> None:
                transport = TracingHttpTransport(httpx.HTTPTransport(), trace) if trace else None
                with HaloClient.from_settings(
                    settings, SecretStr(halo_secret), scopes=default_scopes(settings, include_admin=True),
                    transport=transport, on_token=redactor.add_secret,
                ) as halo:  # fmt: skip
                    report = run_sync(halo, sage.books, state, settings.flows, invoice_rules=settings.invoices)
                status = "stopped" if report.stopped else "done"
                summary = report.stopped.user_message if report.stopped else f"{len(report.errors)} records failed"
                flows = {flow: dict(counts) for flow, counts in report.counts.items()}
                result.steps.append({"step": step, "status": status, "summary": summary, "flows": flows})

            say(f"Halo simulator at {halo_server.url}; {sage.name} (simulated) {sage.how} as {SAGE_USER}")
            say("Sync 1: importing tax codes and syncing everything for the first time...")
            sync("first sync")
            with HaloClient.from_settings(
                settings, SecretStr(halo_secret), scopes=["edit:customers", "edit:invoices"]
            ) as halo:
                edits, _ = edit_halo(halo)
            paid = sage.receive_payments()
            changed, raised = edits["customers_edited"], edits["invoices_added"]
            say(f"Edits: {changed} customers changed and {raised} invoices raised in Halo, {paid} paid in Sage")
            result.steps.append({"step": "edits", **edits, "payments_received": paid})
            say("Sync 2: moving only what changed...")
            sync("second sync")
            result.checks = _checks(sim, sage, state)
            result.seconds = round(time.perf_counter() - started, 2)
            result.explore = {
                "halo_url": halo_server.url,
                "halo_tenant": TENANT,
                "halo_client_id": CLIENT_ID,
                "halo_client_secret": halo_secret,
                **sage.explore(),
            }
            if keep is not None:
                # The dashboard too, on the demo's figures: the company as the product would have it set up.
                shown = settings.model_copy(deep=True)
                shown.companies["demo"] = CompanySettings(books=Books(books_name), transport=BooksTransport.SIMULATOR)
                dashboard_password = secrets.token_urlsafe(12)
                redactor.add_secret(dashboard_password)
                shown.server.dashboard_password_hash = hash_password(dashboard_password, iterations=10_000)
                dashboard = dashboard_app(settings_source=SettingsInMemory(shown), engine=store.engine)
                with serve_in_thread(dashboard) as dashboard_server:
                    result.explore.update(
                        dashboard_url=f"{dashboard_server.url}/", dashboard_password=dashboard_password
                    )
                    keep(result)
        finally:
            store.close()
            sage.close()
    return result
