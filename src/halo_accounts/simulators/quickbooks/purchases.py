"""PurchaseOrderAdd: a vendor, lines priced from the item's purchase cost, and a total.

QuickBooks requires a vendor on a purchase order even though the XSD marks ``VendorRef``
optional, so a PO without one is status 3150. Line ``Desc`` and ``Rate`` default to the
item's purchase description and cost; ``Amount`` = ``Quantity × Rate`` unless sent. The
total adds any tax amounts sent on the lines (the Australian ``TaxAmount``).
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.fields import copy_fields, resolve_ref
from halo_accounts.simulators.quickbooks.present import ret_element
from halo_accounts.simulators.quickbooks.registry import Outcome, handles
from halo_accounts.simulators.quickbooks.render import Record
from halo_accounts.simulators.quickbooks.sales import resolve_item
from halo_accounts.simulators.quickbooks.transactions import (
    check_closing_date,
    next_ref_number,
    stamp_new_txn,
    terms_due_date,
)
from halo_accounts.simulators.quickbooks.xmlio import fmt_amount, fmt_price, parse_decimal

__all__ = ["add_purchase_order"]

_ZERO = Decimal(0)


def _purchase_info(item: Record | None, field: str) -> str | None:
    if item is None:
        return None
    if field in item:
        return str(item[field])
    both = item.get("SalesAndPurchase") or {}
    single = item.get("SalesOrPurchase") or {}
    if field == "PurchaseDesc":
        return both.get("PurchaseDesc") or single.get("Desc")
    return both.get("PurchaseCost") or single.get("Price")


def _line(ctx: Context, element: etree._Element) -> Record:
    line: Record = {"TxnLineID": ctx.state.new_txn_id(ctx.unix)}
    copy_fields(ctx, element, line, "PurchaseOrder")
    item = resolve_item(ctx, line)
    description = _purchase_info(item, "PurchaseDesc")
    if description and "Desc" not in line:
        line["Desc"] = description
    quantity = parse_decimal(line.get("Quantity"))
    rate = parse_decimal(line.get("Rate"))
    if rate is None and "Amount" not in line:
        rate = parse_decimal(_purchase_info(item, "PurchaseCost"))
        if rate is not None:
            line["Rate"] = fmt_price(rate)
    if "Amount" not in line and rate is not None:
        line["Amount"] = fmt_amount((quantity if quantity is not None else Decimal(1)) * rate)
    line.update({"ReceivedQuantity": "0", "IsBilled": "false", "IsManuallyClosed": "false"})
    if quantity is not None:
        line["UnbilledQuantity"] = line.get("Quantity", "0")
    return line


@handles("PurchaseOrderAddRq")
def add_purchase_order(ctx: Context, rq: etree._Element) -> Outcome:
    """PurchaseOrderAdd."""
    element = rq.find("PurchaseOrderAdd")
    assert element is not None  # noqa: S101 - shape checked by the processor
    header: Record = {}
    copy_fields(ctx, element, header, "PurchaseOrder", skip={"PurchaseOrderLineAdd", "PurchaseOrderLineGroupAdd"})
    vendor_ref = element.find("VendorRef")
    if vendor_ref is None:
        raise StatusError(3150, status_message(3150, "VendorRef"))
    _, vendor = resolve_ref(ctx, vendor_ref, "PurchaseOrder")
    header.setdefault("TxnDate", ctx.today.isoformat())
    check_closing_date(ctx, "PurchaseOrder", header["TxnDate"])
    if "VendorAddress" not in header and vendor.get("VendorAddress"):
        header["VendorAddress"] = dict(vendor["VendorAddress"])
    if "TermsRef" not in header and vendor.get("TermsRef"):
        header["TermsRef"] = dict(vendor["TermsRef"])
    header.setdefault("DueDate", terms_due_date(ctx, header))
    header.setdefault("RefNumber", next_ref_number(ctx, "PurchaseOrder"))
    lines = [_line(ctx, line) for line in element.findall("PurchaseOrderLineAdd")]
    total = sum((parse_decimal(line.get("Amount")) or _ZERO for line in lines), _ZERO)
    total += sum((parse_decimal(line.get("TaxAmount")) or _ZERO for line in lines), _ZERO)
    header["TotalAmount"] = fmt_amount(total)
    header.update({"IsManuallyClosed": "false", "IsFullyReceived": "false"})
    header.setdefault("IsToBePrinted", "false")
    header.setdefault("IsToBeEmailed", "false")
    header["PurchaseOrderLineRet"] = lines
    stamp_new_txn(ctx, "PurchaseOrder", header)
    ctx.state.put("PurchaseOrder", header)
    return Outcome([ret_element(ctx, "PurchaseOrder", header)])
