"""The Web Connector endpoint as an ASGI app: SOAP calls by POST, the WSDL at ``?wsdl``.

Anything that is not a call we serve gets a SOAP fault and the server carries on; bodies are
read with a size limit before any parsing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from halo_accounts.connectors.quickbooks.transports.webconnector.service import WebConnectorService
from halo_accounts.connectors.quickbooks.transports.webconnector.soap import (
    MAX_BODY_BYTES,
    SoapCall,
    SoapError,
    fault,
    parse_call,
    result,
)
from halo_accounts.connectors.quickbooks.transports.webconnector.wsdl import wsdl

__all__ = ["webconnector_app"]

log = logging.getLogger(__name__)

_CONTENT_TYPE = {False: "text/xml; charset=utf-8", True: "application/soap+xml; charset=utf-8"}


def _dispatch(service: WebConnectorService) -> dict[str, Callable[[SoapCall], str | int | list[str]]]:
    return {
        "serverVersion": lambda c: service.server_version(),
        "clientVersion": lambda c: service.client_version(c.text("strVersion")),
        "authenticate": lambda c: service.authenticate(c.text("strUserName"), c.text("strPassword")),
        "sendRequestXML": lambda c: service.send_request_xml(
            c.text("ticket"),
            c.text("strHCPResponse"),
            c.text("strCompanyFileName"),
            c.text("qbXMLCountry"),
            c.integer("qbXMLMajorVers"),
            c.integer("qbXMLMinorVers"),
        ),
        "receiveResponseXML": lambda c: service.receive_response_xml(
            c.text("ticket"), c.text("response"), c.text("hresult"), c.text("message")
        ),
        "connectionError": lambda c: service.connection_error(c.text("ticket"), c.text("hresult"), c.text("message")),
        "getLastError": lambda c: service.get_last_error(c.text("ticket")),
        "closeConnection": lambda c: service.close_connection(c.text("ticket")),
        "getInteractiveURL": lambda c: service.get_interactive_url(c.text("wcTicket"), c.text("sessionID")),
        "interactiveDone": lambda c: service.interactive_done(c.text("wcTicket")),
        "interactiveRejected": lambda c: service.interactive_rejected(c.text("wcTicket"), c.text("reason")),
    }


async def _read_limited(request: Request) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _client_fault(message: str, soap12: bool) -> Response:
    # SOAP 1.1 answers every fault with 500; SOAP 1.2's HTTP binding answers a Sender fault with 400.
    status = 400 if soap12 else 500
    return Response(fault(message, soap12=soap12), status_code=status, media_type=_CONTENT_TYPE[soap12])


def webconnector_app(service: WebConnectorService, *, path: str = "/qbwc") -> Starlette:
    """The endpoint at ``path`` (what the ``.qwc`` file's AppURL points to)."""
    operations = _dispatch(service)

    async def endpoint(request: Request) -> Response:
        if request.method == "GET":
            if "wsdl" in {key.lower() for key in request.query_params}:
                return Response(wsdl(str(request.url.replace(query=""))), media_type="text/xml; charset=utf-8")
            return Response("Halo Accounts Integrator: QuickBooks Web Connector endpoint.\n", media_type="text/plain")
        body = await _read_limited(request)
        if body is None:
            return Response(fault("The request is too large."), status_code=413, media_type=_CONTENT_TYPE[False])
        try:
            call = parse_call(body)
        except SoapError as exc:
            return _client_fault(exc.message, exc.soap12)
        handler = operations.get(call.operation)
        if handler is None:
            return _client_fault(f"Unknown operation '{call.operation}'.", call.soap12)
        try:
            # In a worker thread: a call hashes a password or waits on the sync, and /health must still answer.
            value = await run_in_threadpool(handler, call)
        except Exception:
            log.exception("Web Connector call %s failed", call.operation)
            message = "The integrator hit an unexpected problem; see its log."
            payload = fault(message, client=False, soap12=call.soap12)
            return Response(payload, status_code=500, media_type=_CONTENT_TYPE[call.soap12])
        return Response(result(call.operation, value, soap12=call.soap12), media_type=_CONTENT_TYPE[call.soap12])

    return Starlette(routes=[Route(path, endpoint, methods=["GET", "POST"])])
