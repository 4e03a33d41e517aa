"""A company's links belong to the books they were made with (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from halo_accounts.config import Books, BooksTransport, CompanySettings
from halo_accounts.engine.identity import (
    books_identity,
    check_books_identity,
    confirm_books_identity,
    recorded_identity,
)
from halo_accounts.errors import ConfigError
from halo_accounts.store import open_store
from halo_accounts.store.state import Binding, SyncState


@pytest.fixture
def state(store_url):
    store = open_store(store_url)
    yield SyncState(store.engine, "acme")
    store.close()


def _company(path: str, edition: str = "UK") -> CompanySettings:
    return CompanySettings(books=Books.QUICKBOOKS, transport=BooksTransport.SIMULATOR, company_file=path,
                           edition=edition)  # fmt: skip


def test_the_first_run_records_the_books_and_later_runs_with_them_pass(state):
    first = books_identity(_company("/books/acme.qbw"))
    check_books_identity(state, first, dry_run=True)
    assert recorded_identity(state) is None  # a dry run records nothing
    check_books_identity(state, first)
    assert recorded_identity(state) == first
    check_books_identity(state, books_identity(_company("/books/./acme.qbw")))  # the same file, written otherwise


def test_other_books_stop_the_run_while_links_exist_until_a_person_confirms(state):
    check_books_identity(state, books_identity(_company("/books/acme.qbw")))
    elsewhere = books_identity(_company("/server/acme.qbw"))
    check_books_identity(state, elsewhere)  # no links yet: nothing to protect, the new books are taken
    assert recorded_identity(state) == elsewhere
    state.bind(Binding("customer", "1", "80000001-1", "", "Acme", ""))
    canada = books_identity(_company("/server/acme.qbw", edition="CA"))
    with pytest.raises(ConfigError) as refused:
        check_books_identity(state, canada)
    assert "was synced with quickbooks UK '" in refused.value.user_message
    assert "its settings now name quickbooks CA '" in refused.value.user_message
    assert recorded_identity(state) == elsewhere
    confirm_books_identity(state, canada)
    check_books_identity(state, canada)
    assert state.bindings("customer")["1"].books_id == "80000001-1"  # the links stay


def test_the_company_file_open_in_quickbooks_is_named_so(state):
    check_books_identity(state, books_identity(_company("")))
    state.bind(Binding("item", "1", "80000002-1", "", "Kit", ""))
    with pytest.raises(ConfigError, match="the company file open in QuickBooks"):
        check_books_identity(state, books_identity(_company(r"C:\Books\Acme.qbw")))
