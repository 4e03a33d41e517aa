"""Editions, qbXML version choice and the company profile read from the Web Connector's first answer."""

from __future__ import annotations

import random

import pytest

from halo_accounts.connectors.quickbooks.qbxml.build import build_message
from halo_accounts.connectors.quickbooks.qbxml.editions import (
    MAX_VERSION,
    MIN_VERSION,
    Edition,
    Version,
    choose_version,
    edition_for_country,
)
from halo_accounts.connectors.quickbooks.qbxml.host import (
    CompanyProfile,
    negotiate_version,
    profile_requests,
    read_profile,
)
from halo_accounts.connectors.quickbooks.qbxml.parse import parse_message
from halo_accounts.errors import ConfigError

UNIFIED = ["1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0", "6.0", "7.0", "8.0", "9.0", "10.0", "11.0", "12.0"]
UNIFIED += ["13.0"]


def hcp_response(
    *,
    country: str = "CA",
    versions: list[str] | None = None,
    class_tracking: str = "true",
    company: bool = True,
    preferences: bool = True,
) -> str:
    """A strHCPResponse as the Web Connector passes it on the first sendRequestXML."""
    supported = "".join(
        f"<SupportedQBXMLVersion>{v}</SupportedQBXMLVersion>\n" for v in (versions or [*UNIFIED, "CA2.0", "CA3.0"])
    )
    company_rs = """<CompanyQueryRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
<CompanyRet>
<IsSampleCompany>false</IsSampleCompany>
<CompanyName>Maple Leaf IT Services Inc.</CompanyName>
<LegalCompanyName>Maple Leaf IT Services Incorporated</LegalCompanyName>
<Address><Addr1>100 Queen St W</Addr1><City>Toronto</City><State>ON</State><PostalCode>M5H 2N2</PostalCode></Address>
<FirstMonthFiscalYear>January</FirstMonthFiscalYear>
<FirstMonthIncomeTaxYear>January</FirstMonthIncomeTaxYear>
<CompanyType>InformationTechnology</CompanyType>
<TaxForm>Form1120</TaxForm>
</CompanyRet>
</CompanyQueryRs>
"""
    preferences_rs = f"""<PreferencesQueryRs requestID="2" statusCode="0" statusSeverity="Info" \
statusMessage="Status OK">
<PreferencesRet>
<AccountingPreferences>
<IsUsingAccountNumbers>false</IsUsingAccountNumbers>
<IsRequiringAccounts>true</IsRequiringAccounts>
<IsUsingClassTracking>{class_tracking}</IsUsingClassTracking>
<IsUsingAuditTrail>true</IsUsingAuditTrail>
<IsAssigningJournalEntryNumbers>true</IsAssigningJournalEntryNumbers>
</AccountingPreferences>
<FinanceChargePreferences><AnnualInterestRate>0.00</AnnualInterestRate><MinFinanceCharge>0.00</MinFinanceCharge>
<GracePeriod>0</GracePeriod><IsAssessingForOverdueCharges>false</IsAssessingForOverdueCharges>
<CalculateChargesFrom>DueDate</CalculateChargesFrom><IsMarkedToBePrinted>false</IsMarkedToBePrinted>
</FinanceChargePreferences>
<MultiCurrencyPreferences>
<IsMultiCurrencyOn>false</IsMultiCurrencyOn>
</MultiCurrencyPreferences>
<SalesAndCustomersPreferences><IsTrackingReimbursedExpensesAsIncome>false</IsTrackingReimbursedExpensesAsIncome>
<IsAutoApplyingPayments>true</IsAutoApplyingPayments></SalesAndCustomersPreferences>
<SalesTaxPreferences>
<DefaultItemSalesTaxRef><ListID>80000005-1446673700</ListID><FullName>GST</FullName></DefaultItemSalesTaxRef>
<PaySalesTax>Quarterly</PaySalesTax>
<DefaultTaxableSalesTaxCodeRef><ListID>80000003-1446673700</ListID><FullName>S</FullName></DefaultTaxableSalesTaxCodeRef>
<DefaultNonTaxableSalesTaxCodeRef><ListID>80000004-1446673700</ListID><FullName>E</FullName>\
</DefaultNonTaxableSalesTaxCodeRef>
<IsUsingVendorTaxCode>true</IsUsingVendorTaxCode>
<IsUsingCustomerTaxCode>true</IsUsingCustomerTaxCode>
<IsUsingAmountsIncludeTax>true</IsUsingAmountsIncludeTax>
</SalesTaxPreferences>
</PreferencesRet>
</PreferencesQueryRs>
"""
    return f"""<?xml version="1.0" ?>
<QBXML>
<QBXMLMsgsRs>
<HostQueryRs requestID="0" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
<HostRet>
<ProductName>QuickBooks Enterprise Solutions: Accountant 24.0</ProductName>
<MajorVersion>34</MajorVersion>
<MinorVersion>0</MinorVersion>
<Country>{country}</Country>
{supported}<IsAutomaticLogin>false</IsAutomaticLogin>
<QBFileMode>MultiUser</QBFileMode>
</HostRet>
</HostQueryRs>
{company_rs if company else ""}{preferences_rs if preferences else ""}</QBXMLMsgsRs>
</QBXML>
"""


# --- versions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "version"), [("13.0", Version(13, 0)), (" 8.0 ", Version(8, 0)), ("2.1", Version(2, 1))]
)
def test_version_parse(text, version):
    assert Version.parse(text) == version


def test_versions_compare_as_numbers_not_text():
    assert Version.parse("10.0") > Version.parse("9.0")
    assert Version.parse("2.1") < Version.parse("10.0")
    assert str(Version(13, 0)) == "13.0"
    assert str(Version.parse("4.1")) == "4.1"


@pytest.mark.parametrize("legacy", ["CA3.0", "UK3.0", "CA2.0", "UK2.0"])
def test_a_legacy_regional_spec_is_refused_with_the_way_out(legacy):
    with pytest.raises(ConfigError, match="Update QuickBooks") as caught:
        Version.parse(legacy)
    assert legacy in caught.value.user_message
    assert "legacy" in caught.value.user_message


def test_13_0_is_preferred_when_offered():
    assert choose_version(UNIFIED) == Version(13, 0) == MAX_VERSION


def test_a_newer_quickbooks_is_still_spoken_to_in_13_0():
    assert choose_version([*UNIFIED, "14.0", "15.0", "16.0"]) == Version(13, 0)


def test_the_newest_version_at_or_below_13_0_is_chosen_whatever_the_order():
    offered = ["8.0", "12.0", "10.0", "11.0", "9.0"]
    random.Random(7).shuffle(offered)
    assert choose_version(offered) == Version(12, 0)


def test_8_0_is_the_minimum():
    assert choose_version(["1.0", "2.0", "7.0", "8.0"]) == Version(8, 0) == MIN_VERSION


def test_legacy_versions_beside_unified_ones_are_ignored():
    assert choose_version(["CA2.0", "CA3.0", *UNIFIED]) == Version(13, 0)


def test_only_legacy_versions_are_refused_with_the_versions_named():
    with pytest.raises(ConfigError) as caught:
        choose_version(["CA2.0", "CA3.0"])
    text = caught.value.user_message
    assert "CA2.0" in text
    assert "CA3.0" in text
    assert "8.0 or newer" in text
    assert "Update QuickBooks" in text


def test_only_old_versions_are_refused_with_the_versions_named():
    with pytest.raises(ConfigError) as caught:
        choose_version(["1.0", "2.0", "7.0"])
    text = caught.value.user_message
    assert "1.0, 2.0, 7.0" in text
    assert "8.0 or newer" in text
    assert "Update QuickBooks" in text


def test_no_versions_at_all_are_refused():
    with pytest.raises(ConfigError, match="none"):
        choose_version([])


def test_a_ceiling_bounds_the_choice():
    assert choose_version(UNIFIED, ceiling=Version(10, 0)) == Version(10, 0)
    assert choose_version(["8.0", "9.0", "11.0"], ceiling=Version(10, 0)) == Version(9, 0)


# --- editions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "edition"),
    [
        ("US", Edition.US),
        ("CA", Edition.CA),
        ("UK", Edition.UK),
        ("GB", Edition.UK),
        ("AU", Edition.AU),
        (" ca ", Edition.CA),
        ("uk", Edition.UK),
    ],
)
def test_edition_for_country(country, edition):
    assert edition_for_country(country) is edition


@pytest.mark.parametrize("country", ["FR", "NZ", "", "USA"])
def test_an_unsupported_country_is_a_config_error(country):
    with pytest.raises(ConfigError, match="does not support") as caught:
        edition_for_country(country)
    assert f"'{country}'" in caught.value.user_message


def test_editions_carry_intuits_tags_and_plain_names():
    assert [e.value for e in Edition] == ["QBD", "QBCA", "QBUK", "QBAU"]
    assert Edition.CA.label == "QuickBooks Desktop Canada"
    assert Edition.US.label == "QuickBooks Desktop (US)"


# --- the company profile --------------------------------------------------------------------------------


def test_a_canadian_enterprise_file_is_read_whole():
    profile = read_profile(hcp_response())
    assert profile.product_name == "QuickBooks Enterprise Solutions: Accountant 24.0"
    assert profile.edition is Edition.CA
    assert profile.version == Version(13, 0)
    assert profile.major_release == 34
    assert profile.file_mode == "MultiUser"
    assert profile.supported_versions == (*UNIFIED, "CA2.0", "CA3.0")
    assert profile.company_name == "Maple Leaf IT Services Inc."
    assert profile.uses_class_tracking is True
    assert profile.uses_multicurrency is False
    assert profile.amounts_include_tax is True
    assert profile.default_taxable_code == "S"
    assert profile.default_non_taxable_code == "E"
    assert profile.default_item_sales_tax == "GST"


def test_the_profile_reads_bytes_and_parsed_responses_alike():
    text = hcp_response()
    assert read_profile(text.encode("utf-8")) == read_profile(text) == read_profile(parse_message(text))


@pytest.mark.parametrize(("country", "edition"), [("US", Edition.US), ("UK", Edition.UK), ("AU", Edition.AU)])
def test_the_country_decides_the_edition(country, edition):
    assert read_profile(hcp_response(country=country, versions=UNIFIED)).edition is edition


def test_flags_follow_the_preferences():
    assert read_profile(hcp_response(class_tracking="false")).uses_class_tracking is False


def test_a_host_answer_alone_gives_a_profile_with_safe_defaults():
    profile = read_profile(hcp_response(company=False, preferences=False))
    assert profile.edition is Edition.CA
    assert profile.version == Version(13, 0)
    assert profile.company_name == ""
    assert profile.uses_class_tracking is False
    assert profile.uses_multicurrency is False
    assert profile.amounts_include_tax is False
    assert profile.default_taxable_code == ""


def test_a_host_without_a_country_is_taken_as_us():
    document = hcp_response(versions=UNIFIED).replace("<Country>CA</Country>\n", "")
    assert "<Country>" not in document
    assert read_profile(document).edition is Edition.US


def test_an_unknown_country_stops_the_run():
    with pytest.raises(ConfigError, match="'FR'"):
        read_profile(hcp_response(country="FR"))


def test_an_old_quickbooks_is_refused_when_the_version_is_asked_for():
    profile = read_profile(hcp_response(versions=["1.0", "2.0", "3.0", "CA2.0", "CA3.0"]))
    with pytest.raises(ConfigError, match="Update QuickBooks") as caught:
        _ = profile.version
    assert "CA3.0" in caught.value.user_message


def test_a_missing_host_answer_is_a_config_error():
    document = """<?xml version="1.0" ?>
<QBXML><QBXMLMsgsRs>
<CompanyQueryRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
<CompanyRet><CompanyName>Maple Leaf IT Services Inc.</CompanyName></CompanyRet></CompanyQueryRs>
</QBXMLMsgsRs></QBXML>"""
    with pytest.raises(ConfigError, match="did not describe itself"):
        read_profile(document)


def test_a_host_answer_without_a_host_is_a_config_error():
    document = """<?xml version="1.0" ?>
<QBXML><QBXMLMsgsRs>
<HostQueryRs requestID="0" statusCode="1000" statusSeverity="Error" statusMessage="Internal error" />
</QBXMLMsgsRs></QBXML>"""
    with pytest.raises(ConfigError, match="company file is open"):
        read_profile(document)


# --- negotiating with the Web Connector -------------------------------------------------------------------


@pytest.fixture
def profile() -> CompanyProfile:
    return read_profile(hcp_response())


@pytest.mark.parametrize(
    ("major", "minor", "version"),
    [
        (None, None, Version(13, 0)),
        (10, 0, Version(10, 0)),
        (10, None, Version(10, 0)),
        (12, 5, Version(12, 0)),
        (16, 0, Version(13, 0)),
        (0, 0, Version(13, 0)),
    ],
)
def test_negotiate_version_honours_the_web_connector_ceiling(profile, major, minor, version):
    assert negotiate_version(profile, major=major, minor=minor) == version


def test_negotiate_version_picks_what_the_file_supports_below_the_ceiling():
    older = read_profile(hcp_response(versions=["6.0", "8.0", "11.0"]))
    assert negotiate_version(older) == Version(11, 0)
    assert negotiate_version(older, major=10) == Version(8, 0)


def test_a_ceiling_below_the_minimum_is_refused(profile):
    with pytest.raises(ConfigError, match="8.0 or newer"):
        negotiate_version(profile, major=7)


def test_the_profile_requests_are_the_three_hcp_queries():
    requests = profile_requests()
    assert [(r.name, r.request_id, r.iterator) for r in requests] == [
        ("HostQueryRq", "host", None),
        ("CompanyQueryRq", "company", None),
        ("PreferencesQueryRq", "preferences", None),
    ]
    xml = build_message(requests, edition=Edition.US, version=Version(13, 0))
    assert '<HostQueryRq requestID="host"></HostQueryRq>' in xml
    assert xml.index("HostQueryRq") < xml.index("CompanyQueryRq") < xml.index("PreferencesQueryRq")
