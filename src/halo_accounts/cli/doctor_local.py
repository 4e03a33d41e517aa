"""The doctor's local checks: the store, each company's open problems, and each company's books.

Like the Halo checks, these change nothing: the store is opened without migrating it (and a SQLite
store that does not exist yet is not created), and every failure is reported as a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from halo_accounts.cli.wiring import open_books
from halo_accounts.config import BooksTransport, Settings
from halo_accounts.connectors.halo.doctor import Check, CheckStatus
from halo_accounts.connectors.quickbooks.books import QuickBooksBooks
from halo_accounts.errors import ConfigError, SyncError
from halo_accounts.store import Store, default_store_url, open_store, stored_utc
from halo_accounts.store.migrations import pending_migrations
from halo_accounts.store.sessions import WebConnectorSessions
from halo_accounts.store.state import SyncState

__all__ = ["LocalCheck", "local_checks"]

_APPLIED_BY = "They are applied by the next 'sync' or 'serve'."


@dataclass(frozen=True, slots=True)
class LocalCheck:
    """A check of the local side, and the company it is about ("" for the store)."""

    company: str
    check: Check


def local_checks(settings: Settings, store_url: str | None) -> list[LocalCheck]:
    """The store, then per company its reviews, failures, unmapped tax rates and books; never raises."""
    url = store_url or settings.store_url or default_store_url()
    store_check, store, pending = _store(url)
    checks = [LocalCheck("", store_check)]
    try:
        for name in sorted(settings.companies):
            if store is not None:
                checks += [LocalCheck(name, c) for c in _records(store, name, bool(pending))]
            checks.append(LocalCheck(name, _books(settings, name, store)))
    finally:
        if store is not None:
            store.close()
    return checks


def _store(url: str) -> tuple[Check, Store | None, list[str]]:
    """The store's check, the opened store (or ``None``) and its pending migrations."""
    name = "Store"
    if _missing_sqlite_file(url):
        return Check(name, CheckStatus.UNVERIFIED, "Not created yet; the next 'sync' or 'serve' creates it."), None, []
    try:
        store = open_store(url, migrate=False)
        pending = pending_migrations(store.engine)
    except ConfigError as exc:
        return Check(name, CheckStatus.ERROR, exc.user_message), None, []
    except SQLAlchemyError as exc:
        return Check(name, CheckStatus.ERROR, f"Cannot read the store: {exc}"), None, []
    label = f"Store at {store.url}"
    if pending:
        advice = f"Migrations not applied yet: {', '.join(pending)}. {_APPLIED_BY}"
        return Check(label, CheckStatus.UNVERIFIED, advice), store, pending
    return Check(label, CheckStatus.OK, "Reachable; every migration applied."), store, pending


def _missing_sqlite_file(url: str) -> bool:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return False  # open_store reports the bad URL
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return False
    path = Path(database)
    return not path.exists() and path.parent.is_dir()  # in a missing folder it is unreachable: open_store says so


def _records(store: Store, company: str, pending: bool) -> list[Check]:
    """Records needing review, failing records and unmapped tax rates of one company."""
    labels = ("Records needing review", "Failing records", "Unmapped tax rates")
    try:
        state = SyncState(store.engine, company)
        reviews = state.open_reviews()
        errors = state.open_errors()
        mapped = state.mappings("tax")
    except SQLAlchemyError as exc:
        if pending:
            advice = f"Cannot be read until the store's migrations are applied. {_APPLIED_BY}"
            return [Check(label, CheckStatus.UNVERIFIED, advice) for label in labels]
        return [Check(label, CheckStatus.ERROR, f"Cannot read the store: {exc}") for label in labels]
    unmapped = _unmapped_tax(reviews, mapped)
    checks = [
        _count(labels[0], len(reviews), f"See them with 'halo-accounts errors --company {company}'."),
        _count(labels[1], len(errors), f"See why with 'halo-accounts errors --company {company}'."),
    ]
    if unmapped:
        commands = "; ".join(f"'halo-accounts mappings set tax {h} <code> --company {company}'" for h in unmapped)
        advice = f"Halo tax rate(s) {', '.join(unmapped)} have no tax code in the books. Map each: {commands}."
        checks.append(Check(labels[2], CheckStatus.MISSING, advice))
    else:
        checks.append(Check(labels[2], CheckStatus.OK, ""))
    return checks


def _count(label: str, count: int, fix: str) -> Check:
    """None is OK; some are worth a look (yellow) but do not stop the sync, so they do not fail the doctor."""
    if not count:
        return Check(label, CheckStatus.OK, "None.")
    return Check(label, CheckStatus.UNVERIFIED, f"{count}. {fix}")


def _unmapped_tax(reviews: list[dict[str, object]], mapped: dict[str, str]) -> list[str]:
    """Halo tax ids that records wait for and that are still not mapped, in first-seen order."""
    found: dict[str, None] = {}
    for review in reviews:
        kind, _, halo_id = str(review.get("waits_for") or "").partition(":")
        if kind == "tax" and halo_id not in mapped:
            found[halo_id] = None
    return list(found)


def _books(settings: Settings, company: str, store: Store | None) -> Check:
    """Whether the company's books answer (simulator, COM, SDO, files), or when the Web Connector last called."""
    chosen = settings.company(company)
    if chosen.transport is BooksTransport.WEBCONNECTOR:
        return _webconnector(company, store)
    label = f"Books ({chosen.transport.value})"
    try:
        with open_books(settings, company) as books:
            if isinstance(books, QuickBooksBooks):
                profile = books.profile
                shown = f"{profile.product_name or books.capabilities.name}, qbXML {profile.version}"
            else:  # Sage connects per call: reading its tax codes proves the user, password and data path
                codes = books.tax_rates()
                shown = f"{books.capabilities.name}, {len(codes)} tax codes" if codes else books.capabilities.name
            notes: list[str] = books.notes() if isinstance(books, HasNotes) else []
    except SyncError as exc:
        return Check(label, CheckStatus.ERROR, exc.user_message)
    if notes:
        return Check(label, CheckStatus.UNVERIFIED, f"Answered: {shown}. " + " ".join(notes))
    return Check(label, CheckStatus.OK, f"Answered: {shown}.")


@runtime_checkable
class HasNotes(Protocol):
    """Books with something a person should know beyond a failure (files waiting to be imported, say)."""

    def notes(self) -> list[str]:
        """What to tell."""


def _webconnector(company: str, store: Store | None) -> Check:
    label = "Books (Web Connector)"
    never = (
        f"The Web Connector has not called. Add the .qwc file to the Web Connector "
        f"(halo-accounts qwc --company {company}) and run 'halo-accounts serve'."
    )
    if store is None:
        return Check(label, CheckStatus.UNVERIFIED, never)
    try:
        latest = WebConnectorSessions(store.engine).latest(company)
    except SQLAlchemyError:
        return Check(label, CheckStatus.UNVERIFIED, never)
    if latest is None:
        return Check(label, CheckStatus.UNVERIFIED, never)
    called = f"Last called {stored_utc(latest.created_at):%Y-%m-%d %H:%M} UTC"
    if latest.state == "failed":
        return Check(label, CheckStatus.ERROR, f"{called} and failed: {latest.last_error}")
    summary = f": {latest.summary}" if latest.summary else ""
    return Check(label, CheckStatus.OK, f"{called} ({latest.state}){summary}.")
