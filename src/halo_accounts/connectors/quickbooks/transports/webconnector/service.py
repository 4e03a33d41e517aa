"""The Web Connector service: QuickBooks polls us, and each poll steps one conversation.

``authenticate`` checks the company's Web Connector user (password compared in constant time,
repeated failures throttled) and asks the work source whether there is anything to do:
``"none"`` when not (never "work" followed by nothing: that crashes the Web Connector),
``"busy"`` while another session of the company is open. ``sendRequestXML`` reads the company
profile on the first call, checks the company file, negotiates the qbXML version and returns
one message; while the engine is still preparing work it returns ``""`` and ``getLastError``
answers ``NoOp`` (the Web Connector waits and asks again). ``receiveResponseXML`` hands the
answer, or the HRESULT, to the conversation and reports progress: 0–99 while there is more,
100 when the work is really done, -1 only to abort. Tickets are persisted, so after a restart
a stale ticket ends its session cleanly instead of failing in a loop.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PureWindowsPath
from typing import Protocol

from halo_accounts.connectors.quickbooks.conversations import ConversationFactory, ConversationSession, Pending
from halo_accounts.connectors.quickbooks.qbxml.host import negotiate_version, read_profile
from halo_accounts.connectors.quickbooks.qbxml.status import error_for_hresult
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import verify_password
from halo_accounts.errors import ConfigError, SyncError
from halo_accounts.store.sessions import WebConnectorSessions

__all__ = ["CompanyEndpoint", "WebConnectorService", "WorkSource"]

log = logging.getLogger(__name__)

SERVER_VERSION = "Halo Accounts Integrator 0.1"
MIN_CLIENT_VERSION = (2, 1)
NOOP = "NoOp"


@dataclass(frozen=True, slots=True)
class CompanyEndpoint:
    """One company file served through the Web Connector."""

    name: str
    username: str
    password_hash: str
    company_file: str = ""  # the file this company was set up with; "" accepts the open file


class WorkSource(Protocol):
    """The engine's side: whether a company has work, and the conversation that does it."""

    def start(self, company: str) -> ConversationFactory | None:
        """A conversation factory when there is work for ``company``, else ``None``."""


@dataclass
class _Live:
    company: CompanyEndpoint
    factory: ConversationFactory
    session: ConversationSession | None = None
    pending: bool = False
    last_error: str = ""
    failed: bool = False


@dataclass
class _Throttle:
    """Failed logins per user name: after ``limit`` failures in ``window`` seconds, refuse for a while."""

    limit: int = 5
    window: float = 300.0
    clock: Callable[[], float] = time.monotonic
    failures: dict[str, list[float]] = field(default_factory=dict)

    max_users: int = 1000  # user names are chosen by whoever calls: keep the memory bounded

    def blocked(self, user: str) -> bool:
        recent = [t for t in self.failures.get(user, []) if t > self.clock() - self.window]
        if recent:
            self.failures[user] = recent
        else:
            self.failures.pop(user, None)
        return len(recent) >= self.limit

    def failed(self, user: str) -> None:
        if user not in self.failures and len(self.failures) >= self.max_users:
            self.failures.pop(next(iter(self.failures)))  # forget the oldest
        self.failures.setdefault(user, []).append(self.clock())


class WebConnectorService:
    """The eleven Web Connector operations over persisted tickets and live conversations."""

    def __init__(
        self,
        companies: Sequence[CompanyEndpoint] | Callable[[], Sequence[CompanyEndpoint]],
        work: WorkSource,
        sessions: WebConnectorSessions,
        *,
        throttle: _Throttle | None = None,
    ) -> None:
        # A callable is asked at every log-in: a company set up while the server runs is known at once.
        self._companies_now = companies if callable(companies) else (lambda: companies)
        self._work = work
        self._sessions = sessions
        self._throttle = throttle or _Throttle()
        self._live: dict[str, _Live] = {}
        self._lock = threading.RLock()

    # -- the Web Connector's calls ---------------------------------------------------------

    def server_version(self) -> str:
        """Any string; the Web Connector only logs it."""
        return SERVER_VERSION

    def client_version(self, version: str) -> str:
        """``""`` to go on; a warning for Web Connectors too old to be trusted."""
        try:
            parts = tuple(int(p) for p in version.split(".")[:2])
        except ValueError:
            return ""
        if parts < MIN_CLIENT_VERSION:
            return f"W:This Web Connector ({version}) is old; install QuickBooks Web Connector 2.3 or newer."
        return ""

    def authenticate(self, username: str, password: str) -> list[str]:
        """``[ticket, status]``: "" or the company file (work), "none", "nvu" or "busy"."""
        user = username.strip().casefold()
        with self._lock:
            company = {c.username.casefold(): c for c in self._companies_now()}.get(user)
            if self._throttle.blocked(user) or company is None or not verify_password(password, company.password_hash):
                self._throttle.failed(user)
                log.warning("Web Connector login refused for user %r", username)
                return ["", "nvu"]
            self._forget_expired()
            if any(live.company.name == company.name for live in self._live.values()):
                return ["", "busy"]
            ticket = secrets.token_hex(16)
            self._sessions.create(ticket, company.name)
            try:
                factory = self._work.start(company.name)
            except SyncError as exc:
                self._sessions.update(ticket, state="failed", last_error=exc.user_message)
                return [ticket, "none"]
            if factory is None:
                self._sessions.update(ticket, state="closed", summary="No data exchange required.")
                return [ticket, "none"]
            self._live[ticket] = _Live(company, factory)
            return [ticket, company.company_file]

    def send_request_xml(self, ticket: str, hcp: str, company_file: str, country: str, major: int, minor: int) -> str:
        """One qbXML message, or ``""`` (then ``getLastError`` says NoOp or why)."""
        with self._lock:
            live = self._live.get(ticket)
            if live is None:
                return ""
            live.pending = False
            try:
                if live.session is None:
                    live.session = self._start(ticket, live, hcp, company_file, major, minor)
                message = live.session.next_message()
            except SyncError as exc:
                return self._fail(ticket, live, exc.user_message)
            if isinstance(message, Pending):
                live.pending = True
                return ""
            if message is None:
                return self._fail(ticket, live, "The integrator had no more work for QuickBooks.")
            self._sessions.update(ticket, messages=live.session.messages_sent)
            return message

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        """Progress 0–99 while there is more work, 100 when done, -1 to abort."""
        with self._lock:
            live = self._live.get(ticket)
            if live is None or live.session is None:
                # A ticket the store knows but this process does not: the server restarted mid-session.
                if self._sessions.get(ticket) is not None:
                    self._sessions.update(ticket, state="failed", last_error=_RESTARTED)
                return -1
            try:
                if hresult.strip():
                    live.session.fail(error_for_hresult(_hresult(hresult), message))
                else:
                    live.session.deliver(response)
            except SyncError as exc:
                self._fail(ticket, live, exc.user_message)
                return -1
            except RuntimeError:
                # An answer nobody asked for (a repeated or out-of-order call): end the session cleanly.
                self._fail(ticket, live, "The Web Connector sent an answer out of turn; the next update starts afresh.")
                return -1
            if live.session.finished:
                return 100
            return min(99, live.session.progress)

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        """QuickBooks could not be opened: record why in words, and stop (``"done"``)."""
        error = error_for_hresult(_hresult(hresult), message)
        with self._lock:
            live = self._live.pop(ticket, None)
            if live is not None or self._sessions.get(ticket):
                self._sessions.update(ticket, state="failed", last_error=error.user_message)
        log.warning("Web Connector could not reach QuickBooks: %s", error.user_message)
        return "done"

    def get_last_error(self, ticket: str) -> str:
        """``NoOp`` while work is being prepared; otherwise the message to show."""
        with self._lock:
            live = self._live.get(ticket)
            if live is not None and live.pending and not live.failed:
                return NOOP
            if live is not None and live.last_error:
                return live.last_error
            record = self._sessions.get(ticket)
            if record is None:
                return _UNKNOWN_TICKET
            return record.last_error or ""

    def close_connection(self, ticket: str) -> str:
        """End the session; a one-line summary of the run."""
        with self._lock:
            live = self._live.pop(ticket, None)
            record = self._sessions.get(ticket)
            if live is None and record is None:
                return _UNKNOWN_TICKET
            if live is not None and live.session is not None and live.session.finished:
                summary = live.session.summary or "Done."
                self._sessions.update(ticket, state="closed", summary=summary)
                return summary
            text = (
                (live.last_error if live else "")
                or (record.last_error if record else "")
                or (record.summary if record else "")
            )
            if live is not None and not live.failed:
                text = text or "The update stopped before the work was done; the next update continues."
                self._sessions.update(ticket, state="closed", summary=text)
            return text or "Done."

    def get_interactive_url(self, ticket: str, session_id: str) -> str:
        """Interactive mode is not used."""
        return ""

    def interactive_done(self, ticket: str) -> str:
        """Interactive mode is not used."""
        return "Done"

    def interactive_rejected(self, ticket: str, reason: str) -> str:
        """Interactive mode is not used."""
        return "Interactive mode is not used by the Halo Accounts Integrator."

    # -- helpers ---------------------------------------------------------------------------

    def _start(
        self, ticket: str, live: _Live, hcp: str, company_file: str, major: int, minor: int
    ) -> ConversationSession:
        if not hcp.strip():
            msg = "The Web Connector did not describe QuickBooks (no HCP response); update the Web Connector."
            raise ConfigError(msg)
        expected = live.company.company_file
        if expected and not _same_file(expected, company_file):
            msg = (
                f"The Web Connector opened '{company_file}', but '{live.company.name}' was set up with "
                f"'{expected}'. Open the right company file, or change the company's settings."
            )
            raise ConfigError(msg)
        profile = read_profile(hcp)
        version = negotiate_version(profile, major=major, minor=minor)
        self._sessions.update(ticket, company_file=company_file)
        return ConversationSession(live.factory(profile), profile, version=version)

    def _forget_expired(self) -> None:
        # A Web Connector that dies mid-update never calls closeConnection; without this, its
        # company would answer "busy" until the integrator restarts.
        for ticket in [t for t in self._live if self._sessions.get(t) is None]:
            log.warning("Web Connector session for %s expired without closeConnection", self._live[ticket].company.name)
            del self._live[ticket]

    def _fail(self, ticket: str, live: _Live, text: str) -> str:
        live.failed, live.pending, live.last_error = True, False, text
        self._sessions.update(ticket, state="failed", last_error=text)
        log.warning("Web Connector session for %s failed: %s", live.company.name, text)
        return ""


_RESTARTED = "The integrator restarted during this update; the next update will carry on where it stopped."
_UNKNOWN_TICKET = "This update session is unknown or has expired; the next scheduled update will start a new one."


def _hresult(text: str) -> int:
    try:
        return int(text.strip(), 16) if text.strip().lower().startswith("0x") else int(text.strip())
    except ValueError:
        return 0x80040402


def _same_file(expected: str, actual: str) -> bool:
    return (
        PureWindowsPath(expected.strip()).as_posix().casefold() == PureWindowsPath(actual.strip()).as_posix().casefold()
    )
