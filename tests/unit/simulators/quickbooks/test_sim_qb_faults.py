"""Fault knobs: connection refusals, locks, permissions, closing date, dropped sessions, slowness."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from halo_accounts.simulators.quickbooks import QuickBooksComError

ADD = "<CustomerAddRq><CustomerAdd><Name>{}</Name></CustomerAdd></CustomerAddRq>"


def test_quickbooks_not_running(us):
    us.company.faults.not_running = True
    with pytest.raises(QuickBooksComError) as caught:
        us.company.begin_session()
    assert caught.value.hresult == 0x80040416
    assert "BeginSession" in caught.value.message


def test_first_access_not_granted(us):
    us.company.faults.access_not_granted = True
    with pytest.raises(QuickBooksComError) as caught:
        us.company.begin_session("MultiUser")
    assert caught.value.hresult == 0x80040418
    assert "QuickBooks Administrator" in caught.value.message


@pytest.mark.parametrize("mode", ["SingleUser", "DoNotCare"])
def test_single_user_conflict(us, mode):
    us.company.faults.single_user_conflict = True
    with pytest.raises(QuickBooksComError) as caught:
        us.company.begin_session(mode)
    assert caught.value.hresult == 0x80040422
    assert us.company.begin_session("MultiUser")  # multi-user sessions can share the file


@pytest.mark.parametrize("code", [3170, 3175])
def test_record_in_use_answers_the_next_writes(us, code):
    us.company.faults.record_in_use(2, code=code)
    responses = us.send(
        "<CustomerQueryRq/>", ADD.format("A"), ADD.format("B"), ADD.format("C"), on_error="continueOnError"
    )
    assert [r.get("statusCode") for r in responses] == ["1", str(code), str(code), "0"]
    assert "another user" in responses[1].get("statusMessage")
    assert [c["Name"] for c in us.company.list_records("Customer")] == ["C"]


def test_read_only_session_refuses_writes_with_3260(us):
    us.company.faults.read_only = True
    responses = us.send(ADD.format("A"), "<HostQueryRq/>", on_error="continueOnError")
    assert [r.get("statusCode") for r in responses] == ["3260", "0"]
    assert responses[0].get("statusMessage") == "Insufficient permission level to perform this action."


def test_closing_date_refuses_transactions_on_or_before_it(us):
    us.add_customer("Acme")
    us.company.faults.closing_date = date(2024, 3, 31)
    invoice = (
        "<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>Acme</FullName></CustomerRef><TxnDate>{}</TxnDate>"
        "</InvoiceAdd></InvoiceAddRq>"
    )
    closed = us.one(invoice.format("2024-03-31"))
    assert closed.get("statusCode") == "3171"
    assert "2024-03-31" in closed.get("statusMessage")
    assert us.one(invoice.format("2024-04-01")).get("statusCode") == "0"
    prefs = us.ok("<PreferencesQueryRq/>")
    assert prefs.findtext("AccountingPreferences/ClosingDate") == "2024-03-31"


def test_session_drops_mid_batch_and_keeps_what_was_done(us):
    us.company.faults.drop_session_after(2)
    with pytest.raises(QuickBooksComError) as caught:
        us.raw(ADD.format("A"), ADD.format("B"), ADD.format("C"))
    assert caught.value.hresult == 0x80040402
    assert caught.value.message.startswith("Unexpected error.")
    assert [c["Name"] for c in us.company.list_records("Customer")] == ["A", "B"]
    with pytest.raises(QuickBooksComError) as caught:
        us.raw("<HostQueryRq/>")
    assert caught.value.hresult == 0x80040402
    us.company.end_session(us.ticket)  # ends quietly
    ticket = us.company.begin_session()
    assert 'statusCode="0"' in us.company.process(ticket, us.message(ADD.format("D")))


def test_drop_counts_requests_across_messages(us):
    us.company.faults.drop_session_after(1)
    us.raw(ADD.format("A"))
    with pytest.raises(QuickBooksComError):
        us.raw(ADD.format("B"))
    assert [c["Name"] for c in us.company.list_records("Customer")] == ["A"]


def test_slow_processing_handles_one_request_at_a_time(harness):
    h = harness("US")
    h.company.faults.processing_delay_seconds = 0.05
    other = h.company.begin_session()
    results: list[str] = []

    def run(ticket: str) -> None:
        results.append(h.company.process(ticket, h.message("<HostQueryRq/>", "<HostQueryRq/>")))

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(ticket,)) for ticket in (h.ticket, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert time.monotonic() - started >= 0.2  # four requests, one after another


def test_clear_turns_every_fault_off(us):
    faults = us.company.faults
    faults.read_only = faults.not_running = faults.single_user_conflict = True
    faults.record_in_use(5)
    faults.drop_session_after(0)
    faults.closing_date = date(2030, 1, 1)
    faults.clear()
    assert us.company.begin_session("SingleUser")
    assert us.one(ADD.format("A")).get("statusCode") == "0"


def test_fault_arguments_are_checked(us):
    with pytest.raises(ValueError, match="code"):
        us.company.faults.record_in_use(1, code=3100)
    with pytest.raises(ValueError, match="negative"):
        us.company.faults.drop_session_after(-1)
