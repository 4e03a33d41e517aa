"""Payments, books → Halo: each payment applied to an invoice the integrator sent, recorded once.

The books' payment and invoice ids form the key (``thirdpartyid``), so a payment is never
recorded twice, and Halo works out the invoice's paid status itself. The key goes through the
outbox: it is marked sent before the POST, and one left sent by a crash (Halo may have saved it
without the answer arriving) is looked up in Halo by invoice and ``thirdpartyid`` first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from halo_accounts.connectors.halo.resources import INVOICE_PAYMENT, InvoicePaymentRecord
from halo_accounts.engine.context import FlowContext
from halo_accounts.store.state import Binding

FLOW = "payments"
ENTITY = "payment"
OVERLAP = timedelta(minutes=5)


def run(ctx: FlowContext) -> None:
    """Record in Halo the payments received in the books since the last run."""
    state = ctx.state
    saved = state.cursor(FLOW, "from_books")
    since = datetime.fromisoformat(saved) - OVERLAP if saved else None
    invoices = {b.books_id: halo_id for halo_id, b in state.bindings("invoice").items()}
    known = {b.books_id for b in state.bindings(ENTITY).values()}
    new: list[tuple[str, InvoicePaymentRecord]] = []
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
            if not ctx.dry_run and (recorded := _recorded_earlier(ctx, key, int(halo_invoice))) is not None:
                state.bind(Binding(ENTITY, str(recorded), key))
                state.mark(f"{state.company}:{ENTITY}:{key}", "confirmed", books_id=key)
                ctx.report.note(FLOW, "link", label, "found in Halo after an interrupted write")
                continue
            ctx.report.note(FLOW, "create", label)
            date = datetime.combine(payment.paid_on, datetime.min.time()) if payment.paid_on else None
            new.append(
                (key, InvoicePaymentRecord(invoice_id=int(halo_invoice), amount=amount, date=date, thirdpartyid=key))
            )
    if ctx.dry_run or not new:
        return
    for key, _ in new:
        state.mark(f"{state.company}:{ENTITY}:{key}", "sent")
    saved_records = ctx.halo.save(INVOICE_PAYMENT, [record for _, record in new])
    for (key, _), record in zip(new, saved_records, strict=False):
        state.bind(Binding(ENTITY, str(record.id), key))
        state.mark(f"{state.company}:{ENTITY}:{key}", "confirmed", books_id=key)
    state.set_cursor(FLOW, "from_books", ctx.started_at.isoformat())


def _recorded_earlier(ctx: FlowContext, key: str, halo_invoice: int) -> int | None:
    """Intend the write; if an earlier run may have sent it already, the Halo payment it made, if any."""
    state = ctx.state
    entry = state.intend(
        f"{state.company}:{ENTITY}:{key}", entity=ENTITY, halo_id=key, target="halo", action="create", run_id=ctx.run_id
    )
    if entry.state not in ("sent", "uncertain"):
        return None
    for record in ctx.halo.iterate(INVOICE_PAYMENT, invoice_id=halo_invoice):
        if record.thirdpartyid == key and record.id is not None:
            return record.id
    return None
