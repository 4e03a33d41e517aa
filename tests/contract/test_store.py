"""The store's contract, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from halo_accounts.errors import ConfigError
from halo_accounts.store import open_store
from halo_accounts.store.migrations import MIGRATIONS, apply_migrations, pending_migrations
from halo_accounts.store.schema import schema_migrations
from halo_accounts.store.sessions import WebConnectorSessions
from halo_accounts.store.state import SyncState


def test_migrations_apply_once_and_are_recorded(store_url):
    store = open_store(store_url)
    try:
        assert pending_migrations(store.engine) == []
        assert apply_migrations(store.engine) == []  # a second run changes nothing
        with store.engine.connect() as connection:
            names = list(connection.execute(select(schema_migrations.c.name)).scalars())
        assert sorted(names) == sorted(m.name for m in MIGRATIONS)
        assert inspect(store.engine).has_table("webconnector_sessions")
    finally:
        store.close()


def test_a_fresh_store_reports_pending_migrations_without_applying(store_url):
    store = open_store(store_url, migrate=False)
    try:
        assert pending_migrations(store.engine) == [m.name for m in MIGRATIONS]
        assert not inspect(store.engine).has_table("webconnector_sessions")
    finally:
        store.close()


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


def test_sessions_expire_and_are_purged(store_url):
    store = open_store(store_url)
    clock = Clock()
    sessions = WebConnectorSessions(store.engine, lifetime=timedelta(minutes=30), clock=clock)
    try:
        sessions.create("t1", "Northwind")
        assert sessions.is_busy("Northwind")
        sessions.update("t1", last_error="QuickBooks is closed", messages=3)
        record = sessions.get("t1")
        assert (record.company, record.state, record.last_error, record.messages) == (
            "Northwind",
            "open",
            "QuickBooks is closed",
            3,
        )
        clock.now += timedelta(minutes=31)
        assert sessions.get("t1") is None
        assert not sessions.is_busy("Northwind")
        assert sessions.purge_expired() == 1
    finally:
        store.close()


def test_sessions_survive_reopening_the_store(store_url):
    first = open_store(store_url)
    WebConnectorSessions(first.engine).create("t2", "Contoso")
    first.close()
    second = open_store(store_url)
    try:
        assert WebConnectorSessions(second.engine).get("t2").company == "Contoso"
    finally:
        second.close()


def test_unreachable_or_invalid_store_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not valid"):
        open_store("not a url")
    with pytest.raises(ConfigError, match="Cannot open the store"):
        open_store(f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}")


def test_a_store_from_before_reviews_knew_their_mapping_is_upgraded_and_keeps_its_reviews(store_url):
    """0003 adds ``waits_for`` to a store made by an earlier version, reading it out of the reviews' text."""
    store = open_store(store_url, migrate=False)
    try:
        earlier = [m for m in MIGRATIONS if m.name < "0003"]
        with store.engine.begin() as connection:
            schema_migrations.create(connection)
        for migration in earlier:
            with store.engine.begin() as connection:
                migration.upgrade(connection)
                connection.execute(schema_migrations.insert().values(name=migration.name, applied_at=datetime.now(UTC)))
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE reviews DROP COLUMN waits_for"))  # as 0002 made it then
            connection.execute(
                text("INSERT INTO reviews (company, entity, halo_id, reason, candidates, state, created_at) VALUES "
                     "('acme', 'invoice', '7', :taxed, '[]', 'open', :now), "
                     "('acme', 'invoice', '8', 'totals differ: 1.00 and 1.01', '[]', 'open', :now)"),
                {"taxed": "Halo tax rate 12 on invoice 7 has no tax code. Map it with "
                          "'halo-accounts mappings set tax 12 CODE'.", "now": datetime.now(UTC)},
            )  # fmt: skip
        assert apply_migrations(store.engine) == ["0003_reviews_waits_for"]
        state = SyncState(store.engine, "acme")
        assert state.reviews_waiting_for("tax:12") == [("invoice", "7")]
        assert {str(r["halo_id"]): r["waits_for"] for r in state.open_reviews()} == {"7": "tax:12", "8": ""}
    finally:
        store.close()
