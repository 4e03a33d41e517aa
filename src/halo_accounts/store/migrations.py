"""Named, transactional, versioned migrations, recorded in ``schema_migrations``.

Each migration runs in its own transaction and is recorded in the same one, so a crash leaves
the store either before or after it, never half-way. Migrations are only ever appended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, inspect, select, text, update

from halo_accounts.store.schema import (
    bindings,
    cursors,
    mappings,
    outbox,
    record_errors,
    reviews,
    run_flows,
    runs,
    schema_migrations,
    webconnector_sessions,
)

__all__ = ["MIGRATIONS", "Migration", "apply_migrations", "pending_migrations"]


@dataclass(frozen=True, slots=True)
class Migration:
    """One change to the schema, applied once."""

    name: str
    upgrade: Callable[[Connection], None]


def _webconnector_sessions(connection: Connection) -> None:
    webconnector_sessions.create(connection)


def _sync_state(connection: Connection) -> None:
    for table in (bindings, cursors, outbox, runs, run_flows, record_errors, mappings, reviews):
        table.create(connection)


def _reviews_waits_for(connection: Connection) -> None:
    # A store made by 0002 after this column was added to the table already has it.
    if "waits_for" not in {c["name"] for c in inspect(connection).get_columns(reviews.name)}:
        connection.execute(text("ALTER TABLE reviews ADD COLUMN waits_for VARCHAR(200) NOT NULL DEFAULT ''"))
    # Reviews opened before: the tax rate they wait for was only in their text ("mappings set tax 7 CODE").
    marker = "mappings set tax "
    waiting = connection.execute(select(reviews.c.id, reviews.c.reason).where(reviews.c.reason.contains(marker)))
    for review_id, reason in waiting.all():
        halo_key = reason.split(marker, 1)[1].split(" ", 1)[0]
        connection.execute(update(reviews).where(reviews.c.id == review_id).values(waits_for=f"tax:{halo_key}"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_webconnector_sessions", _webconnector_sessions),
    Migration("0002_sync_state", _sync_state),
    Migration("0003_reviews_waits_for", _reviews_waits_for),
)


def _applied(connection: Connection) -> set[str]:
    if not inspect(connection).has_table(schema_migrations.name):
        return set()
    return set(connection.execute(select(schema_migrations.c.name)).scalars())


def pending_migrations(engine: Engine) -> list[str]:
    """Names of the migrations not yet applied."""
    with engine.connect() as connection:
        done = _applied(connection)
    return [m.name for m in MIGRATIONS if m.name not in done]


def apply_migrations(engine: Engine) -> list[str]:
    """Apply what is pending, each in its own transaction; returns the names applied."""
    with engine.begin() as connection:
        schema_migrations.create(connection, checkfirst=True)
    applied: list[str] = []
    for migration in MIGRATIONS:
        with engine.begin() as connection:
            if migration.name in _applied(connection):
                continue
            migration.upgrade(connection)
            connection.execute(schema_migrations.insert().values(name=migration.name, applied_at=datetime.now(UTC)))
            applied.append(migration.name)
    return applied
