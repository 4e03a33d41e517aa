"""The shared shape of the list flows (customers, items, suppliers): match, create, update, write back.

A record already bound is skipped when its content hash is unchanged and updated otherwise (with
the books' current version, read just before, so a stale EditSequence cannot fail it); a record
made inactive in Halo is so made in the books where the connector can (QuickBooks), which is how
Halo's deletions reach them; one
deleted outright (seen when the whole list is read) is put to a person, never deleted. An
unbound record is matched on the first sync — the books id Halo holds, the account number, the
exact name (case and spaces folded), the e-mail — and linked when exactly one books record
matches; several candidates make a review, never a guess; none, a create. The books id is
written back to Halo in batches; that field is outside the content hash, so it never echoes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from halo_accounts.connectors.halo.resources import HaloRecord, Resource
from halo_accounts.engine.context import FlowContext
from halo_accounts.engine.writes import WriteRequest, outbox_key, write_through_outbox
from halo_accounts.mapping.halo import content_hash
from halo_accounts.ports.books import BooksSession, WriteResult
from halo_accounts.store.state import Binding, SyncState

__all__ = ["CREATE_NEW", "FLOW_OF_ENTITY", "ListFlow", "name_key", "requeue", "run_list_flow"]

# Mapping kind of a person's decision that a Halo record is none of its candidates in the books:
# "<entity>:<halo id>" -> "yes". The next run creates it instead of asking again.
CREATE_NEW = "create_new"
FLOW_OF_ENTITY = {"customer": "customers", "item": "items", "supplier": "suppliers"}  # the list flows' entities


def requeue(state: SyncState, entity: str, halo_id: str) -> None:
    """A person decided about a record: its review is closed and its flow reads the whole list again.

    List flows read only what changed in Halo since their last run; a record waiting for a person
    has not changed, so without this its next run would never see it.
    """
    state.resolve_review(entity, halo_id)
    if entity in FLOW_OF_ENTITY:
        state.forget_cursor(FLOW_OF_ENTITY[entity])


@dataclass(frozen=True)
class ListFlow:
    """How one list entity moves from Halo to the books."""

    flow: str
    entity: str
    resource: Resource[Any]
    read: Callable[[FlowContext, datetime | None], list[Any]]  # domain records changed since
    books_list: Callable[[BooksSession], Sequence[Any]]  # BooksCustomer / BooksItem ...
    make_write: Callable[[Any, str, str], Any]  # (record, books_id, version) -> port write
    send: Callable[[BooksSession, Sequence[Any]], list[WriteResult]]
    write_back: Callable[[int, str], HaloRecord]  # (halo id, books id) -> partial Halo update
    name_of: Callable[[Any], str]  # the name of the record inside a port write
    ignore: tuple[str, ...] = ("accounts_ref", "modified_at")
    incremental: bool = False
    create_inactive: bool = True  # False: an inactive Halo record is only carried to one already linked


def name_key(text: str) -> str:
    """A name as matching compares it: case and runs of spaces folded."""
    return " ".join(text.casefold().split())


def _candidates(record: Any, books: Sequence[Any]) -> list[Any]:
    ref: str = getattr(record, "accounts_ref", "")
    email: str = getattr(record, "email", "").casefold()
    name = name_key(record.name)
    rules: list[Callable[[Any], bool]] = [
        lambda b: bool(ref) and b.books_id == ref,
        lambda b: bool(ref) and getattr(b, "account_number", "") == ref,
        lambda b: name_key(b.name) == name,
        lambda b: bool(email) and getattr(b, "email", "").casefold() == email,
    ]
    for matches in rules:
        found = [b for b in books if matches(b)]
        if found:
            return found
    return []


def run_list_flow(spec: ListFlow, ctx: FlowContext) -> None:
    """Run one list flow."""
    since = ctx.changes_since(spec.flow, "to_books") if spec.incremental else None
    records = spec.read(ctx, since)
    bound = ctx.state.bindings(spec.entity)
    taken = {b.books_id: halo_id for halo_id, b in bound.items()}  # books record -> the Halo record it is
    chosen_new = ctx.state.mappings(CREATE_NEW)
    books: Sequence[Any] | None = None
    writes: list[WriteRequest] = []
    for record in records:
        label = f"{spec.entity} '{record.name}' (Halo {record.halo_id})"
        digest = content_hash(record, ignore=spec.ignore)
        binding = bound.get(str(record.halo_id))
        if binding is not None:
            if binding.content_hash == digest:
                ctx.report.note(spec.flow, "skip", label, "unchanged")
            else:
                base = _base(ctx, spec, binding, digest)
                writes.append(WriteRequest(str(record.halo_id), label, digest, "update", record, base))
                _inactive_by_hand(spec, ctx, record, label)
            continue
        if not spec.create_inactive and getattr(record, "inactive", False):
            ctx.report.note(spec.flow, "skip", label, "inactive in Halo")
            continue
        if books is None:
            books = ctx.read_once(f"books {spec.entity}", lambda: spec.books_list(ctx.books))
        candidates = _candidates(record, books)
        others = [c for c in candidates if c.books_id in taken]
        if others and len(others) == len(candidates):
            # Two Halo records, one books record (same name, say): linking would steal the other's
            # binding, creating would fail on the name. A person decides.
            owner = taken[others[0].books_id]
            reason = (
                f"'{others[0].name}' in the books is already linked to Halo {spec.entity} {owner}. "
                f"Rename one of them in Halo, or merge them."
            )
            ctx.report.note(spec.flow, "review", label, reason)
            if not ctx.dry_run:
                ctx.state.add_review(spec.entity, str(record.halo_id), reason, [c.name for c in others])
            continue
        candidates = [c for c in candidates if c.books_id not in taken]
        if f"{spec.entity}:{record.halo_id}" in chosen_new:  # a person said: none of those, a new one
            candidates = []
        if len(candidates) > 1:
            names = [c.name for c in candidates]
            reason = f"matches {len(candidates)} records in the books: {', '.join(names)}"
            ctx.report.note(spec.flow, "review", label, reason)
            if not ctx.dry_run:
                # Each candidate's books id goes with it, so a person can pick one (the dashboard's review page).
                choices = [{"books_id": c.books_id, "name": c.name} for c in candidates]
                ctx.state.add_review(spec.entity, str(record.halo_id), f"It {reason}. Which is it?", choices)
        elif candidates:
            match = candidates[0]
            taken[match.books_id] = str(record.halo_id)
            ctx.report.note(spec.flow, "link", label, f"already in the books as '{match.name}'")
            if not ctx.dry_run:
                ctx.state.bind(
                    Binding(spec.entity, str(record.halo_id), match.books_id, match.version, match.name, digest)
                )
                # A create whose answer a crash lost is settled by this match, not left "sent".
                key = outbox_key(ctx.state.company, spec.entity, str(record.halo_id), digest)
                ctx.state.mark(key, "confirmed", books_id=match.books_id)
                ctx.state.records_written(spec.entity, [str(record.halo_id)], run_id=ctx.run_id)
        else:
            writes.append(WriteRequest(str(record.halo_id), label, digest, "create", record))
    if not spec.incremental:  # the whole list was read, so a linked record missing from it was deleted
        _notice_deletions(spec, ctx, bound, {str(r.halo_id) for r in records})
    writes = _with_port_writes(spec, ctx, writes, bound)
    written = write_through_outbox(
        ctx, spec.flow, spec.entity, writes, lambda w: spec.send(ctx.books, w), _finder(spec, ctx)
    )
    for request, result in written:
        name = spec.name_of(request.write)
        if result.ok and result.number and result.number.rsplit(":", 1)[-1] != name:
            ctx.report.note(spec.flow, "shortened", request.label, f"named '{result.number}' in the books to fit")
    if ctx.dry_run:
        return
    refs = {r.halo_id: getattr(r, "accounts_ref", "") for r in records}
    now_bound = ctx.state.bindings(spec.entity)
    back = [
        spec.write_back(int(halo_id), binding.books_id)
        for halo_id, binding in now_bound.items()
        if halo_id.isdigit() and int(halo_id) in refs and refs[int(halo_id)] != binding.books_id
    ]
    if back:
        ctx.halo.save(spec.resource, back)
    if spec.incremental and not any(flow == spec.flow for flow, _, _ in ctx.report.errors):
        ctx.changes_read(spec.flow, "to_books")


def _notice_deletions(spec: ListFlow, ctx: FlowContext, bound: dict[str, Binding], read: set[str]) -> None:
    """Records deleted in Halo: the books record stays (past transactions use it); a person is told, once."""
    for halo_id, binding in bound.items():
        if halo_id in read or not halo_id.isdigit() or halo_id == "0":  # "0": the integrator's own catch-all item
            continue
        name = binding.books_number or binding.books_id
        reason = (
            f"Deleted in Halo; '{name}' stays in the books, where past transactions use it. "
            "Make it inactive there if it should no longer be used."
        )
        ctx.report.note(spec.flow, "deleted in Halo", f"{spec.entity} '{name}' (Halo {halo_id})", reason)
        if not ctx.dry_run:
            ctx.state.forget_books_record(spec.entity, halo_id, review=reason)


def _inactive_by_hand(spec: ListFlow, ctx: FlowContext, record: Any, label: str) -> None:
    """Books that cannot be told a record is inactive (Sage 50 UK): a person is asked to do it, once."""
    caps = ctx.books.capabilities
    if caps.carries_inactive or not getattr(record, "inactive", False):
        return
    reason = f"Made inactive in Halo; {caps.name} cannot be told so by the integrator: make it inactive there by hand."
    ctx.report.note(spec.flow, "review", label, reason)
    if not ctx.dry_run:
        ctx.state.add_review(spec.entity, str(record.halo_id), reason, [])


def _base(ctx: FlowContext, spec: ListFlow, binding: Binding, digest: str) -> str:
    """The version an update starts from, made unique when books without versions (Sage) repeat a pair.

    A record changed A→B→A→B meets the pair (B from A) twice; the second time the run tells them
    apart. Only then: an update that keeps failing reuses its one outbox row. A binding a person
    made (linked or relinked, no version, no content yet) starts from the books record it names:
    with no base at all its update would share its create's key and be taken for already written,
    putting the old link back.
    """
    base = binding.books_version or binding.content_hash or f"linked:{binding.books_id}"
    entry = ctx.state.outbox_entry(outbox_key(ctx.state.company, spec.entity, binding.halo_id, f"{digest}<{base}"))
    return f"{base}/{ctx.run_id}" if entry is not None and entry.state == "confirmed" else base


def _with_port_writes(
    spec: ListFlow, ctx: FlowContext, writes: list[WriteRequest], bound: dict[str, Binding]
) -> list[WriteRequest]:
    """Attach the port's write to each request; updates get the books' current version."""
    versions: dict[str, str] = {}
    if any(w.action == "update" for w in writes) and not ctx.dry_run:
        versions = {b.books_id: b.version for b in spec.books_list(ctx.books)}
    result = []
    for w in writes:
        binding = bound.get(w.halo_id)
        books_id = binding.books_id if (binding and w.action == "update") else ""
        version = versions.get(books_id, binding.books_version if binding else "")
        result.append(replace(w, write=spec.make_write(w.write, books_id, version)))
    return result


def _finder(spec: ListFlow, ctx: FlowContext) -> Callable[[Any], WriteResult | None]:
    """After an interrupted create, look the record up by name before creating it again."""

    def find(write: Any) -> WriteResult | None:
        name = name_key(spec.name_of(write))
        found = next((b for b in spec.books_list(ctx.books) if name_key(b.name) == name), None)
        return WriteResult("", books_id=found.books_id, version=found.version, number=found.name) if found else None

    return find
