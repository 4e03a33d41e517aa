"""Edition profiles: what a US, Canadian, UK or Australian QuickBooks Desktop says about itself.

The qbXML 13.0 spec serves every region (research §2.5), so an edition differs in its
``HostRet`` (product, ``Country``, the ``SupportedQBXMLVersion`` list: Canadian and UK files
also list the legacy ``CA2.0``/``CA3.0`` and ``UK2.0``/``UK3.0`` specs), its tax model (US: a
taxable/non-taxable code per line and one rate per invoice; the others: a rate behind each
code, optionally tax-inclusive) and the per-edition field rules in ``rules``.

Product names and versions are those of QuickBooks 2014 (R24), the release whose newest spec
is qbXML 13.0, the version this simulator validates against; a profile whose product claimed
a later release would have to list 14.0-16.0 too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["EDITIONS", "PROCESSABLE_VERSIONS", "EditionProfile", "local_zone"]

# qbXML versions 1.0-13.0 of the unified spec (there is no 9.x split: 9.0 is QuickBooks 2010).
_US_VERSIONS = (
    "1.0", "1.1", "2.0", "3.0", "4.0", "4.1", "5.0", "6.0", "7.0", "8.0", "9.0", "10.0", "11.0", "12.0",
    "13.0",
)  # fmt: skip

# Versions whose requests this simulator processes (validated against the 13.0 schema, a
# superset of the earlier unified specs). The legacy CA/UK specs had a different tax model
# (research §2.5) and are answered with the version error even though the host lists them.
PROCESSABLE_VERSIONS = frozenset(_US_VERSIONS)


@dataclass(frozen=True)
class EditionProfile:
    """One regional edition of QuickBooks Desktop."""

    code: str  # our name: US, CA, UK, AU
    sdk_code: str  # the ops file's name: QBD, QBCA, QBUK, QBAU
    country: str  # HostRet/Country
    product_name: str
    major_version: str
    minor_version: str
    supported_versions: tuple[str, ...]
    zone_name: str  # where the company's clock runs (TimeCreated/TimeModified offsets)
    fallback_offset_hours: int  # used when the platform has no time-zone database
    sales_tax_country: str | None  # CustomerRet/SalesTaxCountry, not in QBD
    tax_code_max_length: int  # SalesTaxCode names: 3, or 6 on QBAU (research §2.5)
    uses_rate_per_code: bool  # CA/UK/AU: each code points at the tax item holding its rate
    amounts_include_tax: bool  # SalesTaxPreferences/IsUsingAmountsIncludeTax default
    class_tracking: bool  # AccountingPreferences/IsUsingClassTracking default
    home_currency: str
    legal_suffix: str  # how company names end in this country

    def zone(self) -> tzinfo:
        """The company's time zone (DST included when the platform knows the zone)."""
        return local_zone(self.zone_name, self.fallback_offset_hours)


def local_zone(name: str, fallback_hours: int) -> tzinfo:
    """An IANA zone, or a fixed offset where no tz database is installed (e.g. bare Windows)."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=fallback_hours))


EDITIONS: dict[str, EditionProfile] = {
    "US": EditionProfile(
        code="US",
        sdk_code="QBD",
        country="US",
        product_name="QuickBooks Enterprise Solutions: Accountant 14.0",
        major_version="24",
        minor_version="0",
        supported_versions=_US_VERSIONS,
        zone_name="America/Los_Angeles",
        fallback_offset_hours=-8,
        sales_tax_country=None,
        tax_code_max_length=3,
        uses_rate_per_code=False,
        amounts_include_tax=False,
        class_tracking=True,
        home_currency="US Dollar",
        legal_suffix="LLC",
    ),
    "CA": EditionProfile(
        code="CA",
        sdk_code="QBCA",
        country="CA",
        product_name="QuickBooks Premier Accountant Edition 2014 - Canadian",
        major_version="24",
        minor_version="0",
        supported_versions=(*_US_VERSIONS, "CA2.0", "CA3.0"),
        zone_name="America/Toronto",
        fallback_offset_hours=-5,
        sales_tax_country="Canada",
        tax_code_max_length=3,
        uses_rate_per_code=True,
        amounts_include_tax=False,
        class_tracking=True,
        home_currency="Canadian Dollar",
        legal_suffix="Inc.",
    ),
    "UK": EditionProfile(
        code="UK",
        sdk_code="QBUK",
        country="UK",
        product_name="QuickBooks Accountant 2014 - UK Edition",
        major_version="24",
        minor_version="0",
        supported_versions=(*_US_VERSIONS, "UK2.0", "UK3.0"),
        zone_name="Europe/London",
        fallback_offset_hours=0,
        sales_tax_country="UK",
        tax_code_max_length=3,
        uses_rate_per_code=True,
        amounts_include_tax=False,
        class_tracking=False,
        home_currency="British Pound Sterling",
        legal_suffix="Ltd",
    ),
    "AU": EditionProfile(
        code="AU",
        sdk_code="QBAU",
        country="AU",
        product_name="QuickBooks Premier Accountant Edition 2013/14 - Australian",
        major_version="23",
        minor_version="0",
        supported_versions=_US_VERSIONS,
        zone_name="Australia/Sydney",
        fallback_offset_hours=10,
        sales_tax_country="Australia",
        tax_code_max_length=6,
        uses_rate_per_code=True,
        amounts_include_tax=True,
        class_tracking=False,
        home_currency="Australian Dollar",
        legal_suffix="Pty Ltd",
    ),
}
