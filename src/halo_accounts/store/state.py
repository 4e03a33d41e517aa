"""The sync's durable state: bindings, the outbox, cursors, runs, record errors, mappings, reviews.

Every method is one short transaction, so a crash between two of them leaves the state
consistent: an outbox row is committed before its write is sent, a binding right after a
confirmed create. Rows are returned as small frozen values, never as live ORM objects.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, String, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from halo_accounts.errors import SyncError
from halo_accounts.store.database import stored_utc
from halo_accounts.store.locks import company_lock
from halo_accounts.store.schema import bindings, cursors, mappings, outbox, record_errors, reviews, run_flows, runs

__all__ = ["Binding", "OutboxEntry", "ReviewAsk", "SyncState"]

T = TypeVar("T")
P = ParamSpec("P")
# Keys per ``IN (...)`` list: well under SQLite's bound-parameter limit.
CHUNK = 500
# Attempts of a write that loses a race for a unique key to another writer (see ``_retried_on_conflict``).
CONFLICT_ATTEMPTS = 3


class ReviewAsk(NamedTuple):
    """A record put to a person: why, what it could be, and the mapping it waits for (``"tax:7"``), if any."""

    halo_id: str
    reason: str
    candidates: Sequence[object] = ()
    waits_for: str = ""


def _chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _retried_on_conflict(method: Callable[P, T]) -> Callable[P, T]:
    """Run a replacing write again when another writer (a second sync of the company) committed its row first.

    Replacing is a delete (or a read) then an insert. Neither sees a row that another transaction
    has inserted but not yet committed, so this insert fails on the unique key once that one
    commits: always on PostgreSQL, and on SQLite where the read comes first. The transaction has
    rolled back; run again, it sees the committed row and replaces (or counts) it.
    """

    @functools.wraps(method)
    def retried(*args: P.args, **kwargs: P.kwargs) -> T:
        for _ in range(CONFLICT_ATTEMPTS - 1):
            try:
                return method(*args, **kwargs)
            except IntegrityError:
                continue
        return method(*args, **kwargs)

    return retried


@dataclass(frozen=True, slots=True)
class Binding:
    """A Halo record and the books record it is, with what was last written."""

    entity: str
    halo_id: str
    books_id: str
    books_version: str = ""
    books_number: str = ""
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One intended write."""

    key: str
    entity: str
    halo_id: str
    target: str
    action: str
    state: str
    books_id: str
    attempts: int


class SyncState:
    """All of one installation's sync state, for one company at a time."""

    def __init__(self, engine: Engine, company: str, *, clock: Callable[[], datetime] | None = None) -> None:
        self._engine = engine
        self.company = company
        self._clock = clock or (lambda: datetime.now(UTC))

    def exclusive(self) -> AbstractContextManager[None]:
        """The company's sync lock (see ``store.locks``)."""
        return company_lock(self._engine, self.company)

    # -- bindings -------------------------------------------------------------------------

    def bindings(self, entity: str) -> dict[str, Binding]:
        """Every binding of ``entity``, by Halo id."""
        query = select(bindings).where(bindings.c.company == self.company, bindings.c.entity == entity)
        with self._engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return {row["halo_id"]: _binding(dict(row)) for row in rows}

    def bindings_of(self, entity: str, halo_ids: Sequence[str]) -> dict[str, Binding]:
        """The bindings of some records of ``entity``, by Halo id (those without one are left out)."""
        found: dict[str, Binding] = {}
        mine = (bindings.c.company == self.company, bindings.c.entity == entity)
        with self._engine.connect() as connection:
            for chunk in _chunks(list(halo_ids)):
                rows = connection.execute(select(bindings).where(*mine, bindings.c.halo_id.in_(chunk))).mappings()
                found.update({row["halo_id"]: _binding(dict(row)) for row in rows})
        return found

    def has_bindings(self) -> bool:
        """Whether the company has any link at all, of any record."""
        query = select(bindings.c.halo_id).where(bindings.c.company == self.company).limit(1)
        with self._engine.connect() as connection:
            return connection.execute(query).first() is not None

    @_retried_on_conflict
    def bind(self, binding: Binding) -> None:
        """Record (or replace) the binding of a Halo record; committed at once."""
        values = {
            "company": self.company,
            "entity": binding.entity,
            "halo_id": binding.halo_id,
            "books_id": binding.books_id,
            "books_version": binding.books_version,
            "books_number": binding.books_number,
            "content_hash": binding.content_hash,
            "synced_at": self._clock(),
        }
        key = (bindings.c.company == self.company, bindings.c.entity == binding.entity)
        with self._engine.begin() as connection:
            connection.execute(delete(bindings).where(*key, bindings.c.halo_id == binding.halo_id))
            connection.execute(delete(bindings).where(*key, bindings.c.books_id == binding.books_id))
            connection.execute(insert(bindings).values(**values))

    @_retried_on_conflict
    def bind_many(self, many: Sequence[Binding]) -> None:
        """``bind`` for a batch of records, in one transaction (a batch the books confirmed)."""
        if not many:
            return
        # What binding one after another would leave: a later binding replaces any earlier one
        # of the same Halo record or the same books record.
        by_halo: dict[tuple[str, str], Binding] = {}
        by_books: dict[tuple[str, str], tuple[str, str]] = {}
        for b in many:
            if (old := by_halo.pop((b.entity, b.halo_id), None)) is not None:
                by_books.pop((old.entity, old.books_id), None)
            if (other := by_books.pop((b.entity, b.books_id), None)) is not None:
                by_halo.pop(other, None)
            by_halo[(b.entity, b.halo_id)] = b
            by_books[(b.entity, b.books_id)] = (b.entity, b.halo_id)
        now = self._clock()
        rows = [
            {
                "company": self.company, "entity": b.entity, "halo_id": b.halo_id, "books_id": b.books_id,
                "books_version": b.books_version, "books_number": b.books_number, "content_hash": b.content_hash,
                "synced_at": now,
            }
            for b in by_halo.values()
        ]  # fmt: skip
        # Every binding of the batch clears its ids, even one a later binding replaces: bound one by
        # one, it would have unbound what the store held for them.
        ids = [{"entity": b.entity, "halo_id": b.halo_id, "books_id": b.books_id} for b in many]
        mine = (bindings.c.company == self.company, bindings.c.entity == bindparam("entity"))
        with self._engine.begin() as connection:
            connection.execute(delete(bindings).where(*mine, bindings.c.halo_id == bindparam("halo_id")), ids)
            connection.execute(delete(bindings).where(*mine, bindings.c.books_id == bindparam("books_id")), ids)
            connection.execute(insert(bindings), rows)

    def unbind(self, entity: str, halo_id: str) -> None:
        """Forget a binding (the record is matched again on the next run)."""
        with self._engine.begin() as connection:
            connection.execute(
                delete(bindings).where(
                    bindings.c.company == self.company, bindings.c.entity == entity, bindings.c.halo_id == halo_id
                )
            )

    def forget_books_record(self, entity: str, halo_id: str, *, review: str) -> None:
        """Forget a record deleted in the books: its binding and its books writes go, a review comes.

        One transaction, so the person is told exactly when the binding goes. Sending the record
        again later is then a new write, not the repeat of one already done.
        """
        with self._engine.begin() as connection:
            self._put_review(connection, entity, halo_id, review, [])
            connection.execute(
                delete(bindings).where(
                    bindings.c.company == self.company, bindings.c.entity == entity, bindings.c.halo_id == halo_id
                )
            )
            connection.execute(
                delete(outbox).where(
                    outbox.c.company == self.company,
                    outbox.c.entity == entity,
                    outbox.c.halo_id == halo_id,
                    outbox.c.target == "books",
                )
            )

    # -- outbox ---------------------------------------------------------------------------

    def intend(
        self, key: str, *, entity: str, halo_id: str, target: str, action: str, run_id: int | None
    ) -> OutboxEntry:
        """Commit the intention to write before writing; returns the existing entry if the key is known."""
        now = self._clock()
        values = {
            "idempotency_key": key, "company": self.company, "entity": entity, "halo_id": halo_id, "target": target,
            "action": action, "state": "pending", "books_id": "", "attempts": 0, "error": "", "run_id": run_id,
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(outbox).values(**values))
        except IntegrityError:
            pass  # already intended by an earlier (perhaps interrupted) run
        entry = self.outbox_entry(key)
        assert entry is not None
        return entry

    @_retried_on_conflict
    def intend_many(
        self, intents: Sequence[tuple[str, str, str]], *, entity: str, target: str, run_id: int | None
    ) -> dict[str, OutboxEntry]:
        """``intend`` for a batch of ``(key, halo_id, action)``, in one transaction; entries by key."""
        now = self._clock()
        entries: dict[str, OutboxEntry] = {}
        with self._engine.begin() as connection:
            for chunk in _chunks(list({key: (key, halo_id, action) for key, halo_id, action in intents}.values())):
                known = set(
                    connection.execute(
                        select(outbox.c.idempotency_key).where(outbox.c.idempotency_key.in_([k for k, _, _ in chunk]))
                    ).scalars()
                )
                rows = [
                    {
                        "idempotency_key": key, "company": self.company, "entity": entity, "halo_id": halo_id,
                        "target": target, "action": action, "state": "pending", "books_id": "", "attempts": 0,
                        "error": "", "run_id": run_id, "created_at": now, "updated_at": now,
                    }
                    for key, halo_id, action in chunk
                    if key not in known
                ]  # fmt: skip
                if rows:
                    connection.execute(insert(outbox), rows)
                query = select(outbox).where(outbox.c.idempotency_key.in_([k for k, _, _ in chunk]))
                for row in connection.execute(query).mappings():
                    entries[row["idempotency_key"]] = _entry(row)
        return entries

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        """The entry for ``key``."""
        with self._engine.connect() as connection:
            row = connection.execute(select(outbox).where(outbox.c.idempotency_key == key)).mappings().first()
        return None if row is None else _entry(row)

    def mark(self, key: str, state: str, *, books_id: str = "", error: str = "") -> None:
        """Move an outbox entry on (sent, confirmed, failed, uncertain)."""
        values: dict[str, object] = {"state": state, "updated_at": self._clock(), "error": error}
        if books_id:
            values["books_id"] = books_id
        if state == "sent":
            values["attempts"] = outbox.c.attempts + 1
        with self._engine.begin() as connection:
            connection.execute(update(outbox).where(outbox.c.idempotency_key == key).values(**values))

    def mark_many(
        self,
        keys: Sequence[str],
        state: str,
        *,
        books_ids: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
    ) -> None:
        """``mark`` for a batch of entries, in one transaction; ``books_ids`` and ``errors`` by key."""
        if not keys:
            return
        books_ids, errors = books_ids or {}, errors or {}
        values: dict[str, object] = {
            "state": state,
            "updated_at": self._clock(),
            "error": bindparam("new_error", type_=String()),
            # An empty books id leaves the one already recorded, as ``mark`` does.
            "books_id": func.coalesce(func.nullif(bindparam("new_books_id", type_=String()), ""), outbox.c.books_id),
        }
        if state == "sent":
            values["attempts"] = outbox.c.attempts + 1
        statement = update(outbox).where(outbox.c.idempotency_key == bindparam("key")).values(**values)
        rows = [{"key": k, "new_books_id": books_ids.get(k, ""), "new_error": errors.get(k, "")} for k in keys]
        with self._engine.begin() as connection:
            connection.execute(statement, rows)

    def unfinished(self, target: str) -> list[OutboxEntry]:
        """Entries sent or uncertain but never confirmed: what a crash may have left behind."""
        query = select(outbox.c.idempotency_key).where(
            outbox.c.company == self.company, outbox.c.target == target, outbox.c.state.in_(("sent", "uncertain"))
        )
        with self._engine.connect() as connection:
            keys = list(connection.execute(query).scalars())
        return [entry for key in keys if (entry := self.outbox_entry(key)) is not None]

    def unconfirmed(self, entity: str) -> list[str]:
        """Halo ids of ``entity`` with a write intended but never confirmed (failed ones too)."""
        query = select(outbox.c.halo_id).where(
            outbox.c.company == self.company, outbox.c.entity == entity, outbox.c.state != "confirmed"
        )
        with self._engine.connect() as connection:
            return sorted(set(connection.execute(query).scalars()))

    # -- cursors --------------------------------------------------------------------------

    def cursor(self, flow: str, direction: str) -> str | None:
        """The saved position of a flow, if any."""
        query = select(cursors.c.position).where(
            cursors.c.company == self.company, cursors.c.flow == flow, cursors.c.direction == direction
        )
        with self._engine.connect() as connection:
            return connection.execute(query).scalar()

    @_retried_on_conflict
    def set_cursor(self, flow: str, direction: str, position: str) -> None:
        """Save a flow's position (only when the flow has completed)."""
        key = (cursors.c.company == self.company, cursors.c.flow == flow, cursors.c.direction == direction)
        with self._engine.begin() as connection:
            connection.execute(delete(cursors).where(*key))
            connection.execute(
                insert(cursors).values(
                    company=self.company, flow=flow, direction=direction, position=position, updated_at=self._clock()
                )
            )

    def forget_cursor(self, flow: str) -> None:
        """Read the flow's whole list again on its next run (every direction)."""
        with self._engine.begin() as connection:
            connection.execute(delete(cursors).where(cursors.c.company == self.company, cursors.c.flow == flow))

    # -- runs -----------------------------------------------------------------------------

    def start_run(self, *, dry_run: bool) -> int:
        """Record the start of a run; returns its id."""
        with self._engine.begin() as connection:
            result = connection.execute(
                insert(runs).values(company=self.company, started_at=self._clock(), dry_run=dry_run, outcome="running")
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def finish_flow(self, run_id: int, flow: str, counts: Mapping[str, int], seconds: float, outcome: str) -> None:
        """Record one flow's figures."""
        with self._engine.begin() as connection:
            connection.execute(
                insert(run_flows).values(
                    run_id=run_id, flow=flow, counts=json.dumps(dict(counts)), seconds=seconds, outcome=outcome
                )
            )

    def finish_run(self, run_id: int, outcome: str, message: str = "") -> None:
        """Record how a run ended."""
        with self._engine.begin() as connection:
            connection.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(finished_at=self._clock(), outcome=outcome, message=message)
            )

    def last_run_started(self) -> datetime | None:
        """When the company's latest real (not dry) run started, as aware UTC; ``None`` if it never ran."""
        query = select(func.max(runs.c.started_at)).where(runs.c.company == self.company, runs.c.dry_run.is_(False))
        with self._engine.connect() as connection:
            started = connection.execute(query).scalar()
        if not isinstance(started, datetime):
            return None
        return stored_utc(started)

    def history(self, limit: int = 20) -> list[dict[str, object]]:
        """The latest runs with their flows, newest first."""
        with self._engine.connect() as connection:
            rows = (
                connection.execute(
                    select(runs).where(runs.c.company == self.company).order_by(runs.c.id.desc()).limit(limit)
                )
                .mappings()
                .all()
            )
            result = []
            for row in rows:
                flows = connection.execute(select(run_flows).where(run_flows.c.run_id == row["id"])).mappings().all()
                result.append(
                    {
                        **dict(row),
                        "flows": {f["flow"]: {**json.loads(f["counts"]), "seconds": f["seconds"]} for f in flows},
                    }
                )
        return result

    # -- record errors --------------------------------------------------------------------

    @_retried_on_conflict
    def record_error(self, entity: str, halo_id: str, error: SyncError) -> None:
        """Remember a failed record (one row per record; attempts counted)."""
        now = self._clock()
        key = (
            record_errors.c.company == self.company,
            record_errors.c.entity == entity,
            record_errors.c.halo_id == halo_id,
        )
        with self._engine.begin() as connection:
            existing = connection.execute(select(record_errors.c.attempts).where(*key)).scalar()
            values = {
                "error_type": type(error).__name__, "code": error.code or "", "user_message": error.user_message,
                "detail": error.detail or "", "last_seen": now, "state": "open",
            }  # fmt: skip
            if existing is None:
                connection.execute(
                    insert(record_errors).values(
                        company=self.company, entity=entity, halo_id=halo_id, attempts=1, first_seen=now, **values
                    )
                )
            else:  # counted in SQL, so that no failure is lost to a concurrent writer
                connection.execute(
                    update(record_errors).where(*key).values(attempts=record_errors.c.attempts + 1, **values)
                )

    def resolve_error(self, entity: str, halo_id: str) -> None:
        """Mark a record's error resolved (it synced)."""
        with self._engine.begin() as connection:
            self._resolve_errors(connection, entity, [halo_id])

    @_retried_on_conflict
    def record_errors(self, entity: str, failed: Sequence[tuple[str, SyncError]]) -> None:
        """``record_error`` for a batch of ``(halo_id, error)``, in one transaction."""
        if not failed:
            return
        now = self._clock()
        latest = dict(failed)
        mine = (record_errors.c.company == self.company, record_errors.c.entity == entity)

        def described(error: SyncError) -> dict[str, object]:
            return {
                "error_type": type(error).__name__, "code": error.code or "", "user_message": error.user_message,
                "detail": error.detail or "", "last_seen": now, "state": "open",
            }  # fmt: skip

        with self._engine.begin() as connection:
            attempts: dict[str, int] = {}
            for chunk in _chunks(list(latest)):
                query = select(record_errors.c.halo_id, record_errors.c.attempts).where(
                    *mine, record_errors.c.halo_id.in_(chunk)
                )
                attempts.update({halo_id: n for halo_id, n in connection.execute(query).all()})
            new = [
                {"company": self.company, "entity": entity, "halo_id": halo_id, "attempts": 1, "first_seen": now}
                | described(error)
                for halo_id, error in latest.items()
                if halo_id not in attempts
            ]
            if new:
                connection.execute(insert(record_errors), new)
            seen = [
                {"record": halo_id} | {f"new_{name}": value for name, value in described(error).items()}
                for halo_id, error in latest.items()
                if halo_id in attempts
            ]
            if seen:
                names = ("error_type", "code", "user_message", "detail", "last_seen", "state")
                statement = (
                    update(record_errors)
                    .where(*mine, record_errors.c.halo_id == bindparam("record"))
                    .values({name: bindparam(f"new_{name}") for name in names})
                    .values(attempts=record_errors.c.attempts + 1)  # counted in SQL: no failure lost to a race
                )
                connection.execute(statement, seen)

    def records_written(self, entity: str, halo_ids: Sequence[str], *, run_id: int | None = None) -> None:
        """The records reached the books: their open errors, and reviews, are closed, in one transaction.

        A review asked before (a tax rate to map, a match to choose) is settled once the record is
        written, whoever settled it: left open it would ask a person about a record already done.
        With ``run_id``, only reviews asked before that run began: one it asked is still to be seen.
        """
        if not halo_ids:
            return
        asked_before = [] if run_id is None else [
            reviews.c.created_at < select(runs.c.started_at).where(runs.c.id == run_id).scalar_subquery()
        ]  # fmt: skip
        with self._engine.begin() as connection:
            for chunk in _chunks(halo_ids):
                self._resolve_errors(connection, entity, chunk)
                connection.execute(
                    update(reviews)
                    .where(
                        reviews.c.company == self.company,
                        reviews.c.entity == entity,
                        reviews.c.halo_id.in_(chunk),
                        reviews.c.state == "open",
                        *asked_before,
                    )
                    .values(state="resolved")
                )

    def ignore_error(self, entity: str, halo_id: str) -> bool:
        """A person chose to leave a failing record alone; it shows again only if it fails anew."""
        return self._close(record_errors, entity, halo_id, "ignored")

    def open_errors(self) -> list[dict[str, object]]:
        """Every unresolved record error."""
        query = select(record_errors).where(record_errors.c.company == self.company, record_errors.c.state == "open")
        with self._engine.connect() as connection:
            return [dict(row) for row in connection.execute(query.order_by(record_errors.c.id)).mappings().all()]

    def error_count(self) -> int:
        """How many records are failing."""
        query = select(func.count()).where(record_errors.c.company == self.company, record_errors.c.state == "open")
        with self._engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    # -- mappings and reviews ----------------------------------------------------------------

    def mappings(self, kind: str) -> dict[str, str]:
        """A mapping table: Halo key -> books key."""
        query = select(mappings.c.halo_key, mappings.c.books_key).where(
            mappings.c.company == self.company, mappings.c.kind == kind
        )
        with self._engine.connect() as connection:
            return {halo: books for halo, books in connection.execute(query).all()}

    @_retried_on_conflict
    def set_mapping(self, kind: str, halo_key: str, books_key: str) -> None:
        """Set one mapping."""
        key = (mappings.c.company == self.company, mappings.c.kind == kind, mappings.c.halo_key == halo_key)
        with self._engine.begin() as connection:
            connection.execute(delete(mappings).where(*key))
            connection.execute(
                insert(mappings).values(
                    company=self.company, kind=kind, halo_key=halo_key, books_key=books_key, updated_at=self._clock()
                )
            )

    @_retried_on_conflict
    def set_mappings(self, kind: str, rows: Mapping[str, str]) -> None:
        """Replace a whole mapping table at once."""
        now = self._clock()
        with self._engine.begin() as connection:
            connection.execute(delete(mappings).where(mappings.c.company == self.company, mappings.c.kind == kind))
            if rows:
                connection.execute(
                    insert(mappings),
                    [{"company": self.company, "kind": kind, "halo_key": key, "books_key": value, "updated_at": now}
                     for key, value in rows.items()],
                )  # fmt: skip

    def delete_mapping(self, kind: str, halo_key: str) -> None:
        """Forget one mapping."""
        key = (mappings.c.company == self.company, mappings.c.kind == kind, mappings.c.halo_key == halo_key)
        with self._engine.begin() as connection:
            connection.execute(delete(mappings).where(*key))

    @_retried_on_conflict
    def add_review(self, entity: str, halo_id: str, reason: str, candidates: Sequence[object]) -> None:
        """Ask a person to decide about a record (kept once per record)."""
        with self._engine.begin() as connection:
            self._put_review(connection, entity, halo_id, reason, candidates)

    def _put_review(
        self, connection: Connection, entity: str, halo_id: str, reason: str, candidates: Sequence[object]
    ) -> None:
        key = (reviews.c.company == self.company, reviews.c.entity == entity, reviews.c.halo_id == halo_id)
        connection.execute(delete(reviews).where(*key))
        # A record put to a person got past what failed before: its old error no longer says why it waits.
        self._resolve_errors(connection, entity, [halo_id])
        connection.execute(
            insert(reviews).values(
                company=self.company, entity=entity, halo_id=halo_id, reason=reason,
                candidates=json.dumps(list(candidates)), state="open", created_at=self._clock(),
            )
        )  # fmt: skip

    @_retried_on_conflict
    def add_reviews(self, entity: str, asks: Sequence[ReviewAsk | tuple[str, str, list[str]]]) -> None:
        """``add_review`` for a batch of ``(halo_id, reason, candidates[, waits_for])``, in one transaction."""
        if not asks:
            return
        now = self._clock()
        latest = {ask.halo_id: ask for ask in (ReviewAsk(*ask) for ask in asks)}
        rows = [
            {
                "company": self.company, "entity": entity, "halo_id": halo_id, "reason": ask.reason,
                "candidates": json.dumps(list(ask.candidates)), "state": "open", "created_at": now,
                "waits_for": ask.waits_for,
            }
            for halo_id, ask in latest.items()
        ]  # fmt: skip
        with self._engine.begin() as connection:
            for chunk in _chunks(list(latest)):
                connection.execute(
                    delete(reviews).where(
                        reviews.c.company == self.company, reviews.c.entity == entity, reviews.c.halo_id.in_(chunk)
                    )
                )
                self._resolve_errors(connection, entity, chunk)  # as in _put_review
            connection.execute(insert(reviews), rows)

    def _resolve_errors(self, connection: Connection, entity: str, halo_ids: Sequence[str]) -> None:
        """Close the open errors of some records (at most one ``IN`` list's worth), in the caller's transaction."""
        connection.execute(
            update(record_errors)
            .where(
                record_errors.c.company == self.company,
                record_errors.c.entity == entity,
                record_errors.c.halo_id.in_(halo_ids),
                record_errors.c.state == "open",
            )
            .values(state="resolved", last_seen=self._clock())
        )

    def reviews_waiting_for(self, waits_for: str) -> list[tuple[str, str]]:
        """The open reviews waiting for one mapping (``"tax:7"``), as ``(entity, halo id)``."""
        query = select(reviews.c.entity, reviews.c.halo_id).where(
            reviews.c.company == self.company, reviews.c.state == "open", reviews.c.waits_for == waits_for
        )
        with self._engine.connect() as connection:
            return [(entity, halo_id) for entity, halo_id in connection.execute(query.order_by(reviews.c.id)).all()]

    def open_reviews(self) -> list[dict[str, object]]:
        """Records waiting for a decision."""
        query = select(reviews).where(reviews.c.company == self.company, reviews.c.state == "open")
        with self._engine.connect() as connection:
            return [dict(row) for row in connection.execute(query.order_by(reviews.c.id)).mappings().all()]

    def resolve_reviews(self, entity: str, review_ids: Sequence[int]) -> int:
        """Close some open reviews of ``entity`` by their ids, in one transaction; how many were open."""
        closed = 0
        with self._engine.begin() as connection:
            for chunk in _chunks(list(review_ids)):
                done = connection.execute(
                    update(reviews)
                    .where(
                        reviews.c.company == self.company,
                        reviews.c.entity == entity,
                        reviews.c.id.in_(chunk),
                        reviews.c.state == "open",
                    )  # fmt: skip
                    .values(state="resolved")
                )
                closed += int(done.rowcount or 0)
        return closed

    def resolve_review(self, entity: str, halo_id: str) -> bool:
        """A person decided: the record goes back to the sync, which asks again if it still must."""
        return self._close(reviews, entity, halo_id, "resolved")

    def _close(self, table: Table, entity: str, halo_id: str, state: str) -> bool:
        """Move a record's open row of ``table`` (errors, reviews) to ``state``; whether there was one."""
        with self._engine.begin() as connection:
            done = connection.execute(
                update(table)
                .where(
                    table.c.company == self.company,
                    table.c.entity == entity,
                    table.c.halo_id == halo_id,
                    table.c.state == "open",
                )  # fmt: skip
                .values(state=state)
            )
        return bool(done.rowcount)

    def writes_of_run(self, run_id: int) -> list[dict[str, object]]:
        """Every write a run made or tried again, with its outcome as the outbox has it now.

        The writes it started, and those of earlier runs it took up again (their rows changed
        while it ran).
        """
        with self._engine.connect() as connection:
            run = connection.execute(
                select(runs.c.started_at, runs.c.finished_at).where(runs.c.company == self.company, runs.c.id == run_id)
            ).first()
            if run is None:
                return []
            during = outbox.c.updated_at >= run.started_at
            if run.finished_at is not None:
                during = during & (outbox.c.updated_at <= run.finished_at)
            columns = (outbox.c.entity, outbox.c.halo_id, outbox.c.target, outbox.c.action, outbox.c.state,
                       outbox.c.books_id, outbox.c.attempts, outbox.c.error)  # fmt: skip
            query = (
                select(*columns)
                .where(outbox.c.company == self.company, (outbox.c.run_id == run_id) | during)
                .order_by(outbox.c.id)
            )
            return [dict(row) for row in connection.execute(query).mappings().all()]


def _entry(row: Mapping[Any, Any]) -> OutboxEntry:
    return OutboxEntry(
        row["idempotency_key"], row["entity"], row["halo_id"], row["target"], row["action"], row["state"],
        row["books_id"], row["attempts"],
    )  # fmt: skip


def _binding(row: Mapping[str, Any]) -> Binding:
    return Binding(
        str(row["entity"]), str(row["halo_id"]), str(row["books_id"]), str(row["books_version"]),
        str(row["books_number"]), str(row["content_hash"]),
    )  # fmt: skip
