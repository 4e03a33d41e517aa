"""Payments, books → Halo: each payment applied to an invoice the integrator sent, recorded once.

The books' payment and invoice ids form the key (``thirdpartyid``), so a payment is never
recorded twice, and Halo works out the invoice's paid status itself. Books that only say how much of
each invoice is paid so far (Sage 50 UK) give a key per paid-to-date total, and the new part is
recorded: paid 100, then 240 in all, makes two Halo payments, of 100 and 140. The key goes through the
outbox: it is marked sent before the POST, and one left sent by a crash (Halo may have saved it
without the answer arriving) is looked up in Halo by invoice and ``thirdpartyid`` first.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

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
    if not ctx.dry_run:
        _settle_unfinished(ctx, invoices)
    known = {b.books_id for b in state.bindings(ENTITY).values()}
    wanted: list[tuple[str, int, str, InvoicePaymentRecord]] = []  # (key, Halo invoice, label, record)
    for payment in ctx.books.payments(since):
        for invoice_books_id, applied in payment.applied:
            halo_invoice = invoices.get(invoice_books_id)
            amount, key = applied, f"{payment.books_id}:{invoice_books_id}"
            if payment.paid_to_date:  # only what was paid since the totals already recorded is new
                applied = applied.quantize(CENT)  # one spelling per amount: the total is part of the key
                so_far = _paid_so_far(known, invoice_books_id)
                if applied == so_far == 0:
                    continue  # nothing paid, nothing recorded: nothing to say
                amount, key = applied - so_far, f"{PAID_TO_DATE}{applied}:{invoice_books_id}"
            target = halo_invoice or invoice_books_id
            label = f"payment {payment.reference or payment.books_id} of {amount} to invoice {target}"
            if halo_invoice is None:
                ctx.report.note(FLOW, "skip", label, "not for an invoice the integrator sent")
                continue
            if amount < 0:  # checked first: the lower total may have been recorded on its way up
                reason = (
                    f"The books show {applied} paid on invoice {target}, less than the {applied - amount} Halo "
                    "records from them: a receipt was removed or reallocated. Correct the payments in Halo."
                )
                ctx.report.note(FLOW, "review", f"invoice {target}", reason)
                if not ctx.dry_run:
                    state.add_review(ENTITY, f"paid:{invoice_books_id}", reason, [])
                continue
            if key in known or amount == 0:
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


CENT = Decimal("0.01")
PAID_TO_DATE = "paid-to-date "  # the key of a payment made of what is paid so far: "paid-to-date 240.00:<invoice>"


def _paid_so_far(known: set[str], invoice_books_id: str) -> Decimal:
    """The highest paid-to-date total already recorded in Halo for an invoice (0 when none)."""
    suffix = f":{invoice_books_id}"
    totals = [
        Decimal(k[len(PAID_TO_DATE) : -len(suffix)]) for k in known if k.startswith(PAID_TO_DATE) and k.endswith(suffix)
    ]
    return max(totals, default=Decimal(0))


def _settle_unfinished(ctx: FlowContext, invoices: dict[str, str]) -> None:
    """Payments an interrupted run sent without hearing back: bound when Halo has them, else sent again.

    Settled before anything is decided, so a paid-to-date total counts what Halo really holds.
    """
    for entry in ctx.state.unfinished("halo"):
        halo_invoice = invoices.get(entry.halo_id.rsplit(":", 1)[-1]) if entry.entity == ENTITY else None
        if halo_invoice is None:
            continue
        recorded = _recorded_earlier(ctx, entry.halo_id, int(halo_invoice))
        if recorded is not None:
            _confirm(ctx, [Binding(ENTITY, str(recorded), entry.halo_id)])
        else:
            ctx.state.mark(entry.key, "failed", error="Halo did not record it; it is sent again")


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
