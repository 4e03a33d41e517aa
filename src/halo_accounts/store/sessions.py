"""Web Connector sessions: tickets with a time limit, and what the Web Connector is told."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, update

from halo_accounts.store.database import stored_utc
from halo_accounts.store.schema import webconnector_sessions as table

__all__ = ["SessionRecord", "WebConnectorSessions"]


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One ticket as stored."""

    ticket: str
    company: str
    created_at: datetime
    expires_at: datetime
    state: str
    last_error: str
    summary: str
    company_file: str
    messages: int


class WebConnectorSessions:
    """Tickets persisted in the store, so a restart of the server ends sessions cleanly."""

    def __init__(
        self, engine: Engine, *, lifetime: timedelta = timedelta(hours=1), clock: Callable[[], datetime] | None = None
    ) -> None:
        self._engine = engine
        self._lifetime = lifetime
        self._clock = clock or (lambda: datetime.now(UTC))

    def create(self, ticket: str, company: str) -> None:
        """Record a new open session."""
        now = self._clock()
        with self._engine.begin() as connection:
            connection.execute(
                table.insert().values(
                    ticket=ticket,
                    company=company,
                    created_at=now,
                    expires_at=now + self._lifetime,
                    state="open",
                    last_error="",
                    summary="",
                    company_file="",
                    messages=0,
                )
            )

    def get(self, ticket: str) -> SessionRecord | None:
        """The session if it exists and has not expired."""
        with self._engine.connect() as connection:
            row = connection.execute(select(table).where(table.c.ticket == ticket)).mappings().first()
        if row is None:
            return None
        record = SessionRecord(**dict(row))
        return record if stored_utc(record.expires_at) > self._clock() else None

    def update(self, ticket: str, **values: object) -> None:
        """Change fields of a session and extend its life."""
        values["expires_at"] = self._clock() + self._lifetime
        with self._engine.begin() as connection:
            connection.execute(update(table).where(table.c.ticket == ticket).values(**values))

    def latest(self, company: str) -> SessionRecord | None:
        """The most recent session of ``company``, expired or not; ``None`` when the Web Connector never called."""
        query = select(table).where(table.c.company == company).order_by(table.c.created_at.desc()).limit(1)
        with self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return SessionRecord(**dict(row)) if row is not None else None

    def is_busy(self, company: str) -> bool:
        """Whether an unexpired session for ``company`` is still open."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(table.c.expires_at).where(table.c.company == company, table.c.state == "open")
            ).scalars()
            now = self._clock()
            return any(stored_utc(e) > now for e in rows)

    def purge_expired(self) -> int:
        """Forget sessions past their time; returns how many."""
        with self._engine.begin() as connection:
            result = connection.execute(delete(table).where(table.c.expires_at < self._clock()))
        return int(result.rowcount or 0)
