"""``halo-accounts sim ...``: run a simulator as a local server until Ctrl+C.

The simulators are how a user tries the product before pointing it at a real Halo and real
books: ``halo-accounts sim halo`` serves a seeded Halo tenant with the real OAuth, scopes,
rate limit and paging, plus a ``/_sim`` control plane for faults and permissions.
"""

from __future__ import annotations

import socket
from typing import Annotated

import typer
import uvicorn

from halo_accounts.cli.common import state_of
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.halo.permissions import parse_scopes, unknown_scopes

__all__ = ["sim_app"]

sim_app = typer.Typer(
    help="Run local simulators of the systems the integrator talks to.",
    no_args_is_help=True,
)


@sim_app.callback()
def sim() -> None:
    """Run local simulators of the systems the integrator talks to."""


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


DEFAULT_SIM_SECRET = "demo-secret"


@sim_app.command("halo")
def halo(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).")] = 8765,
    seed: Annotated[int, typer.Option(help="Seed of the generated tenant.")] = 1,
    customers: Annotated[int, typer.Option(help="Customers to generate.")] = 50,
    items: Annotated[int, typer.Option(help="Items to generate.")] = 30,
    invoices: Annotated[int, typer.Option(help="Invoices and credit notes to generate.")] = 200,
    client_id: Annotated[str, typer.Option(help="The API application's client id.")] = ("demo-client"),
    client_secret: Annotated[str, typer.Option(help="The API application's secret.")] = DEFAULT_SIM_SECRET,
    tenant: Annotated[str, typer.Option(help="Tenant name.")] = "demo",
    scopes: Annotated[
        str,
        typer.Option(help="The application's permissions, space or comma separated (e.g. 'all admin')."),
    ] = "all admin",
    rate_limit: Annotated[int, typer.Option(help="Requests allowed per rolling 5 minutes (0 = no limit).")] = 300,
    forbidden_status: Annotated[int, typer.Option(help="Status for a missing permission: 401 (as Halo) or 403.")] = 401,
) -> None:
    """Serve a seeded Halo simulator in the foreground until Ctrl+C."""
    if forbidden_status not in (401, 403):
        msg = "must be 401 or 403"
        raise typer.BadParameter(msg, param_hint="--forbidden-status")
    app_permissions = parse_scopes(scopes)
    bad = unknown_scopes(app_permissions)
    if bad:
        msg = f"unknown Halo permission(s): {', '.join(bad)}"
        raise typer.BadParameter(msg, param_hint="--scopes")
    state_of(ctx).redactor.add_secret(client_secret)
    simulator = HaloSimulator(
        client_id=client_id,
        client_secret=client_secret,
        tenant=tenant,
        app_permissions=app_permissions,
        rate_limit=rate_limit or None,
        missing_permission_status=forbidden_status,
    )
    seed_tenant(simulator, seed=seed, customers=customers, items=items, invoices=invoices)
    if port == 0:
        port = _free_port(host)
    base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    limit = f"{rate_limit} requests per rolling 5 minutes" if rate_limit else "off"
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in simulator.tables.items() if rows)
    typer.echo(f"Halo simulator: {base}")
    typer.echo(f"  Client ID:     {client_id}")
    # The built-in secret is a demo value anyone can read in --help; one the user chose is never echoed.
    shown = DEFAULT_SIM_SECRET if client_secret == DEFAULT_SIM_SECRET else "the value given with --client-secret"
    typer.echo(f"  Client secret: {shown}")
    typer.echo(f"  Tenant:        {tenant}")
    typer.echo(f"  Permissions:   {' '.join(app_permissions) or '(none)'}")
    typer.echo(f"  Rate limit:    {limit}")
    typer.echo(f"  Seeded:        {counts}")
    typer.echo(f"  Control plane: {base}/_sim/state")
    typer.echo("Press Ctrl+C to stop.", err=True)
    uvicorn.run(simulator.app, host=host, port=port, log_level="info", ws="none")
