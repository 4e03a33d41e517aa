"""The status page ``serve`` shows at ``/`` (and as JSON at ``/status``): each company at a glance.

For the finance team: when each company last synced and how it went, what waits for a decision,
what fails, and whether it is paused. Counts and outcomes only, never record details or settings
that could carry a secret; ``halo-accounts errors`` on the integrator's computer has the details.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from halo_accounts.config import Settings
from halo_accounts.store import stored_utc
from halo_accounts.store.sessions import WebConnectorSessions
from halo_accounts.store.state import SyncState

__all__ = ["company_status", "dashboard_routes"]


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
                "web_connector_last_call": {"at": _iso(called.created_at), "state": called.state} if called else None,
            }
        )
    return rows


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}"
    "th,td{padding:.4rem .8rem;border-bottom:1px solid #ddd;text-align:left}"
    ".bad{color:#b00020;font-weight:600}.warn{color:#a15c00}.ok{color:#1b5e20}"
)


def _cell(text: object, css: str = "") -> str:
    style = f' class="{css}"' if css else ""
    return f"<td{style}>{html.escape(str(text))}</td>"


def _html(rows: list[dict[str, Any]]) -> str:
    body = []
    for row in rows:
        last = row["last_run"] or {}
        outcome = last.get("outcome", "never run")
        when = last.get("finished") or last.get("started") or ""
        schedule = (
            "paused" if row["paused"] else (f"between {row['sync_window']}" if row["sync_window"] else "any time")
        )
        call = row["web_connector_last_call"]
        body.append(
            "<tr>"
            + _cell(row["company"])
            + _cell(f"{row['books']} via {row['transport']}")
            + _cell(schedule, "warn" if row["paused"] else "")
            + _cell(f"{outcome} {when}".strip(), {"ok": "ok", "partial": "warn", "failed": "bad"}.get(outcome, ""))
            + _cell(row["needs_review"], "warn" if row["needs_review"] else "")
            + _cell(row["failing"], "bad" if row["failing"] else "")
            + _cell(f"{call['state']} {call['at']}" if call else "-")
            + "</tr>"
        )
    if not body:
        body.append('<tr><td colspan="7">No companies yet: run halo-accounts init.</td></tr>')
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30">'
        f"<title>Halo Accounts Integrator</title><style>{_STYLE}</style></head><body>"
        "<h1>Halo Accounts Integrator</h1>"
        "<table><thead><tr><th>Company</th><th>Books</th><th>Syncs</th><th>Last run (UTC)</th>"
        "<th>Need review</th><th>Failing</th><th>Web Connector last call</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table><p>Details and fixes: <code>halo-accounts errors</code> on this computer. "
        'This page refreshes every 30 seconds; <a href="/status">as JSON</a>.</p></body></html>'
    )


def dashboard_routes(load_settings: Callable[[], Settings], engine: Engine) -> list[Route]:
    """``/`` (HTML) and ``/status`` (JSON), reading the settings file afresh each time."""

    # Plain functions: Starlette runs them in its thread pool, so reading the store never holds up
    # the Web Connector's calls.
    def page(request: Request) -> HTMLResponse:
        return HTMLResponse(_html(company_status(load_settings(), engine)))

    def status(request: Request) -> JSONResponse:
        return JSONResponse({"companies": company_status(load_settings(), engine)})

    return [Route("/", page), Route("/status", status)]
