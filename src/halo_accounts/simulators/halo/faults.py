"""Fault injection knobs and the rolling-window rate limiter.

Hosted Halo allows 300 requests per rolling 5-minute window and answers 429 with
``{"error": "Rate Limit Reached - 300 Requests per rolling 5 minute window"}`` (research
§1.5); no ``Retry-After`` header has been observed, so none is sent unless a test asks.
Injected faults (429 bursts, 5xx) hit ``/api/{Entity}`` calls in arrival order, in the order
they were injected.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from decimal import Decimal

__all__ = ["Faults", "RateLimiter", "rate_limit_message"]


def _figure(value: float) -> str:
    number = Decimal(repr(value)).normalize()
    return format(number, "f")


def rate_limit_message(limit: int, window_seconds: float) -> str:
    """Halo's 429 text, with the configured numbers."""
    return f"Rate Limit Reached - {limit} Requests per rolling {_figure(window_seconds / 60)} minute window"


class RateLimiter:
    """Counts requests in a rolling window; requests answered 429 are not counted."""

    def __init__(self, limit: int | None, window_seconds: float) -> None:
        if limit is not None and limit <= 0:
            msg = "rate_limit must be positive, or None to disable it"
            raise ValueError(msg)
        self.limit = limit
        self.window_seconds = window_seconds
        self._stamps: deque[float] = deque()

    @property
    def message(self) -> str:
        """The body text of a 429 from this limiter."""
        return rate_limit_message(self.limit or 0, self.window_seconds)

    def over_limit(self, now: float) -> bool:
        """Whether a request arriving at ``now`` (epoch seconds) must be refused."""
        if self.limit is None:
            return False
        while self._stamps and self._stamps[0] <= now - self.window_seconds:
            self._stamps.popleft()
        return len(self._stamps) >= self.limit

    def record(self, now: float) -> None:
        """Count one accepted request."""
        if self.limit is not None:
            self._stamps.append(now)

    @property
    def in_window(self) -> int:
        """How many counted requests are currently held (before pruning)."""
        return len(self._stamps)

    def clear(self) -> None:
        """Forget every counted request."""
        self._stamps.clear()


class Faults:
    """Knobs a test turns to make the simulator misbehave the way real Halo can."""

    def __init__(
        self,
        lock: threading.RLock,
        expire_tokens: Callable[[], None],
        change_secret: Callable[[str, bool], None],
    ) -> None:
        self._lock = lock
        self._expire_tokens = expire_tokens
        self._change_secret = change_secret
        self._pending: deque[int] = deque()
        self.latency_seconds: float = 0.0
        self.send_retry_after: float | None = None

    def rate_limit_burst(self, n: int) -> None:
        """Answer the next ``n`` API requests with 429."""
        self._queue(n, 429)

    def server_errors(self, n: int, status: int = 500) -> None:
        """Answer the next ``n`` API requests with ``status`` (a 5xx)."""
        if not 500 <= status <= 599:
            msg = f"server_errors needs a 5xx status, not {status}"
            raise ValueError(msg)
        self._queue(n, status)

    def expire_all_tokens(self) -> None:
        """Make every issued access token invalid, as if they had all timed out."""
        self._expire_tokens()

    def rotate_secret(self, new_secret: str, revoke_tokens: bool = False) -> None:
        """Change the application's secret; the old one then gets ``invalid_client``."""
        self._change_secret(new_secret, revoke_tokens)

    @property
    def pending(self) -> list[int]:
        """Statuses still queued for the next API requests, in order."""
        with self._lock:
            return list(self._pending)

    def take(self) -> int | None:
        """Pop the status the next API request must get, if any fault is queued."""
        with self._lock:
            return self._pending.popleft() if self._pending else None

    def clear(self) -> None:
        """Remove every queued fault and reset the latency and Retry-After knobs."""
        with self._lock:
            self._pending.clear()
            self.latency_seconds = 0.0
            self.send_retry_after = None

    def _queue(self, n: int, status: int) -> None:
        if n < 0:
            msg = "the number of faulty requests cannot be negative"
            raise ValueError(msg)
        with self._lock:
            self._pending.extend([status] * n)
