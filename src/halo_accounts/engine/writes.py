"""Writes to the books through the outbox, so that each one takes effect exactly once.

The intention is committed (keyed by company, entity, Halo id and content version) before the
batch is sent. A confirmed create is bound at once. An entry left "sent" by a crash, or
"uncertain" after a lost answer, is not simply repeated: the books are asked first whether the
record exists, and it is linked if it does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from halo_accounts.engine.context import FlowContext
from halo_accounts.errors import SyncError, TransientError
from halo_accounts.ports.books import WriteResult
from halo_accounts.store.state import Binding

__all__ = ["WriteRequest", "outbox_key", "write_through_outbox"]


def outbox_key(company: str, entity: str, halo_id: str, digest: str) -> str:
    """The idempotency key of one write: company, entity, Halo id and content version."""
    return f"{company}:{entity}:{halo_id}:{digest}"


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """One record to write: who it is, its content version, create or update, and the port's write."""

    halo_id: str
    label: str
    digest: str
    action: str  # create | update
    write: Any


def write_through_outbox(
    ctx: FlowContext,
    flow: str,
    entity: str,
    requests: Sequence[WriteRequest],
    send: Callable[[Sequence[Any]], list[WriteResult]],
    find_existing: Callable[[Any], WriteResult | None],
) -> list[tuple[WriteRequest, WriteResult]]:
    """Send ``requests`` in batches; bind, record errors and count; returns what was written or found.

    ``find_existing`` answers what the books hold for a write whose outcome was lost (its id,
    version and number), so a record found after a crash is bound and written back to Halo
    exactly like one created now.
    """
    if ctx.dry_run:
        for request in requests:
            ctx.report.note(flow, request.action, request.label, "would be written")
        return []
    state = ctx.state
    pending: list[tuple[WriteRequest, str]] = []
    written: list[tuple[WriteRequest, WriteResult]] = []
    for request in requests:
        key = outbox_key(state.company, entity, request.halo_id, request.digest)
        entry = state.intend(
            key, entity=entity, halo_id=request.halo_id, target="books", action=request.action, run_id=ctx.run_id
        )
        if entry.state == "confirmed" and entry.books_id:
            state.bind(Binding(entity, request.halo_id, entry.books_id, content_hash=request.digest))
            ctx.report.note(flow, "skip", request.label, "already written")
            continue
        if entry.state in ("sent", "uncertain") and request.action == "create":
            found = find_existing(request.write)
            if found is not None and found.books_id:
                found = WriteResult(request.halo_id, found.books_id, found.version, found.number, found.total)
                binding = Binding(entity, request.halo_id, found.books_id, found.version, found.number, request.digest)
                state.bind(binding)
                state.mark(key, "confirmed", books_id=found.books_id)
                state.resolve_error(entity, request.halo_id)
                ctx.report.note(flow, "link", request.label, "found in the books after an interrupted write")
                written.append((request, found))
                continue
        pending.append((request, key))
    size = ctx.books.capabilities.write_batch_size
    for start in range(0, len(pending), size):
        chunk = pending[start : start + size]
        for _, key in chunk:
            state.mark(key, "sent")
        try:
            results = send([request.write for request, _ in chunk])
        except SyncError as exc:
            results = [WriteResult(request.halo_id, error=exc) for request, _ in chunk]
        for (request, key), result in zip(chunk, results, strict=True):
            _settle(ctx, flow, entity, request, key, result)
            written.append((request, result))
    return written


def _settle(ctx: FlowContext, flow: str, entity: str, request: WriteRequest, key: str, result: WriteResult) -> None:
    state = ctx.state
    if result.ok:
        state.bind(Binding(entity, request.halo_id, result.books_id, result.version, result.number, request.digest))
        state.mark(key, "confirmed", books_id=result.books_id)
        state.resolve_error(entity, request.halo_id)
        ctx.report.note(flow, "created" if request.action == "create" else "updated", request.label)
        return
    error = result.error or SyncError(f"The books did not confirm {request.label}.")
    uncertain = isinstance(error, TransientError) and error.uncertain
    state.mark(key, "uncertain" if uncertain else "failed", error=error.user_message)
    state.record_error(entity, request.halo_id, error)
    ctx.report.failed(flow, request.label, error)
