"""Items, Halo → books: Halo's item type decides service, non-inventory or inventory (``item_type`` mappings).

Halo's item list has no modified-date filter, so it is read whole (it is small) and changes are
found by content hash. The item's sales tax rate, mapped to a books tax code, goes on the item.
"""

from __future__ import annotations

from datetime import datetime

from halo_accounts.connectors.halo.resources import ITEM, ItemRecord
from halo_accounts.domain import Item
from halo_accounts.engine.context import FlowContext
from halo_accounts.engine.lists import ListFlow, run_list_flow
from halo_accounts.engine.mappings import item_kinds
from halo_accounts.mapping.halo import item_from_halo
from halo_accounts.ports.books import ItemWrite


def _read(ctx: FlowContext, since: datetime | None) -> list[Item]:
    kinds = item_kinds(ctx.state)
    return [item_from_halo(r, kinds) for r in ctx.halo.iterate(ITEM, includeinactive=True)]


def run(ctx: FlowContext) -> None:
    """Bring every new or changed Halo item into the books."""
    tax_codes = ctx.state.mappings("tax") if ctx.books.capabilities.per_line_tax_codes else {}

    def write(item: Item, books_id: str, version: str) -> ItemWrite:
        code = tax_codes.get(str(item.tax_halo_id), "") if item.tax_halo_id else ""
        return ItemWrite(item, books_id=books_id, version=version, tax_code=code)

    spec = ListFlow(
        flow="items",
        entity="item",
        resource=ITEM,
        read=_read,
        books_list=lambda books: books.items(),
        make_write=write,
        send=lambda books, writes: books.write_items(writes),
        write_back=lambda halo_id, books_id: ItemRecord(id=halo_id, accountsid=books_id),
        name_of=lambda w: w.item.name,
    )
    run_list_flow(spec, ctx)
