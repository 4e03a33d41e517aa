"""Halo records to domain records (and back for write-backs): one small function per record type."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict
from decimal import Decimal

from halo_accounts.connectors.halo.resources import (
    AddressRecord,
    ClientRecord,
    InvoiceRecord,
    ItemRecord,
    PurchaseOrderRecord,
    SupplierRecord,
    TaxRecord,
)
from halo_accounts.domain import (
    Address,
    Customer,
    Invoice,
    InvoiceLine,
    Item,
    ItemKind,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    TaxRate,
)
from halo_accounts.domain.money import ZERO

__all__ = [
    "DEFAULT_ITEM_KINDS",
    "content_hash",
    "customer_from_halo",
    "invoice_from_halo",
    "item_from_halo",
    "tax_from_halo",
]

# Halo's Item.type as the project reads it; a mapping per company can override it.
DEFAULT_ITEM_KINDS: Mapping[int, ItemKind] = {0: ItemKind.SERVICE, 1: ItemKind.NON_INVENTORY, 2: ItemKind.INVENTORY}


def _text(value: str | None) -> str:
    return (value or "").strip()


def _address(record: AddressRecord | None) -> Address:
    if record is None:
        return Address()
    lines = tuple(
        line for line in (_text(record.line1), _text(record.line2), _text(record.line3), _text(record.line4)) if line
    )
    return Address(lines=lines, postcode=_text(record.postcode))


def customer_from_halo(record: ClientRecord) -> Customer:
    """A Halo client as a customer."""
    return Customer(
        halo_id=record.id or 0,
        name=_text(record.name),
        accounts_ref=_text(record.accountsid),
        email=_text(record.accountsemailaddress),
        contact_first_name=_text(record.accountsfirstname),
        contact_last_name=_text(record.accountslastname),
        phone=_text(record.main_phonenumber),
        tax_number=_text(record.tax_number),
        billing_address=_address(record.main_invoice_address),
        payment_terms_days=record.paymentterms,
        inactive=bool(record.inactive),
        modified_at=record.alastupdate,
    )


def item_from_halo(record: ItemRecord, kinds: Mapping[int, ItemKind] = DEFAULT_ITEM_KINDS) -> Item:
    """A Halo item; its type decides service, non-inventory or inventory."""
    return Item(
        halo_id=record.id or 0,
        name=_text(record.name),
        kind=kinds.get(record.type if record.type is not None else 0, ItemKind.SERVICE),
        description=_text(record.description),
        price=record.baseprice or ZERO,
        cost=record.costprice or ZERO,
        tax_halo_id=record.taxcode or None,
        accounts_ref=_text(record.accountsid),
        income_account=_text(record.nominalcode),
        inactive=bool(record.status),
        modified_at=record.lastmodified,
    )


def supplier_from_halo(record: SupplierRecord) -> Supplier:
    """A Halo supplier; its address is one free-text field, split into lines."""
    lines = tuple(part.strip() for part in re.split(r"[\r\n,]+", record.address or "") if part.strip())[:5]
    return Supplier(
        halo_id=record.id or 0,
        name=_text(record.name),
        accounts_ref=_text(record.accounts_id),
        email=_text(record.email_address),
        phone=_text(record.phone_number),
        contact_name=_text(record.contact_name),
        address=Address(lines=lines),
        inactive=bool(record.inactive),
    )


def purchase_order_from_halo(record: PurchaseOrderRecord) -> PurchaseOrder:
    """A Halo purchase order; Halo's lines carry a net total and a unit cost, the quantity follows."""
    lines = []
    for line in record.lines or ():
        price = line.baseprice or ZERO
        quantity = line.quantity
        if quantity is None:
            quantity = (line.net_total / price).quantize(Decimal("0.00001")) if price and line.net_total else Decimal(1)
        lines.append(
            PurchaseOrderLine(
                description=_text(line.name),
                quantity=quantity,
                unit_price=price,
                item_halo_id=line.item_id or None,
                item_code=_text(line.item_code),
                account_code=_text(line.accounts_code),
            )
        )
    return PurchaseOrder(
        halo_id=record.id or 0,
        number=_text(record.po_ref) or str(record.id),
        supplier_halo_id=record.supplier_id or 0,
        order_date=record.date.date() if record.date else None,
        lines=tuple(lines),
        total=record.total or ZERO,
        due_date=record.duedate.date() if record.duedate else None,
        accounts_ref=_text(record.accounts_ref),
    )


def tax_from_halo(record: TaxRecord) -> TaxRate:
    """A Halo tax rate."""
    return TaxRate(
        halo_id=record.id or 0,
        name=_text(record.name),
        rate=record.value if record.value is not None else ZERO,
        code=_text(record.code),
        external_id=_text(record.third_party_id),
    )


def invoice_from_halo(record: InvoiceRecord) -> Invoice:
    """A Halo invoice or credit note with its lines."""
    lines = tuple(
        InvoiceLine(
            quantity=line.qty_order if line.qty_order is not None else Decimal(1),
            unit_price=line.unit_price if line.unit_price is not None else ZERO,
            description=_text(line.item_shortdescription),
            halo_id=line.id,
            item_halo_id=line.item_id or None,
            item_code=_text(line.item_code),
            tax_halo_id=line.item_tax_code or None,
            tax_code=_text(line.tax_code),
            tax_rate=line.tax_rate,
            net_amount=line.net_amount,
            tax_amount=line.tax_amount,
            nominal_code=_text(line.nominal_code),
        )
        for line in record.lines or ()
    )
    return Invoice(
        halo_id=record.id or 0,
        number=_text(record.invoicenumber) or str(record.id),
        customer_halo_id=record.client_id or 0,
        invoice_date=record.invoice_date.date() if record.invoice_date else None,
        due_date=record.duedate.date() if record.duedate else None,
        lines=lines,
        total=record.total if record.total is not None else ZERO,
        tax_total=record.tax_total or ZERO,
        site_halo_id=record.sitenumber,
        accounts_ref=_text(record.accountsid),
        books_number=_text(record.thirdpartyinvoicenumber),
        posted=bool(record.posted),
        voided=bool(record.voided),
        awaiting_approval=bool(record.requires_approval),
        credit_of_halo_id=record.creditlinkedtoinvoiceid,
        amount_paid=record.amountpaid or ZERO,
        amount_due=record.amountdue or ZERO,
        modified_at=record.last_modified,
    )


def content_hash(record: object, *, ignore: tuple[str, ...] = ()) -> str:
    """A stable hash of what the books care about; fields the sync writes back are ignored (no echo)."""
    data = {key: value for key, value in asdict(record).items() if key not in ignore}  # type: ignore[call-overload]
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
