"""The one interface behind which QuickBooks is reached: open a session, process qbXML, close.

The COM request processor implements it directly; the company simulator can be wrapped to
implement it; the Web Connector turns it inside out (QuickBooks calls us), so it drives the
same conversations from the server side instead (see ``conversations``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

__all__ = ["Transport", "open_session"]


@runtime_checkable
class Transport(Protocol):
    """A way to hand qbXML to QuickBooks and get its answer, one message at a time."""

    def begin_session(self) -> None:
        """Connect to QuickBooks and open the company file."""

    def supported_versions(self) -> Sequence[str]:
        """The qbXML versions QuickBooks offers for this session (``QBXMLVersionsForSession``)."""

    def process(self, qbxml: str) -> str:
        """Send one qbXML message and return QuickBooks' answer; HRESULT failures raise ``SyncError``."""

    def end_session(self) -> None:
        """End the session and disconnect; must never raise."""


@contextmanager
def open_session(transport: Transport) -> Iterator[Transport]:
    """A session that is always ended, even on errors: a leaked session locks the company file."""
    transport.begin_session()
    try:
        yield transport
    finally:
        transport.end_session()
