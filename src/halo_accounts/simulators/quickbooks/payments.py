"""ReceivePaymentAdd: applying a customer's payment to open invoices, and undoing it.

Each ``AppliedToTxnAdd`` pays ``PaymentAmount`` off one invoice; paying more than the
invoice still owes is status 3210 "You cannot pay more than the amount due" (research §2.3).
``IsAutoApply`` pays the customer's open invoices oldest first. The invoices change with it:
``AppliedAmount`` (negative, as QuickBooks shows it), ``BalanceRemaining``, ``IsPaid``, a
``LinkedTxn`` to the payment, and a new ``EditSequence``/``TimeModified``. What is not
applied stays on the payment as ``UnusedPayment``. Deleting either side undoes the link.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.fields import copy_fields, ref_of, resolve_ref
from halo_accounts.simulators.quickbooks.lists import touch
from halo_accounts.simulators.quickbooks.present import ret_element
from halo_accounts.simulators.quickbooks.registry import Outcome, clone, handles
from halo_accounts.simulators.quickbooks.render import Record
from halo_accounts.simulators.quickbooks.transactions import check_closing_date, default_account, stamp_new_txn
from halo_accounts.simulators.quickbooks.xmlio import fmt_amount, fmt_bool, parse_bool, parse_decimal

__all__ = ["unlink_invoice", "unlink_payment"]

_ZERO = Decimal(0)


def _open_invoices(ctx: Context, customer_id: str) -> list[Record]:
    invoices = [txn for kind, txn in ctx.state.txns_of(customer_id) if kind == "Invoice"]
    invoices = [txn for txn in invoices if Decimal(txn["BalanceRemaining"]) > 0]
    return sorted(invoices, key=lambda txn: (txn["TxnDate"], int(txn["TxnNumber"])))


def _applications(
    ctx: Context, element: etree._Element, customer: Record, total: Decimal | None
) -> list[tuple[Record, Decimal]]:
    plan: dict[str, tuple[Record, Decimal]] = {}
    if parse_bool(element.findtext("IsAutoApply")):
        left = total or _ZERO
        for invoice in _open_invoices(ctx, customer["ListID"]):
            if left <= 0:
                break
            amount = min(left, Decimal(invoice["BalanceRemaining"]))
            plan[invoice["TxnID"]] = (invoice, amount)
            left -= amount
        return list(plan.values())
    for applied in element.findall("AppliedToTxnAdd"):
        txn_id = applied.findtext("TxnID") or ""
        target = ctx.state.get("Invoice", txn_id)
        if target is None or target["CustomerRef"]["ListID"] != customer["ListID"]:
            raise StatusError(3120, status_message(3120, txn_id))
        due = Decimal(target["BalanceRemaining"])
        sent = parse_decimal(applied.findtext("PaymentAmount"))
        earlier = plan.get(txn_id, (target, _ZERO))[1]
        amount = earlier + (sent if sent is not None else due - earlier)
        if amount > due:
            shown = fmt_amount(sent if sent is not None else amount)
            raise StatusError(
                3210, status_message(3210, "PaymentAmount", shown, "You cannot pay more than the amount due.")
            )
        plan[txn_id] = (target, amount)
    return list(plan.values())


def _apply_to_invoice(ctx: Context, invoice: Record, payment: Record, amount: Decimal) -> None:
    updated = clone(invoice)
    applied = Decimal(updated.get("AppliedAmount") or "0") - amount
    balance = Decimal(updated["BalanceRemaining"]) - amount
    updated["AppliedAmount"] = fmt_amount(applied)
    updated["BalanceRemaining"] = fmt_amount(balance)
    updated["IsPaid"] = fmt_bool(balance <= 0)
    link = {"TxnID": payment["TxnID"], "TxnType": "ReceivePayment", "TxnDate": payment["TxnDate"]}
    if payment.get("RefNumber"):
        link["RefNumber"] = payment["RefNumber"]
    link.update({"LinkType": "AMTTYPE", "Amount": fmt_amount(-amount)})
    updated.setdefault("LinkedTxn", []).append(link)
    touch(ctx, updated)
    ctx.state.put("Invoice", updated)


@handles("ReceivePaymentAddRq")
def add_payment(ctx: Context, rq: etree._Element) -> Outcome:
    """ReceivePaymentAdd."""
    element = rq.find("ReceivePaymentAdd")
    assert element is not None  # noqa: S101 - shape checked by the processor
    header: Record = {}
    copy_fields(ctx, element, header, "ReceivePayment", skip={"AppliedToTxnAdd", "IsAutoApply"})
    customer_ref = element.find("CustomerRef")
    if customer_ref is None:
        raise StatusError(3150, status_message(3150, "CustomerRef"))
    _, customer = resolve_ref(ctx, customer_ref, "ReceivePayment")
    header.setdefault("TxnDate", ctx.today.isoformat())
    check_closing_date(ctx, "ReceivePayment", header["TxnDate"])
    total = parse_decimal(element.findtext("TotalAmount"))
    plan = _applications(ctx, element, customer, total)
    applied_total = sum((amount for _, amount in plan), _ZERO)
    if total is None:
        total = applied_total
    if applied_total > total:
        message = "The amount applied to transactions is more than the amount of the payment."
        raise StatusError(3210, status_message(3210, "TotalAmount", fmt_amount(total), message))
    header["TotalAmount"] = fmt_amount(total)
    for name, account_type, special in (
        ("ARAccountRef", "AccountsReceivable", None),
        ("DepositToAccountRef", "", "UndepositedFunds"),
    ):
        account = default_account(ctx, account_type, special) if name not in header else None
        if account is not None:
            header[name] = ref_of(account)
    header["UnusedPayment"] = fmt_amount(total - applied_total)
    header["UnusedCredits"] = "0.00"
    header["AppliedToTxnRet"] = [
        {
            "TxnID": invoice["TxnID"],
            "TxnType": "Invoice",
            "TxnDate": invoice["TxnDate"],
            "RefNumber": invoice.get("RefNumber"),
            "BalanceRemaining": fmt_amount(Decimal(invoice["BalanceRemaining"]) - amount),
            "Amount": fmt_amount(amount),
        }
        for invoice, amount in plan
    ]
    stamp_new_txn(ctx, "ReceivePayment", header)
    ctx.state.put("ReceivePayment", header)
    for invoice, amount in plan:
        _apply_to_invoice(ctx, invoice, header, amount)
    return Outcome([ret_element(ctx, "ReceivePayment", header)])


def unlink_payment(ctx: Context, payment: Record) -> None:
    """Before a payment is deleted: give its amounts back to the invoices it paid."""
    for applied in payment.get("AppliedToTxnRet") or []:
        invoice = ctx.state.get("Invoice", applied["TxnID"])
        if invoice is None:
            continue
        amount = Decimal(applied["Amount"])
        updated = clone(invoice)
        balance = Decimal(updated["BalanceRemaining"]) + amount
        updated["AppliedAmount"] = fmt_amount(Decimal(updated.get("AppliedAmount") or "0") + amount)
        updated["BalanceRemaining"] = fmt_amount(balance)
        updated["IsPaid"] = fmt_bool(balance <= 0)
        updated["LinkedTxn"] = [link for link in updated.get("LinkedTxn", []) if link["TxnID"] != payment["TxnID"]]
        if not updated["LinkedTxn"]:
            del updated["LinkedTxn"]
        touch(ctx, updated)
        ctx.state.put("Invoice", updated)


def unlink_invoice(ctx: Context, invoice: Record) -> None:
    """Before an invoice is deleted: what was applied to it becomes unused on each payment."""
    for link in invoice.get("LinkedTxn") or []:
        payment = ctx.state.get("ReceivePayment", link["TxnID"])
        if payment is None:
            continue
        updated = clone(payment)
        kept = [row for row in updated.get("AppliedToTxnRet", []) if row["TxnID"] != invoice["TxnID"]]
        released = sum(
            (Decimal(row["Amount"]) for row in updated.get("AppliedToTxnRet", []) if row["TxnID"] == invoice["TxnID"]),
            _ZERO,
        )
        updated["AppliedToTxnRet"] = kept
        updated["UnusedPayment"] = fmt_amount(Decimal(updated["UnusedPayment"]) + released)
        touch(ctx, updated)
        ctx.state.put("ReceivePayment", updated)
