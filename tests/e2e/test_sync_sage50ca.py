"""The sync end to end with Sage 50 Canada: the Halo simulator over HTTP, the engine, Sage's SDK (simulated).

Reads come from the company's database (a SQLite copy kept live, as Sage writes as it goes), so
payments reach Halo the way they do from a real company: receipts read from the database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import CLIENT, ClientRecord
from halo_accounts.connectors.sage50ca.books import Sage50CABooks, SdkWriter
from halo_accounts.connectors.sage50ca.database import SageCanadaDatabase
from halo_accounts.connectors.sage50ca.sdk import SdkConnector
from halo_accounts.engine.runner import run_sync
from halo_accounts.errors import ConfigError
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.sage50ca import seed_company
from halo_accounts.simulators.sage50ca.mysql import LiveCopy
from halo_accounts.simulators.sage50ca.sdk import FakeSDKInstanceManager, SdkUser
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

FLOWS = FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS)
SAI = r"C:\Sage\Halo Demo.SAI"
USER, PASSWORD = "HALOSYNC", "s3cret-sage-ca"


@pytest.fixture
def world(halo_url, halo_sim, tmp_path):
    seed_tenant(halo_sim, seed=5, customers=10, items=8, invoices=25, country="CA")
    company = seed_company("ON")
    manager = FakeSDKInstanceManager({SAI: company}, {USER: SdkUser(PASSWORD)})
    live = LiveCopy(company, f"sqlite:///{tmp_path / 'simply.db'}")
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    halo = HaloClient(base_url=halo_url, auth=auth, rate_limit=None)
    yield halo_sim, company, manager, live, store, halo
    halo.close()
    store.close()
    live.close()


def sync(world, password=PASSWORD):
    _, _, manager, live, store, halo = world
    connector = SdkConnector(lambda: manager, SAI, USER, SecretStr(password))
    books = Sage50CABooks(
        SageCanadaDatabase(live.url, before_read=live.refresh), SdkWriter(connector), default_item="SUPPORT"
    )
    try:
        return run_sync(halo, books, SyncState(store.engine, "canada"), FLOWS)
    finally:
        books.close()


def test_first_sync_moves_everything_once_payments_come_back_and_the_second_writes_nothing(world):
    halo_sim, company, manager, _, _, _ = world
    first = sync(world)
    assert first.stopped is None, first.stopped
    assert not manager.is_open  # CloseDatabase always ran
    active = [c for c in halo_sim.tables["Client"].values() if not c.get("inactive")]
    assert sorted(company.customers) == sorted(c["name"] for c in active)
    for item in halo_sim.tables["Item"].values():  # linked (Halo's own part number) or created, and written back
        assert company.items[item["accountsid"]].name == item["name"]
    created = first.counts["invoices"]["created"]
    assert created > 0
    sales = {i.number: i for i in company.invoices}
    assert len(sales) == created
    for invoice in halo_sim.tables["Invoice"].values():
        if invoice.get("accountsid"):  # the books id (the number) went back to Halo, and the totals agree
            recorded = sales[invoice["accountsid"]]
            assert recorded.total == Decimal(str(invoice["total"]))
            for detail in recorded.details:
                assert all(t.name in ("GST", "HST") for t in detail.taxes)

    paid = next(i for i in company.invoices if i.total > 0)
    assert company.record_receipt(paid.party, date(2026, 11, 20), [(paid.number, paid.total)], "CHQ 881") == ""
    second = sync(world)
    assert second.counts["payments"]["create"] == 1
    halo_invoice = next(i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid") == paid.number)
    payments = [
        p for p in halo_sim.tables.get("InvoicePayment", {}).values() if p.get("invoice_id") == halo_invoice["id"]
    ]
    assert [Decimal(str(p["amount"])) for p in payments] == [paid.total]

    third = sync(world)
    writes = {a: n for c in third.counts.values() for a, n in c.items() if a in ("created", "updated")}
    assert writes == {}, third.plan
    assert len(company.invoices) == created


def test_a_customer_sage_refuses_fails_alone_and_a_refused_log_on_stops_once_without_the_password(world):
    halo_sim, company, _, _, _, halo = world
    halo.save(CLIENT, [ClientRecord(name="The Northern Ontario Regional Dental Practice Co-operative")])  # 58
    report = sync(world)
    failures = [(record, error.user_message) for flow, record, error in report.errors if flow == "customers"]
    assert len(failures) == 1
    assert "52" in failures[0][1]
    refused = sync(world, password="not-it")
    assert isinstance(refused.stopped, ConfigError)
    assert "third-party products" in refused.stopped.user_message
    assert "not-it" not in refused.stopped.user_message + (refused.stopped.detail or "")


def test_vendors_and_purchase_orders_reach_sage_once_under_halos_numbers(world):
    halo_sim, company, manager, live, store, halo = world
    halo.auth.scopes = (*halo.auth.scopes, "edit:suppliers", "edit:pos")
    flows = FlowSettings(suppliers=Direction.TO_BOOKS, purchase_orders=Direction.TO_BOOKS)
    for _ in range(2):
        connector = SdkConnector(lambda: manager, SAI, USER, SecretStr(PASSWORD))
        books = Sage50CABooks(SageCanadaDatabase(live.url, before_read=live.refresh), SdkWriter(connector))
        try:
            report = run_sync(
                halo, books, SyncState(store.engine, "canada"), flows, only=["items", "suppliers", "purchase_orders"]
            )
        finally:
            books.close()
        assert report.stopped is None
        assert report.errors == [], report.errors
    suppliers = [s for s in halo_sim.tables["Supplier"].values() if not s.get("inactive")]
    assert sorted(company.vendors) == sorted(s["name"] for s in suppliers)  # keyed by name, once each
    orders = halo_sim.tables["PurchaseOrder"]
    recorded = [i for i in company.invoices if i.journal == "purchase orders"]
    assert len(recorded) == len(orders) > 0  # the second run added none
    for order in orders.values():
        (kept,) = [o for o in recorded if o.number == order["po_ref"]]
        assert order["accounts_ref"] == kept.number  # the books id (its number) went back to Halo
