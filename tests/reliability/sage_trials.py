"""The kill-and-restart trials both Sage editions run, over a world that keeps the books in a file.

A world runs one worker (killed after a time, or dying at a named moment), lets customers pay,
and checks both systems at the end; these functions drive it the same way for Sage 50 UK and
Sage 50 Canada.
"""

from __future__ import annotations

import random
from typing import Any, Protocol

KILLS = 4
WINDOW = (0.02, 0.5)  # when to kill, in seconds after the worker is ready (a clean first sync: ~0.4 s)
# Each nasty moment in turn: right after Sage saved an account and a posting, after Halo took an
# invoice's write-back and a payment; "pay" lets customers pay in between.
MOMENTS = ("sage:save", "sage:save", "sage:post", "halo:POST /api/Invoice", "pay", "halo:POST /api/InvoicePayment")


class SageWorld(Protocol):
    """What a trial needs of one edition's durable world."""

    def run(self, kill_after: float | None, die_after: str = "") -> dict[str, Any] | None:
        """One worker run: its summary, or None when it was killed."""

    def pay(self) -> int:
        """Customers pay some invoices in the books; how many."""

    def check(self, posted_before: set[int]) -> None:
        """Every record in both systems exactly once."""


def writes(summary: dict[str, Any]) -> dict[str, int]:
    """What a run wrote anywhere, by flow and action."""
    actions = ("created", "updated", "create", "link")
    return {f"{flow}.{a}": n for flow, counts in summary["counts"].items() for a, n in counts.items() if a in actions}


def killed_until_done(world: SageWorld, posted_before: set[int], number: int) -> None:
    """Kill runs at random moments until one finishes, let the last payments through, then check."""
    rng = random.Random(number)
    kills = payments = 0
    for attempt in range(KILLS + 1):
        payments += world.pay()  # customers pay as the runs go on, so payments are interrupted too
        low, high = WINDOW
        kill_after = rng.uniform(low, high * (attempt + 1) / KILLS) if attempt < KILLS else None
        summary = world.run(kill_after)
        if summary is None:
            kills += 1
            continue
        assert summary["stopped"] is None, summary
        assert summary["errors"] == [], summary
        break
    payments += world.pay()
    settled = world.run(None)  # the last payments reach Halo
    assert settled is not None
    final = world.run(None)
    assert final is not None
    assert writes(final) == {}, f"a clean run after the kills still wrote: {final}"
    assert kills > 0
    assert payments > 0
    world.check(posted_before)


def dying_at_each_moment(world: SageWorld, posted_before: set[int]) -> None:
    """Die once at each nasty moment; two clean runs then land everything and write nothing more."""
    died = []
    for moment in MOMENTS:
        if moment == "pay":
            assert world.pay() > 0
        elif world.run(None, die_after=moment) is None:
            died.append(moment)
    assert died == [m for m in MOMENTS if m != "pay"]
    for _ in range(2):
        summary = world.run(None)
        assert summary is not None
        assert summary["errors"] == [], summary
    assert writes(summary) == {}, summary
    world.check(posted_before)
