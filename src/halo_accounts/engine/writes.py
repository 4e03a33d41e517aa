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
from halo_accounts.errors import ConfigError, SyncError, TransientError
from halo_accounts.ports.books import WriteResult
from halo_accounts.store.state import Binding

__all__ = ["WriteRequest", "outbox_key", "write_through_outbox"]


_DONE = {"create": "created", "update": "updated", "void": "voided"}


def outbox_key(company: str, entity: str, halo_id: str, digest: str) -> str:
    """The idempotency key of one write: company, entity, Halo id and content version."""
    return f"{company}:{entity}:{halo_id}:{digest}"


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """One record to write: who it is, its content version, create or update, and the port's write."""

    halo_id: str
    label: str
    digest: str
    action: str  # create | update | void
    write: Any
    # An update's starting point (the books' version it changes, else the content it replaces), so
    # content that returns to an earlier state (inactive, then active again) is a new write.
    base: str = ""

    @property
    def version(self) -> str:
        """The content version in the idempotency key."""
        return f"{self.digest}<{self.base}" if self.base else self.digest


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
    keys = [outbox_key(state.company, entity, request.halo_id, request.version) for request in requests]
    entries = state.intend_many(
        [(key, request.halo_id, request.action) for key, request in zip(keys, requests, strict=True)],
        entity=entity,
        target="books",
        run_id=ctx.run_id,
    )
    for key, request in zip(keys, requests, strict=True):
        entry = entries[key]
        if entry.state == "confirmed" and entry.books_id:
            state.bind(Binding(entity, request.halo_id, entry.books_id, content_hash=request.digest))
            state.records_written(entity, [request.halo_id], run_id=ctx.run_id)
            ctx.report.note(flow, "skip", request.label, "already written")
            continue
        if entry.state in ("sent", "uncertain") and request.action != "update":  # creates and voids
            found = find_existing(request.write)
            if found is not None and found.books_id:
                found = WriteResult(request.halo_id, found.books_id, found.version, found.number, found.total)
                binding = Binding(entity, request.halo_id, found.books_id, found.version, found.number, request.digest)
                state.bind(binding)
                state.mark(key, "confirmed", books_id=found.books_id)
                state.records_written(entity, [request.halo_id], run_id=ctx.run_id)
                ctx.report.note(flow, "link", request.label, "found in the books after an interrupted write")
                written.append((request, found))
                continue
        pending.append((request, key))
    size = ctx.books.capabilities.write_batch_size
    for start in range(0, len(pending), size):
        chunk = pending[start : start + size]
        state.mark_many([key for _, key in chunk], "sent")
        try:
            results = send([request.write for request, _ in chunk])
        except ConfigError:
            # The books refused the session itself (a log-on, a right): a setting to fix, which stops the
            # run once. The chunk stays "sent", so its records are looked up in the books before a resend.
            raise
        except SyncError as exc:
            # The whole message failed (a session dropped part-way, say): the books may have applied
            # some of it, so its creates are uncertain and are looked up before they are sent again.
            if isinstance(exc, TransientError):
                exc.uncertain = True
            results = [WriteResult(request.halo_id, error=exc) for request, _ in chunk]
        settled = list(zip(chunk, results, strict=True))
        _settle(ctx, flow, entity, settled)
        written.extend((request, result) for (request, _), result in settled)
    return written


def _settle(
    ctx: FlowContext, flow: str, entity: str, settled: Sequence[tuple[tuple[WriteRequest, str], WriteResult]]
) -> None:
    """Record a batch's answers: one transaction each for bindings, outbox states and errors, in that order."""
    done: list[tuple[WriteRequest, str, WriteResult]] = []
    failed: dict[str, dict[str, str]] = {}  # outcome -> {key: message}
    errors: list[tuple[str, SyncError]] = []
    for (request, key), result in settled:
        if result.ok:
            done.append((request, key, result))
            ctx.report.note(flow, _DONE[request.action], request.label)
            continue
        error = result.error or SyncError(f"The books did not confirm {request.label}.")
        uncertain = isinstance(error, TransientError) and error.uncertain
        failed.setdefault("uncertain" if uncertain else "failed", {})[key] = error.user_message
        errors.append((request.halo_id, error))
        ctx.report.failed(flow, request.label, error)
    state = ctx.state
    state.bind_many([Binding(entity, r.halo_id, res.books_id, res.version, res.number, r.digest) for r, _, res in done])
    state.mark_many([key for _, key, _ in done], "confirmed", books_ids={key: res.books_id for _, key, res in done})
    state.records_written(entity, [request.halo_id for request, _, _ in done], run_id=ctx.run_id)
    for outcome, messages in failed.items():
        state.mark_many(list(messages), outcome, errors=messages)
    state.record_errors(entity, errors)
