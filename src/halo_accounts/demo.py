"""The demo: the real product over the real protocols, against embedded simulators on loopback.

A seeded Halo tenant is served over HTTP (OAuth, REST, Halo's rate limit); a QuickBooks company
file of the chosen edition sits behind the fake Web Connector, which calls the integrator's SOAP
endpoint exactly as QuickBooks' Web Connector does. Three steps: the first update (the initial
tax-rate import and the first sync), a few edits on both sides (customers changed and invoices
added in Halo, payments received in QuickBooks), and a second update that moves only the edits.
Nothing outside a temporary folder is touched.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from halo_accounts.config import CompanySettings, Direction, FlowSettings, HaloSettings, Settings
from halo_accounts.connectors.halo.client import HaloClient, default_scopes
from halo_accounts.connectors.halo.resources import CLIENT, INVOICE, ClientRecord, InvoiceLineRecord, InvoiceRecord
from halo_accounts.connectors.quickbooks.transports.webconnector import hash_password
from halo_accounts.logging import RedactingFilter
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.serving import RunningServer, serve_in_thread
from halo_accounts.simulators.webconnector import FakeWebConnector, UpdateResult
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions
from halo_accounts.store.state import SyncState
from halo_accounts.tracing import TraceWriter, TracingHttpTransport

__all__ = ["DemoResult", "edit_halo", "run_demo"]

CLIENT_ID = "demo-integrator"
TENANT = "demo"
COMPANY = "demo"
WC_USER = "halo-demo"
EDITIONS = {"us": "US", "ca": "CA", "uk": "UK", "au": "AU"}


@dataclass
class DemoResult:
    """What the demo did, as figures (the ``--json`` output)."""

    edition: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    explore: dict[str, str] = field(default_factory=dict)


@dataclass
class _World:
    sim: HaloSimulator
    company: QuickBooksCompany
    settings: Settings
    connector: FakeWebConnector
    state: SyncState
    halo_secret: str
    wc_password: str
    dashboard_password: str
    halo_server: RunningServer
    wc_server: RunningServer


def _counts(state: SyncState) -> dict[str, dict[str, int]]:
    runs = state.history(limit=1)
    flows = runs[0]["flows"] if runs else {}
    assert isinstance(flows, dict)
    return {flow: {k: int(v) for k, v in counts.items() if k != "seconds"} for flow, counts in flows.items()}


def _step(name: str, update: UpdateResult, state: SyncState) -> dict[str, Any]:
    return {
        "step": name,
        "status": update.status,
        "web_connector_messages": update.messages_processed,
        "summary": update.close_message,
        "flows": _counts(state),
    }


@contextmanager
def _world(
    edition: str, seed: int, customers: int, items: int, invoices: int, folder: Path, trace_dir: Path | None
) -> Iterator[_World]:
    # Imported here: the demo is the only place the product and both simulators are wired together.
    from halo_accounts.cli.serve import SyncOverWebConnector, build_server_app
    from halo_accounts.web import SettingsInMemory, dashboard_app

    country = EDITIONS[edition]
    halo_secret, wc_password = secrets.token_urlsafe(24), secrets.token_urlsafe(12)
    dashboard_password = secrets.token_urlsafe(12)
    redactor = RedactingFilter([halo_secret, wc_password, dashboard_password])
    trace = TraceWriter(trace_dir, redactor) if trace_dir is not None else None
    sim = HaloSimulator(client_id=CLIENT_ID, client_secret=halo_secret, tenant=TENANT)
    seed_tenant(sim, seed=seed, customers=customers, items=items, invoices=invoices, country=country)
    company = QuickBooksCompany(edition=country, company_file=str(folder / "Demo Company.qbw"), validate_schema=False)
    store = open_store(f"sqlite:///{folder / 'integrator.db'}")
    try:
        with serve_in_thread(sim.app) as halo_server:
            settings = Settings(
                halo=HaloSettings(url=halo_server.url, tenant=TENANT, client_id=CLIENT_ID),
                flows=FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS),
                companies={
                    COMPANY: CompanySettings(
                        webconnector_user=WC_USER,
                        webconnector_password_hash=hash_password(wc_password, iterations=10_000),
                        shorten_long_names=True,  # the demo's catalogue has names longer than QuickBooks allows
                    )
                },
            )
            settings.server.dashboard_password_hash = hash_password(dashboard_password, iterations=10_000)
            scopes = default_scopes(settings, include_admin=True)

            def open_halo() -> HaloClient:
                return HaloClient.from_settings(
                    settings,
                    SecretStr(halo_secret),
                    scopes=scopes,
                    transport=TracingHttpTransport(httpx.HTTPTransport(), trace) if trace else None,
                    on_token=redactor.add_secret,
                )

            sessions = WebConnectorSessions(store.engine)
            app = build_server_app(
                settings,
                sessions,
                SyncOverWebConnector(settings, store, open_halo, trace),
                dashboard=dashboard_app(settings_source=SettingsInMemory(settings), engine=store.engine),
            )
            with serve_in_thread(app) as wc_server:
                connector = FakeWebConnector(f"{wc_server.url}/qbwc", WC_USER, wc_password, company)
                try:
                    yield _World(
                        sim, company, settings, connector, SyncState(store.engine, COMPANY),
                        halo_secret, wc_password, dashboard_password, halo_server, wc_server,
                    )  # fmt: skip
                finally:
                    connector.close()
    finally:
        store.close()


def _edit_both_sides(world: _World, halo: HaloClient) -> dict[str, int]:
    """What a working day changes: customers edited and invoices raised in Halo, payments in QuickBooks."""
    edits, synced = edit_halo(halo)
    return {**edits, "payments_received": _receive_payments(world.company, synced[2:7])}


def edit_halo(halo: HaloClient) -> tuple[dict[str, int], list[InvoiceRecord]]:
    """Halo's side of a working day: three customers edited, two invoices raised; the sent invoices read."""
    clients = [c for c in halo.iterate(CLIENT) if c.accountsid][:3]
    halo.save(CLIENT, [ClientRecord(id=c.id, main_phonenumber=f"0800 555 01{n:02d}") for n, c in enumerate(clients)])
    synced = [
        i for i in halo.iterate(INVOICE, postedonly=True, includelines=True) if i.accountsid and (i.total or 0) > 0
    ]
    new_invoices = []
    for invoice in synced[:2]:
        lines = [
            InvoiceLineRecord.model_validate(
                {
                    "_itemid": line.item_id,
                    "qty_order": line.qty_order,
                    "unit_price": line.unit_price,
                    "item_tax_code": line.item_tax_code,
                }
            )
            for line in (invoice.lines or [])
        ]
        new_invoices.append(InvoiceRecord(client_id=invoice.client_id, lines=lines))
    halo.save(INVOICE, new_invoices)
    return {"customers_edited": len(clients), "invoices_added": len(new_invoices)}, synced


def _receive_payments(company: QuickBooksCompany, invoices: list[InvoiceRecord]) -> int:
    """Record in QuickBooks that customers paid some invoices in full."""
    paid = 0
    for invoice in invoices:
        docs = [d for d in company.list_records("Invoice") if d.get("TxnID") == invoice.accountsid]
        if not docs:
            continue
        doc = docs[0]
        balance = Decimal(str(doc.get("BalanceRemaining", "0")))
        if balance <= 0:
            continue
        xml = (
            '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
            f"<ReceivePaymentAddRq><ReceivePaymentAdd><CustomerRef><ListID>{doc['CustomerRef']['ListID']}</ListID></CustomerRef>"
            f"<TotalAmount>{balance:.2f}</TotalAmount><AppliedToTxnAdd><TxnID>{doc['TxnID']}</TxnID>"
            f"<PaymentAmount>{balance:.2f}</PaymentAmount></AppliedToTxnAdd></ReceivePaymentAdd></ReceivePaymentAddRq>"
            "</QBXMLMsgsRq></QBXML>"
        )
        company.process_trusted(xml)
        paid += 1
    return paid


def _checks(world: _World) -> dict[str, Any]:
    """Count both systems: every record present exactly once, write-backs correct."""
    halo_invoices = list(world.sim.tables["Invoice"].values())
    ours = [i for i in halo_invoices if i.get("accountsid")]
    documents = world.company.list_records("Invoice") + world.company.list_records("CreditMemo")
    txn_ids = [d["TxnID"] for d in documents]
    names = [c["Name"] for c in world.company.list_records("Customer")]
    payments = [p.get("thirdpartyid") for p in world.sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    return {
        "books": f"QuickBooks Desktop ({world.company.profile.code})",
        "books_customers": len(names),
        "duplicate_customers": len(names) - len(set(names)),
        "books_invoices_and_credits": len(documents),
        "halo_invoices_posted_by_integrator": len(ours),
        "write_backs_match": sorted(txn_ids) == sorted(i["accountsid"] for i in ours),
        "halo_payments_from_books": len(payments),
        "duplicate_payments": len(payments) - len(set(payments)),
        "needs_review": len(world.state.open_reviews()),
        "failing_records": world.state.error_count(),
    }


def run_demo(
    *,
    edition: str = "us",
    seed: int = 1,
    customers: int = 200,
    items: int = 60,
    invoices: int = 1000,
    progress: Callable[[str], None] | None = None,
    keep: Callable[[DemoResult], None] | None = None,
    trace_dir: Path | None = None,
) -> DemoResult:
    """Run the three steps and return the figures; ``keep`` is called while everything still runs.

    With ``trace_dir``, the product's Halo exchanges and qbXML messages are written there, as by
    ``sync --trace-dir``.
    """
    say = progress or (lambda text: None)
    started = time.perf_counter()
    result = DemoResult(edition=EDITIONS[edition])
    with (
        tempfile.TemporaryDirectory(prefix="halo-accounts-demo-") as folder,
        _world(edition, seed, customers, items, invoices, Path(folder), trace_dir) as world,
    ):
        say(
            f"Halo simulator at {world.halo_server.url}; QuickBooks Desktop ({result.edition}) behind the Web Connector"
        )
        say("Update 1: importing tax rates and syncing everything for the first time...")
        result.steps.append(_step("first update", world.connector.update(), world.state))
        with HaloClient.from_settings(
            world.settings, SecretStr(world.halo_secret), scopes=["edit:customers", "edit:invoices"]
        ) as halo:
            edits = _edit_both_sides(world, halo)
        say(
            f"Edits: {edits['customers_edited']} customers changed and {edits['invoices_added']} invoices raised "
            f"in Halo, {edits['payments_received']} payments received in QuickBooks"
        )
        result.steps.append({"step": "edits", **edits})
        say("Update 2: moving only what changed...")
        result.steps.append(_step("second update", world.connector.update(), world.state))
        result.checks = _checks(world)
        result.seconds = round(time.perf_counter() - started, 2)
        result.explore = {
            "halo_url": world.halo_server.url,
            "halo_tenant": TENANT,
            "halo_client_id": CLIENT_ID,
            "halo_client_secret": world.halo_secret,
            "web_connector_url": f"{world.wc_server.url}/qbwc",
            "web_connector_user": WC_USER,
            "web_connector_password": world.wc_password,
            "company_file": world.company.company_file,
            "dashboard_url": f"{world.wc_server.url}/",
            "dashboard_password": world.dashboard_password,
        }
        if keep is not None:
            keep(result)
    return result
