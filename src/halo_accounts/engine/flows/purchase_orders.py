"""Purchase orders, Halo → books, with the books' reference written back to ``accounts_ref``.

Halo's purchase-order list carries no lines, so each order not yet in the books is read on its
own (orders are few). The supplier and every item must be in the books first; a line without a
Halo item uses the integrator's catch-all item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from halo_accounts.connectors.halo.resources import PURCHASE_ORDER, PurchaseOrderRecord
from halo_accounts.domain import PurchaseOrder
from halo_accounts.engine.context import FlowContext
from halo_accounts.engine.flows.invoices import ensure_fallback_item, resolve_items
from halo_accounts.engine.writes import WriteRequest, write_through_outbox
from halo_accounts.errors import RecordError
from halo_accounts.mapping.halo import content_hash, purchase_order_from_halo
from halo_accounts.ports.books import PurchaseOrderWrite, WriteResult
from halo_accounts.store.state import Binding

FLOW = "purchase_orders"
ENTITY = "purchase_order"


def run(ctx: FlowContext) -> None:
    """Send every Halo purchase order not yet in the books."""
    state = ctx.state
    bound, suppliers, items = state.bindings(ENTITY), state.bindings("supplier"), state.bindings("item")
    limit = ctx.books.capabilities.invoice_number_limit
    writes: list[WriteRequest] = []
    write_backs: list[PurchaseOrderRecord] = []
    for summary in ctx.halo.iterate(PURCHASE_ORDER):
        if summary.id is None:
            continue
        label = f"purchase order {summary.po_ref or summary.id} (Halo {summary.id})"
        existing = bound.get(str(summary.id))
        if existing is not None:
            if (summary.accounts_ref or "") != existing.books_number:
                write_backs.append(PurchaseOrderRecord(id=summary.id, accounts_ref=existing.books_number))
            ctx.report.note(FLOW, "skip", label, "already in the books")
            continue
        order = purchase_order_from_halo(ctx.halo.get(PURCHASE_ORDER, summary.id))
        try:
            write = _resolve(ctx, order, suppliers, items, label, limit)
        except RecordError as exc:
            ctx.report.failed(FLOW, label, exc)
            if not ctx.dry_run:
                state.record_error(ENTITY, str(order.halo_id), exc)
            continue
        writes.append(
            WriteRequest(str(order.halo_id), label, content_hash(order, ignore=("accounts_ref",)), "create", write)
        )
    if any(0 in w.write.item_ids for w in writes) and not ctx.dry_run:
        fallback = ensure_fallback_item(ctx, items)
        writes = [replace(w, write=_with_item(w.write, fallback)) for w in writes]
    for request, result in write_through_outbox(
        ctx, FLOW, ENTITY, writes, ctx.books.write_purchase_orders, _finder(ctx)
    ):
        if result.ok:
            write_backs.append(
                PurchaseOrderRecord(id=int(request.halo_id), accounts_ref=result.number or request.write.number)
            )
    if write_backs and not ctx.dry_run:
        ctx.halo.save(PURCHASE_ORDER, write_backs)


def _resolve(
    ctx: FlowContext,
    order: PurchaseOrder,
    suppliers: dict[str, Binding],
    items: dict[str, Binding],
    label: str,
    limit: int,
) -> PurchaseOrderWrite:
    caps = ctx.books.capabilities
    supplier = suppliers.get(str(order.supplier_halo_id))
    if supplier is None:
        msg = (
            f"{caps.name} has no vendor for {label}: Halo supplier {order.supplier_halo_id} is not synced. "
            "Sync suppliers first."
        )
        raise RecordError(msg, record=label)
    item_ids = resolve_items(ctx, [line.item_halo_id for line in order.lines], items, label)
    number = order.number if len(order.number) <= limit else f"H{order.halo_id}"[:limit]
    return PurchaseOrderWrite(order, supplier.books_id, number, item_ids)


def _with_item(write: PurchaseOrderWrite, fallback: str) -> PurchaseOrderWrite:
    return PurchaseOrderWrite(write.order, write.supplier_id, write.number, {**write.item_ids, 0: fallback})


def _finder(ctx: FlowContext) -> Callable[[PurchaseOrderWrite], WriteResult | None]:
    def find(write: PurchaseOrderWrite) -> WriteResult | None:
        books_id = ctx.books.find_purchase_orders([write.number]).get(write.number)
        return WriteResult("", books_id=books_id, number=write.number) if books_id else None

    return find
