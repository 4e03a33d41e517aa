"""The simulated tenant's data: tables, id counters, issued tokens, the request log, the clock.

Records are stored as Python values (``Decimal`` money, aware UTC ``datetime``), never as
JSON; ``render`` turns them into Halo's wire shape. Ids are per entity, start at 1 and are
never reused, as in a SQL identity column.

Payments are also indexed by invoice id, so settling or showing one invoice does not scan
every payment of the tenant; ``writes`` keeps the index in step with the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from halo_accounts.simulators.halo.fields import truncate_ms
from halo_accounts.simulators.halo.resources import ENTITIES

__all__ = [
    "Clock",
    "Credentials",
    "Record",
    "RequestRecord",
    "SimState",
    "TokenGrant",
    "utc_now",
]

Clock = Callable[[], datetime]
Record = dict[str, Any]

LINE_TABLES = ("InvoiceDetail", "SupplierOrderDetail")


def utc_now() -> datetime:
    """The real clock: now, timezone-aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP request the simulator answered (the ``/_sim`` control plane excluded)."""

    method: str
    path: str
    query: dict[str, str]
    status: int


@dataclass(frozen=True)
class TokenGrant:
    """What an issued access token carries."""

    scopes: frozenset[str]
    expires_at: datetime


@dataclass
class Credentials:
    """The API application's identity: client id, secret and the tenant it lives in."""

    client_id: str
    client_secret: str
    tenant: str


@dataclass
class SimState:
    """Everything a reset clears, plus the clock."""

    clock: Clock
    tables: dict[str, dict[int, Record]] = field(default_factory=lambda: {entity: {} for entity in ENTITIES})
    counters: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, TokenGrant] = field(default_factory=dict)
    requests: list[RequestRecord] = field(default_factory=list)
    payments_by_invoice: dict[int, dict[int, Record]] = field(default_factory=dict)
    _indexed_payments: int = field(default=0, init=False, repr=False)

    def now(self) -> datetime:
        """The simulator clock, in UTC, to the millisecond (what the wire can carry)."""
        moment = self.clock()
        if moment.tzinfo is None:
            msg = "the simulator clock must return timezone-aware datetimes"
            raise ValueError(msg)
        return truncate_ms(moment.astimezone(UTC))

    def next_id(self, table: str) -> int:
        """Allocate the next id of a table (an entity or a line table)."""
        value = self.counters.get(table, 0) + 1
        self.counters[table] = value
        return value

    def peek_id(self, table: str) -> int:
        """The id the next ``next_id`` call would return, without allocating it."""
        return self.counters.get(table, 0) + 1

    def index_payment(self, payment: Record) -> None:
        """Record (or refresh) a stored payment under its invoice."""
        invoice_id = payment.get("invoice_id")
        if isinstance(invoice_id, int):
            bucket = self.payments_by_invoice.setdefault(invoice_id, {})
            self._indexed_payments += payment["id"] not in bucket
            bucket[payment["id"]] = payment

    def unindex_payment(self, payment: Record) -> None:
        """Forget a payment that was deleted or moved to another invoice."""
        invoice_id = payment.get("invoice_id")
        if not isinstance(invoice_id, int):
            return
        bucket = self.payments_by_invoice.get(invoice_id)
        if bucket is not None and bucket.pop(payment["id"], None) is not None:
            self._indexed_payments -= 1
            if not bucket:
                del self.payments_by_invoice[invoice_id]

    def payments_of(self, invoice_id: object) -> list[Record]:
        """The stored payments of one invoice, in id order (as a scan of the table gives)."""
        if not isinstance(invoice_id, int):
            return []
        table = self.tables["InvoicePayment"]
        bucket = self.payments_by_invoice.get(invoice_id, {})
        # ``HaloSimulator.tables`` is live, so a test may have added, removed or replaced
        # payments by hand: rebuild the index when it no longer agrees with the table.
        stale = len(table) != self._indexed_payments or any(
            table.get(key) is not row or row.get("invoice_id") != invoice_id for key, row in bucket.items()
        )
        if stale:
            self.payments_by_invoice.clear()
            self._indexed_payments = 0
            for payment in table.values():
                self.index_payment(payment)
            bucket = self.payments_by_invoice.get(invoice_id, {})
        return [bucket[key] for key in sorted(bucket)]

    def clear(self) -> None:
        """Empty every table and forget counters, tokens and the request log."""
        for rows in self.tables.values():
            rows.clear()
        self.payments_by_invoice.clear()
        self._indexed_payments = 0
        self.counters.clear()
        self.tokens.clear()
        self.requests.clear()
