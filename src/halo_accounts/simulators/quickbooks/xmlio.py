"""Reading request text safely and writing qbXML values the way QuickBooks formats them.

Requests arrive as strings (a COM BSTR or the Web Connector's SOAP field), so any encoding
named in the XML declaration is meaningless; the text is read as Unicode. Entities, DTDs
and network access are off and documents with a DOCTYPE are refused (design §8).

QuickBooks writes amounts with two decimals (AMTTYPE), prices, quantities and percentages
with up to five, booleans as ``true``/``false`` and times with the company's UTC offset
(``2015-11-04T14:39:10-08:00``, research §2.1).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

__all__ = [
    "MessageParseError",
    "fmt_amount",
    "fmt_bool",
    "fmt_datetime",
    "fmt_price",
    "fmt_quantity",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_message",
]

_DECLARATION_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
_PRICE_PLACES = Decimal("0.00001")
_CENT = Decimal("0.01")


class MessageParseError(Exception):
    """The text is not a qbXML document QuickBooks could read (answered with HRESULT 0x80040400)."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_blank_text=True,
    )


def parse_message(text: str) -> tuple[str | None, etree._Element]:
    """Parse a request; return the ``<?qbxml version?>`` value (``None`` if absent) and the root."""
    if not isinstance(text, str):
        msg = "the request must be text"
        raise MessageParseError(msg)
    body = _DECLARATION_ENCODING.sub(r"\1", text.lstrip("\ufeff"), count=1)
    try:
        tree = etree.ElementTree(etree.fromstring(body.encode("utf-8"), _parser()))
    except etree.XMLSyntaxError as exc:
        raise MessageParseError(str(exc)) from None
    if getattr(tree.docinfo, "doctype", ""):  # lxml has it; its stubs do not
        msg = "a DOCTYPE is not allowed"
        raise MessageParseError(msg)
    root = tree.getroot()
    version: str | None = None
    for sibling in root.itersiblings(preceding=True):
        if isinstance(sibling, etree._ProcessingInstruction) and sibling.target == "qbxml":
            version = sibling.get("version")
    return version, root


def parse_bool(text: str | None) -> bool:
    """XSD boolean: ``true``/``1`` are true; anything else (``false``, ``0``, empty) is false."""
    return (text or "").strip() in ("true", "1")


def fmt_bool(value: bool) -> str:
    """``true`` or ``false``."""
    return "true" if value else "false"


def parse_decimal(text: str | None) -> Decimal | None:
    """An amount, price, quantity or percentage; ``None`` when empty or unreadable."""
    if text is None or not text.strip():
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def fmt_amount(value: Decimal) -> str:
    """AMTTYPE: two decimals, half away from zero."""
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def fmt_price(value: Decimal) -> str:
    """PRICETYPE / PERCENTTYPE: at least two and at most five decimals (``125.00``, ``8.875``)."""
    rounded = value.quantize(_PRICE_PLACES, rounding=ROUND_HALF_UP).normalize()
    exponent = rounded.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        rounded = rounded.quantize(_CENT)
    return format(rounded, "f")


def fmt_quantity(value: Decimal) -> str:
    """QUANTYPE: as few decimals as needed (``2``, ``1.5``), at most five."""
    rounded = value.quantize(_PRICE_PLACES, rounding=ROUND_HALF_UP).normalize()
    return format(rounded, "f")


def fmt_datetime(moment: datetime) -> str:
    """``2015-11-04T14:39:10-08:00``: seconds, and the offset in force at that moment."""
    return moment.replace(microsecond=0).isoformat()


_DATETIME = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})([+-]\d{1,2}:\d{1,2})?)?)?)?$"
)


def parse_date(text: str | None) -> date | None:
    """DATETYPE (``2024-05-01``); ``None`` when empty or invalid."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_datetime(text: str | None, zone: tzinfo, *, end_of_period: bool = False) -> datetime | None:
    """DATETIMETYPE, any of its precisions; missing parts and offset come from the company.

    A date alone means the whole day: its first second, or its last when ``end_of_period``
    (so ``ToModifiedDate=2024-05-01`` includes everything modified that day).
    """
    match = _DATETIME.match((text or "").strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        day_start = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if hour is None:
        moment = datetime.combine(day_start, time(23, 59, 59) if end_of_period else time(0), zone)
        return moment
    stamp = datetime.combine(day_start, time(int(hour), int(minute or 0), int(second or 0)))
    if offset is None:
        return stamp.replace(tzinfo=zone)
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    return stamp.replace(tzinfo=timezone(sign * timedelta(hours=int(hours), minutes=int(minutes))))
