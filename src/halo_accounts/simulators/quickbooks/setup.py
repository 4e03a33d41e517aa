"""What a new company file of each edition contains before anyone adds to it.

QuickBooks creates a chart of accounts, terms, payment methods and (once sales tax is on)
the edition's tax codes and items with a new file; CA/UK/AU files come with their
government codes. The company's details and preferences live in ``State.meta``; the file id
is derived from the company file path, so the same path always has the same id.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PureWindowsPath

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.fields import ref_of
from halo_accounts.simulators.quickbooks.lists import stamp_new
from halo_accounts.simulators.quickbooks.render import Record
from halo_accounts.simulators.quickbooks.seed_data import ACCOUNTS, EDITION_SEEDS
from halo_accounts.simulators.quickbooks.xmlio import fmt_price

__all__ = ["initialise_company", "make_list_record"]

_TERMS = (("Net 30", "30", None, None), ("Net 15", "15", None, None), ("Due on receipt", "0", None, None))
_DISCOUNT_TERMS = ("2% 10 Net 30", "30", "10", "2.00")


def make_list_record(ctx: Context, kind: str, fields: Record) -> Record:
    """Create a list record directly (no request): stamped, active, stored."""
    record: Record = {"IsActive": "true"}
    record.update(fields)
    if kind in ("Account", "Class", "ItemService", "ItemNonInventory", "ItemInventory", "Customer"):
        record.setdefault("FullName", record["Name"])
        record.setdefault("Sublevel", "0")
    stamp_new(ctx, record)
    ordered = {key: record[key] for key in ("ListID", "TimeCreated", "TimeModified", "EditSequence")}
    ordered.update(record)
    ctx.state.put(kind, ordered)
    return ordered


def initialise_company(ctx: Context, company_file: str, company_name: str | None) -> None:
    """Fill an empty ``State`` with a new file's built-in lists, details and preferences."""
    profile = ctx.profile
    data = EDITION_SEEDS[profile.code]
    name = company_name or PureWindowsPath(company_file).stem or data.company
    street, city, region, postcode, country = data.address
    address = {"Addr1": street, "City": city, "State": region, "PostalCode": postcode, "Country": country}
    ctx.state.meta.update(
        {
            "edition": profile.code,
            "company_file": company_file,
            "file_id": f"{{{uuid.uuid5(uuid.NAMESPACE_URL, 'qbw:' + company_file.casefold())}}}",
            "company": {
                "CompanyName": name,
                "LegalCompanyName": f"{name} {profile.legal_suffix}",
                "Address": address,
                "AddressBlock": {"Addr1": name, "Addr2": street, "Addr3": f"{city} {region} {postcode}"},
                "LegalAddress": address,
                "Phone": data.phone,
                "Email": "accounts@northwind-it.example",
                "CompanyWebSite": "https://northwind-it.example",
                "FirstMonthFiscalYear": "January" if profile.code in ("US", "CA") else "April",
                "FirstMonthIncomeTaxYear": "January" if profile.code in ("US", "CA") else "April",
            },
            "preferences": {
                "class_tracking": profile.class_tracking,
                "multicurrency": False,
                "amounts_include_tax": profile.amounts_include_tax,
                "default_item_sales_tax": data.default_tax_item,
                "default_taxable_code": data.default_taxable,
                "default_non_taxable_code": data.default_non_taxable,
                "pay_sales_tax": data.pay_sales_tax,
            },
        }
    )
    make_list_record(ctx, "Account", {"Name": data.bank_account, "AccountType": "Bank", "Balance": "0.00"})
    for account_name, account_type, special in ACCOUNTS:
        fields: Record = {"Name": account_name, "AccountType": account_type}
        if special:
            fields["SpecialAccountType"] = special
        fields["Balance"] = fields["TotalBalance"] = "0.00"
        make_list_record(ctx, "Account", fields)
    make_list_record(
        ctx,
        "Account",
        {"Name": data.tax_account, "AccountType": "OtherCurrentLiability", "SpecialAccountType": "SalesTaxPayable"},
    )
    for terms_name, due, discount_days, discount in (*_TERMS, _DISCOUNT_TERMS):
        terms: Record = {"Name": terms_name, "StdDueDays": due}
        if discount_days:
            terms.update({"StdDiscountDays": discount_days, "DiscountPct": discount})
        make_list_record(ctx, "StandardTerms", terms)
    for method in data.payment_methods:
        make_list_record(ctx, "PaymentMethod", {"Name": method})
    _tax_setup(ctx)


def _tax_setup(ctx: Context) -> None:
    data = EDITION_SEEDS[ctx.profile.code]
    agency = make_list_record(ctx, "Vendor", {"Name": data.tax_agency, "CompanyName": data.tax_agency})
    items: dict[str, Record] = {}
    for item in data.tax_items:
        fields: Record = {"Name": item.name, "ItemDesc": item.desc, "TaxRate": fmt_price(Decimal(item.rate))}
        fields["TaxVendorRef"] = ref_of(agency)  # a non-zero rate needs a tax agency (research §2.5)
        items[item.name] = make_list_record(ctx, "ItemSalesTax", fields)
    for group_name, description, members in data.tax_groups:
        group: Record = {"Name": group_name, "ItemDesc": description}
        group["ItemSalesTaxRef"] = [ref_of(items[member]) for member in members]
        items[group_name] = make_list_record(ctx, "ItemSalesTaxGroup", group)
    for code in data.tax_codes:
        fields = {"Name": code.name, "IsTaxable": "true" if code.taxable else "false", "Desc": code.desc}
        if code.item is not None and ctx.profile.uses_rate_per_code:
            fields["ItemSalesTaxRef"] = ref_of(items[code.item])
        make_list_record(ctx, "SalesTaxCode", fields)
