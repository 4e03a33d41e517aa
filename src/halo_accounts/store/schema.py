"""The store's tables (SQLAlchemy Core). Changing a table means adding a migration, never editing one."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, Integer, MetaData, String, Table, Text, UniqueConstraint

__all__ = [
    "bindings",
    "cursors",
    "mappings",
    "metadata",
    "outbox",
    "record_errors",
    "reviews",
    "run_flows",
    "runs",
    "schema_migrations",
    "webconnector_sessions",
]

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

# Durable identity: a Halo record and its books record, with the books' version and a content hash.
bindings = Table(
    "bindings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company", String(200), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("halo_id", String(64), nullable=False),
    Column("books_id", String(100), nullable=False),
    Column("books_version", String(100), nullable=False, default=""),
    Column("books_number", String(100), nullable=False, default=""),
    Column("content_hash", String(64), nullable=False, default=""),
    Column("synced_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("company", "entity", "halo_id", name="uq_bindings_halo"),
    UniqueConstraint("company", "entity", "books_id", name="uq_bindings_books"),
)

# Incremental read positions, per company, flow and direction.
cursors = Table(
    "cursors",
    metadata,
    Column("company", String(200), primary_key=True),
    Column("flow", String(40), primary_key=True),
    Column("direction", String(20), primary_key=True),
    Column("position", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Every intended write, committed before it is sent; the key makes a write happen once.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("company", String(200), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("halo_id", String(64), nullable=False),
    Column("target", String(10), nullable=False),  # books | halo
    Column("action", String(20), nullable=False),  # create | update | writeback
    Column("state", String(20), nullable=False),  # pending | sent | confirmed | failed | uncertain
    Column("books_id", String(100), nullable=False, default=""),
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text, nullable=False, default=""),
    Column("run_id", Integer, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company", String(200), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("dry_run", Boolean, nullable=False, default=False),
    Column("outcome", String(20), nullable=False, default="running"),  # running | ok | partial | failed
    Column("message", Text, nullable=False, default=""),
)

run_flows = Table(
    "run_flows",
    metadata,
    Column("run_id", Integer, primary_key=True),
    Column("flow", String(40), primary_key=True),
    Column("counts", Text, nullable=False, default="{}"),  # JSON: created, updated, linked, skipped, failed, review
    Column("seconds", Float, nullable=False, default=0.0),
    Column("outcome", String(20), nullable=False, default="ok"),
)

record_errors = Table(
    "record_errors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company", String(200), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("halo_id", String(64), nullable=False),
    Column("error_type", String(40), nullable=False),
    Column("code", String(60), nullable=False, default=""),
    Column("user_message", Text, nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("attempts", Integer, nullable=False, default=1),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("state", String(20), nullable=False, default="open"),  # open | resolved | ignored
    UniqueConstraint("company", "entity", "halo_id", name="uq_record_errors_record"),
)

# What a person decides: Halo tax rate -> books tax code, item type -> books item kind, accounts ...
mappings = Table(
    "mappings",
    metadata,
    Column("company", String(200), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("halo_key", String(200), primary_key=True),
    Column("books_key", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Records the engine will not decide alone (ambiguous matches, totals that differ ...).
reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("company", String(200), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("halo_id", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("candidates", Text, nullable=False, default="[]"),
    Column("state", String(20), nullable=False, default="open"),  # open | resolved
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The mapping it waits for ("tax:7"), if any: saving that mapping sends it back to the sync.
    Column("waits_for", String(200), nullable=False, default="", server_default=""),
    UniqueConstraint("company", "entity", "halo_id", name="uq_reviews_record"),
)
