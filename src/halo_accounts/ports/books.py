"""What the engine needs from an accounting system: batches in, one result per record out.

Every accounting connector (QuickBooks Desktop, Sage 50 UK, Sage 50 Canada) implements
:class:`BooksSession`. Writes take a batch and answer per record, so a connector can pack a
batch into one message (qbXML) or loop (SDO) as its system prefers. :class:`Capabilities` tells
the engine what the books can do and their limits, so flows never name a vendor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from halo_accounts.domain import Customer, Invoice, Item, PurchaseOrder, Supplier
from halo_accounts.errors import SyncError

__all__ = [
    "BooksCustomer",
    "BooksInvoice",
    "BooksItem",
    "BooksPayment",
    "BooksSession",
    "BooksSupplier",
    "BooksTaxRate",
    "Capabilities",
    "CustomerWrite",
    "BooksDeletion",
    "InvoiceWrite",
    "ItemWrite",
    "PurchaseOrderWrite",
    "SupplierWrite",
    "VoidWrite",
    "WriteResult",
]


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What one set of books can do, and its limits."""

    name: str  # "QuickBooks Desktop (US)", shown in messages
    customer_name_limit: int
    item_name_limit: int
    invoice_number_limit: int
    per_line_tax_codes: bool  # False: the US model (taxable or not per line, one rate per invoice)
    reads_payments: bool = True
    reads_deletions: bool = True  # the books list what was deleted, and when
    voids_invoices: bool = True  # an invoice voided in Halo can be voided in the books
    carries_inactive: bool = True  # a customer, item or supplier can be made inactive by the integrator
    purchase_orders: bool = True
    write_batch_size: int = 50
    # Per-invoice tax models (QuickBooks US): the codes that mark a line taxable or not.
    taxable_code: str = ""
    non_taxable_code: str = ""


@dataclass(frozen=True, slots=True)
class BooksTaxRate:
    """A rate the books charge; ``key`` is what Halo tax rates are mapped to."""

    key: str
    name: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class BooksCustomer:
    """A customer as the books hold it (for matching on the first sync)."""

    books_id: str
    name: str
    version: str = ""
    account_number: str = ""
    email: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class BooksSupplier:
    """A supplier (vendor) as the books hold it."""

    books_id: str
    name: str
    version: str = ""
    account_number: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class BooksItem:
    """An item as the books hold it."""

    books_id: str
    name: str
    version: str = ""


@dataclass(frozen=True, slots=True)
class BooksInvoice:
    """An invoice or credit note as the books hold it."""

    books_id: str
    number: str
    total: Decimal
    balance: Decimal = Decimal(0)
    is_credit: bool = False
    version: str = ""
    voided: bool = False


@dataclass(frozen=True, slots=True)
class BooksDeletion:
    """A transaction someone deleted in the books."""

    books_id: str
    number: str = ""
    deleted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BooksPayment:
    """Money received, and the invoices (books ids) it was applied to."""

    books_id: str
    paid_on: date | None
    applied: tuple[tuple[str, Decimal], ...]
    reference: str = ""
    modified_at: datetime | None = None
    # True when the books tell only how much of each invoice is paid so far (Sage 50 UK): each applied
    # amount is that total, and what is new is the part not yet recorded in Halo.
    paid_to_date: bool = False


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The outcome for one record of a batch: its books id, version and number, or the error."""

    halo_id: str
    books_id: str = ""
    version: str = ""
    number: str = ""
    total: Decimal | None = None
    error: SyncError | None = None

    @property
    def ok(self) -> bool:
        """True when the record is in the books."""
        return self.error is None and bool(self.books_id)


@dataclass(frozen=True, slots=True)
class CustomerWrite:
    """Create (no ``books_id``) or update a customer."""

    customer: Customer
    books_id: str = ""
    version: str = ""
    tax_code: str = ""


@dataclass(frozen=True, slots=True)
class ItemWrite:
    """Create or update an item."""

    item: Item
    books_id: str = ""
    version: str = ""
    tax_code: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceWrite:
    """Create an invoice or credit note, with every reference already resolved to books ids."""

    invoice: Invoice
    customer_id: str
    number: str  # the books reference number to use
    item_ids: Mapping[int, str] = field(default_factory=dict)  # Halo item id -> books id
    tax_codes: Mapping[int, str] = field(default_factory=dict)  # Halo tax id -> books tax key
    invoice_tax: str = ""  # the US model's one rate per invoice (books tax item key)


@dataclass(frozen=True, slots=True)
class VoidWrite:
    """Void an invoice or credit note the integrator wrote: kept in the books, its amounts zeroed."""

    halo_id: str
    books_id: str
    number: str
    is_credit: bool = False


@dataclass(frozen=True, slots=True)
class SupplierWrite:
    """Create or update a supplier (vendor)."""

    supplier: Supplier
    books_id: str = ""
    version: str = ""


@dataclass(frozen=True, slots=True)
class PurchaseOrderWrite:
    """Create a purchase order."""

    order: PurchaseOrder
    supplier_id: str
    number: str
    item_ids: Mapping[int, str] = field(default_factory=dict)


class BooksSession(Protocol):
    """An open connection to one company's books."""

    capabilities: Capabilities

    def tax_rates(self) -> list[BooksTaxRate]:
        """Every tax rate the books charge."""

    def customers(self) -> list[BooksCustomer]:
        """Every customer (for first-sync matching)."""

    def items(self) -> list[BooksItem]:
        """Every item."""

    def write_customers(self, writes: Sequence[CustomerWrite]) -> list[WriteResult]:
        """Create or update customers; one result per write, in order."""

    def write_items(self, writes: Sequence[ItemWrite]) -> list[WriteResult]:
        """Create or update items."""

    def find_invoices(self, numbers: Sequence[str]) -> dict[str, BooksInvoice]:
        """Invoices and credit notes by reference number (to check before repeating a create)."""

    def write_invoices(self, writes: Sequence[InvoiceWrite]) -> list[WriteResult]:
        """Create invoices and credit notes."""

    def void_invoices(self, writes: Sequence[VoidWrite]) -> list[WriteResult]:
        """Void invoices and credit notes; voiding one already voided changes nothing."""

    def deleted_invoices(self, since: datetime | None) -> list[BooksDeletion]:
        """Invoices and credit notes deleted in the books since ``since`` (as far back as the books keep)."""

    def payments(self, since: datetime | None) -> list[BooksPayment]:
        """Payments received, changed since ``since`` (all when ``None``)."""

    def suppliers(self) -> list[BooksSupplier]:
        """Every supplier (vendor)."""

    def write_suppliers(self, writes: Sequence[SupplierWrite]) -> list[WriteResult]:
        """Create or update suppliers."""

    def find_purchase_orders(self, numbers: Sequence[str]) -> dict[str, str]:
        """Purchase orders by reference number: number -> books id."""

    def write_purchase_orders(self, writes: Sequence[PurchaseOrderWrite]) -> list[WriteResult]:
        """Create purchase orders."""
