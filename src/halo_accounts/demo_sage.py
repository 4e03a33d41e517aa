"""The demo with Sage 50 UK: the real product between the Halo simulator and a simulated Sage 50 UK company.

Halo is served over HTTP on loopback (OAuth, REST, its rate limit); the Sage company sits behind
the SDO object model, called exactly as ``SDOEngine`` is called through COM, with a dedicated Sage
user. Three steps, as in the QuickBooks demo: the tax-code import and first sync, a few edits in
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
from typing import Any

import httpx
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings, HaloSettings, Settings
from halo_accounts.connectors.halo.client import HaloClient, default_scopes
from halo_accounts.connectors.sage50uk import Sage50UKBooks, SdoConnector
from halo_accounts.demo import CLIENT_ID, TENANT, DemoResult, edit_halo
from halo_accounts.engine.runner import run_sync
from halo_accounts.logging import RedactingFilter
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.sage50uk import SageCompany, SDOEngine, seed_company
from halo_accounts.simulators.sage50uk.clerk import receive_payment
from halo_accounts.simulators.sage50uk.company import Nominal
from halo_accounts.simulators.serving import serve_in_thread
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState
from halo_accounts.tracing import TraceWriter, TracingHttpTransport

__all__ = ["run_sage_demo"]

BOOKS = "Sage 50 UK"
SAGE_USER = "HALOSYNC"
DATA_PATH = r"C:\ProgramData\Sage\Accounts\2026\Demo\ACCDATA"
# An MSP's sales codes beside Sage's defaults; Halo's demo items post to them.
_SALES_CODES = (("4010", "Sales - Managed Services"), ("4020", "Sales - Hardware & Licences"))


def _company(password: str) -> SageCompany:
    company = seed_company(SageCompany(DATA_PATH, users={"MANAGER": "", SAGE_USER: password}))
    for code, name in _SALES_CODES:
        company.nominals[code] = Nominal(code, name)
    return company


def _receive_payments(company: SageCompany) -> int:
    """Customers pay five invoices in full, and the receipts are allocated in Sage."""
    invoices = [h for h in company.headers if h["TYPE"] == 1][2:7]
    for header in invoices:
        receive_payment(company, header["HEADER_NUMBER"], header["NET_AMOUNT"] + header["TAX_AMOUNT"], date.today())  # noqa: DTZ011
    return len(invoices)


def _checks(sim: HaloSimulator, company: SageCompany, state: SyncState) -> dict[str, Any]:
    """Count both systems: every record present exactly once, write-backs correct."""
    ours = [i for i in sim.tables["Invoice"].values() if i.get("accountsid")]
    postings = [h for h in company.headers if h["TYPE"] in (1, 2)]  # SI and SC; receipts are not ours
    names = [c["NAME"] for c in company.customers.values()]
    payments = [p.get("thirdpartyid") for p in sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    return {
        "books": BOOKS,
        "books_customers": len(names),
        "duplicate_customers": len(names) - len(set(names)),
        "books_invoices_and_credits": len(postings),
        "halo_invoices_posted_by_integrator": len(ours),
        "write_backs_match": sorted(str(h["HEADER_NUMBER"]) for h in postings) == sorted(i["accountsid"] for i in ours),
        "halo_payments_from_books": len(payments),
        "duplicate_payments": len(payments) - len(set(payments)),
        "needs_review": len(state.open_reviews()),
        "failing_records": state.error_count(),
    }


def run_sage_demo(
    *,
    seed: int = 1,
    customers: int = 200,
    items: int = 60,
    invoices: int = 1000,
    progress: Callable[[str], None] | None = None,
    keep: Callable[[DemoResult], None] | None = None,
    trace_dir: Path | None = None,
) -> DemoResult:
    """Run the three steps against Sage 50 UK and return the figures."""
    say = progress or (lambda text: None)
    started = time.perf_counter()
    result = DemoResult(edition=BOOKS)
    halo_secret, sage_password = secrets.token_urlsafe(24), secrets.token_urlsafe(12)
    redactor = RedactingFilter([halo_secret, sage_password])
    trace = TraceWriter(trace_dir, redactor) if trace_dir is not None else None
    sim = HaloSimulator(client_id=CLIENT_ID, client_secret=halo_secret, tenant=TENANT)
    seed_tenant(sim, seed=seed, customers=customers, items=items, invoices=invoices, country="UK")
    company = _company(sage_password)
    engine = SDOEngine({DATA_PATH: company}, version=company.version)
    books = Sage50UKBooks(SdoConnector(lambda: engine, DATA_PATH, SAGE_USER, SecretStr(sage_password)))
    with (
        tempfile.TemporaryDirectory(prefix="halo-accounts-demo-") as folder,
        serve_in_thread(sim.app) as halo_server,
    ):
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
                    report = run_sync(halo, books, state, settings.flows, invoice_rules=settings.invoices)
                status = "stopped" if report.stopped else "done"
                summary = report.stopped.user_message if report.stopped else f"{len(report.errors)} records failed"
                flows = {flow: dict(counts) for flow, counts in report.counts.items()}
                result.steps.append({"step": step, "status": status, "summary": summary, "flows": flows})

            say(f"Halo simulator at {halo_server.url}; {BOOKS} (simulated) through Sage Data Objects as {SAGE_USER}")
            say("Sync 1: importing tax codes and syncing everything for the first time...")
            sync("first sync")
            with HaloClient.from_settings(
                settings, SecretStr(halo_secret), scopes=["edit:customers", "edit:invoices"]
            ) as halo:
                edits, _ = edit_halo(halo)
            paid = _receive_payments(company)
            changed, raised = edits["customers_edited"], edits["invoices_added"]
            say(f"Edits: {changed} customers changed and {raised} invoices raised in Halo, {paid} paid in Sage")
            result.steps.append({"step": "edits", **edits, "payments_received": paid})
            say("Sync 2: moving only what changed...")
            sync("second sync")
            result.checks = _checks(sim, company, state)
            result.seconds = round(time.perf_counter() - started, 2)
            result.explore = {
                "halo_url": halo_server.url,
                "halo_tenant": TENANT,
                "halo_client_id": CLIENT_ID,
                "halo_client_secret": halo_secret,
                "sage_data_path": DATA_PATH,
                "sage_user": SAGE_USER,
                "sage_password": sage_password,
            }
            if keep is not None:
                keep(result)
        finally:
            store.close()
    return result
