"""Halo's resources as lenient typed records, with Halo's exact field names.

Reading is lenient: unknown fields are ignored (Halo's objects carry hundreds), every field is
optional, JSON numbers arrive as ``Decimal``, Halo's "no date" sentinel (year 1900) reads as
``None`` and naive timestamps are taken as UTC. Writing is minimal: a record built with only
the fields we own dumps only those (``exclude_unset``), so an update never overwrites what
Halo users maintain. Note the spellings: ``accountsid`` on Client, Site, Item and Invoice but
``accounts_id`` on Supplier and ``accounts_ref`` on PurchaseOrder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "CLIENT",
    "INTEGRATION_ERROR",
    "INVOICE",
    "INVOICE_PAYMENT",
    "ITEM",
    "PURCHASE_ORDER",
    "RESOURCES",
    "SITE",
    "SUPPLIER",
    "TAX",
    "AddressRecord",
    "ClientRecord",
    "HaloRecord",
    "IntegrationErrorRecord",
    "InvoiceLineRecord",
    "InvoicePaymentRecord",
    "InvoiceRecord",
    "ItemRecord",
    "PurchaseOrderLineRecord",
    "PurchaseOrderRecord",
    "Resource",
    "SiteRecord",
    "SupplierRecord",
    "TaxRecord",
]


def _halo_datetime(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return None
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    elif isinstance(value, datetime):
        parsed = value
    else:
        return value
    if parsed.year <= 1901:  # Halo writes 1900-01-01 where a date is unset
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


HaloDateTime = Annotated[datetime | None, BeforeValidator(_halo_datetime)]


class HaloRecord(BaseModel):
    """Base of every Halo record: lenient on reading, minimal on writing."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    def to_body(self) -> dict[str, Any]:
        """The JSON object to POST: only the fields that were set, under Halo's names."""
        return self.model_dump(by_alias=True, exclude_unset=True)


class AddressRecord(HaloRecord):
    """Halo's ``AddressStore``."""

    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    line4: str | None = None
    postcode: str | None = None


class ClientRecord(HaloRecord):
    """``/api/Client`` (schema ``Area``)."""

    id: int | None = None
    name: str | None = None
    inactive: bool | None = None
    accountsid: str | None = None
    accountsemailaddress: str | None = None
    accountsfirstname: str | None = None
    accountslastname: str | None = None
    main_phonenumber: str | None = None
    main_invoice_address: AddressRecord | None = None
    main_site_id: int | None = None
    tax_number: str | None = None
    paymentterms: int | None = None
    alastupdate: HaloDateTime = None


class SiteRecord(HaloRecord):
    """``/api/Site``; Halo's schema types ``client_id`` as a double."""

    id: int | None = None
    name: str | None = None
    client_id: Decimal | None = None
    client_name: str | None = None
    inactive: bool | None = None
    accountsid: str | None = None
    invoice_address: AddressRecord | None = None
    isinvoicesite: bool | None = None
    phonenumber: str | None = None


class ItemRecord(HaloRecord):
    """``/api/Item``; ``taxcode`` is the id of a Halo Tax record."""

    id: int | None = None
    name: str | None = None
    description: str | None = None
    type: int | None = None
    baseprice: Decimal | None = None
    costprice: Decimal | None = None
    taxcode: int | None = None
    accountsid: str | None = None
    nominalcode: str | None = None
    dont_track_stock: bool | None = None
    status: int | None = None
    lastmodified: HaloDateTime = None


class TaxRecord(HaloRecord):
    """``/api/Tax``; ``value`` is the rate as a percentage."""

    id: int | None = None
    name: str | None = None
    code: str | None = None
    value: Decimal | None = None
    third_party_id: str | None = None
    is_composite: bool | None = None


class InvoiceLineRecord(HaloRecord):
    """An invoice line (``InvoiceDetail``)."""

    id: int | None = None
    item_id: int | None = Field(default=None, alias="_itemid")
    item_code: str | None = None
    item_shortdescription: str | None = None
    qty_order: Decimal | None = None
    unit_price: Decimal | None = None
    item_tax_code: int | None = None
    tax_code: str | None = None
    tax_rate: Decimal | None = None
    net_amount: Decimal | None = None
    tax_amount: Decimal | None = None
    nominal_code: str | None = None


class InvoiceRecord(HaloRecord):
    """``/api/Invoice`` (``InvoiceHeader``); credit notes are invoices with a negative total."""

    id: int | None = None
    invoicenumber: str | None = None
    client_id: int | None = None
    client_name: str | None = None
    sitenumber: int | None = None
    invoice_date: HaloDateTime = None
    duedate: HaloDateTime = None
    lines: list[InvoiceLineRecord] | None = None
    total: Decimal | None = None
    tax_total: Decimal | None = None
    amountpaid: Decimal | None = None
    amountdue: Decimal | None = None
    paymentstatus: int | None = None
    posted: bool | None = None
    dateposted: HaloDateTime = None
    accountsid: str | None = None
    thirdpartyinvoicenumber: str | None = None
    voided: bool | None = None
    requires_approval: bool | None = None
    creditlinkedtoinvoiceid: int | None = None
    last_modified: HaloDateTime = None
    validate_only: bool | None = Field(default=None, alias="_validateonly")


class InvoicePaymentRecord(HaloRecord):
    """``/api/InvoicePayment``; ``thirdpartyid`` carries the books' payment id."""

    id: int | None = None
    invoice_id: int | None = None
    client_id: int | None = None
    date: HaloDateTime = None
    amount: Decimal | None = None
    method: int | None = None
    thirdpartyid: str | None = None
    sage50_reference: str | None = None


class SupplierRecord(HaloRecord):
    """``/api/Supplier`` (schema ``Company``); ``address`` is one string."""

    id: int | None = None
    name: str | None = None
    inactive: bool | None = None
    accounts_id: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    contact_name: str | None = None
    address: str | None = None


class PurchaseOrderLineRecord(HaloRecord):
    """A purchase order line (``SupplierOrderDetail``); Halo's schema omits the quantity."""

    id: int | None = None
    item_id: int | None = None
    item_code: str | None = None
    name: str | None = None
    quantity: Decimal | None = None
    baseprice: Decimal | None = None
    net_total: Decimal | None = None
    accounts_code: str | None = None


class PurchaseOrderRecord(HaloRecord):
    """``/api/PurchaseOrder`` (``SupplierOrderHeader``)."""

    id: int | None = None
    po_ref: str | None = None
    supplier_id: int | None = None
    supplier_name: str | None = None
    date: HaloDateTime = None
    duedate: HaloDateTime = None
    total: Decimal | None = None
    accounts_ref: str | None = None
    lines: list[PurchaseOrderLineRecord] | None = None
    validate_only: bool | None = Field(default=None, alias="_validateonly")


class IntegrationErrorRecord(HaloRecord):
    """``/api/IntegrationError``: a sync failure reported into Halo."""

    id: int | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    entity_name: str | None = None
    endpoint: str | None = None
    error: str | None = None
    date: HaloDateTime = None


R = TypeVar("R", bound=HaloRecord)


@dataclass(frozen=True, slots=True)
class Resource(Generic[R]):
    """A Halo endpoint: its URL name, the key of its list envelope, and its record type."""

    name: str
    list_key: str
    model: type[R]
    noun: str  # for messages: "customer", "invoice", ...
    pageable: bool = True


CLIENT = Resource("Client", "clients", ClientRecord, "customer")
SITE = Resource("Site", "sites", SiteRecord, "site")
ITEM = Resource("Item", "items", ItemRecord, "item")
TAX = Resource("Tax", "taxes", TaxRecord, "tax rate", pageable=False)
INVOICE = Resource("Invoice", "invoices", InvoiceRecord, "invoice")
INVOICE_PAYMENT = Resource("InvoicePayment", "invoicepayments", InvoicePaymentRecord, "payment")
SUPPLIER = Resource("Supplier", "suppliers", SupplierRecord, "supplier")
PURCHASE_ORDER = Resource("PurchaseOrder", "purchaseorders", PurchaseOrderRecord, "purchase order")
INTEGRATION_ERROR = Resource("IntegrationError", "integrationerrors", IntegrationErrorRecord, "integration error")

RESOURCES: tuple[Resource[Any], ...] = (
    CLIENT,
    SITE,
    ITEM,
    TAX,
    INVOICE,
    INVOICE_PAYMENT,
    SUPPLIER,
    PURCHASE_ORDER,
    INTEGRATION_ERROR,
)
