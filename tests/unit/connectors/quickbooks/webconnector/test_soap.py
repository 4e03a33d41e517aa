"""The SOAP reader and writer: calls found by local name, answers in Intuit's namespace, faults in both versions."""

from __future__ import annotations

import pytest
from lxml import etree

from halo_accounts.connectors.quickbooks.transports.webconnector import soap
from halo_accounts.connectors.quickbooks.transports.webconnector.soap import NS, SoapError, fault, parse_call, result

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
QBXML = (
    '<?xml version="1.0" encoding="utf-8"?>\r\n<?qbxml version="13.0"?>\r\n<QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<CustomerAddRq requestID="j1:1"><CustomerAdd><Name>Søren O\'Brien &amp; Co &lt;UK&gt;</Name>'
    "<Notes>line one\r\nline two\ttabbed ]]> done</Notes></CustomerAdd></CustomerAddRq>"
    "</QBXMLMsgsRq></QBXML>\r\n"
)


def read(envelope, operation, soap_ns=SOAP11):
    root = etree.fromstring(envelope)
    assert root.tag == f"{{{soap_ns}}}Envelope"
    payload = root.find(f"{{{soap_ns}}}Body/{{{NS}}}{operation}Response/{{{NS}}}{operation}Result")
    assert payload is not None, envelope
    return payload


# -- parse_call --------------------------------------------------------------------------------


def test_a_call_as_the_web_connector_sends_it():
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        b'<soap:Body><receiveResponseXML xmlns="http://developer.intuit.com/"><ticket>T-1</ticket>'
        b'<response>&lt;?xml version="1.0" ?&gt;&lt;QBXML&gt;&lt;/QBXML&gt;</response><hresult /><message />'
        b"</receiveResponseXML></soap:Body></soap:Envelope>"
    )
    call = parse_call(body)
    assert call.operation == "receiveResponseXML"
    assert call.soap12 is False
    assert call.params == {
        "ticket": "T-1",
        "response": '<?xml version="1.0" ?><QBXML></QBXML>',
        "hresult": "",
        "message": "",
    }


def test_prefixes_and_whitespace_are_tolerated():
    body = f"""<?xml version="1.0"?>
    <env:Envelope xmlns:env="{SOAP11}" xmlns:q="{NS}">
      <env:Header/>
      <env:Body>
        <!-- a comment QuickBooks would never send -->
        <q:authenticate>
          <q:strUserName>halo-northwind</q:strUserName>
          <q:strPassword>p w</q:strPassword>
        </q:authenticate>
      </env:Body>
    </env:Envelope>
    """.encode()
    call = parse_call(body)
    assert call.operation == "authenticate"
    assert call.text("strUserName") == "halo-northwind"
    assert call.text("strPassword") == "p w"  # inner spaces are data


def test_unqualified_operation_and_parameters_are_accepted():
    """The ``.qwc`` ``Style`` changes the framing; elements are found by local name."""
    body = f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><clientVersion><strVersion>2.3.0.215</strVersion>'
    body += "</clientVersion></s:Body></s:Envelope>"
    call = parse_call(body.encode())
    assert (call.operation, call.text("strVersion")) == ("clientVersion", "2.3.0.215")


def test_soap12_is_recognised():
    body = f'<e:Envelope xmlns:e="{SOAP12}"><e:Body><getLastError xmlns="{NS}"><ticket>abc</ticket>'
    body += "</getLastError></e:Body></e:Envelope>"
    call = parse_call(body.encode())
    assert call.soap12 is True
    assert (call.operation, call.text("ticket")) == ("getLastError", "abc")


def test_missing_and_odd_parameters():
    body = f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><sendRequestXML xmlns="{NS}"><ticket>T</ticket>'
    body += "<qbXMLMajorVers> 13 </qbXMLMajorVers><qbXMLMinorVers>zero</qbXMLMinorVers></sendRequestXML></s:Body>"
    body += "</s:Envelope>"
    call = parse_call(body.encode())
    assert call.text("strHCPResponse") == ""
    assert call.integer("qbXMLMajorVers") == 13
    assert call.integer("qbXMLMinorVers") == 0
    assert call.integer("qbXMLMinorVers", default=7) == 7
    assert call.integer("absent", default=3) == 3


def test_server_version_takes_no_parameters():
    call = parse_call(
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><serverVersion xmlns="{NS}"/></s:Body></s:Envelope>'.encode()
    )
    assert (call.operation, call.params) == ("serverVersion", {})


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<not xml", "not well-formed"),
        (f"<Envelope><Body><serverVersion xmlns='{NS}'/></Body></Envelope>".encode(), "not a SOAP envelope"),
        (f"<serverVersion xmlns='{NS}'/>".encode(), "not a SOAP envelope"),
        (f"<s:Envelope xmlns:s='{SOAP11}'><s:Body/></s:Envelope>".encode(), "names no operation"),
        (f"<s:Envelope xmlns:s='{SOAP11}'/>".encode(), "names no operation"),
        (
            f"<s:Envelope xmlns:s='{SOAP11}'><s:Body><serverVersion xmlns='urn:other'/></s:Body></s:Envelope>".encode(),
            "namespace",
        ),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x/>', "Document type"),
    ],
)
def test_what_is_not_a_call_is_a_soap_error(body, expected):
    with pytest.raises(SoapError, match=expected) as caught:
        parse_call(body)
    assert caught.value.client_fault


def test_a_soap12_error_remembers_its_version():
    with pytest.raises(SoapError) as caught:
        parse_call(f"<s:Envelope xmlns:s='{SOAP12}'><s:Body/></s:Envelope>".encode())
    assert caught.value.soap12


def test_the_size_limit(monkeypatch):
    call = f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><serverVersion xmlns="{NS}"/></s:Body></s:Envelope>'.encode()
    monkeypatch.setattr(soap, "MAX_BODY_BYTES", len(call))
    assert parse_call(call).operation == "serverVersion"  # exactly at the limit
    with pytest.raises(SoapError, match="larger than"):
        parse_call(call + b" ")


def test_entities_are_never_expanded_even_when_the_prefilter_is_blind():
    """UTF-16 hides ``<!DOCTYPE`` from a byte search; the parsed document is still refused."""
    text = (
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><authenticate xmlns="{NS}"><strUserName>&x;</strUserName>'
        "</authenticate></s:Body></s:Envelope>"
    )
    with pytest.raises(SoapError, match="Document type"):
        parse_call(text.encode("utf-16"))


# -- result ------------------------------------------------------------------------------------


def test_authenticate_items_are_strings_in_intuits_namespace():
    """Items in any other namespace make the Web Connector fail with QBWC1012 (Index Out Of Range)."""
    envelope = result("authenticate", ["0f1e2d3c", "", "C:\\Books\\A & B.qbw"])
    payload = read(envelope, "authenticate")
    items = list(payload)
    assert [item.tag for item in items] == [f"{{{NS}}}string"] * 3
    assert [item.text or "" for item in items] == ["0f1e2d3c", "", "C:\\Books\\A & B.qbw"]
    # and literally: an unprefixed <string> under the default namespace declared on the response
    assert b'<authenticateResponse xmlns="http://developer.intuit.com/"><authenticateResult><string>' in envelope


def test_nvu_answer_has_an_empty_ticket():
    items = read(result("authenticate", ["", "nvu"]), "authenticate")
    assert [item.text or "" for item in items] == ["", "nvu"]


def test_qbxml_inside_send_request_xml_result_round_trips_exactly():
    envelope = result("sendRequestXML", QBXML)
    assert b"<QBXML>" not in envelope  # escaped text, not markup
    assert read(envelope, "sendRequestXML").text == QBXML


@pytest.mark.parametrize(
    "value", ["a\r\nb", "\r", "tab\tand\nnewline", "<&>\"'", "]]>", "é ü 中文 😀", "  padded  ", "&amp;"]
)
def test_any_text_round_trips(value):
    assert read(result("getLastError", value), "getLastError").text == value


def test_characters_xml_cannot_carry_do_not_break_the_answer():
    envelope = result("getLastError", "Customer 'Acme\x0b\x00 Ltd' \ud800 failed")
    assert read(envelope, "getLastError").text == "Customer 'Acme\ufffd\ufffd Ltd' \ufffd failed"


def test_receive_response_xml_result_is_an_int():
    for value in (0, 42, 99, 100, -1):
        payload = read(result("receiveResponseXML", value), "receiveResponseXML")
        assert payload.text == str(value)
        assert len(payload) == 0


def test_an_empty_string_result_is_an_empty_element():
    payload = read(result("sendRequestXML", ""), "sendRequestXML")
    assert payload.text is None
    assert len(payload) == 0


def test_results_in_soap12():
    envelope = result("closeConnection", "OK", soap12=True)
    assert read(envelope, "closeConnection", SOAP12).text == "OK"
    assert SOAP11.encode() not in envelope


def test_the_envelope_is_utf8_with_a_declaration():
    envelope = result("getLastError", "é")
    assert envelope.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "é".encode() in envelope


# -- fault -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("client", "code"), [(True, "soap:Client"), (False, "soap:Server")])
def test_soap11_fault(client, code):
    root = etree.fromstring(fault("Bad <thing> & more", client=client))
    assert root.tag == f"{{{SOAP11}}}Envelope"
    (node,) = root.find(f"{{{SOAP11}}}Body")
    assert node.tag == f"{{{SOAP11}}}Fault"
    assert node.findtext("faultcode") == code
    assert node.findtext("faultstring") == "Bad <thing> & more"
    prefix, _, local = node.findtext("faultcode").partition(":")
    assert node.nsmap[prefix] == SOAP11  # the QName resolves to the envelope namespace
    assert local in ("Client", "Server")


@pytest.mark.parametrize(("client", "code"), [(True, "soap:Sender"), (False, "soap:Receiver")])
def test_soap12_fault(client, code):
    root = etree.fromstring(fault("Nope", client=client, soap12=True))
    assert root.tag == f"{{{SOAP12}}}Envelope"
    (node,) = root.find(f"{{{SOAP12}}}Body")
    assert node.tag == f"{{{SOAP12}}}Fault"
    assert [child.tag for child in node] == [f"{{{SOAP12}}}Code", f"{{{SOAP12}}}Reason"]
    assert node.findtext(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value") == code
    text = node.find(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text")
    assert text.text == "Nope"
    assert text.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert node.find("faultcode") is None
