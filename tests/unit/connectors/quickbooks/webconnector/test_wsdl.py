"""Our WSDL against Intuit's: the same eight operations, messages, parameters and SOAP actions, plus three."""

from __future__ import annotations

import httpx
import pytest
import requests
import zeep
from lxml import etree
from zeep.transports import Transport

from halo_accounts.connectors.quickbooks.transports.webconnector import soap, wsdl
from halo_accounts.connectors.quickbooks.transports.webconnector.app import webconnector_app
from halo_accounts.connectors.quickbooks.transports.webconnector.service import WebConnectorService
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions

from testsupport import REFERENCE

INTUIT_WSDL = REFERENCE / "qbwc" / "QBWebConnectorSvc.wsdl"
ADDRESS = "https://integrator.example.lan:8443/qbwc"
NS = "http://developer.intuit.com/"
XS = "http://www.w3.org/2001/XMLSchema"
W = "http://schemas.xmlsoap.org/wsdl/"
SOAP11_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12_BINDING = "http://schemas.xmlsoap.org/wsdl/soap12/"
INTUIT_OPERATIONS = {
    "serverVersion",
    "clientVersion",
    "authenticate",
    "connectionError",
    "sendRequestXML",
    "receiveResponseXML",
    "getLastError",
    "closeConnection",
}
INTERACTIVE_OPERATIONS = {"getInteractiveURL", "interactiveDone", "interactiveRejected"}


@pytest.fixture(scope="module")
def intuit():
    if not INTUIT_WSDL.is_file():
        pytest.skip(f"Intuit's Web Connector WSDL is not at {INTUIT_WSDL} (the shared reference folder is absent)")
    return etree.parse(str(INTUIT_WSDL)).getroot()


@pytest.fixture(scope="module")
def ours():
    return etree.fromstring(wsdl.wsdl(ADDRESS).encode("utf-8"))


def qname(element, value):
    """A ``prefix:local`` attribute value as ``{namespace}local``, so prefixes do not matter."""
    prefix, _, local = value.rpartition(":")
    return f"{{{element.nsmap[prefix or None]}}}{local}"


def schema_element(root, name):
    found = root.findall(f"{{{W}}}types/{{{XS}}}schema/{{{XS}}}element[@name='{name}']")
    assert len(found) == 1, name
    return found[0]


def fields(root, element_name):
    """The sequence of an element's anonymous complex type: (name, type, minOccurs, maxOccurs, nillable)."""
    element = schema_element(root, element_name)
    complex_type = element.find(f"{{{XS}}}complexType")
    assert complex_type is not None, element_name
    return [
        (
            child.get("name"),
            qname(child, child.get("type")),
            child.get("minOccurs", "1"),
            child.get("maxOccurs", "1"),
            child.get("nillable", "false"),
        )
        for child in complex_type.iterfind(f"{{{XS}}}sequence/{{{XS}}}element")
    ]


def port_type_operations(root):
    (port_type,) = root.findall(f"{{{W}}}portType")
    return {op.get("name"): op for op in port_type.findall(f"{{{W}}}operation")}


def message_element(root, operation, direction):
    """The schema element a portType operation's input or output message carries."""
    op = port_type_operations(root)[operation]
    message_name = qname(op, op.find(f"{{{W}}}{direction}").get("message")).split("}")[1]
    (message,) = root.findall(f"{{{W}}}message[@name='{message_name}']")
    (part,) = message.findall(f"{{{W}}}part")
    assert part.get("name") == "parameters"  # document/literal wrapped
    element = qname(part, part.get("element"))
    assert element.startswith(f"{{{NS}}}")
    return element.split("}")[1]


def binding_actions(root, soap_namespace):
    """operation -> (soapAction, style, input use, output use) for the binding of that SOAP version."""
    bindings = [b for b in root.findall(f"{{{W}}}binding") if b.find(f"{{{soap_namespace}}}binding") is not None]
    assert len(bindings) == 1
    (binding,) = bindings
    assert binding.find(f"{{{soap_namespace}}}binding").get("transport") == "http://schemas.xmlsoap.org/soap/http"
    actions = {}
    for op in binding.findall(f"{{{W}}}operation"):
        soap_op = op.find(f"{{{soap_namespace}}}operation")
        uses = [op.find(f"{{{W}}}{d}/{{{soap_namespace}}}body").get("use") for d in ("input", "output")]
        actions[op.get("name")] = (soap_op.get("soapAction"), soap_op.get("style"), *uses)
    return actions


def test_our_wsdl_parses_with_the_right_target_namespace(ours):
    assert ours.tag == f"{{{W}}}definitions"
    assert ours.get("targetNamespace") == NS
    (schema,) = ours.findall(f"{{{W}}}types/{{{XS}}}schema")
    assert schema.get("targetNamespace") == NS
    assert schema.get("elementFormDefault") == "qualified"


def test_operations_are_intuits_eight_plus_the_interactive_three(ours, intuit):
    assert set(port_type_operations(intuit)) == INTUIT_OPERATIONS
    assert set(port_type_operations(ours)) == INTUIT_OPERATIONS | INTERACTIVE_OPERATIONS
    assert set(wsdl.OPERATIONS) == INTUIT_OPERATIONS | INTERACTIVE_OPERATIONS


@pytest.mark.parametrize("operation", sorted(INTUIT_OPERATIONS))
def test_request_and_response_match_intuits(ours, intuit, operation):
    for direction, suffix in (("input", ""), ("output", "Response")):
        assert message_element(ours, operation, direction) == message_element(intuit, operation, direction)
        assert message_element(ours, operation, direction) == operation + suffix
        assert fields(ours, operation + suffix) == fields(intuit, operation + suffix), (operation, direction)


def test_the_comparison_sees_parameters_types_and_min_occurs(intuit):
    """Guard against a vacuous comparison: Intuit's shapes are what the research describes."""
    assert fields(intuit, "serverVersion") == []
    assert [f[0] for f in fields(intuit, "sendRequestXML")] == [
        "ticket",
        "strHCPResponse",
        "strCompanyFileName",
        "qbXMLCountry",
        "qbXMLMajorVers",
        "qbXMLMinorVers",
    ]
    assert fields(intuit, "sendRequestXML")[4] == ("qbXMLMajorVers", f"{{{XS}}}int", "1", "1", "false")
    assert fields(intuit, "receiveResponseXMLResponse") == [
        ("receiveResponseXMLResult", f"{{{XS}}}int", "1", "1", "false")
    ]
    assert fields(intuit, "authenticateResponse") == [
        ("authenticateResult", f"{{{NS}}}ArrayOfString", "0", "1", "false")
    ]


def test_array_of_string_matches_intuits(ours, intuit):
    def array(root):
        (complex_type,) = root.findall(f"{{{W}}}types/{{{XS}}}schema/{{{XS}}}complexType[@name='ArrayOfString']")
        (item,) = complex_type.findall(f"{{{XS}}}sequence/{{{XS}}}element")
        return (
            item.get("name"),
            qname(item, item.get("type")),
            item.get("minOccurs"),
            item.get("maxOccurs"),
            item.get("nillable"),
        )

    assert array(ours) == array(intuit) == ("string", f"{{{XS}}}string", "0", "unbounded", "true")


@pytest.mark.parametrize("soap_namespace", [SOAP11_BINDING, SOAP12_BINDING], ids=["soap11", "soap12"])
def test_soap_actions_match_intuits(ours, intuit, soap_namespace):
    theirs = binding_actions(intuit, soap_namespace)
    mine = binding_actions(ours, soap_namespace)
    assert set(theirs) == INTUIT_OPERATIONS
    for operation in INTUIT_OPERATIONS:
        assert mine[operation] == theirs[operation] == (NS + operation, "document", "literal", "literal")
    for operation in INTERACTIVE_OPERATIONS:
        assert mine[operation] == (NS + operation, "document", "literal", "literal")


def test_interactive_operations_follow_intuits_reference_service(ours):
    assert fields(ours, "getInteractiveURL") == [
        ("wcTicket", f"{{{XS}}}string", "0", "1", "false"),
        ("sessionID", f"{{{XS}}}string", "0", "1", "false"),
    ]
    assert [f[0] for f in fields(ours, "interactiveRejected")] == ["wcTicket", "reason"]
    assert [f[0] for f in fields(ours, "interactiveDone")] == ["wcTicket"]
    for operation in INTERACTIVE_OPERATIONS:
        assert fields(ours, operation + "Response") == [(operation + "Result", f"{{{XS}}}string", "0", "1", "false")]


def test_the_address_is_set_and_escaped():
    root = etree.fromstring(wsdl.wsdl('https://host.example/qbwc?a=1&b="2"').encode())
    locations = [
        element.get("location") for element in root.iter(f"{{{SOAP11_BINDING}}}address", f"{{{SOAP12_BINDING}}}address")
    ]
    assert locations == ['https://host.example/qbwc?a=1&b="2"'] * 2


@pytest.fixture
def zeep_client(tmp_path):
    path = tmp_path / "ours.wsdl"
    path.write_text(wsdl.wsdl(ADDRESS), encoding="utf-8")
    session = requests.Session()
    yield zeep.Client(str(path), transport=Transport(session=session))
    session.close()


def test_zeep_loads_it_with_every_operation_on_both_bindings(zeep_client):
    bindings = zeep_client.wsdl.bindings
    assert {type(b).__name__ for b in bindings.values()} == {"Soap11Binding", "Soap12Binding"}
    for binding in bindings.values():
        assert set(binding.all()) == INTUIT_OPERATIONS | INTERACTIVE_OPERATIONS
    (service,) = zeep_client.wsdl.services.values()
    assert {port.binding_options["address"] for port in service.ports.values()} == {ADDRESS}


def test_what_zeep_builds_from_it_is_what_our_dispatcher_reads(zeep_client):
    envelope = zeep_client.create_message(
        zeep_client.service,
        "sendRequestXML",
        ticket="T-1",
        strHCPResponse='<?xml version="1.0"?><QBXML><A>&amp;</A></QBXML>',
        strCompanyFileName=r"C:\Books\Acme & Co.qbw",
        qbXMLCountry="US",
        qbXMLMajorVers=13,
        qbXMLMinorVers=0,
    )
    call = soap.parse_call(etree.tostring(envelope))
    assert call.operation == "sendRequestXML"
    assert call.text("strHCPResponse") == '<?xml version="1.0"?><QBXML><A>&amp;</A></QBXML>'
    assert call.text("strCompanyFileName") == r"C:\Books\Acme & Co.qbw"
    assert (call.integer("qbXMLMajorVers"), call.integer("qbXMLMinorVers")) == (13, 0)


class _NoWork:
    def start(self, company):
        return None


@pytest.mark.parametrize("query", ["wsdl", "WSDL"])
def test_get_wsdl_serves_it_with_this_servers_address(loopback, tmp_path, query):
    app_switch, server = loopback
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        app_switch.target = webconnector_app(WebConnectorService([], _NoWork(), WebConnectorSessions(store.engine)))
        with httpx.Client(timeout=30) as client:
            response = client.get(f"{server.url}/qbwc?{query}")
    finally:
        store.close()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    assert set(port_type_operations(root)) == INTUIT_OPERATIONS | INTERACTIVE_OPERATIONS
    locations = {
        element.get("location") for element in root.iter(f"{{{SOAP11_BINDING}}}address", f"{{{SOAP12_BINDING}}}address")
    }
    assert locations == {f"{server.url}/qbwc"}
