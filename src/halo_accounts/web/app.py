"""The dashboard: see what the sync did, why something failed, and fix it, in a browser on this PC.

Server-rendered pages (Starlette and Jinja templates, no script needed), reading and writing
through the store and the settings as the commands do, never around them. Every page needs the
dashboard password (:mod:`halo_accounts.web.security`) but the login, the style sheet, and the
first password's page, which needs the set-up token instead; every form carries the CSRF token.
Answers forbid framing and other sites' scripts. Secrets are never shown back.

Pages: overview (each company's health, last runs, counts, a 30-day chart), needs review
(pick the books record of an ambiguous match, create a new one, or send the record back to the
sync), errors (filter, retry, ignore), mappings (tax, accounts, item types; customer and item
links: search, relink, unlink), history (runs, a run's writes, CSV), settings (flows, schedule,
sync window, pause and resume, sync now, invoice rules).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import secrets
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar, Protocol
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from pydantic import ValidationError
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from halo_accounts.cli.qwc import qwc_for
from halo_accounts.config import (
    TRANSPORTS,
    Books,
    BooksTransport,
    CompanySettings,
    Direction,
    FlowSettings,
    Settings,
    keyring_available,
    load_settings,
    resolve_client_secret,
    save_settings,
)
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import hash_password
from halo_accounts.dashboard import company_status
from halo_accounts.domain import ItemKind
from halo_accounts.engine.flows.invoices import TOTALS_DIFFER
from halo_accounts.engine.flows.tax_rates import SEEN_BOOKS, SEEN_HALO
from halo_accounts.engine.identity import confirm_pending_books, pending_books
from halo_accounts.engine.lists import CREATE_NEW, FLOW_OF_ENTITY, requeue
from halo_accounts.engine.mappings import ACCOUNT_ROLES, MAPPING_KINDS, apply_mapping, remove_mapping
from halo_accounts.errors import ConfigError, SyncError
from halo_accounts.schedule import SyncWindow
from halo_accounts.store import stored_utc
from halo_accounts.store.state import Binding, SyncState
from halo_accounts.web.activity import activity, chart
from halo_accounts.web.security import (
    MIN_PASSWORD,
    csrf_token,
    is_logged_in,
    log_in,
    log_out,
    session_valid,
    valid_csrf,
)
from halo_accounts.web.setup import check_halo, keep_client_secret, save_company, setup_token_matches

__all__ = ["SettingsFile", "SettingsInMemory", "SettingsSource", "dashboard_app"]

HERE = Path(__file__).parent
LINKED = tuple(FLOW_OF_ENTITY)
Handler = Callable[[Request], Awaitable[Response]]


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    env.filters["when"] = lambda moment: (
        stored_utc(moment).strftime("%Y-%m-%d %H:%M") if isinstance(moment, dt.datetime) else (moment or "")
    )
    env.filters["pct"] = lambda rate: format(rate.normalize(), "f") if isinstance(rate, Decimal) else str(rate)
    env.filters["stamp"] = lambda iso: str(iso or "").replace("T", " ")[:16]  # "2026-11-28T08:41:34+00:00" → minutes
    return Jinja2Templates(env=env)


class SettingsSource(Protocol):
    """Where the dashboard reads the settings from and saves its changes to."""

    def load(self) -> Settings:
        """The settings as they are now."""

    def save(self, settings: Settings) -> None:
        """Keep changed settings."""


class SettingsFile:
    """The settings file, read afresh each time (the commands may change it too)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def load(self) -> Settings:
        """Read the file (``ConfigError`` when it is broken)."""
        return load_settings(self.path, environ={})

    def save(self, settings: Settings) -> None:
        """Write the file; the Halo secret stays where it was kept."""
        save_settings(settings, self.path, include_secret=settings.halo.client_secret is not None)


class SettingsInMemory:
    """Settings that live only in this process (the demo's)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def load(self) -> Settings:
        """A copy, as a file read would give."""
        return self.settings.model_copy(deep=True)

    def save(self, settings: Settings) -> None:
        """Keep them."""
        self.settings = settings


def dashboard_app(
    *,
    settings_source: SettingsSource,
    engine: Engine,
    request_sync: Callable[[str], str] | None = None,
    session_key: str | None = None,
    setup_token: str | None = None,
    check_connections: Callable[[], list[tuple[str, Any]]] | None = None,
    secure_cookies: bool = False,
    served_at: str | None = None,
) -> Starlette:
    """The dashboard as an ASGI app.

    ``request_sync(company)`` starts a sync now and says what happened; ``setup_token`` is the
    one-time token that lets someone choose the dashboard password while none is set;
    ``check_connections()`` checks Halo, the store and each company's books live: (where, check) rows;
    ``secure_cookies`` when served over https; ``served_at`` the address the Web Connector reaches this
    server at (``serve``'s own scheme and port) when ``server.public_url`` does not say it.
    """
    templates = _templates()

    def settings_now() -> Settings:
        return settings_source.load()

    def change_settings(change: Callable[[Settings], None]) -> None:
        settings = settings_now()
        change(settings)
        settings_source.save(settings)

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        flash = request.session.pop("flash", None)
        page = name.removesuffix(".html")
        return templates.TemplateResponse(
            request, name,
            {"csrf": csrf_token(request), "flash": flash, "page": page, "logged_in": is_logged_in(request), **context},
            status_code=status_code,
        )  # fmt: skip

    def guarded(handler: Handler) -> Handler:
        async def check(request: Request) -> Response:
            try:
                stored = (await run_in_threadpool(settings_now)).server.dashboard_password_hash
            except SyncError as exc:  # the settings cannot be read: the page says so
                return render(request, "problem.html", problem=exc.user_message, status_code=500)
            if not session_valid(request, stored):
                here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?{urlencode({'next': here})}", status_code=303)
            if request.method == "POST":
                form = await request.form()
                if not valid_csrf(request, form.get("csrf")):
                    return HTMLResponse("This form is out of date: reload the page and try again.", status_code=403)
            try:
                return await handler(request)
            except UnknownCompany as exc:
                return render(request, "problem.html", problem=exc.user_message, status_code=404)
            except SyncError as exc:
                if request.method == "GET":
                    return render(request, "problem.html", problem=exc.user_message, status_code=500)
                # A change the form cannot make: said on the page it came from; nothing was changed.
                return back(request, _same_site(request.headers.get("referer", "")), exc.user_message, "bad")

        return check

    def back(request: Request, where: str, text: str, kind: str = "ok") -> RedirectResponse:
        request.session["flash"] = {"kind": kind, "text": text}
        return RedirectResponse(where, status_code=303)

    def company_named(name: str) -> str:
        if name not in settings_now().companies:
            raise UnknownCompany(name)
        return name

    def state_of(company: str) -> SyncState:
        return SyncState(engine, company_named(company))

    # -- login ------------------------------------------------------------------------------

    async def login(request: Request) -> Response:
        try:
            stored = (await run_in_threadpool(settings_now)).server.dashboard_password_hash
        except SyncError as exc:
            return render(request, "problem.html", problem=exc.user_message, status_code=500)
        target = request.query_params.get("next", "/")
        target = target if target.startswith("/") and not target.startswith("//") else "/"
        if request.method == "POST":
            form = await request.form()
            if valid_csrf(request, form.get("csrf")) and await log_in(request, str(form.get("password", "")), stored):
                return RedirectResponse(target, status_code=303)
            return render(request, "login.html", unset=not stored, failed=True, next=target)
        return render(request, "login.html", unset=not stored, failed=False, next=target)

    # -- set-up -----------------------------------------------------------------------------

    async def setup_password(request: Request) -> Response:
        if (await run_in_threadpool(settings_now)).server.dashboard_password_hash:
            return RedirectResponse("/login", status_code=303)
        if request.method == "GET":
            return render(request, "setup_password.html", token=request.query_params.get("token", ""), problem="")
        form = await request.form()
        password, again = str(form.get("password", "")), str(form.get("again", ""))
        problem = ""
        if not valid_csrf(request, form.get("csrf")):
            problem = "This form is out of date: reload the page and try again."
        elif not setup_token_matches(setup_token, form.get("token")):
            problem = "That is not the set-up token 'halo-accounts serve' printed when it started."
        elif len(password) < MIN_PASSWORD or password != again:
            problem = f"Type the same password twice, at least {MIN_PASSWORD} characters."
        if problem:
            return render(request, "setup_password.html", token=str(form.get("token", "")), problem=problem)
        hashed = await run_in_threadpool(hash_password, password)
        await run_in_threadpool(change_settings, lambda s: setattr(s.server, "dashboard_password_hash", hashed))
        await log_in(request, password, hashed)
        return back(request, "/setup", "The dashboard password is set. Now connect Halo and the books.")

    def setup_context(settings: Settings, **extra: Any) -> dict[str, Any]:
        return {
            "halo": settings.halo, "secret_kept": resolve_client_secret(settings)[0] is not None,
            "keyring": keyring_available(), "companies": settings.companies, "flows": settings.flows,
            "transports": {b.value: [t.value for t in ts] for b, ts in TRANSPORTS.items()}, "checks": None, **extra,
        }  # fmt: skip

    async def setup_page(request: Request) -> Response:
        settings = await run_in_threadpool(settings_now)
        return render(request, "setup.html", **setup_context(settings))

    async def setup_halo(request: Request) -> Response:
        form = await request.form()
        settings = await run_in_threadpool(settings_now)
        checks = await run_in_threadpool(check_halo, settings, form)
        if any(c.failed for c in checks):
            return render(request, "setup.html", **setup_context(settings, checks=checks))
        said = await run_in_threadpool(keep_client_secret, settings, form, settings_source.save)
        return back(request, "/setup", said)

    async def setup_company(request: Request) -> Response:
        form = await request.form()
        said: list[str] = []
        await run_in_threadpool(change_settings, lambda s: said.append(save_company(s, form)))
        return back(request, "/setup", said[0])

    async def setup_qwc(request: Request) -> Response:
        company = company_named(request.query_params.get("company", ""))

        def make() -> str:
            settings = settings_now()
            if not settings.installation_id:  # kept: the Web Connector knows the application by it
                made = secrets.token_hex(16)

                def keep_first(current: Settings) -> None:  # two first downloads at once: one id, not two
                    current.installation_id = current.installation_id or made

                change_settings(keep_first)
                settings = settings_now()
            return qwc_for(settings, company, served_at)

        return Response(
            await run_in_threadpool(make), media_type="application/xml",
            headers={"Content-Disposition": _attachment(f"{company}.qwc")},
        )  # fmt: skip

    async def logout(request: Request) -> Response:
        form = await request.form()
        if valid_csrf(request, form.get("csrf")):
            log_out(request)
        return RedirectResponse("/login", status_code=303)

    # -- overview ---------------------------------------------------------------------------

    async def overview(request: Request) -> Response:
        def gather() -> dict[str, Any]:
            settings = settings_now()
            now = dt.datetime.now(dt.UTC)
            companies = []
            for row in company_status(settings, engine):
                state = SyncState(engine, row["company"])
                history = state.history(limit=500)
                days = activity(history, now)
                last_flows = history[0]["flows"] if history else {}
                company = settings.companies[row["company"]]
                companies.append({
                    **row, "flows": last_flows, "chart": chart(days), "next_run": _next_run(company, history, now),
                    "message": history[0]["message"] if history else "",
                    "moved_30d": sum(d.moved for d in days), "failed_30d": sum(d.failed for d in days),
                })  # fmt: skip
            return {"companies": companies, "halo": settings.halo.url or "", "can_sync": request_sync is not None}

        return render(request, "overview.html", **await run_in_threadpool(gather))

    async def status(request: Request) -> Response:
        rows = await run_in_threadpool(lambda: company_status(settings_now(), engine))
        return JSONResponse({"companies": rows})

    async def checks(request: Request) -> Response:
        if check_connections is None:
            rows: list[tuple[str, Any]] = []
        else:
            rows = await run_in_threadpool(check_connections)
        return render(request, "checks.html", rows=rows, available=check_connections is not None)

    # -- needs review -----------------------------------------------------------------------

    async def reviews(request: Request) -> Response:
        def gather() -> dict[str, Any]:
            single: list[dict[str, Any]] = []
            waiting: dict[tuple[str, str, str], dict[str, Any]] = {}
            for name in sorted(settings_now().companies):
                state = SyncState(engine, name)
                seen_halo, seen_books = _seen(state.mappings(SEEN_HALO)), _seen(state.mappings(SEEN_BOOKS))
                asked = state.open_reviews()
                written = state.bindings_of("invoice", [str(r["halo_id"]) for r in asked if r["entity"] == "invoice"])
                for review in asked:
                    kind, _, key = str(review.get("waits_for") or "").partition(":")
                    if kind:  # one card per mapping, however many records wait for it
                        group = waiting.setdefault((name, kind, key), {
                            "company": name, "kind": kind, "halo_key": key, "records": [],
                            "halo": seen_halo.get(key), "codes": sorted(seen_books.items()),
                        })  # fmt: skip
                        group["records"].append(review)
                        continue
                    candidates = json.loads(str(review["candidates"]) or "[]")
                    in_books = written.get(str(review["halo_id"])) if review["entity"] == "invoice" else None
                    single.append({**review, "company": name, "choices": [c for c in candidates if isinstance(c, dict)],
                                   "names": [c if isinstance(c, str) else c.get("name", "") for c in candidates],
                                   "in_books": in_books})  # fmt: skip
            # Per company, the invoices shown that are in the books with a total other than Halo's: the ids of
            # their reviews, closed at once once checked (only those shown: a later run's are seen first).
            checked: dict[str, list[int]] = {}
            for r in single[:SHOWN]:
                if r["in_books"] and str(r["reason"]).startswith(TOTALS_DIFFER):
                    checked.setdefault(r["company"], []).append(int(str(r["id"])))
            # A first sync may ask thousands: the page stays quick, and says how many more there are.
            return {
                "reviews": single[:SHOWN], "more": max(0, len(single) - SHOWN), "waiting": list(waiting.values()),
                "checked": checked,
            }  # fmt: skip

        return render(request, "reviews.html", **await run_in_threadpool(gather))

    async def review_action(request: Request) -> Response:
        form = await request.form()
        if form.get("action") == "close_written":
            return await close_written_reviews(request, form)
        company, entity, halo_id = _fields(form, "company", "entity", "halo_id")
        action = str(form.get("action", "requeue"))

        def act() -> str:
            state = state_of(company)
            if not any(r["entity"] == entity and r["halo_id"] == halo_id for r in state.open_reviews()):
                return f"Halo {entity} {halo_id} no longer waits for a decision."
            if action in ("link", "create") and entity not in FLOW_OF_ENTITY:
                msg = f"Only customers, items and suppliers are linked or created here, not {entity}."
                raise ConfigError(msg)
            if action == "link":
                (books_id,) = _fields(form, "books_id")
                name = str(form.get("name", ""))
                # No content hash: the next run sends Halo's details to the chosen record.
                state.bind(Binding(entity, halo_id, books_id, "", name, ""))
                text = f"Halo {entity} {halo_id} is now linked to '{name or books_id}'."
            elif action == "create":
                state.set_mapping(CREATE_NEW, f"{entity}:{halo_id}", "yes")
                text = f"Halo {entity} {halo_id} will be created as a new record on the next sync."
            elif entity == "invoice" and state.bindings_of(entity, [halo_id]):
                text = f"Halo invoice {halo_id} is checked: it stays in the books as it is."
            else:
                text = f"Halo {entity} {halo_id} goes back to the next sync."
            requeue(state, entity, halo_id)
            return text

        return back(request, "/reviews", await run_in_threadpool(act))

    async def close_written_reviews(request: Request, form: Any) -> Response:
        """The invoices a page showed in the books with a total other than Halo's, closed at once once checked."""
        (company,) = _fields(form, "company")
        if form.get("confirmed") != "on":
            return back(request, "/reviews", "Tick that you have checked them in the books first.", "warn")
        shown = {int(v) for v in str(form.get("reviews", "")).split(",") if v.strip().isdigit()}

        def act() -> int:
            state = state_of(company)
            still = [
                int(str(r["id"])) for r in state.open_reviews()
                if int(str(r["id"])) in shown and r["entity"] == "invoice"
                and str(r["reason"]).startswith(TOTALS_DIFFER)
            ]  # fmt: skip
            return state.resolve_reviews("invoice", still)

        closed = await run_in_threadpool(act)
        said = f"{_records(closed)} of '{company}' checked and closed; the books keep them as they are."
        return back(request, "/reviews", said)

    # -- errors -----------------------------------------------------------------------------

    async def errors(request: Request) -> Response:
        chosen = {k: request.query_params.get(k, "") for k in ("company", "entity", "type")}

        def gather() -> dict[str, Any]:
            names = sorted(settings_now().companies)
            rows = sorted(
                ({**error, "company": name} for name in names for error in SyncState(engine, name).open_errors()),
                key=lambda r: (r["company"], _DEPENDED_ON.get(str(r["entity"]), len(_DEPENDED_ON)), r["id"]),
            )
            shown = [
                r for r in rows
                if (not chosen["company"] or r["company"] == chosen["company"])
                and (not chosen["entity"] or r["entity"] == chosen["entity"])
                and (not chosen["type"] or r["error_type"] == chosen["type"])
            ]  # fmt: skip
            return {
                "errors": shown[:SHOWN], "more": max(0, len(shown) - SHOWN), "chosen": chosen, "companies": names,
                "entities": sorted({str(r["entity"]) for r in rows}),
                "types": sorted({str(r["error_type"]) for r in rows}),
                "can_sync": request_sync is not None,
            }  # fmt: skip

        return render(request, "errors.html", **await run_in_threadpool(gather))

    async def error_action(request: Request) -> Response:
        form = await request.form()
        company, entity, halo_id = _fields(form, "company", "entity", "halo_id")
        if form.get("action") == "ignore":
            if await run_in_threadpool(lambda: state_of(company).ignore_error(entity, halo_id)):
                return back(request, "/errors", f"{entity} {halo_id} is ignored until it fails again.")
            return back(request, "/errors", f"{entity} {halo_id} is not failing any more.", "warn")
        if request_sync is None:
            return back(
                request, "/errors", "Syncs run from 'halo-accounts serve'; start it to retry from here.", "warn"
            )
        return back(request, "/errors", await run_in_threadpool(request_sync, company))

    # -- mappings and links -----------------------------------------------------------------

    async def mappings(request: Request) -> Response:
        names = sorted((await run_in_threadpool(settings_now)).companies)
        company = request.query_params.get("company") or (names[0] if names else "")
        if company and company not in names:
            raise UnknownCompany(company)
        query = request.query_params.get("q", "").strip().casefold()

        def gather() -> dict[str, Any]:
            if not company:
                return {"tables": {}, "links": {}, "rates": {}, "seen_any_books": False, "codes": []}
            state = state_of(company)
            tables = {kind: sorted(state.mappings(kind).items()) for kind in MAPPING_KINDS}
            seen_halo, seen_books = _seen(state.mappings(SEEN_HALO)), _seen(state.mappings(SEEN_BOOKS))
            rates = {
                halo_key: {"halo": seen_halo.get(halo_key), "books": seen_books.get(books_key)}
                for halo_key, books_key in tables["tax"]
            }
            links = {
                entity: [
                    b for halo_id, b in sorted(state.bindings(entity).items(), key=lambda kv: kv[0])
                    if not query or query in halo_id.casefold() or query in b.books_id.casefold()
                    or query in b.books_number.casefold()
                ][:200]
                for entity in LINKED
            }  # fmt: skip
            return {"tables": tables, "links": links, "rates": rates, "seen_any_books": bool(seen_books),
                    "codes": sorted(seen_books.items())}  # fmt: skip

        context = await run_in_threadpool(gather)
        prefill = {
            "kind": request.query_params.get("kind", "tax"),
            "halo_key": request.query_params.get("halo_key", ""),
        }
        return render(
            request, "mappings.html", companies=names, company=company, q=query, prefill=prefill,
            account_roles=ACCOUNT_ROLES, item_kinds=[k.value for k in ItemKind], **context,
        )  # fmt: skip

    async def mapping_action(request: Request) -> Response:
        form = await request.form()
        company, kind, halo_key = _fields(form, "company", "kind", "halo_key")
        books_key = str(form.get("books_key", "")).strip()
        where = "/reviews" if form.get("back") == "reviews" else f"/mappings?{urlencode({'company': company})}"

        def act() -> str:
            state = state_of(company)
            if form.get("action") == "delete":
                remove_mapping(state, kind, halo_key)
                return f"{kind} mapping of {halo_key} removed."
            if not books_key:
                msg = "Give the books side (to remove a mapping, use its Remove button)."
                raise ConfigError(msg)
            waiting = apply_mapping(state, kind, halo_key, books_key)
            released = f" {_records(waiting)} waiting for it go back to the next sync." if waiting else ""
            return f"{kind}: {halo_key} → {books_key}. The next sync uses it.{released}"

        return back(request, where, await run_in_threadpool(act))

    async def link_action(request: Request) -> Response:
        form = await request.form()
        company, entity, halo_id = _fields(form, "company", "entity", "halo_id")
        where = f"/mappings?{urlencode({'company': company})}#links"
        if entity not in LINKED:
            return back(request, where, "Only customers, items and suppliers are linked here.", "bad")
        books_id = str(form.get("books_id", "")).strip()
        unlink = form.get("action") == "unlink"
        if not unlink and not books_id:
            return back(request, where, "Give the books id to link to.", "bad")

        def act() -> str:
            state = state_of(company)
            state.forget_cursor(FLOW_OF_ENTITY[entity])  # the next run reads the list again, this record too
            if unlink:
                state.unbind(entity, halo_id)
                return f"Halo {entity} {halo_id} is unlinked; the next sync matches or creates it again."
            state.bind(Binding(entity, halo_id, books_id, "", books_id, ""))
            return f"Halo {entity} {halo_id} is now linked to {books_id}."

        return back(request, where, await run_in_threadpool(act))

    # -- history ----------------------------------------------------------------------------

    def runs_of(company: str) -> list[dict[str, Any]]:
        return [dict(run) for run in SyncState(engine, company).history(limit=200)]

    async def history(request: Request) -> Response:
        names = sorted((await run_in_threadpool(settings_now)).companies)
        company = request.query_params.get("company") or (names[0] if names else "")
        if company and company not in names:
            raise UnknownCompany(company)
        runs = await run_in_threadpool(runs_of, company) if company else []
        return render(request, "history.html", companies=names, company=company, runs=runs)

    async def run_detail(request: Request) -> Response:
        company, run_id = request.path_params["company"], int(request.path_params["run_id"])

        def gather() -> dict[str, Any]:
            state = state_of(company)
            run = next((r for r in state.history(limit=10_000) if r["id"] == run_id), None)
            return {"run": run, "writes": state.writes_of_run(run_id) if run else []}

        context = await run_in_threadpool(gather)
        if context["run"] is None:
            return HTMLResponse("No such run.", status_code=404)
        return render(request, "run.html", company=company, **context)

    async def history_csv(request: Request) -> Response:
        company = request.query_params.get("company", "")
        runs = await run_in_threadpool(lambda: runs_of(company_named(company)) if company else [])
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["run", "company", "started", "finished", "outcome", "dry run", "flow", "counts", "seconds"])
        for run in runs:
            for flow, counts in sorted(run["flows"].items()) or [("", {})]:
                seconds = counts.get("seconds", "")
                moved = ";".join(f"{k}={v}" for k, v in sorted(counts.items()) if k != "seconds")
                writer.writerow([run["id"], company, run["started_at"], run["finished_at"] or "", run["outcome"],
                                 run["dry_run"], flow, moved, seconds])  # fmt: skip
        return Response(
            out.getvalue(), media_type="text/csv",
            headers={"Content-Disposition": _attachment(f"halo-accounts-history-{company}.csv")},
        )  # fmt: skip

    # -- settings ---------------------------------------------------------------------------

    async def settings_page(request: Request) -> Response:
        def gather() -> dict[str, Any]:
            settings = settings_now()
            # Companies whose last run was stopped because their settings name other books.
            moved = {
                name: pending for name in settings.companies if (pending := pending_books(SyncState(engine, name)))
            }
            return {"settings": settings, "moved": moved}

        context = await run_in_threadpool(gather)
        return render(
            request, "settings.html", flows=context["settings"].flows.model_dump(),
            directions=[d.value for d in Direction], can_sync=request_sync is not None, **context,
        )  # fmt: skip

    async def settings_flows(request: Request) -> Response:
        form = await request.form()

        def change(settings: Settings) -> None:
            chosen = {name: form.get(f"flow_{name}", value) for name, value in settings.flows.model_dump().items()}
            settings.flows = FlowSettings.model_validate(chosen)
            rules = settings.invoices
            day = str(form.get("from_date", "")).strip()
            rules.from_date = dt.date.fromisoformat(day) if day else None
            rules.include_credit_notes = form.get("include_credit_notes") == "on"
            rules.only_approved = form.get("only_approved") == "on"

        try:
            await run_in_threadpool(change_settings, change)
        except ValidationError as exc:
            return back(request, "/settings", f"Not saved: {_problems(exc)}", "bad")
        except ValueError:
            return back(request, "/settings", "Not saved: give the date as YYYY-MM-DD.", "bad")
        return back(request, "/settings", "Flows and invoice rules saved; the next sync uses them.")

    async def settings_company(request: Request) -> Response:
        form = await request.form()
        (company,) = _fields(form, "company")
        action = str(form.get("action", "save"))
        if action == "sync":  # from the overview or the settings: back to where the button was
            where = "/" if urlsplit(request.headers.get("referer", "")).path == "/" else "/settings"
            if request_sync is None:
                return back(request, where, "Syncs run from 'halo-accounts serve'; start it first.", "warn")
            return back(request, where, await run_in_threadpool(request_sync, company))

        if action == "confirm_books":  # exactly the books the page showed, not whatever is named by now
            digest = str(form.get("books", ""))
            if not await run_in_threadpool(confirm_pending_books, state_of(company), digest):
                return back(request, "/settings", f"'{company}' no longer waits for those books: look again.", "warn")
            return back(request, "/settings", f"'{company}' syncs with these books from now on, keeping its links.")

        def change(settings: Settings) -> None:
            chosen = settings.company(company)
            if action in ("pause", "resume"):
                chosen.paused = action == "pause"
                return
            window = str(form.get("sync_window", "")).strip()
            chosen.sync_window = str(SyncWindow.parse(window) or "")
            every = str(form.get("run_every_minutes", "15")).strip()
            if not every.isdigit():
                msg = f"Not saved: the interval is a number of minutes, not '{every}'."
                raise ConfigError(msg)
            chosen.run_every_minutes = max(1, min(1440, int(every)))
            options = _book_options(chosen, form)
            try:  # checked as the settings file would be: a bad value changes nothing
                settings.companies[company] = CompanySettings.model_validate({**chosen.model_dump(), **options})
            except ValidationError as exc:
                msg = f"Not saved: {_problems(exc)}."
                raise ConfigError(msg) from None

        await run_in_threadpool(change_settings, change)
        said = {"pause": "paused: no sync until resumed", "resume": "resumed"}.get(action, "settings saved")
        return back(request, "/settings", f"'{company}' {said}.")

    routes = [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/setup/password", setup_password, methods=["GET", "POST"]),
        Route("/setup", guarded(setup_page)),
        Route("/setup/halo", guarded(setup_halo), methods=["POST"]),
        Route("/setup/company", guarded(setup_company), methods=["POST"]),
        Route("/setup/qwc", guarded(setup_qwc)),
        Route("/", guarded(overview)),
        Route("/status", guarded(status)),
        Route("/checks", guarded(checks)),
        Route("/reviews", guarded(reviews)),
        Route("/reviews", guarded(review_action), methods=["POST"]),
        Route("/errors", guarded(errors)),
        Route("/errors", guarded(error_action), methods=["POST"]),
        Route("/mappings", guarded(mappings)),
        Route("/mappings", guarded(mapping_action), methods=["POST"]),
        Route("/links", guarded(link_action), methods=["POST"]),
        Route("/history", guarded(history)),
        Route("/history.csv", guarded(history_csv)),
        Route("/history/{company}/{run_id:int}", guarded(run_detail)),
        Route("/settings", guarded(settings_page)),
        Route("/settings/flows", guarded(settings_flows), methods=["POST"]),
        Route("/settings/company", guarded(settings_company), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware, secret_key=session_key or secrets.token_urlsafe(32), session_cookie="halo_dashboard",
            max_age=8 * 3600, same_site="strict", https_only=secure_cookies,
        ),
    ]  # fmt: skip
    return Starlette(routes=routes, middleware=middleware)


class SecurityHeaders:
    """Every answer says: not in a frame, only this site's scripts, styles and forms, no referrer elsewhere."""

    _HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy",
         b"default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"),
        (b"referrer-policy", b"same-origin"),
        (b"x-content-type-options", b"nosniff"),
    ]  # fmt: skip

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self._HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


class UnknownCompany(ConfigError):
    """A page or form named a company the settings do not have."""

    def __init__(self, name: str) -> None:
        super().__init__(f"There is no company '{name}' in the settings.")


def _fields(form: Any, *names: str) -> list[str]:
    """The named form fields, each given and not blank; ``ConfigError`` naming the first one missing."""
    values = [str(form.get(name, "")).strip() for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        msg = f"The form lacks its {missing[0].replace('_', ' ')}: reload the page and try again."
        raise ConfigError(msg)
    return values


def _book_options(company: CompanySettings, form: Any) -> dict[str, Any]:
    """The package's own options from a company's settings form (the ones its books use)."""
    if company.books is Books.QUICKBOOKS:
        return {"shorten_long_names": form.get("shorten_long_names") == "on"}
    if company.books is Books.SAGE50UK:
        options: dict[str, Any] = {
            "sales_nominal": str(form.get("sales_nominal", "")).strip() or company.sales_nominal,
            "department": str(form.get("department", company.department)).strip() or "0",
        }
        if company.transport is not BooksTransport.FILES:
            options["invoicing_module"] = form.get("invoicing_module") == "on"
        return options
    return {"default_item": str(form.get("default_item", company.default_item)).strip()}


def _same_site(referer: str) -> str:
    """Where a form came from, on this site only (its path and query), for going back there."""
    parts = urlsplit(referer)
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/"
    return path + (f"?{parts.query}" if parts.query else "")


def _attachment(filename: str) -> str:
    """A Content-Disposition that survives any name: ASCII fallback plus the RFC 5987 form."""
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _problems(exc: ValidationError) -> str:
    """Pydantic's complaints in plain words (no links, no types)."""
    return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())


def _seen(rows: dict[str, str]) -> dict[str, dict[str, Any]]:
    """``"<rate>|<name>"`` rows as rate and name."""
    seen = {}
    for key, value in rows.items():
        rate, _, name = value.partition("|")
        try:
            seen[key] = {"rate": Decimal(rate), "name": name}
        except InvalidOperation:
            continue
    return seen


SHOWN = 500  # records listed on one page (errors, reviews); the rest are counted

# Records others wait for come first on the errors page: an item fixed sends its invoices too.
_DEPENDED_ON = {entity: rank for rank, entity in enumerate(("item", "customer", "supplier", "invoice"))}


def _records(count: int) -> str:
    return "1 record" if count == 1 else f"{count} records"


def _next_run(company: Any, history: list[dict[str, Any]], now: dt.datetime) -> str:
    if company.paused:
        return "paused"
    if company.webconnector_user:
        return "when the Web Connector calls"
    if not history:
        return "on the next pass"
    started = history[0]["started_at"]
    if not isinstance(started, dt.datetime):
        return ""
    due = stored_utc(started) + dt.timedelta(minutes=company.run_every_minutes)
    window = f" (within {company.sync_window})" if company.sync_window else ""
    return ("now" if due <= now else due.strftime("%Y-%m-%d %H:%M UTC")) + window
