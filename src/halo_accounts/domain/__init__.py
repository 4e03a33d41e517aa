"""Pure values the engine works with: records and money rules, no I/O."""

from halo_accounts.domain.records import (
    Address,
    Customer,
    Invoice,
    InvoiceLine,
    Item,
    ItemKind,
    Payment,
    PurchaseOrder,
    PurchaseOrderLine,
    Site,
    Supplier,
    TaxRate,
)

__all__ = [
    "Address",
    "Customer",
    "Invoice",
    "InvoiceLine",
    "Item",
    "ItemKind",
    "Payment",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Site",
    "Supplier",
    "TaxRate",
]
