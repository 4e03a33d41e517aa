"""Invoices and credit memos: lines, amounts, tax per edition, balances, and InvoiceMod.

A line's ``Amount`` is ``Quantity × Rate`` rounded to the cent unless an ``Amount`` is sent,
which wins; a missing ``Rate`` and ``Desc`` come from the item, as do the line's sales tax
code. ``InvoiceMod`` follows research §2.1: with no line elements the lines stay; once any
``InvoiceLineMod`` is sent, lines not named are deleted and ``TxnLineID`` -1 adds a line.
Tax is worked out by ``tax`` for the company's edition. A transaction dated on or before the
closing date is refused (3171); so is a customer pushed over its credit limit (3180).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.fields import copy_fields, ref_of, resolve_ref
from halo_accounts.simulators.quickbooks.lists import find_for_mod, touch
from halo_accounts.simulators.quickbooks.present import balance_of, ret_element
from halo_accounts.simulators.quickbooks.registry import Outcome, clone, handles
from halo_accounts.simulators.quickbooks.render import Record
from halo_accounts.simulators.quickbooks.tax import LineTax, Totals, code_rate, item_rate, per_code_totals, us_totals
from halo_accounts.simulators.quickbooks.transactions import (
    check_closing_date,
    default_account,
    next_ref_number,
    stamp_new_txn,
    terms_due_date,
)
from halo_accounts.simulators.quickbooks.xmlio import fmt_amount, fmt_bool, fmt_price, parse_decimal

__all__ = ["build_line", "finish_sale", "resolve_item"]

_LINE_TAGS = {"Invoice": "InvoiceLine", "CreditMemo": "CreditMemoLine"}
_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_SKIP_HEAD = {
    "InvoiceLineAdd", "InvoiceLineGroupAdd", "InvoiceLineMod", "InvoiceLineGroupMod", "CreditMemoLineAdd",
    "CreditMemoLineGroupAdd", "DiscountLineAdd", "SalesTaxLineAdd", "ShippingLineAdd",
}  # fmt: skip


def resolve_item(ctx: Context, line: Record) -> Record | None:
    """The item record a stored line points at."""
    ref = line.get("ItemRef")
    if not ref:
        return None
    kind = ctx.state.kind(ref["ListID"])
    return ctx.state.get(kind, ref["ListID"]) if kind else None


def _item_sales_info(item: Record | None, field: str) -> str | None:
    if item is None:
        return None
    if field in item:
        return str(item[field])
    both = item.get("SalesAndPurchase") or {}
    single = item.get("SalesOrPurchase") or {}
    if field == "SalesDesc":
        return both.get("SalesDesc") or single.get("Desc") or item.get("ItemDesc")
    return both.get("SalesPrice") or single.get("Price")


def build_line(ctx: Context, element: etree._Element, kind: str, existing: Record | None) -> Record:
    """A stored line from a ``*LineAdd``/``*LineMod`` (merged into ``existing`` for a mod)."""
    line: Record = clone(existing) if existing else {}
    copy_fields(ctx, element, line, kind, skip={"TxnLineID", "TaxAmount"})
    if existing is None:
        line["TxnLineID"] = ctx.state.new_txn_id(ctx.unix)
    item = resolve_item(ctx, line)
    if existing is None and item is not None:
        description = _item_sales_info(item, "SalesDesc")
        if description and "Desc" not in line:
            line["Desc"] = description
        if "SalesTaxCodeRef" not in line and item.get("SalesTaxCodeRef"):
            line["SalesTaxCodeRef"] = dict(item["SalesTaxCodeRef"])
    quantity = parse_decimal(line.get("Quantity"))
    rate = parse_decimal(line.get("Rate"))
    amount_sent = parse_decimal(element.findtext("Amount"))
    if rate is None and "RatePercent" not in line and amount_sent is None and existing is None:
        rate = parse_decimal(_item_sales_info(item, "SalesPrice"))
        if rate is not None:
            line["Rate"] = fmt_price(rate)
    if amount_sent is not None:
        if rate is None and quantity:
            line["Rate"] = fmt_price(amount_sent / quantity)
    elif rate is not None and (
        existing is None or element.find("Quantity") is not None or element.find("Rate") is not None
    ):
        line["Amount"] = fmt_amount((quantity if quantity is not None else Decimal(1)) * rate)
    tax_sent = parse_decimal(element.findtext("TaxAmount"))
    if tax_sent is not None:
        line["_tax_sent"] = fmt_amount(tax_sent)
    return line


def _code(ctx: Context, ref: Record | None) -> Record | None:
    return ctx.state.get("SalesTaxCode", ref["ListID"]) if ref else None


def _totals(ctx: Context, header: Record, lines: list[Record]) -> Totals:
    amounts = [parse_decimal(line.get("Amount")) or _ZERO for line in lines]
    codes = [_code(ctx, line.get("SalesTaxCodeRef")) for line in lines]
    if not ctx.profile.uses_rate_per_code:
        customer_code = _code(ctx, header.get("CustomerSalesTaxCodeRef"))
        customer_taxable = customer_code is None or customer_code.get("IsTaxable") != "false"
        rate = item_rate(ctx.state, header.get("ItemSalesTaxRef"))
        inputs = [
            LineTax(amount, customer_taxable and code is not None and code.get("IsTaxable") == "true")
            for amount, code in zip(amounts, codes, strict=True)
        ]
        header["SalesTaxPercentage"] = fmt_price(rate or _ZERO)
        return us_totals(inputs, rate)
    included = header.get("IsTaxIncluded") == "true"
    inputs = [
        LineTax(
            amount,
            code is not None and code.get("IsTaxable") == "true",
            code_rate(ctx.state, code),
            parse_decimal(line.get("_tax_sent")),
        )
        for amount, code, line in zip(amounts, codes, lines, strict=True)
    ]
    totals = per_code_totals(inputs, included=included)
    for line, tax in zip(lines, totals.line_taxes, strict=True):
        if ctx.profile.code == "AU":
            line["TaxAmount"] = fmt_amount(tax)
        else:
            line["_tax"] = fmt_amount(tax)
    return totals


def finish_sale(ctx: Context, kind: str, header: Record, lines: list[Record]) -> Decimal:
    """Fill tax and totals on a sales form; return what it is worth (Subtotal + tax)."""
    header[f"{_LINE_TAGS[kind]}Ret"] = lines
    totals = _totals(ctx, header, lines)
    header["Subtotal"] = fmt_amount(totals.subtotal)
    header["SalesTaxTotal"] = fmt_amount(totals.tax_total)
    return totals.total


def _defaults(ctx: Context, kind: str, header: Record, customer: Record) -> None:
    header.setdefault("TxnDate", ctx.today.isoformat())
    if "ARAccountRef" not in header:
        account = default_account(ctx, "AccountsReceivable")
        if account is not None:
            header["ARAccountRef"] = ref_of(account)
    for name in ("TermsRef", "BillAddress", "ShipAddress"):
        if name not in header and customer.get(name):
            header[name] = clone(customer[name])
    if "CustomerSalesTaxCodeRef" not in header and customer.get("SalesTaxCodeRef"):
        header["CustomerSalesTaxCodeRef"] = dict(customer["SalesTaxCodeRef"])
    if not ctx.profile.uses_rate_per_code and "ItemSalesTaxRef" not in header:
        source = customer.get("ItemSalesTaxRef")
        default_name = ctx.prefs.get("default_item_sales_tax")
        if source is None and default_name:
            found = ctx.state.by_name("ItemSalesTax", str(default_name)) or ctx.state.by_name(
                "ItemSalesTaxGroup", str(default_name)
            )
            source = ref_of(found) if found else None
        if source:
            header["ItemSalesTaxRef"] = dict(source)
    if ctx.profile.uses_rate_per_code and "IsTaxIncluded" not in header:
        header["IsTaxIncluded"] = fmt_bool(bool(ctx.prefs.get("amounts_include_tax")))
    due = terms_due_date(ctx, header)
    if due is not None and "DueDate" not in header:
        header["DueDate"] = due
    for flag in ("IsPending", "IsToBePrinted", "IsToBeEmailed"):
        header.setdefault(flag, "false")
    if kind == "Invoice":
        header.setdefault("IsFinanceCharge", "false")
        if "RefNumber" not in header:
            header["RefNumber"] = next_ref_number(ctx, kind)


def _check_credit_limit(ctx: Context, customer: Record, before: Decimal, after: Decimal) -> None:
    limit = parse_decimal(customer.get("CreditLimit"))
    if limit is None or after <= before:
        return
    owed = balance_of(ctx.state, customer["ListID"]) - before + after
    if owed > limit:
        message = f"This transaction would put {customer['FullName']} over the credit limit of {fmt_amount(limit)}."
        raise StatusError(3180, status_message(3180, "Invoice", message))


def _settle(header: Record, total: Decimal) -> None:
    applied = parse_decimal(header.get("AppliedAmount")) or _ZERO  # negative, as QuickBooks shows it
    balance = (total + applied).quantize(_CENT, rounding=ROUND_HALF_UP)
    header["AppliedAmount"] = fmt_amount(applied)
    header["BalanceRemaining"] = fmt_amount(balance)
    header["IsPaid"] = fmt_bool(balance <= 0)


@handles("InvoiceAddRq", "CreditMemoAddRq")
def add_sale(ctx: Context, rq: etree._Element) -> Outcome:
    """InvoiceAdd and CreditMemoAdd."""
    kind = str(rq.tag).removesuffix("AddRq")
    element = rq.find(f"{kind}Add")
    assert element is not None  # noqa: S101 - shape checked by the processor
    header: Record = {}
    copy_fields(ctx, element, header, kind, skip=_SKIP_HEAD)
    customer_ref = element.find("CustomerRef")
    if customer_ref is None:
        raise StatusError(3150, status_message(3150, "CustomerRef"))
    _, customer = resolve_ref(ctx, customer_ref, kind)
    _defaults(ctx, kind, header, customer)
    check_closing_date(ctx, kind, header["TxnDate"])
    group = element.find(f"{_LINE_TAGS[kind]}GroupAdd/ItemGroupRef")
    if group is not None:  # item groups are not simulated, so no group can be found
        resolve_ref(ctx, group, kind, ("ItemGroup",))
    lines = [build_line(ctx, line, kind, None) for line in element.findall(f"{_LINE_TAGS[kind]}Add")]
    total = finish_sale(ctx, kind, header, lines)
    if kind == "Invoice":
        _check_credit_limit(ctx, customer, _ZERO, total)
        _settle(header, total)
    else:
        header["TotalAmount"] = header["CreditRemaining"] = fmt_amount(total)
    stamp_new_txn(ctx, kind, header)
    ctx.state.put(kind, header)
    return Outcome([ret_element(ctx, kind, header)])


@handles("InvoiceModRq")
def mod_invoice(ctx: Context, rq: etree._Element) -> Outcome:
    """InvoiceMod: header merge, then the line rule of research §2.1."""
    element = rq.find("InvoiceMod")
    assert element is not None  # noqa: S101 - shape checked by the processor
    current = find_for_mod(ctx, "Invoice", element, "TxnID")
    check_closing_date(ctx, "Invoice", current["TxnDate"])
    header: Record = clone(current)
    copy_fields(ctx, element, header, "Invoice", skip=_SKIP_HEAD)
    check_closing_date(ctx, "Invoice", header["TxnDate"])
    customer = ctx.state.get("Customer", header["CustomerRef"]["ListID"])
    assert customer is not None  # noqa: S101 - refs are resolved when stored
    mods = element.findall("InvoiceLineMod")
    lines: list[Record] = header.get("InvoiceLineRet") or []
    if mods:
        by_id = {line["TxnLineID"]: line for line in lines}
        lines = []
        for mod in mods:
            line_id = mod.findtext("TxnLineID") or ""
            existing = None if line_id == "-1" else by_id.get(line_id)
            if line_id != "-1" and existing is None:
                raise StatusError(3120, status_message(3120, line_id))
            lines.append(build_line(ctx, mod, "Invoice", existing))
    before = Decimal(current["Subtotal"]) + Decimal(current["SalesTaxTotal"])
    total = finish_sale(ctx, "Invoice", header, lines)
    _check_credit_limit(ctx, customer, before, total)
    _settle(header, total)
    touch(ctx, header)
    ctx.state.put("Invoice", header)
    return Outcome([ret_element(ctx, "Invoice", header)])
