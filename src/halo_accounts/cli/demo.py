"""``halo-accounts demo``: the product end to end on embedded simulators; nothing real is touched."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from halo_accounts.cli.common import state_of
from halo_accounts.cli.exit_codes import ExitCode
from halo_accounts.demo import EDITIONS, DemoResult, run_demo
from halo_accounts.demo_sage import SAGE_EDITIONS, run_sage_demo

__all__ = ["demo"]

_COLUMNS = (
    ("created", "created"),
    ("updated", "updated"),
    ("link", "linked"),
    ("review", "review"),
    ("failed", "failed"),
)


def demo(
    ctx: typer.Context,
    books: Annotated[str, typer.Option(help="The books to simulate: quickbooks, sage50uk or sage50ca.")] = "quickbooks",
    edition: Annotated[str, typer.Option(help="QuickBooks edition: us, ca, uk or au.")] = "us",
    customers: Annotated[int, typer.Option(help="Customers to seed in Halo.")] = 200,
    items: Annotated[int, typer.Option(help="Items to seed.")] = 60,
    invoices: Annotated[int, typer.Option(help="Invoices and credit notes to seed.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
    keep: Annotated[bool, typer.Option("--keep", help="Leave everything running until Ctrl+C, to explore.")] = False,
    trace_dir: Annotated[Path | None, typer.Option(help="Write every Halo exchange and qbXML message here.")] = None,
) -> None:
    """Run Halo and QuickBooks (or Sage 50 UK or Canada) simulators here and the real product between them.

    Steps: the tax-rate import and first sync, edits on both sides, and a second sync.
    """
    state = state_of(ctx)
    if edition.lower() not in EDITIONS:
        state.err.print(f"[bold red]Error:[/] the edition must be one of {', '.join(EDITIONS)}.")
        raise typer.Exit(ExitCode.USAGE)
    if books.lower() not in ("quickbooks", *SAGE_EDITIONS):
        state.err.print("[bold red]Error:[/] --books must be quickbooks, sage50uk or sage50ca.")
        raise typer.Exit(ExitCode.USAGE)

    def explore(result: DemoResult) -> None:
        for key in ("halo_client_secret", "web_connector_password", "sage_password", "dashboard_password"):
            if key in result.explore:
                state.redactor.add_secret(result.explore[key])
        if as_json:
            typer.echo(json.dumps(_figures(result, with_credentials=True)))
        else:
            _render(state, result)
            state.out.print("\n[bold]Still running; explore with:[/]")
            for key, value in result.explore.items():
                state.out.print(f"  {key.replace('_', ' ')}: {value}", highlight=False)
            state.out.print("Press Ctrl+C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass

    say = (lambda text: None) if as_json else (lambda text: state.err.print(text, highlight=False))
    if books.lower() in SAGE_EDITIONS:
        result = run_sage_demo(
            books.lower(), seed=seed, customers=customers, items=items, invoices=invoices, progress=say,
            keep=explore if keep else None, trace_dir=trace_dir,
        )  # fmt: skip
    else:
        result = run_demo(
            edition=edition.lower(), seed=seed, customers=customers, items=items, invoices=invoices,
            progress=say, keep=explore if keep else None, trace_dir=trace_dir,
        )  # fmt: skip
    if not keep:
        if as_json:
            typer.echo(json.dumps(_figures(result, with_credentials=False)))
        else:
            _render(state, result)
    checks = result.checks
    if checks["duplicate_customers"] or checks["duplicate_payments"] or not checks["write_backs_match"]:
        raise typer.Exit(ExitCode.FATAL)


def _figures(result: DemoResult, *, with_credentials: bool) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "edition": result.edition,
        "steps": result.steps,
        "checks": result.checks,
        "seconds": result.seconds,
    }
    if with_credentials:
        figures["explore"] = result.explore
    return figures


def _render(state: Any, result: DemoResult) -> None:
    for step in result.steps:
        if step["step"] == "edits":
            continue
        table = Table(title=f"{step['step'].capitalize()}: {step['summary']}")
        table.add_column("Flow")
        for _, label in _COLUMNS:
            table.add_column(label, justify="right")
        for flow, counts in step["flows"].items():
            merged = {**counts, "created": counts.get("created", 0) + counts.get("create", 0)}
            table.add_row(flow.replace("_", " "), *(str(merged.get(key, 0)) for key, _ in _COLUMNS))
        state.out.print(table)
    checks = result.checks
    state.out.print(
        f"{checks['books']} holds {checks['books_customers']} customers "
        f"({checks['duplicate_customers']} duplicates) and "
        f"{checks['books_invoices_and_credits']} invoices and credit notes for the "
        f"{checks['halo_invoices_posted_by_integrator']} Halo marked posted "
        f"({'write-backs match' if checks['write_backs_match'] else 'WRITE-BACKS DIFFER'}); "
        f"{checks['halo_payments_from_books']} payments went to Halo ({checks['duplicate_payments']} duplicates); "
        f"{checks['needs_review']} records need review, {checks['failing_records']} failing. {result.seconds} s.",
        highlight=False,
    )
