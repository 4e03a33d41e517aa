"""ListDel / TxnDel, and the ListDeletedQuery / TxnDeletedQuery that report them (research §2.1).

A list object that transactions or sub-records still use cannot be deleted (3176); an
unknown id, or an id of another type than ``ListDelType``/``TxnDelType`` says, is 3120.
Deleting a payment gives its amounts back to the invoices; deleting an invoice leaves the
payments that paid it with that amount unused. Every deletion is logged with its time for
the deleted-object queries, which take a ``DeletedDateRangeFilter``.
"""

from __future__ import annotations

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.model import LIST_KINDS, TXN_KINDS
from halo_accounts.simulators.quickbooks.payments import unlink_invoice, unlink_payment
from halo_accounts.simulators.quickbooks.registry import Outcome, handles
from halo_accounts.simulators.quickbooks.render import Record, field_elements, render_ret
from halo_accounts.simulators.quickbooks.xmlio import parse_datetime

__all__ = ["delete_list", "delete_txn"]

_LINES = ("InvoiceLineRet", "CreditMemoLineRet", "PurchaseOrderLineRet")


def _refers_to(value: object, list_id: str) -> bool:
    if isinstance(value, dict):
        if value.get("ListID") == list_id and "FullName" in value:
            return True
        return any(_refers_to(item, list_id) for key, item in value.items() if not key.startswith("_"))
    if isinstance(value, list):
        return any(_refers_to(item, list_id) for item in value)
    return False


def _in_use(ctx: Context, kind: str, list_id: str) -> bool:
    state = ctx.state
    if state.child_ids(list_id) or state.by_entity.get(list_id):
        return True
    if kind in ("Customer", "Vendor"):
        return False
    holders = [record for holder_kind in (*LIST_KINDS, *TXN_KINDS) for record in state.records[holder_kind].values()]
    return any(record.get("ListID") != list_id and _refers_to(record, list_id) for record in holders)


@handles("ListDelRq")
def delete_list(ctx: Context, rq: etree._Element) -> Outcome:
    """ListDel."""
    kind = rq.findtext("ListDelType") or ""
    list_id = rq.findtext("ListID") or ""
    record = ctx.state.get(kind, list_id) if kind in LIST_KINDS else None
    if record is None:
        raise StatusError(3120, status_message(3120, list_id))
    name = str(record.get("FullName") or record.get("Name"))
    if _in_use(ctx, kind, list_id):
        raise StatusError(3176, status_message(3176, kind, name))
    ctx.state.remove(kind, list_id)
    row = {"ListDelType": kind, "ListID": list_id, "TimeCreated": record["TimeCreated"], "TimeDeleted": ctx.stamp}
    row.update({"FullName": name, "_time": str(ctx.now.timestamp())})
    ctx.state.deleted.append(row)
    result: Record = {"ListDelType": kind, "ListID": list_id, "TimeDeleted": ctx.stamp, "FullName": name}
    return Outcome(field_elements(result, ("ListDelType", "ListID", "TimeDeleted", "FullName")))


@handles("TxnDelRq")
def delete_txn(ctx: Context, rq: etree._Element) -> Outcome:
    """TxnDel."""
    kind = rq.findtext("TxnDelType") or ""
    txn_id = rq.findtext("TxnID") or ""
    record = ctx.state.get(kind, txn_id) if kind in TXN_KINDS else None
    if record is None:
        raise StatusError(3120, status_message(3120, txn_id))
    if kind == "ReceivePayment":
        unlink_payment(ctx, record)
    elif kind == "Invoice":
        unlink_invoice(ctx, record)
    ctx.state.remove(kind, txn_id)
    row: Record = {"TxnDelType": kind, "TxnID": txn_id, "TimeCreated": record["TimeCreated"], "TimeDeleted": ctx.stamp}
    if record.get("RefNumber"):
        row["RefNumber"] = record["RefNumber"]
    ctx.state.deleted.append({**row, "_time": str(ctx.now.timestamp())})
    result: Record = {key: row[key] for key in ("TxnDelType", "TxnID", "TimeDeleted", "RefNumber") if key in row}
    return Outcome(field_elements(result, ("TxnDelType", "TxnID", "TimeDeleted", "RefNumber")))


def _deleted_query(ctx: Context, rq: etree._Element, type_tag: str, ret: str) -> Outcome:
    wanted = {el.text for el in rq.findall(type_tag)}
    window = rq.find("DeletedDateRangeFilter")
    zone = ctx.now.tzinfo
    low = high = None
    if window is not None and zone is not None:
        start = parse_datetime(window.findtext("FromDeletedDate"), zone)
        end = parse_datetime(window.findtext("ToDeletedDate"), zone, end_of_period=True)
        low, high = (start.timestamp() if start else None), (end.timestamp() if end else None)
    rets = []
    for row in ctx.state.deleted:
        moment = float(row["_time"])
        if row.get(type_tag) in wanted and (low is None or moment >= low) and (high is None or moment <= high):
            rets.append(render_ret(ret, row))
    return Outcome(rets, 0 if rets else 1)


@handles("ListDeletedQueryRq")
def list_deleted_query(ctx: Context, rq: etree._Element) -> Outcome:
    """ListDeletedQuery."""
    return _deleted_query(ctx, rq, "ListDelType", "ListDeletedRet")


@handles("TxnDeletedQueryRq")
def txn_deleted_query(ctx: Context, rq: etree._Element) -> Outcome:
    """TxnDeletedQuery."""
    return _deleted_query(ctx, rq, "TxnDelType", "TxnDeletedRet")
