"""The service description served at ``?wsdl``, written by this project from the operations it serves.

It describes the same eight operations, messages and ``http://developer.intuit.com/`` SOAP
actions as Intuit's Web Connector WSDL (tests compare the two), plus the three interactive
operations of Intuit's reference service, with SOAP 1.1 and 1.2 bindings.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from halo_accounts.connectors.quickbooks.transports.webconnector.soap import NS

__all__ = ["OPERATIONS", "wsdl"]

# operation -> (parameters as (name, xsd type, required), result type)
OPERATIONS: dict[str, tuple[tuple[tuple[str, str, bool], ...], str]] = {
    "serverVersion": ((), "s:string"),
    "clientVersion": ((("strVersion", "s:string", False),), "s:string"),
    "authenticate": ((("strUserName", "s:string", False), ("strPassword", "s:string", False)), "tns:ArrayOfString"),
    "connectionError": (
        (("ticket", "s:string", False), ("hresult", "s:string", False), ("message", "s:string", False)),
        "s:string",
    ),
    "sendRequestXML": (
        (
            ("ticket", "s:string", False),
            ("strHCPResponse", "s:string", False),
            ("strCompanyFileName", "s:string", False),
            ("qbXMLCountry", "s:string", False),
            ("qbXMLMajorVers", "s:int", True),
            ("qbXMLMinorVers", "s:int", True),
        ),
        "s:string",
    ),
    "receiveResponseXML": (
        (
            ("ticket", "s:string", False),
            ("response", "s:string", False),
            ("hresult", "s:string", False),
            ("message", "s:string", False),
        ),
        "s:int",
    ),
    "getLastError": ((("ticket", "s:string", False),), "s:string"),
    "closeConnection": ((("ticket", "s:string", False),), "s:string"),
    "getInteractiveURL": ((("wcTicket", "s:string", False), ("sessionID", "s:string", False)), "s:string"),
    "interactiveDone": ((("wcTicket", "s:string", False),), "s:string"),
    "interactiveRejected": ((("wcTicket", "s:string", False), ("reason", "s:string", False)), "s:string"),
}


def _element(name: str, kind: str, required: bool) -> str:
    return f'<s:element minOccurs="{1 if required else 0}" maxOccurs="1" name="{name}" type="{kind}" />'


def wsdl(address: str) -> str:
    """The WSDL with the service address set to ``address``."""
    types: list[str] = []
    messages: list[str] = []
    port_ops: list[str] = []
    soap11_ops: list[str] = []
    soap12_ops: list[str] = []
    for name, (params, result_type) in OPERATIONS.items():
        inputs = "".join(_element(p, kind, required) for p, kind, required in params)
        request = (
            f'<s:element name="{name}"><s:complexType>'
            + (f"<s:sequence>{inputs}</s:sequence>" if inputs else "")
            + "</s:complexType></s:element>"
        )
        result_required = result_type == "s:int"  # an int cannot be missing
        response = (
            f'<s:element name="{name}Response"><s:complexType><s:sequence>'
            f"{_element(name + 'Result', result_type, result_required)}</s:sequence></s:complexType></s:element>"
        )
        types += [request, response]
        messages.append(
            f'<wsdl:message name="{name}SoapIn"><wsdl:part name="parameters" element="tns:{name}" /></wsdl:message>'
            f'<wsdl:message name="{name}SoapOut">'
            f'<wsdl:part name="parameters" element="tns:{name}Response" /></wsdl:message>'
        )
        port_ops.append(
            f'<wsdl:operation name="{name}"><wsdl:input message="tns:{name}SoapIn" />'
            f'<wsdl:output message="tns:{name}SoapOut" /></wsdl:operation>'
        )
        for prefix, ops in (("soap", soap11_ops), ("soap12", soap12_ops)):
            ops.append(
                f'<wsdl:operation name="{name}"><{prefix}:operation soapAction="{NS}{name}" style="document" />'
                f'<wsdl:input><{prefix}:body use="literal" /></wsdl:input>'
                f'<wsdl:output><{prefix}:body use="literal" /></wsdl:output></wsdl:operation>'
            )
    array = (
        '<s:complexType name="ArrayOfString"><s:sequence>'
        '<s:element minOccurs="0" maxOccurs="unbounded" name="string" nillable="true" type="s:string" />'
        "</s:sequence></s:complexType>"
    )
    location = quoteattr(address)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<wsdl:definitions xmlns:s="http://www.w3.org/2001/XMLSchema" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" '
        f'xmlns:tns="{NS}" targetNamespace="{NS}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">'
        "<wsdl:documentation>Halo Accounts Integrator: QuickBooks Web Connector service</wsdl:documentation>"
        f'<wsdl:types><s:schema elementFormDefault="qualified" targetNamespace="{NS}">{"".join(types)}{array}'
        "</s:schema></wsdl:types>"
        f"{''.join(messages)}"
        f'<wsdl:portType name="QBWebConnectorSvcSoap">{"".join(port_ops)}</wsdl:portType>'
        '<wsdl:binding name="QBWebConnectorSvcSoap" type="tns:QBWebConnectorSvcSoap">'
        f'<soap:binding transport="http://schemas.xmlsoap.org/soap/http" />{"".join(soap11_ops)}</wsdl:binding>'
        '<wsdl:binding name="QBWebConnectorSvcSoap12" type="tns:QBWebConnectorSvcSoap">'
        f'<soap12:binding transport="http://schemas.xmlsoap.org/soap/http" />{"".join(soap12_ops)}</wsdl:binding>'
        '<wsdl:service name="QBWebConnectorSvc">'
        '<wsdl:port name="QBWebConnectorSvcSoap" binding="tns:QBWebConnectorSvcSoap">'
        f"<soap:address location={location} /></wsdl:port>"
        '<wsdl:port name="QBWebConnectorSvcSoap12" binding="tns:QBWebConnectorSvcSoap12">'
        f"<soap12:address location={location} /></wsdl:port>"
        "</wsdl:service></wsdl:definitions>\n"
    )
