"""Which books a company's links belong to, so that pointing the company at other books stops the sync.

The store keeps a company's links (Halo record → books record) under the company's name. If
the name is later given a different company file, those links name records the new books do
not have: invoices would fail on every run and customers would never be created. The first
run records the books it synced with (package, edition, company file); a run whose books differ
stops with the choice a person must make: the same company moved (confirm it, the links stay),
or different books (add them under a new name).
"""

from __future__ import annotations

import os

from halo_accounts.config import CompanySettings
from halo_accounts.errors import ConfigError
from halo_accounts.store.state import SyncState

__all__ = ["IDENTITY", "books_identity", "check_books_identity", "confirm_books_identity", "recorded_identity"]

IDENTITY = "books_identity"  # mapping kind: "books" -> the identity the links were made with
_KEY = "books"


def books_identity(company: CompanySettings) -> str:
    """The package, edition and company file a company's settings name, comparable across runs."""
    where = company.company_file.strip()
    if where and (os.sep in where or "/" in where or "\\" in where):
        where = os.path.normcase(os.path.normpath(where))
    return f"{company.books.value}|{company.edition.upper()}|{where}"


def recorded_identity(state: SyncState) -> str | None:
    """The books the company's links were made with, or ``None`` before the first run."""
    return state.mappings(IDENTITY).get(_KEY)


def check_books_identity(state: SyncState, identity: str, *, dry_run: bool = False) -> None:
    """Record the books of a first run; ``ConfigError`` when links exist for other books."""
    recorded = recorded_identity(state)
    if recorded == identity:
        return
    if recorded is not None and any(state.bindings(entity) for entity in ("customer", "item", "invoice")):
        was, now = _file_of(recorded), _file_of(identity)
        msg = (
            f"Company '{state.company}' was synced with {was}; its settings now name {now}. Its links to books "
            "records belong to the first. If it is the same company moved or renamed, confirm it with "
            f"'halo-accounts company confirm-books {state.company}' (or in the dashboard's Settings) and the links "
            "stay. If these are other books, add them under a new company name."
        )
        raise ConfigError(msg)
    if not dry_run:
        confirm_books_identity(state, identity)


def confirm_books_identity(state: SyncState, identity: str) -> None:
    """A person said the company's books are these: its links are kept for them."""
    state.set_mapping(IDENTITY, _KEY, identity)


def _file_of(identity: str) -> str:
    books, edition, where = (identity.split("|", 2) + ["", ""])[:3]
    what = f"{books} {edition}".strip()
    return f"{what} '{where}'" if where else f"{what} (the company file open in QuickBooks)"
