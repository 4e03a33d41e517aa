"""Invoices and credit notes, Halo → books, with the books' id and number written back to Halo.

Dependencies must be in the books first: the customer, every item, and a tax code for every
line's Halo tax rate (CA/UK/AU), or one sales tax rate per invoice (US). A missing one makes
the invoice fail or wait for review, with a message that says which and what to do; the rest
of the run goes on. Halo's invoice number becomes the books' reference when it fits, else a
deterministic ``H<id>``. After each confirmed write Halo gets the books' id, number and the
posted flag, in batched POSTs; a books total that differs from Halo's puts the invoice up for
review with both totals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from itertools import islice

from halo_accounts.connectors.halo.resources import INVOICE, InvoiceRecord
from halo_accounts.domain import Invoice, Item, ItemKind
from halo_accounts.engine.context import FlowContext
from halo_accounts.engine.writes import WriteRequest, outbox_key, write_through_outbox
from halo_accounts.errors import MappingMissing, RecordError
from halo_accounts.mapping.halo import content_hash, invoice_from_halo
from halo_accounts.ports.books import InvoiceWrite, ItemWrite, VoidWrite, WriteResult
from halo_accounts.store.state import Binding, ReviewAsk

FLOW = "invoices"
ENTITY = "invoice"
TOTALS_DIFFER = "totals differ"  # how the review of an invoice written with a total other than Halo's begins
DELETIONS = "invoice_deletions"  # the cursor of the books' deleted-transaction list
# Deletions are stamped by the QuickBooks computer's clock, which may be off; reading one again is
# harmless (its binding is gone), missing one is not.
DELETIONS_OVERLAP = timedelta(days=2)
VOIDS = "invoice_voids"  # the cursor of Halo's posted invoices, newest change first
VOIDED = "invoice_void"  # the entity whose bindings (and outbox rows) are the voids sent to the books
FALLBACK_ITEM = Item(
    halo_id=0, name="Halo Invoice Line", kind=ItemKind.SERVICE, description="Lines without a Halo item"
)


# Invoices decided and sent to the books at a time, so memory stays flat however many are waiting.
CHUNK = 1000


def run(ctx: FlowContext) -> None:
    """Send every unposted Halo invoice and credit note to the books."""
    rules = ctx.invoice_rules
    read = ctx.halo.iterate(
        INVOICE,
        notpostedonly=True,
        includelines=True,
        includecredits=rules.include_credit_notes,
        invoicedatestart=rules.from_date,
    )
    state = ctx.state
    lookups = _Lookups(
        state.bindings("customer"), state.bindings("item"), state.bindings(ENTITY), state.mappings("tax")
    )
    if ctx.books.capabilities.reads_deletions:
        _notice_deletions(ctx, lookups.bound)
    if ctx.books.capabilities.voids_invoices:
        _carry_voids(ctx, lookups.bound)
    # (Halo id, books id, books number): Halo is told only once the whole list has been read, since
    # marking invoices posted while paging through the unposted ones would shift the pages.
    posted: list[tuple[int, str, str]] = []
    waiting: list[WriteRequest] = []
    size = ctx.books.capabilities.write_batch_size
    while page := list(islice(read, CHUNK)):
        waiting += _decide(ctx, [invoice_from_halo(r) for r in page], lookups, posted)
        whole = len(waiting) - len(waiting) % size  # only whole books batches: chunking adds no message
        _send(ctx, waiting[:whole], lookups.items, posted)
        del waiting[:whole]
    _send(ctx, waiting, lookups.items, posted)
    if ctx.dry_run:
        return
    step = ctx.halo.batch_size * 10  # whole Halo batches too, built a slice at a time
    for start in range(0, len(posted), step):
        ctx.halo.save(INVOICE, [_posted(ctx, *done) for done in posted[start : start + step]])


def _notice_deletions(ctx: FlowContext, bound: dict[str, Binding]) -> None:
    """Invoices someone deleted in the books: their binding is retired and a person is asked to decide.

    Halo still shows them posted, so nothing is sent again on its own; unticking 'Posted' in Halo
    sends it again as a new write.
    """
    halo_ids = {binding.books_id: halo_id for halo_id, binding in bound.items()}
    for deletion in ctx.books.deleted_invoices(ctx.changes_since(DELETIONS, "from_books", overlap=DELETIONS_OVERLAP)):
        halo_id = halo_ids.pop(deletion.books_id, None)
        if halo_id is None:
            continue  # not the integrator's, or already noticed
        number = deletion.number or bound[halo_id].books_number
        when = f" on {deletion.deleted_at:%Y-%m-%d}" if deletion.deleted_at else ""
        reason = (
            f"Deleted in the books{when}, while Halo still shows it posted. If it belongs in the books, untick "
            "'Posted' on it in Halo and the next sync sends it again; if not, void or credit it in Halo."
        )
        ctx.report.note(FLOW, "deleted in books", f"{number} (Halo {halo_id})", reason)
        if not ctx.dry_run:
            ctx.state.forget_books_record(ENTITY, halo_id, review=reason)
            del bound[halo_id]
    if not ctx.dry_run:
        ctx.changes_read(DELETIONS, "from_books")


def _carry_voids(ctx: FlowContext, bound: dict[str, Binding]) -> None:
    """Invoices voided in Halo after they were sent: voided in the books too, once each.

    Halo has no filter for 'voided since', so its posted invoices are read newest change first
    and the read stops at the cursor: a run with nothing new costs one request. Before anything
    was ever sent there is nothing to void, and nothing is read.
    """
    since = ctx.changes_since(VOIDS, "to_books")
    if since is None and not bound:
        if not ctx.dry_run:
            ctx.changes_read(VOIDS, "to_books")
        return
    done = ctx.state.bindings(VOIDED)
    # Halo id -> credit note? None marks a void tried before and never confirmed (refused for a closing
    # date, say, or its answer lost): it is tried again whatever the cursor, after a look in the books.
    voids: dict[str, bool | None] = dict.fromkeys(
        h for h in ctx.state.unconfirmed(VOIDED) if h in bound and h not in done
    )
    read = ctx.halo.iterate(INVOICE, postedonly=True, includecredits=True, order="last_modified", orderdesc=True)
    for record in read:
        if since is not None and (record.last_modified is None or record.last_modified < since):
            break  # newest first: everything after this is older than the cursor
        key = str(record.id)
        if record.voided and key in bound and key not in done:
            voids.setdefault(key, (record.total or 0) < 0)
    requests = _void_requests(ctx, voids, bound)
    write_through_outbox(ctx, FLOW, VOIDED, requests, ctx.books.void_invoices, _void_finder(ctx))
    if not ctx.dry_run:
        ctx.changes_read(VOIDS, "to_books")


def _void_requests(ctx: FlowContext, voids: dict[str, bool | None], bound: dict[str, Binding]) -> list[WriteRequest]:
    """The void writes; a retried one is looked up in the books first, for its kind and in case it is done."""
    retried = {bound[halo_id].books_number: halo_id for halo_id, credit in voids.items() if credit is None}
    found = ctx.books.find_invoices(list(retried)) if retried else {}
    requests: list[WriteRequest] = []
    for halo_id, known in voids.items():
        binding = bound[halo_id]
        credit = known
        if credit is None:
            invoice = found.get(binding.books_number)
            if invoice is None:
                continue  # gone from the books: the deletions check reports it
            if invoice.voided:
                _voided_already(ctx, binding)
                continue
            credit = invoice.is_credit
        label = f"{'credit note' if credit else 'invoice'} {binding.books_number} (Halo {halo_id})"
        write = VoidWrite(halo_id, binding.books_id, binding.books_number, is_credit=credit)
        requests.append(WriteRequest(halo_id, label, "void", "void", write))
    return requests


def _voided_already(ctx: FlowContext, invoice: Binding) -> None:
    """A void whose answer was lost or refused turns out done: record it as if confirmed now."""
    ctx.report.note(FLOW, "link", f"invoice {invoice.books_number} (Halo {invoice.halo_id})", "already voided")
    if ctx.dry_run:
        return
    state = ctx.state
    state.bind(Binding(VOIDED, invoice.halo_id, invoice.books_id, books_number=invoice.books_number))
    key = outbox_key(state.company, VOIDED, invoice.halo_id, "void")
    state.mark(key, "confirmed", books_id=invoice.books_id)
    state.resolve_error(VOIDED, invoice.halo_id)


def _void_finder(ctx: FlowContext) -> Callable[[VoidWrite], WriteResult | None]:
    def find(write: VoidWrite) -> WriteResult | None:
        found = ctx.books.find_invoices([write.number]).get(write.number)
        if found is None or not found.voided:
            return None  # not voided yet (or gone): voiding it again is safe
        return WriteResult(write.halo_id, books_id=found.books_id, number=found.number)

    return find


@dataclass(frozen=True)
class _Lookups:
    customers: dict[str, Binding]
    items: dict[str, Binding]
    bound: dict[str, Binding]
    taxes: dict[str, str]


def _decide(
    ctx: FlowContext, invoices: list[Invoice], lookups: _Lookups, posted: list[tuple[int, str, str]]
) -> list[WriteRequest]:
    """Skip, review, fail or prepare each invoice; returns the writes for the books."""
    writes: list[WriteRequest] = []
    reviews: list[ReviewAsk] = []
    errors: list[tuple[str, RecordError]] = []
    for invoice in invoices:
        label = f"{'credit note' if invoice.is_credit else 'invoice'} {invoice.number} (Halo {invoice.halo_id})"
        if invoice.voided or not invoice.lines:
            ctx.report.note(FLOW, "skip", label, "voided" if invoice.voided else "no lines")
            continue
        if ctx.invoice_rules.only_approved and invoice.awaiting_approval:
            # Still unposted in Halo, so a later run sends it once it is approved.
            ctx.report.note(FLOW, "skip", label, "waiting for approval in Halo")
            continue
        existing = lookups.bound.get(str(invoice.halo_id))
        if existing is not None:
            ctx.report.note(FLOW, "skip", label, "already in the books; marking it posted in Halo")
            posted.append((invoice.halo_id, existing.books_id, existing.books_number))
            continue
        try:
            write = _resolve(ctx, invoice, lookups.customers, lookups.items, lookups.taxes, label)
        except RecordError as exc:
            if isinstance(exc, MappingMissing) or "tax" in exc.user_message:  # a person maps or splits it
                ctx.report.note(FLOW, "review", label, exc.user_message)
                waits_for = exc.waits_for if isinstance(exc, MappingMissing) else ""
                reviews.append(ReviewAsk(str(invoice.halo_id), exc.user_message, [], waits_for))
            else:
                ctx.report.failed(FLOW, label, exc)
                errors.append((str(invoice.halo_id), exc))
            continue
        if write.number != invoice.number:
            ctx.report.note(
                FLOW,
                "renumbered",
                label,
                f"Halo's number is too long for {ctx.books.capabilities.name}; sent as {write.number}",
            )
        writes.append(WriteRequest(str(invoice.halo_id), label, content_hash(invoice, ignore=_IGNORE), "create", write))
    if not ctx.dry_run:  # one transaction each, not one per invoice
        ctx.state.add_reviews(ENTITY, reviews)
        ctx.state.record_errors(ENTITY, errors)
    return writes


def _send(
    ctx: FlowContext, writes: list[WriteRequest], items: dict[str, Binding], posted: list[tuple[int, str, str]]
) -> None:
    """Write to the books through the outbox; note what Halo must be told."""
    if not writes:
        return
    if any(0 in w.write.item_ids for w in writes):
        if not ctx.dry_run:
            ensure_fallback_item(ctx, items)
        writes = [_with_fallback(w, items) for w in writes]
    results = write_through_outbox(ctx, FLOW, ENTITY, writes, ctx.books.write_invoices, _finder(ctx))
    mismatches: list[tuple[str, str, list[str]]] = []
    for request, result in results:
        if not result.ok:
            continue
        invoice = request.write.invoice
        if result.total is not None and result.total != invoice.total:
            reason = f"the books' total is {result.total:.2f}, Halo's is {invoice.total:.2f}"
            ctx.report.note(FLOW, "review", request.label, reason)
            mismatches.append((request.halo_id, f"{TOTALS_DIFFER}: {reason}", []))
        posted.append((invoice.halo_id, result.books_id, result.number or request.write.number))
    ctx.state.add_reviews(ENTITY, mismatches)


# Outside the content version (and so the outbox key): what the sync writes back, and Halo's
# workflow state, which changes nothing in the books and must never make a sent invoice look new.
_IGNORE = (
    "accounts_ref", "books_number", "posted", "posted_at", "modified_at", "amount_paid", "amount_due",
    "awaiting_approval",
)  # fmt: skip


def _resolve(
    ctx: FlowContext,
    invoice: Invoice,
    customers: dict[str, Binding],
    items: dict[str, Binding],
    taxes: dict[str, str],
    label: str,
) -> InvoiceWrite:
    caps = ctx.books.capabilities
    customer = customers.get(str(invoice.customer_halo_id))
    if customer is None:
        msg = (
            f"{caps.name} has no customer for {label}: Halo customer {invoice.customer_halo_id} is not synced. "
            "Sync customers first, or map the customer."
        )
        raise RecordError(msg, record=label)
    item_ids = resolve_items(ctx, [line.item_halo_id for line in invoice.lines], items, label)
    tax_codes: dict[int, str] = {}
    invoice_tax = ""
    for line in invoice.lines:
        if line.tax_halo_id is None:
            continue
        mapped = taxes.get(str(line.tax_halo_id))
        if caps.per_line_tax_codes:
            if not mapped:
                msg = (
                    f"Halo tax rate {line.tax_halo_id} on {label} has no {caps.name} tax code. "
                    f"Map it with 'halo-accounts mappings set tax {line.tax_halo_id} CODE'."
                )
                raise MappingMissing(msg, kind="tax", halo_key=str(line.tax_halo_id), record=label)
            tax_codes[line.tax_halo_id] = mapped
        else:
            taxable = (line.tax_rate or Decimal(0)) != 0
            tax_codes[line.tax_halo_id] = caps.taxable_code if taxable else caps.non_taxable_code
            if taxable:
                if not mapped:
                    msg = (
                        f"Halo tax rate {line.tax_halo_id} on {label} has no sales tax item in {caps.name}. "
                        f"Map it with 'halo-accounts mappings set tax {line.tax_halo_id} ITEM'."
                    )
                    raise MappingMissing(msg, kind="tax", halo_key=str(line.tax_halo_id), record=label)
                if invoice_tax and invoice_tax != mapped:
                    msg = (
                        f"{label} has two sales tax rates; {caps.name} charges one rate per invoice. Split it in Halo."
                    )
                    raise RecordError(msg, record=label)
                invoice_tax = mapped
    number = (
        invoice.number
        if len(invoice.number) <= caps.invoice_number_limit
        else f"H{invoice.halo_id}"[: caps.invoice_number_limit]
    )
    return InvoiceWrite(invoice, customer.books_id, number, item_ids, tax_codes, invoice_tax)


def resolve_items(
    ctx: FlowContext, item_ids: list[int | None], items: dict[str, Binding], label: str
) -> dict[int, str]:
    """Halo item id -> books id for every line; 0 marks lines without a Halo item (the catch-all item)."""
    resolved: dict[int, str] = {}
    for item_id in item_ids:
        if item_id is None:
            resolved[0] = ""
            continue
        binding = items.get(str(item_id))
        if binding is None:
            msg = (
                f"{ctx.books.capabilities.name} has no item for a line of {label}: Halo item {item_id} is not "
                f"synced. Sync items first: if item {item_id} failed, its own error says why, and this invoice "
                "follows once it is fixed (if the item was deleted in Halo, change the line to another item)."
            )
            raise RecordError(msg, record=label)
        resolved[item_id] = binding.books_id
    return resolved


def ensure_fallback_item(ctx: FlowContext, items: dict[str, Binding]) -> str:
    """The books id of the catch-all item for lines without a Halo item, created once."""
    if "0" in items:
        return items["0"].books_id
    existing = next((b for b in ctx.books.items() if b.name == FALLBACK_ITEM.name), None)
    books_id = existing.books_id if existing else ""
    if not books_id:
        (result,) = ctx.books.write_items([ItemWrite(FALLBACK_ITEM)])
        if not result.ok:
            raise result.error or RecordError("The books refused the item for lines without a Halo item.")
        books_id = result.books_id
    ctx.state.bind(Binding("item", "0", books_id))
    items["0"] = Binding("item", "0", books_id)
    return books_id


def _with_fallback(request: WriteRequest, items: dict[str, Binding]) -> WriteRequest:
    write: InvoiceWrite = request.write
    if 0 not in write.item_ids or "0" not in items:
        return request
    ids = {**write.item_ids, 0: items["0"].books_id}
    fixed = InvoiceWrite(write.invoice, write.customer_id, write.number, ids, write.tax_codes, write.invoice_tax)
    return replace(request, write=fixed)


def _finder(ctx: FlowContext) -> Callable[[InvoiceWrite], WriteResult | None]:
    def find(write: InvoiceWrite) -> WriteResult | None:
        found = ctx.books.find_invoices([write.number]).get(write.number)
        if found is None:
            return None
        return WriteResult("", books_id=found.books_id, version=found.version, number=found.number, total=found.total)

    return find


def _posted(ctx: FlowContext, halo_id: int, books_id: str, number: str) -> InvoiceRecord:
    return InvoiceRecord(
        id=halo_id, posted=True, dateposted=ctx.clock(), accountsid=books_id, thirdpartyinvoicenumber=number
    )
