"""Customers, Halo → books (see ``engine.lists`` for matching, updates and write-back)."""

from __future__ import annotations

from datetime import datetime

from halo_accounts.connectors.halo.resources import CLIENT, ClientRecord
from halo_accounts.domain import Customer
from halo_accounts.engine.context import FlowContext
from halo_accounts.engine.lists import ListFlow, run_list_flow
from halo_accounts.mapping.halo import customer_from_halo
from halo_accounts.ports.books import CustomerWrite


def _read(ctx: FlowContext, since: datetime | None) -> list[Customer]:
    # Inactive ones too: a client made inactive in Halo becomes inactive in the books.
    return [customer_from_halo(r) for r in ctx.halo.iterate(CLIENT, lastupdatefromdate=since, includeinactive=True)]


SPEC = ListFlow(
    flow="customers",
    entity="customer",
    resource=CLIENT,
    read=_read,
    books_list=lambda books: books.customers(),
    make_write=lambda customer, books_id, version: CustomerWrite(customer, books_id=books_id, version=version),
    send=lambda books, writes: books.write_customers(writes),
    write_back=lambda halo_id, books_id: ClientRecord(id=halo_id, accountsid=books_id),
    name_of=lambda write: write.customer.name,
    incremental=True,
    create_inactive=False,
)


def run(ctx: FlowContext) -> None:
    """Bring every new or changed Halo client into the books."""
    run_list_flow(SPEC, ctx)
