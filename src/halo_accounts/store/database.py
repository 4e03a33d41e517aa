"""Opening the store: a SQLite file (WAL) in the platform's data folder, or PostgreSQL by URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from halo_accounts.errors import ConfigError
from halo_accounts.store.migrations import apply_migrations, pending_migrations

__all__ = ["Store", "default_store_url", "open_store", "stored_utc"]


def stored_utc(moment: datetime) -> datetime:
    """A time read back from the store as aware UTC (SQLite returns it naive, PostgreSQL in the session's zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def default_store_url() -> str:
    """``sqlite:///`` + the integrator's database in the user's data folder."""
    folder = Path(platformdirs.user_data_dir("halo-accounts", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'integrator.db'}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the sync's writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each WAL checkpoint; safe with WAL
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@dataclass
class Store:
    """The engine of an opened, migrated store."""

    engine: Engine
    url: str

    def close(self) -> None:
        """Release connections."""
        self.engine.dispose()


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default migrate) the store at ``url``; ``ConfigError`` when it cannot be reached."""
    target = url or default_store_url()
    try:
        parsed = make_url(target)
    except ArgumentError:
        msg = f"The store URL '{target}' is not valid; use sqlite:///path or postgresql://user@host/db."
        raise ConfigError(msg) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    shown = parsed.render_as_string(hide_password=True)
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError:
        msg = f"The store URL '{shown}' needs a database driver that is not installed."
        raise ConfigError(msg) from None
    except ModuleNotFoundError:
        msg = "PostgreSQL needs the 'postgres' extra: pip install \"halo-accounts-integrator[postgres]\"."
        raise ConfigError(msg) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        if migrate:
            apply_migrations(engine)
        else:
            pending_migrations(engine)
    except OperationalError as exc:
        engine.dispose()
        msg = f"Cannot open the store at {shown}: {exc.orig}. Check the path or the database server."
        raise ConfigError(msg) from None
    return Store(engine=engine, url=shown)
