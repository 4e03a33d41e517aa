"""``halo-accounts sync``: one run of the enabled flows for one company, with a summary or a plan."""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from halo_accounts.cli.common import CliState, HaloOptions, halo_settings, state_of
from halo_accounts.cli.exit_codes import ExitCode
from halo_accounts.cli.wiring import choose_company, open_books, open_halo, open_state_store, reported_company_name
from halo_accounts.engine.context import RunReport
from halo_accounts.engine.identity import books_identity
from halo_accounts.engine.runner import FLOW_ORDER, run_sync
from halo_accounts.errors import ConfigError
from halo_accounts.store.state import SyncState
from halo_accounts.tracing import TraceWriter

__all__ = ["render_report", "sync"]

_COLUMNS = ("created", "updated", "link", "skip", "review", "failed")
_FLOW_NAMES = list(dict.fromkeys(flow.setting for flow in FLOW_ORDER))


def sync(
    ctx: typer.Context,
    company: Annotated[str | None, typer.Option(help="The company (default: the only one).")] = None,
    flows: Annotated[
        str | None, typer.Option(help=f"Only these flows, comma separated: {', '.join(_FLOW_NAMES)}.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; change nothing anywhere.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    trace_dir: Annotated[Path | None, typer.Option(help="Write every Halo exchange and qbXML message here.")] = None,
    store: Annotated[str | None, typer.Option(help="Store URL (default: SQLite in your data folder).")] = None,
) -> None:
    """Run the enabled flows once. Exit 0 all done, 1 some records failed, 3 settings to fix, 4 stopped."""
    state = state_of(ctx)
    state.start_logging(to_file=True)
    settings, secret = halo_settings(state, HaloOptions())
    name = choose_company(settings, company)
    only = [f.strip() for f in flows.split(",") if f.strip()] if flows else None
    unknown = sorted(set(only or ()) - set(_FLOW_NAMES))
    if unknown:
        msg = f"Unknown flow '{unknown[0]}'; the flows are {', '.join(_FLOW_NAMES)}."
        raise ConfigError(msg)
    trace = TraceWriter(trace_dir, state.redactor) if trace_dir else None
    opened = open_state_store(settings, store)
    try:
        sync_state = SyncState(opened.engine, name)
        accounts = sync_state.mappings("account")
        # A real run takes the company's lock before the books are opened: a second run changes nothing.
        with (
            nullcontext() if dry_run else sync_state.exclusive(),
            open_halo(state, settings, secret, trace) as halo,
            open_books(settings, name, trace, accounts) as books,
        ):
            status = state.err.status(f"Syncing {name}...") if not as_json else None
            if status:
                status.start()

            def flow_done(flow: str, counts: dict[str, int]) -> None:
                if status:
                    shown = ", ".join(f"{n} {action}" for action, n in counts.items()) or "nothing to do"
                    state.err.print(f"  {flow.replace('_', ' ')}: {shown}", highlight=False)

            try:
                report = run_sync(
                    halo,
                    books,
                    sync_state,
                    settings.flows,
                    only=only,
                    dry_run=dry_run,
                    on_flow_done=flow_done,
                    invoice_rules=settings.invoices,
                    lock_held=True,
                    books_identity=books_identity(settings.company(name), reported_company_name(books)),
                )
            finally:
                if status:
                    status.stop()
            requests = halo.request_count
    finally:
        opened.close()
    if as_json:
        typer.echo(json.dumps(report_json(name, report, dry_run, requests)))
    else:
        render_report(state, name, report, dry_run=dry_run)
    if report.stopped is not None:
        if not as_json:
            state.err.print(f"[bold red]Error:[/] {report.stopped.user_message}", highlight=False)
        raise typer.Exit(ExitCode.CONFIG)
    if report.failures:
        raise typer.Exit(ExitCode.RECORDS_FAILED)


def report_json(company: str, report: RunReport, dry_run: bool, halo_requests: int) -> dict[str, object]:
    """The run as plain data."""
    return {
        "company": company,
        "dry_run": dry_run,
        "flows": {flow: dict(counts) for flow, counts in report.counts.items()},
        "errors": [{"flow": f, "record": r, "message": e.user_message, "code": e.code} for f, r, e in report.errors],
        "stopped": report.stopped.user_message if report.stopped else None,
        "plan": [asdict(p) for p in report.plan if p.action != "skip"] if dry_run else [],
        "halo_requests": halo_requests,
    }


def render_report(state: CliState, company: str, report: RunReport, *, dry_run: bool) -> None:
    """The summary table, the plan (dry run) and the failures."""
    title = f"{'Plan (dry run, nothing changed)' if dry_run else 'Sync'} for {company}"
    table = Table(title=title)
    table.add_column("Flow")
    for column in _COLUMNS:
        table.add_column(column.replace("link", "linked").replace("skip", "unchanged"), justify="right")
    for flow, counts in report.counts.items():
        created = counts.get("created", 0) + counts.get("create", 0)
        updated = counts.get("updated", 0) + counts.get("update", 0)
        values = [
            created,
            updated,
            counts.get("link", 0),
            counts.get("skip", 0),
            counts.get("review", 0),
            counts.get("failed", 0),
        ]
        table.add_row(flow.replace("_", " "), *(str(v) for v in values))
    state.out.print(table)
    if dry_run:
        for entry in report.plan:
            if entry.action != "skip":
                state.out.print(
                    f"  {entry.action:>8}  {entry.record}" + (f" — {entry.reason}" if entry.reason else ""),
                    highlight=False,
                )
    for _flow, record, error in report.errors[:50]:
        state.out.print(f"[red]failed[/] {record}: {error.user_message}", highlight=False)
    if len(report.errors) > 50:
        state.out.print(f"... and {len(report.errors) - 50} more; see 'halo-accounts errors'.")
