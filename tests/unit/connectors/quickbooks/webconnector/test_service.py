"""``WebConnectorService`` without HTTP: logins, throttling, versions, progress, errors and the odd calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from halo_accounts.connectors.quickbooks.conversations import Batch, Pending
from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.transports.webconnector import (
    CompanyEndpoint,
    WebConnectorService,
    hash_password,
    verify_password,
)
from halo_accounts.connectors.quickbooks.transports.webconnector.service import NOOP, _Throttle
from halo_accounts.errors import ConfigError
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions

USER = "halo-northwind"
PASSWORD = "wc-pass-service-4d1e"
FILE = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Northwind IT.qbw"
SECRET_FIX = "Halo refused the integrator's client secret. Enter the new secret under Settings > Halo."


class Work:
    """A work source the tests steer: a queue of conversation factories."""

    def __init__(self):
        self.queue = []
        self.asked = []

    def start(self, company):
        self.asked.append(company)
        return self.queue.pop(0) if self.queue else None


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield store
    store.close()


@pytest.fixture
def session_clock():
    return Clock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))


@pytest.fixture
def sessions(store, session_clock):
    return WebConnectorSessions(store.engine, lifetime=timedelta(minutes=30), clock=session_clock)


@pytest.fixture
def throttle_clock():
    return Clock(10_000.0)


@pytest.fixture
def work():
    return Work()


@pytest.fixture
def service(work, sessions, throttle_clock):
    endpoint = CompanyEndpoint("northwind", USER, hash_password(PASSWORD, iterations=1000), FILE)
    return WebConnectorService([endpoint], work, sessions, throttle=_Throttle(clock=throttle_clock))


@pytest.fixture(scope="module")
def company():
    return QuickBooksCompany(edition="US", company_file=FILE)


def queries(*progress):
    """A conversation that sends one customer query per progress value, then returns."""

    def conversation(profile):
        for number, percent in enumerate(progress):
            answer = yield Batch(
                [Request("CustomerQueryRq", {"MaxReturned": 1}, request_id=f"q{number}")], progress=percent
            )
            assert answer.failure is None
        return f"{len(progress)} queries answered"

    return conversation


def drive(service, company, ticket):
    """The Web Connector's loop, without HTTP: the progress values and the final getLastError, if any."""
    qb_ticket = company.begin_session()
    progress = []
    try:
        first = True
        while True:
            request = service.send_request_xml(ticket, company.host_response_xml() if first else "", FILE, "US", 13, 0)
            first = False
            if not request:
                error = service.get_last_error(ticket)
                if error == NOOP:
                    continue
                return progress, error
            progress.append(service.receive_response_xml(ticket, company.process(qb_ticket, request), "", ""))
            if progress[-1] >= 100:
                return progress, None
            if progress[-1] < 0:
                return progress, service.get_last_error(ticket)
    finally:
        company.end_session(qb_ticket)


# -- passwords ---------------------------------------------------------------------------------


def test_password_hashes_are_salted_pbkdf2():
    first, second = hash_password(PASSWORD, iterations=1000), hash_password(PASSWORD, iterations=1000)
    assert first != second  # a fresh salt each time
    scheme, rounds, salt, digest = first.split("$")
    assert (scheme, rounds) == ("pbkdf2_sha256", "1000")
    assert len(bytes.fromhex(salt)) == 16
    assert len(bytes.fromhex(digest)) == 32
    assert PASSWORD not in first
    assert verify_password(PASSWORD, first)
    assert verify_password(PASSWORD, second)


def test_the_default_cost_is_not_trivial():
    assert int(hash_password("x").split("$")[1]) >= 100_000


@pytest.mark.parametrize(
    "attempt", ["", "wc-pass-service-4d1E", PASSWORD + " ", " " + PASSWORD, PASSWORD[:-1], "wc-pass"]
)
def test_a_wrong_password_never_matches(attempt):
    assert not verify_password(attempt, hash_password(PASSWORD, iterations=1000))


@pytest.mark.parametrize(
    "stored",
    [
        "",
        PASSWORD,
        "pbkdf2_sha256$1000$zz$00",
        "pbkdf2_sha256$lots$00$00",
        "pbkdf2_sha256$0$00$00",
        "pbkdf2_sha256$99999999999$00$00",
        "md5$1000$00$00",
        "pbkdf2_sha256$1000$00",
        "pbkdf2_sha256$1000$00$00$00",
    ],
)
def test_a_malformed_hash_never_matches(stored):
    assert not verify_password(PASSWORD, stored)
    assert not verify_password("", stored)


def test_a_hash_with_another_salt_or_digest_does_not_match():
    scheme, rounds, salt, digest = hash_password(PASSWORD, iterations=1000).split("$")
    other_salt = "00" * 16
    assert not verify_password(PASSWORD, "$".join([scheme, rounds, other_salt, digest]))
    flipped = ("0" if digest[0] != "0" else "1") + digest[1:]
    assert not verify_password(PASSWORD, "$".join([scheme, rounds, salt, flipped]))


# -- authenticate and throttling -----------------------------------------------------------------


def test_a_right_login_without_work_is_none_and_closed(service, work, sessions):
    ticket, status = service.authenticate(USER, PASSWORD)
    assert status == "none"
    assert len(ticket) == 32
    assert work.asked == ["northwind"]
    assert sessions.get(ticket).state == "closed"


def test_a_right_login_with_work_names_the_file(service, work):
    work.queue.append(queries(50))
    ticket, status = service.authenticate(USER.upper(), PASSWORD)  # user names are not case-sensitive
    assert ticket
    assert status == FILE


def test_a_wrong_login_is_nvu_and_starts_no_work(service, work):
    work.queue.append(queries(50))
    assert service.authenticate(USER, "wrong") == ["", "nvu"]
    assert service.authenticate("nobody", PASSWORD) == ["", "nvu"]
    assert work.asked == []


def test_after_five_failures_even_the_right_password_is_refused_until_the_window_passes(service, throttle_clock):
    for _ in range(5):
        assert service.authenticate(USER, "guess") == ["", "nvu"]
        throttle_clock.now += 10
    assert service.authenticate(USER, PASSWORD) == ["", "nvu"]
    assert service.authenticate(USER.upper(), PASSWORD) == ["", "nvu"]  # the same user, however spelt
    throttle_clock.now += 200
    assert service.authenticate(USER, PASSWORD) == ["", "nvu"]  # failures still inside the 300 s window
    throttle_clock.now += 301
    assert service.authenticate(USER, PASSWORD)[1] == "none"


def test_four_failures_do_not_block(service, throttle_clock):
    for _ in range(4):
        assert service.authenticate(USER, "guess") == ["", "nvu"]
    assert service.authenticate(USER, PASSWORD)[1] == "none"


def test_old_failures_fall_out_of_the_window(service, throttle_clock):
    for _ in range(4):
        service.authenticate(USER, "guess")
    throttle_clock.now += 301
    for _ in range(4):
        service.authenticate(USER, "guess")
    assert service.authenticate(USER, PASSWORD)[1] == "none"


def test_one_users_failures_do_not_block_another(sessions, work, throttle_clock):
    endpoints = [
        CompanyEndpoint("northwind", USER, hash_password(PASSWORD, iterations=1000)),
        CompanyEndpoint("southwind", "halo-southwind", hash_password("other-pass", iterations=1000)),
    ]
    service = WebConnectorService(endpoints, work, sessions, throttle=_Throttle(clock=throttle_clock))
    for _ in range(6):
        service.authenticate(USER, "guess")
    assert service.authenticate("halo-southwind", "other-pass")[1] == "none"
    assert service.authenticate(USER, PASSWORD) == ["", "nvu"]


def test_a_second_login_while_a_session_is_open_is_busy(service, work):
    work.queue += [queries(50), queries(50)]
    ticket = service.authenticate(USER, PASSWORD)[0]
    assert service.authenticate(USER, PASSWORD) == ["", "busy"]
    service.close_connection(ticket)
    assert service.authenticate(USER, PASSWORD)[1] == FILE


def test_an_abandoned_session_stops_blocking_once_its_ticket_expires(service, work, session_clock):
    """A Web Connector that dies mid-update never calls closeConnection; that must not mean "busy" for ever."""
    work.queue += [queries(50), queries(50)]
    abandoned = service.authenticate(USER, PASSWORD)[0]
    session_clock.now += timedelta(minutes=10)
    assert service.authenticate(USER, PASSWORD) == ["", "busy"]
    session_clock.now += timedelta(minutes=31)
    ticket, status = service.authenticate(USER, PASSWORD)
    assert status == FILE
    assert ticket != abandoned
    assert service.send_request_xml(abandoned, "", FILE, "US", 13, 0) == ""
    assert "unknown or has expired" in service.get_last_error(abandoned)


# -- versions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2.0.1.30", "1.5.0.0", "2.0"])
def test_an_old_web_connector_gets_a_warning(service, version):
    answer = service.client_version(version)
    assert answer.startswith("W:")
    assert version in answer
    assert "2.3" in answer


@pytest.mark.parametrize("version", ["2.3.0.215", "2.1.0.30", "2.2.0.34", "3.0.0.1", "", "unknown", "2.x"])
def test_current_or_unreadable_versions_go_on(service, version):
    assert service.client_version(version) == ""


def test_server_version_is_a_name(service):
    assert "Halo Accounts Integrator" in service.server_version()


# -- conversations and progress ------------------------------------------------------------------


def test_progress_stays_below_100_until_the_conversation_ends(service, work, company, sessions):
    work.queue.append(queries(10, 100, 150, 5, None))
    ticket = service.authenticate(USER, PASSWORD)[0]
    progress, error = drive(service, company, ticket)
    assert error is None
    assert progress == [10, 99, 99, 99, 100]
    record = sessions.get(ticket)
    assert record.messages == 5
    assert record.company_file == FILE
    assert service.close_connection(ticket) == "5 queries answered"
    assert sessions.get(ticket).state == "closed"


def test_progress_without_hints_is_zero_then_100(service, work, company):
    work.queue.append(queries(None, None))
    ticket = service.authenticate(USER, PASSWORD)[0]
    assert drive(service, company, ticket) == ([0, 100], None)


def test_pending_is_a_noop_then_work_goes_on(service, work, company):
    def conversation(profile):
        yield Pending("reading Halo")
        answer = yield Batch([Request("CustomerQueryRq", {"MaxReturned": 1}, request_id="c")])
        return f"{len(answer.pairs)} answered"

    work.queue.append(conversation)
    ticket = service.authenticate(USER, PASSWORD)[0]
    assert service.send_request_xml(ticket, company.host_response_xml(), FILE, "US", 13, 0) == ""
    assert service.get_last_error(ticket) == NOOP
    request = service.send_request_xml(ticket, "", FILE, "US", 13, 0)
    assert "<CustomerQueryRq" in request
    qb_ticket = company.begin_session()
    try:
        assert service.receive_response_xml(ticket, company.process(qb_ticket, request), "", "") == 100
    finally:
        company.end_session(qb_ticket)
    assert service.close_connection(ticket) == "1 answered"


def test_a_config_error_mid_way_aborts_with_its_message(service, work, company, sessions):
    def conversation(profile):
        yield Batch([Request("CustomerQueryRq", {"MaxReturned": 1}, request_id="c")], progress=30)
        raise ConfigError(SECRET_FIX)

    work.queue += [conversation, queries(50)]
    ticket = service.authenticate(USER, PASSWORD)[0]
    progress, error = drive(service, company, ticket)
    assert progress == [-1]
    assert error == SECRET_FIX
    assert service.get_last_error(ticket) == SECRET_FIX  # asked again, same answer, never NoOp
    assert service.close_connection(ticket) == SECRET_FIX
    record = sessions.get(ticket)
    assert (record.state, record.last_error) == ("failed", SECRET_FIX)
    assert service.authenticate(USER, PASSWORD)[1] == FILE  # the failed session no longer blocks


def test_a_config_error_before_the_first_message_is_an_empty_request(service, work, company):
    def conversation(profile):
        raise ConfigError(SECRET_FIX)
        yield  # a generator all the same

    work.queue.append(conversation)
    ticket = service.authenticate(USER, PASSWORD)[0]
    assert drive(service, company, ticket) == ([], SECRET_FIX)


def test_a_conversation_that_returns_at_once(service, work, company, sessions):
    def conversation(profile):
        return "Nothing changed since the last update."
        yield  # a generator all the same

    work.queue.append(conversation)
    ticket = service.authenticate(USER, PASSWORD)[0]
    assert service.send_request_xml(ticket, company.host_response_xml(), FILE, "US", 13, 0) == ""
    error = service.get_last_error(ticket)
    assert error
    assert error != NOOP  # NoOp here would make the Web Connector ask for ever
    assert service.close_connection(ticket) == "Nothing changed since the last update."
    assert sessions.get(ticket).state == "closed"


def test_a_first_call_without_the_hcp_response_is_explained(service, work):
    work.queue.append(queries(50))
    ticket = service.authenticate(USER, PASSWORD)[0]
    assert service.send_request_xml(ticket, "", FILE, "US", 13, 0) == ""
    assert "HCP" in service.get_last_error(ticket)


def test_an_hresult_reaches_the_conversation(service, work, company):
    seen = []

    def conversation(profile):
        answer = yield Batch([Request("CustomerQueryRq", {"MaxReturned": 1}, request_id="c")])
        seen.append(answer.failure)
        return "gave up"

    work.queue.append(conversation)
    ticket = service.authenticate(USER, PASSWORD)[0]
    assert service.send_request_xml(ticket, company.host_response_xml(), FILE, "US", 13, 0)
    assert service.receive_response_xml(ticket, "", "0x80040401", "Could not access QuickBooks.") == 100
    (failure,) = seen
    assert failure.code == "HRESULT 0x80040401"
    assert "Could not access QuickBooks" in failure.user_message


def test_an_unknown_ticket_everywhere(service):
    assert service.send_request_xml("nope", "<QBXML/>", FILE, "US", 13, 0) == ""
    assert service.receive_response_xml("nope", "<QBXML/>", "", "") == -1
    assert "unknown or has expired" in service.get_last_error("nope")
    assert "unknown or has expired" in service.close_connection("nope")
    assert service.connection_error("nope", "0x80040408", "") == "done"


# -- connectionError ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hresult", "words"),
    [
        ("0x80040408", "Check the company file path"),
        ("0x80040416", "Open QuickBooks and the company file"),
        ("0x80040418", "log in as Admin"),
        ("0X80040422", "single-user mode"),
        ("-2147220472", "Check the company file path"),  # 0x80040408 as a signed decimal
        ("not a number", "unexpected error"),
    ],
)
def test_connection_error_maps_the_hresult_to_a_fix_and_stops(service, work, sessions, hresult, words):
    work.queue += [queries(50), queries(50)]
    ticket = service.authenticate(USER, PASSWORD)[0]
    assert service.connection_error(ticket, hresult, "QuickBooks said something.") == "done"
    record = sessions.get(ticket)
    assert record.state == "failed"
    assert words in record.last_error
    assert "0x" not in record.last_error.split("(")[0]  # plain words first, codes only in passing
    assert service.get_last_error(ticket) == record.last_error
    assert service.authenticate(USER, PASSWORD)[1] == FILE  # the session is over


# -- interactive mode --------------------------------------------------------------------------


def test_interactive_calls_are_answered_but_unused(service):
    assert service.get_interactive_url("T", "S") == ""
    assert service.interactive_done("T") == "Done"
    assert "not used" in service.interactive_rejected("T", "the user said no")


def test_an_answer_out_of_turn_ends_the_session_cleanly(tmp_path):
    from datetime import timedelta

    from halo_accounts.connectors.quickbooks.conversations import Batch
    from halo_accounts.connectors.quickbooks.qbxml.build import Request
    from halo_accounts.connectors.quickbooks.transports.webconnector import (
        CompanyEndpoint,
        WebConnectorService,
        hash_password,
    )
    from halo_accounts.simulators.quickbooks import QuickBooksCompany
    from halo_accounts.store import open_store
    from halo_accounts.store.sessions import WebConnectorSessions

    def conversation(profile):
        yield Batch([Request("HostQueryRq", request_id="h")])
        return "done"

    class Work:
        def start(self, company):
            return conversation

    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    service = WebConnectorService(
        [CompanyEndpoint("c", "u", hash_password("pw-123456", iterations=1000))],
        Work(),
        WebConnectorSessions(store.engine, lifetime=timedelta(minutes=5)),
    )
    company = QuickBooksCompany(edition="US")
    ticket = service.authenticate("u", "pw-123456")[0]
    assert service.send_request_xml(ticket, company.host_response_xml(), "", "US", 13, 0)
    assert service.receive_response_xml(ticket, "<QBXML><QBXMLMsgsRs/></QBXML>", "", "") == 100
    assert service.receive_response_xml(ticket, "<QBXML/>", "", "") == -1  # repeated: no fault, a clean end
    assert "out of turn" in service.get_last_error(ticket)
    store.close()


def test_throttle_memory_is_bounded():
    from halo_accounts.connectors.quickbooks.transports.webconnector.service import _Throttle

    throttle = _Throttle(max_users=10, clock=lambda: 0.0)
    for n in range(50):
        throttle.failed(f"attacker-{n}")
    assert len(throttle.failures) == 10
