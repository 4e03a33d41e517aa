"""Our Web Connector server driven by zeep, a SOAP client built from Intuit's own WSDL, over loopback HTTP.

zeep knows nothing of our server: it builds every envelope from Intuit's TroubleshootWebServiceFS
description and parses every answer against it, as the real Web Connector (a .NET client
generated from the same contract) does. QuickBooks' side is the company simulator. Every qbXML
message the server hands out is validated against Intuit's qbXML 13.0 XSD.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import requests
import zeep
from lxml import etree
from zeep.transports import Transport

from halo_accounts.connectors.quickbooks.conversations import Batch
from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.setup_reader import read_company_setup
from halo_accounts.connectors.quickbooks.transports.webconnector import (
    CompanyEndpoint,
    WebConnectorService,
    hash_password,
    webconnector_app,
)
from halo_accounts.errors import FatalError, RecordError
from halo_accounts.simulators.quickbooks import QuickBooksCompany, seed_company
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions

from testsupport import REFERENCE

INTUIT_WSDL = REFERENCE / "qbwc" / "QBWebConnectorSvc.wsdl"
QBXML_XSD = REFERENCE / "qbxml" / "13.0" / "qbxmlops130.xsd"
BINDING = "{http://developer.intuit.com/}TroubleshootWebServiceFSSoap"
USER = "halo-northwind"
PASSWORD = "wc-pass-zeep-7f3a"
FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Northwind IT.qbw"
PARSE_ERROR = "QuickBooks found an error when parsing the provided XML text stream."

pytestmark = pytest.mark.skipif(
    not INTUIT_WSDL.is_file() or not QBXML_XSD.is_file(),
    reason=f"Intuit's Web Connector WSDL ({INTUIT_WSDL}) or qbXML XSD ({QBXML_XSD}) is absent "
    "(the shared reference folder is not next to the repository)",
)


class Work:
    """A work source the tests steer: a queue of conversation factories."""

    def __init__(self):
        self.queue = []

    def start(self, company):
        return self.queue.pop(0) if self.queue else None


@pytest.fixture(scope="module")
def qbxml_schema():
    return etree.XMLSchema(etree.parse(str(QBXML_XSD)))


@pytest.fixture(scope="module")
def qbwc(loopback):
    """zeep's service proxy for Intuit's SOAP 1.1 binding, pointed at our endpoint."""
    _, server = loopback
    session = requests.Session()
    client = zeep.Client(str(INTUIT_WSDL), transport=Transport(session=session, timeout=30, operation_timeout=30))
    yield client.create_service(BINDING, f"{server.url}/qbwc")
    session.close()


@dataclass
class Books:
    service: WebConnectorService
    work: Work
    company: QuickBooksCompany
    sessions: WebConnectorSessions


@pytest.fixture
def books(tmp_path, loopback):
    app_switch, _ = loopback
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    sessions = WebConnectorSessions(store.engine, lifetime=timedelta(minutes=30))
    work = Work()
    endpoint = CompanyEndpoint("northwind", USER, hash_password(PASSWORD, iterations=1000), FILE)
    service = WebConnectorService([endpoint], work, sessions)
    app_switch.target = webconnector_app(service)
    company = QuickBooksCompany(edition="US", company_file=FILE)
    seed_company(company, seed=4, customers=8, items=6, invoices=6)
    yield Books(service, work, company, sessions)
    store.close()


@dataclass
class Update:
    """What one update did, as zeep saw it."""

    status: str = ""
    ticket: str = ""
    requests: list[str] = field(default_factory=list)
    progress: list[int] = field(default_factory=list)
    last_error: str | None = None
    close_message: str | None = None


def text(value):
    """zeep parses an empty ``<string/>`` as ``None``; the Web Connector reads it as ``""``."""
    return "" if value is None else value


def assert_valid_qbxml(schema, xml):
    assert isinstance(xml, str)
    assert xml.lstrip().startswith("<?xml")
    assert '<?qbxml version="13.0"?>' in xml
    document = etree.fromstring(xml.encode("utf-8"))
    assert document.tag == "QBXML"
    assert schema.validate(document), schema.error_log


def run_update(qbwc, books, schema, *, password=PASSWORD, fail_with=None):
    """One update, call by call as QBWC 2.3 makes it; ``fail_with`` replaces QuickBooks' answer by an HRESULT."""
    update = Update()
    assert text(qbwc.serverVersion())
    assert text(qbwc.clientVersion("2.3.0.215")) == ""
    auth = qbwc.authenticate(USER, password)
    assert isinstance(auth, list)
    update.ticket, update.status = text(auth[0]), text(auth[1])
    if update.status in ("nvu", "busy"):
        return update
    if update.status == "none":
        update.close_message = qbwc.closeConnection(update.ticket)
        return update
    qb_ticket = books.company.begin_session()
    try:
        first = True
        for _ in range(200):
            hcp = books.company.host_response_xml() if first else ""
            request = text(qbwc.sendRequestXML(update.ticket, hcp, FILE, "US", 13, 0))
            first = False
            if not request:
                update.last_error = qbwc.getLastError(update.ticket)
                if update.last_error == "NoOp":
                    continue
                update.status = "error"
                break
            assert_valid_qbxml(schema, request)
            update.requests.append(request)
            if fail_with is not None:
                progress = qbwc.receiveResponseXML(update.ticket, "", fail_with, PARSE_ERROR)
            else:
                response = books.company.process(qb_ticket, request)
                progress = qbwc.receiveResponseXML(update.ticket, response, "", "")
            assert isinstance(progress, int)
            update.progress.append(progress)
            if progress >= 100:
                update.status = "done"
                break
            if progress < 0:
                update.status, update.last_error = "error", qbwc.getLastError(update.ticket)
                break
        else:
            pytest.fail("the server never ended the session")
        update.close_message = qbwc.closeConnection(update.ticket)
    finally:
        books.company.end_session(qb_ticket)
    return update


def test_nothing_to_do_is_none_and_the_session_is_closed(qbwc, books, qbxml_schema):
    update = run_update(qbwc, books, qbxml_schema)
    assert update.status == "none"
    assert update.ticket
    assert update.requests == []
    assert text(update.close_message)
    record = books.sessions.get(update.ticket)
    assert record is not None
    assert record.state == "closed"
    assert record.summary == "No data exchange required."


def test_server_version_is_a_non_empty_string_and_an_old_client_is_warned(qbwc, books):
    assert "Halo" in qbwc.serverVersion()
    assert text(qbwc.clientVersion("2.3.0.215")) == ""
    assert qbwc.clientVersion("1.5.0.1").startswith("W:")


def test_a_conversation_with_progress_ends_at_100(qbwc, books, qbxml_schema):
    answers = []

    def conversation(profile):
        assert profile.edition.name == "US"
        first = yield Batch([Request("CustomerQueryRq", {"MaxReturned": 3}, request_id="c")], progress=40)
        answers.append(first)
        second = yield Batch([Request("ItemQueryRq", {"MaxReturned": 2}, request_id="i")], progress=80)
        answers.append(second)
        return "3 customers and 2 items read"

    books.work.queue.append(conversation)
    update = run_update(qbwc, books, qbxml_schema)
    assert update.status == "done", update
    assert update.progress == [40, 100]
    assert all(0 <= p <= 99 for p in update.progress[:-1])
    assert update.close_message == "3 customers and 2 items read"
    assert len(update.requests) == 2
    ((request, response),) = answers[0].pairs
    assert request.request_id == "c"
    assert response.status_code == 0
    assert len(response.objects) == 3
    assert answers[1].pairs[0][1].name == "ItemQueryRs"
    record = books.sessions.get(update.ticket)
    assert record.state == "closed"
    assert record.messages == 2
    assert record.company_file == FILE


def test_authenticate_names_the_company_file_when_there_is_work(qbwc, books):
    books.work.queue.append(read_company_setup())
    ticket, status, *rest = qbwc.authenticate(USER, PASSWORD)
    assert len(ticket) >= 32
    assert status == FILE
    assert all(text(extra) == "" for extra in rest)
    assert text(qbwc.closeConnection(ticket))


def test_reading_the_company_setup_sends_only_valid_qbxml(qbwc, books, qbxml_schema):
    seen = []
    books.work.queue.append(read_company_setup(seen.append))
    update = run_update(qbwc, books, qbxml_schema)
    assert update.status == "done", update
    assert update.progress[-1] == 100
    assert all(0 <= p <= 99 for p in update.progress[:-1])
    assert update.requests  # each one was validated against Intuit's XSD on the way
    (read,) = seen
    assert read.accounts
    assert not read.errors


def test_wrong_password_is_nvu_without_a_ticket(qbwc, books):
    books.work.queue.append(read_company_setup())
    auth = qbwc.authenticate(USER, "not-the-password")
    assert text(auth[1]) == "nvu"
    assert text(auth[0]) == ""
    unknown_user = qbwc.authenticate("someone-else", PASSWORD)
    assert text(unknown_user[1]) == "nvu"
    assert books.work.queue  # no work was started for a refused login


def test_an_unknown_ticket_is_handled_without_a_fault(qbwc, books):
    ticket = "0123456789abcdef0123456789abcdef"
    assert text(qbwc.sendRequestXML(ticket, books.company.host_response_xml(), FILE, "US", 13, 0)) == ""
    error = qbwc.getLastError(ticket)
    assert "unknown or has expired" in error
    assert error != "NoOp"  # NoOp would make the Web Connector ask again for ever
    assert qbwc.receiveResponseXML(ticket, "<QBXML/>", "", "") == -1
    assert text(qbwc.closeConnection(ticket))
    assert qbwc.connectionError(ticket, "0x80040408", "Could not start QuickBooks.") == "done"


def test_an_error_in_the_middle_of_a_batch_reaches_its_request(qbwc, books, qbxml_schema):
    taken = books.company.list_records("Customer")[0]["Name"]  # "Søren O'Brien & Co": escaping on the way too
    answers = []

    def conversation(profile):
        answer = yield Batch(
            [
                Request("CustomerAddRq", {"CustomerAdd": {"Name": "Zeep First Ltd"}}, request_id="add-1"),
                Request("CustomerAddRq", {"CustomerAdd": {"Name": taken}}, request_id="add-2", record=taken),
                Request("CustomerAddRq", {"CustomerAdd": {"Name": "Zeep Third Ltd"}}, request_id="add-3"),
            ],
            on_error="continueOnError",
        )
        answers.append(answer)
        return "customers added"

    books.work.queue.append(conversation)
    update = run_update(qbwc, books, qbxml_schema)
    assert update.status == "done", update
    assert update.progress == [100]
    assert 'onError="continueOnError"' in update.requests[0]
    (answer,) = answers
    assert answer.failure is None
    statuses = {request.request_id: response.status_code for request, response in answer.pairs}
    assert statuses == {"add-1": 0, "add-2": 3100, "add-3": 0}
    failed = answer.pairs[1][1]
    assert failed.name == "CustomerAddRs"
    assert failed.severity == "Error"
    assert taken in failed.message
    assert not failed.ok
    names = {record["Name"] for record in books.company.list_records("Customer")}
    assert {"Zeep First Ltd", "Zeep Third Ltd", taken} <= names
    assert sum(1 for record in books.company.list_records("Customer") if record["Name"] == taken) == 1


def test_an_hresult_fails_the_message_for_the_conversation(qbwc, books, qbxml_schema):
    failures = []

    def conversation(profile):
        answer = yield Batch([Request("CustomerQueryRq", {"MaxReturned": 1}, request_id="c")])
        failures.append(answer)
        return "stopped after QuickBooks refused the message"

    books.work.queue.append(conversation)
    update = run_update(qbwc, books, qbxml_schema, fail_with="0x80040400")
    assert update.status == "done", update
    (answer,) = failures
    assert answer.pairs == []
    assert isinstance(answer.failure, FatalError)
    assert answer.failure.code == "HRESULT 0x80040400"
    assert PARSE_ERROR in answer.failure.user_message
    assert update.close_message == "stopped after QuickBooks refused the message"


def test_a_conversation_that_gives_up_on_an_hresult_reports_it(qbwc, books, qbxml_schema):
    def conversation(profile):
        answer = yield Batch([Request("CustomerQueryRq", {"MaxReturned": 1}, request_id="c")])
        raise RecordError(f"Stopped: {answer.failure.user_message}")

    books.work.queue.append(conversation)
    update = run_update(qbwc, books, qbxml_schema, fail_with="0x80040400")
    assert update.status == "error"
    assert update.progress == [-1]
    assert update.last_error.startswith("Stopped: QuickBooks could not read")
    assert update.close_message == update.last_error
    assert books.sessions.get(update.ticket).state == "failed"
