"""Which books a company's links belong to, so that pointing the company at other books stops the sync.

The store keeps a company's links (Halo record → books record) under the company's name. If
the name is later given other books, those links name records the new books do not have (or,
with Sage's readable codes, other records that happen to share a code): invoices would fail
on every run, customers never be created, or the wrong record be updated. The first run
records the books it synced with; a run whose books differ, while links exist, stops with the
choice a person must make: the same company moved (confirm it, the links stay), or other
books (add them under a new name).

The books are named by where the settings point (the company file, Sage's import folder or
database), compared as Windows compares paths wherever the integrator runs, or, where the
settings name nothing ("the company file open in QuickBooks"), by the company name the books
report. A simulated QuickBooks company adds its edition (a real one says its own).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PureWindowsPath

from halo_accounts.config import BooksTransport, CompanySettings
from halo_accounts.errors import ConfigError
from halo_accounts.store.state import SyncState

__all__ = [
    "IDENTITY",
    "PendingBooks",
    "books_identity",
    "check_books_identity",
    "confirm_pending_books",
    "pending_books",
]

# Mapping kind IDENTITY: "books" -> digest of the identity the links belong to, "label" -> it in
# words; "refused" / "refused_label" -> the other books a run was stopped for, until confirmed.
IDENTITY = "books_identity"
_LABEL_LENGTH = 200  # the mappings' column


@dataclass(frozen=True)
class PendingBooks:
    """Other books a run was stopped for: what the links belong to, what the settings name now."""

    was: str
    now: str
    digest: str  # of the books now named: what a confirmation confirms


def books_identity(company: CompanySettings, reported_name: str = "") -> str:
    """The books a company's settings point at, comparable across runs and operating systems."""
    where = company.company_file or (company.import_folder if company.transport is BooksTransport.FILES else "")
    where = where or company.database_url
    if where and "://" not in where:
        where = PureWindowsPath(where).as_posix().rstrip("/")  # C:\Books\A.qbw and c:/books/a.qbw: one file
    named = where.casefold() if where else (f"company '{reported_name}'" if reported_name else "")
    edition = (company.edition or "US").upper() if company.transport is BooksTransport.SIMULATOR else ""
    return f"{company.books.value}|{edition}|{named}"


def check_books_identity(state: SyncState, identity: str, *, dry_run: bool = False) -> None:
    """Record the books of a first run; ``ConfigError`` when the company's links belong to other books.

    A refused run remembers the books it was refused for, so a person confirms exactly those.
    """
    kept = state.mappings(IDENTITY)
    digest = _digest(identity)
    if kept.get("books") not in (None, digest) and state.has_bindings():
        if not dry_run:
            state.set_mappings(IDENTITY, {**kept, "refused": digest, "refused_label": identity[:_LABEL_LENGTH]})
        was, now = _words(kept.get("label", "")), _words(identity)
        msg = (
            f"Company '{state.company}' was synced with {was}; its settings now name {now}. Its links to books "
            "records belong to the first. If it is the same company moved or renamed, confirm it with "
            f"'halo-accounts company confirm-books {state.company}' (or in the dashboard's Settings) and the links "
            "stay. If these are other books, add them under a new company name."
        )
        raise ConfigError(msg)
    if not dry_run and kept != {"books": digest, "label": identity[:_LABEL_LENGTH]}:
        state.set_mappings(IDENTITY, {"books": digest, "label": identity[:_LABEL_LENGTH]})


def pending_books(state: SyncState) -> PendingBooks | None:
    """The other books the last refused run named, until a person confirms them or the settings go back."""
    kept = state.mappings(IDENTITY)
    if not kept.get("refused") or kept.get("refused") == kept.get("books"):
        return None
    return PendingBooks(_words(kept.get("label", "")), _words(kept.get("refused_label", "")), kept["refused"])


def confirm_pending_books(state: SyncState, digest: str) -> bool:
    """A person said the books a run was refused for (``digest``) are the company's: its links stay with them.

    ``False`` when those are no longer the books waiting (another run named others since).
    """
    kept = state.mappings(IDENTITY)
    if not kept.get("refused") or kept["refused"] != digest:
        return False
    state.set_mappings(IDENTITY, {"books": digest, "label": kept.get("refused_label", "")})
    return True


def _digest(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()


def _words(identity: str) -> str:
    books, edition, where = (identity.split("|", 2) + ["", ""])[:3]
    what = f"{books} {edition}".strip()
    if where.startswith("company '"):
        return f"{what} {where}"
    return f"{what} '{where}'" if where else f"{what} (whichever company file is open)"
