"""Word lists and per-edition set-ups for realistic MSP company files.

Tax set-ups follow research §2.5: the US has the built-in ``Tax``/``Non`` codes and rates in
``ItemSalesTax`` items and groups (New York City's 8.875% = 4% state + 4.5% city + 0.375%
MCTD); Canada, the UK and Australia point each code at the tax item holding its rate (GST 5%,
HST ON 13%, QST 9.975%; VAT 20/5/0%; GST 10%), with Australian codes up to 6 characters.
The names are user data in real files, which is exactly why the integrator must read them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ACCOUNTS", "EDITION_SEEDS", "EditionSeed", "TaxCode", "TaxItem"]


@dataclass(frozen=True)
class TaxItem:
    """An ItemSalesTax: name, percentage, description."""

    name: str
    rate: str
    desc: str


@dataclass(frozen=True)
class TaxCode:
    """A SalesTaxCode: name, taxable flag, description, and (CA/UK/AU) its tax item or group."""

    name: str
    taxable: bool
    desc: str
    item: str | None = None


@dataclass(frozen=True)
class EditionSeed:
    """What a company file of one edition starts with."""

    company: str
    address: tuple[str, str, str, str, str]  # street, city, state/province/county, postcode, country
    phone: str
    bank_account: str
    tax_account: str
    tax_agency: str
    tax_items: tuple[TaxItem, ...]
    tax_groups: tuple[tuple[str, str, tuple[str, ...]], ...]
    tax_codes: tuple[TaxCode, ...]
    default_tax_item: str | None
    default_taxable: str
    default_non_taxable: str
    pay_sales_tax: str
    customer_codes: tuple[str, ...]  # drawn from for customers, in proportion
    customer_tax_items: tuple[str, ...]  # US: the rate items customers carry
    service_code: str
    product_code: str
    cities: tuple[tuple[str, str, str], ...]
    labour: str  # "Labor" or "Labour"
    licence: str  # "License" or "Licence"
    vendors: tuple[str, ...]
    payment_methods: tuple[str, ...]


ACCOUNTS: tuple[tuple[str, str, str | None], ...] = (
    ("Accounts Receivable", "AccountsReceivable", "AccountsReceivable"),
    ("Undeposited Funds", "OtherCurrentAsset", "UndepositedFunds"),
    ("Inventory Asset", "OtherCurrentAsset", "InventoryAssets"),
    ("Accounts Payable", "AccountsPayable", "AccountsPayable"),
    ("Managed Services Income", "Income", None),
    ("Project Income", "Income", None),
    ("Hardware Sales", "Income", None),
    ("Software Subscriptions", "Income", None),
    ("Cost of Goods Sold", "CostOfGoodsSold", "CostOfGoodsSold"),
    ("Subcontractors", "Expense", None),
    ("Software Costs", "Expense", None),
)

_US_CITIES = (("New York", "NY", "10001"), ("Brooklyn", "NY", "11201"), ("White Plains", "NY", "10601"))
_CA_CITIES = (("Toronto", "ON", "M5V 2T6"), ("Ottawa", "ON", "K1P 5G8"), ("Montréal", "QC", "H3B 4W8"))
_UK_CITIES = (("Manchester", "Greater Manchester", "M1 1AE"), ("Leeds", "West Yorkshire", "LS1 4DY"))
_AU_CITIES = (("Sydney", "NSW", "2000"), ("Parramatta", "NSW", "2150"), ("Melbourne", "VIC", "3000"))

EDITION_SEEDS: dict[str, EditionSeed] = {
    "US": EditionSeed(
        company="Northwind IT",
        address=("350 Fifth Avenue", "New York", "NY", "10118", "US"),
        phone="212-555-0147",
        bank_account="Checking",
        tax_account="Sales Tax Payable",
        tax_agency="NYS Department of Taxation and Finance",
        tax_items=(
            TaxItem("NYC Sales Tax", "8.875", "New York City combined sales tax"),
            TaxItem("NY State Sales Tax", "4.0", "New York State sales tax"),
            TaxItem("NYC City Tax", "4.5", "New York City local sales tax"),
            TaxItem("MCTD Surcharge", "0.375", "Metropolitan Commuter Transportation District"),
            TaxItem("Westchester Sales Tax", "8.375", "Westchester County combined sales tax"),
            TaxItem("California Sales Tax", "7.25", "California statewide sales tax"),
        ),
        tax_groups=(
            ("NYC Combined", "NY State + NYC + MCTD", ("NY State Sales Tax", "NYC City Tax", "MCTD Surcharge")),
        ),
        tax_codes=(TaxCode("Tax", True, "Taxable Sales"), TaxCode("Non", False, "Non-Taxable Sales")),
        default_tax_item="NYC Sales Tax",
        default_taxable="Tax",
        default_non_taxable="Non",
        pay_sales_tax="Quarterly",
        customer_codes=("Tax", "Tax", "Tax", "Non"),
        customer_tax_items=("NYC Sales Tax", "NYC Combined", "Westchester Sales Tax"),
        service_code="Non",
        product_code="Tax",
        cities=_US_CITIES,
        labour="Labor",
        licence="License",
        vendors=("Ingram Micro", "Dell Technologies", "Pax8", "Verizon Business", "CDW"),
        payment_methods=("Cash", "Check", "Visa", "MasterCard", "American Express", "E-Check"),
    ),
    "CA": EditionSeed(
        company="Northwind IT",
        address=("100 King Street West", "Toronto", "ON", "M5X 1A9", "Canada"),
        phone="416-555-0147",
        bank_account="Chequing",
        tax_account="GST/HST Payable",
        tax_agency="Receiver General",
        tax_items=(
            TaxItem("GST", "5.0", "Goods and Services Tax"),
            TaxItem("HST ON", "13.0", "Harmonized Sales Tax - Ontario"),
            TaxItem("QST", "9.975", "Québec Sales Tax"),
            TaxItem("GST Zero-rated", "0.0", "Zero-rated supplies"),
        ),
        tax_groups=(("GST/QST", "GST and QST", ("GST", "QST")),),
        tax_codes=(
            TaxCode("G", True, "GST", "GST"),
            TaxCode("H", True, "HST ON", "HST ON"),
            TaxCode("Q", True, "QST", "QST"),
            TaxCode("GQ", True, "GST and QST", "GST/QST"),
            TaxCode("Z", True, "Zero-rated", "GST Zero-rated"),
            TaxCode("E", False, "Exempt"),
        ),
        default_tax_item="HST ON",
        default_taxable="H",
        default_non_taxable="E",
        pay_sales_tax="Quarterly",
        customer_codes=("H", "H", "H", "GQ", "G", "E"),
        customer_tax_items=(),
        service_code="H",
        product_code="H",
        cities=_CA_CITIES,
        labour="Labour",
        licence="Licence",
        vendors=("Ingram Micro Canada", "Dell Canada", "Pax8 Canada", "Bell Business", "CDW Canada"),
        payment_methods=("Cash", "Cheque", "Visa", "MasterCard", "Interac", "EFT"),
    ),
    "UK": EditionSeed(
        company="Northwind IT",
        address=("1 Spinningfields", "Manchester", "Greater Manchester", "M3 3AP", "United Kingdom"),
        phone="0161 555 0147",
        bank_account="Current Account",
        tax_account="VAT Liability",
        tax_agency="HM Revenue & Customs",
        tax_items=(
            TaxItem("VAT Standard", "20.0", "Standard rate VAT"),
            TaxItem("VAT Reduced", "5.0", "Reduced rate VAT"),
            TaxItem("VAT Zero", "0.0", "Zero rate VAT"),
        ),
        tax_groups=(),
        tax_codes=(
            TaxCode("S", True, "Standard", "VAT Standard"),
            TaxCode("R", True, "Reduced", "VAT Reduced"),
            TaxCode("Z", True, "Zero rated", "VAT Zero"),
            TaxCode("E", False, "Exempt"),
        ),
        default_tax_item="VAT Standard",
        default_taxable="S",
        default_non_taxable="E",
        pay_sales_tax="Quarterly",
        customer_codes=("S", "S", "S", "S", "Z"),
        customer_tax_items=(),
        service_code="S",
        product_code="S",
        cities=_UK_CITIES,
        labour="Labour",
        licence="Licence",
        vendors=("Ingram Micro UK", "Dell UK", "Pax8 UK", "BT Business", "Softcat"),
        payment_methods=("Cash", "Cheque", "BACS", "Visa", "MasterCard", "Direct Debit"),
    ),
    "AU": EditionSeed(
        company="Northwind IT",
        address=("1 Martin Place", "Sydney", "NSW", "2000", "Australia"),
        phone="02 5550 0147",
        bank_account="Cheque Account",
        tax_account="GST Payable",
        tax_agency="Australian Taxation Office",
        tax_items=(TaxItem("GST", "10.0", "Goods and Services Tax"), TaxItem("GST Free", "0.0", "GST-free supplies")),
        tax_groups=(),
        tax_codes=(
            TaxCode("GST", True, "Goods & Services Tax", "GST"),
            TaxCode("FRE", True, "GST Free", "GST Free"),
            TaxCode("EXPORT", True, "GST-free export", "GST Free"),
            TaxCode("NT", False, "Not reportable"),
        ),
        default_tax_item="GST",
        default_taxable="GST",
        default_non_taxable="FRE",
        pay_sales_tax="Quarterly",
        customer_codes=("GST", "GST", "GST", "GST", "EXPORT"),
        customer_tax_items=(),
        service_code="GST",
        product_code="GST",
        cities=_AU_CITIES,
        labour="Labour",
        licence="Licence",
        vendors=("Ingram Micro Australia", "Dell Australia", "Pax8 Australia", "Telstra Business", "Data#3"),
        payment_methods=("Cash", "Cheque", "EFT", "Visa", "MasterCard", "BPAY"),
    ),
}

CUSTOMER_WORDS = (
    "Acme", "Blue Harbor", "Cedar", "Summit", "Riverside", "Oakwood", "Granite", "Lakeside", "Pioneer", "Beacon",
    "Harbourview", "Maple", "Redwood", "Silverline", "Northgate", "Eastbrook", "Westfield", "Kingsley", "Ashford",
    "Brightwater", "Clearview", "Foxglove", "Hawthorn", "Ironbridge", "Juniper", "Kestrel", "Larkspur", "Meridian",
)  # fmt: skip
CUSTOMER_TRADES = (
    "Dental", "Law", "Accounting", "Logistics", "Architects", "Veterinary", "Realty", "Engineering", "Medical",
    "Insurance", "Construction", "Design", "Consulting", "Pharmacy", "Physiotherapy", "Freight", "Bakery",
)  # fmt: skip
CUSTOMER_FORMS = ("Group", "Partners", "Associates", "Clinic", "& Co", "Services", "Studio", "Practice")
JOBS = ("Office Move", "Server Upgrade", "Microsoft 365 Migration", "Network Refresh", "Firewall Replacement")
FIRST_NAMES = ("Alex", "Priya", "Sam", "Morgan", "Jordan", "Chen", "Fatima", "Liam", "Olivia", "Noah", "Aroha")
LAST_NAMES = ("Smith", "Patel", "Nguyen", "García", "Kowalski", "O'Neill", "Müller", "Tanaka", "Brown", "Dubois")
STREETS = ("High Street", "Main Street", "Queen Street", "Church Road", "Station Road", "Park Avenue")
