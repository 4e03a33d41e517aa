"""TxnVoid for invoices and credit memos (Intuit's TxnVoid reference; research §2.1).

Voiding keeps the transaction but sets its amounts to zero, and QuickBooks marks the memo
``VOID:``. What a payment had applied to a voided invoice becomes unused on that payment, as
when the invoice is deleted. An unknown id, or one of another type than ``TxnVoidType`` says,
is 3120; a transaction dated on or before the closing date is 3171; a record another user has
open is 3170 (the in-use knob, as for every write). Voiding a voided transaction changes nothing.
"""

from __future__ import annotations

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.lists import touch
from halo_accounts.simulators.quickbooks.payments import unlink_invoice
from halo_accounts.simulators.quickbooks.registry import Outcome, clone, handles
from halo_accounts.simulators.quickbooks.render import Record, field_elements
from halo_accounts.simulators.quickbooks.transactions import check_closing_date

__all__ = ["VOID_MEMO", "void_txn"]

VOID_MEMO = "VOID:"
_VOIDABLE = {"Invoice": "InvoiceLineRet", "CreditMemo": "CreditMemoLineRet"}
_ZERO_HEADER = {
    "Invoice": ("Subtotal", "SalesTaxTotal", "AppliedAmount", "BalanceRemaining"),
    "CreditMemo": ("Subtotal", "SalesTaxTotal", "TotalAmount", "CreditRemaining"),
}
_RESULT = ("TxnVoidType", "TxnID", "TimeCreated", "TimeModified", "RefNumber")


@handles("TxnVoidRq")
def void_txn(ctx: Context, rq: etree._Element) -> Outcome:
    """TxnVoid."""
    kind = rq.findtext("TxnVoidType") or ""
    txn_id = rq.findtext("TxnID") or ""
    current = ctx.state.get(kind, txn_id) if kind in _VOIDABLE else None
    if current is None:
        raise StatusError(3120, status_message(3120, txn_id))
    if not is_voided(current):
        check_closing_date(ctx, kind, current.get("TxnDate"))
        if kind == "Invoice":
            unlink_invoice(ctx, current)
            current = ctx.state.get(kind, txn_id) or current
        record: Record = clone(current)
        _zero(kind, record)
        touch(ctx, record)
        ctx.state.put(kind, record)
        current = record
    return Outcome(field_elements({**current, "TxnVoidType": kind}, _RESULT))


def is_voided(record: Record) -> bool:
    """What QuickBooks shows of a void: the memo's mark."""
    return str(record.get("Memo") or "").startswith(VOID_MEMO)


def _zero(kind: str, record: Record) -> None:
    for line in record.get(_VOIDABLE[kind]) or []:
        for field in ("Amount", "TaxAmount", "_tax"):
            if field in line:
                line[field] = "0.00"
        if "Quantity" in line:
            line["Quantity"] = "0"
    for field in _ZERO_HEADER[kind]:
        if field in record:
            record[field] = "0.00"
    if kind == "Invoice":
        record["IsPaid"] = "true"
        record.pop("LinkedTxn", None)
    memo = str(record.get("Memo") or "")
    record["Memo"] = f"{VOID_MEMO} {memo}" if memo else VOID_MEMO
