"""What must hold between Halo and the books after any number of interrupted runs and one clean one.

Shared by the reliability tests: each record exactly once on each side, every write-back
pointing at a real QuickBooks record, every payment recorded once.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from halo_accounts.simulators.halo import HaloSimulator
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.sage50ca import CanadaCompany
from halo_accounts.simulators.sage50uk import SageCompany
from halo_accounts.store.state import SyncState

SALE_ITEM_KINDS = ("ItemService", "ItemNonInventory", "ItemInventory")
FALLBACK_ITEM = "Halo Invoice Line"


def duplicates(values: list[Any]) -> list[Any]:
    """The values that occur more than once."""
    return sorted(value for value, n in Counter(values).items() if n > 1)


def sale_items(company: QuickBooksCompany) -> list[dict[str, Any]]:
    """Every sale item in the books except the integrator's own fallback item."""
    return [r for kind in SALE_ITEM_KINDS for r in company.list_records(kind) if r["Name"] != FALLBACK_ITEM]


def pay_new_invoices(company: QuickBooksCompany, tag: str) -> int:
    """Receive half of every still-unpaid QuickBooks invoice, as a customer would; returns how many."""
    paid = {a["TxnID"] for p in company.list_records("ReceivePayment") for a in p.get("AppliedToTxnRet") or []}
    requests = []
    for n, invoice in enumerate(company.list_records("Invoice")):
        balance = Decimal(invoice["BalanceRemaining"])
        if invoice["TxnID"] in paid or balance <= Decimal("0.01"):
            continue
        amount = (balance / 2).quantize(Decimal("0.01"))
        requests.append(
            "<ReceivePaymentAddRq><ReceivePaymentAdd>"
            f"<CustomerRef><ListID>{invoice['CustomerRef']['ListID']}</ListID></CustomerRef>"
            f"<RefNumber>{tag}-{n}</RefNumber><TotalAmount>{amount}</TotalAmount>"
            f"<AppliedToTxnAdd><TxnID>{invoice['TxnID']}</TxnID><PaymentAmount>{amount}</PaymentAmount></AppliedToTxnAdd>"
            "</ReceivePaymentAdd></ReceivePaymentAddRq>"
        )
    if requests:
        answer = company.process_trusted(
            '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
            + "".join(requests)
            + "</QBXMLMsgsRq></QBXML>"
        )
        assert 'statusSeverity="Error"' not in answer, answer
    return len(requests)


def posted_ids(sim: HaloSimulator) -> set[int]:
    """Halo invoices already marked posted (by some earlier accounts package, say)."""
    return {i["id"] for i in sim.tables["Invoice"].values() if i.get("posted")}


def assert_each_record_once(
    sim: HaloSimulator, company: QuickBooksCompany, state: SyncState, *, posted_before: set[int]
) -> None:
    """Customers, items, invoices, credit notes and payments: each exactly once, write-backs consistent.

    ``posted_before`` are the Halo invoices that were posted before the integrator ran (the
    integrator rightly leaves them alone).
    """
    # Customers: every active Halo client is one QuickBooks customer, and Halo holds its ListID.
    active = [c for c in sim.tables["Client"].values() if not c.get("inactive")]
    customers = company.list_records("Customer")
    names = [c["Name"] for c in customers]
    assert duplicates(names) == [], "a customer was created twice"
    assert sorted(names) == sorted(c["name"] for c in active)
    by_name = {c["Name"]: c["ListID"] for c in customers}
    assert {c["id"]: c["accountsid"] for c in active} == {c["id"]: by_name[c["name"]] for c in active}

    # Items: every Halo item is one QuickBooks item, and Halo holds its ListID.
    items = sale_items(company)
    assert duplicates([i["Name"] for i in items]) == [], "an item was created twice"
    halo_items = list(sim.tables["Item"].values())
    assert len(items) == len(halo_items)
    assert sorted(i["accountsid"] for i in halo_items) == sorted(i["ListID"] for i in items)

    # Invoices and credit notes: one QuickBooks document per posted Halo invoice, ids and numbers written back.
    documents = company.list_records("Invoice") + company.list_records("CreditMemo")
    assert duplicates([d["RefNumber"] for d in documents]) == [], "an invoice was created twice"
    by_txn = {d["TxnID"]: d for d in documents}
    posted = [i for i in sim.tables["Invoice"].values() if i.get("posted") and i["id"] not in posted_before]
    assert len(posted) == len(documents)
    assert duplicates([i["accountsid"] for i in posted]) == []
    for invoice in posted:
        document = by_txn.get(invoice["accountsid"])
        assert document is not None, f"Halo invoice {invoice['id']} points at no QuickBooks transaction"
        assert invoice["thirdpartyinvoicenumber"] == document["RefNumber"], invoice["id"]
    # Nothing missing: every sendable invoice that is not posted waits for a person, with a reason.
    waiting = {str(r["halo_id"]) for r in state.open_reviews() + state.open_errors() if r["entity"] == "invoice"}
    unposted = [
        i for i in sim.tables["Invoice"].values() if i.get("lines") and not i.get("voided") and not i.get("posted")
    ]
    assert [i["id"] for i in unposted if str(i["id"]) not in waiting] == []

    # Payments: each QuickBooks application to an integrator invoice recorded in Halo exactly once.
    halo_invoice_of = {i["accountsid"]: i["id"] for i in posted}
    expected = {
        f"{p['TxnID']}:{a['TxnID']}": (halo_invoice_of[a["TxnID"]], Decimal(a["Amount"]))
        for p in company.list_records("ReceivePayment")
        for a in p.get("AppliedToTxnRet") or []
        if a["TxnID"] in halo_invoice_of
    }
    recorded = [p for p in sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    assert duplicates([p["thirdpartyid"] for p in recorded]) == [], "a payment was recorded twice in Halo"
    assert {p["thirdpartyid"]: (p["invoice_id"], Decimal(p["amount"])) for p in recorded} == expected

    assert_outbox_settled(state)


def assert_outbox_settled(state: SyncState) -> None:
    """The outbox holds nothing half-done.

    An entry may be left "sent" by a crash between the binding's commit and the entry's (the
    binding is committed first, on purpose); that is only harmless when the record is bound with
    exactly the content the entry was for (an update's key adds the version it started from).
    """
    for entry in state.unfinished("books"):
        binding = state.bindings(entry.entity).get(entry.halo_id)
        assert binding is not None, f"{entry} was never settled and its record is not bound"
        content = entry.key.rsplit(":", 1)[-1].split("<", 1)[0]
        assert content == binding.content_hash, f"{entry} is not what is bound: {binding}"
    recorded_keys = {b.books_id for b in state.bindings("payment").values()}
    for entry in state.unfinished("halo"):
        assert entry.halo_id in recorded_keys, f"{entry} was never settled and no Halo payment is bound to it"


def assert_each_sage_record_once(
    sim: HaloSimulator, company: SageCompany, state: SyncState, *, posted_before: set[int]
) -> None:
    """Sage 50 UK: customers, products and SI/SC postings each exactly once, write-backs consistent."""
    active = [c for c in sim.tables["Client"].values() if not c.get("inactive")]
    names = [c["NAME"] for c in company.customers.values()]
    assert duplicates(names) == [], "a customer was created twice"
    assert sorted(names) == sorted(c["name"] for c in active)
    ref_of = {c["NAME"]: ref for ref, c in company.customers.items()}
    assert {c["id"]: c["accountsid"] for c in active} == {c["id"]: ref_of[c["name"]] for c in active}

    products = [s["DESCRIPTION"] for s in company.stock.values()]
    assert duplicates(products) == [], "an item was created twice"
    halo_items = list(sim.tables["Item"].values())
    assert sorted(i["accountsid"] for i in halo_items) == sorted(company.stock)

    postings = [h for h in company.headers if h["TYPE"] in (1, 2)]  # SI and SC (receipts are the customers')
    references = [h["INV_REF"] for h in postings]
    assert duplicates(references) == [], "an invoice was posted twice"
    by_number = {str(h["HEADER_NUMBER"]): h for h in postings}
    posted = [i for i in sim.tables["Invoice"].values() if i.get("posted") and i["id"] not in posted_before]
    assert len(posted) == len(postings)
    for invoice in posted:
        header = by_number.get(invoice["accountsid"])
        assert header is not None, f"Halo invoice {invoice['id']} points at no Sage posting"
        assert header["INV_REF"] == invoice["thirdpartyinvoicenumber"], invoice["id"]
    waiting = {str(r["halo_id"]) for r in state.open_reviews() + state.open_errors() if r["entity"] == "invoice"}
    unposted = [
        i for i in sim.tables["Invoice"].values() if i.get("lines") and not i.get("voided") and not i.get("posted")
    ]
    assert [i["id"] for i in unposted if str(i["id"]) not in waiting] == []

    # Payments: what Sage shows paid on each posting is what Halo records for it, each part once.
    recorded = [p for p in sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    assert duplicates([p["thirdpartyid"] for p in recorded]) == [], "a payment was recorded twice in Halo"
    halo_invoice_of = {i["accountsid"]: i["id"] for i in posted}
    in_halo: dict[int, Decimal] = {}
    for payment in recorded:
        in_halo[payment["invoice_id"]] = in_halo.get(payment["invoice_id"], Decimal(0)) + Decimal(payment["amount"])
    in_sage = {
        halo_invoice_of[str(h["HEADER_NUMBER"])]: sum((s["AMOUNT_PAID"] for s in h["SPLITS"]), Decimal(0))
        for h in company.headers
        if str(h["HEADER_NUMBER"]) in halo_invoice_of
    }
    assert in_halo == {invoice: paid for invoice, paid in in_sage.items() if paid}
    assert_outbox_settled(state)


def assert_each_canada_record_once(
    sim: HaloSimulator, company: CanadaCompany, state: SyncState, *, posted_before: set[int]
) -> None:
    """Sage 50 Canada: customers, items and sales invoices each exactly once, write-backs and payments consistent."""
    active = [c for c in sim.tables["Client"].values() if not c.get("inactive")]
    assert sorted(company.customers) == sorted(c["name"] for c in active)  # keyed by name: once each, or refused
    halo_items = list(sim.tables["Item"].values())
    assert all(i["accountsid"] in company.items for i in halo_items), "an item Halo points at is not in Sage"
    assert duplicates([company.items[i["accountsid"]].name for i in halo_items]) == [], "an item was created twice"

    sales = [i for i in company.invoices if i.journal == "sales"]
    numbers = [i.number for i in sales]
    assert duplicates(numbers) == [], "an invoice was recorded twice"
    by_number = {i.number: i for i in sales}
    posted = [i for i in sim.tables["Invoice"].values() if i.get("posted") and i["id"] not in posted_before]
    assert len(posted) == len(sales)
    for invoice in posted:
        recorded = by_number.get(invoice["accountsid"])
        assert recorded is not None, f"Halo invoice {invoice['id']} points at no Sage invoice"
        assert recorded.total == Decimal(str(invoice["total"])), invoice["id"]
    waiting = {str(r["halo_id"]) for r in state.open_reviews() + state.open_errors() if r["entity"] == "invoice"}
    unposted = [
        i for i in sim.tables["Invoice"].values() if i.get("lines") and not i.get("voided") and not i.get("posted")
    ]
    assert [i["id"] for i in unposted if str(i["id"]) not in waiting] == []

    # Payments: each receipt's part of each invoice is in Halo once, and nothing else is.
    recorded_payments = [p for p in sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    assert duplicates([p["thirdpartyid"] for p in recorded_payments]) == [], "a payment was recorded twice in Halo"
    halo_invoice_of = {i["accountsid"]: i["id"] for i in posted}
    in_halo = {(p["invoice_id"], Decimal(str(p["amount"]))) for p in recorded_payments}
    in_sage = {(halo_invoice_of[n], amount) for r in company.receipts for n, amount in r.applied}
    assert in_halo == in_sage
    assert_outbox_settled(state)
