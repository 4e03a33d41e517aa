"""Build qbXML request messages from plain values, in schema order, for one edition and version.

Values are mappings keyed by element name (nested mappings for aggregates, lists for repeated
elements); the spec decides the order, so callers never think about it. Before anything is
written, every value is checked: a field that does not exist in the company's edition or qbXML
version is left out (QuickBooks would refuse the whole message), text that is too long is a
``RecordError`` naming the field, the limit and the fix (or is shortened deterministically when
a :class:`Shortener` is given, and the change is reported), and a misuse by our own code (an
unknown element, a bad enum value) is a ``FatalError``. Text is escaped for XML (``& < > "``)
and stripped of control characters XML cannot carry.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from halo_accounts.connectors.quickbooks.qbxml.catalog import ITERATOR_QUERIES, REQUEST_SPECS
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version
from halo_accounts.connectors.quickbooks.qbxml.spec import Kind, Node
from halo_accounts.domain.money import CENT
from halo_accounts.errors import FatalError, RecordError

__all__ = ["OnError", "Ref", "Request", "Shortener", "Shortening", "build_message", "escape"]

MAX_REQUEST_ID = 50
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# GUIDTYPE also allows "0": OwnerID 0 asks QuickBooks for the custom fields set up in its own screens.
_GUID = re.compile(r"^(0|\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\})$")
_FIVE_PLACES = Decimal("0.00001")
OnError = str  # "stopOnError" | "continueOnError"


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a list object; QuickBooks uses ``list_id`` when both are given."""

    list_id: str | None = None
    full_name: str | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """One ``*Rq`` element: its name, its body values and the attributes it carries."""

    name: str
    body: Mapping[str, Any] = field(default_factory=dict)
    request_id: str | None = None
    iterator: str | None = None  # "Start" | "Continue" | "Stop"
    iterator_id: str | None = None
    record: str = ""  # names the record in messages, e.g. "invoice INV-1042"


@dataclass(frozen=True, slots=True)
class Shortening:
    """A value that was shortened to fit, so the change can be recorded and shown."""

    request_id: str | None
    path: str
    original: str
    shortened: str


class Shortener:
    """Deterministic shortening: keep the start, end with ``~`` and 4 hex digits of a hash.

    The same long name always gives the same short one, and two long names that share their
    first characters still differ, so shortening never creates a duplicate by accident.
    """

    def __init__(self) -> None:
        self.applied: list[Shortening] = []

    def shorten(self, value: str, limit: int) -> str:
        """``value`` cut to ``limit`` characters with a stable suffix."""
        digest = hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()[:4].upper()
        return value[: max(1, limit - 5)].rstrip() + "~" + digest


def escape(value: str) -> str:
    """Text made safe for a qbXML element: control characters dropped, ``& < > "`` escaped."""
    value = _CONTROL.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def build_message(
    requests: Sequence[Request],
    *,
    edition: Edition,
    version: Version,
    on_error: OnError = "stopOnError",
    shortener: Shortener | None = None,
) -> str:
    """A complete qbXML message holding ``requests`` in order."""
    if on_error not in ("stopOnError", "continueOnError"):
        msg = f"onError must be stopOnError or continueOnError (QuickBooks does not roll back), not {on_error}"
        raise FatalError(msg)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<?qbxml version="{version}"?>\n',
        f'<QBXML>\n<QBXMLMsgsRq onError="{on_error}">\n',
    ]
    for request in requests:
        parts.append(_render_request(request, edition, version, shortener))
    parts.append("</QBXMLMsgsRq>\n</QBXML>\n")
    return "".join(parts)


def _render_request(request: Request, edition: Edition, version: Version, shortener: Shortener | None) -> str:
    spec = REQUEST_SPECS.get(request.name)
    if spec is None:
        msg = f"The integrator has no rules for the qbXML request {request.name}."
        raise FatalError(msg)
    if not spec.exists_in(edition, version):
        msg = f"{request.name} needs qbXML {spec.since} or newer; this QuickBooks speaks {version}."
        raise FatalError(msg)
    attributes = ""
    if request.request_id is not None:
        if not 0 < len(request.request_id) <= MAX_REQUEST_ID:
            msg = f"requestID '{request.request_id}' must be 1 to {MAX_REQUEST_ID} characters."
            raise FatalError(msg)
        attributes += f' requestID="{escape(request.request_id)}"'
    if request.iterator is not None:
        if request.name not in ITERATOR_QUERIES:
            msg = f"{request.name} does not accept iterators in QuickBooks."
            raise FatalError(msg)
        attributes += f' iterator="{request.iterator}"'
        if request.iterator_id:
            attributes += f' iteratorID="{escape(request.iterator_id)}"'
    writer = _Writer(edition, version, shortener, request)
    inner = writer.children(spec, request.body, request.name)
    return f"<{request.name}{attributes}>{inner}</{request.name}>\n"


@dataclass
class _Writer:
    edition: Edition
    version: Version
    shortener: Shortener | None
    request: Request

    def children(self, node: Node, values: Mapping[str, Any], path: str) -> str:
        # Walk only the values given (few), in schema order, not every element the schema allows (many).
        present: list[tuple[int, Node, Any]] = []
        for name, value in values.items():
            entry = node.positions.get(name)
            if entry is None:
                msg = f"{path} has no element {name} in the integrator's qbXML rules."
                raise FatalError(msg)
            if not _is_empty(value):
                present.append((entry[0], entry[1], value))
        for child in node.required_children:
            if _is_empty(values.get(child.name)) and child.exists_in(self.edition, self.version):
                self._missing(child, f"{path}/{child.name}")
        if node.one_of and all(_is_empty(values.get(name)) for name in node.one_of):
            record = self.request.record or self.request.name
            msg = f"QuickBooks needs {' or '.join(node.one_of)} for {record}; the integrator sent neither."
            raise RecordError(msg, record=record, detail=path)
        present.sort(key=lambda entry: entry[0])
        out: list[str] = []
        for _, child, value in present:
            if not child.exists_in(self.edition, self.version):
                continue  # QuickBooks of this edition or version would refuse the whole message
            items = value if child.repeats and isinstance(value, list | tuple) else (value,)
            for item in items:
                out.append(self.element(child, item, f"{path}/{child.name}"))
        return "".join(out)

    def element(self, node: Node, value: Any, path: str) -> str:
        if node.kind is Kind.AGGREGATE:
            if isinstance(value, Ref):
                # ListID wins; sending both only invites confusion, and an empty ListID is no id at all
                value = {"ListID": value.list_id or None, "FullName": None if value.list_id else value.full_name}
            if not isinstance(value, Mapping):
                msg = f"{path} needs a mapping of child elements, not {type(value).__name__}."
                raise FatalError(msg)
            return f"<{node.name}>{self.children(node, value, path)}</{node.name}>"
        return f"<{node.name}>{self.scalar(node, value, path)}</{node.name}>"

    def scalar(self, node: Node, value: Any, path: str) -> str:
        kind = node.kind
        if kind is Kind.BOOL:
            return "true" if _require(value, bool, path) else "false"
        if kind is Kind.AMOUNT:
            return self._number(_require(value, Decimal, path), CENT, 13, node, path)
        if kind in (Kind.PRICE, Kind.QUANTITY, Kind.PERCENT):
            return self._number(_require(value, Decimal, path), _FIVE_PLACES, 10, node, path)
        if kind is Kind.INT:
            return str(_require(value, int, path))
        if kind is Kind.DATE:
            if isinstance(value, datetime) or not isinstance(value, date):
                msg = f"{path} needs a date, not {value!r}."
                raise FatalError(msg)
            return value.isoformat()
        if kind is Kind.DATETIME:
            moment: datetime = _require(value, datetime, path)
            return moment.isoformat(timespec="seconds")
        text = _require(value, str, path)
        if kind is Kind.ENUM and node.values and text not in node.values:
            msg = f"{path} cannot be '{text}'; QuickBooks accepts {', '.join(node.values)}."
            raise FatalError(msg)
        if kind is Kind.GUID and not _GUID.match(text):
            msg = f"{path} must be a GUID in braces, not '{text}'."
            raise FatalError(msg)
        clean = _CONTROL.sub("", text)
        limit = node.limit(self.edition)
        if limit is not None and len(clean) > limit:
            clean = self._too_long(node, clean, limit, path)
        return escape(clean)

    def _number(self, value: Decimal, places: Decimal, digits: int, node: Node, path: str) -> str:
        if not value.is_finite():
            msg = f"{path} needs a finite number, not {value}."
            raise FatalError(msg)
        if value.is_zero() or value.adjusted() < digits:  # a bigger one could overflow quantize; refused below
            # half away from zero, the books' rule (domain.money); AMTTYPE keeps exactly 2 places
            value = value.quantize(places, rounding=ROUND_HALF_UP)
            if places != CENT:
                value = value.normalize()
        text = format(abs(value) if value.is_zero() else value, "f")
        if len(text.lstrip("-").split(".")[0]) > digits:
            record = self.request.record or self.request.name
            msg = (
                f"{node.name} of {record} is {text}, more than QuickBooks can hold ({digits} digits). "
                "Check the amount in Halo."
            )
            raise RecordError(msg, record=record, detail=path)
        return text

    def _too_long(self, node: Node, value: str, limit: int, path: str) -> str:
        # Only names we create are shortened; a shortened reference would point at another record.
        if self.shortener is not None and "Ref/" not in path:
            short = self.shortener.shorten(value, limit)
            if len(short) <= limit:  # a code of 3 to 5 characters has no room for the ~hash suffix
                self.shortener.applied.append(Shortening(self.request.request_id, path, value, short))
                return short
        record = self.request.record or self.request.name
        msg = (
            f"QuickBooks allows at most {limit} characters in {node.name} ({self.edition.label}), "
            f"but {record} has {len(value)}: '{value}'. Shorten it in Halo, or turn on name shortening "
            "(the company's settings: shorten_long_names)."
        )
        raise RecordError(msg, record=record, detail=path)

    def _missing(self, node: Node, path: str) -> None:
        record = self.request.record or self.request.name
        what = "at least one line" if node.repeats and node.kind is Kind.AGGREGATE else node.name
        msg = f"QuickBooks needs {what} for {record}, and it is empty. Fill it in in Halo."
        raise RecordError(msg, record=record, detail=path)


def _is_empty(value: Any) -> bool:
    # An empty reference names nothing, and an empty list sends nothing: both count as absent.
    if isinstance(value, Ref):
        return not (value.list_id or value.full_name)
    return value is None or (isinstance(value, list | tuple) and not value)


def _require(value: Any, kind: type, path: str) -> Any:
    if kind is Decimal and isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        msg = f"{path} needs a {kind.__name__}, not {value!r}."
        raise FatalError(msg)
    return value
