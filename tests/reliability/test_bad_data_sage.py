"""Bad data from Halo, with Sage 50 UK: each bad record is one clear error or review; the rest lands once.

Sage's rules differ from QuickBooks' (names of 60, no zero-value posting, account references it
makes itself), so the expectations do too; the shape is ``test_bad_data``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

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
from halo_accounts.connectors.sage50uk import Sage50UKBooks, SdoConnector
from halo_accounts.engine.context import RunReport
from halo_accounts.engine.runner import run_sync
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.sage50uk import SageCompany, SDOEngine, seed_company
from halo_accounts.simulators.sage50uk.company import Nominal
from halo_accounts.store import Store, open_store
from halo_accounts.store.state import SyncState
from reliability.inprocess import FLOWS, HALO, FaultyHalo, failures, new_simulator
from reliability.invariants import assert_each_sage_record_once, posted_ids

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

STANDARD_VAT = 1  # the seeded tenant's "Standard Rate VAT 20%"
SERVICE_ITEM = 1


@dataclass
class SageWorld:
    sim: HaloSimulator
    company: SageCompany
    store: Store
    state: SyncState
    halo: HaloClient
    posted_before: set[int]
    reports: list[RunReport] = field(default_factory=list)

    def sync(self) -> RunReport:
        engine = SDOEngine({self.company.data_path: self.company})
        books = Sage50UKBooks(SdoConnector(lambda: engine, self.company.data_path, "HALOSYNC", SecretStr("pw")))
        report = run_sync(self.halo, books, self.state, FLOWS)
        self.reports.append(report)
        return report

    def settle(self) -> None:
        """One more run writes nothing, and each record is in Sage exactly once."""
        last = self.sync()
        writes = {(p.flow, p.action) for p in last.plan if p.action in ("created", "updated", "create", "link")}
        assert writes == set(), last.plan
        assert_each_sage_record_once(self.sim, self.company, self.state, posted_before=self.posted_before)


@pytest.fixture
def world(tmp_path) -> Iterator[SageWorld]:
    sim = new_simulator()
    seed_tenant(sim, seed=5, customers=6, items=4, invoices=8, country="UK")
    company = seed_company(SageCompany(users={"HALOSYNC": "pw"}))
    for code, name in (("4010", "Sales - Services"), ("4020", "Sales - Hardware")):
        company.nominals[code] = Nominal(code, name)
    store = open_store(f"sqlite:///{tmp_path / 'state.sqlite'}")
    auth = ClientCredentialsAuth(
        base_url=HALO, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    halo = HaloClient(base_url=HALO, auth=auth, transport=FaultyHalo(sim), rate_limit=None, sleep=lambda _: None)
    yield SageWorld(sim, company, store, SyncState(store.engine, "acme"), halo, posted_ids(sim))
    halo.close()
    store.close()


def add_client(world: SageWorld, name: str) -> int:
    (saved,) = world.halo.save(CLIENT, [ClientRecord(name=name)])
    assert saved.id is not None
    return saved.id


def add_invoice(world: SageWorld, client_id: int, *lines: tuple[str, str, int]) -> int:
    records = [
        InvoiceLineRecord(item_id=SERVICE_ITEM, qty_order=Decimal(qty), unit_price=Decimal(price), item_tax_code=tax)
        for qty, price, tax in lines or (("1", "50", STANDARD_VAT),)
    ]
    (saved,) = world.halo.save(INVOICE, [InvoiceRecord(client_id=client_id, lines=records)])
    assert saved.id is not None
    return saved.id


def test_a_name_longer_than_sage_takes_fails_alone_naming_it_and_the_fix_and_its_invoice_waits(world):
    name = "The Amalgamated Regional Veterinary Practices of the North of England"
    halo_id = add_client(world, name)
    invoice = add_invoice(world, halo_id)
    report = world.sync()
    message = failures(report, "customers")[f"customer '{name}' (Halo {halo_id})"]
    assert f"its name is {len(name)} characters, Sage takes at most 60. Shorten it in Halo." in message
    assert name not in {c["NAME"] for c in world.company.customers.values()}
    assert (
        f"Halo customer {halo_id} is not synced" in failures(report, "invoices")[f"invoice {invoice} (Halo {invoice})"]
    )
    world.halo.save(CLIENT, [ClientRecord(id=halo_id, name="Amalgamated Veterinary Practices North")])
    again = world.sync()
    assert again.errors == []
    assert world.sim.tables["Invoice"][invoice]["posted"]
    world.settle()


def test_a_zero_invoice_is_refused_with_the_reason_and_a_negative_one_lands_as_a_credit_note(world):
    client = next(c["id"] for c in world.sim.tables["Client"].values() if not c.get("inactive"))
    zero = add_invoice(world, client, ("1", "0", STANDARD_VAT))
    negative = add_invoice(world, client, ("-2", "40", STANDARD_VAT))
    report = world.sync()
    assert (
        "its value is zero, which Sage 50 does not post"
        in failures(report, "invoices")[f"invoice {zero} (Halo {zero})"]
    )
    assert not world.sim.tables["Invoice"][zero].get("posted")
    (credit,) = [
        h for h in world.company.headers if h["INV_REF"] == world.sim.tables["Invoice"][negative]["invoicenumber"]
    ]
    assert (credit["TYPE"], credit["NET_AMOUNT"], credit["TAX_AMOUNT"]) == (2, Decimal(80), Decimal(16))


def test_a_halo_tax_rate_sage_lacks_puts_the_invoice_up_for_review_with_the_command(world):
    (odd,) = world.halo.save(TAX, [TaxRecord(name="Odd Rate 7%", value=Decimal("7"))])
    client = next(c["id"] for c in world.sim.tables["Client"].values() if not c.get("inactive"))
    invoice = add_invoice(world, client, ("1", "100", odd.id))
    report = world.sync()
    reviews = {(r["entity"], str(r["halo_id"])): r["reason"] for r in world.state.open_reviews()}
    reason = reviews[("invoice", str(invoice))]
    assert f"Halo tax rate {odd.id}" in reason
    assert f"halo-accounts mappings set tax {odd.id} CODE" in reason
    assert report.counts["invoices"]["created"] > 0


def test_two_halo_clients_with_one_name_never_share_a_sage_account(world):
    first = add_client(world, "Twin Peaks Ltd")
    second = add_client(world, "Twin Peaks Ltd")
    world.sync()
    twins = [ref for ref, c in world.company.customers.items() if c["NAME"] == "Twin Peaks Ltd"]
    refs = {world.sim.tables["Client"][first]["accountsid"], world.sim.tables["Client"][second]["accountsid"]}
    assert sorted(twins) == sorted(refs) == ["TWINPE01", "TWINPEAK"]  # two accounts, each its own reference


def test_all_the_bad_data_at_once_leaves_every_good_record_synced_once(world):
    long_name = add_client(world, "X" * 61)
    client = next(c["id"] for c in world.sim.tables["Client"].values() if not c.get("inactive"))
    add_invoice(world, client, ("1", "0", STANDARD_VAT))
    (item,) = world.halo.save(ITEM, [ItemRecord(name="Y" * 61, baseprice=Decimal("5"))])
    report = world.sync()
    assert report.stopped is None
    assert {label.split(" (Halo")[0] for label in failures(report, "customers")} == {f"customer '{'X' * 61}'"}
    assert {label.split(" (Halo")[0] for label in failures(report, "items")} == {f"item '{'Y' * 61}'"}
    # Fixed in Halo, everything lands, once.
    world.halo.save(CLIENT, [ClientRecord(id=long_name, name="X Holdings")])
    world.halo.save(ITEM, [ItemRecord(id=item.id, name="Y Backup")])
    for invoice in world.sim.tables["Invoice"].values():
        if invoice.get("total") == 0:
            invoice["voided"] = True  # the zero invoice, voided in Halo
    report = world.sync()
    assert report.errors == [], report.errors
    world.settle()
