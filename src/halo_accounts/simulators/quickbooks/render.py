"""Writing responses: records to ``*Ret`` elements in schema order, and the ``QBXML`` envelope.

Records are stored the way QuickBooks returns them (strings already formatted, aggregates as
dicts, repeated children as lists), so rendering is a walk over ``orders``. Keys starting
with ``_`` are the simulator's own bookkeeping and never leave it. lxml escapes ``& < >``
(and ``"`` in attributes) as QuickBooks does; the document is written as Unicode text
without an encoding in the declaration, like the ``<?xml version="1.0" ?>`` QuickBooks sends
(research §2.1, the consolibyte #92 log).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from halo_accounts.simulators.quickbooks.errors import severity, status_message
from halo_accounts.simulators.quickbooks.orders import CHILD, ORDERS

__all__ = ["Record", "field_elements", "render_document", "render_ret", "status_element"]

Record = dict[str, Any]


def _positions_for(tag: str) -> dict[str, int]:
    positions = _POSITIONS.get(tag)
    if positions is None:
        key = CHILD.get(tag)
        if key is None:
            key = tag if tag in ORDERS else ("Ref" if tag.endswith("Ref") else tag)
        positions = _POSITIONS[tag] = {name: index for index, name in enumerate(ORDERS.get(key, ()))}
    return positions


# tag -> {child name: position}, filled on first use: rendering runs for every returned record,
# and sorting a record's own keys is cheaper than probing it for every name the schema allows.
_POSITIONS: dict[str, dict[str, int]] = {}


def _fill(element: etree._Element, value: Mapping[str, Any], positions: Mapping[str, int]) -> None:
    names = [name for name in value if name in positions]
    names.sort(key=positions.__getitem__)
    sub = etree.SubElement
    for name in names:
        item = value[name]
        kind = type(item)
        if kind is str:
            sub(element, name).text = item
        elif item is None:
            continue
        elif kind is list:
            for entry in item:
                _add(element, name, entry)
        else:
            _add(element, name, item)


def _add(parent: etree._Element, name: str, item: Any) -> None:
    child = etree.SubElement(parent, name)
    if isinstance(item, dict):
        _fill(child, item, _positions_for(name))
    else:
        child.text = str(item)


def render_ret(tag: str, record: Mapping[str, Any], include: frozenset[str] | None = None) -> etree._Element:
    """``record`` as a ``tag`` element (e.g. ``CustomerRet``); ``include`` = IncludeRetElement names."""
    element = etree.Element(tag)
    positions = _positions_for(tag)
    if include:
        positions = {name: index for name, index in positions.items() if name in include}
    _fill(element, record, positions)
    return element


def status_element(
    tag: str,
    request_id: str | None,
    code: int,
    message: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> etree._Element:
    """An ``*Rs`` element with QuickBooks' attribute order: requestID, status, then iterator ones."""
    element = etree.Element(tag)
    if request_id is not None:
        element.set("requestID", request_id)
    element.set("statusCode", str(code))
    element.set("statusSeverity", severity(code))
    element.set("statusMessage", message if message is not None else status_message(code))
    for name, value in (extra or {}).items():
        element.set(name, value)
    return element


def render_document(responses: Iterable[etree._Element], *, messages_tag: str = "QBXMLMsgsRs") -> str:
    """The whole response text: declaration, ``QBXML``, ``QBXMLMsgsRs`` and one ``*Rs`` per request."""
    root = etree.Element("QBXML")
    messages = etree.SubElement(root, messages_tag)
    messages.extend(responses)
    etree.indent(root, space="")  # one element per line, no indentation, as QuickBooks writes
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" ?>\n{body}\n'


def field_elements(values: Mapping[str, Any], order: Iterable[str]) -> list[etree._Element]:
    """Fields given directly in a response, not inside a ``*Ret`` aggregate (``TxnDelRs``, ``TxnVoidRs``)."""
    elements = []
    for name in order:
        if values.get(name):
            element = etree.Element(name)
            element.text = str(values[name])
            elements.append(element)
    return elements
