"""Run synchronous engine code over the Web Connector, where QuickBooks calls us instead.

The engine runs in a worker thread and talks to a :class:`BridgedTransport`, whose ``process``
hands the message to the Web Connector session and waits for QuickBooks' answer. The session
side is an ordinary conversation: it yields each message the engine sends as a ``Raw`` step,
and ``Pending`` while the engine is busy elsewhere (reading Halo), so the Web Connector is told
``NoOp`` and waits. If the engine finishes without needing QuickBooks at all, one cheap
company query is sent, so a session that was promised work never ends empty (that crashes the
Web Connector).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from halo_accounts.connectors.quickbooks.conversations import Answer, Conversation, ConversationFactory, Pending, Raw
from halo_accounts.connectors.quickbooks.qbxml.build import Request, build_message
from halo_accounts.connectors.quickbooks.qbxml.host import CompanyProfile
from halo_accounts.errors import FatalError, SyncError, TransientError

__all__ = ["BridgedTransport", "bridged_conversation"]

_ANSWER_TIMEOUT = 900.0  # the Web Connector may pause for a long time between calls


@dataclass(frozen=True, slots=True)
class _Done:
    summary: str
    error: BaseException | None = None


class BridgedTransport:
    """The engine thread's side: ``process`` waits until the Web Connector brings the answer."""

    def __init__(self, profile: CompanyProfile) -> None:
        self._profile = profile
        self.outgoing: queue.Queue[str | _Done] = queue.Queue(maxsize=1)
        self.incoming: queue.Queue[Answer] = queue.Queue(maxsize=1)
        self.messages = 0

    def begin_session(self) -> None:
        """The Web Connector opened the session already."""

    def supported_versions(self) -> Sequence[str]:
        """What QuickBooks said in the Web Connector's first call."""
        return self._profile.supported_versions

    def process(self, qbxml: str) -> str:
        """Send through the Web Connector and wait for QuickBooks' answer."""
        self.messages += 1
        self.outgoing.put(qbxml)
        try:
            answer = self.incoming.get(timeout=_ANSWER_TIMEOUT)
        except queue.Empty:
            msg = "The Web Connector stopped calling during the update; the next update will continue."
            raise TransientError(msg) from None
        if answer.failure is not None:
            raise answer.failure
        return answer.raw or ""

    def end_session(self) -> None:
        """The Web Connector closes the session itself."""


def bridged_conversation(
    run: Callable[[BridgedTransport, CompanyProfile], str],
    *,
    poll_seconds: float = 0.5,
) -> ConversationFactory:
    """A conversation factory that runs ``run`` (the engine) in a thread over the Web Connector."""

    def conversation(profile: CompanyProfile) -> Conversation:
        bridge = BridgedTransport(profile)

        def work() -> None:
            try:
                summary = run(bridge, profile)
            except BaseException as exc:  # noqa: BLE001 - handed to the session thread to report
                bridge.outgoing.put(_Done("", exc))
            else:
                bridge.outgoing.put(_Done(summary))

        worker = threading.Thread(target=work, name=f"sync-{profile.company_name}", daemon=True)
        worker.start()
        while True:
            try:
                item = bridge.outgoing.get(timeout=poll_seconds)
            except queue.Empty:
                yield Pending("the integrator is still preparing work")
                continue
            if isinstance(item, _Done):
                break
            answer = yield Raw(item)
            bridge.incoming.put(answer or Answer(failure=TransientError("No answer from QuickBooks.")))
        worker.join(timeout=5)
        if item.error is not None:
            if isinstance(item.error, SyncError):
                raise item.error
            msg = f"The sync stopped on an unexpected problem ({type(item.error).__name__}); see the integrator's log."
            raise FatalError(msg) from item.error
        if bridge.messages == 0:
            # Promised work must not end empty: ask QuickBooks something harmless.
            yield Raw(
                build_message(
                    [Request("CompanyQueryRq", request_id="c")], edition=profile.edition, version=profile.version
                )
            )
        return item.summary

    return conversation
