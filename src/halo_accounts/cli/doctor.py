"""``halo-accounts doctor``: check the connection, every permission the sync needs, and the local side."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from halo_accounts.cli.common import HaloOptions, halo_settings, state_of
from halo_accounts.cli.doctor_local import LocalCheck, local_checks
from halo_accounts.cli.exit_codes import ExitCode
from halo_accounts.config import Direction
from halo_accounts.connectors.halo.client import HaloClient, default_scopes
from halo_accounts.connectors.halo.doctor import Check, CheckStatus, diagnose
from halo_accounts.connectors.halo.permissions import operations_for_flows

__all__ = ["doctor", "render_checks", "render_local_checks"]

_STYLE = {
    CheckStatus.OK: "green",
    CheckStatus.MISSING: "bold red",
    CheckStatus.ERROR: "bold red",
    CheckStatus.UNVERIFIED: "yellow",
}

HaloUrlOption = Annotated[str | None, typer.Option("--halo-url", help="Halo address, e.g. https://acme.halopsa.com.")]
TenantOption = Annotated[str | None, typer.Option("--tenant", help="Tenant name (hosted Halo).")]
ClientIdOption = Annotated[str | None, typer.Option("--client-id", help="The API application's Client ID.")]
ClientSecretOption = Annotated[
    str | None,
    typer.Option("--client-secret", help="The API application's secret (prefer HALO_CLIENT_SECRET or the keyring)."),
]


def doctor(
    ctx: typer.Context,
    halo_url: HaloUrlOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    client_secret: ClientSecretOption = None,
    check_admin: Annotated[
        bool | None,
        typer.Option(
            "--check-admin/--no-check-admin",
            help="Check Admin, needed only for the first import of tax rates (default: when that flow is on).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    store: Annotated[str | None, typer.Option(help="Store URL (default: SQLite in your data folder).")] = None,
) -> None:
    """Check the Halo connection and permissions, the store, and each company's records and books; change nothing.

    Exits 0 when everything the sync needs is granted, 3 when something must be switched on.
    """
    state = state_of(ctx)
    settings, secret = halo_settings(state, HaloOptions(halo_url, tenant, client_id, client_secret))
    include_admin = check_admin if check_admin is not None else settings.flows.tax_rates is not Direction.OFF
    operations = operations_for_flows(settings.flows.enabled(), include_admin=include_admin)
    scopes = default_scopes(settings, include_admin=include_admin)
    with HaloClient.from_settings(settings, secret, scopes=scopes, on_token=state.redactor.add_secret) as client:
        checks = diagnose(client, operations)
    local = local_checks(settings, store)
    if as_json:
        rows = [{"check": c.name, "status": c.status.value, "advice": c.advice} for c in checks]
        local_rows = [
            {"company": lc.company, "check": lc.check.name, "status": lc.check.status.value, "advice": lc.check.advice}
            for lc in local
        ]
        state.out.print_json(json.dumps({"halo_url": settings.halo.url, "checks": rows, "local_checks": local_rows}))
    else:
        state.out.print(
            f"Halo at [bold]{settings.halo.url}[/]"
            + (f" (tenant {settings.halo.tenant})" if settings.halo.tenant else "")
        )
        state.out.print(render_checks(checks))
        failed = sum(c.failed for c in checks)
        if failed:
            state.out.print(
                f"[bold red]{failed} problem(s).[/] Switch on what is listed, on the API application's "
                "Permissions tab and on the role of the agent it logs in as, then run 'halo-accounts doctor' again."
            )
        else:
            state.out.print("[green]Everything the sync needs is granted.[/]")
        state.out.print(render_local_checks(local))
        local_failed = sum(lc.check.failed for lc in local)
        if local_failed:
            state.out.print(
                f"[bold red]{local_failed} local problem(s).[/] Do what is listed, then run the doctor again."
            )
    if any(c.failed for c in checks) or any(lc.check.failed for lc in local):
        raise typer.Exit(ExitCode.CONFIG)


def render_checks(checks: list[Check]) -> Table:
    """The doctor's table: what was checked, its status, and what to do."""
    table = Table(show_lines=False, expand=False)
    table.add_column("Check", overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("What to do", overflow="fold")
    for check in checks:
        style = _STYLE[check.status]
        table.add_row(check.name, f"[{style}]{check.status.value}[/]", check.advice)
    return table


def render_local_checks(checks: list[LocalCheck]) -> Table:
    """The doctor's local table: the store, then each company's records and books."""
    table = Table(show_lines=False, expand=False)
    table.add_column("Company", overflow="fold")
    table.add_column("Local check", overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("What to do", overflow="fold")
    for local in checks:
        style = _STYLE[local.check.status]
        table.add_row(
            local.company or "-", local.check.name, f"[{style}]{local.check.status.value}[/]", local.check.advice
        )
    return table
