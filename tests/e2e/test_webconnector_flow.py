"""Web Connector conversations over real loopback HTTP: our SOAP server, the fake Web Connector, the simulator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from halo_accounts.connectors.quickbooks.conversations import Batch, Pending
from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.setup_reader import read_company_setup
from halo_accounts.connectors.quickbooks.transports.webconnector import (
    CompanyEndpoint,
    WebConnectorService,
    hash_password,
    webconnector_app,
)
from halo_accounts.simulators.quickbooks import QuickBooksCompany, seed_company
from halo_accounts.simulators.webconnector import FakeWebConnector
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions

PASSWORD = "wc-pass-123"
FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Northwind IT.qbw"


class Work:
    """A work source the tests steer: a queue of conversation factories per company."""

    def __init__(self):
        self.queue = []

    def start(self, company):
        return self.queue.pop(0) if self.queue else None


@pytest.fixture
def setup(tmp_path, loopback):
    app_switch, server = loopback
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    sessions = WebConnectorSessions(store.engine, lifetime=timedelta(minutes=30))
    work = Work()
    endpoint = CompanyEndpoint("northwind", "halo-northwind", hash_password(PASSWORD, iterations=1000), FILE)
    service = WebConnectorService([endpoint], work, sessions)
    app_switch.target = webconnector_app(service)
    company = QuickBooksCompany(edition="US", company_file=FILE)
    seed_company(company, seed=4, customers=8, items=6, invoices=6)
    connector = FakeWebConnector(f"{server.url}/qbwc", "halo-northwind", PASSWORD, company)
    yield service, work, company, connector, sessions
    connector.close()
    store.close()


def test_no_work_answers_none(setup):
    _, _, _, connector, _ = setup
    result = connector.update()
    assert result.status == "none"
    assert result.calls == ["serverVersion", "clientVersion", "authenticate", "closeConnection"]


def test_wrong_password_is_nvu(setup):
    _, work, _, connector, _ = setup
    work.queue.append(read_company_setup())
    connector.password = "wrong"
    assert connector.update().status == "nvu"


def test_reading_the_company_setup_end_to_end(setup):
    _, work, company, connector, sessions = setup
    seen = []
    work.queue.append(read_company_setup(seen.append))
    result = connector.update()
    assert result.status == "done", result
    assert result.progress == [100]
    assert "tax rates" in result.close_message
    (read,) = seen
    assert read.profile.edition.name == "US"
    assert ("NYC Sales Tax", "8.875") in {(rate.key, str(rate.rate)) for rate in read.tax_rates}
    assert read.accounts
    assert not read.errors
    assert sessions.get(result.ticket).state == "closed"


def test_pending_work_is_a_noop_pause_then_continues(setup):
    _, work, _, connector, _ = setup

    def conversation(profile):
        yield Pending()
        yield Pending()
        answer = yield Batch([Request("CustomerQueryRq", {"MaxReturned": 2}, request_id="c")], progress=50)
        assert answer.pairs[0][1].status_code == 0
        return "two customers read"

    work.queue.append(conversation)
    result = connector.update()
    assert result.status == "done"
    assert result.noops == 2
    assert result.close_message == "two customers read"


def test_a_whole_message_refused_by_quickbooks_reaches_the_conversation(setup):
    _, work, company, connector, _ = setup
    failures = []

    def conversation(profile):
        company.faults.drop_session_after(0)
        answer = yield Batch([Request("CustomerQueryRq", {"MaxReturned": 1}, request_id="c")])
        failures.append(answer.failure)
        return "stopped"

    work.queue.append(conversation)
    result = connector.update()
    assert result.status == "done"
    assert failures
    assert failures[0].code.startswith("HRESULT 0x8004")


def test_quickbooks_closed_is_a_connection_error_with_a_fix(setup):
    _, work, company, connector, sessions = setup
    work.queue.append(read_company_setup())
    company.faults.not_running = True
    result = connector.update()
    assert result.status == "connection_error"
    assert result.last_error == "done"
    record = sessions.get(result.ticket)
    assert "Open QuickBooks and the company file" in record.last_error


def test_wrong_company_file_is_refused_with_both_names(setup):
    _, work, company, connector, _ = setup
    work.queue.append(read_company_setup())
    company.company_file = r"C:\Other\Books.qbw"
    result = connector.update()
    assert result.status == "error"
    assert "Books.qbw" in result.last_error
    assert "Northwind IT.qbw" in result.last_error


def test_a_second_update_while_one_is_open_is_busy(setup):
    service, work, _, connector, _ = setup
    work.queue.append(read_company_setup())
    ticket, status = service.authenticate("halo-northwind", PASSWORD)[:2]
    assert status == FILE
    assert service.authenticate("halo-northwind", PASSWORD) == ["", "busy"]
    service.close_connection(ticket)
    work.queue.append(read_company_setup())
    assert connector.update().status == "done"


def test_restart_mid_session_ends_it_cleanly(setup, tmp_path):
    service, work, company, _, sessions = setup
    work.queue.append(read_company_setup())
    ticket = service.authenticate("halo-northwind", PASSWORD)[0]
    assert service.send_request_xml(ticket, company.host_response_xml(), FILE, "US", 13, 0)
    # A new process: same store, no live conversations.
    restarted = WebConnectorService([], work, sessions)
    assert restarted.receive_response_xml(ticket, "<QBXML/>", "", "") == -1
    assert "restarted" in restarted.get_last_error(ticket)
    assert restarted.close_connection(ticket)
    assert "unknown or has expired" in restarted.get_last_error("never-issued")
