"""Where a company file lives between runs: nowhere (in memory) or one SQLite database.

The whole company is held in memory while it is open (a ``State``); SQLite is write-through:
after each processed message the records it changed are saved in one transaction, so a
crash between messages loses nothing and a message is never half saved. Records are JSON
(they hold only strings, dicts and lists) keyed by kind and id, in creation order.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Protocol

from halo_accounts.simulators.quickbooks.model import KINDS, State

__all__ = ["CompanyStore", "MemoryStore", "SqliteStore", "open_store"]


class CompanyStore(Protocol):
    """Loads a company into a ``State`` and saves what each message changed."""

    def load(self, state: State) -> bool:
        """Fill ``state``; return whether there was a saved company."""
        ...

    def save(self, state: State) -> None:
        """Persist the changes ``state`` has collected since the last save."""
        ...

    def close(self) -> None:
        """Release the storage."""
        ...


class MemoryStore:
    """Keeps nothing: the company ends with the object."""

    def load(self, state: State) -> bool:
        """There is never a saved company."""
        return False

    def save(self, state: State) -> None:
        """Forget the change log; the data is already in memory."""
        state.take_changes()

    def close(self) -> None:
        """Nothing to release."""


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (kind, id))",
    "CREATE TABLE IF NOT EXISTS deleted (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)",
)


class SqliteStore:
    """One SQLite file per company file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            self._db.execute(statement)

    def load(self, state: State) -> bool:
        """Read meta, counters, records (in creation order) and the deletion log."""
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not meta:
            return False
        state.meta = json.loads(meta.get("meta", "{}"))
        state.counters.update(json.loads(meta.get("counters", "{}")))
        for kind, body in self._db.execute("SELECT kind, body FROM records ORDER BY rowid"):
            if kind in KINDS:
                state.put(kind, json.loads(body))
        state.deleted = [json.loads(body) for (body,) in self._db.execute("SELECT body FROM deleted ORDER BY seq")]
        state.take_changes()
        return True

    def save(self, state: State) -> None:
        """Write the changes of one message in one transaction."""
        upserts, removals, log = state.take_changes()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT INTO records (kind, id, body) VALUES (?, ?, ?)"
                " ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
                [
                    (kind, str(record.get("ListID") or record.get("TxnID")), json.dumps(record))
                    for kind, record in upserts
                ],
            )
            self._db.executemany("DELETE FROM records WHERE kind = ? AND id = ?", removals)
            self._db.executemany("INSERT INTO deleted (body) VALUES (?)", [(json.dumps(row),) for row in log])
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [("meta", json.dumps(state.meta)), ("counters", json.dumps(state.counters))],
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


def open_store(store: str | Path | None) -> CompanyStore:
    """``None`` → in memory; a path → that SQLite file (created when missing)."""
    if store is None:
        return MemoryStore()
    return SqliteStore(store)
