"""Message-level behaviour: the envelope, HRESULT refusals, versions, tickets, onError, requestID."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from halo_accounts.simulators.quickbooks import QuickBooksComError

PARSE = 0x80040400
PARSE_TEXT = "QuickBooks found an error when parsing the provided XML text stream."
VERSION_TEXT = "The version of QBXML that was requested is not supported or is unknown."
ADD_ACME = "<CustomerAddRq><CustomerAdd><Name>Acme</Name></CustomerAdd></CustomerAddRq>"


def message(*requests: str, on_error: str = "stopOnError", version: str = "13.0") -> str:
    body = "".join(requests)
    return f'<?qbxml version="{version}"?><QBXML><QBXMLMsgsRq onError="{on_error}">{body}</QBXMLMsgsRq></QBXML>'


def refused(h, text: str) -> QuickBooksComError:
    return h.refused(text)


def test_envelope_echoes_request_ids_and_status_attributes(us) -> None:
    text = us.raw('<CustomerQueryRq requestID="job-7:1"/>', '<HostQueryRq requestID="2"/>')
    assert text.startswith('<?xml version="1.0" ?>\n<QBXML>')
    responses = list(etree.fromstring(text.encode()).find("QBXMLMsgsRs"))
    assert [r.tag for r in responses] == ["CustomerQueryRs", "HostQueryRs"]
    assert responses[0].attrib == {
        "requestID": "job-7:1",
        "statusCode": "1",
        "statusSeverity": "Info",
        "statusMessage": "A query request did not find a matching object in QuickBooks",
    }
    assert responses[1].get("statusMessage") == "Status OK"
    assert us.company.requests_processed == 2
    assert us.company.messages_processed == 1


def test_malformed_xml_is_refused_whole(us) -> None:
    error = refused(us, '<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><CustomerAddRq>')
    assert (error.hresult, error.message) == (PARSE, PARSE_TEXT)
    assert us.company.requests_processed == 0


def test_wrong_root_is_a_parse_error(us) -> None:
    error = refused(us, '<?qbxml version="13.0"?><QBXMLX><QBXMLMsgsRq onError="stopOnError"/></QBXMLX>')
    assert error.hresult == PARSE


def test_missing_version_instruction_is_a_parse_error(us) -> None:
    error = refused(us, '<QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>')
    assert error.hresult == PARSE
    assert "version" in (error.detail or "")


def test_doctype_and_entities_are_refused(us) -> None:
    text = (
        '<?qbxml version="13.0"?><!DOCTYPE QBXML [<!ENTITY x "boom">]>'
        '<QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq requestID="&x;"/></QBXMLMsgsRq></QBXML>'
    )
    assert refused(us, text).hresult == PARSE


@pytest.mark.parametrize("version", ["CA3.0", "UK3.0", "99.0", "14.0"])
def test_unsupported_versions_get_the_version_error(harness: Callable, version: str) -> None:
    h = harness("CA")
    error = refused(h, message("<HostQueryRq/>", version=version))
    assert error.message == VERSION_TEXT
    assert error.hresult == PARSE


@pytest.mark.parametrize("version", ["8.0", "10.0", "12.0", "13.0"])
def test_unified_versions_are_processed(us, version: str) -> None:
    text = us.raw("<HostQueryRq/>", version=version)
    assert 'statusCode="0"' in text


def test_out_of_order_element_is_refused_and_nothing_applied(us, xsd_dir: Path) -> None:
    bad = (
        "<CustomerAddRq><CustomerAdd><CompanyName>Acme Ltd</CompanyName><Name>Acme</Name></CustomerAdd></CustomerAddRq>"
    )
    error = refused(us, message(ADD_ACME.replace("Acme", "Other"), bad))
    assert error.hresult == PARSE
    assert "CompanyName" in (error.detail or "")
    assert us.company.list_records("Customer") == []


def test_too_long_name_fails_the_schema(us, xsd_dir: Path) -> None:
    name = "N" * 42
    error = refused(us, message(f"<CustomerAddRq><CustomerAdd><Name>{name}</Name></CustomerAdd></CustomerAddRq>"))
    assert error.hresult == PARSE


def test_too_long_name_fails_the_edition_rules_without_the_schema(harness: Callable) -> None:
    h = harness("US", validate_schema=False)
    name = "N" * 42
    error = refused(h, message(f"<CustomerAddRq><CustomerAdd><Name>{name}</Name></CustomerAdd></CustomerAddRq>"))
    assert error.hresult == PARSE
    assert "longer than 41" in (error.detail or "")


def test_element_not_in_the_edition_is_refused(us) -> None:
    request = (
        "<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>Acme</FullName></CustomerRef>"
        "<IsTaxIncluded>true</IsTaxIncluded></InvoiceAdd></InvoiceAddRq>"
    )
    error = refused(us, message(ADD_ACME, request))
    assert error.hresult == PARSE
    assert "IsTaxIncluded is not in QBD" in (error.detail or "")
    assert us.company.list_records("Customer") == []


def test_bad_ticket(us) -> None:
    with pytest.raises(QuickBooksComError) as caught:
        us.company.process("{not-a-ticket}", message("<HostQueryRq/>"))
    assert caught.value.hresult == 0x8004040D
    with pytest.raises(QuickBooksComError):
        us.company.versions_for_session("{not-a-ticket}")
    us.company.end_session(us.ticket)
    with pytest.raises(QuickBooksComError) as caught:
        us.company.process(us.ticket, message("<HostQueryRq/>"))
    assert caught.value.hresult == 0x8004040D


def test_stop_on_error_answers_nothing_after_the_first_error(us) -> None:
    responses = us.send(
        ADD_ACME, ADD_ACME, ADD_ACME.replace("Acme", "Beta"), '<CustomerQueryRq requestID="q"/>', on_error="stopOnError"
    )
    assert [r.get("statusCode") for r in responses] == ["0", "3100"]
    assert [c["Name"] for c in us.company.list_records("Customer")] == ["Acme"]


def test_rollback_on_error_behaves_as_stop_and_keeps_earlier_requests(us) -> None:
    responses = us.send(ADD_ACME, ADD_ACME, ADD_ACME.replace("Acme", "Beta"), on_error="rollbackOnError")
    assert [r.get("statusCode") for r in responses] == ["0", "3100"]
    assert len(us.company.list_records("Customer")) == 1


def test_continue_on_error_processes_every_request(us) -> None:
    responses = us.send(ADD_ACME, ADD_ACME, ADD_ACME.replace("Acme", "Beta"), on_error="continueOnError")
    assert [r.get("statusCode") for r in responses] == ["0", "3100", "0"]
    assert responses[1].get("statusSeverity") == "Error"
    assert len(responses[1]) == 0


def test_warnings_and_no_match_do_not_stop_a_batch(us) -> None:
    responses = us.send("<CustomerQueryRq><ListID>80000999-1</ListID></CustomerQueryRq>", ADD_ACME)
    assert [r.get("statusCode") for r in responses] == ["500", "0"]
    assert responses[0].get("statusSeverity") == "Warn"


def test_request_id_longer_than_50_is_status_1060(us) -> None:
    response = us.one(f'<HostQueryRq requestID="{"r" * 51}"/>')
    assert response.get("statusCode") == "1060"


def test_known_but_unsimulated_request_is_status_1030(us) -> None:
    response = us.one("<EmployeeQueryRq/>")
    assert response.get("statusCode") == "1030"
    assert response.tag == "EmployeeQueryRs"


def test_versions_for_session_per_edition(harness: Callable) -> None:
    us, ca, uk = harness("US"), harness("CA"), harness("UK")
    assert us.company.versions_for_session(us.ticket)[-1] == "13.0"
    assert "CA3.0" in ca.company.versions_for_session(ca.ticket)
    assert "UK3.0" in uk.company.versions_for_session(uk.ticket)
    assert "CA3.0" not in us.company.versions_for_session(us.ticket)


def test_response_data_include_none_sends_statuses_only(us):
    text = us.company.process(
        us.ticket,
        '<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError" responseData="includeNone">'
        '<CustomerAddRq requestID="7"><CustomerAdd><Name>Acme</Name></CustomerAdd></CustomerAddRq>'
        "</QBXMLMsgsRq></QBXML>",
    )
    (response,) = etree.fromstring(text.encode()).find("QBXMLMsgsRs")
    assert (response.get("requestID"), response.get("statusCode"), len(response)) == ("7", "0", 0)
    assert len(us.company.list_records("Customer")) == 1


def test_the_simulator_never_imports_the_connector():
    import halo_accounts.simulators.quickbooks as package

    folder = Path(package.__file__).parent
    for module in folder.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+halo_accounts\.connectors", source, re.MULTILINE), module.name
