"""A small, safe SOAP 1.1/1.2 reader and writer for the Web Connector's document/literal calls.

Requests are found by local name (the Web Connector's ``Style`` setting changes the framing),
parameters too. Everything received is untrusted: a size limit, no DTD (so no external entity
and no "billion laughs"), no network, no huge trees. Answers put every element in the
``http://developer.intuit.com/`` namespace, including the ``<string>`` items of
``authenticateResult`` (a wrongly namespaced array makes the Web Connector fail with QBWC1012).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from halo_accounts.connectors.quickbooks.qbxml.parse import safe_parser

__all__ = ["MAX_BODY_BYTES", "NS", "SoapCall", "SoapError", "fault", "parse_call", "result"]

NS = "http://developer.intuit.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
MAX_BODY_BYTES = 32 * 1024 * 1024  # a big query answer with lines; far beyond any real request
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # what XML 1.0 cannot carry


class SoapError(Exception):
    """A request that is not a SOAP call we can answer; becomes a SOAP fault."""

    def __init__(self, message: str, *, client_fault: bool = True, soap12: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.client_fault = client_fault
        self.soap12 = soap12


@dataclass(frozen=True, slots=True)
class SoapCall:
    """One operation call: its local name, its parameters by local name, and the SOAP version."""

    operation: str
    params: dict[str, str]
    soap12: bool = False

    def text(self, name: str) -> str:
        """A parameter's text, ``""`` when absent or empty."""
        return self.params.get(name, "")

    def integer(self, name: str, default: int = 0) -> int:
        """A parameter read as a whole number."""
        try:
            return int(self.params.get(name, "").strip() or default)
        except ValueError:
            return default


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def parse_call(body: bytes) -> SoapCall:
    """Read one SOAP call; ``SoapError`` for anything else."""
    if len(body) > MAX_BODY_BYTES:
        msg = f"The request is larger than {MAX_BODY_BYTES // 2**20} MB."
        raise SoapError(msg)
    if not body.strip():
        msg = "The request body is empty."
        raise SoapError(msg)
    # A document type declaration is how XXE and entity bombs arrive; SOAP never needs one.
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        msg = "Document type declarations are not accepted."
        raise SoapError(msg)
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError:
        msg = "The request is not well-formed XML."
        raise SoapError(msg) from None
    # The byte check above cannot see a declaration in UTF-16 or another multi-byte encoding.
    if getattr(root.getroottree().docinfo, "doctype", ""):  # lxml's stubs lack DocInfo.doctype
        msg = "Document type declarations are not accepted."
        raise SoapError(msg)
    namespace = etree.QName(root).namespace
    if _local(root.tag) != "Envelope" or namespace not in (SOAP11, SOAP12):
        msg = "The request is not a SOAP envelope."
        raise SoapError(msg)
    soap12 = namespace == SOAP12
    soap_body = next((child for child in root if _local(child.tag) == "Body"), None)
    operation = None if soap_body is None else next((c for c in soap_body if isinstance(c.tag, str)), None)
    if operation is None:
        msg = "The SOAP body names no operation."
        raise SoapError(msg, soap12=soap12)
    op_namespace = etree.QName(operation).namespace
    if op_namespace not in (NS, None):
        msg = f"Operations are in the namespace {NS}, not {op_namespace}."
        raise SoapError(msg, soap12=soap12)
    params = {_local(child.tag): (child.text or "") for child in operation if isinstance(child.tag, str)}
    return SoapCall(_local(operation.tag), params, soap12)


def _text(value: str) -> str:
    r"""``value`` as XML character data that reads back exactly.

    A parser turns a raw carriage return into a line feed, so ``\r`` is written as a character
    reference (a memo's ``\r\n`` reaches QuickBooks unchanged). Characters XML 1.0 cannot carry
    at all (most C0 controls, lone surrogates) would make the whole answer unreadable to the Web
    Connector, so they become U+FFFD.
    """
    return _NOT_XML.sub("\ufffd", escape(value)).replace("\r", "&#13;")


def _envelope(inner: str, soap12: bool) -> bytes:
    namespace = SOAP12 if soap12 else SOAP11
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{namespace}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{inner}</soap:Body></soap:Envelope>'
    ).encode()


def result(operation: str, value: str | int | Sequence[str], *, soap12: bool = False) -> bytes:
    """The response envelope for ``operation`` carrying ``value``."""
    if isinstance(value, int):
        payload = str(value)
    elif isinstance(value, str):
        payload = _text(value)
    else:
        payload = "".join(f"<string>{_text(item)}</string>" for item in value)
    inner = f'<{operation}Response xmlns="{NS}"><{operation}Result>{payload}</{operation}Result></{operation}Response>'
    return _envelope(inner, soap12)


def fault(message: str, *, client: bool = True, soap12: bool = False) -> bytes:
    """A SOAP fault, for requests that are not calls we can answer."""
    if soap12:
        code = "soap:Sender" if client else "soap:Receiver"
        inner = (
            f"<soap:Fault><soap:Code><soap:Value>{code}</soap:Value></soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{_text(message)}</soap:Text></soap:Reason></soap:Fault>'
        )
    else:
        code = "soap:Client" if client else "soap:Server"
        inner = f"<soap:Fault><faultcode>{code}</faultcode><faultstring>{_text(message)}</faultstring></soap:Fault>"
    return _envelope(inner, soap12)
