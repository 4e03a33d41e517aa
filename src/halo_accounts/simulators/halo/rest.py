"""The four REST verbs on ``/api/{Entity}`` once a request is authorised.

Lists come in Halo's envelope ``{page_no, page_size, record_count, <key>: [...]}`` (paging
fields only when ``pageinate=true``); ``/api/Tax`` answers with a bare array because Halo's
envelope there is undocumented and clients must cope with both. A POST of one object answers
with that object, of several with an array, status 201.
"""

from __future__ import annotations

from typing import Any

from halo_accounts.simulators.halo.listing import list_records
from halo_accounts.simulators.halo.render import EXTRA_FIELDS, loads, render_record
from halo_accounts.simulators.halo.resources import RESOURCES, Resource
from halo_accounts.simulators.halo.state import SimState
from halo_accounts.simulators.halo.wire import ApiError, SimRequest, SimResponse
from halo_accounts.simulators.halo.writes import delete_record, save_array

__all__ = ["delete_one", "get_one", "list_all", "parse_id", "post_array"]


def parse_id(resource: Resource, text: str) -> int:
    """Read the ``{id}`` path segment; anything but an integer matches no route (404)."""
    try:
        return int(text)
    except ValueError:
        msg = f"No HTTP resource was found that matches /api/{resource.entity}/{text}"
        raise ApiError(404, msg) from None


def list_all(state: SimState, resource: Resource, request: SimRequest, *, extra_fields: bool) -> SimResponse:
    """``GET /api/{Entity}``."""
    result = list_records(state, resource, request.query)
    rows = [
        render_record(resource, row, include_lines=result.include_lines, extra_fields=extra_fields)
        for row in result.records
    ]
    if resource.list_key is None:
        return SimResponse(200, rows)
    envelope: dict[str, Any] = {}
    if result.page_no is not None:
        envelope["page_no"] = result.page_no
        envelope["page_size"] = result.page_size
    envelope["record_count"] = result.record_count
    envelope[resource.list_key] = rows
    if extra_fields:
        envelope.update(EXTRA_FIELDS)
        envelope["columns"] = None
    return SimResponse(200, envelope)


def get_one(state: SimState, resource: Resource, record_id: int, *, extra_fields: bool) -> SimResponse:
    """``GET /api/{Entity}/{id}``: the whole object (an invoice with lines and payments)."""
    record = state.tables[resource.entity].get(record_id)
    if record is None:
        msg = f"{resource.entity} {record_id} not found"
        raise ApiError(404, msg)
    body = render_record(resource, record, extra_fields=extra_fields)
    if resource.entity == "Invoice":
        payments = RESOURCES["InvoicePayment"]
        body["payments"] = [
            render_record(payments, row, extra_fields=extra_fields) for row in state.payments_of(record_id)
        ]
    return SimResponse(200, body)


def post_array(state: SimState, resource: Resource, request: SimRequest, *, extra_fields: bool) -> SimResponse:
    """``POST /api/{Entity}`` with a JSON array of objects to create or update."""
    body = loads(request.body)
    saved = save_array(state, resource, body)
    rendered = [render_record(resource, row, extra_fields=extra_fields) for row in saved]
    return SimResponse(201, rendered[0] if len(rendered) == 1 else rendered)


def delete_one(state: SimState, resource: Resource, record_id: int, *, extra_fields: bool) -> SimResponse:
    """``DELETE /api/{Entity}/{id}`` (``?bypass_accounts_sync=`` is accepted and ignored)."""
    record = delete_record(state, resource, record_id)
    return SimResponse(200, render_record(resource, record, extra_fields=extra_fields))
