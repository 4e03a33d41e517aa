"""The sync end to end with Sage 50 UK: the Halo simulator over HTTP, the engine, Sage's SDO (simulated)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import CLIENT, ITEM, AddressRecord, ClientRecord, ItemRecord
from halo_accounts.connectors.sage50uk import Sage50UKBooks, SdoConnector
from halo_accounts.connectors.sage50uk.postings import PostingDefaults
from halo_accounts.engine.lists import CREATE_NEW, requeue
from halo_accounts.engine.mappings import apply_mapping
from halo_accounts.engine.runner import run_sync
from halo_accounts.errors import ConfigError
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.sage50uk import SageCompany, SDOEngine, seed_company
from halo_accounts.simulators.sage50uk.clerk import receive_payment
from halo_accounts.simulators.sage50uk.company import Nominal, TaxCode
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

FLOWS = FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS)
DATA = r"C:\ProgramData\Sage\Accounts\2026\Company.000\ACCDATA"
USER, PASSWORD = "HALOSYNC", "s3cret-sage"


@pytest.fixture
def world(halo_url, halo_sim, tmp_path):
    seed_tenant(halo_sim, seed=11, customers=12, items=8, invoices=25, country="UK")
    company = seed_company(SageCompany(DATA, users={"MANAGER": "", USER: PASSWORD}))
    for code, name in (("4010", "Sales - Services"), ("4020", "Sales - Hardware")):  # the MSP's sales codes
        company.nominals[code] = Nominal(code, name)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    halo = HaloClient(base_url=halo_url, auth=auth, rate_limit=None)
    yield halo_sim, company, store, halo
    halo.close()
    store.close()


def books_for(company, user=USER, password=PASSWORD, version=32):
    engine = SDOEngine({DATA: company}, version=version)
    return Sage50UKBooks(SdoConnector(lambda: engine, DATA, user, SecretStr(password)))


def sync(world, dry_run=False, books=None):
    _, company, store, halo = world
    return run_sync(halo, books or books_for(company), SyncState(store.engine, "sage"), FLOWS, dry_run=dry_run)


def test_first_sync_moves_everything_once_and_the_second_writes_nothing(world):
    halo_sim, company, store, halo = world
    sendable = [i for i in halo_sim.tables["Invoice"].values() if i.get("lines") and not i.get("voided")]
    sendable = [i for i in sendable if not i.get("posted")]
    first = sync(world)
    assert first.stopped is None, first.stopped
    active = [c for c in halo_sim.tables["Client"].values() if not c.get("inactive")]
    assert sorted(c["NAME"] for c in company.customers.values()) == sorted(c["name"] for c in active)
    for client in active:  # the account reference Sage keys it by went back to Halo
        assert company.customers[client["accountsid"]]["NAME"] == client["name"]
    assert len(company.stock) == len(halo_sim.tables["Item"])
    created = first.counts["invoices"]["created"]
    assert created > 0
    assert created + first.counts["invoices"]["review"] == len(sendable)
    assert len(company.headers) == created
    posted = {i["thirdpartyinvoicenumber"]: i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid")}
    for header in company.headers:
        invoice = posted[header["INV_REF"]]
        assert str(header["HEADER_NUMBER"]) == invoice["accountsid"]
        gross = header["NET_AMOUNT"] + header["TAX_AMOUNT"]
        assert (gross if header["TYPE"] == 1 else -gross) == Decimal(str(invoice["total"]))
    assert "payments" not in first.counts  # nothing paid yet
    assert company.connected == {}  # every connection was closed

    second = sync(world)
    writes = {a: n for c in second.counts.values() for a, n in c.items() if a in ("created", "updated")}
    assert writes == {}, second.plan
    assert len(company.headers) == created
    # Three of Sage's codes are 0%: each keeps the Halo rate it was given, none is relinked on a later run.
    assert second.counts["tax_rates"] == {"skip": len(company.tax_codes)}
    assert len(set(SyncState(store.engine, "sage").mappings("tax").values())) == len(company.tax_codes)
    assert len(company.customers) == len(active)


def test_account_references_follow_sages_rules_and_halos_own_is_kept(world):
    halo_sim, company, store, halo = world
    halo.save(
        CLIENT,
        [
            ClientRecord(name="Acme & Sons Ltd"),
            ClientRecord(name="ACME SONS (North)"),  # the same letters: numbered
            ClientRecord(name="Café Müller", accountsid="CAFE01"),  # Halo's own reference is used
        ],
    )
    sync(world)
    refs = {c["name"]: c["accountsid"] for c in halo_sim.tables["Client"].values()}
    assert refs["Acme & Sons Ltd"] == "ACMESONS"
    assert refs["ACME SONS (North)"] == "ACMESO01"
    assert refs["Café Müller"] == "CAFE01"
    assert all(len(ref) <= 8 and ref == ref.upper() and " " not in ref for ref in refs.values() if ref)


def test_a_record_sage_refuses_fails_alone_with_the_fix(world):
    halo_sim, company, store, halo = world
    long_line = AddressRecord(
        line1="Unit 4, The Old Granary Business Park, Long Sutton Road, Spalding", postcode="PE12"
    )
    halo.save(CLIENT, [ClientRecord(name="Far Away Ltd", main_invoice_address=long_line)])
    report = sync(world)
    failures = [(record, error.user_message) for flow, record, error in report.errors if flow == "customers"]
    assert len(failures) == 1
    assert "Far Away Ltd" in failures[0][0]
    assert "address 1 is 65 characters, Sage takes at most 60. Shorten it in Halo." in failures[0][1]
    assert report.counts["customers"]["created"] == len([c for c in halo_sim.tables["Client"].values()
                                                         if not c.get("inactive")]) - 1  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda c: c.connected.update({USER: "someone-else"}), "already logged in"),
        (lambda c: setattr(c.faults, "exclusive", True), "exclusive mode"),
        (lambda c: setattr(c.faults, "not_registered", True), "not registered"),
    ],
)
def test_connection_problems_stop_the_run_once_with_the_fix(world, setup, expected):
    _, company, _, _ = world
    setup(company)
    report = sync(world)
    assert isinstance(report.stopped, ConfigError)
    assert expected in report.stopped.user_message
    assert company.customers == {}


def test_a_wrong_password_or_sdo_version_names_the_fix_and_never_the_password(world):
    _, company, _, _ = world
    report = sync(world, books=books_for(company, password="wrong"))
    assert "password" in report.stopped.user_message
    assert "wrong" not in report.stopped.user_message
    report = sync(world, books=books_for(company, version=31))
    assert "different version" in report.stopped.user_message
    assert "version 32" in report.stopped.detail


def test_dry_run_changes_nothing_in_sage(world):
    halo_sim, company, store, halo = world
    plan = sync(world, dry_run=True)
    assert plan.counts["customers"]["create"] == len(
        [c for c in halo_sim.tables["Client"].values() if not c["inactive"]]
    )
    assert plan.counts["items"]["create"] == len(halo_sim.tables["Item"])
    assert plan.counts["tax_rates"]["link"] > 0
    assert company.customers == company.stock == {}
    assert company.headers == []


def test_with_the_invoicing_module_invoices_wait_there_for_posting_under_halos_numbers(world):
    halo_sim, company, store, halo = world
    connector = books_for(company)._connector  # noqa: SLF001 - the same connection, another setting
    invoicing = Sage50UKBooks(connector, invoicing=True)
    first = sync(world, books=invoicing)
    created = first.counts["invoices"]["created"]
    assert created == len(company.invoices) > 0
    assert company.headers == []  # nothing posted to the ledger: a person posts them in Sage
    assert all(c["BALANCE"] == 0 for c in company.customers.values())
    sent = [i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid")]
    for invoice in sent:
        document = company.invoices[int(invoice["thirdpartyinvoicenumber"])]
        assert document["ORDER_NUMBER"] == invoice["invoicenumber"]
        assert invoice["accountsid"] == f"INV{document['INVOICE_NUMBER']}"
        gross = sum(Decimal(str(i["NET_AMOUNT"])) + Decimal(str(i["TAX_AMOUNT"])) for i in document["ITEMS"])
        assert (-gross if document["INVOICE_TYPE_CODE"] == 3 else gross) == Decimal(str(invoice["total"]))
        if invoice["invoicenumber"].isdigit():
            assert document["INVOICE_NUMBER"] == int(invoice["invoicenumber"])  # Halo's number kept
    second = sync(world, books=invoicing)
    assert second.counts.get("invoices", {}).get("created", 0) == 0
    assert len(company.invoices) == created

    # An answer lost after Sage saved the document: found by Halo's number, never saved twice.
    taken = next(iter(company.invoices.values()))
    with store.engine.begin() as connection:
        from sqlalchemy import delete, update  # noqa: PLC0415

        from halo_accounts.store.schema import bindings, outbox  # noqa: PLC0415

        halo_id = next(str(i["id"]) for i in sent if i["accountsid"] == f"INV{taken['INVOICE_NUMBER']}")
        connection.execute(delete(bindings).where(bindings.c.entity == "invoice", bindings.c.halo_id == halo_id))
        connection.execute(update(outbox).where(outbox.c.halo_id == halo_id).values(state="sent"))
    halo_sim.tables["Invoice"][int(halo_id)]["posted"] = False
    third = sync(world, books=invoicing)
    assert third.counts["invoices"]["link"] == 1
    assert len(company.invoices) == created


def test_suppliers_and_purchase_orders_reach_sage_once_under_halos_numbers(world):
    halo_sim, company, store, halo = world
    halo.auth.scopes = (*halo.auth.scopes, "edit:suppliers", "edit:pos")
    flows = FlowSettings(suppliers=Direction.TO_BOOKS, purchase_orders=Direction.TO_BOOKS)
    for _ in range(2):
        report = run_sync(
            halo,
            books_for(company),
            SyncState(store.engine, "sage"),
            flows,
            only=["items", "suppliers", "purchase_orders"],
        )
        assert report.stopped is None
        assert report.errors == [], report.errors
    suppliers = [s for s in halo_sim.tables["Supplier"].values() if not s.get("inactive")]
    assert sorted(s["NAME"] for s in company.suppliers.values()) == sorted(s["name"] for s in suppliers)
    assert all(company.suppliers[s["accounts_id"]]["NAME"] == s["name"] for s in suppliers)
    orders = halo_sim.tables["PurchaseOrder"]
    assert len(company.purchase_orders) == len(orders) > 0  # the second run added none
    references = sorted(o["REFERENCE"] for o in company.purchase_orders.values())
    assert len(set(references)) == len(references)
    for order in orders.values():
        (kept,) = [o for o in company.purchase_orders.values() if o["REFERENCE"] == order["po_ref"]]
        assert order["accounts_ref"] == str(kept["ORDER_NUMBER"])  # Sage's number went back to Halo
        if order["po_ref"].isdigit():
            assert kept["ORDER_NUMBER"] == int(order["po_ref"])


def receive(company, header_number: int, amount: Decimal) -> None:
    receive_payment(company, header_number, amount, date(2026, 11, 20))


def test_receipts_allocated_in_sage_reach_halo_as_payments_once_each_part(world):
    halo_sim, company, store, halo = world
    sync(world)
    invoices = [h for h in company.headers if h["TYPE"] == 1][:3]
    first, second, third = invoices
    gross = {h["HEADER_NUMBER"]: h["NET_AMOUNT"] + h["TAX_AMOUNT"] for h in invoices}
    receive(company, first["HEADER_NUMBER"], gross[first["HEADER_NUMBER"]])  # paid in full
    receive(company, second["HEADER_NUMBER"], Decimal("10.00"))  # a part
    report = sync(world)
    assert report.counts["payments"]["create"] == 2
    halo_of = {i["accountsid"]: i["id"] for i in halo_sim.tables["Invoice"].values() if i.get("accountsid")}
    recorded = lambda: sorted(  # noqa: E731
        (p["invoice_id"], Decimal(str(p["amount"]))) for p in halo_sim.tables["InvoicePayment"].values()
        if p.get("thirdpartyid")
    )  # fmt: skip
    assert recorded() == sorted(
        [(halo_of[str(first["HEADER_NUMBER"])], gross[first["HEADER_NUMBER"]]),
         (halo_of[str(second["HEADER_NUMBER"])], Decimal("10.00"))]
    )  # fmt: skip
    assert "create" not in sync(world).counts.get("payments", {})  # nothing new: nothing recorded twice

    receive(company, second["HEADER_NUMBER"], Decimal("5.50"))  # the customer pays a little more
    receive(company, third["HEADER_NUMBER"], Decimal("1.00"))
    report = sync(world)
    assert report.counts["payments"]["create"] == 2
    assert (halo_of[str(second["HEADER_NUMBER"])], Decimal("5.50")) in recorded()  # only the new part
    assert len(recorded()) == 4


def test_the_first_sync_links_the_customers_sage_already_has_and_creates_none_twice(world):
    halo_sim, company, store, halo = world
    clients = [c for c in halo_sim.tables["Client"].values() if not c.get("inactive")]
    by_name, by_ref, ambiguous = clients[0], clients[1], clients[2]
    keyed_in = {  # what the accountant keyed into Sage before the integrator came
        "OLD001": {"ACCOUNT_REF": "OLD001", "NAME": f"  {by_name['name'].upper()} ", "BALANCE": Decimal(0)},
        "ACC042": {"ACCOUNT_REF": "ACC042", "NAME": "Some Other Name Ltd", "BALANCE": Decimal(0)},
        "TWIN1": {"ACCOUNT_REF": "TWIN1", "NAME": ambiguous["name"], "BALANCE": Decimal(0)},
        "TWIN2": {"ACCOUNT_REF": "TWIN2", "NAME": ambiguous["name"], "BALANCE": Decimal(0)},
    }
    company.customers.update(keyed_in)
    seed_company(company, customers=5, seed=4)  # and a few customers Halo does not have
    existing = len(company.customers)
    halo.save(CLIENT, [ClientRecord(id=by_ref["id"], accountsid="ACC042")])  # Halo already holds Sage's reference

    report = sync(world)
    links = {
        p.record.split(" (Halo ")[1].rstrip(")") for p in report.plan if (p.flow, p.action) == ("customers", "link")
    }
    assert links == {str(by_name["id"]), str(by_ref["id"])}
    assert halo_sim.tables["Client"][by_name["id"]]["accountsid"] == "OLD001"
    assert halo_sim.tables["Client"][by_ref["id"]]["accountsid"] == "ACC042"
    reviews = {r["halo_id"]: r for r in SyncState(store.engine, "sage").open_reviews() if r["entity"] == "customer"}
    assert str(ambiguous["id"]) in reviews  # two Sage accounts of that name: a person decides, nothing is created
    choices = json.loads(str(reviews[str(ambiguous["id"])]["candidates"]))
    assert sorted(c["books_id"] for c in choices) == ["TWIN1", "TWIN2"]  # each with its books id, to pick from
    created = report.counts["customers"]["created"]
    assert len(company.customers) == existing + created == existing + len(clients) - 3
    names = [c["NAME"].strip().casefold() for c in company.customers.values()]
    assert names.count(by_name["name"].casefold()) == 1

    # A person says it is neither (the dashboard's "create a new one"): the next run creates it, once.
    state = SyncState(store.engine, "sage")
    state.set_mapping(CREATE_NEW, f"customer:{ambiguous['id']}", "yes")
    requeue(state, "customer", str(ambiguous["id"]))
    again = sync(world)
    assert again.counts["customers"]["created"] == 1
    assert state.bindings("customer")[str(ambiguous["id"])].books_id not in ("TWIN1", "TWIN2")
    assert "created" not in sync(world).counts["customers"]


def test_a_connection_lost_mid_batch_is_reported_and_the_next_run_settles_it_without_doubles(world):
    halo_sim, company, store, halo = world
    posting = company.post
    calls = {"n": 0}

    def post_then_lose_connection(*args, **kwargs):
        number = posting(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 2:  # Sage saved the second posting; then the network share went away
            company.connected.clear()
        return number

    company.post = post_then_lose_connection
    report = sync(world)
    assert report.stopped is None
    lost = [error for flow, _, error in report.errors if flow == "invoices"]
    assert lost
    assert all("stopped answering" in error.user_message for error in lost)
    company.post = posting
    company.connected.clear()
    again = sync(world)
    assert again.errors == [], again.errors
    assert again.counts["invoices"]["link"] >= 1  # the posting whose answer was lost is found, not posted again
    references = [h["INV_REF"] for h in company.headers]
    assert len(references) == len(set(references))


def test_tax_codes_never_set_up_are_not_imported_into_halo(world):
    halo_sim, company, store, halo = world
    company.tax_codes[3] = TaxCode(3, "", Decimal(0))  # Sage keeps T0-T99; the unused ones have no name
    report = sync(world)
    assert not any("T3" in p.record for p in report.plan if p.flow == "tax_rates")
    assert "T3" not in SyncState(store.engine, "sage").mappings("tax").values()


def test_a_paid_total_that_drops_in_sage_goes_to_a_person_and_nothing_is_recorded(world):
    halo_sim, company, store, halo = world
    sync(world)
    header, other = [h for h in company.headers if h["TYPE"] == 1][:2]
    receive(company, header["HEADER_NUMBER"], Decimal("10.00"))
    receive(company, other["HEADER_NUMBER"], Decimal("5.00"))
    sync(world)
    receive(company, header["HEADER_NUMBER"], Decimal("20.00"))  # 30 paid in all, recorded in Halo as 10 + 20
    sync(world)
    # The accountant removes the second receipt's allocation (back to 10, a total recorded before) and
    # the whole of the other invoice's (back to 0).
    for split in header["SPLITS"]:
        split["AMOUNT_PAID"] = Decimal(0)
    header["SPLITS"][0]["AMOUNT_PAID"] = Decimal("10.00")
    for split in other["SPLITS"]:
        split["AMOUNT_PAID"] = Decimal(0)
    report = sync(world)
    assert report.counts["payments"]["review"] == 2
    reasons = [r["reason"] for r in SyncState(store.engine, "sage").open_reviews() if r["entity"] == "payment"]
    assert sum("show 10.00 paid" in r and "less than the 30.00 Halo records" in r for r in reasons) == 1
    assert sum("show 0.00 paid" in r and "less than the 5.00 Halo records" in r for r in reasons) == 1
    recorded = [p for p in halo_sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    assert len(recorded) == 3  # nothing more was recorded


def test_a_shorter_address_in_halo_leaves_no_old_lines_in_sage(world):
    halo_sim, company, store, halo = world
    sync(world)
    client = next(c for c in halo_sim.tables["Client"].values() if c.get("accountsid"))
    full = AddressRecord(
        line1="Unit 4", line2="Old Granary", line3="Long Sutton Road", line4="Spalding", postcode="PE12 9AB"
    )
    halo.save(CLIENT, [ClientRecord(id=client["id"], main_invoice_address=full)])
    sync(world)
    assert company.customers[client["accountsid"]]["ADDRESS_4"] == "Spalding"
    halo.save(
        CLIENT, [ClientRecord(id=client["id"], main_invoice_address=AddressRecord(line1="1 New Street", postcode=""))]
    )
    sync(world)
    account = company.customers[client["accountsid"]]
    assert [account[f"ADDRESS_{n}"] for n in range(1, 6)] == ["1 New Street", "", "", "", ""]


def test_a_department_set_for_the_company_is_on_every_split(world):
    halo_sim, company, store, halo = world
    engine = SDOEngine({DATA: company})
    connector = SdoConnector(lambda: engine, DATA, USER, SecretStr(PASSWORD))
    report = sync(world, books=Sage50UKBooks(connector, defaults=PostingDefaults(department=7)))
    assert report.counts["invoices"]["created"] > 0
    assert {s["DEPT_NUMBER"] for h in company.headers for s in h["SPLITS"]} == {7}


def test_a_client_made_inactive_in_halo_is_put_to_a_person_for_sage(world):
    halo_sim, company, store, halo = world
    sync(world)
    client = next(c for c in halo_sim.tables["Client"].values() if c.get("accountsid"))
    halo.save(CLIENT, [ClientRecord(id=client["id"], inactive=True)])
    report = sync(world)
    assert [p.reason for p in report.plan if p.flow == "customers" and p.action == "review"] == [
        "Made inactive in Halo; Sage 50 UK cannot be told so by the integrator: make it inactive there by hand."
    ]
    assert any(r["halo_id"] == str(client["id"]) for r in SyncState(store.engine, "sage").open_reviews())
    assert "review" not in sync(world).counts.get("customers", {})  # asked once


def test_an_item_type_mapping_types_new_stock_records_and_leaves_existing_ones_their_type(world):
    halo_sim, company, store, halo = world
    sync(world)
    services = {code: rec for code, rec in company.stock.items() if rec["ITEM_TYPE"] == 2}
    assert services  # Halo's type-0 items, held as services
    apply_mapping(SyncState(store.engine, "sage"), "item_type", "0", "inventory")
    halo.save(ITEM, [ItemRecord(name="Patch Cable 2m", type=0, baseprice=Decimal("4.50"))])
    report = sync(world)
    assert report.counts["items"].get("failed", 0) == 0
    new = next(rec for rec in company.stock.values() if rec["DESCRIPTION"] == "Patch Cable 2m")
    assert new["ITEM_TYPE"] == 0  # stock, as mapped
    assert all(company.stock[code]["ITEM_TYPE"] == 2 for code in services)  # chosen once, at creation


def test_a_halo_nominal_code_sage_lacks_is_mapped_to_sages_own_for_items_and_invoice_lines(
    world, tmp_path, memory_keyring
):
    from halo_accounts.cli.wiring import open_books
    from halo_accounts.config import Books, BooksTransport, CompanySettings, Settings
    from halo_accounts.simulators.sage50uk import load_company, save_company

    halo_sim, company, store, halo = world
    del company.nominals["4020"]  # Halo's hardware code: this Sage company posts hardware to 4000
    kept = tmp_path / "sage.json"
    save_company(company, kept)
    settings = Settings(companies={"sage": CompanySettings(
        books=Books.SAGE50UK, transport=BooksTransport.SIMULATOR, company_file=str(kept))})  # fmt: skip
    state = SyncState(store.engine, "sage")

    def sync_as_serve_does():  # the books opened by the wiring, with the company's account mappings
        with open_books(settings, "sage", None, state.mappings("account")) as books:
            return run_sync(halo, books, state, FLOWS)

    first = sync_as_serve_does()
    assert first.counts["items"].get("failed", 0) == 2  # the two items on 4020, and the invoices using them
    assert "nominal code does not exist in Sage" in " ".join(e.user_message for _, _, e in first.errors)
    waiting = {e["halo_id"] for e in state.open_errors() if e["entity"] == "invoice"}
    assert waiting

    apply_mapping(state, "account", "4020", "4000")
    apply_mapping(state, "account", "income", "Sales")  # QuickBooks' kind of account mapping: not Sage's
    second = sync_as_serve_does()
    assert second.counts["items"].get("failed", 0) == 0
    books = load_company(kept)
    hardware = [r for r in books.stock.values() if r["DESCRIPTION"] in ("Dell Latitude 5440 Laptop",
                                                                        "HP EliteDesk 800 G9 Mini")]  # fmt: skip
    assert [r["NOMINAL_CODE"] for r in hardware] == ["4000", "4000"]
    assert not waiting & {e["halo_id"] for e in state.open_errors()}
    posted = {split["NOMINAL_CODE"] for header in books.headers for split in header["SPLITS"]}
    assert "4020" not in posted
    assert "4000" in posted
