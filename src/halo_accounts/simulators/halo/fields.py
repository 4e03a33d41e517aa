"""The field names the simulator knows per Halo schema, and how incoming values are read.

Each table is a curated subset of the schema in Halo's OpenAPI file (``Area``, ``Site``,
``Item``, ``Tax``, ``InvoiceHeader``, ``InvoiceDetail``, ``InvoicePayment_List``, ``Company``,
``SupplierOrderHeader``, ``SupplierOrderDetail``, ``IntegrationError``, ``AddressStore``);
a unit test checks every name and kind against that file. Halo ignores JSON fields it does
not know, so names outside these tables are dropped on input; values of the wrong type are a
400, as ASP.NET model binding would answer.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from halo_accounts.domain.money import MoneyError, to_decimal

__all__ = [
    "ADDRESS_FIELDS",
    "FieldError",
    "Kind",
    "clean_object",
    "coerce",
    "parse_instant",
    "truncate_ms",
]


class Kind(enum.Enum):
    """The JSON shape of a field as the OpenAPI file declares it."""

    STR = "string"
    INT = "integer"
    BOOL = "boolean"
    DEC = "number"
    DATETIME = "date-time"
    ADDRESS = "AddressStore"
    LINES = "array"


FieldTable = Mapping[str, Kind]


class FieldError(ValueError):
    """An incoming value that cannot be read as its field's kind."""


ADDRESS_FIELDS: FieldTable = {
    "id": Kind.INT,
    "description": Kind.STR,
    "line1": Kind.STR,
    "line2": Kind.STR,
    "line3": Kind.STR,
    "line4": Kind.STR,
    "postcode": Kind.STR,
}

_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def truncate_ms(moment: datetime) -> datetime:
    """Drop sub-millisecond digits, so stored instants equal what is rendered."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def parse_instant(text: str) -> datetime:
    """Read an ISO 8601 date or date-time; a time without offset is UTC (Halo's habit)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        msg = f"{text!r} is not a valid date"
        raise FieldError(msg) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return truncate_ms(moment.astimezone(UTC))


def _as_int(name: str, value: object) -> int:
    if isinstance(value, bool):
        msg = f"Field '{name}' must be a whole number"
        raise FieldError(msg)
    if isinstance(value, int):
        return value
    try:
        number = to_decimal(value)
    except MoneyError:
        msg = f"Field '{name}' must be a whole number"
        raise FieldError(msg) from None
    if number != number.to_integral_value():
        msg = f"Field '{name}' must be a whole number"
        raise FieldError(msg)
    return int(number)


def _as_bool(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    msg = f"Field '{name}' must be true or false"
    raise FieldError(msg)


def _as_str(name: str, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    msg = f"Field '{name}' must be text"
    raise FieldError(msg)


def coerce(name: str, kind: Kind, value: object) -> Any:
    """Read one incoming value as ``kind``; ``None`` stays ``None`` (every field is nullable)."""
    if value is None:
        return None
    if kind is Kind.STR:
        return _as_str(name, value)
    if kind is Kind.INT:
        return _as_int(name, value)
    if kind is Kind.BOOL:
        return _as_bool(name, value)
    if kind is Kind.DEC:
        if isinstance(value, bool):
            msg = f"Field '{name}' must be a number"
            raise FieldError(msg)
        try:
            return to_decimal(value)
        except MoneyError:
            msg = f"Field '{name}' must be a number"
            raise FieldError(msg) from None
    if kind is Kind.DATETIME:
        if not isinstance(value, str):
            msg = f"Field '{name}' must be a date"
            raise FieldError(msg)
        return parse_instant(value)
    if kind is Kind.ADDRESS:
        if not isinstance(value, dict):
            msg = f"Field '{name}' must be an address object"
            raise FieldError(msg)
        return clean_object(ADDRESS_FIELDS, value)
    msg = f"Field '{name}' cannot be read here"
    raise FieldError(msg)


def clean_object(
    table: FieldTable,
    raw: Mapping[str, Any],
    *,
    readonly: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Keep the known, writable fields of ``raw``, each read as its kind.

    ``LINES`` fields are returned as the raw list; the caller cleans each line against the
    line table, because only it knows which one applies.
    """
    cleaned: dict[str, Any] = {}
    for name, value in raw.items():
        kind = table.get(name)
        if kind is None or name in readonly:
            continue
        if kind is Kind.LINES:
            if value is not None and not isinstance(value, list):
                msg = f"Field '{name}' must be an array"
                raise FieldError(msg)
            cleaned[name] = value
            continue
        coerced = coerce(name, kind, value)
        if kind is Kind.ADDRESS and coerced is None:
            continue  # AddressStore is not nullable in the schema; null means "leave it"
        cleaned[name] = coerced
    return cleaned
