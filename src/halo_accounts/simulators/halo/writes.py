"""POST and DELETE semantics: arrays, create vs partial update, all-or-nothing, side effects.

Halo takes every write as a JSON array. An object without ``id`` (or ``id`` <= 0) is created,
one with an existing ``id`` is updated with only the supplied fields, an unknown ``id`` is a
404. The whole array is validated before anything is stored, so one bad object saves
nothing. ``_validateonly`` (Invoice, PurchaseOrder) computes the answer and stores nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from halo_accounts.simulators.halo.fields import FieldError, Kind, clean_object, coerce
from halo_accounts.simulators.halo.hooks import CHECKS, FINISHERS, resettle
from halo_accounts.simulators.halo.resources import RESOURCES, Resource
from halo_accounts.simulators.halo.state import Record, SimState
from halo_accounts.simulators.halo.wire import ApiError

__all__ = ["delete_record", "save_array"]


# Stored leaf values are immutable, so a copy of a record only needs its dicts and lists.
_LEAVES = frozenset({str, int, bool, float, type(None), Decimal, datetime})


@dataclass
class _Plan:
    existing_id: int | None
    fields: dict[str, Any]
    validate_only: bool


def _clone(value: Any) -> Any:
    """``copy.deepcopy`` for stored records, sharing immutable leaves instead of copying them."""
    kind = type(value)
    if kind is dict:
        cloned = value.copy()
        for key, item in value.items():
            if type(item) not in _LEAVES:
                cloned[key] = _clone(item)
        return cloned
    if kind is list:
        return [item if type(item) in _LEAVES else _clone(item) for item in value]
    if kind in _LEAVES:
        return value
    return copy.deepcopy(value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_lines(resource: Resource, raw_lines: list[Any]) -> list[Record]:
    if resource.line_fields is None or not all(isinstance(line, dict) for line in raw_lines):
        msg = "Every entry of 'lines' must be a JSON object"
        raise FieldError(msg)
    return [clean_object(resource.line_fields, line, readonly=resource.line_readonly) for line in raw_lines]


def _plan_one(state: SimState, resource: Resource, index: int, raw: object) -> _Plan:
    if not isinstance(raw, dict):
        msg = f"Item {index} of the array is not a JSON object"
        raise ApiError(400, msg)
    try:
        raw_id = coerce("id", Kind.INT, raw.get("id"))
        fields = clean_object(resource.fields, raw, readonly=resource.readonly | {"id"})
        validate_only = bool(fields.pop("_validateonly", False)) and resource.validate_only
        if fields.get("lines", ()) is None:
            del fields["lines"]  # null means "not supplied", like an absent field
        if resource.line_fields is not None and "lines" in fields:
            fields["lines"] = _clean_lines(resource, fields["lines"])
    except FieldError as exc:
        raise ApiError(400, str(exc)) from None
    existing_id = raw_id if raw_id is not None and raw_id > 0 else None
    if existing_id is not None and existing_id not in state.tables[resource.entity]:
        msg = f"{resource.entity} {existing_id} not found"
        raise ApiError(404, msg)
    for name in resource.required:
        missing = name not in fields if existing_id is None else False
        if missing or (name in fields and _blank(fields[name])):
            msg = f"{resource.entity}: the field '{name}' is required"
            raise ApiError(400, msg)
    check = CHECKS.get(resource.entity)
    if check is not None:
        check(state, fields)
    return _Plan(existing_id, fields, validate_only)


def _apply(state: SimState, resource: Resource, plan: _Plan) -> Record:
    now = state.now()
    store = not plan.validate_only
    table = state.tables[resource.entity]
    previous = table[plan.existing_id] if plan.existing_id is not None else None
    if previous is None:
        record: Record = {"id": state.next_id(resource.entity) if store else 0}
        record.update(_clone(dict(resource.defaults)))
        if resource.created_field:
            record[resource.created_field] = now
    else:
        record = _clone(previous)
    # ``_plan_one`` built the fields afresh from the request (lines and addresses included),
    # and a plan is applied once, so they are stored without a copy.
    record.update(plan.fields)
    if resource.touch_field:
        record[resource.touch_field] = now
    finish = FINISHERS.get(resource.entity)
    if finish is not None:
        finish(state, record, previous, store)
    if not store:
        return record
    table[record["id"]] = record
    if resource.entity == "InvoicePayment":
        if previous is not None:
            state.unindex_payment(previous)
        state.index_payment(record)
        resettle(state, record["invoice_id"])
        if previous is not None and previous.get("invoice_id") != record["invoice_id"]:
            resettle(state, previous.get("invoice_id"))
    if resource.entity == "Client" and previous is None and record.get("main_site_id") is None:
        _add_main_site(state, record)
    return record


def _add_main_site(state: SimState, client: Record) -> None:
    # Halo gives every new customer a "Main" site that is also its invoice site.
    site_resource = RESOURCES["Site"]
    fields: dict[str, Any] = {"name": "Main", "client_id": client["id"], "isinvoicesite": True}
    if "main_invoice_address" in client:
        fields["invoice_address"] = _clone(client["main_invoice_address"])
    if client.get("main_phonenumber"):
        fields["phonenumber"] = client["main_phonenumber"]
    site = _apply(state, site_resource, _Plan(None, fields, False))
    client["main_site_id"] = site["id"]
    client["main_site_name"] = site["name"]


def save_array(state: SimState, resource: Resource, body: object) -> list[Record]:
    """Validate a whole POST body, then store it; returns the saved (or validated) records."""
    if not isinstance(body, list):
        msg = f"The request body for {resource.entity} must be a JSON array of objects"
        raise ApiError(400, msg)
    if not body:
        msg = "The request body is an empty array"
        raise ApiError(400, msg)
    plans = [_plan_one(state, resource, index, raw) for index, raw in enumerate(body)]
    return [_apply(state, resource, plan) for plan in plans]


def delete_record(state: SimState, resource: Resource, record_id: int) -> Record:
    """Remove one record and undo its effects; 404 when it does not exist."""
    table = state.tables[resource.entity]
    record = table.pop(record_id, None)
    if record is None:
        msg = f"{resource.entity} {record_id} not found"
        raise ApiError(404, msg)
    if resource.entity == "InvoicePayment":
        state.unindex_payment(record)
        resettle(state, record.get("invoice_id"))
    elif resource.entity == "Invoice":
        payments = state.tables["InvoicePayment"]
        for payment in state.payments_of(record_id):
            state.unindex_payment(payment)
            del payments[payment["id"]]
    return record
