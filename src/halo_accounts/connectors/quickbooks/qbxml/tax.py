"""QuickBooks' two tax models, read from the company file; no tax code name is ever assumed.

US: a ``SalesTaxCode`` only says whether a line is taxable (typically "Tax"/"Non"); the rate
comes from an ``ItemSalesTax`` or ``ItemSalesTaxGroup`` on the invoice or the customer.
CA/UK/AU: each ``SalesTaxCode`` points to the tax item (``ItemSalesTaxRef``) that holds its
rate; a group's rate is the sum of its members' (e.g. GST + QST). :func:`company_tax_rates`
turns either model into the list of rates offered to Halo in the tax-rate import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition
from halo_accounts.connectors.quickbooks.qbxml.parse import QBObject
from halo_accounts.domain.money import ZERO

__all__ = [
    "BooksTaxRate",
    "TaxCode",
    "TaxItem",
    "company_tax_rates",
    "read_tax_codes",
    "read_tax_items",
    "tax_requests",
]


@dataclass(frozen=True, slots=True)
class TaxCode:
    """A sales tax code (3 characters, 6 in Australia)."""

    list_id: str
    name: str
    is_taxable: bool
    description: str = ""
    is_active: bool = True
    sales_tax_item: str = ""  # ListID of the item holding the rate (not in the US)


@dataclass(frozen=True, slots=True)
class TaxItem:
    """A sales tax item with its rate, or a group whose rate is its members' sum."""

    list_id: str
    name: str
    rate: Decimal
    description: str = ""
    is_active: bool = True
    members: tuple[str, ...] = ()  # member ListIDs for a group


@dataclass(frozen=True, slots=True)
class BooksTaxRate:
    """One rate the books charge, as it would appear in Halo's tax list."""

    key: str  # what a Halo tax rate is mapped to: the tax code (CA/UK/AU) or tax item (US) name
    name: str
    rate: Decimal  # percent
    list_id: str
    is_code: bool  # True: a SalesTaxCode; False: an ItemSalesTax or group (US)


def tax_requests() -> list[Request]:
    """The queries that read the company's tax set-up (all, active or not)."""
    return [
        Request("SalesTaxCodeQueryRq", {"ActiveStatus": "All"}, request_id="tax-codes"),
        Request("ItemSalesTaxQueryRq", {"ActiveStatus": "All"}, request_id="tax-items"),
        Request("ItemSalesTaxGroupQueryRq", {"ActiveStatus": "All"}, request_id="tax-groups"),
    ]


def read_tax_codes(objects: Iterable[QBObject]) -> list[TaxCode]:
    """``SalesTaxCodeRet`` objects as :class:`TaxCode`."""
    return [
        TaxCode(
            list_id=o.text("ListID"),
            name=o.text("Name"),
            is_taxable=bool(o.boolean("IsTaxable")),
            description=o.text("Desc"),
            is_active=o.boolean("IsActive") is not False,
            sales_tax_item=o.text("ItemSalesTaxRef/ListID"),
        )
        for o in objects
        if o.tag == "SalesTaxCodeRet"
    ]


def read_tax_items(objects: Iterable[QBObject]) -> list[TaxItem]:
    """``ItemSalesTaxRet`` and ``ItemSalesTaxGroupRet`` objects as :class:`TaxItem` (groups summed)."""
    items = list(objects)
    singles = {
        o.text("ListID"): TaxItem(
            list_id=o.text("ListID"),
            name=o.text("Name"),
            rate=o.decimal("TaxRate") or ZERO,
            description=o.text("ItemDesc"),
            is_active=o.boolean("IsActive") is not False,
        )
        for o in items
        if o.tag == "ItemSalesTaxRet"
    }
    groups = []
    for o in items:
        if o.tag != "ItemSalesTaxGroupRet":
            continue
        members = tuple(ref.text("ListID") for ref in o.children("ItemSalesTaxRef"))
        rate = sum((singles[m].rate for m in members if m in singles), ZERO)
        groups.append(
            TaxItem(
                o.text("ListID"), o.text("Name"), rate, o.text("ItemDesc"), o.boolean("IsActive") is not False, members
            )
        )
    return [*singles.values(), *groups]


def company_tax_rates(edition: Edition, codes: Iterable[TaxCode], items: Iterable[TaxItem]) -> list[BooksTaxRate]:
    """The rates to offer Halo: tax items in the US, tax codes with their item's rate elsewhere."""
    by_id: Mapping[str, TaxItem] = {item.list_id: item for item in items}
    if edition is Edition.US:
        return [
            BooksTaxRate(item.name, item.description or item.name, item.rate, item.list_id, is_code=False)
            for item in by_id.values()
            if item.is_active
        ]
    rates = []
    for code in codes:
        if not code.is_active:
            continue
        item = by_id.get(code.sales_tax_item)
        rate = item.rate if (item is not None and code.is_taxable) else ZERO
        rates.append(BooksTaxRate(code.name, code.description or code.name, rate, code.list_id, is_code=True))
    return rates
