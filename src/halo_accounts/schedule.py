"""When a company may sync: its interval, its optional sync window (e.g. 19:00-07:00) and a pause.

Times of day are the integrator computer's local time, as the finance team reads them. A window
whose end is before its start runs over midnight. Pure functions: the caller passes the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from halo_accounts.errors import ConfigError

__all__ = ["SyncWindow", "held_back", "is_due"]

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class SyncWindow:
    """A daily span of local time in which syncs may start."""

    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> SyncWindow | None:
        """``"19:00-07:00"`` → a window; ``""`` → ``None`` (any time); anything else → ``ConfigError``."""
        if not text.strip():
            return None
        invalid = f"The sync window '{text}' is not valid; write it as HH:MM-HH:MM, e.g. 19:00-07:00."
        match = _WINDOW.match(text)
        if match is None:
            raise ConfigError(invalid)
        start_hour, start_minute, end_hour, end_minute = (int(part) for part in match.groups())
        try:
            start, end = dt.time(start_hour, start_minute), dt.time(end_hour, end_minute)
        except ValueError:  # an hour or minute out of range
            raise ConfigError(invalid) from None
        if start == end:
            msg = f"The sync window '{text}' starts and ends at the same time; leave it empty to sync at any time."
            raise ConfigError(msg)
        return cls(start, end)

    def contains(self, moment: dt.time) -> bool:
        """Whether a sync may start at ``moment`` (start inclusive, end exclusive)."""
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # over midnight

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def is_due(
    *,
    now: dt.datetime,
    last_started: dt.datetime | None,
    every_minutes: int,
    window: SyncWindow | None,
    paused: bool,
) -> bool:
    """Whether a scheduled sync should start now; ``now`` and ``last_started`` are aware datetimes."""
    if held_back(now=now, window=window, paused=paused):
        return False
    return last_started is None or now - last_started >= dt.timedelta(minutes=every_minutes)


def held_back(*, now: dt.datetime, window: SyncWindow | None, paused: bool) -> str:
    """Why no sync may start at ``now`` ("paused", "outside 19:00-07:00"), or ``""`` when one may."""
    if paused:
        return "paused"
    if window is not None and not window.contains(now.astimezone().time()):
        return f"outside {window}"
    return ""
