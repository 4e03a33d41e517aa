"""One sync at a time per company, whatever started it (``sync``, ``serve``, a scheduled task).

Two runs of the same company at once could each decide that an invoice is still to be sent.
The lock is one the operating system or the database server drops by itself when its holder
dies (a crash, ``kill -9``, a power cut), so a dead run never blocks the next one:

- SQLite store: an OS file lock beside the database file;
- PostgreSQL: a session advisory lock, held by one connection for the whole run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, TextClause, text

from halo_accounts.errors import ConfigError, TransientError

__all__ = ["company_lock"]


def _busy(company: str) -> TransientError:
    return TransientError(
        f"Another sync of '{company}' is running (from 'sync', 'serve' or a scheduled task); this run changed "
        "nothing. It can run again as soon as that one ends.",
        record=company,
    )


def _key(company: str) -> int:
    # A stable signed 64-bit key for PostgreSQL's advisory locks.
    return int.from_bytes(hashlib.sha256(f"halo-accounts:{company}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def company_lock(engine: Engine, company: str) -> Iterator[None]:
    """Hold the company's sync lock for the ``with`` block; ``TransientError`` when another run holds it."""
    dialect = engine.dialect.name
    if dialect == "sqlite":
        with _file_lock(engine, company):
            yield
    elif dialect == "postgresql":
        with engine.connect() as connection:
            _take(connection, text("SELECT pg_try_advisory_lock(:key)"), {"key": _key(company)}, company)
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _key(company)})
                connection.commit()
    else:
        msg = f"The store's database ({dialect}) is not supported; use SQLite or PostgreSQL."
        raise ConfigError(msg)


def _take(connection: Connection, query: TextClause, params: dict[str, object], company: str) -> None:
    taken = connection.execute(query, params).scalar()
    connection.commit()  # the lock belongs to the session, not to a transaction left open
    if not taken:
        raise _busy(company)


@contextmanager
def _file_lock(engine: Engine, company: str) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:":
        yield  # a private in-memory store: no other process can see it
        return
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", company)[:80]
    digest = hashlib.sha256(company.encode()).hexdigest()[:8]  # names that differ only in symbols stay apart
    lock = FileLock(Path(database).with_name(f"{Path(database).name}.{safe}-{digest}.lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise _busy(company) from None
    try:
        yield
    finally:
        lock.release()
