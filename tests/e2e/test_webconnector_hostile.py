"""Hostile documents POSTed to the Web Connector endpoint over loopback HTTP.

Each one gets a clean SOAP fault with an HTTP error status: no stack trace, no file content,
never the password it carried; and the server answers a normal call straight afterwards.
"""

from __future__ import annotations

import importlib
import socket
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from lxml import etree

from halo_accounts.connectors.quickbooks.transports.webconnector import (
    CompanyEndpoint,
    WebConnectorService,
    hash_password,
    webconnector_app,
)
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions

soap = importlib.import_module("halo_accounts.connectors.quickbooks.transports.webconnector.soap")
app_module = importlib.import_module("halo_accounts.connectors.quickbooks.transports.webconnector.app")

NS = "http://developer.intuit.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
USER = "halo-northwind"
SECRET = "Pa55-hostile-Secret-91c2"
FORBIDDEN = ("Traceback", 'File "', "root:x:0:0", "/bin/bash", "/etc/passwd", "lxml", "halo_accounts", SECRET)


def envelope(operation, params="", *, soap_ns=SOAP11, op_ns=NS, prolog=""):
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}'
        f'<soap:Envelope xmlns:soap="{soap_ns}"><soap:Body>'
        f'<{operation} xmlns="{op_ns}">{params}</{operation}></soap:Body></soap:Envelope>'
    )


def authenticate(password=SECRET, *, prolog="", user=USER, **kwargs):
    return envelope(
        "authenticate",
        f"<strUserName>{user}</strUserName><strPassword>{password}</strPassword>",
        prolog=prolog,
        **kwargs,
    )


XXE = authenticate(user="&xxe;", prolog='<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
XXE_PARAMETER = authenticate(
    user="x",
    prolog='<!DOCTYPE foo [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
)
BILLION_LAUGHS = authenticate(
    user="&lol9;",
    prolog='<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>",
)

HOSTILE = {
    "xxe": XXE.encode(),
    "xxe-parameter-entity": XXE_PARAMETER.encode(),
    "xxe-lowercase-doctype": XXE.replace("<!DOCTYPE", "<!doctype").encode(),
    "xxe-utf16": XXE.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16"),
    "billion-laughs": BILLION_LAUGHS.encode(),
    "malformed-envelope": authenticate().replace("</soap:Body>", "").encode(),
    "truncated": authenticate().encode()[:120],
    "not-xml": f"strUserName={USER}&strPassword={SECRET}".encode(),
    "non-soap-root": f"<authenticate xmlns='{NS}'><strUserName>{USER}</strUserName>"
    f"<strPassword>{SECRET}</strPassword></authenticate>".encode(),
    "envelope-in-wrong-namespace": authenticate(soap_ns="http://example.com/not-soap").encode(),
    "operation-in-wrong-namespace": authenticate(op_ns="http://example.com/evil").encode(),
    "unknown-operation": envelope("dropAllTables", f"<strPassword>{SECRET}</strPassword>").encode(),
    "body-without-operation": f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body/></soap:Envelope>'.encode(),
    "envelope-without-body": f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Header/></soap:Envelope>'.encode(),
    "empty-body": b"",
    "whitespace-body": b" \r\n\t ",
    "deep-nesting": authenticate().replace("<strPassword>", "<strPassword>" + "<a>" * 5000).encode(),
}


@pytest.fixture
def endpoint(tmp_path, loopback):
    app_switch, server = loopback
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    sessions = WebConnectorSessions(store.engine, lifetime=timedelta(minutes=30))
    company = CompanyEndpoint("northwind", USER, hash_password(SECRET, iterations=1000))
    app_switch.target = webconnector_app(WebConnectorService([company], _NoWork(), sessions))
    with httpx.Client(timeout=30) as client:
        yield client, f"{server.url}/qbwc"
    store.close()


class _NoWork:
    def start(self, company):
        return None


def post(client, url, body, content_type="text/xml; charset=utf-8", **headers):
    return client.post(url, content=body, headers={"Content-Type": content_type, **headers})


def assert_clean_fault(response, *, soap_ns=SOAP11, status=(500,)):
    assert response.status_code in status
    body = response.text
    for forbidden in FORBIDDEN:
        assert forbidden not in body, forbidden
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{soap_ns}}}Envelope"
    fault = root.find(f"{{{soap_ns}}}Body/{{{soap_ns}}}Fault")
    assert fault is not None, body
    if soap_ns == SOAP11:
        assert fault.findtext("faultcode") in ("soap:Client", "soap:Server")
        reason = fault.findtext("faultstring")
    else:
        assert fault.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value") in ("soap:Sender", "soap:Receiver")
        reason = fault.findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text")
    assert reason
    assert len(reason) < 200
    return reason


def assert_still_serving(client, url):
    response = post(client, url, envelope("serverVersion").encode(), SOAPAction=f'"{NS}serverVersion"')
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.findtext(f".//{{{NS}}}serverVersionResult")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_document_gets_a_clean_fault(endpoint, name):
    client, url = endpoint
    response = post(client, url, HOSTILE[name], SOAPAction=f'"{NS}authenticate"')
    assert response.headers["content-type"].startswith("text/xml")
    assert_clean_fault(response)
    assert_still_serving(client, url)


@pytest.mark.parametrize("name", ["xxe", "xxe-parameter-entity", "xxe-utf16", "billion-laughs"])
def test_document_type_declarations_are_refused_as_such(endpoint, name):
    client, url = endpoint
    reason = assert_clean_fault(post(client, url, HOSTILE[name]))
    assert "Document type declarations are not accepted" in reason


def test_the_same_login_without_the_attack_succeeds(endpoint):
    """The hostile documents fail for their hostility, not because the call itself was wrong."""
    client, url = endpoint
    response = post(client, url, authenticate().encode())
    assert response.status_code == 200
    items = etree.fromstring(response.content).findall(f".//{{{NS}}}authenticateResult/{{{NS}}}string")
    assert [item.text for item in items][1] == "none"
    assert SECRET not in response.text


def test_a_refused_login_never_echoes_the_password(endpoint):
    client, url = endpoint
    response = post(client, url, authenticate(password="Wrong-" + SECRET).encode())
    assert response.status_code == 200
    assert SECRET not in response.text
    items = etree.fromstring(response.content).findall(f".//{{{NS}}}authenticateResult/{{{NS}}}string")
    assert [item.text or "" for item in items] == ["", "nvu"]


def test_a_body_over_the_limit_is_413(endpoint, monkeypatch):
    client, url = endpoint
    monkeypatch.setattr(soap, "MAX_BODY_BYTES", 2048)
    monkeypatch.setattr(app_module, "MAX_BODY_BYTES", 2048)
    big = authenticate(password=SECRET + "x" * 4096).encode()
    assert_clean_fault(post(client, url, big), status=(413,))
    assert_still_serving(client, url)


def test_a_streamed_body_over_the_limit_is_413(endpoint, monkeypatch):
    """No Content-Length (chunked): the limit is enforced while reading."""
    client, url = endpoint
    monkeypatch.setattr(soap, "MAX_BODY_BYTES", 2048)
    monkeypatch.setattr(app_module, "MAX_BODY_BYTES", 2048)

    def chunks():
        body = authenticate(password=SECRET + "x" * 8192).encode()
        for start in range(0, len(body), 512):
            yield body[start : start + 512]

    response = client.post(url, content=chunks(), headers={"Content-Type": "text/xml; charset=utf-8"})
    assert "content-length" not in {key.lower() for key in response.request.headers}
    assert_clean_fault(response, status=(413,))
    assert_still_serving(client, url)


def test_a_declared_content_length_over_the_limit_is_refused_before_reading(endpoint, monkeypatch):
    """The server answers 413 from the header alone; it never waits for 50 MB that will not come."""
    client, url = endpoint
    parts = urlsplit(url)
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: text/xml; charset=utf-8\r\n"
        f"Content-Length: {50 * 2**20}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head + authenticate().encode()[:100])
        received = b""
        while b"</soap:Envelope>" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    assert b" 413 " in status_line
    body = rest.partition(b"\r\n\r\n")[2]
    assert b"<soap:Fault>" in body
    assert b"too large" in body
    assert_still_serving(client, url)


def test_a_soap12_call_is_answered_in_soap12(endpoint):
    client, url = endpoint
    body = envelope("serverVersion", soap_ns=SOAP12).encode()
    response = post(client, url, body, 'application/soap+xml; charset=utf-8; action="http://developer.intuit.com/x"')
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/soap+xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{SOAP12}}}Envelope"
    assert root.findtext(f"{{{SOAP12}}}Body/{{{NS}}}serverVersionResponse/{{{NS}}}serverVersionResult")


@pytest.mark.parametrize(
    "body",
    [
        envelope("dropAllTables", f"<strPassword>{SECRET}</strPassword>", soap_ns=SOAP12),
        authenticate(soap_ns=SOAP12, op_ns="http://example.com/evil"),
        f'<soap:Envelope xmlns:soap="{SOAP12}"><soap:Body/></soap:Envelope>',
    ],
    ids=["unknown-operation", "operation-in-wrong-namespace", "no-operation"],
)
def test_a_bad_soap12_call_gets_a_soap12_fault(endpoint, body):
    client, url = endpoint
    response = post(client, url, body.encode(), "application/soap+xml; charset=utf-8")
    assert response.headers["content-type"].startswith("application/soap+xml")
    # SOAP 1.2's HTTP binding: a Sender fault is 400 Bad Request.
    assert_clean_fault(response, soap_ns=SOAP12, status=(400,))
    assert_still_serving(client, url)


def test_a_get_without_wsdl_is_plain_text_and_other_methods_are_refused(endpoint):
    client, url = endpoint
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert client.put(url, content=authenticate().encode()).status_code == 405
    assert_still_serving(client, url)


def test_a_slow_call_does_not_hold_up_the_endpoint_for_everyone_else(endpoint, monkeypatch):
    """A call waits in a worker thread (a password being hashed, the sync preparing its next request)."""
    import threading  # noqa: PLC0415

    from halo_accounts.connectors.quickbooks.transports.webconnector import service  # noqa: PLC0415

    release, entered = threading.Event(), threading.Event()
    checking = service.verify_password

    def slow_check(password: str, stored: str) -> bool:
        entered.set()
        release.wait(10)
        return checking(password, stored)

    monkeypatch.setattr(service, "verify_password", slow_check)
    client, url = endpoint
    answers: list[int] = []

    def log_in() -> None:
        with httpx.Client(timeout=30) as other:
            answers.append(post(other, url, authenticate().encode()).status_code)

    login = threading.Thread(target=log_in)
    login.start()
    try:
        assert entered.wait(10)
        page = client.get(url, timeout=3)  # answered while the login is still being checked
        assert page.status_code == 200
        assert answers == []
    finally:
        release.set()
        login.join(10)
    assert answers == [200]
