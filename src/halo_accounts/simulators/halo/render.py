"""Wire encoding: JSON in with exact decimals, JSON out in Halo's shapes.

Halo is an ASP.NET application: instants go out as ISO 8601 UTC *without* an offset
(``2024-05-01T09:30:00``, milliseconds only when non-zero), and money as JSON numbers.
Decimals are written as integers when integral, else as the float whose shortest repr is
the same decimal (exact for amounts of up to 15 significant digits).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
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
    naive = moment.astimezone(UTC).replace(tzinfo=None)
    spec = "milliseconds" if naive.microsecond else "seconds"
    return naive.isoformat(timespec=spec)


def _number(value: Decimal) -> int | float:
    try:
        return as_json_number(value)
    except MoneyError:  # more digits than a double holds: Halo would round too
        return float(value)


def to_wire(value: Any) -> Any:
    """Convert stored Python values into JSON-encodable ones."""
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, Mapping):
        return {str(key): to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return value


def render_record(
    resource: Resource,
    record: Mapping[str, Any],
    *,
    include_lines: bool = True,
    extra_fields: bool = False,
) -> dict[str, Any]:
    """A stored record as Halo sends it (lines only when asked for)."""
    body: dict[str, Any] = to_wire(record)
    if not include_lines:
        body.pop("lines", None)
    if extra_fields:
        body.update(EXTRA_FIELDS)
        for line in body.get("lines") or []:
            line.update(EXTRA_FIELDS)
    return body


def dumps(payload: Any) -> bytes:
    """Encode a wire payload (``to_wire`` is applied, so Decimals are allowed)."""
    return json.dumps(to_wire(payload), ensure_ascii=False, separators=(",", ":")).encode()


def loads(body: bytes) -> Any:
    """Decode a request body with exact decimals; malformed JSON is a 400."""
    try:
        text = body.decode("utf-8-sig")
        return json.loads(text, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"The request body is not valid JSON: {exc}"
        raise ApiError(400, msg) from None
