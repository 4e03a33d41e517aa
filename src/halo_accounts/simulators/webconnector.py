"""A fake QuickBooks Web Connector: drives a Web Connector SOAP server over HTTP exactly as QBWC 2.3 does.

The real Web Connector polls the server: ``serverVersion`` → ``clientVersion`` →
``authenticate`` → (``sendRequestXML`` ↔ ``receiveResponseXML``)* → ``closeConnection``, with
``getLastError`` after an empty request or a negative progress, a 5-second pause on ``NoOp``
(virtual here: ``sleep`` is injected), and ``connectionError`` when QuickBooks cannot be
opened. QuickBooks' answers come from a :class:`QuickBooksCompany` simulator. A session that
never ends is an error, not a hang: the number of calls is bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import httpx
from lxml import etree

from halo_accounts.simulators.quickbooks import QuickBooksComError, QuickBooksCompany

__all__ = ["FakeWebConnector", "UpdateResult"]

NS = "http://developer.intuit.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
NOOP_PAUSE_SECONDS = 5.0


@dataclass
class UpdateResult:
    """What one update (one press of "Update Selected") did, as the Web Connector's log would show."""

    status: str = ""  # done | none | nvu | busy | error | connection_error
    ticket: str = ""
    calls: list[str] = field(default_factory=list)
    progress: list[int] = field(default_factory=list)
    last_error: str = ""
    close_message: str = ""
    noops: int = 0
    messages_processed: int = 0


class WebConnectorProtocolError(Exception):
    """The server broke the Web Connector's protocol (a fault, or a session that never ends)."""


class FakeWebConnector:
    """One Web Connector application entry: a server URL, a user, a password, a company file."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        company: QuickBooksCompany,
        *,
        client: httpx.Client | None = None,
        version: str = "2.3.0.215",
        sleep: Callable[[float], None] | None = None,
        max_calls: int = 10_000,
        file_mode: str = "DoNotCare",
    ) -> None:
        self.url = url
        self.username = username
        self.password = password
        self.company = company
        self.version = version
        self._client = client or httpx.Client(timeout=120)
        self._sleep = sleep or (lambda seconds: None)
        self._max_calls = max_calls
        self._file_mode = file_mode

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()

    def update(self) -> UpdateResult:
        """Run one update end to end and report what happened."""
        result = UpdateResult()
        self._call(result, "serverVersion")
        answer = self._call(result, "clientVersion", strVersion=self.version)
        if isinstance(answer, str) and answer.startswith("E:"):
            result.status, result.last_error = "error", answer[2:]
            return result
        auth = self._call(result, "authenticate", strUserName=self.username, strPassword=self.password)
        values = auth if isinstance(auth, list) else []
        ticket = values[0] if values else ""
        status = values[1] if len(values) > 1 else ""
        result.ticket = ticket
        if status in ("nvu", "busy"):
            result.status = status
            return result
        if status.lower() == "none":
            result.status = "none"
            result.close_message = str(self._call(result, "closeConnection", ticket=ticket))
            return result
        self._exchange(result, ticket)
        return result

    def _exchange(self, result: UpdateResult, ticket: str) -> None:
        try:
            qb_ticket = self.company.begin_session(mode=self._file_mode)
        except QuickBooksComError as exc:
            result.status = "connection_error"
            result.last_error = str(
                self._call(
                    result, "connectionError", ticket=ticket, hresult=f"0x{exc.hresult:08X}", message=exc.message
                )
            )
            result.close_message = str(self._call(result, "closeConnection", ticket=ticket))
            return
        try:
            first = True
            major, minor = self._version(qb_ticket)
            while True:
                request = self._call(
                    result,
                    "sendRequestXML",
                    ticket=ticket,
                    strHCPResponse=self.company.host_response_xml() if first else "",
                    strCompanyFileName=self.company.company_file,
                    qbXMLCountry=self.company.edition,
                    qbXMLMajorVers=str(major),
                    qbXMLMinorVers=str(minor),
                )
                first = False
                if not request:
                    error = str(self._call(result, "getLastError", ticket=ticket))
                    if error == "NoOp":
                        result.noops += 1
                        self._sleep(NOOP_PAUSE_SECONDS)
                        continue
                    result.status, result.last_error = "error", error
                    break
                try:
                    response, hresult, message = self.company.process(qb_ticket, str(request)), "", ""
                except QuickBooksComError as exc:
                    response, hresult, message = "", f"0x{exc.hresult:08X}", exc.message
                result.messages_processed += 1
                progress = int(
                    str(
                        self._call(
                            result,
                            "receiveResponseXML",
                            ticket=ticket,
                            response=response,
                            hresult=hresult,
                            message=message,
                        )
                    )
                )
                result.progress.append(progress)
                if progress >= 100:
                    result.status = "done"
                    break
                if progress < 0:
                    result.status, result.last_error = "error", str(self._call(result, "getLastError", ticket=ticket))
                    break
            result.close_message = str(self._call(result, "closeConnection", ticket=ticket))
        finally:
            self.company.end_session(qb_ticket)

    def _version(self, qb_ticket: str) -> tuple[int, int]:
        # The Web Connector reports the newest unified qbXML version QuickBooks supports.
        numeric = []
        for text in self.company.versions_for_session(qb_ticket):
            try:
                major, minor = (int(part) for part in text.split("."))
            except ValueError:
                continue
            numeric.append((major, minor))
        return max(numeric, default=(13, 0))

    def _call(self, result: UpdateResult, operation: str, **params: str) -> str | int | list[str]:
        if len(result.calls) >= self._max_calls:
            msg = f"The server did not end the session after {self._max_calls} calls."
            raise WebConnectorProtocolError(msg)
        result.calls.append(operation)
        inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in params.items())
        envelope = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<soap:Envelope xmlns:soap="{SOAP11}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            f'<soap:Body><{operation} xmlns="{NS}">{inner}</{operation}></soap:Body></soap:Envelope>'
        )
        response = self._client.post(
            self.url,
            content=envelope.encode("utf-8"),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}{operation}"'},
        )
        root = etree.fromstring(response.content, etree.XMLParser(resolve_entities=False, no_network=True))
        body = root.find(f"{{{SOAP11}}}Body")
        payload = None if body is None else body.find(f"{{{NS}}}{operation}Response/{{{NS}}}{operation}Result")
        if response.status_code != 200 or payload is None:
            fault = root.findtext(".//faultstring") or response.text[:200]
            msg = f"{operation} failed with HTTP {response.status_code}: {fault}"
            raise WebConnectorProtocolError(msg)
        if operation == "authenticate":
            return [item.text or "" for item in payload.findall(f"{{{NS}}}string")]
        if operation == "receiveResponseXML":
            return int(payload.text or "0")
        return payload.text or ""
