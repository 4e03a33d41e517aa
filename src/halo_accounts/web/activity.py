"""Records moved and failed per day, from the run history, and the bars of the overview's chart.

Drawn as inline SVG by the template (no script, no CDN): one pair of bars per day over the last
30 days, moved in green and failed in red, scaled to the busiest day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from halo_accounts.store import stored_utc

__all__ = ["DAYS", "Day", "activity", "chart"]

DAYS = 30
_MOVED = ("created", "updated", "link", "create")
_HEIGHT = 80.0


@dataclass(frozen=True)
class Day:
    """One day's totals."""

    day: dt.date
    moved: int
    failed: int


def activity(history: Sequence[dict[str, Any]], now: dt.datetime, days: int = DAYS) -> list[Day]:
    """The last ``days`` days (oldest first), each with the records moved and failed by real runs."""
    first = now.date() - dt.timedelta(days=days - 1)
    moved = dict.fromkeys((first + dt.timedelta(days=n) for n in range(days)), 0)
    failed = dict(moved)
    for run in history:
        started = run.get("started_at")
        if not isinstance(started, dt.datetime) or run.get("dry_run"):
            continue
        day = stored_utc(started).date()
        if day not in moved:
            continue
        for counts in run.get("flows", {}).values():
            moved[day] += sum(int(counts.get(action, 0)) for action in _MOVED)
            failed[day] += int(counts.get("failed", 0))
    return [Day(day, moved[day], failed[day]) for day in moved]


def chart(days: Sequence[Day]) -> list[dict[str, Any]]:
    """Bar heights (in SVG units) and labels for each day."""
    peak = max([1, *(d.moved for d in days), *(d.failed for d in days)])
    return [
        {
            "x": n * 10,
            "day": d.day.isoformat(),
            "moved": d.moved,
            "failed": d.failed,
            "moved_h": round(_HEIGHT * d.moved / peak, 1),
            "failed_h": round(_HEIGHT * d.failed / peak, 1),
        }  # fmt: skip
        for n, d in enumerate(days)
    ]
