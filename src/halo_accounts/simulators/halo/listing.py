"""``GET /api/{Entity}``: query parameters, filters, ordering and paging.

Parameters arrive as strings (``"true"``/``"false"`` for switches) and their names are
matched without regard to case, as ASP.NET binds them. Unknown parameters are ignored;
known ones with unreadable values are a 400. Results are ordered by id, or by ``order``
(a field name; ``orderdesc=true`` for newest first) with id breaking ties and rows without
the field last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from halo_accounts.domain.money import ZERO
from halo_accounts.simulators.halo.fields import FieldError, parse_instant
from halo_accounts.simulators.halo.invoices import is_credit
from halo_accounts.simulators.halo.resources import Resource
from halo_accounts.simulators.halo.state import Record, SimState
from halo_accounts.simulators.halo.wire import ApiError

__all__ = ["DEFAULT_PAGE_SIZE", "ListResult", "list_records", "query_bool"]

DEFAULT_PAGE_SIZE = 50

# query parameter -> record field, per entity (equality filters on ids)
_EQUALS: dict[str, dict[str, str]] = {
    "Site": {"client_id": "client_id"},
    "Item": {"supplier_id": "supplier_id"},
    "Invoice": {"client_id": "client_id", "site_id": "sitenumber"},
    "InvoicePayment": {"client_id": "client_id", "invoice_id": "invoice_id"},
    "PurchaseOrder": {"supplier_id": "supplier_id", "client_id": "client_id"},
    "IntegrationError": {"module_id": "module_id", "detail_id": "detail_id"},
}
_LAST_UPDATE = {"Client": "alastupdate", "Site": "slastupdate"}


@dataclass(frozen=True)
class ListResult:
    """One page of a list, with what the envelope reports."""

    records: list[Record]
    record_count: int
    page_no: int | None
    page_size: int | None
    include_lines: bool


def query_bool(query: Mapping[str, str], name: str, default: bool) -> bool:
    """Read a ``true``/``false`` switch; a missing one takes ``default``."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    msg = f"The value '{raw}' is not valid for {name}."
    raise ApiError(400, msg)


def _query_int(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        msg = f"The value '{raw}' is not valid for {name}."
        raise ApiError(400, msg) from None


def _query_ints(query: Mapping[str, str], name: str) -> set[int] | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return {int(part) for part in raw.split(",") if part.strip()}
    except ValueError:
        msg = f"The value '{raw}' is not valid for {name}."
        raise ApiError(400, msg) from None


def _query_instant(query: Mapping[str, str], name: str) -> datetime | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_instant(raw)
    except FieldError:
        msg = f"The value '{raw}' is not valid for {name}."
        raise ApiError(400, msg) from None


Predicate = Callable[[Record], bool]


def _between(field: str, start: datetime | None, end: datetime | None) -> Predicate | None:
    if start is None and end is None:
        return None

    def check(record: Record) -> bool:
        value = record.get(field)
        if value is None:
            return False
        return (start is None or value >= start) and (end is None or value <= end)

    return check


def _equals(field: str, wanted: int) -> Predicate:
    return lambda record: record.get(field) == wanted


# The checks below run once per row of the table on every page read, so each is a single
# call that reads its field directly.


def _active(field: str) -> Predicate:
    # ``not resource.is_inactive(r)``, spelt out per field.
    if field == "status":
        return lambda r: r.get("status") in (None, 0)
    return lambda r: not r.get(field)


def _kind(credits: bool, invoices: bool) -> Predicate:
    def check(record: Record) -> bool:
        total = record.get("total")
        if type(total) is Decimal:  # as stored; anything else is read the general way
            return credits if total < ZERO else invoices
        return credits if is_credit(record) else invoices

    return check


def _search(search: str, fields: tuple[str, ...]) -> Predicate:
    if len(fields) == 1:
        (field,) = fields
        return lambda r: search in str(r.get(field) or "").lower()

    def check(record: Record) -> bool:
        for field in fields:
            if search in str(record.get(field) or "").lower():
                return True
        return False

    return check


def _invoice_predicates(query: Mapping[str, str]) -> list[Predicate]:
    checks: list[Predicate] = []
    window = _between(
        "invoice_date",
        _query_instant(query, "invoicedatestart"),
        _query_instant(query, "invoicedateend"),
    )
    if window:
        checks.append(window)
    if query_bool(query, "postedonly", False):
        checks.append(lambda r: bool(r.get("posted")))
    if query_bool(query, "notpostedonly", False):
        checks.append(lambda r: not r.get("posted"))
    statuses = _query_ints(query, "paymentstatuses")
    if statuses is not None:
        checks.append(lambda r: r.get("paymentstatus") in statuses)
    client_ids = _query_ints(query, "client_ids")
    if client_ids is not None:
        checks.append(lambda r: r.get("client_id") in client_ids)
    credits = query_bool(query, "includecredits", False)
    invoices = query_bool(query, "includeinvoices", True)
    if not (credits and invoices):  # with both kinds wanted the check keeps every row
        checks.append(_kind(credits, invoices))
    return checks


def _predicates(resource: Resource, query: Mapping[str, str]) -> list[Predicate]:
    checks: list[Predicate] = []
    if resource.inactive_field and not query_bool(query, "includeinactive", False):
        checks.append(_active(resource.inactive_field))
    search = (query.get("search") or "").strip().lower()
    if search and resource.search_fields:
        checks.append(_search(search, resource.search_fields))
    for param, field in _EQUALS.get(resource.entity, {}).items():
        wanted = _query_int(query, param)
        if wanted is not None:
            checks.append(_equals(field, wanted))
    if resource.entity in _LAST_UPDATE:
        window = _between(
            _LAST_UPDATE[resource.entity],
            _query_instant(query, "lastupdatefromdate"),
            _query_instant(query, "lastupdatetodate"),
        )
        if window:
            checks.append(window)
    if resource.entity == "Invoice":
        checks.extend(_invoice_predicates(query))
    return checks


def _rows_by_id(table: dict[int, Record]) -> list[Record]:
    # Ids only grow, so a table's insertion order is id order unless someone inserted rows
    # by hand; confirming that is a linear pass in C, much cheaper than a lookup per row.
    keys = list(table)
    ordered = sorted(keys)
    if ordered == keys:
        return list(table.values())
    return [table[key] for key in ordered]


def _ordered(rows: list[Record], field: str, *, descending: bool) -> list[Record]:
    present = [row for row in rows if row.get(field) is not None]
    # Two stable sorts: id ascending within equal values, whichever way the values run.
    present.sort(key=lambda row: row.get("id") or 0)
    present.sort(key=lambda row: row[field], reverse=descending)
    return present + [row for row in rows if row.get(field) is None]


def list_records(state: SimState, resource: Resource, raw_query: Mapping[str, Any]) -> ListResult:
    """Filter, order and page one entity's table as Halo's list endpoint would."""
    query = {str(key).lower(): str(value) for key, value in raw_query.items()}
    rows = _rows_by_id(state.tables[resource.entity])
    include_lines = query_bool(query, "includelines", False)
    if not resource.paged:  # /api/Tax takes no filters or paging and answers with all rates
        return ListResult(rows, len(rows), None, None, include_lines)
    # One lazy filter per check: each row meets the checks in order and stops at the first
    # that refuses it, as ``all()`` would, without a generator per row.
    selected: Iterable[Record] = rows
    for check in _predicates(resource, query):
        selected = filter(check, selected)
    matching = selected if selected is rows else list(selected)
    order = query.get("order")
    if order:
        matching = _ordered(matching, order, descending=query_bool(query, "orderdesc", False))
    total = len(matching)
    if query_bool(query, "pageinate", False):
        size_given, no_given = _query_int(query, "page_size"), _query_int(query, "page_no")
        page_size = DEFAULT_PAGE_SIZE if size_given is None else size_given
        page_no = 1 if no_given is None else no_given
        if page_size < 1 or page_no < 1:
            msg = "page_size and page_no must be at least 1"
            raise ApiError(400, msg)
        start = (page_no - 1) * page_size
        return ListResult(matching[start : start + page_size], total, page_no, page_size, include_lines)
    count = _query_int(query, "count")
    if count is not None and count >= 0:
        matching = matching[:count]
    return ListResult(matching, total, None, None, include_lines)
