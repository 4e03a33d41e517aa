"""Fault-injection knobs: the ways a real QuickBooks session goes wrong (research §1.4, §6, §7.4).

Connection faults make ``begin_session`` raise the COM error QuickBooks' request processor
raises: not running with a file open (0x80040416), first access not yet granted by the
administrator (0x80040418), another application holding the file in single-user mode
(0x80040422). Request faults answer write requests with a status code: a record in use by
another user (3170/3175), insufficient permission in a read-only session (3260); a closing
date refuses transactions dated on or before it (3171). ``drop_session_after(n)`` lets n more
requests through, then the session dies mid-message (0x80040402). ``processing_delay_seconds``
makes each request slow (QuickBooks handles one request at a time); ``iterator_idle_seconds``
expires iterators left idle that long (by the company's clock).
"""

from __future__ import annotations

from datetime import date

__all__ = ["QuickBooksFaults"]

_IN_USE_CODES = (3170, 3175, 3176)


class QuickBooksFaults:
    """The knobs of one company; ``clear()`` turns them all off."""

    closing_date: date | None
    read_only: bool
    not_running: bool
    access_not_granted: bool
    single_user_conflict: bool
    processing_delay_seconds: float
    iterator_idle_seconds: float | None

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """No faults: QuickBooks running, access granted, nothing locked, no delays."""
        self.closing_date = None
        self.read_only = False
        self.not_running = False
        self.access_not_granted = False
        self.single_user_conflict = False
        self.processing_delay_seconds = 0.0
        self.iterator_idle_seconds = None
        self._in_use_left = 0
        self._in_use_code = 3170
        self._drop_after: int | None = None

    def record_in_use(self, n: int = 1, code: int = 3170) -> None:
        """The next ``n`` write requests find their record in use by another user."""
        if code not in _IN_USE_CODES:
            msg = f"code must be one of {_IN_USE_CODES}"
            raise ValueError(msg)
        if n < 0:
            msg = "n must not be negative"
            raise ValueError(msg)
        self._in_use_left = n
        self._in_use_code = code

    def drop_session_after(self, n: int) -> None:
        """Process ``n`` more requests, then drop the session in the middle of its message."""
        if n < 0:
            msg = "n must not be negative"
            raise ValueError(msg)
        self._drop_after = n

    def take_in_use(self) -> int | None:
        """For a write request: the in-use status code to answer, if the knob is still armed."""
        if self._in_use_left <= 0:
            return None
        self._in_use_left -= 1
        return self._in_use_code

    def drop_due(self) -> bool:
        """Whether the session must drop before the next request; fires once."""
        if self._drop_after == 0:
            self._drop_after = None
            return True
        return False

    def count_request(self) -> None:
        """One request was processed."""
        if self._drop_after is not None and self._drop_after > 0:
            self._drop_after -= 1
