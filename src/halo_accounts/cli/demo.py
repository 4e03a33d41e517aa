"""``halo-accounts demo``: the product on its embedded simulators, with no real system needed.

For now this shows the Halo side end to end: a seeded Halo simulator on loopback, the real
client logging in over OAuth, the permission doctor, and a full read of every resource the
sync uses, with the number of requests it took.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.table import Table

from halo_accounts.cli.common import state_of
from halo_accounts.cli.doctor import render_checks
from halo_accounts.cli.exit_codes import ExitCode
from halo_accounts.config import Direction, FlowSettings, HaloSettings, Settings
from halo_accounts.connectors.halo.client import HaloClient, default_scopes
from halo_accounts.connectors.halo.doctor import diagnose
from halo_accounts.connectors.halo.permissions import operations_for_flows
from halo_accounts.connectors.halo.resources import (
    CLIENT,
    INVOICE,
    INVOICE_PAYMENT,
    ITEM,
    PURCHASE_ORDER,
    SITE,
    SUPPLIER,
    TAX,
)
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.serving import serve_in_thread

__all__ = ["demo"]

_CLIENT_ID = "demo-integrator"
_TENANT = "demo"


def demo(
    ctx: typer.Context,
    customers: Annotated[int, typer.Option(help="Customers to seed.")] = 200,
    items: Annotated[int, typer.Option(help="Items to seed.")] = 60,
    invoices: Annotated[int, typer.Option(help="Invoices to seed.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed for the generated tenant.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
    keep: Annotated[bool, typer.Option("--keep", help="Leave the simulator running until Ctrl+C.")] = False,
) -> None:
    """Run the integrator against embedded simulators on this machine; nothing real is touched."""
    state = state_of(ctx)
    secret = secrets.token_urlsafe(24)
    state.redactor.add_secret(secret)
    simulator = HaloSimulator(client_id=_CLIENT_ID, client_secret=secret, tenant=_TENANT)
    seed_tenant(simulator, seed=seed, customers=customers, items=items, invoices=invoices)
    started = time.perf_counter()
    with serve_in_thread(simulator.app) as server:
        settings = Settings(
            halo=HaloSettings(url=server.url, tenant=_TENANT, client_id=_CLIENT_ID),
            flows=FlowSettings(suppliers=Direction.TO_BOOKS, purchase_orders=Direction.TO_BOOKS),
        )
        include_admin = True  # the demo performs the first tax-rate import later on
        operations = operations_for_flows(settings.flows.enabled(), include_admin=include_admin)
        scopes = default_scopes(settings, include_admin=include_admin)
        with HaloClient.from_settings(
            settings, SecretStr(secret), scopes=scopes, on_token=state.redactor.add_secret
        ) as client:
            checks = diagnose(client, operations)
            counts = {
                "customers": sum(1 for _ in client.iterate(CLIENT)),
                "sites": sum(1 for _ in client.iterate(SITE)),
                "items": sum(1 for _ in client.iterate(ITEM)),
                "tax_rates": sum(1 for _ in client.iterate(TAX)),
                "invoices_and_credits": sum(1 for _ in client.iterate(INVOICE, includelines=True, includecredits=True)),
                "payments": sum(1 for _ in client.iterate(INVOICE_PAYMENT)),
                "suppliers": sum(1 for _ in client.iterate(SUPPLIER)),
                "purchase_orders": sum(1 for _ in client.iterate(PURCHASE_ORDER)),
            }
            figures = {
                "halo_url": server.url,
                "halo_client_id": _CLIENT_ID,
                "halo_tenant": _TENANT,
                "doctor": {c.name: c.status.value for c in checks},
                "read": counts,
                "halo_requests": client.request_count,
                "seconds": round(time.perf_counter() - started, 2),
            }
        failed = any(c.failed for c in checks)
        if as_json:
            typer.echo(json.dumps(figures))
        else:
            state.out.print(f"Halo simulator at [bold]{server.url}[/] (client id {_CLIENT_ID}, tenant {_TENANT})")
            state.out.print(render_checks(checks))
            table = Table(title="Read from Halo through the real client")
            table.add_column("Records")
            table.add_column("Count", justify="right")
            for name, count in counts.items():
                table.add_row(name.replace("_", " "), str(count))
            state.out.print(table)
            state.out.print(
                f"{client.request_count} Halo requests in {figures['seconds']} s "
                f"(page size {settings.halo.page_size}, limit {settings.halo.rate_limit} per 5 minutes)."
            )
        if keep:
            # A throwaway simulator's credentials, shown only because --keep asks to explore it.
            state.out.print(f"Simulator left running at {server.url}; client id {_CLIENT_ID}, secret {secret}.")
            state.out.print("Press Ctrl+C to stop.")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    if failed:
        raise typer.Exit(ExitCode.CONFIG)
