"""``QuickBooksCompany``: one company file behind QuickBooks' request processor.

The surface mirrors ``QBXMLRP2`` (research §6): ``begin_session`` → ticket, ``process(ticket,
xml)`` → response text or a ``QuickBooksComError``, ``end_session``. Requests are handled
one at a time under a lock, as QuickBooks does. Each message is saved to the store as one
unit once it has been answered (or dropped part-way by the session-drop fault, in which case
the requests already processed stay applied).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from halo_accounts.simulators.quickbooks.company_info import company_ret, host_ret, preferences_ret
from halo_accounts.simulators.quickbooks.context import Context, Session
from halo_accounts.simulators.quickbooks.editions import EDITIONS
from halo_accounts.simulators.quickbooks.errors import (
    HRESULT_ACCESS_NOT_GRANTED,
    HRESULT_BAD_TICKET,
    HRESULT_NOT_RUNNING,
    HRESULT_SINGLE_USER,
    HRESULT_UNEXPECTED,
    MSG_ACCESS_NOT_GRANTED,
    MSG_BAD_TICKET,
    MSG_NOT_RUNNING,
    MSG_SINGLE_USER,
    MSG_UNEXPECTED,
    QuickBooksComError,
    StatusError,
    status_message,
)
from halo_accounts.simulators.quickbooks.faults import QuickBooksFaults
from halo_accounts.simulators.quickbooks.model import KINDS, State
from halo_accounts.simulators.quickbooks.processor import Message, RequestHooks, answer, read_message
from halo_accounts.simulators.quickbooks.render import render_document, status_element
from halo_accounts.simulators.quickbooks.schema import SCHEMA_FILE, default_schema_dir, load_schema
from halo_accounts.simulators.quickbooks.setup import initialise_company
from halo_accounts.simulators.quickbooks.store import open_store

__all__ = ["QuickBooksCompany"]

_MODES = ("SingleUser", "MultiUser", "DoNotCare")


class _Hooks(RequestHooks):
    def __init__(self, company: QuickBooksCompany, session: Session) -> None:
        self.company = company
        self.session = session

    def before(self, tag: str) -> None:
        faults = self.company.faults
        if faults.drop_due():
            self.company._drop(self.session)  # noqa: SLF001 - the hooks are the company's own
        if faults.processing_delay_seconds > 0:
            time.sleep(faults.processing_delay_seconds)

    def write_status(self, tag: str) -> StatusError | None:
        faults = self.company.faults
        if faults.read_only:
            return StatusError(3260, status_message(3260))
        code = faults.take_in_use()
        if code is not None:
            kind = tag.removesuffix("Rq").removesuffix("Add").removesuffix("Mod").removesuffix("Del")
            return StatusError(code, status_message(code, kind, ""))
        return None

    def after(self) -> None:
        self.company.requests_processed += 1
        self.company.faults.count_request()


def _public(value: Any) -> Any:
    """A copy without the simulator's own ``_`` keys, at any depth."""
    if isinstance(value, dict):
        return {key: _public(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [_public(item) for item in value]
    return value


class QuickBooksCompany:
    """A QuickBooks Desktop company file of one edition, in memory or in SQLite."""

    def __init__(
        self,
        edition: str = "US",
        company_file: str = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Northwind IT.qbw",
        store: str | Path | None = None,
        clock: Callable[[], datetime] | None = None,
        schema_dir: str | Path | None = None,
        *,
        validate_schema: bool = True,
        company_name: str | None = None,
    ) -> None:
        if edition not in EDITIONS:
            msg = f"edition must be one of {sorted(EDITIONS)}"
            raise ValueError(msg)
        self.profile = EDITIONS[edition]
        self.edition = edition
        self.company_file = company_file
        self.faults = QuickBooksFaults()
        self.requests_processed = 0
        self.messages_processed = 0
        self._clock = clock or (lambda: datetime.now(UTC))
        self._zone = self.profile.zone()
        folder = Path(schema_dir) if schema_dir is not None else default_schema_dir()
        self.schema_dir = folder if folder is not None and (folder / SCHEMA_FILE).is_file() else None
        self.validate_schema = validate_schema
        self._lock = threading.RLock()
        self._sessions: dict[str, Session] = {}
        self._dropped: set[str] = set()
        self._store = open_store(store)
        self._state = State()
        if not self._store.load(self._state):
            initialise_company(self._context(Session("setup", "DoNotCare")), company_file, company_name)
            self._store.save(self._state)
        elif self._state.meta.get("edition") != edition:
            msg = f"the store holds a {self._state.meta.get('edition')} company, not {edition}"
            raise ValueError(msg)

    # clock and context ---------------------------------------------------------------------
    def now(self) -> datetime:
        """The company's clock, in its own time zone."""
        moment = self._clock()
        if moment.tzinfo is None:
            msg = "the clock must return timezone-aware datetimes"
            raise ValueError(msg)
        return moment.astimezone(self._zone)

    def _context(self, session: Session) -> Context:
        modes = {s.mode for s in self._sessions.values()}
        return Context(
            self._state,
            self.profile,
            session,
            self.now(),
            iterator_idle_seconds=self.faults.iterator_idle_seconds,
            closing_date=self.faults.closing_date,
            file_mode="SingleUser" if "SingleUser" in modes else "MultiUser",
        )

    @property
    def schema(self) -> etree.XMLSchema | None:
        """The edition's compiled XSD, when validation is on and Intuit's files are present."""
        if not self.validate_schema or self.schema_dir is None:
            return None
        return load_schema(str(self.schema_dir), self.profile.sdk_code)

    # sessions ------------------------------------------------------------------------------
    def begin_session(self, mode: str = "DoNotCare") -> str:
        """``BeginSession``: a ticket, or the COM error a closed, unapproved or locked file gives."""
        if mode not in _MODES:
            msg = f"mode must be one of {_MODES}"
            raise ValueError(msg)
        faults = self.faults
        if faults.not_running:
            raise QuickBooksComError(HRESULT_NOT_RUNNING, MSG_NOT_RUNNING)
        if faults.access_not_granted:
            raise QuickBooksComError(HRESULT_ACCESS_NOT_GRANTED, MSG_ACCESS_NOT_GRANTED)
        if faults.single_user_conflict and mode in ("SingleUser", "DoNotCare"):
            raise QuickBooksComError(HRESULT_SINGLE_USER, MSG_SINGLE_USER)
        with self._lock:
            ticket = f"{{{uuid.uuid4()}}}"
            self._sessions[ticket] = Session(ticket, mode)
            return ticket

    def _session(self, ticket: str) -> Session:
        if ticket in self._dropped:
            raise QuickBooksComError(HRESULT_UNEXPECTED, MSG_UNEXPECTED, detail="the session was dropped")
        session = self._sessions.get(ticket)
        if session is None:
            raise QuickBooksComError(HRESULT_BAD_TICKET, MSG_BAD_TICKET)
        return session

    def versions_for_session(self, ticket: str) -> list[str]:
        """``QBXMLVersionsForSession``."""
        self._session(ticket)
        return list(self.profile.supported_versions)

    def end_session(self, ticket: str) -> None:
        """``EndSession``: the ticket and its iterators are gone (a dropped one ends quietly)."""
        with self._lock:
            if ticket in self._dropped:
                self._dropped.discard(ticket)
                return
            self._session(ticket)
            del self._sessions[ticket]

    def _drop(self, session: Session) -> None:
        self._sessions.pop(session.ticket, None)
        self._dropped.add(session.ticket)
        self._store.save(self._state)
        raise QuickBooksComError(HRESULT_UNEXPECTED, MSG_UNEXPECTED, detail="the session was dropped")

    # messages ------------------------------------------------------------------------------
    def process(self, ticket: str, request_xml: str) -> str:
        """``ProcessRequest``: the response qbXML, or ``QuickBooksComError`` for the whole message."""
        with self._lock:
            self.messages_processed += 1
            session = self._session(ticket)
            if self.faults.drop_due():
                self._drop(session)
            message = read_message(request_xml, self.profile, self.schema)
            return self._answer(session, message, _Hooks(self, session))

    def _answer(self, session: Session, message: Message, hooks: RequestHooks) -> str:
        ctx = self._context(session)
        try:
            responses = answer(ctx, message, hooks)
        finally:
            self._store.save(self._state)
        return render_document(responses)

    def process_trusted(self, request_xml: str) -> str:
        """Process without sessions, faults or counters: how the seed generator writes."""
        with self._lock:
            message = read_message(request_xml, self.profile, self.schema)
            return self._answer(Session("internal", "DoNotCare"), message, RequestHooks())

    def host_response_xml(self) -> str:
        """The ``strHCPResponse`` the Web Connector sends first: Host, Company and Preferences."""
        with self._lock:
            ctx = self._context(Session("host", "DoNotCare"))
            responses = []
            for tag, ret in (
                ("HostQueryRs", host_ret(ctx, ctx.file_mode)),
                ("CompanyQueryRs", company_ret(ctx)),
                ("PreferencesQueryRs", preferences_ret(ctx)),
            ):
                response = status_element(tag, None, 0)
                response.append(ret)
                responses.append(response)
            return render_document(responses)

    # introspection -------------------------------------------------------------------------
    def list_records(self, kind: str) -> list[dict[str, Any]]:
        """Every stored record of a kind, as QuickBooks-formatted strings (internal keys removed)."""
        if kind not in KINDS:
            msg = f"kind must be one of {KINDS}"
            raise ValueError(msg)
        with self._lock:
            return [_public(record) for record in self._state.records[kind].values()]

    @property
    def file_id(self) -> str:
        """A stable id of this company file (also in CompanyRet's DataExtRet ``FileID``)."""
        return str(self._state.meta.get("file_id", ""))

    def close(self) -> None:
        """Close the store (SQLite); the object must not be used afterwards."""
        self._store.close()
