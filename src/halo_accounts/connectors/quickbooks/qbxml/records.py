"""From the integrator's records to qbXML request values, and the queries the sync reads with.

These functions decide *what* is sent; ``build`` decides how (order, edition, lengths). The
caller resolves references first (the customer's ListID, each item's ListID, the tax code
mapped to each Halo tax rate) and passes them in, so nothing here looks anything up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from halo_accounts.connectors.quickbooks.qbxml.build import Ref, Request
from halo_accounts.domain import Address, Customer, Invoice, Item, ItemKind, PurchaseOrder, Supplier

__all__ = [
    "ItemAccounts",
    "LineRefs",
    "customer_values",
    "invoice_request",
    "item_request",
    "list_query",
    "purchase_order_request",
    "txn_query",
    "vendor_values",
]

_ITEM_REQUEST = {
    ItemKind.SERVICE: "ItemService",
    ItemKind.NON_INVENTORY: "ItemNonInventory",
    ItemKind.INVENTORY: "ItemInventory",
}


def _address(address: Address) -> dict[str, str] | None:
    if address.is_empty:
        return None
    values = {f"Addr{i}": line for i, line in enumerate(address.lines[:5], start=1) if line}
    if address.postcode:
        values["PostalCode"] = address.postcode
    return values


def _blank_to_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "")}


def customer_values(customer: Customer, *, tax_code: Ref | None = None, terms: Ref | None = None) -> dict[str, Any]:
    """The body of a CustomerAdd (or, with ListID and EditSequence added, a CustomerMod)."""
    return _blank_to_none(
        {
            "Name": customer.name,
            "IsActive": not customer.inactive,
            "CompanyName": customer.name,
            "FirstName": customer.contact_first_name,
            "LastName": customer.contact_last_name,
            "BillAddress": _address(customer.billing_address),
            "Phone": customer.phone,
            "Email": customer.email,
            "TermsRef": terms,
            "SalesTaxCodeRef": tax_code,
            "AccountNumber": customer.accounts_ref,
            "TaxRegistrationNumber": customer.tax_number,
        }
    )


def vendor_values(supplier: Supplier, *, terms: Ref | None = None) -> dict[str, Any]:
    """The body of a VendorAdd (or VendorMod)."""
    return _blank_to_none(
        {
            "Name": supplier.name,
            "IsActive": not supplier.inactive,
            "CompanyName": supplier.name,
            "VendorAddress": _address(supplier.address),
            "Phone": supplier.phone,
            "Email": supplier.email,
            "Contact": supplier.contact_name,
            "AccountNumber": supplier.accounts_ref,
            "TermsRef": terms,
        }
    )


@dataclass(frozen=True, slots=True)
class ItemAccounts:
    """The accounts an item posts to; inventory items need all three."""

    income: Ref
    cost_of_goods: Ref | None = None
    inventory_asset: Ref | None = None


def item_request(
    item: Item,
    accounts: ItemAccounts,
    *,
    tax_code: Ref | None = None,
    list_id: str | None = None,
    edit_sequence: str | None = None,
    request_id: str | None = None,
) -> Request:
    """ItemService/NonInventory/InventoryAdd, or the matching Mod when ``list_id`` is given."""
    kind = _ITEM_REQUEST[item.kind]
    modify = list_id is not None
    body: dict[str, Any] = {"Name": item.name, "IsActive": not item.inactive, "SalesTaxCodeRef": tax_code}
    if modify:
        body = {"ListID": list_id, "EditSequence": edit_sequence, **body}
    if item.kind is ItemKind.INVENTORY:
        body.update(
            SalesDesc=item.description or item.name,
            SalesPrice=item.price,
            IncomeAccountRef=accounts.income,
            PurchaseCost=item.cost,
            COGSAccountRef=accounts.cost_of_goods,
            AssetAccountRef=None if modify else accounts.inventory_asset,
        )
    else:
        block = "SalesOrPurchaseMod" if modify else "SalesOrPurchase"
        body[block] = {"Desc": item.description or item.name, "Price": item.price, "AccountRef": accounts.income}
    operation = "Mod" if modify else "Add"
    return Request(
        f"{kind}{operation}Rq",
        {f"{kind}{operation}": _blank_to_none(body)},
        request_id=request_id,
        record=f"item '{item.name}'",
    )


@dataclass(frozen=True, slots=True)
class LineRefs:
    """What each invoice line points to in QuickBooks."""

    items: Mapping[int, Ref]  # Halo item id -> item
    tax_codes: Mapping[int, Ref]  # Halo tax id -> sales tax code
    fallback_item: Ref | None = None  # for lines without a Halo item (free text)


def invoice_request(
    invoice: Invoice,
    *,
    customer: Ref,
    lines: LineRefs,
    ref_number: str,
    item_sales_tax: Ref | None = None,
    external_guid: str | None = None,
    request_id: str | None = None,
) -> Request:
    """InvoiceAdd, or CreditMemoAdd for a credit note (QuickBooks wants positive credit lines)."""
    credit = invoice.is_credit
    sign = -1 if credit else 1
    rows = []
    for line in invoice.lines:
        item = lines.items.get(line.item_halo_id) if line.item_halo_id is not None else None
        rows.append(
            _blank_to_none(
                {
                    "ItemRef": item or lines.fallback_item,
                    "Desc": line.description,
                    "Quantity": line.quantity * sign,
                    "Rate": line.unit_price,
                    "TaxAmount": line.tax_amount * sign if line.tax_amount is not None else None,
                    "SalesTaxCodeRef": lines.tax_codes.get(line.tax_halo_id) if line.tax_halo_id is not None else None,
                }
            )
        )
    kind = "CreditMemo" if credit else "Invoice"
    body = _blank_to_none(
        {
            "CustomerRef": customer,
            "TxnDate": invoice.invoice_date,
            "RefNumber": ref_number,
            "PONumber": invoice.reference[:25] if invoice.reference else None,
            "DueDate": None if credit else invoice.due_date,
            "ItemSalesTaxRef": item_sales_tax,
            # Halo's prices are net of tax; say so, whatever the company's preference (not sent to US files).
            "IsTaxIncluded": False,
            "Memo": f"Halo {'credit note' if credit else 'invoice'} {invoice.number}",
            "ExternalGUID": external_guid,
            f"{kind}LineAdd": rows,
        }
    )
    label = "credit note" if credit else "invoice"
    return Request(f"{kind}AddRq", {f"{kind}Add": body}, request_id=request_id, record=f"{label} {invoice.number}")


def purchase_order_request(
    order: PurchaseOrder,
    *,
    vendor: Ref,
    items: Mapping[int, Ref],
    ref_number: str,
    fallback_item: Ref | None = None,
    request_id: str | None = None,
) -> Request:
    """PurchaseOrderAdd for a Halo purchase order."""
    rows = [
        _blank_to_none(
            {
                "ItemRef": items.get(line.item_halo_id) if line.item_halo_id is not None else fallback_item,
                "Desc": line.description,
                "Quantity": line.quantity,
                "Rate": line.unit_price,
            }
        )
        for line in order.lines
    ]
    body = _blank_to_none(
        {
            "VendorRef": vendor,
            "TxnDate": order.order_date,
            "RefNumber": ref_number,
            "DueDate": order.due_date,
            "Memo": f"Halo purchase order {order.number}",
            "PurchaseOrderLineAdd": rows,
        }
    )
    return Request(
        "PurchaseOrderAddRq", {"PurchaseOrderAdd": body}, request_id=request_id, record=f"purchase order {order.number}"
    )


def list_query(
    name: str,
    *,
    list_ids: Sequence[str] = (),
    names: Sequence[str] = (),
    modified_since: datetime | None = None,
    active: str = "All",
    max_returned: int | None = None,
    iterator: str | None = None,
    iterator_id: str | None = None,
    request_id: str | None = None,
) -> Request:
    """A list query: by ids, by names, or by filters (all records, active or not, by default)."""
    if list_ids or names:
        body: dict[str, Any] = {"ListID": list(list_ids)} if list_ids else {"FullName": list(names)}
    else:
        body = _blank_to_none({"MaxReturned": max_returned, "ActiveStatus": active, "FromModifiedDate": modified_since})
    return Request(name, body, request_id=request_id, iterator=iterator, iterator_id=iterator_id)


def _entity_filter(entity: Ref | None) -> dict[str, list[str]] | None:
    if entity is None:
        return None
    if entity.list_id:
        return {"ListID": [entity.list_id]}
    return {"FullName": [entity.full_name]} if entity.full_name else None


def txn_query(
    name: str,
    *,
    txn_ids: Sequence[str] = (),
    ref_numbers: Sequence[str] = (),
    modified_since: datetime | None = None,
    entity: Ref | None = None,
    max_returned: int | None = None,
    include_lines: bool = False,
    paid_status: str | None = None,
    iterator: str | None = None,
    iterator_id: str | None = None,
    request_id: str | None = None,
) -> Request:
    """A transaction query: by TxnID, by RefNumber, or by modified date and customer/vendor."""
    body: dict[str, Any]
    if txn_ids:
        body = {"TxnID": list(txn_ids)}
    elif ref_numbers:
        body = {"RefNumber": list(ref_numbers)}
    else:
        body = _blank_to_none(
            {
                "MaxReturned": max_returned,
                "ModifiedDateRangeFilter": {"FromModifiedDate": modified_since} if modified_since else None,
                "EntityFilter": _entity_filter(entity),
                "PaidStatus": paid_status,
            }
        )
    body["IncludeLineItems"] = include_lines
    return Request(name, body, request_id=request_id, iterator=iterator, iterator_id=iterator_id)
