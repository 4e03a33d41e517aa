"""One Sage 50 Canada company (``.SAI``/``.SAJ``) and File > Import Transactions of ``.IMP`` files.

Rules, from research sage50.md §2.1, §2.4 and §2.5:
- customers and vendors are keyed by name: at most 52 characters, unique in their ledger;
- items (inventory and services) by part number, which a detail line must name;
- a tax code (at most 2 characters) is a set of tax authorities (GST, HST, PST, QST), each with a
  rate, refundable or not, included in the price or not; a line's tax blocks must name the
  authorities the company has, at their rates;
- an invoice number is used once per journal; dates are mm-dd-yyyy; home currency only;
- an import is all or nothing: one transaction Sage refuses and nothing in the file is recorded
  (assumed, as Sage does for its General Journal import);
- while someone has the company open in single-user mode ("Sage is open"), nothing is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from halo_accounts.connectors.sage50ca.imp import ENCODING, ImpDocument, ImpFormatError, Party, SalesDetail, parse

__all__ = ["Authority", "CanadaCompany", "ImportOutcome", "TaxCode", "import_file", "seed_company"]

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Authority:
    """A tax: GST, HST, PST, QST ..."""

    name: str
    rate: Decimal
    refundable: bool = False  # on purchases: an input tax credit


@dataclass(frozen=True)
class TaxCode:
    """Up to two characters, naming the authorities a line is taxed by."""

    code: str
    description: str
    authorities: tuple[str, ...]
    included: bool = False


@dataclass
class Invoice:
    """A recorded sales or purchase invoice."""

    journal: str  # "sales" or "purchases"
    number: str
    party: str
    entry_date: date
    details: tuple[SalesDetail, ...]
    total: Decimal


@dataclass
class ImportOutcome:
    """What one import did: the transactions recorded, or why none were."""

    recorded: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the whole file was recorded."""
        return not self.errors


@dataclass
class CanadaCompany:
    """The data of one company."""

    name: str = "Universal Construction"
    account_digits: int = 4  # 4 by default; up to 8 in Premium and higher
    customers: dict[str, Party] = field(default_factory=dict)
    vendors: dict[str, Party] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)  # part number -> description
    authorities: dict[str, Authority] = field(default_factory=dict)
    tax_codes: dict[str, TaxCode] = field(default_factory=dict)
    invoices: list[Invoice] = field(default_factory=list)
    open_single_user: bool = False  # someone has Sage open on the company in single-user mode
    next_invoice: int = 1

    def add_tax_code(self, code: TaxCode) -> None:
        """Set up a tax code; its authorities must exist and it is at most 2 characters."""
        if not 1 <= len(code.code) <= 2:
            msg = f"tax code {code.code!r}: 1 or 2 characters"
            raise ValueError(msg)
        missing = [a for a in code.authorities if a not in self.authorities]
        if missing:
            msg = f"tax code {code.code}: no tax authority {', '.join(missing)}"
            raise ValueError(msg)
        self.tax_codes[code.code] = code


def _check_party(ledger: dict[str, Party], party: Party, what: str, *, new: bool) -> str | None:
    if not party.name or len(party.name) > 52:
        return f"{what} name {party.name!r}: 1 to 52 characters"
    if new and party.name in ledger:
        return f"{what} {party.name!r} already exists"
    if not new and party.name not in ledger and not party.one_time:
        return f"{what} {party.name!r} does not exist"
    return None


def _check_details(company: CanadaCompany, details: tuple[SalesDetail, ...], where: str) -> list[str]:
    errors = []
    for n, detail in enumerate(details, start=1):
        if detail.item not in company.items:
            errors.append(f"{where}, line {n}: item {detail.item!r} does not exist")
        for tax in detail.taxes:
            authority = company.authorities.get(tax.name)
            if authority is None:
                errors.append(f"{where}, line {n}: tax {tax.name!r} is not set up in this company")
            elif tax.rate.quantize(_CENT) != authority.rate.quantize(_CENT):  # the file carries 2 decimals
                errors.append(f"{where}, line {n}: {tax.name} is {authority.rate}% here, not {tax.rate}%")
        if detail.amount.quantize(_CENT) != detail.amount:
            errors.append(f"{where}, line {n}: amount {detail.amount} has more than two decimals")
    return errors


def import_file(company: CanadaCompany, data: bytes) -> ImportOutcome:
    """File > Import Transactions (or ``Sage_SA_import.exe file.imp company.sai``)."""
    if company.open_single_user:
        return ImportOutcome(errors=["The company is open in single-user mode: close Sage and import again."])
    try:
        document = parse(data.decode(ENCODING))
    except (UnicodeDecodeError, ImpFormatError) as exc:
        return ImportOutcome(errors=[f"The file is not a valid import file: {exc}"])
    errors = _check(company, document)
    if errors:
        return ImportOutcome(errors=errors)  # all or nothing
    for party in document.customers:
        company.customers[party.name] = party
    for party in document.vendors:
        company.vendors[party.name] = party
    for sale in document.sales_invoices:
        number = sale.invoice_number or str(company.next_invoice)
        company.next_invoice = max(company.next_invoice, int(number) + 1 if number.isdigit() else 0)
        company.invoices.append(Invoice("sales", number, sale.customer.name, sale.entry_date, sale.details, sale.total))
    for purchase in document.purchase_invoices:
        company.invoices.append(
            Invoice(
                "purchases",
                purchase.invoice_number,
                purchase.vendor.name,
                purchase.entry_date,
                purchase.details,
                purchase.total,
            )  # fmt: skip
        )
    return ImportOutcome(recorded=len(document.customers) + len(document.vendors) + len(document.sales_invoices)
                         + len(document.purchase_invoices))  # fmt: skip


def _check(company: CanadaCompany, document: ImpDocument) -> list[str]:
    errors: list[str] = []
    names = [p.name for p in document.customers]
    errors += [e for p in document.customers if (e := _check_party(company.customers, p, "customer", new=True))]
    errors += [f"customer {n!r} appears twice in the file" for n in {n for n in names if names.count(n) > 1}]
    errors += [e for p in document.vendors if (e := _check_party(company.vendors, p, "vendor", new=True))]
    adding = {p.name for p in document.customers}
    used = {(i.journal, i.number) for i in company.invoices}
    for sale in document.sales_invoices:
        where = f"sales invoice {sale.invoice_number or '(next)'}"
        if sale.customer.name not in adding:
            errors += [e for e in [_check_party(company.customers, sale.customer, "customer", new=False)] if e]
        if sale.invoice_number and ("sales", sale.invoice_number) in used:
            errors.append(f"{where}: the number is already used")
        used.add(("sales", sale.invoice_number))
        if not sale.details:
            errors.append(f"{where}: no detail lines")
        errors += _check_details(company, sale.details, where)
    for purchase in document.purchase_invoices:
        where = f"purchase invoice {purchase.invoice_number}"
        errors += [e for e in [_check_party(company.vendors, purchase.vendor, "vendor", new=False)] if e]
        errors += _check_details(company, purchase.details, where)
    return errors


def seed_company(province: str = "ON") -> CanadaCompany:
    """A company as set up in one province: its taxes and codes (research §2.5), and a few items."""
    company = CanadaCompany()
    for authority in (
        Authority("GST", Decimal(5), refundable=True), Authority("HST", Decimal(13), refundable=True),
        Authority("PST", Decimal(7)), Authority("QST", Decimal("9.975"), refundable=True),
    ):  # fmt: skip
        company.authorities[authority.name] = authority
    codes = {
        "ON": [TaxCode("H", "HST @ 13%", ("HST",))],
        "QC": [TaxCode("GQ", "GST @ 5%; QST @ 9.975%", ("GST", "QST"))],
        "BC": [TaxCode("GP", "GST @ 5%, PST @ 7%", ("GST", "PST"))],
        "AB": [TaxCode("G", "GST @ 5%", ("GST",))],
    }[province]
    for code in [TaxCode("E", "No Tax", ()), *codes]:
        company.add_tax_code(code)
    company.items.update({"MS-PER-USER": "Managed Services - Per User", "LAPTOP": "Laptop", "SUPPORT": "Support"})
    return company
