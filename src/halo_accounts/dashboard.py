"""Each company at a glance: schedule, last run, what waits for a decision, what fails, Web Connector contact.

Counts and outcomes only, never record details or settings that could carry a secret. The
dashboard's overview and its ``/status`` JSON are built from it (:mod:`halo_accounts.web`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from halo_accounts.config import Settings
from halo_accounts.store import stored_utc
from halo_accounts.store.sessions import WebConnectorSessions
from halo_accounts.store.state import SyncState

__all__ = ["company_status"]


def _iso(moment: object) -> str:
    if not isinstance(moment, datetime):
        return ""
    return stored_utc(moment).isoformat(timespec="seconds")


def company_status(settings: Settings, engine: Engine) -> list[dict[str, Any]]:
    """One row per company: schedule, last run, waiting and failing records, last Web Connector call."""
    rows = []
    sessions = WebConnectorSessions(engine)
    for name, company in sorted(settings.companies.items()):
        state = SyncState(engine, name)
        runs = state.history(limit=1)
        last = runs[0] if runs else None
        called = sessions.latest(name) if company.webconnector_user else None
        rows.append(
            {
                "company": name,
                "books": company.books.value,
                "transport": company.transport.value,
                "paused": company.paused,
                "sync_window": company.sync_window,
                "last_run": {
                    "started": _iso(last["started_at"]),
                    "finished": _iso(last["finished_at"]),
                    "outcome": last["outcome"],
                    "dry_run": bool(last["dry_run"]),
                }
                if last
                else None,
                "needs_review": len(state.open_reviews()),
                "failing": state.error_count(),
                "web_connector_last_call": {
                    "at": _iso(called.created_at),
                    "state": called.state,
                    "error": called.last_error,
                }
                if called
                else None,  # fmt: skip
            }
        )
    return rows
