"""Invoice, payment and purchase-order arithmetic, in ``Decimal``, as Halo computes it.

Per line: net = qty_order x unit_price rounded to the cent (half up); the tax rate is the
line's ``tax_rate`` if given, else the ``value`` of the Tax record named by
``item_tax_code``, else 0; tax = net x rate / 100 rounded to the cent. Header ``total`` is
the sum of net + tax and ``tax_total`` the sum of tax. A credit note is an invoice whose
lines carry negative quantities, so its totals are negative.

``paymentstatus``: 0 unpaid, 1 part paid, 2 paid (nothing left due). The enum values are
not documented by Halo (research §6.3); these are the project's convention.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from halo_accounts.domain.money import ZERO, quantize_cents

__all__ = [
    "PAID",
    "PART_PAID",
    "UNPAID",
    "compute_invoice",
    "compute_invoice_line",
    "compute_purchase_order",
    "is_credit",
    "settle_invoice",
]

UNPAID = 0
PART_PAID = 1
PAID = 2

Record = dict[str, Any]
_HUNDRED = Decimal(100)


def _dec(value: object, default: Decimal = ZERO) -> Decimal:
    if value is None:
        return default
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def compute_invoice_line(line: Record, taxes: Mapping[int, Record]) -> None:
    """Fill a line's effective ``tax_rate`` and its ``net_amount``/``tax_amount``/``total_price``.

    The effective rate is stored on the line, so a later change to the Tax record does not
    rewrite an issued invoice.
    """
    quantity = _dec(line.get("qty_order"), Decimal(1))
    unit_price = _dec(line.get("unit_price"))
    line["qty_order"] = quantity
    line["unit_price"] = unit_price
    tax = taxes.get(line["item_tax_code"]) if line.get("item_tax_code") is not None else None
    if line.get("tax_rate") is not None:
        rate = _dec(line["tax_rate"])
    elif tax is not None:
        rate = _dec(tax.get("value"))
    else:
        rate = ZERO
    if tax is not None and line.get("tax_name") is None:
        line["tax_name"] = tax.get("name")
    net = quantize_cents(quantity * unit_price)
    tax_amount = quantize_cents(net * rate / _HUNDRED)
    line["tax_rate"] = rate
    line["net_amount"] = net
    line["tax_amount"] = tax_amount
    line["total_price"] = net + tax_amount


def compute_invoice(invoice: Record, taxes: Mapping[int, Record]) -> None:
    """Recompute every line and the header ``total``/``tax_total``."""
    lines: list[Record] = invoice.get("lines") or []
    for line in lines:
        compute_invoice_line(line, taxes)
    invoice["tax_total"] = sum((line["tax_amount"] for line in lines), ZERO)
    invoice["total"] = sum((line["total_price"] for line in lines), ZERO)


def is_credit(invoice: Mapping[str, Any]) -> bool:
    """A credit note is an invoice with a negative total."""
    return _dec(invoice.get("total")) < ZERO


def settle_invoice(invoice: Record, payments: Iterable[Mapping[str, Any]]) -> None:
    """Set ``amountpaid``, ``amountdue``, ``paymentstatus`` and ``datepaid`` from payments."""
    mine = list(payments)
    paid = sum((_dec(payment.get("amount")) for payment in mine), ZERO)
    due = _dec(invoice.get("total")) - paid
    invoice["amountpaid"] = paid
    invoice["amountdue"] = due
    if due <= ZERO:
        invoice["paymentstatus"] = PAID
    elif paid != ZERO:
        invoice["paymentstatus"] = PART_PAID
    else:
        invoice["paymentstatus"] = UNPAID
    dates = [payment["date"] for payment in mine if payment.get("date") is not None]
    invoice["datepaid"] = max(dates) if invoice["paymentstatus"] == PAID and dates else None


def compute_purchase_order(order: Record) -> None:
    """Fill PO line totals and the header ``price``/``tax_total``/``total``.

    Halo's ``SupplierOrderDetail`` has no quantity field, so ``net_total`` carries the line
    amount; when absent it defaults to ``baseprice`` (a quantity of one).
    """
    lines: list[Record] = order.get("lines") or []
    for line in lines:
        net = line.get("net_total")
        line["net_total"] = _dec(net) if net is not None else _dec(line.get("baseprice"))
        line["total_tax"] = _dec(line.get("total_tax"))
        line["total_price"] = line["net_total"] + line["total_tax"]
    order["price"] = sum((line["net_total"] for line in lines), ZERO)
    order["tax_total"] = sum((line["total_tax"] for line in lines), ZERO)
    order["total"] = order["price"] + order["tax_total"]
