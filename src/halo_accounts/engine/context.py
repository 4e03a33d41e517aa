"""What every flow works with: both systems, the durable state, the run's report, and the rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from halo_accounts.config import InvoiceSettings
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.errors import ConfigError, SyncError
from halo_accounts.ports.books import BooksSession
from halo_accounts.store.state import SyncState

__all__ = ["FlowContext", "PlanEntry", "RunReport"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One decision: create, update, link, skip, review or fail, with its reason."""

    flow: str
    action: str
    record: str
    reason: str = ""


@dataclass
class RunReport:
    """Counts per flow and every decision made (the dry-run plan is the same list)."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    plan: list[PlanEntry] = field(default_factory=list)
    errors: list[tuple[str, str, SyncError]] = field(default_factory=list)  # (flow, record, error)
    stopped: ConfigError | None = None

    def note(self, flow: str, action: str, record: str, reason: str = "") -> None:
        """Count a decision and keep it for the plan."""
        self.counts.setdefault(flow, Counter())[action] += 1
        self.plan.append(PlanEntry(flow, action, record, reason))

    def failed(self, flow: str, record: str, error: SyncError) -> None:
        """Count a failed record."""
        self.note(flow, "failed", record, error.user_message)
        self.errors.append((flow, record, error))

    @property
    def failures(self) -> int:
        """How many records failed."""
        return len(self.errors)


CURSOR_OVERLAP = timedelta(minutes=5)


@dataclass
class FlowContext:
    """Shared by the flows of one run."""

    halo: HaloClient
    books: BooksSession
    state: SyncState
    report: RunReport
    run_id: int
    dry_run: bool = False
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    invoice_rules: InvoiceSettings = field(default_factory=InvoiceSettings)
    _remembered: dict[str, Any] = field(default_factory=dict, repr=False)

    def read_once(self, key: str, read: Callable[[], T]) -> T:
        """A read of the books made once per run (the customer list both customer flows match against)."""
        if key not in self._remembered:
            self._remembered[key] = read()
        return cast(T, self._remembered[key])

    def changes_since(self, cursor: str, direction: str, *, overlap: timedelta = CURSOR_OVERLAP) -> datetime | None:
        """Where a read of changes starts (``direction``: to_books or from_books); ``None`` the first time.

        The saved cursor less an overlap: clocks differ, and a change saved while the last run read
        must not be missed.
        """
        saved = self.state.cursor(cursor, direction)
        return datetime.fromisoformat(saved) - overlap if saved else None

    def changes_read(self, cursor: str, direction: str) -> None:
        """Move a cursor to this run's start (never past it), once what it read is handled."""
        self.state.set_cursor(cursor, direction, self.started_at.isoformat())
