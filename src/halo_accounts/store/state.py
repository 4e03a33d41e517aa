"""The sync's durable state: bindings, the outbox, cursors, runs, record errors, mappings, reviews.

Every method is one short transaction, so a crash between two of them leaves the state
consistent: an outbox row is committed before its write is sent, a binding right after a
confirmed create. Rows are returned as small frozen values, never as live ORM objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from halo_accounts.errors import SyncError
from halo_accounts.store.schema import bindings, cursors, mappings, outbox, record_errors, reviews, run_flows, runs

__all__ = ["Binding", "OutboxEntry", "SyncState"]


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

    # -- bindings -------------------------------------------------------------------------

    def bindings(self, entity: str) -> dict[str, Binding]:
        """Every binding of ``entity``, by Halo id."""
        query = select(bindings).where(bindings.c.company == self.company, bindings.c.entity == entity)
        with self._engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return {row["halo_id"]: _binding(dict(row)) for row in rows}

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

    def unbind(self, entity: str, halo_id: str) -> None:
        """Forget a binding (the record is matched again on the next run)."""
        with self._engine.begin() as connection:
            connection.execute(
                delete(bindings).where(
                    bindings.c.company == self.company, bindings.c.entity == entity, bindings.c.halo_id == halo_id
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

    def outbox_entry(self, key: str) -> OutboxEntry | None:
        """The entry for ``key``."""
        with self._engine.connect() as connection:
            row = connection.execute(select(outbox).where(outbox.c.idempotency_key == key)).mappings().first()
        if row is None:
            return None
        return OutboxEntry(
            row["idempotency_key"], row["entity"], row["halo_id"], row["target"], row["action"], row["state"],
            row["books_id"], row["attempts"],
        )  # fmt: skip

    def mark(self, key: str, state: str, *, books_id: str = "", error: str = "") -> None:
        """Move an outbox entry on (sent, confirmed, failed, uncertain)."""
        values: dict[str, object] = {"state": state, "updated_at": self._clock(), "error": error}
        if books_id:
            values["books_id"] = books_id
        if state == "sent":
            values["attempts"] = outbox.c.attempts + 1
        with self._engine.begin() as connection:
            connection.execute(update(outbox).where(outbox.c.idempotency_key == key).values(**values))

    def unfinished(self, target: str) -> list[OutboxEntry]:
        """Entries sent or uncertain but never confirmed: what a crash may have left behind."""
        query = select(outbox.c.idempotency_key).where(
            outbox.c.company == self.company, outbox.c.target == target, outbox.c.state.in_(("sent", "uncertain"))
        )
        with self._engine.connect() as connection:
            keys = list(connection.execute(query).scalars())
        return [entry for key in keys if (entry := self.outbox_entry(key)) is not None]

    # -- cursors --------------------------------------------------------------------------

    def cursor(self, flow: str, direction: str) -> str | None:
        """The saved position of a flow, if any."""
        query = select(cursors.c.position).where(
            cursors.c.company == self.company, cursors.c.flow == flow, cursors.c.direction == direction
        )
        with self._engine.connect() as connection:
            return connection.execute(query).scalar()

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
            else:
                connection.execute(update(record_errors).where(*key).values(attempts=existing + 1, **values))

    def resolve_error(self, entity: str, halo_id: str) -> None:
        """Mark a record's error resolved (it synced)."""
        with self._engine.begin() as connection:
            connection.execute(
                update(record_errors)
                .where(
                    record_errors.c.company == self.company,
                    record_errors.c.entity == entity,
                    record_errors.c.halo_id == halo_id,
                    record_errors.c.state == "open",
                )
                .values(state="resolved", last_seen=self._clock())
            )

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

    def add_review(self, entity: str, halo_id: str, reason: str, candidates: list[str]) -> None:
        """Ask a person to decide about a record (kept once per record)."""
        key = (reviews.c.company == self.company, reviews.c.entity == entity, reviews.c.halo_id == halo_id)
        with self._engine.begin() as connection:
            connection.execute(delete(reviews).where(*key))
            connection.execute(
                insert(reviews).values(
                    company=self.company, entity=entity, halo_id=halo_id, reason=reason,
                    candidates=json.dumps(candidates), state="open", created_at=self._clock(),
                )
            )  # fmt: skip

    def open_reviews(self) -> list[dict[str, object]]:
        """Records waiting for a decision."""
        query = select(reviews).where(reviews.c.company == self.company, reviews.c.state == "open")
        with self._engine.connect() as connection:
            return [dict(row) for row in connection.execute(query.order_by(reviews.c.id)).mappings().all()]


def _binding(row: Mapping[str, Any]) -> Binding:
    return Binding(
        str(row["entity"]), str(row["halo_id"]), str(row["books_id"]), str(row["books_version"]),
        str(row["books_number"]), str(row["content_hash"]),
    )  # fmt: skip
