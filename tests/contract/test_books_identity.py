"""A company's links belong to the books they were made with (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from halo_accounts.config import Books, BooksTransport, CompanySettings
from halo_accounts.engine.identity import (
    books_identity,
    check_books_identity,
    confirm_pending_books,
    pending_books,
)
from halo_accounts.errors import ConfigError
from halo_accounts.store import open_store
from halo_accounts.store.state import Binding, SyncState


@pytest.fixture
def state(store_url):
    store = open_store(store_url)
    yield SyncState(store.engine, "acme")
    store.close()


def _simulated(path: str, edition: str = "UK") -> CompanySettings:
    return CompanySettings(books=Books.QUICKBOOKS, transport=BooksTransport.SIMULATOR, company_file=path,
                           edition=edition)  # fmt: skip


def _real(path: str = "", **fields) -> CompanySettings:
    return CompanySettings(books=Books.QUICKBOOKS, transport=BooksTransport.COM, company_file=path, **fields)


def test_the_same_books_are_the_same_however_they_are_written():
    assert books_identity(_real(r"C:\Books\Acme.qbw")) == books_identity(_real("c:/books/acme.qbw/"))
    assert books_identity(_real(r"\\server\share\Acme.qbw")) == books_identity(_real("//SERVER/share/acme.qbw"))
    assert books_identity(_real(r"C:\Books\Acme.qbw", edition="UK")) == books_identity(_real(r"C:\Books\Acme.qbw"))
    assert books_identity(_simulated("/b.sqlite", "")) == books_identity(_simulated("/b.sqlite", "US"))
    assert books_identity(_simulated("/b.sqlite", "UK")) != books_identity(_simulated("/b.sqlite", "CA"))
    # No file named: the company the books report tells them apart.
    assert books_identity(_real(), "Acme Ltd") != books_identity(_real(), "Other Ltd")
    files = CompanySettings(books=Books.SAGE50UK, transport=BooksTransport.FILES, import_folder=r"D:\Sage\Imports")
    assert books_identity(files).endswith("|d:/sage/imports")


def test_the_first_run_records_the_books_and_later_runs_with_them_pass(state):
    first = books_identity(_simulated("/books/acme.qbw"))
    check_books_identity(state, first, dry_run=True)
    check_books_identity(state, first)
    state.bind(Binding("supplier", "1", "80000001-1", "", "Parts Ltd", ""))  # any link counts
    check_books_identity(state, books_identity(_simulated("/books/./ACME.qbw")))


def test_other_books_stop_the_run_while_links_exist_until_a_person_confirms_those_books(state):
    check_books_identity(state, books_identity(_simulated("/books/acme.qbw")))
    elsewhere = books_identity(_simulated("/server/acme.qbw"))
    check_books_identity(state, elsewhere)  # no links yet: nothing to protect, the new books are taken
    state.bind(Binding("customer", "1", "80000001-1", "", "Acme", ""))
    canada = books_identity(_simulated("/server/acme.qbw", edition="CA"))
    with pytest.raises(ConfigError) as dry:
        check_books_identity(state, canada, dry_run=True)
    assert pending_books(state) is None  # a dry run remembers nothing
    with pytest.raises(ConfigError) as refused:
        check_books_identity(state, canada)
    assert refused.value.user_message == dry.value.user_message
    assert "was synced with quickbooks UK '/server/acme.qbw'" in refused.value.user_message
    assert "its settings now name quickbooks CA '/server/acme.qbw'" in refused.value.user_message
    pending = pending_books(state)
    assert pending is not None
    assert (pending.was, pending.now) == ("quickbooks UK '/server/acme.qbw'", "quickbooks CA '/server/acme.qbw'")
    assert confirm_pending_books(state, "0" * 64) is False  # not the books that were refused
    assert confirm_pending_books(state, pending.digest) is True
    check_books_identity(state, canada)
    assert pending_books(state) is None
    assert state.bindings("customer")["1"].books_id == "80000001-1"  # the links stay


def test_settings_that_go_back_to_the_books_of_the_links_need_no_confirmation(state):
    home = books_identity(_real(), "Acme Ltd")
    check_books_identity(state, home)
    state.bind(Binding("item", "1", "80000002-1", "", "Kit", ""))
    with pytest.raises(ConfigError, match="company 'Other Ltd'"):
        check_books_identity(state, books_identity(_real(), "Other Ltd"))
    check_books_identity(state, home)  # the other company file was closed again
    assert pending_books(state) is None


def test_a_long_path_is_kept_whatever_its_length(state):
    deep = "/".join(["a-rather-long-folder-name"] * 20) + "/acme.qbw"
    check_books_identity(state, books_identity(_simulated(deep)))
    state.bind(Binding("item", "1", "80000002-1", "", "Kit", ""))
    check_books_identity(state, books_identity(_simulated(deep)))
    with pytest.raises(ConfigError):
        check_books_identity(state, books_identity(_simulated(deep + ".old")))
