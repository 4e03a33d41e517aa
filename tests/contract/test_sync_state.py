"""The sync state's contract (``SyncState``), the same on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from halo_accounts.errors import ConfigError, SyncError, TransientError
from halo_accounts.store import Store, open_store
from halo_accounts.store.schema import bindings, cursors, mappings, outbox, record_errors, reviews
from halo_accounts.store.state import Binding, OutboxEntry, SyncState

COMPANY = "Northwind"
OTHER = "Contoso"
START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 60) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state(store: Store, clock: Clock) -> SyncState:
    return SyncState(store.engine, COMPANY, clock=clock)


@pytest.fixture
def other(store: Store, clock: Clock) -> SyncState:
    """The same store seen by another company."""
    return SyncState(store.engine, OTHER, clock=clock)


def rows(store: Store, table: Table, **where: Any) -> int:
    """How many rows of ``table`` match ``where`` (column == value), read straight from the store."""
    query = select(func.count()).select_from(table).where(*(table.c[name] == value for name, value in where.items()))
    with store.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def utc(value: Any) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands it back naive, PostgreSQL in the session's zone)."""
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def intend(
    state: SyncState,
    key: str,
    halo_id: str = "H1",
    *,
    target: str = "books",
    action: str = "create",
    entity: str = "customer",
):
    return state.intend(key, entity=entity, halo_id=halo_id, target=target, action=action, run_id=None)


# -- bindings ---------------------------------------------------------------------------------


def test_bind_records_a_binding_and_rebinding_the_halo_record_replaces_it(state, store, clock):
    assert state.bindings("customer") == {}
    state.bind(Binding("customer", "H1", "B1", "v1", "1001", "hash-1"))
    state.bind(Binding("customer", "H2", "B2"))
    state.bind(Binding("item", "H1", "I1"))
    assert state.bindings("customer") == {
        "H1": Binding("customer", "H1", "B1", "v1", "1001", "hash-1"),
        "H2": Binding("customer", "H2", "B2"),
    }
    assert state.bindings("item") == {"H1": Binding("item", "H1", "I1")}

    clock.tick()
    state.bind(Binding("customer", "H1", "B9", "v2", "1009", "hash-2"))
    assert state.bindings("customer")["H1"] == Binding("customer", "H1", "B9", "v2", "1009", "hash-2")
    assert rows(store, bindings, company=COMPANY, entity="customer", halo_id="H1") == 1
    assert rows(store, bindings, company=COMPANY, entity="customer", books_id="B1") == 0
    with store.engine.connect() as connection:
        synced = connection.execute(select(bindings.c.synced_at).where(bindings.c.books_id == "B9")).scalar_one()
    assert utc(synced) == clock.now


def test_binding_a_books_id_bound_to_another_halo_record_replaces_the_old_binding(state, store):
    state.bind(Binding("customer", "H1", "B1"))
    state.bind(Binding("customer", "H2", "B1", "v2"))
    assert state.bindings("customer") == {"H2": Binding("customer", "H2", "B1", "v2")}
    assert rows(store, bindings, company=COMPANY, entity="customer", books_id="B1") == 1

    # Both ids at once: H2 moves to B3 and takes it from H3; nothing is left bound to B1 or H3.
    state.bind(Binding("customer", "H3", "B3"))
    state.bind(Binding("customer", "H2", "B3"))
    assert state.bindings("customer") == {"H2": Binding("customer", "H2", "B3")}
    assert rows(store, bindings) == 1

    # The same books id under another entity is another record.
    state.bind(Binding("item", "H7", "B3"))
    assert state.bindings("customer") == {"H2": Binding("customer", "H2", "B3")}
    assert state.bindings("item") == {"H7": Binding("item", "H7", "B3")}


def test_unbind_forgets_one_binding_only(state, store):
    state.bind(Binding("customer", "H1", "B1"))
    state.bind(Binding("customer", "H2", "B2"))
    state.bind(Binding("item", "H1", "I1"))
    state.unbind("customer", "H1")
    state.unbind("customer", "H404")  # unknown: nothing happens
    assert state.bindings("customer") == {"H2": Binding("customer", "H2", "B2")}
    assert state.bindings("item") == {"H1": Binding("item", "H1", "I1")}
    assert rows(store, bindings) == 2
    # Both ids are free again.
    state.bind(Binding("customer", "H3", "B1"))
    state.bind(Binding("customer", "H1", "B4"))
    assert set(state.bindings("customer")) == {"H1", "H2", "H3"}


def test_bind_many_is_bind_for_each_record_in_turn(state, other, store):
    before = [Binding("customer", "H1", "B1"), Binding("customer", "H2", "B2"), Binding("customer", "H5", "B5")]
    batch = [
        Binding("customer", "H1", "B10", "v2"),  # rebinds H1
        Binding("customer", "H3", "B2"),  # takes B2 from H2
        Binding("customer", "H4", "B4", "v1", "1004", "hash"),  # new
        Binding("customer", "H6", "B10"),  # takes B10 from H1 (above), leaving H1 unbound
        Binding("customer", "H7", "B7"),
        Binding("customer", "H7", "B8", "v3"),  # a later answer for H7 wins
    ]
    for binding in before:
        state.bind(binding)
        other.bind(binding)
    for binding in batch:
        other.bind(binding)
    state.bind_many([])
    state.bind_many(batch)
    assert (
        state.bindings("customer")
        == other.bindings("customer")
        == {
            "H3": Binding("customer", "H3", "B2"),
            "H4": Binding("customer", "H4", "B4", "v1", "1004", "hash"),
            "H5": Binding("customer", "H5", "B5"),
            "H6": Binding("customer", "H6", "B10"),
            "H7": Binding("customer", "H7", "B8", "v3"),
        }
    )
    assert rows(store, bindings, company=COMPANY) == 5


def test_companies_are_isolated_from_each_other(state, other, store):
    state.bind(Binding("customer", "H1", "B1"))
    other.bind(Binding("customer", "H1", "B1", "other"))
    other.bind(Binding("customer", "H2", "B2"))
    assert state.bindings("customer") == {"H1": Binding("customer", "H1", "B1")}
    assert other.bindings("customer") == {
        "H1": Binding("customer", "H1", "B1", "other"),
        "H2": Binding("customer", "H2", "B2"),
    }
    other.unbind("customer", "H1")
    assert state.bindings("customer") == {"H1": Binding("customer", "H1", "B1")}

    intend(state, "Northwind:1")
    state.mark("Northwind:1", "sent")
    intend(other, "Contoso:1")
    other.mark("Contoso:1", "uncertain")
    assert [e.key for e in state.unfinished("books")] == ["Northwind:1"]
    assert [e.key for e in other.unfinished("books")] == ["Contoso:1"]

    state.set_cursor("invoices", "halo_to_books", "north")
    assert other.cursor("invoices", "halo_to_books") is None
    other.set_cursor("invoices", "halo_to_books", "contoso")
    assert state.cursor("invoices", "halo_to_books") == "north"

    state.record_error("customer", "H1", SyncError("Northwind's problem"))
    assert other.open_errors() == []
    assert other.error_count() == 0
    other.record_error("customer", "H1", SyncError("Contoso's problem"))
    other.resolve_error("customer", "H1")
    assert [e["user_message"] for e in state.open_errors()] == ["Northwind's problem"]
    assert state.open_errors()[0]["attempts"] == 1

    state.set_mapping("tax", "20%", "S")
    assert other.mappings("tax") == {}
    other.set_mapping("tax", "20%", "T1")
    assert state.mappings("tax") == {"20%": "S"}

    state.add_review("customer", "H1", "two candidates", ["B1", "B2"])
    assert other.open_reviews() == []
    other.add_review("customer", "H1", "no candidate", [])
    assert [r["reason"] for r in state.open_reviews()] == ["two candidates"]

    state.start_run(dry_run=False)
    assert other.history() == []
    assert [run["company"] for run in state.history()] == [COMPANY]


# -- outbox -----------------------------------------------------------------------------------


def test_intend_commits_a_pending_entry_once_per_key(state, store):
    assert state.outbox_entry("k1") is None
    run_id = state.start_run(dry_run=False)
    entry = state.intend("k1", entity="invoice", halo_id="H1", target="books", action="create", run_id=run_id)
    assert entry == OutboxEntry("k1", "invoice", "H1", "books", "create", "pending", "", 0)
    assert state.outbox_entry("k1") == entry
    assert state.outbox_entry("k2") is None
    with store.engine.connect() as connection:
        row = connection.execute(select(outbox).where(outbox.c.idempotency_key == "k1")).mappings().one()
    assert (row["company"], row["run_id"], row["error"]) == (COMPANY, run_id, "")
    assert utc(row["created_at"]) == utc(row["updated_at"]) == START

    assert state.intend("k1", entity="invoice", halo_id="H1", target="books", action="create", run_id=run_id) == entry
    state.mark("k1", "sent", books_id="B1")
    # A later intention with the same key, even worded differently, finds the existing entry and its state.
    later = state.intend("k1", entity="customer", halo_id="H9", target="halo", action="update", run_id=None)
    assert later == OutboxEntry("k1", "invoice", "H1", "books", "create", "sent", "B1", 1)
    assert rows(store, outbox) == 1


def test_mark_moves_the_state_and_counts_attempts_on_sent(state, store, clock):
    intend(state, "k1")
    state.mark("k1", "sent")
    assert (state.outbox_entry("k1").state, state.outbox_entry("k1").attempts) == ("sent", 1)

    clock.tick()
    state.mark("k1", "uncertain", error="The answer was lost")
    entry = state.outbox_entry("k1")
    assert (entry.state, entry.attempts, entry.books_id) == ("uncertain", 1, "")
    with store.engine.connect() as connection:
        row = connection.execute(select(outbox).where(outbox.c.idempotency_key == "k1")).mappings().one()
    assert row["error"] == "The answer was lost"
    assert utc(row["updated_at"]) == clock.now
    assert utc(row["created_at"]) == START

    state.mark("k1", "sent")
    state.mark("k1", "confirmed", books_id="B1")
    assert state.outbox_entry("k1") == OutboxEntry("k1", "customer", "H1", "books", "create", "confirmed", "B1", 2)
    # A mark without a books id keeps the one recorded; the error is cleared unless given.
    state.mark("k1", "failed")
    assert state.outbox_entry("k1") == OutboxEntry("k1", "customer", "H1", "books", "create", "failed", "B1", 2)
    with store.engine.connect() as connection:
        assert connection.execute(select(outbox.c.error).where(outbox.c.idempotency_key == "k1")).scalar_one() == ""

    state.mark("k404", "sent")  # an unknown key creates nothing
    assert state.outbox_entry("k404") is None
    assert rows(store, outbox) == 1


def test_unfinished_is_exactly_the_sent_and_uncertain_entries_of_the_company_and_target(state, other):
    for key, mark in [
        ("pending", None),
        ("sent", "sent"),
        ("uncertain", "uncertain"),
        ("confirmed", "confirmed"),
        ("failed", "failed"),
    ]:
        intend(state, key, f"H-{key}")
        if mark is not None:
            state.mark(key, mark)
    intend(state, "halo-sent", target="halo", action="writeback")
    state.mark("halo-sent", "sent")
    intend(other, "other-sent")
    other.mark("other-sent", "sent")

    unfinished = state.unfinished("books")
    assert sorted(e.key for e in unfinished) == ["sent", "uncertain"]
    assert {e.key: (e.state, e.halo_id, e.attempts) for e in unfinished} == {
        "sent": ("sent", "H-sent", 1),
        "uncertain": ("uncertain", "H-uncertain", 0),
    }
    assert [e.key for e in state.unfinished("halo")] == ["halo-sent"]
    assert [e.key for e in other.unfinished("books")] == ["other-sent"]
    assert other.unfinished("halo") == []

    state.mark("sent", "confirmed", books_id="B1")
    assert [e.key for e in state.unfinished("books")] == ["uncertain"]


def test_unconfirmed_is_every_entry_of_the_entity_not_confirmed_failed_ones_too(state, other):
    for key, mark in [("p", None), ("s", "sent"), ("u", "uncertain"), ("c", "confirmed"), ("f", "failed")]:
        intend(state, key, f"H-{key}", entity="invoice_void")
        if mark is not None:
            state.mark(key, mark)
    intend(state, "f2", "H-f", entity="invoice_void")  # a second intention for one record: one id
    state.mark("f2", "failed")
    intend(state, "other-entity", "H-x", entity="invoice")
    intend(other, "other-company", "H-y", entity="invoice_void")
    assert state.unconfirmed("invoice_void") == ["H-f", "H-p", "H-s", "H-u"]
    assert state.unconfirmed("invoice") == ["H-x"]
    assert other.unconfirmed("invoice_void") == ["H-y"]
    state.mark("u", "confirmed", books_id="B1")
    assert state.unconfirmed("invoice_void") == ["H-f", "H-p", "H-s"]


def test_intend_many_and_mark_many_are_intend_and_mark_for_each_key(state, store):
    run_id = state.start_run(dry_run=False)
    intend(state, "k1", "H1")
    state.mark("k1", "sent", books_id="B1")
    assert state.intend_many([], entity="customer", target="books", run_id=run_id) == {}
    entries = state.intend_many(
        [("k1", "H1", "create"), ("k2", "H2", "update"), ("k2", "H2", "update"), ("k3", "H3", "create")],
        entity="customer",
        target="books",
        run_id=run_id,
    )
    assert entries == {
        "k1": OutboxEntry("k1", "customer", "H1", "books", "create", "sent", "B1", 1),
        "k2": OutboxEntry("k2", "customer", "H2", "books", "update", "pending", "", 0),
        "k3": OutboxEntry("k3", "customer", "H3", "books", "create", "pending", "", 0),
    }
    assert state.outbox_entry("k2") == entries["k2"]
    assert rows(store, outbox) == 3
    assert rows(store, outbox, idempotency_key="k2", run_id=run_id, company=COMPANY) == 1

    state.mark_many([], "sent")
    state.mark_many(["k1", "k2", "k3"], "sent")
    assert [state.outbox_entry(k).attempts for k in ("k1", "k2", "k3")] == [2, 1, 1]
    state.mark_many(["k1", "k3"], "confirmed", books_ids={"k3": "B3"})
    state.mark_many(["k2"], "uncertain", errors={"k2": "lost"})
    assert state.outbox_entry("k1") == OutboxEntry("k1", "customer", "H1", "books", "create", "confirmed", "B1", 2)
    assert state.outbox_entry("k2") == OutboxEntry("k2", "customer", "H2", "books", "update", "uncertain", "", 1)
    assert state.outbox_entry("k3") == OutboxEntry("k3", "customer", "H3", "books", "create", "confirmed", "B3", 1)
    with store.engine.connect() as connection:
        errors = dict(connection.execute(select(outbox.c.idempotency_key, outbox.c.error)).all())
    assert errors == {"k1": "", "k2": "lost", "k3": ""}
    assert [e.key for e in state.unfinished("books")] == ["k2"]


# -- cursors ----------------------------------------------------------------------------------


def test_cursors_are_set_replaced_and_read_per_flow_and_direction(state, store, clock):
    assert state.cursor("invoices", "halo_to_books") is None
    state.set_cursor("invoices", "halo_to_books", "2026-11-01T00:00:00Z")
    state.set_cursor("invoices", "books_to_halo", "tx-17")
    state.set_cursor("customers", "halo_to_books", "c-3")
    clock.tick()
    state.set_cursor("invoices", "halo_to_books", "2026-11-28T09:00:00Z")
    assert state.cursor("invoices", "halo_to_books") == "2026-11-28T09:00:00Z"
    assert state.cursor("invoices", "books_to_halo") == "tx-17"
    assert state.cursor("customers", "halo_to_books") == "c-3"
    assert state.cursor("customers", "books_to_halo") is None
    assert rows(store, cursors) == 3
    with store.engine.connect() as connection:
        updated = connection.execute(
            select(cursors.c.updated_at).where(cursors.c.flow == "invoices", cursors.c.direction == "halo_to_books")
        ).scalar_one()
    assert utc(updated) == clock.now


# -- runs -------------------------------------------------------------------------------------


def test_runs_and_their_flows_are_returned_newest_first_with_their_counts(state, clock):
    assert state.history() == []
    first = state.start_run(dry_run=False)
    clock.tick(5)
    state.finish_flow(first, "customers", {"created": 2, "updated": 1, "failed": 0}, 1.5, "ok")
    state.finish_flow(first, "invoices", {"created": 0, "failed": 3}, 0.25, "partial")
    clock.tick(5)
    state.finish_run(first, "partial", "3 invoices failed")
    clock.tick(60)
    second = state.start_run(dry_run=True)
    clock.tick(5)
    state.finish_run(second, "ok")
    clock.tick(60)
    third = state.start_run(dry_run=False)
    assert len({first, second, third}) == 3

    history = state.history()
    assert [run["id"] for run in history] == [third, second, first]
    newest, middle, oldest = history
    assert (newest["outcome"], newest["finished_at"], newest["flows"], newest["dry_run"]) == (
        "running",
        None,
        {},
        False,
    )
    assert utc(newest["started_at"]) == clock.now
    assert (middle["outcome"], middle["message"], bool(middle["dry_run"]), middle["flows"]) == ("ok", "", True, {})
    assert oldest["company"] == COMPANY
    assert (oldest["outcome"], oldest["message"], oldest["dry_run"]) == ("partial", "3 invoices failed", False)
    assert utc(oldest["started_at"]) == START
    assert utc(oldest["finished_at"]) == START + timedelta(seconds=10)
    assert oldest["flows"] == {
        "customers": {"created": 2, "updated": 1, "failed": 0, "seconds": 1.5},
        "invoices": {"created": 0, "failed": 3, "seconds": 0.25},
    }
    assert [run["id"] for run in state.history(limit=2)] == [third, second]


# -- record errors ----------------------------------------------------------------------------


def test_record_errors_keep_one_row_per_record_and_count_attempts(state, store, clock):
    assert (state.open_errors(), state.error_count()) == ([], 0)
    state.record_error("invoice", "H1", TransientError("QuickBooks is busy", code="busy"))
    clock.tick()
    state.record_error("invoice", "H1", ConfigError("No tax code for 20%", detail="rate 20", code="tax"))
    state.record_error("invoice", "H2", SyncError("Customer missing"))
    state.record_error("customer", "H1", SyncError("Name too long"))

    errors = state.open_errors()
    assert [(e["entity"], e["halo_id"], e["attempts"]) for e in errors] == [
        ("invoice", "H1", 2),
        ("invoice", "H2", 1),
        ("customer", "H1", 1),
    ]
    latest = errors[0]
    assert (latest["error_type"], latest["code"], latest["user_message"], latest["detail"], latest["state"]) == (
        "ConfigError",
        "tax",
        "No tax code for 20%",
        "rate 20",
        "open",
    )
    assert (utc(latest["first_seen"]), utc(latest["last_seen"])) == (START, clock.now)
    assert (errors[1]["error_type"], errors[1]["code"], errors[1]["detail"]) == ("SyncError", "", "")
    assert state.error_count() == 3
    assert rows(store, record_errors, entity="invoice", halo_id="H1") == 1


def test_resolved_errors_are_not_returned_or_counted(state, store):
    state.record_error("invoice", "H1", SyncError("first"))
    state.record_error("invoice", "H2", SyncError("second"))
    state.resolve_error("invoice", "H1")
    state.resolve_error("invoice", "H404")  # unknown: nothing happens
    state.resolve_error("customer", "H2")  # another entity: nothing happens
    assert [e["halo_id"] for e in state.open_errors()] == ["H2"]
    assert state.error_count() == 1
    assert rows(store, record_errors, halo_id="H1", state="resolved") == 1

    # Failing again reopens the same row.
    state.record_error("invoice", "H1", SyncError("again"))
    assert sorted(e["user_message"] for e in state.open_errors()) == ["again", "second"]
    assert state.error_count() == 2
    assert rows(store, record_errors) == 2


def test_record_errors_and_records_written_are_the_single_calls_in_a_batch(state, store, clock):
    state.record_error("invoice", "H1", SyncError("before"))
    state.record_errors("invoice", [])
    state.records_written("invoice", [])
    clock.tick()
    state.record_errors(
        "invoice",
        [("H1", SyncError("again", code="x")), ("H2", SyncError("new")), ("H2", ConfigError("newer", detail="d"))],
    )
    errors = {e["halo_id"]: e for e in state.open_errors()}
    assert {k: (e["user_message"], e["error_type"]) for k, e in errors.items()} == {
        "H1": ("again", "SyncError"),
        "H2": ("newer", "ConfigError"),  # a record named twice in a batch keeps the later error
    }
    assert errors["H1"]["attempts"] == 2
    assert (errors["H1"]["code"], errors["H2"]["detail"]) == ("x", "d")
    assert (utc(errors["H1"]["first_seen"]), utc(errors["H1"]["last_seen"])) == (START, clock.now)
    assert rows(store, record_errors) == 2

    state.records_written("invoice", ["H1", "H404"])
    assert [e["halo_id"] for e in state.open_errors()] == ["H2"]
    assert state.error_count() == 1


def test_a_record_written_closes_the_reviews_asked_before_its_run_not_those_its_run_asked(state, clock):
    state.add_reviews("invoice", [("H1", "tax rate 7 has no code", [], "tax:7"), ("H2", "ambiguous", [])])
    clock.tick()
    run_id = state.start_run(dry_run=False)
    clock.tick()
    state.add_review("invoice", "H3", "made inactive: do it by hand", [])  # asked by this run
    state.records_written("invoice", ["H1", "H3"], run_id=run_id)
    assert sorted(str(r["halo_id"]) for r in state.open_reviews()) == ["H2", "H3"]
    assert state.reviews_waiting_for("tax:7") == []
    state.records_written("invoice", ["H3"])  # no run named: every open review of the record
    assert [str(r["halo_id"]) for r in state.open_reviews()] == ["H2"]


def test_a_record_put_to_a_person_no_longer_shows_the_error_it_got_past(state):
    state.record_errors("invoice", [("H1", SyncError("item 4 is not synced")), ("H2", SyncError("no customer"))])
    state.record_error("customer", "H1", SyncError("name too long"))
    state.add_reviews("invoice", [("H1", "tax rate 7 has no code", [], "tax:7")])
    state.add_review("invoice", "H9", "totals differ", [])
    assert sorted((e["entity"], e["halo_id"]) for e in state.open_errors()) == [("customer", "H1"), ("invoice", "H2")]


# -- mappings and reviews ---------------------------------------------------------------------


def test_mappings_are_replaced_on_the_same_key(state, store, clock):
    assert state.mappings("tax") == {}
    state.set_mapping("tax", "20%", "S")
    state.set_mapping("tax", "5%", "R")
    state.set_mapping("account", "20%", "4000")
    clock.tick()
    state.set_mapping("tax", "20%", "T1")
    assert state.mappings("tax") == {"20%": "T1", "5%": "R"}
    assert state.mappings("account") == {"20%": "4000"}
    assert rows(store, mappings) == 3
    with store.engine.connect() as connection:
        updated = connection.execute(
            select(mappings.c.updated_at).where(mappings.c.kind == "tax", mappings.c.halo_key == "20%")
        ).scalar_one()
    assert utc(updated) == clock.now


def test_a_review_is_kept_once_per_record_and_replaced(state, store, clock):
    assert state.open_reviews() == []
    state.add_review("customer", "H1", "two candidates", ["B1", "B2"])
    state.add_review("invoice", "H1", "totals differ", [])
    clock.tick()
    state.add_review("customer", "H1", "three candidates", ["B1", "B2", "B3"])
    open_reviews = state.open_reviews()
    assert [(r["entity"], r["halo_id"], r["reason"], r["candidates"], r["state"]) for r in open_reviews] == [
        ("invoice", "H1", "totals differ", "[]", "open"),
        ("customer", "H1", "three candidates", '["B1", "B2", "B3"]', "open"),
    ]
    assert utc(open_reviews[1]["created_at"]) == clock.now
    assert rows(store, reviews) == 2

    state.add_reviews("customer", [])
    state.add_reviews("customer", [("H1", "settled by hand", ["B2"]), ("H2", "ambiguous", ["B7"])])
    assert {(r["entity"], r["halo_id"]): r["reason"] for r in state.open_reviews()} == {
        ("invoice", "H1"): "totals differ",
        ("customer", "H1"): "settled by hand",
        ("customer", "H2"): "ambiguous",
    }
    assert rows(store, reviews) == 3


# -- two writers on one store -----------------------------------------------------------------


def at_once(store_url: str, work: Callable[[SyncState, int], object], rounds: int) -> list[list[object]]:
    """Run ``work(state, round)`` from two threads, each with its own store connection, released together."""
    stores = [open_store(store_url), open_store(store_url)]
    barrier = threading.Barrier(2, timeout=30)
    results: list[list[object]] = [[], []]
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        state = SyncState(stores[index].engine, COMPANY)
        try:
            for round_ in range(rounds):
                barrier.wait()
                results[index].append(work(state, round_))
        except BaseException as exc:  # handed to the test below
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for opened in stores:
            opened.close()
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    return results


ROUNDS = 20


def test_two_states_intending_the_same_key_at_once_leave_one_outbox_row(store_url, store):
    def work(state: SyncState, round_: int) -> tuple[OutboxEntry, dict[str, OutboxEntry]]:
        one = state.intend(f"k{round_}", entity="invoice", halo_id="H", target="books", action="create", run_id=None)
        batch = [(f"k{round_}-{n}", f"H{n}", "create") for n in range(3)]
        return one, state.intend_many(batch, entity="invoice", target="books", run_id=None)

    first, second = at_once(store_url, work, ROUNDS)
    assert first == second  # both writers were handed the same entries
    assert all(one.state == "pending" and len(many) == 3 for one, many in first)
    for round_ in range(ROUNDS):
        assert rows(store, outbox, idempotency_key=f"k{round_}") == 1
        assert rows(store, outbox, idempotency_key=f"k{round_}-2") == 1
    assert rows(store, outbox) == 4 * ROUNDS


def test_two_states_replacing_the_same_rows_at_once_leave_one_row_each_and_count_every_error(store_url, store):
    def work(state: SyncState, round_: int) -> None:
        state.bind(Binding("customer", f"H{round_}", f"B{round_}"))
        state.bind_many([Binding("item", f"H{round_}", f"I{round_}"), Binding("item", f"H{round_}x", f"I{round_}x")])
        state.set_cursor("invoices", "halo_to_books", f"p{round_}")
        state.set_mapping("tax", f"{round_}%", "S")
        state.add_review("customer", f"H{round_}", "ambiguous", ["B1", "B2"])
        state.add_reviews("invoice", [(f"H{round_}", "totals differ", [])])
        state.record_error("invoice", "H1", SyncError("one at a time"))
        state.record_errors("invoice", [("H2", SyncError("in a batch"))])

    at_once(store_url, work, ROUNDS)
    state = SyncState(store.engine, COMPANY)
    assert state.bindings("customer") == {f"H{n}": Binding("customer", f"H{n}", f"B{n}") for n in range(ROUNDS)}
    assert len(state.bindings("item")) == 2 * ROUNDS
    assert rows(store, bindings) == 3 * ROUNDS
    assert state.cursor("invoices", "halo_to_books") == f"p{ROUNDS - 1}"
    assert len(state.mappings("tax")) == rows(store, mappings) == ROUNDS
    assert len(state.open_reviews()) == rows(store, reviews) == 2 * ROUNDS
    # Every failure is counted, none lost to the other writer.
    assert {e["halo_id"]: e["attempts"] for e in state.open_errors()} == {"H1": 2 * ROUNDS, "H2": 2 * ROUNDS}


# -- one run at a time per company ------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState
with SyncState(open_store(sys.argv[1]).engine, sys.argv[2]).exclusive():
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_company_runs_once_at_a_time_and_a_killed_holder_frees_it_at_once(store, store_url, state, other):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, store_url, COMPANY], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(TransientError, match=f"Another sync of '{COMPANY}' is running"), state.exclusive():
            pass
        with other.exclusive():  # another company is not held up
            pass
    finally:
        holder.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs
        holder.wait()
        holder.stdout.close()
    deadline = time.monotonic() + 10  # PostgreSQL ends the dead session as soon as its socket closes
    while True:
        try:
            with state.exclusive(), pytest.raises(TransientError), state.exclusive():
                pass  # held now by this process: a second run in the same process is refused too
            break
        except TransientError:
            assert time.monotonic() < deadline, "the killed holder's lock was never released"
            time.sleep(0.1)
    with state.exclusive():  # released at the end of the block
        pass


def test_a_runs_writes_are_those_it_started_and_those_it_took_up_again(state, clock):
    first = state.start_run(dry_run=False)
    state.intend("k-a", entity="customer", halo_id="1", target="books", action="create", run_id=first)
    state.mark("k-a", "sent")
    clock.tick()
    state.finish_run(first, "partial")
    clock.tick()
    second = state.start_run(dry_run=False)
    clock.tick()
    state.mark("k-a", "confirmed", books_id="B1")  # the first run's write, settled by the second
    state.intend("k-b", entity="item", halo_id="7", target="books", action="create", run_id=second)
    clock.tick()
    state.finish_run(second, "ok")
    assert [(w["halo_id"], w["state"]) for w in state.writes_of_run(second)] == [("1", "confirmed"), ("7", "pending")]
    assert [w["halo_id"] for w in state.writes_of_run(first)] == ["1"]
    assert state.writes_of_run(999) == []


def test_bindings_of_some_records_are_read_without_reading_them_all(state):
    state.bind_many([Binding("invoice", f"H{n}", f"T{n}", "", f"{n}", "") for n in range(1200)])
    found = state.bindings_of("invoice", ["H3", "H1100", "H-none"])
    assert {k: b.books_id for k, b in found.items()} == {"H3": "T3", "H1100": "T1100"}
    assert state.bindings_of("customer", ["H3"]) == {}
    assert len(state.bindings_of("invoice", [f"H{n}" for n in range(1200)])) == 1200  # past one IN list


def test_some_reviews_are_closed_by_id_in_one_go(state, other):
    state.add_reviews("invoice", [(f"H{n}", "totals differ", []) for n in range(3)])
    other.add_reviews("invoice", [("H0", "totals differ", [])])
    ids = {str(r["halo_id"]): int(r["id"]) for r in state.open_reviews()}
    mine_and_others = [ids["H0"], ids["H2"], *(int(r["id"]) for r in other.open_reviews())]
    assert state.resolve_reviews("invoice", mine_and_others) == 2  # another company's are not its to close
    assert [r["halo_id"] for r in state.open_reviews()] == ["H1"]
    assert len(other.open_reviews()) == 1
    assert state.resolve_reviews("invoice", [ids["H0"]]) == 0  # closed already
