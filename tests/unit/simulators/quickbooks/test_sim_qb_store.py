"""SQLite persistence, reproducible seeds, and the cost of a request."""

from __future__ import annotations

import time

import pytest

from halo_accounts.simulators.quickbooks import QuickBooksComError, QuickBooksCompany, seed_company
from halo_accounts.simulators.quickbooks.model import KINDS

ADD = "<CustomerAddRq><CustomerAdd><Name>{}</Name></CustomerAdd></CustomerAddRq>"


def open_company(path, clock, edition="US"):
    return QuickBooksCompany(edition=edition, store=path, clock=clock)


def process(company, *requests):
    ticket = company.begin_session()
    body = "".join(requests)
    text = f'<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">{body}</QBXMLMsgsRq></QBXML>'
    try:
        return company.process(ticket, text)
    finally:
        company.end_session(ticket)


def test_a_new_object_on_the_same_file_sees_the_same_company(tmp_path, clock):
    path = tmp_path / "northwind.sqlite"
    first = open_company(path, clock)
    process(first, ADD.format("Søren O'Brien &amp; Co"), ADD.format("Beta"))
    beta = next(c for c in first.list_records("Customer") if c["Name"] == "Beta")
    process(
        first,
        f"<CustomerModRq><CustomerMod><ListID>{beta['ListID']}</ListID><EditSequence>{beta['EditSequence']}"
        "</EditSequence><Phone>555</Phone></CustomerMod></CustomerModRq>",
        f"<ListDelRq><ListDelType>Customer</ListDelType><ListID>{beta['ListID']}</ListID></ListDelRq>",
    )
    file_id = first.file_id
    first.close()
    second = open_company(path, clock)
    assert [c["Name"] for c in second.list_records("Customer")] == ["Søren O'Brien & Co"]
    assert second.file_id == file_id
    answer = process(second, "<ListDeletedQueryRq><ListDelType>Customer</ListDelType></ListDeletedQueryRq>")
    assert "<FullName>Beta</FullName>" in answer
    process(second, ADD.format("Gamma"))
    ids = [c["ListID"] for c in second.list_records("Customer")]
    assert len(set(ids)) == 2
    assert beta["ListID"] not in ids
    second.close()


def test_refused_and_dropped_messages_leave_the_file_consistent(tmp_path, clock):
    path = tmp_path / "northwind.sqlite"
    company = open_company(path, clock)
    with pytest.raises(QuickBooksComError):
        process(company, ADD.format("A"), "<CustomerAddRq><CustomerAdd/></CustomerAddRq>")
    company.faults.drop_session_after(1)
    with pytest.raises(QuickBooksComError):
        process(company, ADD.format("B"), ADD.format("C"))
    company.close()
    reopened = open_company(path, clock)
    assert [c["Name"] for c in reopened.list_records("Customer")] == ["B"]
    reopened.close()


def test_the_store_remembers_its_edition(tmp_path, clock):
    path = tmp_path / "northwind.sqlite"
    open_company(path, clock, "UK").close()
    with pytest.raises(ValueError, match="UK company"):
        open_company(path, clock, "US")


def test_seeds_are_reproducible(clock):
    def snapshot(seed):
        company = QuickBooksCompany(edition="UK", clock=clock)
        seed_company(company, seed=seed, customers=10, items=12, invoices=20)
        return {kind: company.list_records(kind) for kind in KINDS}

    same, again, other = snapshot(7), snapshot(7), snapshot(8)
    assert same == again
    assert same["Invoice"] != other["Invoice"]


def test_seeded_company_has_every_kind_of_record(clock):
    company = QuickBooksCompany(edition="US", clock=clock)
    seed_company(company, seed=1, customers=20, items=30, invoices=40)
    counts = {kind: len(company.list_records(kind)) for kind in KINDS}
    assert counts["Invoice"] == 40
    assert counts["Customer"] > 20  # customers plus their jobs
    assert any(":" in c["FullName"] for c in company.list_records("Customer"))
    assert counts["ItemService"]
    assert counts["ItemNonInventory"]
    assert counts["ItemInventory"]
    assert counts["ReceivePayment"] > 5
    assert counts["CreditMemo"] >= 2
    assert counts["PurchaseOrder"] >= 4
    assert counts["Class"] == 4
    assert counts["Vendor"] > 4
    paid = [i for i in company.list_records("Invoice") if i["IsPaid"] == "true"]
    partly = [i for i in company.list_records("Invoice") if i["IsPaid"] == "false" and i["AppliedAmount"] != "0.00"]
    assert paid
    assert partly
    assert company.requests_processed == 0  # seeding is not integrator traffic


def test_an_invoice_add_costs_about_half_a_millisecond_without_the_schema(clock):
    company = QuickBooksCompany(edition="US", clock=clock, validate_schema=False)
    seed_company(company, seed=1, customers=20, items=10, invoices=0)
    customer = company.list_records("Customer")[0]["FullName"].replace("&", "&amp;")
    request = (
        f"<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>{customer}</FullName></CustomerRef>"
        "<InvoiceLineAdd><ItemRef><FullName>Remote Support</FullName></ItemRef><Quantity>2</Quantity></InvoiceLineAdd>"
        "</InvoiceAdd></InvoiceAddRq>"
    )
    ticket = company.begin_session()
    text = f'<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">{request * 100}</QBXMLMsgsRq></QBXML>'
    started = time.perf_counter()
    for _ in range(10):
        company.process(ticket, text)
    per_request = (time.perf_counter() - started) / 1000
    assert len(company.list_records("Invoice")) == 1000
    assert per_request < 0.003, f"{per_request * 1000:.2f} ms per InvoiceAdd"  # ~0.6 ms here; room for slow CI
