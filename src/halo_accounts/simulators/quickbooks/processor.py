"""One qbXML message, as ``ProcessRequest`` handles it: check the whole message, then each request.

The message is refused whole, with HRESULT 0x80040400 and nothing applied, when it is not
well-formed, lacks ``<?qbxml version?>`` or names a version the file does not serve (the
version text, research §2.5), breaks Intuit's XSD (element order, required elements, US
lengths adjusted per edition) or breaks the edition rules (research §0.4, §7.4). Otherwise
each ``*Rq`` gets one ``*Rs`` echoing its ``requestID``; with ``stopOnError`` (and
``rollbackOnError``, which QuickBooks does not honour, research §2.1) the requests after the
first error get no ``*Rs`` at all; ``continueOnError`` processes them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from halo_accounts.simulators.quickbooks import (  # noqa: F401 - importing registers the handlers
    company_info,
    deletes,
    lists,
    payments,
    purchases,
    sales,
    voids,
)
from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.editions import PROCESSABLE_VERSIONS, EditionProfile
from halo_accounts.simulators.quickbooks.errors import (
    HRESULT_PARSE,
    HRESULT_VERSION,
    MSG_PARSE,
    MSG_VERSION,
    QuickBooksComError,
    StatusError,
    severity,
    status_message,
)
from halo_accounts.simulators.quickbooks.registry import HANDLERS, ITERABLE, Outcome, is_write
from halo_accounts.simulators.quickbooks.render import status_element
from halo_accounts.simulators.quickbooks.rules import edition_violation
from halo_accounts.simulators.quickbooks.xmlio import MessageParseError, parse_message

__all__ = ["Message", "RequestHooks", "answer", "read_message"]

_ON_ERROR = ("stopOnError", "continueOnError", "rollbackOnError")


def _refuse(detail: str) -> QuickBooksComError:
    return QuickBooksComError(HRESULT_PARSE, MSG_PARSE, detail=detail)


@dataclass(frozen=True)
class Message:
    """A request message that passed every message-level check."""

    version: str
    on_error: str
    requests: list[etree._Element]
    include_data: bool = True  # responseData="includeNone" asks for statuses only


def _shape_problem(messages: etree._Element) -> str | None:
    """What the XSD would also refuse, checked here for runs without Intuit's files."""
    if messages.get("onError") not in _ON_ERROR:
        return "QBXMLMsgsRq needs onError=stopOnError|continueOnError|rollbackOnError"
    for request in messages:
        tag = str(request.tag)
        if not tag.endswith("Rq"):
            return f"{tag} is not a request"
        if request.get("iterator") is not None and tag not in ITERABLE:
            return f"{tag} takes no iterator attribute"
        if tag.endswith(("AddRq", "ModRq")) and request.find(tag[:-2]) is None:
            return f"{tag} has no {tag[:-2]} element"
    return None


def read_message(text: str, profile: EditionProfile, schema: etree.XMLSchema | None) -> Message:
    """Parse and check a message; raise ``QuickBooksComError`` as QuickBooks would refuse it."""
    try:
        version, root = parse_message(text)
    except MessageParseError as exc:
        detail = f"not well-formed: {exc}"
        raise _refuse(detail) from None
    if version is None:
        detail = "the <?qbxml version?> processing instruction is missing"
        raise _refuse(detail)
    if version not in PROCESSABLE_VERSIONS or version not in profile.supported_versions:
        raise QuickBooksComError(HRESULT_VERSION, MSG_VERSION, detail=f"qbXML version {version!r}")
    messages = root.find("QBXMLMsgsRq") if root.tag == "QBXML" else None
    if messages is None:
        detail = "the root must be QBXML with a QBXMLMsgsRq"
        raise _refuse(detail)
    if schema is not None and not schema.validate(root):
        detail = "schema: " + (str(schema.error_log).splitlines() or ["invalid"])[0]
        raise _refuse(detail)
    problem = _shape_problem(messages) or edition_violation(messages, profile.sdk_code)
    if problem is not None:
        raise _refuse(problem)
    include = messages.get("responseData", "includeAll") != "includeNone"
    return Message(version, str(messages.get("onError")), list(messages), include)


class RequestHooks:
    """Per-request fault hooks the company supplies (slow processing, locks, dropped sessions)."""

    def before(self, tag: str) -> None:
        """Called before each request; may raise ``QuickBooksComError`` to end the message."""

    def write_status(self, tag: str) -> StatusError | None:
        """A status to answer a write request with instead of processing it."""
        return None

    def after(self) -> None:
        """Called after each request is answered."""


def _response_tag(request_tag: str) -> str:
    return request_tag[:-2] + "Rs"


def _one(ctx: Context, request: etree._Element, hooks: RequestHooks) -> Outcome:
    tag = str(request.tag)
    request_id = request.get("requestID")
    if request_id is not None and len(request_id) > 50:
        raise StatusError(1060, status_message(1060, request_id))
    handler: Callable[[Context, etree._Element], Outcome] | None = HANDLERS.get(tag)
    if handler is None:
        raise StatusError(1030, status_message(1030))
    if is_write(tag):
        refused = hooks.write_status(tag)
        if refused is not None:
            raise refused
    return handler(ctx, request)


def answer(ctx: Context, message: Message, hooks: RequestHooks) -> list[etree._Element]:
    """One ``*Rs`` per request processed, honouring ``onError``."""
    responses: list[etree._Element] = []
    for request in message.requests:
        hooks.before(str(request.tag))
        request_id = request.get("requestID")
        try:
            outcome = _one(ctx, request, hooks)
        except StatusError as error:
            response = status_element(_response_tag(str(request.tag)), request_id, error.code, error.message)
            code = error.code
        else:
            response = status_element(
                _response_tag(str(request.tag)), request_id, outcome.code, outcome.message, outcome.attrs
            )
            if message.include_data:
                response.extend(outcome.rets)
            code = outcome.code
        responses.append(response)
        hooks.after()
        if severity(code) == "Error" and message.on_error != "continueOnError":
            break
    return responses
