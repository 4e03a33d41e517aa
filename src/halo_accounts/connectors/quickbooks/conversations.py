"""Conversations with QuickBooks as generators, so one piece of engine code runs over every transport.

A conversation is started with the company's profile and yields what it wants sent: a
:class:`Batch` of requests, or :class:`Pending` while it is still preparing work (reading Halo,
say). It receives an :class:`Answer` for each batch: every request paired with its response,
the requests that could not even be built (a name too long for this edition), or the failure
of the whole message (an HRESULT). It returns a one-line summary.

:class:`ConversationSession` steps one conversation and turns batches into qbXML text and text
back into answers. :func:`run_over_transport` drives it over COM or the simulator in a loop;
the Web Connector server drives the same session across its SOAP calls. Iterators live only
inside one QuickBooks session, so conversations must be safe to restart from the top: the
durable state is the engine's cursor and outbox, never the generator.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field

from halo_accounts.connectors.quickbooks.qbxml.batch import pair_responses
from halo_accounts.connectors.quickbooks.qbxml.build import Request, Shortener, build_message
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version, choose_version
from halo_accounts.connectors.quickbooks.qbxml.host import CompanyProfile, profile_requests, read_profile
from halo_accounts.connectors.quickbooks.qbxml.parse import Response, parse_message
from halo_accounts.connectors.quickbooks.transports.base import Transport, open_session
from halo_accounts.errors import RecordError, SyncError

__all__ = [
    "Answer",
    "Batch",
    "Raw",
    "Conversation",
    "ConversationFactory",
    "ConversationSession",
    "Pending",
    "run_over_transport",
]


@dataclass(frozen=True, slots=True)
class Batch:
    """Requests to send in one qbXML message."""

    requests: Sequence[Request]
    on_error: str = "continueOnError"  # independent writes; use stopOnError for dependent chains
    progress: int | None = None  # percent done once this batch is answered, if the sender knows


@dataclass(frozen=True, slots=True)
class Raw:
    """A whole qbXML message the sender built itself (the engine's books session does)."""

    xml: str
    progress: int | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    """Nothing to send yet; ask again shortly (the Web Connector's ``NoOp``)."""

    reason: str = "preparing work"


@dataclass(frozen=True, slots=True)
class Answer:
    """What came back for one batch."""

    pairs: list[tuple[Request, Response | None]] = field(default_factory=list)
    rejected: list[tuple[Request, SyncError]] = field(default_factory=list)  # never sent
    failure: SyncError | None = None  # QuickBooks refused or lost the whole message
    raw: str | None = None  # QuickBooks' answer to a Raw message, as text


Step = Batch | Raw | Pending
Conversation = Generator[Step, Answer | None, str]
ConversationFactory = Callable[[CompanyProfile], Conversation]


class ConversationSession:
    """One conversation in progress: what to send next, and where its answer goes."""

    def __init__(
        self,
        conversation: Conversation,
        profile: CompanyProfile,
        *,
        version: Version | None = None,
        shortener: Shortener | None = None,
    ) -> None:
        self.profile = profile
        self.version = version or profile.version
        self._conversation = conversation
        self._shortener = shortener
        self._waiting: Batch | Raw | None = None  # sent, not yet answered
        self._sent_requests: list[Request] = []
        self._rejected: list[tuple[Request, SyncError]] = []
        self._next: Step | None = None
        self._started = False
        self.summary: str | None = None
        self.progress = 0
        self.messages_sent = 0
        self.requests_sent = 0

    @property
    def finished(self) -> bool:
        """True once the conversation has returned its summary."""
        return self.summary is not None

    def next_message(self) -> str | Pending | None:
        """The next qbXML message, ``Pending`` to wait, or ``None`` when the conversation is over."""
        if self.finished:
            return None
        if self._waiting is not None:
            msg = "The previous message has not been answered yet."
            raise RuntimeError(msg)
        while True:
            step = self._advance(None) if not self._started or self._next is None else self._next
            self._next = None
            if step is None:
                return None
            if isinstance(step, Pending):
                return step  # the conversation is asked again (it receives None) on the next call
            if isinstance(step, Raw):
                self._waiting, self._sent_requests, self._rejected = step, [], []
                self.messages_sent += 1
                return step.xml
            xml, sent, rejected = self._render(step)
            if xml is None:  # every request was rejected before sending
                self._next = self._advance(Answer(rejected=rejected))
                continue
            self._waiting, self._sent_requests, self._rejected = step, sent, rejected
            self.messages_sent += 1
            self.requests_sent += len(sent)
            return xml

    def deliver(self, response_xml: str) -> None:
        """Hand QuickBooks' answer to the conversation."""
        batch = self._take_waiting()
        if batch.progress is not None:
            self.progress = max(self.progress, min(99, batch.progress))
        if isinstance(batch, Raw):
            self._next = self._advance(Answer(raw=response_xml))
            return
        try:
            pairs = pair_responses(self._sent_requests, parse_message(response_xml))
        except SyncError as exc:
            self._next = self._advance(Answer(rejected=self._rejected, failure=exc))
            return
        self._next = self._advance(Answer(pairs=pairs, rejected=self._rejected))

    def fail(self, error: SyncError) -> None:
        """Tell the conversation the whole message failed (an HRESULT instead of an answer)."""
        self._take_waiting()
        self._next = self._advance(Answer(rejected=self._rejected, failure=error))

    def _take_waiting(self) -> Batch | Raw:
        if self._waiting is None:
            msg = "No message is waiting for an answer."
            raise RuntimeError(msg)
        batch, self._waiting = self._waiting, None
        return batch

    def _advance(self, answer: Answer | None) -> Step | None:
        try:
            if not self._started:
                self._started = True
                return next(self._conversation)
            return self._conversation.send(answer)
        except StopIteration as stop:
            self.summary = str(stop.value or "Done.")
            self.progress = 100
            return None

    def _render(self, batch: Batch) -> tuple[str | None, list[Request], list[tuple[Request, SyncError]]]:
        edition, version = self.profile.edition, self.version

        def build(requests: Sequence[Request], on_error: str = batch.on_error) -> str:
            shortener = self._shortener
            return build_message(requests, edition=edition, version=version, on_error=on_error, shortener=shortener)

        try:
            xml = build(batch.requests)
        except RecordError:
            pass  # at least one record cannot be written: find which, send the rest
        else:
            return xml, list(batch.requests), []
        sendable: list[Request] = []
        rejected: list[tuple[Request, SyncError]] = []
        for request in batch.requests:
            try:
                build([request])
            except RecordError as exc:
                rejected.append((request, exc))
            else:
                sendable.append(request)
        if not sendable:
            return None, [], rejected
        return build(sendable), sendable, rejected


def read_company_profile(transport: Transport) -> CompanyProfile:
    """Ask QuickBooks to describe the open company (HostQuery, CompanyQuery, PreferencesQuery)."""
    version = choose_version(transport.supported_versions())
    # These three queries carry no edition-specific elements, so any edition builds them.
    answer = transport.process(build_message(profile_requests(), edition=Edition.US, version=version))
    return read_profile(answer)


def run_over_transport(
    transport: Transport,
    start: ConversationFactory,
    *,
    wait: Callable[[float], None] = time.sleep,
    pending_pause_seconds: float = 1.0,
) -> str:
    """Run one conversation over a transport that QuickBooks answers directly (COM, simulator)."""
    with open_session(transport):
        profile = read_company_profile(transport)
        session = ConversationSession(start(profile), profile)
        while (message := session.next_message()) is not None:
            if isinstance(message, Pending):
                wait(pending_pause_seconds)
                continue
            try:
                answer = transport.process(message)
            except SyncError as exc:
                session.fail(exc)
            else:
                session.deliver(answer)
        return session.summary or "Done."
