"""The COM transport against a fake request processor that keeps COM's call contract and error shapes."""

from __future__ import annotations

import sys

import pytest

from halo_accounts.connectors.quickbooks.conversations import Batch, run_over_transport
from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.setup_reader import read_company_setup
from halo_accounts.connectors.quickbooks.transports.com import ComTransport, hresult_of, pywin32_request_processor
from halo_accounts.errors import ConfigError, TransientError
from halo_accounts.simulators.quickbooks import QuickBooksCompany, seed_company
from halo_accounts.simulators.quickbooks.request_processor import FakeComError, FakeRequestProcessor

FILE = r"C:\Company Files\Northwind IT.qbw"


@pytest.fixture
def company():
    company = QuickBooksCompany(edition="CA", company_file=FILE)
    seed_company(company, seed=2, customers=4, items=4, invoices=3)
    return company


def transport_for(company, **kwargs):
    processors = []

    def factory():
        processors.append(FakeRequestProcessor(company))
        return processors[-1]

    return ComTransport(FILE, processor_factory=factory, **kwargs), processors


def test_a_conversation_over_com_follows_the_call_contract(company):
    transport, processors = transport_for(company)
    read = []
    summary = run_over_transport(transport, read_company_setup(read.append))
    assert "6 tax rates" in summary
    assert read[0].profile.edition.name == "CA"
    assert processors[0].calls == [
        "OpenConnection2", "BeginSession", "QBXMLVersionsForSession", "ProcessRequest", "ProcessRequest",
        "EndSession", "CloseConnection",
    ]  # fmt: skip


def test_quickbooks_not_running_is_transient_with_a_fix_and_nothing_leaks(company):
    company.faults.not_running = True
    transport, processors = transport_for(company)
    with pytest.raises(TransientError) as caught:
        run_over_transport(transport, read_company_setup())
    assert caught.value.code == "HRESULT 0x80040416"
    assert "Open QuickBooks and the company file" in caught.value.user_message
    assert processors[0].calls == ["OpenConnection2", "BeginSession", "CloseConnection"]


def test_first_access_not_granted_is_a_config_error(company):
    company.faults.access_not_granted = True
    transport, _ = transport_for(company)
    with pytest.raises(ConfigError, match="Yes, always"):
        run_over_transport(transport, read_company_setup())


def test_a_dropped_session_reaches_the_conversation_and_the_session_is_still_ended(company):
    transport, processors = transport_for(company)
    seen = []

    def conversation(profile):
        company.faults.drop_session_after(0)
        answer = yield Batch([Request("CustomerQueryRq", {"MaxReturned": 1}, request_id="c")])
        seen.append(answer.failure)
        return "stopped"

    assert run_over_transport(transport, conversation) == "stopped"
    assert seen[0].code.startswith("HRESULT 0x8004")
    assert processors[0].calls[-2:] == ["EndSession", "CloseConnection"]


def test_an_exception_in_the_engine_still_ends_the_session(company):
    transport, processors = transport_for(company)

    def conversation(profile):
        yield Batch([Request("CustomerQueryRq", {"MaxReturned": 1}, request_id="c")])
        raise RuntimeError("engine bug")

    with pytest.raises(RuntimeError, match="engine bug"):
        run_over_transport(transport, conversation)
    assert processors[0].calls[-2:] == ["EndSession", "CloseConnection"]


def test_wrong_company_file_is_named(company):
    transport = ComTransport(r"C:\Other.qbw", processor_factory=lambda: FakeRequestProcessor(company))
    with pytest.raises(ConfigError) as caught:
        run_over_transport(transport, read_company_setup())
    assert caught.value.code == "HRESULT 0x80040408"


def test_hresult_is_read_from_com_error_shapes():
    assert hresult_of(FakeComError(0x80040418, "x")) == 0x80040418
    assert hresult_of(Exception(-2147220456, "text")) == 0x80040418  # a bare com_error with the HRESULT first
    assert hresult_of(Exception("no code")) is None


@pytest.mark.skipif(sys.platform == "win32", reason="pywin32 may be installed on Windows")
def test_without_pywin32_the_message_names_the_extra():
    with pytest.raises(ConfigError, match=r"halo-accounts-integrator\[windows\]"):
        pywin32_request_processor()


def test_file_mode_is_checked():
    with pytest.raises(ConfigError, match="file mode"):
        ComTransport(mode="Exclusive")
