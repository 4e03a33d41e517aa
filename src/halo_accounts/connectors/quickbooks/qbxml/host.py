"""The company profile: what QuickBooks says about itself, and the qbXML version to speak.

The profile is read from HostQuery, CompanyQuery and PreferencesQuery answers — the same three
the Web Connector sends on its first ``sendRequestXML`` as ``strHCPResponse`` — and drives
everything edition-specific: which fields exist, how tax works, whether classes are used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.qbxml.editions import (
    MAX_VERSION,
    Edition,
    Version,
    choose_version,
    edition_for_country,
)
from halo_accounts.connectors.quickbooks.qbxml.parse import Response, parse_message
from halo_accounts.errors import ConfigError

__all__ = ["CompanyProfile", "negotiate_version", "profile_requests", "read_profile"]


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    """What the integrator needs to know about one QuickBooks company file."""

    product_name: str
    edition: Edition
    supported_versions: tuple[str, ...]
    major_release: int | None = None
    file_mode: str = ""
    company_name: str = ""
    uses_class_tracking: bool = False
    uses_multicurrency: bool = False
    amounts_include_tax: bool = False
    default_taxable_code: str = ""
    default_non_taxable_code: str = ""
    default_item_sales_tax: str = ""

    @property
    def version(self) -> Version:
        """The newest qbXML version both sides speak."""
        return choose_version(self.supported_versions)


def profile_requests() -> list[Request]:
    """The three queries that describe a company (what the Web Connector sends first)."""
    return [
        Request("HostQueryRq", request_id="host"),
        Request("CompanyQueryRq", request_id="company"),
        Request("PreferencesQueryRq", request_id="preferences"),
    ]


def read_profile(answer: str | bytes | Iterable[Response]) -> CompanyProfile:
    """Build the profile from a HostQuery (+ optional Company and Preferences) answer."""
    responses = parse_message(answer) if isinstance(answer, str | bytes) else list(answer)
    by_name = {r.name: r for r in responses}
    host_rs = by_name.get("HostQueryRs")
    host = host_rs.first() if host_rs else None
    if host is None:
        msg = "QuickBooks did not describe itself (no HostQuery answer); check that a company file is open."
        raise ConfigError(msg)
    country = host.text("Country") or "US"
    company_rs = by_name.get("CompanyQueryRs")
    company = company_rs.first() if company_rs else None
    preferences_rs = by_name.get("PreferencesQueryRs")
    preferences = preferences_rs.first() if preferences_rs else None
    versions = tuple(child.text(".") for child in host.children("SupportedQBXMLVersion"))

    def pref_bool(path: str) -> bool:
        return bool(preferences and preferences.boolean(path))

    def pref_text(path: str) -> str:
        return preferences.text(path) if preferences else ""

    return CompanyProfile(
        product_name=host.text("ProductName"),
        edition=edition_for_country(country),
        supported_versions=versions,
        major_release=host.integer("MajorVersion"),
        file_mode=host.text("QBFileMode"),
        company_name=company.text("CompanyName") if company else "",
        uses_class_tracking=pref_bool("AccountingPreferences/IsUsingClassTracking"),
        uses_multicurrency=pref_bool("MultiCurrencyPreferences/IsMultiCurrencyOn"),
        amounts_include_tax=pref_bool("SalesTaxPreferences/IsUsingAmountsIncludeTax"),
        default_taxable_code=pref_text("SalesTaxPreferences/DefaultTaxableSalesTaxCodeRef/FullName"),
        default_non_taxable_code=pref_text("SalesTaxPreferences/DefaultNonTaxableSalesTaxCodeRef/FullName"),
        default_item_sales_tax=pref_text("SalesTaxPreferences/DefaultItemSalesTaxRef/FullName"),
    )


def negotiate_version(
    profile: CompanyProfile,
    *,
    major: int | None = None,
    minor: int | None = None,
) -> Version:
    """The version to use, also bounded by what the Web Connector says it can carry."""
    ceiling = MAX_VERSION
    if major is not None and major > 0:
        ceiling = min(MAX_VERSION, Version(major, minor or 0))
    return choose_version(profile.supported_versions, ceiling=ceiling)
