"""One sync run: the enabled flows in dependency order, each recorded.

A per-record problem never stops the run; a configuration problem stops it once, with one
clear message.

Order: tax rates → items → customers (Halo → books, then books → Halo) → invoices and credit
notes → payments → suppliers → purchase orders.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import NamedTuple

from halo_accounts.config import Direction, FlowSettings, InvoiceSettings
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.engine.context import FlowContext, RunReport
from halo_accounts.engine.flows import (
    customer_import,
    customers,
    invoices,
    items,
    payments,
    purchase_orders,
    suppliers,
    tax_rates,
)
from halo_accounts.engine.identity import check_books_identity
from halo_accounts.errors import ConfigError, RecordError, TransientError
from halo_accounts.ports.books import BooksSession, Capabilities
from halo_accounts.store.state import SyncState

__all__ = ["FLOW_ORDER", "run_sync"]


class Flow(NamedTuple):
    """One step of a run: its name in reports, the setting that switches it, and its direction.

    ``supported`` says whether a set of books can take part (``None``: every one can).
    """

    name: str
    run: Callable[[FlowContext], None]
    direction: Direction
    setting: str
    supported: Callable[[Capabilities], bool] | None = None


FLOW_ORDER: tuple[Flow, ...] = (
    Flow("tax_rates", tax_rates.run, Direction.FROM_BOOKS, "tax_rates"),
    Flow("items", items.run, Direction.TO_BOOKS, "items"),
    Flow("customers", customers.run, Direction.TO_BOOKS, "customers"),
    # After the other direction, so that every customer that can be matched is linked first.
    Flow(customer_import.FLOW, customer_import.run, Direction.FROM_BOOKS, "customers"),
    Flow("invoices", invoices.run, Direction.TO_BOOKS, "invoices"),
    Flow("payments", payments.run, Direction.FROM_BOOKS, "payments", lambda books: books.reads_payments),
    Flow("suppliers", suppliers.run, Direction.TO_BOOKS, "suppliers"),
    Flow("purchase_orders", purchase_orders.run, Direction.TO_BOOKS, "purchase_orders", lambda b: b.purchase_orders),
)


def run_sync(
    halo: HaloClient,
    books: BooksSession,
    state: SyncState,
    flows: FlowSettings,
    *,
    only: Iterable[str] | None = None,
    dry_run: bool = False,
    clock: Callable[[], datetime] | None = None,
    on_flow_done: Callable[[str, dict[str, int]], None] | None = None,
    invoice_rules: InvoiceSettings | None = None,
    lock_held: bool = False,
    books_identity: str | None = None,
) -> RunReport:
    """Run the enabled flows; per-record problems are recorded and never stop the run.

    A real run holds the company's lock, so two runs never decide the same writes; a dry run
    changes nothing and needs none. ``TransientError`` when another run holds it. A caller that
    took the lock itself (to hold it before opening the books) says so with ``lock_held``.
    ``books_identity`` (see :mod:`halo_accounts.engine.identity`) stops a run whose books are not
    the ones the company's links were made with.
    """
    with nullcontext() if dry_run or lock_held else state.exclusive():
        return _run_flows(
            halo, books, state, flows, only=only, dry_run=dry_run, clock=clock, on_flow_done=on_flow_done,
            invoice_rules=invoice_rules, books_identity=books_identity,
        )  # fmt: skip


def _run_flows(
    halo: HaloClient,
    books: BooksSession,
    state: SyncState,
    flows: FlowSettings,
    *,
    only: Iterable[str] | None,
    dry_run: bool,
    clock: Callable[[], datetime] | None,
    on_flow_done: Callable[[str, dict[str, int]], None] | None,
    invoice_rules: InvoiceSettings | None,
    books_identity: str | None,
) -> RunReport:
    clock = clock or (lambda: datetime.now(UTC))
    report = RunReport()
    wanted = set(only) if only else None
    run_id = state.start_run(dry_run=dry_run)
    if books_identity is not None:
        try:
            check_books_identity(state, books_identity, dry_run=dry_run)
        except ConfigError as exc:
            report.stopped = exc
            if not dry_run:
                state.finish_run(run_id, "failed", exc.user_message)
            return report
    ctx = FlowContext(
        halo,
        books,
        state,
        report,
        run_id,
        dry_run=dry_run,
        clock=clock,
        started_at=clock(),
        invoice_rules=invoice_rules or InvoiceSettings(),
    )
    outcome = "ok"
    for name, flow, direction, setting_name, supported in FLOW_ORDER:
        setting = getattr(flows, setting_name)
        if setting not in (direction, Direction.BOTH) or (wanted and setting_name not in wanted):
            continue
        if supported is not None and not supported(books.capabilities):
            report.note(
                name, "skip", f"the {name.replace('_', ' ')} flow", f"not available for {books.capabilities.name} yet"
            )
            continue
        started = time.perf_counter()
        flow_outcome = "ok"
        try:
            flow(ctx)
        except ConfigError as exc:
            report.stopped = exc
            flow_outcome = outcome = "failed"
        except (TransientError, RecordError) as exc:
            report.failed(name, f"the {name.replace('_', ' ')} flow", exc)
            flow_outcome = "failed"
        counts = dict(report.counts.get(name, {}))
        if not dry_run:
            state.finish_flow(run_id, name, counts, time.perf_counter() - started, flow_outcome)
        if on_flow_done is not None:
            on_flow_done(name, counts)
        if report.stopped is not None:
            break
    if outcome == "ok" and report.failures:
        outcome = "partial"
    if not dry_run:
        state.finish_run(run_id, outcome, report.stopped.user_message if report.stopped else "")
    return report
