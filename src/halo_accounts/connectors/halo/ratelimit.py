"""Client-side rolling-window rate limiting for Halo's API.

Hosted Halo allows 300 requests in any rolling 5-minute window and answers 429 beyond that.
Waiting on our side before the limit is hit is cheaper than being refused, so every request
(token calls included) passes :class:`RollingWindowLimiter` inside :class:`RateLimitedTransport`.
Clock and sleep are injected so tests run on virtual time.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import httpx

__all__ = ["RateLimitedTransport", "RollingWindowLimiter"]


class RollingWindowLimiter:
    """At most ``limit`` acquisitions in any ``window`` seconds; ``limit=None`` means no limit."""

    def __init__(
        self,
        limit: int | None,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited_seconds = 0.0
        self.acquired = 0

    def acquire(self) -> None:
        """Block until one more request fits in the window, then count it."""
        with self._lock:
            if self.limit is not None:
                now = self._clock()
                while self._sent and self._sent[0] + self.window <= now:
                    self._sent.popleft()
                if len(self._sent) >= self.limit:
                    pause = self._sent[0] + self.window - now
                    if pause > 0:
                        self.waited_seconds += pause
                        self._sleep(pause)
                    # We waited for exactly this one to leave the window; dropping it directly
                    # avoids spinning on float rounding at the window's edge.
                    self._sent.popleft()
                self._sent.append(self._clock())
            self.acquired += 1

    def hold_off(self, seconds: float) -> None:
        """Wait out a refusal (429): nothing goes out for ``seconds``."""
        if seconds > 0:
            with self._lock:
                self.waited_seconds += seconds
                self._sleep(seconds)


class RateLimitedTransport(httpx.BaseTransport):
    """Wraps a transport so that every request first passes the limiter."""

    def __init__(self, inner: httpx.BaseTransport, limiter: RollingWindowLimiter) -> None:
        self._inner = inner
        self.limiter = limiter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Wait for a slot, then send."""
        self.limiter.acquire()
        return self._inner.handle_request(request)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()
