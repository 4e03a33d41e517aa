"""The records the sync moves, as plain immutable values with no I/O.

Ids are Halo's (``halo_id``) and the books' reference as Halo stores it (``accounts_ref``);
the books' own ids and versions live in the store's bindings, not here. Money is ``Decimal``,
dates are ``datetime.date`` and instants are timezone-aware ``datetime``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from halo_accounts.domain.money import ZERO

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


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as up to five free lines and a postcode."""

    lines: tuple[str, ...] = ()
    postcode: str = ""

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to print on an envelope."""
        return not any(self.lines) and not self.postcode


@dataclass(frozen=True, slots=True)
class Site:
    """One site of a customer; the invoice site carries the billing address."""

    halo_id: int
    customer_halo_id: int
    name: str
    address: Address = Address()
    accounts_ref: str = ""
    is_invoice_site: bool = False
    inactive: bool = False


@dataclass(frozen=True, slots=True)
class Customer:
    """A Halo client: who is invoiced, with the accounts contact."""

    halo_id: int
    name: str
    accounts_ref: str = ""
    email: str = ""
    contact_first_name: str = ""
    contact_last_name: str = ""
    phone: str = ""
    tax_number: str = ""
    billing_address: Address = Address()
    payment_terms_days: int | None = None
    inactive: bool = False
    modified_at: datetime | None = None
    sites: tuple[Site, ...] = ()


class ItemKind(enum.Enum):
    """How the books should hold an item."""

    SERVICE = "service"
    NON_INVENTORY = "non_inventory"
    INVENTORY = "inventory"


@dataclass(frozen=True, slots=True)
class Item:
    """A product or service sold on invoices."""

    halo_id: int
    name: str
    kind: ItemKind
    description: str = ""
    price: Decimal = ZERO
    cost: Decimal = ZERO
    tax_halo_id: int | None = None
    accounts_ref: str = ""
    income_account: str = ""
    inactive: bool = False
    modified_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A Halo tax rate; ``rate`` is a percentage (20 means 20 %)."""

    halo_id: int
    name: str
    rate: Decimal
    code: str = ""
    external_id: str = ""
    component_halo_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line of an invoice or credit note; a credit has negative quantities."""

    quantity: Decimal
    unit_price: Decimal
    description: str = ""
    halo_id: int | None = None
    item_halo_id: int | None = None
    item_code: str = ""
    tax_halo_id: int | None = None
    tax_code: str = ""
    tax_rate: Decimal | None = None
    net_amount: Decimal | None = None
    tax_amount: Decimal | None = None
    nominal_code: str = ""


@dataclass(frozen=True, slots=True)
class Invoice:
    """A Halo invoice or credit note (a credit is an invoice with a negative total)."""

    halo_id: int
    number: str
    customer_halo_id: int
    invoice_date: date | None
    lines: tuple[InvoiceLine, ...]
    total: Decimal
    tax_total: Decimal = ZERO
    site_halo_id: int | None = None
    due_date: date | None = None
    reference: str = ""
    accounts_ref: str = ""
    books_number: str = ""
    posted: bool = False
    posted_at: datetime | None = None
    voided: bool = False
    awaiting_approval: bool = False
    currency: str = ""
    credit_of_halo_id: int | None = None
    amount_paid: Decimal = ZERO
    amount_due: Decimal = ZERO
    modified_at: datetime | None = None

    @property
    def is_credit(self) -> bool:
        """A credit note is an invoice whose total is below zero."""
        return self.total < 0


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received against one invoice; ``books_ref`` is the books' payment id."""

    invoice_halo_id: int
    amount: Decimal
    paid_on: date | None
    books_ref: str = ""
    halo_id: int | None = None
    customer_halo_id: int | None = None
    method: int | None = None


@dataclass(frozen=True, slots=True)
class Supplier:
    """A Halo supplier (a vendor in the books)."""

    halo_id: int
    name: str
    accounts_ref: str = ""
    email: str = ""
    phone: str = ""
    contact_name: str = ""
    address: Address = Address()
    inactive: bool = False


@dataclass(frozen=True, slots=True)
class PurchaseOrderLine:
    """One line of a purchase order."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    item_halo_id: int | None = None
    item_code: str = ""
    account_code: str = ""


@dataclass(frozen=True, slots=True)
class PurchaseOrder:
    """A Halo purchase order to a supplier."""

    halo_id: int
    number: str
    supplier_halo_id: int
    order_date: date | None
    lines: tuple[PurchaseOrderLine, ...] = field(default_factory=tuple)
    total: Decimal = ZERO
    due_date: date | None = None
    accounts_ref: str = ""
