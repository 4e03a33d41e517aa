"""What every transaction shares: ids and numbers, default accounts, terms and the closing date.

A new transaction gets a ``TxnID``, the next company-wide ``TxnNumber`` and, when no
``RefNumber`` is sent, the number after the highest numeric one of its kind (QuickBooks'
auto-numbering). Dates on or before the company's closing date are refused with 3171
(research §2.3); the knob is ``QuickBooksFaults.closing_date``.
"""

from __future__ import annotations

from datetime import timedelta

from halo_accounts.simulators.quickbooks.context import Context, label
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.render import Record
from halo_accounts.simulators.quickbooks.xmlio import parse_date

__all__ = [
    "check_closing_date",
    "default_account",
    "next_ref_number",
    "note_ref_number",
    "stamp_new_txn",
    "terms_due_date",
]


def stamp_new_txn(ctx: Context, kind: str, record: Record) -> None:
    """TxnID, TxnNumber, times and EditSequence for a new transaction; key order as QuickBooks sends."""
    stamped: Record = {
        "TxnID": ctx.state.new_txn_id(ctx.unix),
        "TimeCreated": ctx.stamp,
        "TimeModified": ctx.stamp,
        "EditSequence": ctx.edit_sequence(),
        "TxnNumber": str(ctx.state.next_txn_number()),
    }
    stamped.update(record)
    record.clear()
    record.update(stamped)
    record["_mtime"] = ctx.unix
    if record.get("RefNumber"):
        note_ref_number(ctx, kind, str(record["RefNumber"]))


def note_ref_number(ctx: Context, kind: str, ref: str) -> None:
    """Remember the highest numeric RefNumber per kind, for auto-numbering."""
    if ref.isdigit():
        key = f"last_ref:{kind}"
        ctx.state.counters[key] = max(ctx.state.counters.get(key, 0), int(ref))


def next_ref_number(ctx: Context, kind: str) -> str:
    """The RefNumber QuickBooks would fill in: one above the highest numeric one so far."""
    return str(ctx.state.counters.get(f"last_ref:{kind}", 0) + 1)


def default_account(ctx: Context, account_type: str, special: str | None = None) -> Record | None:
    """The first active account of a type (or special type: ``UndepositedFunds``)."""
    for account in ctx.state.records["Account"].values():
        if special is not None and account.get("SpecialAccountType") == special:
            return account
        if special is None and account.get("AccountType") == account_type and account.get("IsActive") != "false":
            return account
    return None


def terms_due_date(ctx: Context, header: Record) -> str | None:
    """TxnDate plus the terms' ``StdDueDays`` (the TxnDate itself without terms)."""
    txn_date = parse_date(header.get("TxnDate")) or ctx.today
    terms = header.get("TermsRef")
    days = 0
    if terms:
        record = ctx.state.get("StandardTerms", terms["ListID"])
        days = int((record or {}).get("StdDueDays") or 0)
    return (txn_date + timedelta(days=days)).isoformat()


def check_closing_date(ctx: Context, kind: str, txn_date: str | None) -> None:
    """3171 for a transaction dated on or before the closing date."""
    closing = ctx.closing_date
    when = parse_date(txn_date)
    if closing is not None and when is not None and when <= closing:
        raise StatusError(3171, status_message(3171, label(kind), closing.isoformat()))
