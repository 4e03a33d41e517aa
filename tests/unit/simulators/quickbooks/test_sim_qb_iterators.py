"""Iterators: Start/Continue/Stop, remaining counts, expiry, session scope, where they are allowed."""

from __future__ import annotations

import re

import pytest


def start(h, limit: int, tag: str = "CustomerQueryRq", body: str = ""):
    return h.one(f'<{tag} requestID="1" iterator="Start"><MaxReturned>{limit}</MaxReturned>{body}</{tag}>')


def cont(h, iterator_id: str, limit: int = 2, tag: str = "CustomerQueryRq"):
    return h.one(f'<{tag} iterator="Continue" iteratorID="{iterator_id}"><MaxReturned>{limit}</MaxReturned></{tag}>')


@pytest.fixture
def five(us):
    for name in ("A1", "A2", "A3", "A4", "A5"):
        us.add_customer(name)
    return us


def test_start_continue_until_nothing_remains(five):
    first = start(five, 2)
    iterator_id = first.get("iteratorID")
    assert re.fullmatch(r"\{[0-9a-f-]{36}\}", iterator_id)
    assert first.get("iteratorRemainingCount") == "3"
    assert first.get("retCount") is None  # QuickBooks Desktop sends none (research: consolibyte #92)
    assert [r.findtext("Name") for r in first] == ["A1", "A2"]
    second = cont(five, iterator_id)
    assert (second.get("iteratorRemainingCount"), [r.findtext("Name") for r in second]) == ("1", ["A3", "A4"])
    third = cont(five, iterator_id)
    assert (third.get("iteratorRemainingCount"), [r.findtext("Name") for r in third]) == ("0", ["A5"])
    assert cont(five, iterator_id).get("statusCode") == "3391"  # used up


def test_continue_returns_the_current_state_of_each_record(five):
    first = start(five, 4)
    five.company.faults.clear()
    records = {r["Name"]: r for r in five.company.list_records("Customer")}
    a5 = records["A5"]
    five.ok(
        f"<CustomerModRq><CustomerMod><ListID>{a5['ListID']}</ListID><EditSequence>{a5['EditSequence']}</EditSequence>"
        "<Phone>555</Phone></CustomerMod></CustomerModRq>"
    )
    (ret,) = cont(five, first.get("iteratorID"))
    assert ret.findtext("Phone") == "555"


def test_stop_releases_the_iterator(five):
    first = start(five, 2)
    stopped = five.one(f'<CustomerQueryRq iterator="Stop" iteratorID="{first.get("iteratorID")}"/>')
    assert stopped.get("statusCode") == "0"
    assert cont(five, first.get("iteratorID")).get("statusCode") == "3391"


def test_unknown_iterator_is_3391(five):
    response = cont(five, "{84ff5521-205d-46b6-9d44-7b6b9acb7165}")
    assert response.get("statusCode") == "3391"
    assert response.get("statusMessage") == 'The iteratorID "{84ff5521-205d-46b6-9d44-7b6b9acb7165}" is not valid.'


def test_idle_iterator_expires(five):
    five.company.faults.iterator_idle_seconds = 10
    first = start(five, 1)
    five.clock.advance(9)
    assert cont(five, first.get("iteratorID"), 1).get("statusCode") == "0"
    five.clock.advance(11)
    assert cont(five, first.get("iteratorID"), 1).get("statusCode") == "3391"


def test_iterators_end_with_the_session(five):
    first = start(five, 2)
    five.company.end_session(five.ticket)
    five.ticket = five.company.begin_session()
    assert cont(five, first.get("iteratorID")).get("statusCode") == "3391"


def test_iterator_belongs_to_its_query_type(five):
    first = start(five, 2)
    assert cont(five, first.get("iteratorID"), tag="VendorQueryRq").get("statusCode") == "3391"


def test_start_with_no_match_is_status_1_with_zero_remaining(us):
    response = start(us, 10)
    assert (response.get("statusCode"), response.get("iteratorRemainingCount")) == ("1", "0")


@pytest.mark.parametrize("tag", ["AccountQueryRq", "ClassQueryRq", "TermsQueryRq", "SalesTaxCodeQueryRq"])
def test_iterator_attribute_on_an_unpaged_query_is_a_parse_error(harness, tag):
    for validate in (True, False):
        h = harness("US", validate_schema=validate)
        error = h.refused(h.message(f'<{tag} iterator="Start"><MaxReturned>5</MaxReturned></{tag}>'))
        assert error.hresult == 0x80040400


def test_transaction_iterators_page_in_creation_order(us):
    us.add_customer("Acme")
    us.add_service("Support", "10", "Non")
    for _ in range(5):
        us.invoice("Acme", "<InvoiceLineAdd><ItemRef><FullName>Support</FullName></ItemRef></InvoiceLineAdd>")
    first = start(us, 3, "InvoiceQueryRq", "<PaidStatus>NotPaidOnly</PaidStatus>")
    assert [r.findtext("RefNumber") for r in first] == ["1", "2", "3"]
    rest = cont(us, first.get("iteratorID"), 3, "InvoiceQueryRq")
    assert [r.findtext("RefNumber") for r in rest] == ["4", "5"]
