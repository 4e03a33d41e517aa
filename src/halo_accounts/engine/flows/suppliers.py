"""Suppliers, Halo → books (vendors in QuickBooks), with the books id written back to ``accounts_id``."""

from __future__ import annotations

from datetime import datetime

from halo_accounts.connectors.halo.resources import SUPPLIER, SupplierRecord
from halo_accounts.domain import Supplier
from halo_accounts.engine.context import FlowContext
from halo_accounts.engine.lists import ListFlow, run_list_flow
from halo_accounts.mapping.halo import supplier_from_halo
from halo_accounts.ports.books import SupplierWrite


def _read(ctx: FlowContext, since: datetime | None) -> list[Supplier]:
    # Halo's supplier list has no modified-date filter: it is small, read whole, compared by hash.
    # Inactive ones too: one made inactive in Halo becomes inactive in the books.
    return [supplier_from_halo(r) for r in ctx.halo.iterate(SUPPLIER, includeinactive=True)]


SPEC = ListFlow(
    flow="suppliers",
    entity="supplier",
    resource=SUPPLIER,
    read=_read,
    books_list=lambda books: books.suppliers(),
    make_write=lambda supplier, books_id, version: SupplierWrite(supplier, books_id=books_id, version=version),
    send=lambda books, writes: books.write_suppliers(writes),
    write_back=lambda halo_id, books_id: SupplierRecord(id=halo_id, accounts_id=books_id),
    name_of=lambda write: write.supplier.name,
    create_inactive=False,
)


def run(ctx: FlowContext) -> None:
    """Bring every new or changed Halo supplier into the books."""
    run_list_flow(SPEC, ctx)
