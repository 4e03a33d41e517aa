"""Wire encoding: JSON in with exact decimals, JSON out in Halo's shapes.

Halo is an ASP.NET application: instants go out as ISO 8601 UTC *without* an offset
(``2024-05-01T09:30:00``, milliseconds only when non-zero), and money as JSON numbers.
Decimals are written as integers when integral, else as the float whose shortest repr is
the same decimal (exact for amounts of up to 15 significant digits).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from halo_accounts.domain.money import MoneyError, as_json_number
from halo_accounts.simulators.halo.resources import Resource
from halo_accounts.simulators.halo.wire import ApiError

__all__ = ["EXTRA_FIELDS", "dumps", "format_instant", "loads", "render_record", "to_wire"]

# Fields no Halo schema declares, added when ``extra_fields`` is on, so a client proves it
# ignores what it does not know (Halo adds fields between versions).
EXTRA_FIELDS: dict[str, Any] = {
    "_warning": None,
    "sim_unknown_text": "a field this client has never seen",
    "sim_unknown_number": 42,
    "sim_unknown_object": {"nested": [1, 2, 3]},
}


def format_instant(moment: datetime) -> str:
    """Render an aware instant the way Halo does: UTC, no offset suffix."""
    if type(moment) is datetime and moment.tzinfo is UTC:  # how the simulator stores them
        return _format_utc(moment)
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    spec = "milliseconds" if naive.microsecond else "seconds"
    return naive.isoformat(timespec=spec)


@functools.lru_cache(maxsize=8192)  # dates and seeded timestamps repeat across records
def _format_utc(moment: datetime) -> str:
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec)[:-6]  # an aware UTC instant ends in "+00:00"


def _number(value: Decimal) -> int | float:
    try:
        return as_json_number(value)
    except MoneyError:  # more digits than a double holds: Halo would round too
        return float(value)


# The answer depends only on the decimal's value, and a tenant repeats a few prices, rates
# and quantities endlessly, so finite values are memoised.
_cached_number = functools.lru_cache(maxsize=8192)(_number)


def _decimal(value: Decimal) -> int | float:
    return _cached_number(value) if value.is_finite() else _number(value)


def _wire_list(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    # Copy, then convert in place: one allocation of the right size instead of a growing list.
    body = list(value)
    for index, item in enumerate(value):
        kind = type(item)
        if kind not in _PLAIN:
            body[index] = _CONVERTERS.get(kind, to_wire)(item)
    return body


def _wire_mapping(value: Mapping[Any, Any], skip: str | None = None) -> dict[str, Any]:
    if type(value) is dict:
        # As for lists; keys are Halo's field names, so other keys are left to the general case.
        body = value.copy()
        for key, item in value.items():
            if type(key) is not str:
                break
            kind = type(item)
            if kind in _PLAIN or key == skip:
                continue
            if kind is Decimal:  # most of what is converted: money, quantities, rates
                body[key] = _cached_number(item) if item.is_finite() else _number(item)
            else:
                body[key] = _CONVERTERS.get(kind, to_wire)(item)
        else:
            if skip is not None:
                body.pop(skip, None)
            return body
    return {str(key): to_wire(item) for key, item in value.items() if skip is None or str(key) != skip}


# Types that are already JSON values, and converters by exact type for the values the
# simulator stores; anything else (subclasses included) takes the general path of ``to_wire``.
_PLAIN = frozenset({str, int, bool, float, type(None)})
_CONVERTERS: dict[type, Callable[[Any], Any]] = {
    Decimal: _decimal,
    datetime: format_instant,
    dict: _wire_mapping,
    list: _wire_list,
}


def to_wire(value: Any) -> Any:
    """Convert stored Python values into JSON-encodable ones."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    convert = _CONVERTERS.get(kind)
    if convert is not None:
        return convert(value)
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, Mapping):
        return _wire_mapping(value)
    if isinstance(value, list | tuple):
        return _wire_list(value)
    return value


def render_record(
    resource: Resource,
    record: Mapping[str, Any],
    *,
    include_lines: bool = True,
    extra_fields: bool = False,
) -> dict[str, Any]:
    """A stored record as Halo sends it (lines only when asked for)."""
    body = _wire_mapping(record, None if include_lines else "lines")
    if extra_fields:
        body.update(EXTRA_FIELDS)
        for line in body.get("lines") or []:
            line.update(EXTRA_FIELDS)
    return body


def _is_wire(value: Any) -> bool:
    # True when ``to_wire`` would return an equal copy: plain JSON values, str keys only.
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (type(item) not in _PLAIN and not _is_wire(item)):
                return False
        return True
    if kind is list:
        for item in value:
            if type(item) not in _PLAIN and not _is_wire(item):
                return False
        return True
    return kind in _PLAIN


def dumps(payload: Any) -> bytes:
    """Encode a wire payload (``to_wire`` is applied, so Decimals are allowed)."""
    # Responses are rendered already; checking that is cheaper than copying them again.
    wire = payload if _is_wire(payload) else to_wire(payload)
    return json.dumps(wire, ensure_ascii=False, separators=(",", ":")).encode()


def loads(body: bytes) -> Any:
    """Decode a request body with exact decimals; malformed JSON is a 400."""
    try:
        text = body.decode("utf-8-sig")
        return json.loads(text, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"The request body is not valid JSON: {exc}"
        raise ApiError(400, msg) from None
