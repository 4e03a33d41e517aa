"""The store's tables (SQLAlchemy Core). Changing a table means adding a migration, never editing one."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

__all__ = ["metadata", "schema_migrations", "webconnector_sessions"]

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

# One row per Web Connector ticket: who it belongs to, how long it lives, what the user is told.
webconnector_sessions = Table(
    "webconnector_sessions",
    metadata,
    Column("ticket", String(64), primary_key=True),
    Column("company", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("state", String(20), nullable=False),  # open | closed | failed
    Column("last_error", Text, nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("company_file", Text, nullable=False, default=""),
    Column("messages", Integer, nullable=False, default=0),
)
