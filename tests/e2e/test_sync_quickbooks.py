"""The sync end to end: the Halo simulator over HTTP, the engine, QuickBooks over the COM contract (simulated)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import (
    CLIENT,
    INVOICE,
    ITEM,
    SUPPLIER,
    ClientRecord,
    InvoiceRecord,
    SupplierRecord,
)
from halo_accounts.connectors.quickbooks.books import open_quickbooks
from halo_accounts.connectors.quickbooks.transports.com import ComTransport
from halo_accounts.engine.runner import run_sync
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.quickbooks.request_processor import FakeRequestProcessor
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

FLOWS = FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS)


@pytest.fixture
def world(halo_url, halo_sim, tmp_path):
    seed_tenant(halo_sim, seed=11, customers=12, items=8, invoices=25)
    company = QuickBooksCompany(edition="UK", company_file=r"C:\Books\Acme.qbw", validate_schema=False)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    halo = HaloClient(base_url=halo_url, auth=auth, rate_limit=None)
    yield halo_sim, company, store, halo
    halo.close()
    store.close()


def sync(world, dry_run=False):
    halo_sim, company, store, halo = world
    transport = ComTransport(processor_factory=lambda: FakeRequestProcessor(company))
    with open_quickbooks(transport) as books:
        return run_sync(halo, books, SyncState(store.engine, "acme"), FLOWS, dry_run=dry_run)


def test_first_sync_moves_everything_once_and_the_second_writes_nothing(world):
    halo_sim, company, store, halo = world
    # What was waiting to go: unposted invoices and credits with lines (some seeded ones were posted before).
    sendable = [
        i for i in halo_sim.tables["Invoice"].values() if i.get("lines") and not i.get("voided") and not i.get("posted")
    ]
    first = sync(world)
    assert first.stopped is None, first.stopped
    active = [c for c in halo_sim.tables["Client"].values() if not c.get("inactive")]
    assert first.counts["customers"]["created"] == len(active)
    assert first.counts["items"]["created"] == len(halo_sim.tables["Item"])
    qb_customers = [c["Name"] for c in company.list_records("Customer")]
    assert sorted(qb_customers) == sorted(c["name"] for c in active)  # each exactly once
    # Every unposted Halo invoice either went to QuickBooks once or waits for a tax mapping.
    created = first.counts["invoices"]["created"]
    assert created + first.counts["invoices"]["review"] == len(sendable)
    assert created > 0
    posted = [i for i in halo_sim.tables["Invoice"].values() if i.get("posted") and i.get("accountsid")]
    qb_documents = company.list_records("Invoice") + company.list_records("CreditMemo")
    assert len(posted) == len(qb_documents) == created
    numbers = {d["RefNumber"] for d in qb_documents}
    assert {i["thirdpartyinvoicenumber"] for i in posted} == numbers
    assert all(i["accountsid"] for i in posted)
    assert all(c.get("accountsid") for c in active)  # the books id was written back
    second = sync(world)
    writes = {a: n for c in second.counts.values() for a, n in c.items() if a in ("created", "updated", "create")}
    assert writes == {}, second.plan
    assert second.counts["customers"]["skip"] == len(active)
    assert len(company.list_records("Customer")) == len(qb_customers)
    assert len(company.list_records("Invoice") + company.list_records("CreditMemo")) == created


def test_dry_run_changes_nothing_anywhere(world):
    halo_sim, company, store, halo = world
    before_qb = len(company.list_records("Customer")), len(company.list_records("Invoice"))
    before_halo = {k: len(v) for k, v in halo_sim.tables.items()}
    report = sync(world, dry_run=True)
    assert any(p.action == "create" for p in report.plan)
    assert (len(company.list_records("Customer")), len(company.list_records("Invoice"))) == before_qb
    assert {k: len(v) for k, v in halo_sim.tables.items()} == before_halo
    assert not any(i.get("posted") for i in halo_sim.tables["Invoice"].values() if i.get("accountsid"))


def test_suppliers_and_purchase_orders_reach_the_books_once(world):
    halo_sim, company, store, halo = world
    halo.auth.scopes = (*halo.auth.scopes, "edit:suppliers", "edit:pos")
    flows = FlowSettings(suppliers=Direction.TO_BOOKS, purchase_orders=Direction.TO_BOOKS)
    for _ in range(2):
        transport = ComTransport(processor_factory=lambda: FakeRequestProcessor(company))
        with open_quickbooks(transport) as books:
            report = run_sync(
                halo, books, SyncState(store.engine, "acme"), flows, only=["items", "suppliers", "purchase_orders"]
            )
        assert report.stopped is None
    halo_suppliers = {s["name"] for s in halo_sim.tables["Supplier"].values() if not s.get("inactive")}
    vendors = [v["Name"] for v in company.list_records("Vendor")]
    assert halo_suppliers <= set(vendors)
    assert len(vendors) == len(set(vendors))
    orders = company.list_records("PurchaseOrder")
    assert len(orders) == len(halo_sim.tables["PurchaseOrder"])
    assert {o["RefNumber"] for o in orders} == {p["accounts_ref"] for p in halo_sim.tables["PurchaseOrder"].values()}
    assert all(s.get("accounts_id") for s in halo_sim.tables["Supplier"].values() if s["name"] in vendors)


def test_invoice_rules_choose_what_goes_to_the_books(world):
    from datetime import UTC, datetime

    from halo_accounts.config import InvoiceSettings

    halo_sim, company, store, halo = world
    cutoff = datetime.now(UTC).date().replace(day=1)
    rules = InvoiceSettings(from_date=cutoff, include_credit_notes=False)
    transport = ComTransport(processor_factory=lambda: FakeRequestProcessor(company))
    with open_quickbooks(transport) as books:
        report = run_sync(halo, books, SyncState(store.engine, "acme"), FLOWS, invoice_rules=rules)
    assert report.stopped is None
    sent = [i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid")]
    assert sent
    assert all(i["invoice_date"].date() >= cutoff for i in sent)
    assert all(i["total"] >= 0 for i in sent)
    assert company.list_records("CreditMemo") == []


def test_only_approved_invoices_wait_for_their_approval(world):
    from halo_accounts.config import InvoiceSettings

    halo_sim, company, store, halo = world
    for invoice in halo_sim.tables["Invoice"].values():
        invoice["requires_approval"] = True  # invoice approvals on in Halo; none approved yet
    rules = InvoiceSettings(only_approved=True)
    transport = ComTransport(processor_factory=lambda: FakeRequestProcessor(company))
    state = SyncState(store.engine, "acme")
    with open_quickbooks(transport) as books:
        first = run_sync(halo, books, state, FLOWS, invoice_rules=rules)
    waiting = [p for p in first.plan if p.flow == "invoices" and p.reason == "waiting for approval in Halo"]
    assert waiting
    assert "created" not in first.counts["invoices"]
    assert not any(i.get("accountsid") for i in halo_sim.tables["Invoice"].values())
    assert company.list_records("Invoice") == []
    for invoice in halo_sim.tables["Invoice"].values():
        invoice["requires_approval"] = False  # approved
    with open_quickbooks(transport) as books:
        second = run_sync(halo, books, state, FLOWS, invoice_rules=rules)
    created = second.counts["invoices"]["created"]
    assert created == len(company.list_records("Invoice")) + len(company.list_records("CreditMemo")) > 0
    assert created == sum(1 for i in halo_sim.tables["Invoice"].values() if i.get("accountsid"))


def test_an_invoice_deleted_in_the_books_is_reviewed_and_can_be_sent_again(world):
    halo_sim, company, store, halo = world
    sync(world)
    invoice = next(i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid") and i["total"] > 0)
    books_id = invoice["accountsid"]
    answer = company.process_trusted(
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        f"<TxnDelRq><TxnDelType>Invoice</TxnDelType><TxnID>{books_id}</TxnID></TxnDelRq></QBXMLMsgsRq></QBXML>"
    )
    assert 'statusCode="0"' in answer
    label = f"{invoice['thirdpartyinvoicenumber']} (Halo {invoice['id']})"

    planned = sync(world, dry_run=True)
    assert [p.record for p in planned.plan if p.action == "deleted in books"] == [label]

    second = sync(world)
    assert second.counts["invoices"]["deleted in books"] == 1
    reviews = SyncState(store.engine, "acme").open_reviews()
    assert any(r["halo_id"] == str(invoice["id"]) and "untick 'Posted'" in r["reason"] for r in reviews)
    assert "deleted in books" not in sync(world).counts.get("invoices", {})  # noticed once
    assert not any(d["TxnID"] == books_id for d in company.list_records("Invoice"))  # nothing re-sent on its own

    invoice["posted"] = False  # the user unticks 'Posted' in Halo: it goes to the books again, once
    sync(world)
    again = [d for d in company.list_records("Invoice") if d["RefNumber"] == invoice["thirdpartyinvoicenumber"]]
    assert len(again) == 1
    written_back = halo_sim.tables["Invoice"][invoice["id"]]
    assert written_back["posted"] is True
    assert written_back["accountsid"] == again[0]["TxnID"] != books_id
    assert sync(world).counts["invoices"].get("created", 0) == 0


def _add_books_customers(company, *customers):
    """CustomerAdd straight into the books, as someone in the finance team would."""
    body = "".join(f"<CustomerAddRq><CustomerAdd>{fields}</CustomerAdd></CustomerAddRq>" for fields in customers)
    answer = company.process_trusted(
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        f"{body}</QBXMLMsgsRq></QBXML>"
    )
    assert answer.count('statusCode="0"') == len(customers), answer


def test_books_customers_missing_from_halo_are_imported_once_and_do_not_echo(world):
    halo_sim, company, store, halo = world
    _add_books_customers(
        company,
        "<Name>Books Only Ltd</Name><Email>accounts@booksonly.example</Email>",
        "<Name>Closed Account Ltd</Name><IsActive>false</IsActive>",
    )
    parent = next(c for c in company.list_records("Customer") if c["Name"] == "Books Only Ltd")
    _add_books_customers(company, f"<Name>Project X</Name><ParentRef><ListID>{parent['ListID']}</ListID></ParentRef>")
    flows = FLOWS.model_copy(update={"customers": Direction.BOTH})
    transport = ComTransport(processor_factory=lambda: FakeRequestProcessor(company))
    state = SyncState(store.engine, "acme")
    clients_before = len(halo_sim.tables["Client"])

    with open_quickbooks(transport) as books:
        planned = run_sync(halo, books, state, flows, dry_run=True)
    assert [p.record for p in planned.plan if p.flow == "customers_from_books" and p.action == "create"] == [
        f"customer 'Books Only Ltd' (books {parent['ListID']})"
    ]
    assert len(halo_sim.tables["Client"]) == clients_before  # a dry run changes nothing

    with open_quickbooks(transport) as books:
        first = run_sync(halo, books, state, flows)
    assert first.counts["customers_from_books"] == {"create": 1}
    (imported,) = [c for c in halo_sim.tables["Client"].values() if c["name"] == "Books Only Ltd"]
    assert imported["accountsid"] == parent["ListID"]
    assert imported["accountsemailaddress"] == "accounts@booksonly.example"
    assert not any(c["name"] in ("Closed Account Ltd", "Project X") for c in halo_sim.tables["Client"].values())
    assert len(halo_sim.tables["Client"]) == clients_before + 1

    with open_quickbooks(transport) as books:
        second = run_sync(halo, books, state, flows)
    assert "customers_from_books" not in second.counts  # every books customer is bound: Halo not even read
    assert set(second.counts["customers"]) == {"skip"}  # the new client does not echo back to the books
    assert len(halo_sim.tables["Client"]) == clients_before + 1


def test_a_lost_import_is_linked_by_its_books_id_not_created_again(world):
    halo_sim, company, store, halo = world
    _add_books_customers(company, "<Name>Lost Answer Ltd</Name>")
    books_id = next(c["ListID"] for c in company.list_records("Customer") if c["Name"] == "Lost Answer Ltd")
    # Halo took the create but the answer never came back: the client exists, no binding does.
    halo.save(CLIENT, [ClientRecord(name="Lost Answer Limited", accountsid=books_id)])
    flows = FLOWS.model_copy(update={"customers": Direction.FROM_BOOKS})
    transport = ComTransport(processor_factory=lambda: FakeRequestProcessor(company))
    with open_quickbooks(transport) as books:
        report = run_sync(halo, books, SyncState(store.engine, "acme"), flows)
    assert report.counts["customers_from_books"]["link"] == 1
    assert sum(1 for c in halo_sim.tables["Client"].values() if c.get("accountsid") == books_id) == 1


def _void_in_halo(halo, *invoices):
    """Void posted invoices in Halo through its API, as a user would (which stamps last_modified)."""
    halo.save(INVOICE, [InvoiceRecord(id=i["id"], voided=True) for i in invoices])


def _books_document(company, books_id):
    return next(
        d for d in company.list_records("Invoice") + company.list_records("CreditMemo") if d["TxnID"] == books_id
    )


def test_invoices_and_credit_notes_voided_in_halo_are_voided_in_the_books_once(world):
    halo_sim, company, store, halo = world
    state = SyncState(store.engine, "acme")
    for credit_note in (i for i in halo_sim.tables["Invoice"].values() if i["total"] < 0):  # so that one is sent
        for line in credit_note["lines"]:
            state.set_mapping("tax", str(line["item_tax_code"]), "S")
    sync(world)
    sent = [i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid")]
    invoice = next(i for i in sent if i["total"] > 0)
    credit = next(i for i in sent if i["total"] < 0)
    untouched = next(i for i in sent if i["total"] > 0 and i is not invoice)
    _void_in_halo(halo, invoice, credit)

    planned = sync(world, dry_run=True)
    assert sorted(p.record for p in planned.plan if p.action == "void") == sorted(
        [
            f"invoice {invoice['thirdpartyinvoicenumber']} (Halo {invoice['id']})",
            f"credit note {credit['thirdpartyinvoicenumber']} (Halo {credit['id']})",
        ]
    )
    assert not _books_document(company, invoice["accountsid"])["Memo"].startswith("VOID:")

    report = sync(world)
    assert report.counts["invoices"]["voided"] == 2
    for voided in (invoice, credit):
        document = _books_document(company, voided["accountsid"])
        assert document["Memo"].startswith("VOID:")
        assert document["Subtotal"] == "0.00"
    assert _books_document(company, untouched["accountsid"])["Subtotal"] != "0.00"
    assert len(company.list_records("Invoice") + company.list_records("CreditMemo")) == len(sent)  # kept, not deleted
    versions = {i["accountsid"]: _books_document(company, i["accountsid"])["EditSequence"] for i in (invoice, credit)}

    again = sync(world)
    assert "voided" not in again.counts.get("invoices", {})
    assert {b: _books_document(company, b)["EditSequence"] for b in versions} == versions


def test_a_void_the_books_refuse_is_reported_and_tried_again_on_later_runs(world):
    halo_sim, company, store, halo = world
    state = SyncState(store.engine, "acme")
    sync(world)
    sent = [i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid") and i["total"] > 0]
    invoice, by_hand = sent[:2]
    _void_in_halo(halo, invoice, by_hand)
    dates = [date.fromisoformat(_books_document(company, i["accountsid"])["TxnDate"]) for i in (invoice, by_hand)]
    company.faults.closing_date = max(dates)

    refused = sync(world)
    assert refused.counts["invoices"]["failed"] == 2
    assert {str(i["id"]) for i in (invoice, by_hand)} == {
        e["halo_id"] for e in state.open_errors() if e["entity"] == "invoice_void"
    }
    assert all("closing date" in error.user_message for _, _, error in refused.errors)

    # The accountant moves the closing date and voids one by hand; Halo changes nothing, and by the
    # next run its changes are older than the cursor.
    company.faults.closing_date = None
    answer = company.process_trusted(
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        f"<TxnVoidRq><TxnVoidType>Invoice</TxnVoidType><TxnID>{by_hand['accountsid']}</TxnID></TxnVoidRq>"
        "</QBXMLMsgsRq></QBXML>"
    )
    assert 'statusCode="0"' in answer
    version = _books_document(company, by_hand["accountsid"])["EditSequence"]
    state.set_cursor("invoice_voids", "to_books", (datetime.now(UTC) + timedelta(hours=1)).isoformat())

    retried = sync(world)
    assert retried.counts["invoices"]["voided"] == 1
    assert [p.record for p in retried.plan if p.reason == "already voided"] == [
        f"invoice {by_hand['thirdpartyinvoicenumber']} (Halo {by_hand['id']})"
    ]
    assert _books_document(company, invoice["accountsid"])["Memo"].startswith("VOID:")
    assert _books_document(company, by_hand["accountsid"])["EditSequence"] == version
    assert not [e for e in state.open_errors() if e["entity"] == "invoice_void"]
    assert "voided" not in sync(world).counts.get("invoices", {})


class _LosesTheFirstVoidAnswer(FakeRequestProcessor):
    """Drops the session inside the first message of voids, after QuickBooks applied its first void."""

    armed = True

    def ProcessRequest(self, ticket: str, request: str) -> str:  # noqa: N802 - COM's name
        if _LosesTheFirstVoidAnswer.armed and "<TxnVoidRq" in request:
            _LosesTheFirstVoidAnswer.armed = False
            self.company.faults.drop_session_after(1)
        return super().ProcessRequest(ticket, request)


def test_a_void_whose_answer_was_lost_is_checked_in_the_books_not_repeated(world):
    halo_sim, company, store, halo = world
    sync(world)
    sent = [i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid") and i["total"] > 0]
    first, second = sent[:2]
    _void_in_halo(halo, first, second)
    transport = ComTransport(processor_factory=lambda: _LosesTheFirstVoidAnswer(company))
    with open_quickbooks(transport) as books:
        lost = run_sync(halo, books, SyncState(store.engine, "acme"), FLOWS)
    assert lost.failures >= 2
    voided = [i for i in (first, second) if _books_document(company, i["accountsid"])["Memo"].startswith("VOID:")]
    assert len(voided) == 1  # one applied, its answer lost with the session; the other never processed
    done, waiting = voided[0], next(i for i in (first, second) if i is not voided[0])
    version = _books_document(company, done["accountsid"])["EditSequence"]

    settled = sync(world)
    links = [p.record for p in settled.plan if p.flow == "invoices" and p.reason == "already voided"]
    assert links == [f"invoice {done['thirdpartyinvoicenumber']} (Halo {done['id']})"]
    assert settled.counts["invoices"]["voided"] == 1
    assert _books_document(company, done["accountsid"])["EditSequence"] == version  # not voided twice
    assert _books_document(company, waiting["accountsid"])["Memo"].startswith("VOID:")
    assert "voided" not in sync(world).counts.get("invoices", {})


def test_a_client_made_inactive_in_halo_is_made_inactive_in_the_books_and_new_inactive_ones_stay_out(world):
    halo_sim, company, store, halo = world
    halo.save(CLIENT, [ClientRecord(name="Dormant Holdings Ltd", inactive=True)])
    first = sync(world)
    assert "Dormant Holdings Ltd" not in [c["Name"] for c in company.list_records("Customer")]
    assert any(p.reason == "inactive in Halo" for p in first.plan if p.flow == "customers")
    client = next(c for c in halo_sim.tables["Client"].values() if c.get("accountsid") and not c.get("inactive"))

    halo.save(CLIENT, [ClientRecord(id=client["id"], inactive=True)])
    report = sync(world)
    assert report.counts["customers"]["updated"] == 1
    customer = next(c for c in company.list_records("Customer") if c["ListID"] == client["accountsid"])
    assert customer["IsActive"] == "false"

    halo.save(CLIENT, [ClientRecord(id=client["id"], inactive=False)])  # and back again
    sync(world)
    customer = next(c for c in company.list_records("Customer") if c["ListID"] == client["accountsid"])
    assert customer["IsActive"] == "true"


def test_an_item_deleted_in_halo_is_put_to_a_person_once_and_kept_in_the_books(world):
    halo_sim, company, store, halo = world
    sync(world)
    item = next(i for i in halo_sim.tables["Item"].values() if i.get("accountsid"))
    halo.delete(ITEM, item["id"])

    planned = sync(world, dry_run=True)
    assert [p.action for p in planned.plan if p.flow == "items" and f"(Halo {item['id']})" in p.record] == [
        "deleted in Halo"
    ]
    report = sync(world)
    assert report.counts["items"]["deleted in Halo"] == 1
    reviews = SyncState(store.engine, "acme").open_reviews()
    assert [r["reason"] for r in reviews if r["entity"] == "item" and r["halo_id"] == str(item["id"])] == [
        next(p.reason for p in report.plan if p.action == "deleted in Halo")
    ]
    assert any(
        i["ListID"] == item["accountsid"] for kind in ("ItemService", "ItemNonInventory", "ItemInventory")
        for i in company.list_records(kind)
    )  # fmt: skip
    assert "deleted in Halo" not in sync(world).counts["items"]  # noticed once


def test_a_supplier_made_inactive_in_halo_is_made_inactive_in_the_books(world):
    halo_sim, company, store, halo = world
    halo.auth.scopes = (*halo.auth.scopes, "edit:suppliers")
    flows = FlowSettings(suppliers=Direction.TO_BOOKS)

    def run():
        transport = ComTransport(processor_factory=lambda: FakeRequestProcessor(company))
        with open_quickbooks(transport) as books:
            return run_sync(halo, books, SyncState(store.engine, "acme"), flows, only=["suppliers"])

    run()
    supplier = next(s for s in halo_sim.tables["Supplier"].values() if s.get("accounts_id"))
    halo.save(SUPPLIER, [SupplierRecord(id=supplier["id"], inactive=True)])
    report = run()
    assert report.counts["suppliers"]["updated"] == 1
    assert "deleted in Halo" not in report.counts["suppliers"]
    vendor = next(v for v in company.list_records("Vendor") if v["ListID"] == supplier["accounts_id"])
    assert vendor["IsActive"] == "false"
