"""Query semantics shared by every ``*QueryRq``: id lookups, filters, MaxReturned and iterators.

From research §2.2/§2.3: lists default to ``ActiveStatus=ActiveOnly``; ``FromModifiedDate``
and ``ToModifiedDate`` are inclusive; asking for ids or names that do not exist is status
500 (the ones that do exist are still returned); filters that match nothing are status 1.
Iterators (``Start``/``Continue``/``Stop``) snapshot the matching ids at ``Start`` and hand
out ``MaxReturned`` at a time with ``iteratorRemainingCount``; they live in the session and
expire after an idle time, after which ``Continue`` is status 3391. QuickBooks Desktop
sends no ``retCount`` (the consolibyte #92 response has only the iterator attributes).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context, Iterator
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.model import NAMESPACE, name_key
from halo_accounts.simulators.quickbooks.render import Record
from halo_accounts.simulators.quickbooks.xmlio import parse_date, parse_datetime, parse_decimal

__all__ = ["QueryResult", "run_query"]

Row = tuple[str, Record]


@dataclass
class QueryResult:
    """The rows to send and the status and attributes of the ``*Rs``."""

    rows: list[Row]
    code: int = 0
    message: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().lstrip("-").isdigit() else None


def _sort_key(row: Row) -> str:
    record = row[1]
    return name_key(str(record.get("FullName") or record.get("Name") or ""))


def _candidates(ctx: Context, kinds: tuple[str, ...], is_txn: bool) -> list[Row]:
    rows = [(kind, record) for kind in kinds for record in ctx.state.records[kind].values()]
    if not is_txn:
        rows.sort(key=_sort_key)
    elif len(kinds) > 1:
        rows.sort(key=lambda row: int(row[1].get("TxnNumber") or 0))
    return rows


def _by_ids(ctx: Context, rq: etree._Element, kinds: tuple[str, ...], is_txn: bool) -> QueryResult | None:
    state = ctx.state
    rows: list[Row] = []
    missing: list[str] = []
    id_tag = "TxnID" if is_txn else "ListID"
    for value in (el.text or "" for el in rq.findall(id_tag)):
        kind = state.kind(value)
        record = state.get(kind, value) if kind in kinds else None
        if kind is not None and record is not None:
            rows.append((kind, record))
        else:
            missing.append(value)
    for tag in ("FullName",) if not is_txn else ("RefNumber", "RefNumberCaseSensitive"):
        for value in (el.text or "" for el in rq.findall(tag)):
            found = _by_name(ctx, kinds, value) if tag == "FullName" else _by_ref(ctx, kinds, value, tag)
            if found:
                rows.extend(found)
            else:
                missing.append(value)
    if not rows and not missing:
        return None
    if missing:
        return QueryResult(rows, 500, status_message(500, missing[0]))
    return QueryResult(rows)


def _by_name(ctx: Context, kinds: tuple[str, ...], name: str) -> list[Row]:
    for kind in kinds:
        found = ctx.state.by_name(kind, name) if kind in NAMESPACE else None
        if found is not None:
            return [(kind, found)]
    return []


def _by_ref(ctx: Context, kinds: tuple[str, ...], ref: str, tag: str) -> list[Row]:
    rows: list[Row] = []
    for kind in kinds:
        for txn_id in ctx.state.ref_numbers[kind].get(name_key(ref), []):
            record = ctx.state.records[kind][txn_id]
            if tag == "RefNumber" or record.get("RefNumber") == ref:
                rows.append((kind, record))
    return rows


def _modified_between(ctx: Context, holder: etree._Element | None, rows: list[Row]) -> list[Row]:
    if holder is None:
        return rows
    zone = ctx.now.tzinfo
    assert zone is not None  # noqa: S101 - the clock is aware by construction
    start = parse_datetime(holder.findtext("FromModifiedDate"), zone)
    end = parse_datetime(holder.findtext("ToModifiedDate"), zone, end_of_period=True)
    low = start.timestamp() if start else None
    high = end.timestamp() if end else None
    return [
        row for row in rows if (low is None or row[1]["_mtime"] >= low) and (high is None or row[1]["_mtime"] <= high)
    ]


def _list_filters(ctx: Context, rq: etree._Element, rows: list[Row]) -> list[Row]:
    status = rq.findtext("ActiveStatus") or "ActiveOnly"
    if status != "All":
        wanted = "true" if status == "ActiveOnly" else "false"
        rows = [row for row in rows if row[1].get("IsActive", "true") == wanted]
    rows = _modified_between(ctx, rq, rows)
    name_filter = rq.find("NameFilter")
    if name_filter is not None:
        needle = name_key(name_filter.findtext("Name") or "")
        how = name_filter.findtext("MatchCriterion") or "StartsWith"
        test = {"StartsWith": str.startswith, "EndsWith": str.endswith}.get(how, str.__contains__)
        rows = [row for row in rows if test(_sort_key(row), needle)]
    name_range = rq.find("NameRangeFilter")
    if name_range is not None:
        low, high = (name_key(name_range.findtext(tag) or "") for tag in ("FromName", "ToName"))
        rows = [row for row in rows if _sort_key(row) >= low and (not high or _sort_key(row) <= high)]
    account_types = {el.text for el in rq.findall("AccountType")}
    if account_types:
        rows = [row for row in rows if row[1].get("AccountType") in account_types]
    return rows


def _txn_dates(holder: etree._Element, today: date) -> tuple[str | None, str | None]:
    macro = holder.findtext("DateMacro")
    if macro:
        start = {"Today": today, "ThisWeek": today - timedelta(days=today.weekday()), "ThisMonth": today.replace(day=1)}
        begin = start.get(macro, today.replace(month=1, day=1) if macro == "ThisYear" else None)
        return (begin.isoformat() if begin else None), (None if macro == "All" else today.isoformat())
    low, high = (parse_date(holder.findtext(tag)) for tag in ("FromTxnDate", "ToTxnDate"))
    return (low.isoformat() if low else None), (high.isoformat() if high else None)


def _entity_ids(ctx: Context, holder: etree._Element) -> set[str]:
    state = ctx.state
    ids = {el.text or "" for el in holder.findall("ListID")}
    for el in holder.findall("FullName"):
        for kind in ("Customer", "Vendor"):
            found = state.by_name(kind, el.text or "")
            if found is not None:
                ids.add(found["ListID"])
    roots = [holder.findtext("ListIDWithChildren") or ""]
    name = holder.findtext("FullNameWithChildren")
    if name:
        found = state.by_name("Customer", name) or state.by_name("Vendor", name)
        roots.append(found["ListID"] if found else "")
    while roots:
        root = roots.pop()
        if root and (root in state.kind_of):
            ids.add(root)
            roots.extend(state.child_ids(root))
    return ids


def _txn_filters(ctx: Context, rq: etree._Element, kinds: tuple[str, ...]) -> list[Row]:
    entity = rq.find("EntityFilter")
    if entity is not None:
        wanted = _entity_ids(ctx, entity)
        rows = [row for entity_id in wanted for row in ctx.state.txns_of(entity_id) if row[0] in kinds]
        rows.sort(key=lambda row: int(row[1].get("TxnNumber") or 0))
    else:
        rows = _candidates(ctx, kinds, True)
    rows = _modified_between(ctx, rq.find("ModifiedDateRangeFilter"), rows)
    dates = rq.find("TxnDateRangeFilter")
    if dates is not None:
        low, high = _txn_dates(dates, ctx.today)
        rows = [
            row for row in rows if (not low or row[1]["TxnDate"] >= low) and (not high or row[1]["TxnDate"] <= high)
        ]
    account = rq.find("AccountFilter")
    if account is not None:
        names = {name_key(el.text or "") for el in account.iter("ListID", "FullName")}
        rows = [row for row in rows if _account_hit(row[1], names)]
    rows = _ref_filters(rq, rows)
    paid = rq.findtext("PaidStatus") or "All"
    if paid != "All":
        paid_flag = "true" if paid == "PaidOnly" else "false"
        rows = [row for row in rows if row[1].get("IsPaid") == paid_flag]
    return rows


def _account_hit(record: Record, names: set[str]) -> bool:
    for tag in ("ARAccountRef", "DepositToAccountRef"):
        ref = record.get(tag)
        if ref and (name_key(ref["ListID"]) in names or name_key(ref["FullName"]) in names):
            return True
    return False


def _ref_key(ref: str) -> tuple[int, Decimal, str]:
    number = parse_decimal(ref) if ref.isdigit() else None
    return (0, number, "") if number is not None else (1, Decimal(0), name_key(ref))


def _ref_filters(rq: etree._Element, rows: list[Row]) -> list[Row]:
    ref_filter = rq.find("RefNumberFilter")
    if ref_filter is not None:
        needle = name_key(ref_filter.findtext("RefNumber") or "")
        how = ref_filter.findtext("MatchCriterion") or "StartsWith"
        test = {"StartsWith": str.startswith, "EndsWith": str.endswith}.get(how, str.__contains__)
        rows = [row for row in rows if test(name_key(row[1].get("RefNumber", "")), needle)]
    ref_range = rq.find("RefNumberRangeFilter")
    if ref_range is not None:
        low, high = (ref_range.findtext(tag) for tag in ("FromRefNumber", "ToRefNumber"))
        rows = [
            row
            for row in rows
            if (not low or _ref_key(row[1].get("RefNumber", "")) >= _ref_key(low))
            and (not high or _ref_key(row[1].get("RefNumber", "")) <= _ref_key(high))
        ]
    return rows


def _live(ctx: Context, pairs: Iterable[tuple[str, str]]) -> list[Row]:
    rows: list[Row] = []
    for kind, object_id in pairs:
        record = ctx.state.get(kind, object_id)
        if record is not None:
            rows.append((kind, record))
    return rows


def _key(row: Row) -> tuple[str, str]:
    return row[0], str(row[1].get("ListID") or row[1].get("TxnID"))


def run_query(ctx: Context, rq: etree._Element, kinds: tuple[str, ...], *, is_txn: bool) -> QueryResult:
    """Answer one query request: the matching (kind, record) rows with status and attributes."""
    mode = rq.get("iterator")
    if mode in ("Continue", "Stop"):
        return _continue(ctx, rq, mode)
    limit = _int(rq.findtext("MaxReturned"))
    found = _by_ids(ctx, rq, kinds, is_txn)
    if found is not None:
        return found
    rows = _txn_filters(ctx, rq, kinds) if is_txn else _list_filters(ctx, rq, _candidates(ctx, kinds, False))
    if mode == "Start":
        iterator_id = f"{{{uuid.uuid4()}}}"
        page, rest = (rows, []) if limit is None else (rows[:limit], rows[limit:])
        if rest:
            ctx.session.iterators[iterator_id] = Iterator(
                str(rq.tag), kinds, [_key(row) for row in rest], limit or len(rows), ctx.now.timestamp()
            )
        attrs = {"iteratorRemainingCount": str(len(rest)), "iteratorID": iterator_id}
        return QueryResult(page, 0 if page else 1, None, attrs)
    if limit is not None:
        rows = rows[:limit]
    return QueryResult(rows, 0 if rows else 1)


def _continue(ctx: Context, rq: etree._Element, mode: str) -> QueryResult:
    iterator_id = rq.get("iteratorID") or ""
    iterator = ctx.session.iterators.get(iterator_id)
    idle = ctx.iterator_idle_seconds
    if iterator is not None and idle is not None and ctx.now.timestamp() - iterator.last_used > idle:
        del ctx.session.iterators[iterator_id]
        iterator = None
    if iterator is None or iterator.request_tag != rq.tag:
        raise StatusError(3391, status_message(3391, iterator_id))
    if mode == "Stop":
        del ctx.session.iterators[iterator_id]
        return QueryResult([], 0, None, {"iteratorRemainingCount": "0", "iteratorID": iterator_id})
    limit = _int(rq.findtext("MaxReturned")) or iterator.max_returned
    batch, iterator.remaining = iterator.remaining[:limit], iterator.remaining[limit:]
    iterator.last_used = ctx.now.timestamp()
    if not iterator.remaining:
        del ctx.session.iterators[iterator_id]
    rows = _live(ctx, batch)
    attrs = {"iteratorRemainingCount": str(len(iterator.remaining)), "iteratorID": iterator_id}
    return QueryResult(rows, 0 if rows else 1, None, attrs)
