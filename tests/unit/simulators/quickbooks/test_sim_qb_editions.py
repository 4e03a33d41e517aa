"""Editions: the rule table against Intuit's ops file, HostRet/preferences, schema validity of answers."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from halo_accounts.simulators.quickbooks import EDITIONS, seed_company
from halo_accounts.simulators.quickbooks.rules import RULES
from halo_accounts.simulators.quickbooks.schema import load_schema

SDK = ("QBD", "QBCA", "QBUK", "QBAU")


def annotation(element: etree._Element) -> str:
    """The comment Intuit wrote on an element's line in the ops file."""
    if len(element) and isinstance(element[0], etree._Comment) and element[0].sourceline == element.sourceline:
        return element[0].text or ""
    following = element.getnext()
    if isinstance(following, etree._Comment) and following.sourceline == element.sourceline:
        return following.text or ""
    return ""


def test_every_edition_rule_matches_intuits_ops_file(ops_file):
    tree = etree.parse(str(ops_file), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    for rule in RULES:
        found = tree.getroot().xpath(f"//QBXMLMsgsRq/{rule.request}/{rule.path}")
        assert found, f"{rule.request}/{rule.path} is not in the ops file"
        note = annotation(found[0])
        absent = re.search(r"not in ([A-Z|]+)", note)
        not_in = set(absent.group(1).split("|")) - {"QBOE"} if absent else set()
        assert not_in == set(rule.not_in), f"{rule.request}/{rule.path}: {note!r}"
        lengths: dict[str, int] = {}
        for length, editions in re.findall(r"max length = (\d+) for ([A-Z|]+)", note):
            lengths.update(dict.fromkeys(editions.split("|"), int(length)))
        for sdk in SDK:
            if sdk in rule.max_length:
                assert lengths.get(sdk) == rule.max_length[sdk], f"{rule.request}/{rule.path} {sdk}: {note!r}"


@pytest.mark.parametrize(
    ("edition", "country", "legacy"),
    [("US", "US", None), ("CA", "CA", "CA3.0"), ("UK", "UK", "UK3.0"), ("AU", "AU", None)],
)
def test_host_ret_per_edition(harness, edition, country, legacy):
    h = harness(edition)
    host = h.ok("<HostQueryRq/>")
    assert host.findtext("Country") == country
    assert host.findtext("ProductName") == EDITIONS[edition].product_name
    versions = [v.text for v in host.findall("SupportedQBXMLVersion")]
    assert {"8.0", "12.0", "13.0"} <= set(versions)
    assert "14.0" not in versions
    legacy_listed = [v for v in versions if not v[0].isdigit()]
    assert legacy_listed == ([legacy.replace("3.0", "2.0"), legacy] if legacy else [])
    assert host.findtext("QBFileMode") == "MultiUser"
    assert host.findtext("IsAutomaticLogin") == "true"


def test_single_user_session_shows_in_the_file_mode(harness):
    h = harness("US")
    ticket = h.company.begin_session("SingleUser")
    response = etree.fromstring(h.company.process(ticket, h.message("<HostQueryRq/>")).encode())
    assert response.findtext(".//QBFileMode") == "SingleUser"


def test_host_response_xml_is_what_the_web_connector_sends_first(harness):
    h = harness("CA")
    root = etree.fromstring(h.company.host_response_xml().encode())
    assert [r.tag for r in root.find("QBXMLMsgsRs")] == ["HostQueryRs", "CompanyQueryRs", "PreferencesQueryRs"]
    assert root.findtext(".//HostRet/Country") == "CA"
    assert root.findtext(".//CompanyRet/CompanyName") == "Northwind IT"
    assert root.findtext(".//CompanyRet/DataExtRet/DataExtValue") == h.company.file_id
    assert root.findtext(".//SalesTaxPreferences/DefaultTaxableSalesTaxCodeRef/FullName") == "H"


def test_preferences_per_edition(harness):
    us = harness("US").ok("<PreferencesQueryRq/>")
    assert us.findtext("AccountingPreferences/IsUsingClassTracking") == "true"
    assert us.findtext("MultiCurrencyPreferences/IsMultiCurrencyOn") == "false"
    assert us.findtext("SalesTaxPreferences/DefaultItemSalesTaxRef/FullName") == "NYC Sales Tax"
    assert us.findtext("SalesTaxPreferences/DefaultNonTaxableSalesTaxCodeRef/FullName") == "Non"
    au = harness("AU").ok("<PreferencesQueryRq/>")
    assert au.findtext("SalesTaxPreferences/IsUsingAmountsIncludeTax") == "true"
    assert au.findtext("AccountingPreferences/IsUsingClassTracking") == "false"


def test_codes_point_at_their_rates_outside_the_us(harness):
    uk = harness("UK")
    codes = {r.findtext("Name"): r for r in uk.one("<SalesTaxCodeQueryRq/>")}
    assert codes["S"].findtext("ItemSalesTaxRef/FullName") == "VAT Standard"
    assert codes["E"].findtext("IsTaxable") == "false"
    rate = uk.ok("<ItemSalesTaxQueryRq><FullName>VAT Standard</FullName></ItemSalesTaxQueryRq>")
    assert rate.findtext("TaxRate") == "20.00"
    assert rate.findtext("TaxVendorRef/FullName") == "HM Revenue & Customs"


def test_class_tracking_off_refuses_class_refs_with_3250(harness):
    uk = harness("UK")
    uk.ok("<ClassAddRq><ClassAdd><Name>Projects</Name></ClassAdd></ClassAddRq>")
    response = uk.one(
        "<CustomerAddRq><CustomerAdd><Name>Acme</Name><ClassRef><FullName>Projects</FullName></ClassRef>"
        "</CustomerAdd></CustomerAddRq>"
    )
    assert response.get("statusCode") == "3250"


def test_six_character_tax_codes_only_in_australia(harness, xsd_dir):
    request = (
        "<CustomerAddRq><CustomerAdd><Name>Exporter</Name><SalesTaxCodeRef><FullName>EXPORT</FullName>"
        "</SalesTaxCodeRef></CustomerAdd></CustomerAddRq>"
    )
    au = harness("AU")
    assert au.ok(request).findtext("SalesTaxCodeRef/FullName") == "EXPORT"
    uk = harness("UK")
    assert uk.refused(uk.message(request)).hresult == 0x80040400
    unchecked = harness("UK", validate_schema=False)
    assert "longer than 3" in (unchecked.refused(unchecked.message(request)).detail or "")


def test_resale_number_is_longer_outside_the_us(harness, xsd_dir):
    request = (
        "<CustomerAddRq><CustomerAdd><Name>Acme</Name><ResaleNumber>{}</ResaleNumber></CustomerAdd></CustomerAddRq>"
    )
    assert harness("CA").ok(request.format("R" * 21)).findtext("ResaleNumber") == "R" * 21
    us = harness("US")
    assert us.refused(us.message(request.format("R" * 16))).hresult == 0x80040400


QUERIES = (
    "<HostQueryRq/>",
    "<CompanyQueryRq/>",
    "<PreferencesQueryRq/>",
    "<AccountQueryRq/>",
    "<TermsQueryRq/>",
    "<ClassQueryRq/>",
    "<SalesTaxCodeQueryRq/>",
    "<ItemSalesTaxQueryRq/>",
    "<ItemSalesTaxGroupQueryRq/>",
    "<CustomerQueryRq/>",
    "<VendorQueryRq/>",
    "<ItemQueryRq/>",
    "<InvoiceQueryRq><IncludeLineItems>true</IncludeLineItems><IncludeLinkedTxns>true</IncludeLinkedTxns></InvoiceQueryRq>",
    "<CreditMemoQueryRq><IncludeLineItems>true</IncludeLineItems></CreditMemoQueryRq>",
    "<ReceivePaymentQueryRq><IncludeLineItems>true</IncludeLineItems></ReceivePaymentQueryRq>",
    "<PurchaseOrderQueryRq><IncludeLineItems>true</IncludeLineItems></PurchaseOrderQueryRq>",
)


@pytest.mark.parametrize("edition", ["US", "CA", "UK", "AU"])
def test_every_answer_of_a_seeded_company_validates_against_the_xsd(harness, xsd_dir, edition):
    h = harness(edition)
    seed_company(h.company, seed=3, customers=8, items=20, invoices=12)
    schema = load_schema(str(xsd_dir), EDITIONS[edition].sdk_code)
    responses = h.send(*QUERIES, on_error="continueOnError")
    statuses = {r.tag: r.get("statusCode") for r in responses}
    groups = "0" if edition in ("US", "CA") else "1"  # only the US and Canadian set-ups have tax groups
    assert statuses.pop("ItemSalesTaxGroupQueryRs") == groups
    assert set(statuses.values()) == {"0"}, statuses
    document = etree.fromstring(h.raw(*QUERIES, on_error="continueOnError").encode())
    assert schema.validate(document), schema.error_log
    assert etree.fromstring(h.company.host_response_xml().encode()) is not None
    assert schema.validate(etree.fromstring(h.company.host_response_xml().encode())), schema.error_log


def test_write_answers_validate_against_the_xsd(harness, xsd_dir):
    h = harness("US")
    h.add_customer("Acme")
    h.add_service("Support", "10", "Non")
    text = h.raw(
        "<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>Acme</FullName></CustomerRef><InvoiceLineAdd><ItemRef>"
        "<FullName>Support</FullName></ItemRef></InvoiceLineAdd></InvoiceAdd></InvoiceAddRq>",
        "<ReceivePaymentAddRq><ReceivePaymentAdd><CustomerRef><FullName>Acme</FullName></CustomerRef>"
        "<TotalAmount>5.00</TotalAmount><IsAutoApply>true</IsAutoApply></ReceivePaymentAdd></ReceivePaymentAddRq>",
        "<CustomerAddRq><CustomerAdd><Name>Acme</Name></CustomerAdd></CustomerAddRq>",
        "<ListDeletedQueryRq><ListDelType>Customer</ListDelType></ListDeletedQueryRq>",
        on_error="continueOnError",
    )
    schema = load_schema(str(xsd_dir), "QBD")
    assert schema.validate(etree.fromstring(text.encode())), schema.error_log


def test_vendor_tax_fields_exist_outside_the_us_only(harness):
    request = (
        "<VendorAddRq><VendorAdd><Name>BT Business</Name><TaxRegistrationNumber>GB123456789</TaxRegistrationNumber>"
        "</VendorAdd></VendorAddRq>"
    )
    uk = harness("UK")
    vendor = uk.ok(request)
    assert vendor.findtext("TaxRegistrationNumber") == "GB123456789"
    mod = uk.ok(
        f"<VendorModRq><VendorMod><ListID>{vendor.findtext('ListID')}</ListID><EditSequence>"
        f"{vendor.findtext('EditSequence')}</EditSequence><Phone>0161 555 0100</Phone></VendorMod></VendorModRq>"
    )
    assert (mod.findtext("Phone"), mod.findtext("TaxRegistrationNumber")) == ("0161 555 0100", "GB123456789")
    us = harness("US")
    assert "not in QBD" in (us.refused(us.message(request)).detail or "")


def test_customer_tax_item_is_not_in_canada_or_the_uk(harness):
    request = (
        "<CustomerAddRq><CustomerAdd><Name>Acme</Name><ItemSalesTaxRef><FullName>GST</FullName></ItemSalesTaxRef>"
        "</CustomerAdd></CustomerAddRq>"
    )
    ca = harness("CA")
    assert "not in QBCA" in (ca.refused(ca.message(request)).detail or "")
    au = harness("AU")
    assert au.ok(request).findtext("ItemSalesTaxRef/FullName") == "GST"
    assert au.ok("<CustomerQueryRq/>").findtext("SalesTaxCountry") == "Australia"
