"""HostQuery, CompanyQuery and PreferencesQuery: what the file and the product say about themselves.

These three answers are also the Web Connector's first ``strHCPResponse`` (research §1.2,
§7.2: product, country, supported versions, file mode). ``CompanyRet`` carries a
``DataExtRet`` with a stable file id, so a caller can tell two company files apart.
``PreferencesRet`` reports class tracking, multicurrency, the closing date and the sales tax
set-up the simulator really applies (research §2.4 PreferencesQuery).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.fields import ref_of
from halo_accounts.simulators.quickbooks.registry import Outcome, handles
from halo_accounts.simulators.quickbooks.render import Record, render_ret
from halo_accounts.simulators.quickbooks.xmlio import fmt_bool

__all__ = ["company_ret", "host_ret", "preferences_ret"]


def host_ret(ctx: Context, file_mode: str) -> etree._Element:
    """``HostRet`` for the company's edition."""
    profile = ctx.profile
    record: Record = {
        "ProductName": profile.product_name,
        "MajorVersion": profile.major_version,
        "MinorVersion": profile.minor_version,
        "Country": profile.country,
        "SupportedQBXMLVersion": list(profile.supported_versions),
        "IsAutomaticLogin": fmt_bool(bool(ctx.state.meta.get("automatic_login", True))),
        "QBFileMode": file_mode,
    }
    return render_ret("HostRet", record)


def company_ret(ctx: Context) -> etree._Element:
    """``CompanyRet`` from the stored company details."""
    company: dict[str, Any] = dict(ctx.state.meta.get("company", {}))
    company.setdefault("IsSampleCompany", "false")
    file_id = ctx.state.meta.get("file_id")
    if file_id:
        company["DataExtRet"] = [
            {"DataExtName": "FileID", "DataExtType": "STR255TYPE", "DataExtValue": str(file_id)},
        ]
    return render_ret("CompanyRet", company)


def _ref_by_name(ctx: Context, kinds: tuple[str, ...], name: object) -> dict[str, str] | None:
    for kind in kinds:
        found = ctx.state.by_name(kind, str(name or ""))
        if found is not None:
            return ref_of(found)
    return None


def preferences_ret(ctx: Context) -> etree._Element:
    """``PreferencesRet`` with every required child of the parts it includes."""
    prefs = ctx.prefs
    closing: date | None = ctx.closing_date
    accounting: Record = {
        "IsUsingAccountNumbers": "false",
        "IsRequiringAccounts": "true",
        "IsUsingClassTracking": fmt_bool(bool(prefs.get("class_tracking"))),
        "IsUsingAuditTrail": "true",
        "IsAssigningJournalEntryNumbers": "true",
    }
    if closing is not None:
        accounting["ClosingDate"] = closing.isoformat()
    record: Record = {
        "AccountingPreferences": accounting,
        "JobsAndEstimatesPreferences": {
            "IsUsingEstimates": "true",
            "IsUsingProgressInvoicing": "false",
            "IsPrintingItemsWithZeroAmounts": "false",
        },
        "MultiCurrencyPreferences": {"IsMultiCurrencyOn": fmt_bool(bool(prefs.get("multicurrency")))},
        "PurchasesAndVendorsPreferences": {
            "IsUsingInventory": "true",
            "DaysBillsAreDue": "10",
            "IsAutomaticallyUsingDiscounts": "false",
        },
        "ReportsPreferences": {"AgingReportBasis": "AgeFromDueDate", "SummaryReportBasis": "Accrual"},
        "SalesAndCustomersPreferences": {
            "IsTrackingReimbursedExpensesAsIncome": "false",
            "IsAutoApplyingPayments": "true",
            "PriceLevels": {"IsUsingPriceLevels": "false"},
        },
        "TimeTrackingPreferences": {"FirstDayOfWeek": "Monday" if ctx.profile.code != "US" else "Sunday"},
        "CurrentAppAccessRights": {"IsAutomaticLoginAllowed": "true", "IsPersonalDataAccessAllowed": "true"},
    }
    default_item = _ref_by_name(ctx, ("ItemSalesTax", "ItemSalesTaxGroup"), prefs.get("default_item_sales_tax"))
    taxable = _ref_by_name(ctx, ("SalesTaxCode",), prefs.get("default_taxable_code"))
    non_taxable = _ref_by_name(ctx, ("SalesTaxCode",), prefs.get("default_non_taxable_code"))
    if default_item and taxable and non_taxable:  # all three are required by the schema
        record["SalesTaxPreferences"] = {
            "DefaultItemSalesTaxRef": default_item,
            "PaySalesTax": str(prefs.get("pay_sales_tax") or "Monthly"),
            "DefaultTaxableSalesTaxCodeRef": taxable,
            "DefaultNonTaxableSalesTaxCodeRef": non_taxable,
            "IsUsingVendorTaxCode": fmt_bool(ctx.profile.uses_rate_per_code),
            "IsUsingCustomerTaxCode": fmt_bool(ctx.profile.uses_rate_per_code),
            "IsUsingAmountsIncludeTax": fmt_bool(bool(prefs.get("amounts_include_tax"))),
        }
    return render_ret("PreferencesRet", record)


@handles("HostQueryRq")
def host_query(ctx: Context, rq: etree._Element) -> Outcome:
    """HostQuery."""
    return Outcome([host_ret(ctx, ctx.file_mode)])


@handles("CompanyQueryRq")
def company_query(ctx: Context, rq: etree._Element) -> Outcome:
    """CompanyQuery."""
    return Outcome([company_ret(ctx)])


@handles("PreferencesQueryRq")
def preferences_query(ctx: Context, rq: etree._Element) -> Outcome:
    """PreferencesQuery."""
    return Outcome([preferences_ret(ctx)])
