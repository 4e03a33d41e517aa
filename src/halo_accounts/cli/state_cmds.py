"""``status``, ``history``, ``errors`` and ``mappings``: what the sync did, what failed, what maps to what."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from halo_accounts.cli.common import state_of
from halo_accounts.cli.wiring import choose_company, open_state_store
from halo_accounts.config import load_settings
from halo_accounts.engine.mappings import apply_mapping
from halo_accounts.store import Store
from halo_accounts.store.state import SyncState

__all__ = ["errors", "history", "mappings_app", "status"]

CompanyOption = Annotated[str | None, typer.Option(help="The company (default: the only one).")]
StoreOption = Annotated[str | None, typer.Option(help="Store URL (default: SQLite in your data folder).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _open(ctx: typer.Context, company: str | None, store: str | None) -> tuple[SyncState, Store]:
    state = state_of(ctx)
    settings = load_settings(state.config_path)
    name = choose_company(settings, company)
    opened = open_state_store(settings, store)
    return SyncState(opened.engine, name), opened


def status(
    ctx: typer.Context, company: CompanyOption = None, store: StoreOption = None, as_json: JsonOption = False
) -> None:
    """The last run, and how many records are failing or waiting for a decision."""
    sync_state, opened = _open(ctx, company, store)
    runs = sync_state.history(limit=1)
    last = {k: str(v) for k, v in runs[0].items() if k != "flows"} if runs else None
    failing, reviews = sync_state.error_count(), len(sync_state.open_reviews())
    bound = {entity: len(sync_state.bindings(entity)) for entity in ("customer", "item", "invoice", "payment")}
    opened.close()
    if as_json:
        figures = {"company": sync_state.company, "last_run": last, "failing_records": failing, "needs_review": reviews}
        typer.echo(json.dumps({**figures, "bound": bound}))
        return
    out = state_of(ctx).out
    when = f"last run {last['started_at']} ({last['outcome']})" if last else "no run yet"
    out.print(f"[bold]{sync_state.company}[/]: {when}")
    out.print(f"Failing records: {failing} ('halo-accounts errors'); needing review: {reviews}")
    out.print("In step: " + ", ".join(f"{n} {entity}s" for entity, n in bound.items()))


def history(
    ctx: typer.Context,
    company: CompanyOption = None,
    store: StoreOption = None,
    limit: Annotated[int, typer.Option(help="How many runs.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The latest runs with what each flow did."""
    sync_state, opened = _open(ctx, company, store)
    runs = sync_state.history(limit=limit)
    opened.close()
    if as_json:
        typer.echo(json.dumps(runs, default=str))
        return
    table = Table(title=f"Runs of {sync_state.company}")
    for column in ("Run", "Started", "Outcome", "Flows"):
        table.add_column(column)
    for run in runs:
        flows: dict[str, dict[str, object]] = run["flows"]  # type: ignore[assignment]
        summary = "; ".join(
            f"{flow}: " + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "seconds")
            for flow, counts in flows.items()
        )
        outcome = str(run["outcome"]) + (" (dry run)" if run["dry_run"] else "")
        table.add_row(str(run["id"]), str(run["started_at"]), outcome, summary)
    state_of(ctx).out.print(table)


def errors(
    ctx: typer.Context,
    company: CompanyOption = None,
    store: StoreOption = None,
    retry: Annotated[bool, typer.Option("--retry", help="Run the sync now to try the failing records again.")] = False,
    as_json: JsonOption = False,
) -> None:
    """The records that failed, with what to do; --retry runs the sync again."""
    sync_state, opened = _open(ctx, company, store)
    rows = sync_state.open_errors()
    reviews = sync_state.open_reviews()
    opened.close()
    if retry:
        from halo_accounts.cli.sync import sync

        ctx.invoke(sync, ctx=ctx, company=sync_state.company, store=store)
        return
    if as_json:
        typer.echo(json.dumps({"errors": rows, "reviews": reviews}, default=str))
        return
    out = state_of(ctx).out
    if not rows and not reviews:
        out.print("No record is failing or waiting for a decision.")
    for row in rows:
        out.print(
            f"[red]{row['entity']} {row['halo_id']}[/] ({row['attempts']} attempts): {row['user_message']}",
            highlight=False,
        )
    waiting: dict[str, list[dict[str, object]]] = {}  # one line per mapping, however many records wait for it
    for review in reviews:
        if review["waits_for"]:
            waiting.setdefault(str(review["waits_for"]), []).append(review)
            continue
        out.print(f"[yellow]review {review['entity']} {review['halo_id']}[/]: {review['reason']}", highlight=False)
    for waits_for, asked in waiting.items():
        kind, _, key = waits_for.partition(":")
        records = ", ".join(f"{r['entity']} {r['halo_id']}" for r in asked[:8]) + (" ..." if len(asked) > 8 else "")
        out.print(
            f"[yellow]review: {len(asked)} waiting for a {kind} mapping of Halo {key}[/] ({records}): "
            f"halo-accounts mappings set {kind} {key} CODE --company {sync_state.company}",
            highlight=False,
        )


mappings_app = typer.Typer(help="List and set mappings (tax rates, accounts, item types).", no_args_is_help=True)


@mappings_app.command("list")
def mappings_list(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="tax, account or item_type.")] = "tax",
    company: CompanyOption = None,
    store: StoreOption = None,
) -> None:
    """Show one mapping table: Halo key -> books key."""
    sync_state, opened = _open(ctx, company, store)
    rows = sync_state.mappings(kind)
    opened.close()
    out = state_of(ctx).out
    if not rows:
        out.print(f"No {kind} mappings yet.")
    for halo_key, books_key in sorted(rows.items()):
        out.print(f"{halo_key} -> {books_key}", highlight=False)


@mappings_app.command("set")
def mappings_set(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="tax, account or item_type.")],
    halo_key: Annotated[
        str, typer.Argument(help="The Halo side, e.g. a Halo tax rate id; for accounts: income, cogs, inventory_asset.")
    ],
    books_key: Annotated[str, typer.Argument(help="The books side, e.g. a tax code or an account name.")],
    company: CompanyOption = None,
    store: StoreOption = None,
) -> None:
    """Set one mapping; the next sync uses it."""
    sync_state, opened = _open(ctx, company, store)
    try:
        waiting = apply_mapping(sync_state, kind, halo_key, books_key)
    finally:
        opened.close()
    released = f"; {waiting} record(s) waiting for it go back to the next sync" if waiting else ""
    state_of(ctx).out.print(f"{kind}: {halo_key.strip()} -> {books_key.strip()}{released}", highlight=False)
