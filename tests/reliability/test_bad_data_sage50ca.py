"""Bad data from Halo, with Sage 50 Canada: each bad record is one clear error or review; the rest lands once.

Sage 50 Canada's rules differ again (names of 52 that are also its key, Windows-1252 text, tax
codes of authorities), so the expectations do too; the shape is ``test_bad_data``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import (
    CLIENT,
    INVOICE,
    ITEM,
    TAX,
    ClientRecord,
    InvoiceLineRecord,
    InvoiceRecord,
    ItemRecord,
    TaxRecord,
)
from halo_accounts.connectors.sage50ca.books import Sage50CABooks, SdkWriter
from halo_accounts.connectors.sage50ca.database import SageCanadaDatabase
from halo_accounts.connectors.sage50ca.sdk import SdkConnector
from halo_accounts.engine.context import RunReport
from halo_accounts.engine.runner import run_sync
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.sage50ca import CanadaCompany, TaxCode, seed_company
from halo_accounts.simulators.sage50ca.mysql import LiveCopy
from halo_accounts.simulators.sage50ca.sdk import FakeSDKInstanceManager, SdkUser
from halo_accounts.store import Store, open_store
from halo_accounts.store.state import SyncState
from reliability.inprocess import FLOWS, HALO, FaultyHalo, failures, new_simulator
from reliability.invariants import assert_each_canada_record_once, posted_ids

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

SAI = r"C:\Sage\Acme.SAI"
SERVICE_ITEM = 1


@dataclass
class CanadaWorld:
    sim: HaloSimulator
    company: CanadaCompany
    store: Store
    state: SyncState
    halo: HaloClient
    folder: Path
    posted_before: set[int]
    reports: list[RunReport] = field(default_factory=list)

    @property
    def hst(self) -> int:
        return next(t["id"] for t in self.sim.tables["Tax"].values() if t["name"] == "HST ON 13%")

    def sync(self) -> RunReport:
        manager = FakeSDKInstanceManager({SAI: self.company}, {"HALOSYNC": SdkUser("pw")})
        live = LiveCopy(self.company, f"sqlite:///{self.folder / 'simply.db'}")
        connector = SdkConnector(lambda: manager, SAI, "HALOSYNC", SecretStr("pw"))
        books = Sage50CABooks(SageCanadaDatabase(live.url, before_read=live.refresh), SdkWriter(connector))
        try:
            report = run_sync(self.halo, books, self.state, FLOWS)
        finally:
            books.close()
            live.close()
        self.reports.append(report)
        return report

    def settle(self) -> None:
        """One more run writes nothing, and each record is in Sage exactly once."""
        last = self.sync()
        writes = {(p.flow, p.action) for p in last.plan if p.action in ("created", "updated", "create", "link")}
        assert writes == set(), last.plan
        assert_each_canada_record_once(self.sim, self.company, self.state, posted_before=self.posted_before)


@pytest.fixture
def world(tmp_path) -> Iterator[CanadaWorld]:
    sim = new_simulator()
    seed_tenant(sim, seed=6, customers=6, items=4, invoices=8, country="CA")
    company = seed_company("ON")
    company.add_tax_code(TaxCode("Q", "QST @ 9.975%", ("QST",)))
    store = open_store(f"sqlite:///{tmp_path / 'state.sqlite'}")
    auth = ClientCredentialsAuth(
        base_url=HALO, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    halo = HaloClient(base_url=HALO, auth=auth, transport=FaultyHalo(sim), rate_limit=None, sleep=lambda _: None)
    yield CanadaWorld(sim, company, store, SyncState(store.engine, "acme"), halo, tmp_path, posted_ids(sim))
    halo.close()
    store.close()


def add_client(world: CanadaWorld, name: str) -> int:
    (saved,) = world.halo.save(CLIENT, [ClientRecord(name=name)])
    assert saved.id is not None
    return saved.id


def add_invoice(world: CanadaWorld, client_id: int, *lines: tuple[str, str, int]) -> int:
    records = [
        InvoiceLineRecord(item_id=SERVICE_ITEM, qty_order=Decimal(qty), unit_price=Decimal(price), item_tax_code=tax)
        for qty, price, tax in lines or (("1", "50", world.hst),)
    ]
    (saved,) = world.halo.save(INVOICE, [InvoiceRecord(client_id=client_id, lines=records)])
    assert saved.id is not None
    return saved.id


def test_a_name_longer_than_sage_takes_fails_alone_naming_it_and_the_fix_and_its_invoice_waits(world):
    name = "The Amalgamated Regional Veterinary Practices of Ontario"
    halo_id = add_client(world, name)
    invoice = add_invoice(world, halo_id)
    report = world.sync()
    message = failures(report, "customers")[f"customer '{name}' (Halo {halo_id})"]
    assert f"its name is {len(name)} characters; Sage 50 takes 52. Shorten it in Halo." in message
    assert name not in world.company.customers
    assert (
        f"Halo customer {halo_id} is not synced" in failures(report, "invoices")[f"invoice {invoice} (Halo {invoice})"]
    )
    world.halo.save(CLIENT, [ClientRecord(id=halo_id, name="Amalgamated Veterinary Practices Ontario")])
    again = world.sync()
    assert again.errors == []
    assert world.sim.tables["Invoice"][invoice]["posted"]
    world.settle()


def test_text_sage_cannot_store_is_named_and_a_negative_invoice_lands_as_a_credit(world):
    polish = add_client(world, "Łódź Logistics Inc.")
    client = next(c["id"] for c in world.sim.tables["Client"].values() if not c.get("inactive"))
    negative = add_invoice(world, client, ("-2", "40", world.hst))
    report = world.sync()
    message = failures(report, "customers")[f"customer 'Łódź Logistics Inc.' (Halo {polish})"]
    assert "characters Sage 50 cannot store" in message
    assert "Change them in Halo" in message
    number = world.sim.tables["Invoice"][negative]["accountsid"]
    credit = next(i for i in world.company.invoices if i.number == number)
    assert credit.total == Decimal("-90.40")  # -80 and 13% HST, a negative sales invoice as Sage records a credit
    assert [(t.name, t.amount) for t in credit.details[0].taxes] == [("HST", Decimal("-10.40"))]


def test_a_halo_tax_rate_sage_lacks_puts_the_invoice_up_for_review_with_the_command(world):
    (odd,) = world.halo.save(TAX, [TaxRecord(name="Odd Rate 11%", value=Decimal("11"))])
    client = next(c["id"] for c in world.sim.tables["Client"].values() if not c.get("inactive"))
    invoice = add_invoice(world, client, ("1", "100", odd.id))
    report = world.sync()
    reviews = {(r["entity"], str(r["halo_id"])): r["reason"] for r in world.state.open_reviews()}
    reason = reviews[("invoice", str(invoice))]
    assert f"Halo tax rate {odd.id}" in reason
    assert f"halo-accounts mappings set tax {odd.id} CODE" in reason
    assert report.counts["invoices"]["created"] > 0


def test_two_halo_clients_with_one_name_never_share_a_sage_customer(world):
    """Sage keys customers by name: the second of two namesakes is refused, and never linked to the first."""
    first = add_client(world, "Twin Peaks Ltd")
    second = add_client(world, "Twin Peaks Ltd")
    first_run = world.sync()
    assert list(world.company.customers).count("Twin Peaks Ltd") == 1
    refused = failures(first_run, "customers")[f"customer 'Twin Peaks Ltd' (Halo {second})"]
    assert "already exists" in refused
    world.sync()
    bound = world.state.bindings("customer")
    assert bound[str(first)].books_id == "Twin Peaks Ltd"
    assert str(second) not in bound  # not linked to the first one's customer, on any run


def test_all_the_bad_data_at_once_leaves_every_good_record_synced_once(world):
    long_name = add_client(world, "X" * 53)
    (item,) = world.halo.save(ITEM, [ItemRecord(name="Y" * 53, baseprice=Decimal("5"))])
    report = world.sync()
    assert report.stopped is None
    assert {label.split(" (Halo")[0] for label in failures(report, "customers")} == {f"customer '{'X' * 53}'"}
    assert {label.split(" (Halo")[0] for label in failures(report, "items")} == {f"item '{'Y' * 53}'"}
    # Fixed in Halo, everything lands, once.
    world.halo.save(CLIENT, [ClientRecord(id=long_name, name="X Holdings")])
    world.halo.save(ITEM, [ItemRecord(id=item.id, name="Y Backup")])
    report = world.sync()
    assert report.errors == [], report.errors
    world.settle()
