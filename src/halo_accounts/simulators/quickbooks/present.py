"""From stored record to what a query returns: live figures, fresh names and optional parts.

Some ``*Ret`` values are not stored but read from the rest of the company when asked:
a customer's ``Balance``/``TotalBalance`` (its open invoices less credits and unapplied
payments, jobs included in the total), the invoice ``BalanceRemaining`` a payment's
``AppliedToTxnRet`` shows, and every ref's ``FullName`` (a renamed customer shows its new
name on old invoices). Transaction lines are returned only with ``IncludeLineItems`` and
linked transactions only with ``IncludeLinkedTxns``, as in QuickBooks (research §2.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.model import State
from halo_accounts.simulators.quickbooks.render import Record, render_ret
from halo_accounts.simulators.quickbooks.xmlio import fmt_amount, parse_bool

__all__ = ["QueryOptions", "balance_of", "present", "ret_element"]

_LINES = {"Invoice": "InvoiceLineRet", "CreditMemo": "CreditMemoLineRet", "PurchaseOrder": "PurchaseOrderLineRet"}
_ZERO = Decimal(0)


@dataclass(frozen=True)
class QueryOptions:
    """What a request asked to see."""

    include_lines: bool = True
    include_linked: bool = False
    include: frozenset[str] | None = None

    @classmethod
    def of(cls, rq: etree._Element, *, lines_default: bool) -> QueryOptions:
        """Read ``IncludeLineItems``, ``IncludeLinkedTxns`` and ``IncludeRetElement``."""
        lines = rq.findtext("IncludeLineItems")
        include = frozenset(el.text or "" for el in rq.findall("IncludeRetElement"))
        return cls(
            include_lines=parse_bool(lines) if lines is not None else lines_default,
            include_linked=parse_bool(rq.findtext("IncludeLinkedTxns")),
            include=include or None,
        )


def balance_of(state: State, customer_id: str) -> Decimal:
    """What one customer (not its jobs) owes: open invoices less open credits and unused payments."""
    total = _ZERO
    for kind, txn in state.txns_of(customer_id):
        if kind == "Invoice":
            total += Decimal(txn.get("BalanceRemaining") or "0")
        elif kind == "CreditMemo":
            total -= Decimal(txn.get("CreditRemaining") or "0")
        elif kind == "ReceivePayment":
            total -= Decimal(txn.get("UnusedPayment") or "0")
    return total


def _total_balance(state: State, customer_id: str) -> Decimal:
    total = balance_of(state, customer_id)
    for child in state.child_ids(customer_id):
        total += _total_balance(state, child)
    return total


def _fresh(state: State, value: Any) -> Any:
    """Refs re-read their FullName from the record they point at; ``_`` keys are dropped."""
    kind = type(value)
    if kind is dict:
        list_id = value.get("ListID")
        if list_id is not None and len(value) == 2 and "FullName" in value:
            target_kind = state.kind_of.get(list_id)
            target = state.records[target_kind].get(list_id) if target_kind else None
            if target is not None:
                return {"ListID": list_id, "FullName": target.get("FullName") or target.get("Name")}
            return value
        return {
            key: (item if type(item) is str else _fresh(state, item)) for key, item in value.items() if key[0] != "_"
        }
    if kind is list:
        return [_fresh(state, item) for item in value]
    return value


def present(ctx: Context, kind: str, record: Record, options: QueryOptions) -> Record:
    """The record as a query (or an add/mod response) returns it."""
    state = ctx.state
    shown: Record = _fresh(state, record)
    if kind == "Customer":
        shown["Balance"] = fmt_amount(balance_of(state, record["ListID"]))
        shown["TotalBalance"] = fmt_amount(_total_balance(state, record["ListID"]))
    elif kind == "ReceivePayment":
        for applied in shown.get("AppliedToTxnRet") or []:
            invoice = state.get("Invoice", applied["TxnID"])
            if invoice is not None:
                applied["BalanceRemaining"] = invoice["BalanceRemaining"]
    lines = _LINES.get(kind)
    if lines and not options.include_lines:
        shown.pop(lines, None)
    if not options.include_linked:
        shown.pop("LinkedTxn", None)
    return shown


def ret_element(ctx: Context, kind: str, record: Record, options: QueryOptions | None = None) -> etree._Element:
    """``<KindRet>`` for one record."""
    chosen = options or QueryOptions()
    return render_ret(f"{kind}Ret", present(ctx, kind, record, chosen), chosen.include)
