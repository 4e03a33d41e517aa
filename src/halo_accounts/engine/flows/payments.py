"""Payments, books → Halo: each payment applied to an invoice the integrator sent, recorded once.

The books' payment and invoice ids form the key (``thirdpartyid``), so a payment is never
recorded twice, and Halo works out the invoice's paid status itself. The key goes through the
outbox: it is marked sent before the POST, and one left sent by a crash (Halo may have saved it
without the answer arriving) is looked up in Halo by invoice and ``thirdpartyid`` first.
"""

from __future__ import annotations

from datetime import datetime

from halo_accounts.connectors.halo.resources import INVOICE_PAYMENT, InvoicePaymentRecord
from halo_accounts.engine.context import FlowContext
from halo_accounts.store.state import Binding

FLOW = "payments"
ENTITY = "payment"


def run(ctx: FlowContext) -> None:
    """Record in Halo the payments received in the books since the last run."""
    state = ctx.state
    since = ctx.changes_since(FLOW, "from_books")
    invoices = {b.books_id: halo_id for halo_id, b in state.bindings("invoice").items()}
    known = {b.books_id for b in state.bindings(ENTITY).values()}
    wanted: list[tuple[str, int, str, InvoicePaymentRecord]] = []  # (key, Halo invoice, label, record)
    for payment in ctx.books.payments(since):
        for invoice_books_id, amount in payment.applied:
            halo_invoice = invoices.get(invoice_books_id)
            key = f"{payment.books_id}:{invoice_books_id}"
            target = halo_invoice or invoice_books_id
            label = f"payment {payment.reference or payment.books_id} of {amount} to invoice {target}"
            if halo_invoice is None:
                ctx.report.note(FLOW, "skip", label, "not for an invoice the integrator sent")
                continue
            if key in known:
                ctx.report.note(FLOW, "skip", label, "already in Halo")
                continue
            date = datetime.combine(payment.paid_on, datetime.min.time()) if payment.paid_on else None
            record = InvoicePaymentRecord(invoice_id=int(halo_invoice), amount=amount, date=date, thirdpartyid=key)
            wanted.append((key, int(halo_invoice), label, record))
    if ctx.dry_run:
        for _, _, label, _ in wanted:
            ctx.report.note(FLOW, "create", label)
        return
    # Every intention in one transaction; one an earlier run may have sent is looked up in Halo first.
    entries = state.intend_many(
        [(_outbox_key(ctx, key), key, "create") for key, _, _, _ in wanted], entity=ENTITY, target="halo",
        run_id=ctx.run_id,
    )  # fmt: skip
    found: list[Binding] = []
    new: list[tuple[str, InvoicePaymentRecord]] = []
    for key, invoice_id, label, record in wanted:
        earlier = entries[_outbox_key(ctx, key)].state in ("sent", "uncertain")
        if earlier and (recorded := _recorded_earlier(ctx, key, invoice_id)) is not None:
            found.append(Binding(ENTITY, str(recorded), key))
            ctx.report.note(FLOW, "link", label, "found in Halo after an interrupted write")
            continue
        ctx.report.note(FLOW, "create", label)
        new.append((key, record))
    _confirm(ctx, found)
    if new:
        state.mark_many([_outbox_key(ctx, key) for key, _ in new], "sent")
        saved_records = ctx.halo.save(INVOICE_PAYMENT, [record for _, record in new])
        _confirm(ctx, [Binding(ENTITY, str(r.id), key) for (key, _), r in zip(new, saved_records, strict=False)])
    ctx.changes_read(FLOW, "from_books")


def _outbox_key(ctx: FlowContext, key: str) -> str:
    return f"{ctx.state.company}:{ENTITY}:{key}"


def _confirm(ctx: FlowContext, recorded: list[Binding]) -> None:
    """Bind Halo's payments to their books keys, then confirm their outbox entries (one transaction each)."""
    ctx.state.bind_many(recorded)
    keys = {_outbox_key(ctx, b.books_id): b.books_id for b in recorded}
    ctx.state.mark_many(list(keys), "confirmed", books_ids=keys)


def _recorded_earlier(ctx: FlowContext, key: str, halo_invoice: int) -> int | None:
    """The Halo payment an earlier, interrupted run made for ``key``, if any."""
    for record in ctx.halo.iterate(INVOICE_PAYMENT, invoice_id=halo_invoice):
        if record.thirdpartyid == key and record.id is not None:
            return record.id
    return None
