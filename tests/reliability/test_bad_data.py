"""Bad data from Halo: each bad record becomes one clear error or review, and the rest of the run lands.

The bad records are created through the Halo client (so Halo's own rules and computed totals
apply) next to a small seeded tenant. For each, the run's report and the sync state must name
the record and say what to do, the good records must still reach QuickBooks, and nothing may
be created twice or linked to the wrong record.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

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
from halo_accounts.engine.context import RunReport
from halo_accounts.errors import RecordError
from halo_accounts.simulators.halo import seed_tenant
from reliability.inprocess import World, build_world, close_world, failures, new_simulator
from reliability.invariants import sale_items

STANDARD_VAT = 1  # the seeded tenant's "Standard Rate VAT 20%"
SERVICE_ITEM = 1


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    sim = new_simulator()
    seed_tenant(sim, seed=5, customers=6, items=4, invoices=8)
    built = build_world(sim, tmp_path)
    yield built
    close_world(built)


def add_clients(world: World, *names: str, **fields: object) -> list[int]:
    saved = world.halo.save(CLIENT, [ClientRecord(name=name, **fields) for name in names])  # type: ignore[arg-type]
    return [c.id for c in saved if c.id is not None]


def add_invoice(world: World, client_id: int, *, qty: str = "1", price: str = "50", tax: int = STANDARD_VAT,
                item: int = SERVICE_ITEM, description: str | None = None) -> int:  # fmt: skip
    line = InvoiceLineRecord(
        item_id=item, qty_order=Decimal(qty), unit_price=Decimal(price), item_tax_code=tax,
        item_shortdescription=description,
    )  # fmt: skip
    (saved,) = world.halo.save(INVOICE, [InvoiceRecord(client_id=client_id, lines=[line])])
    assert saved.id is not None
    return saved.id


def seeded_clients(world: World) -> list[dict]:
    return [c for c in world.sim.tables["Client"].values() if not c.get("inactive")]


def open_errors(world: World) -> dict[tuple[str, str], str]:
    return {(str(e["entity"]), str(e["halo_id"])): str(e["user_message"]) for e in world.state.open_errors()}


def open_reviews(world: World) -> dict[tuple[str, str], str]:
    return {(str(r["entity"]), str(r["halo_id"])): str(r["reason"]) for r in world.state.open_reviews()}


def qb_names(world: World, kind: str = "Customer") -> list[str]:
    return [r["Name"] for r in world.company.list_records(kind)]


def assert_the_good_records_landed(world: World, report: RunReport, *, bad_clients: int = 0) -> None:
    assert report.stopped is None
    assert report.counts["customers"]["created"] >= len(seeded_clients(world)) - bad_clients
    assert report.counts["invoices"]["created"] > 0


def test_a_customer_name_longer_than_41_is_a_record_error_naming_it_and_the_fix(world):
    name = "Amalgamated Regional Veterinary Practices of the North Limited"
    (halo_id,) = add_clients(world, name)
    invoice = add_invoice(world, halo_id)
    report = world.sync()
    assert_the_good_records_landed(world, report, bad_clients=1)
    message = failures(report, "customers")[f"customer '{name}' (Halo {halo_id})"]
    assert "at most 41 characters" in message
    assert name in message
    assert "Shorten it in Halo" in message
    assert open_errors(world)[("customer", str(halo_id))] == message
    assert name not in qb_names(world)
    assert len(qb_names(world)) == len(seeded_clients(world)) - 1
    # Its invoice waits, saying why, and is not sent to some other customer.
    held = failures(report, "invoices")[f"invoice {invoice} (Halo {invoice})"]
    assert f"Halo customer {halo_id} is not synced" in held
    assert "Sync customers first, or map the customer" in held
    assert not world.sim.tables["Invoice"][invoice].get("posted")
    # Fixed in Halo: the next run creates it and sends the invoice.
    world.halo.save(CLIENT, [ClientRecord(id=halo_id, name="Amalgamated Veterinary Practices North")])
    again = world.sync()
    assert again.errors == []
    assert "Amalgamated Veterinary Practices North" in qb_names(world)
    assert world.sim.tables["Invoice"][invoice]["posted"]
    assert ("customer", str(halo_id)) not in open_errors(world)


def test_an_item_name_longer_than_31_is_a_record_error_and_its_invoices_wait(world):
    name = "Extended Warranty 5 Years Next Business Day"
    (item,) = world.halo.save(ITEM, [ItemRecord(name=name, baseprice=Decimal("99"), taxcode=STANDARD_VAT)])
    assert item.id is not None
    client = seeded_clients(world)[0]["id"]
    invoice = add_invoice(world, client, item=item.id, price="99")
    report = world.sync()
    assert_the_good_records_landed(world, report)
    message = failures(report, "items")[f"item '{name}' (Halo {item.id})"]
    assert "at most 31 characters" in message
    assert "Shorten it in Halo" in message
    assert open_errors(world)[("item", str(item.id))] == message
    assert name not in [i["Name"] for i in sale_items(world.company)]
    assert len(sale_items(world.company)) == len(world.sim.tables["Item"]) - 1
    held = failures(report, "invoices")[f"invoice {invoice} (Halo {invoice})"]
    assert f"Halo item {item.id} is not synced" in held
    assert open_errors(world)[("invoice", str(invoice))] == held


def test_characters_xml_cannot_carry_are_dropped_and_the_records_land_once(world):
    (client,) = add_clients(world, "Ctrl\x01Char\x0bHoldings Ltd")
    (item,) = world.halo.save(
        ITEM, [ItemRecord(name="Back\x01up\x0b Plan", description="Nightly\x0b backup\x01", baseprice=Decimal("12"))]
    )
    assert item.id is not None
    invoice = add_invoice(world, client, item=item.id, description="Backup\x01 for\x0b March")
    report = world.sync()
    assert report.errors == []
    assert "CtrlCharHoldings Ltd" in qb_names(world)
    assert "Backup Plan" in [i["Name"] for i in sale_items(world.company)]
    renamed = {p.record: p.reason for p in report.plan if p.action == "shortened"}
    assert renamed[f"customer 'Ctrl\x01Char\x0bHoldings Ltd' (Halo {client})"] == (
        "named 'CtrlCharHoldings Ltd' in the books to fit"
    )
    posted = world.sim.tables["Invoice"][invoice]
    (document,) = [d for d in world.company.list_records("Invoice") if d["TxnID"] == posted["accountsid"]]
    assert [line["Desc"] for line in document["InvoiceLineRet"]] == ["Backup for March"]
    # QuickBooks' name differs from Halo's, yet the next run sees nothing to update (no echo).
    second = world.sync()
    assert [p for p in second.plan if p.action not in ("skip", "review")] == []


def test_a_halo_tax_rate_the_books_lack_puts_the_invoice_up_for_review_with_the_command(world):
    (tax,) = world.halo.save(TAX, [TaxRecord(name="Luxury Goods 25%", code="T25", value=Decimal("25"))])
    assert tax.id is not None
    client = seeded_clients(world)[0]["id"]
    invoice = add_invoice(world, client, tax=tax.id)
    report = world.sync()
    assert_the_good_records_landed(world, report)
    label = f"invoice {invoice} (Halo {invoice})"
    (reason,) = [p.reason for p in report.plan if p.record == label and p.action == "review"]
    assert f"Halo tax rate {tax.id}" in reason
    assert f"Map it with 'halo-accounts mappings set tax {tax.id} CODE'" in reason
    assert open_reviews(world)[("invoice", str(invoice))] == reason
    assert not world.sim.tables["Invoice"][invoice].get("posted")
    # Doing what the message says sends it on the next run. The books have no 25% code, so it is
    # mapped to their 20% one: QuickBooks' total then differs, and that is put up for review too.
    world.state.set_mapping("tax", str(tax.id), world.state.mappings("tax")[str(STANDARD_VAT)])
    again = world.sync()
    assert again.counts["invoices"]["created"] == 1
    assert world.sim.tables["Invoice"][invoice]["posted"]
    (differs,) = [p.reason for p in again.plan if p.record == label and p.action == "review"]
    assert differs.startswith("the books' total is 60.00, Halo's is 62.5")
    assert open_reviews(world)[("invoice", str(invoice))] == f"totals differ: {differs}"


def test_a_zero_total_invoice_and_a_negative_one_land_as_an_invoice_and_a_credit_memo(world):
    client = seeded_clients(world)[0]["id"]
    zero = add_invoice(world, client, price="0")
    negative = add_invoice(world, client, qty="-2", price="50")
    assert world.sim.tables["Invoice"][zero]["total"] == 0
    assert world.sim.tables["Invoice"][negative]["total"] == Decimal("-120")
    report = world.sync()
    assert report.errors == []
    assert report.counts["invoices"]["review"] == 0  # the books' totals agree with Halo's
    by_txn = {d["TxnID"]: d for d in world.company.list_records("Invoice") + world.company.list_records("CreditMemo")}
    zero_doc = by_txn[world.sim.tables["Invoice"][zero]["accountsid"]]
    credit = by_txn[world.sim.tables["Invoice"][negative]["accountsid"]]
    assert zero_doc in world.company.list_records("Invoice")
    assert Decimal(zero_doc["Subtotal"]) == 0
    assert credit in world.company.list_records("CreditMemo")
    assert Decimal(credit["TotalAmount"]) == Decimal("120.00")
    assert world.sim.tables["Invoice"][negative]["thirdpartyinvoicenumber"] == credit["RefNumber"]


def test_invoices_for_customers_the_books_do_not_have_are_held_with_the_reason(world):
    (dormant,) = add_clients(world, "Dormant Trading Ltd", inactive=True)
    (gone,) = add_clients(world, "Gone Away Ltd")
    for_dormant = add_invoice(world, dormant)
    for_gone = add_invoice(world, gone)
    world.halo.delete(CLIENT, gone)  # deleted in Halo before the integrator ever saw it
    assert gone not in world.sim.tables["Client"]
    report = world.sync()
    assert_the_good_records_landed(world, report)
    held = failures(report, "invoices")
    for invoice, client in ((for_dormant, dormant), (for_gone, gone)):
        message = held[f"invoice {invoice} (Halo {invoice})"]
        assert f"Halo customer {client} is not synced" in message
        assert open_errors(world)[("invoice", str(invoice))] == message
        assert not world.sim.tables["Invoice"][invoice].get("posted")
    assert "Dormant Trading Ltd" not in qb_names(world)
    assert "Gone Away Ltd" not in qb_names(world)


def test_an_invoice_of_a_customer_deleted_in_halo_after_its_sync_goes_to_that_customer(world):
    (client,) = add_clients(world, "Short Lived Ltd")
    world.sync(only=["tax_rates", "items", "customers"])
    books_id = world.state.bindings("customer")[str(client)].books_id
    invoice = add_invoice(world, client)
    world.halo.delete(CLIENT, client)
    report = world.sync()
    assert report.errors == []
    (document,) = [d for d in world.company.list_records("Invoice") if d["CustomerRef"]["ListID"] == books_id]
    assert world.sim.tables["Invoice"][invoice]["accountsid"] == document["TxnID"]


def test_two_halo_clients_with_one_name_never_share_or_steal_a_books_customer(world):
    first, second = add_clients(world, "Twin Peaks Ltd", "Twin Peaks Ltd")
    invoice = add_invoice(world, second)
    one = world.sync()
    assert_the_good_records_landed(world, one, bad_clients=1)
    # QuickBooks refuses the second name: a record error that says what to do.
    refused = failures(one, "customers")[f"customer 'Twin Peaks Ltd' (Halo {second})"]
    assert isinstance(next(e for f, r, e in one.errors if f"Halo {second})" in r and f == "customers"), RecordError)
    assert "the name is already used" in refused
    assert "Rename one of them" in refused
    assert qb_names(world).count("Twin Peaks Ltd") == 1
    (twin,) = [c for c in world.company.list_records("Customer") if c["Name"] == "Twin Peaks Ltd"]
    # Later runs: the second must not be linked to the first's customer (nor take its binding).
    for _ in range(2):
        later = world.sync()
        bindings = world.state.bindings("customer")
        assert bindings[str(first)].books_id == twin["ListID"]
        assert str(second) not in bindings
        assert world.sim.tables["Client"][first]["accountsid"] == twin["ListID"]
        assert not world.sim.tables["Client"][second].get("accountsid")
        reason = open_reviews(world)[("customer", str(second))]
        assert f"already linked to Halo customer {first}" in reason
        assert "Rename one of them in Halo" in reason
        assert [p.action for p in later.plan if p.record == f"customer 'Twin Peaks Ltd' (Halo {second})"] == ["review"]
        assert qb_names(world).count("Twin Peaks Ltd") == 1
        assert not world.sim.tables["Invoice"][invoice].get("posted")  # not sent to the first's customer
    # Renamed in Halo, as the review says: it gets a customer of its own and its invoice goes out.
    world.halo.save(CLIENT, [ClientRecord(id=second, name="Twin Peaks (North) Ltd")])
    fixed = world.sync()
    assert fixed.errors == []
    (north,) = [c for c in world.company.list_records("Customer") if c["Name"] == "Twin Peaks (North) Ltd"]
    assert world.sim.tables["Client"][second]["accountsid"] == north["ListID"]
    (document,) = [d for d in world.company.list_records("Invoice") if d["CustomerRef"]["ListID"] == north["ListID"]]
    assert world.sim.tables["Invoice"][invoice]["accountsid"] == document["TxnID"]


def test_all_the_bad_data_at_once_leaves_every_good_record_synced_once(world):
    add_clients(world, "N" * 50, "Twin Ltd", "Twin Ltd", "Bell\x07 Ltd")
    world.halo.save(ITEM, [ItemRecord(name="I" * 40, baseprice=Decimal("1"))])
    (tax,) = world.halo.save(TAX, [TaxRecord(name="Odd 7%", code="T7", value=Decimal("7"))])
    assert tax.id is not None
    client = seeded_clients(world)[0]["id"]
    add_invoice(world, client, tax=tax.id)
    add_invoice(world, client, price="0")
    add_invoice(world, client, qty="-1")
    first = world.sync()
    assert first.stopped is None
    for _ in range(2):
        world.sync()
    good = [c for c in seeded_clients(world) if c["name"] not in ("N" * 50,)]
    names = qb_names(world)
    assert sorted(names) == sorted({c["name"].replace("\x07", "") for c in good})  # once each, the twin once
    problems = {**open_errors(world), **open_reviews(world)}
    assert {entity for entity, _ in problems} == {"customer", "item", "invoice"}
    for message in problems.values():
        assert "Halo" in message or "QuickBooks" in message or "books" in message
