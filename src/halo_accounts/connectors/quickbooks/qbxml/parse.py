"""Parse qbXML responses leniently and safely.

Status codes ride on a well-formed document: every ``*Rs`` carries ``statusCode``,
``statusSeverity`` and ``statusMessage``, and an error ``*Rs`` usually has no rows. Unknown
elements and enum values QuickBooks sends but Intuit's schema lacks (``Mail``, new TxnTypes)
are simply kept as text, never fatal. XML from outside is parsed with entities, DTDs and the
network off, and with a size limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from halo_accounts.errors import FatalError

__all__ = ["MAX_RESPONSE_BYTES", "QBObject", "Response", "parse_message", "safe_parser"]

MAX_RESPONSE_BYTES = 64 * 1024 * 1024


def safe_parser() -> etree.XMLParser:
    """An lxml parser for untrusted XML: no entities, no DTD, no network, no huge trees."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


class QBObject:
    """A read-only view of one returned element (``CustomerRet``, an address, a line ...)."""

    __slots__ = ("_element",)

    def __init__(self, element: etree._Element) -> None:
        self._element = element

    @property
    def tag(self) -> str:
        """The element name, e.g. ``InvoiceRet``."""
        return str(self._element.tag)

    def text(self, path: str, default: str = "") -> str:
        """Text at ``path`` (slash-separated child names), or ``default``."""
        found = self._element.find(path)
        if found is None or found.text is None:
            return default
        return str(found.text)

    def get(self, path: str) -> str | None:
        """Text at ``path``, or ``None`` when the element is absent."""
        found = self._element.find(path)
        return None if found is None else str(found.text or "")

    def decimal(self, path: str) -> Decimal | None:
        """A number at ``path`` as ``Decimal``."""
        raw = self.get(path)
        if raw is None or not raw.strip():
            return None
        try:
            return Decimal(raw.strip())
        except InvalidOperation:
            return None

    def boolean(self, path: str) -> bool | None:
        """``true``/``false`` at ``path``."""
        raw = self.get(path)
        return None if raw is None else raw.strip().lower() == "true"

    def integer(self, path: str) -> int | None:
        """A whole number at ``path``."""
        raw = self.get(path)
        try:
            return None if raw is None else int(raw.strip())
        except ValueError:
            return None

    def date(self, path: str) -> date | None:
        """A ``YYYY-MM-DD`` date at ``path``."""
        raw = self.get(path)
        try:
            return None if not raw else date.fromisoformat(raw.strip()[:10])
        except ValueError:
            return None

    def datetime(self, path: str) -> datetime | None:
        """A timestamp at ``path``, with QuickBooks' local offset when it gives one."""
        raw = self.get(path)
        try:
            return None if not raw else datetime.fromisoformat(raw.strip())
        except ValueError:
            return None

    def ref(self, path: str) -> tuple[str, str]:
        """``(ListID, FullName)`` of a reference aggregate, empty strings when absent."""
        return self.text(f"{path}/ListID"), self.text(f"{path}/FullName")

    def children(self, name: str) -> list[QBObject]:
        """Every direct child called ``name`` (lines, applied transactions ...)."""
        return [QBObject(child) for child in self._element.iterfind(name)]

    def child(self, name: str) -> QBObject | None:
        """The first direct child called ``name``."""
        found = self._element.find(name)
        return None if found is None else QBObject(found)

    def __repr__(self) -> str:
        return f"QBObject({self.tag})"


@dataclass(frozen=True, slots=True)
class Response:
    """One ``*Rs`` element: its status and the objects it returned."""

    name: str
    request_id: str | None
    status_code: int
    severity: str
    message: str
    objects: list[QBObject] = field(default_factory=list)
    iterator_id: str | None = None
    iterator_remaining: int | None = None

    @property
    def ok(self) -> bool:
        """Status 0 (OK), or 1 (no match), which is an empty answer, not a failure."""
        return self.status_code in (0, 1) or self.severity == "Info"

    @property
    def request_name(self) -> str:
        """The request this answers, e.g. ``CustomerAddRq``."""
        return self.name[:-2] + "Rq"

    def first(self) -> QBObject | None:
        """The first returned object."""
        return self.objects[0] if self.objects else None

    def fields(self) -> dict[str, str]:
        """Tag -> text, for answers that carry their fields directly (``TxnVoidRs``, ``TxnDelRs``)."""
        return {o.tag: o.text(".") for o in self.objects}


def parse_message(xml: str | bytes) -> list[Response]:
    """Every ``*Rs`` of a QBXML response message, in order."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if len(data) > MAX_RESPONSE_BYTES:
        msg = f"QuickBooks' response is larger than {MAX_RESPONSE_BYTES // 2**20} MB; lower the page size."
        raise FatalError(msg)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        msg = "QuickBooks sent a response that is not well-formed XML."
        raise FatalError(msg, detail=str(exc)) from None
    if root.tag != "QBXML":
        msg = f"QuickBooks sent a response whose root is <{root.tag}>, not <QBXML>."
        raise FatalError(msg)
    return list(_responses(root))


def _responses(root: etree._Element) -> Iterator[Response]:
    for block in root:
        if not isinstance(block.tag, str) or not block.tag.endswith("MsgsRs"):
            continue
        for rs in block:
            if not isinstance(rs.tag, str) or not rs.tag.endswith("Rs"):
                continue
            attrib = rs.attrib
            try:
                code = int(attrib.get("statusCode", "0"))
            except ValueError:
                code = -1
            remaining = attrib.get("iteratorRemainingCount")
            yield Response(
                name=str(rs.tag),
                request_id=attrib.get("requestID"),
                status_code=code,
                severity=str(attrib.get("statusSeverity", "Info")),
                message=str(attrib.get("statusMessage", "")),
                objects=[QBObject(child) for child in rs if isinstance(child.tag, str)],
                iterator_id=attrib.get("iteratorID"),
                iterator_remaining=int(remaining) if remaining and remaining.isdigit() else None,
            )
