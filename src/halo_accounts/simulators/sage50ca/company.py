"""One Sage 50 Canada company (``.SAI``/``.SAJ``) and File > Import Transactions of ``.IMP`` files.

Rules, from research sage50.md §2.1, §2.4 and §2.5:
- customers and vendors are keyed by name: at most 52 characters, unique in their ledger;
- items (inventory and services) by part number, which a detail line must name;
- a tax code (at most 2 characters) is a set of tax authorities (GST, HST, PST, QST), each with a
  rate, refundable or not, and possibly charged on another tax too (tax on tax); the code says
  whether tax is included in the price; a line's tax blocks must name the authorities the company
  has, at their rates;
- an invoice number is used once per journal; dates are mm-dd-yyyy; home currency only;
- an import is all or nothing: one transaction Sage refuses and nothing in the file is recorded
  (assumed, as Sage does for its General Journal import);
- while someone has the company open in single-user mode ("Sage is open"), nothing is imported;
- a receipt pays invoices of its customer and never more than each one still owes.

Every change bumps ``revision``, so a copy of the data elsewhere (its MySQL database) can tell it
is behind.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from halo_accounts.connectors.sage50ca.imp import (
    ENCODING,
    PARTY_FIELDS,
    ImpDocument,
    ImpFormatError,
    Party,
    SalesDetail,
    Tax,
    parse,
)

__all__ = [
    "Authority",
    "CanadaCompany",
    "ImportOutcome",
    "Invoice",
    "Receipt",
    "StockItem",
    "TaxCode",
    "import_file",
    "line_taxes",
    "load_company",
    "save_company",
    "seed_company",
]

_CENT = Decimal("0.01")
SALES, PURCHASES, PURCHASE_ORDERS = "sales", "purchases", "purchase orders"


@dataclass(frozen=True)
class Authority:
    """A tax: GST, HST, PST, QST ..."""

    name: str
    rate: Decimal
    refundable: bool = False  # on purchases: an input tax credit
    charged_on: tuple[str, ...] = ()  # tax on tax: also charged on these authorities' tax


@dataclass(frozen=True)
class TaxCode:
    """Up to two characters, naming the authorities a line is taxed by."""

    code: str
    description: str
    authorities: tuple[str, ...]
    included: bool = False


@dataclass(frozen=True)
class StockItem:
    """An inventory or service item, keyed by its part number."""

    number: str
    name: str
    service: bool = True
    price: Decimal = Decimal(0)


@dataclass
class Invoice:
    """A recorded sales or purchase invoice, or a purchase order."""

    journal: str  # SALES, PURCHASES or PURCHASE_ORDERS
    number: str
    party: str
    entry_date: date
    details: tuple[SalesDetail, ...]
    total: Decimal
    reversed: bool = False


@dataclass(frozen=True)
class Receipt:
    """Money a customer paid, and the invoices (numbers) it paid how much of."""

    number: int
    customer: str
    day: date  # the cheque's date, often earlier than the day it is entered
    cheque: str
    applied: tuple[tuple[str, Decimal], ...]
    entered: date  # the day it was recorded (Sage's audit date)


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
    items: dict[str, StockItem] = field(default_factory=dict)  # by part number
    authorities: dict[str, Authority] = field(default_factory=dict)
    tax_codes: dict[str, TaxCode] = field(default_factory=dict)
    invoices: list[Invoice] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    open_single_user: bool = False  # someone has Sage open on the company in single-user mode
    next_invoice: int = 1
    revision: int = 0
    # Where the company is kept, saved after every change as Sage writes to its database at once (None: not kept).
    autosave: Path | None = field(default=None, repr=False, compare=False)

    def touch(self) -> None:
        """Note a change (and keep it, when the company is kept in a file)."""
        self.revision += 1
        if self.autosave is not None:
            save_company(self, self.autosave)

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
        self.touch()

    def sales_invoice(self, number: str) -> Invoice | None:
        """The recorded sales invoice with this number."""
        return next((i for i in self.invoices if i.journal == SALES and i.number == number), None)

    def owing(self, invoice: Invoice) -> Decimal:
        """What is still owed on a sales invoice."""
        paid = sum((amount for r in self.receipts for n, amount in r.applied if n == invoice.number), Decimal(0))
        return invoice.total - paid

    def record_receipt(self, customer: str, day: date, applied: Sequence[tuple[str, Decimal]], cheque: str = "") -> str:
        """A receipt, as the Receipts journal takes one; the reason it is refused, or ``""``."""
        if customer not in self.customers:
            return f"customer {customer!r} does not exist"
        for number, amount in applied:
            invoice = self.sales_invoice(number)
            if invoice is None or invoice.party != customer or invoice.reversed:
                return f"{customer} has no open invoice {number}"
            if amount <= 0 or amount.quantize(_CENT) != amount:
                return f"invoice {number}: {amount} is not an amount to pay"
            if amount > self.owing(invoice):
                return f"invoice {number}: {amount} is more than the {self.owing(invoice)} owing"
        today = date.today()  # noqa: DTZ011 - Sage's audit date is the PC's local day
        self.receipts.append(Receipt(len(self.receipts) + 1, customer, day, cheque, tuple(applied), today))
        self.touch()
        return ""


def line_taxes(company: CanadaCompany, code: str, amount: Decimal) -> dict[str, Decimal]:
    """Each authority's tax on a line of ``amount`` taxed by ``code``, as Sage works it out.

    A tax charged on another is charged on that tax too; with tax included, ``amount`` already
    holds the taxes, so each is taken out of it rather than added.
    """
    tax_code = company.tax_codes.get(code)
    if tax_code is None:
        return {}
    rates = {name: company.authorities[name].rate / 100 for name in tax_code.authorities}
    if tax_code.included:
        gross_factor = Decimal(1)
        for name, rate in rates.items():
            on_tax = sum((rates[other] for other in company.authorities[name].charged_on if other in rates), Decimal(0))
            gross_factor += rate * (1 + on_tax)
        amount = amount / gross_factor
    taxes: dict[str, Decimal] = {}
    for name in sorted(rates, key=lambda n: len(company.authorities[n].charged_on)):  # taxes on taxes last
        base = amount + sum(
            (taxes.get(other, Decimal(0)) for other in company.authorities[name].charged_on), Decimal(0)
        )
        taxes[name] = (base * rates[name]).quantize(_CENT, rounding=ROUND_HALF_UP)
    return {name: taxes[name] for name in tax_code.authorities}


def _check_party(ledger: dict[str, Party], party: Party, what: str, *, new: bool) -> str | None:
    if not party.name or len(party.name) > 52:
        return f"{what} name {party.name!r}: 1 to 52 characters"
    for field_name, limit in PARTY_FIELDS[1:]:
        value = getattr(party, field_name)
        if isinstance(value, str) and len(value) > limit:
            return f"{what} {party.name!r}: its {field_name} is over {limit} characters"
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
        company.invoices.append(Invoice(SALES, number, sale.customer.name, sale.entry_date, sale.details, sale.total))
    for purchase in document.purchase_invoices:
        company.invoices.append(
            Invoice(
                PURCHASES,
                purchase.invoice_number,
                purchase.vendor.name,
                purchase.entry_date,
                purchase.details,
                purchase.total,
            )  # fmt: skip
        )
    company.touch()
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
        if len(sale.invoice_number) > 20:
            errors.append(f"{where}: the number is over 20 characters")
        if sale.invoice_number and (SALES, sale.invoice_number) in used:
            errors.append(f"{where}: the number is already used")
        used.add((SALES, sale.invoice_number))
        if not sale.details:
            errors.append(f"{where}: no detail lines")
        errors += _check_details(company, sale.details, where)
    for purchase in document.purchase_invoices:
        where = f"purchase invoice {purchase.invoice_number}"
        errors += [e for e in [_check_party(company.vendors, purchase.vendor, "vendor", new=False)] if e]
        errors += _check_details(company, purchase.details, where)
    return errors


# -- keeping a company in a file ------------------------------------------------------------


def save_company(company: CanadaCompany, path: Path) -> None:
    """Keep the company's data in a JSON file (written whole, then renamed)."""
    data = asdict(company)
    del data["autosave"]
    data["invoices"] = [{**asdict(i), "entry_date": i.entry_date.isoformat()} for i in company.invoices]
    data["receipts"] = [
        {**asdict(r), "day": r.day.isoformat(), "entered": r.entered.isoformat()} for r in company.receipts
    ]
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_text(json.dumps(data, default=str, indent=1), encoding="utf-8")
    os.replace(partial, path)


def _detail(raw: dict[str, Any]) -> SalesDetail:
    taxes = tuple(
        Tax(t["name"], Decimal(t["rate"]), Decimal(t["amount"]), t["included"], t["refundable"]) for t in raw["taxes"]
    )
    return SalesDetail(raw["item"], Decimal(raw["quantity"]), Decimal(raw["price"]), Decimal(raw["amount"]), taxes)


def load_company(path: Path) -> CanadaCompany:
    """A company kept by :func:`save_company`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    company = CanadaCompany(data["name"], data["account_digits"], next_invoice=data["next_invoice"])
    company.open_single_user = data["open_single_user"]  # kept: another process (the importer) must see it
    company.customers = {name: Party(**raw) for name, raw in data["customers"].items()}
    company.vendors = {name: Party(**raw) for name, raw in data["vendors"].items()}
    company.items = {n: StockItem(n, r["name"], r["service"], Decimal(r["price"])) for n, r in data["items"].items()}
    company.authorities = {
        name: Authority(name, Decimal(raw["rate"]), raw["refundable"], tuple(raw["charged_on"]))
        for name, raw in data["authorities"].items()
    }
    company.tax_codes = {
        code: TaxCode(code, raw["description"], tuple(raw["authorities"]), raw["included"])
        for code, raw in data["tax_codes"].items()
    }
    company.invoices = [
        Invoice(
            raw["journal"],
            raw["number"],
            raw["party"],
            date.fromisoformat(raw["entry_date"]),
            tuple(_detail(d) for d in raw["details"]),
            Decimal(raw["total"]),
            raw["reversed"],
        )  # fmt: skip
        for raw in data["invoices"]
    ]
    company.receipts = [
        Receipt(
            raw["number"],
            raw["customer"],
            date.fromisoformat(raw["day"]),
            raw["cheque"],
            tuple((n, Decimal(a)) for n, a in raw["applied"]),
            date.fromisoformat(raw["entered"]),
        )  # fmt: skip
        for raw in data["receipts"]
    ]
    return company


# -- a new company --------------------------------------------------------------------------

_PROVINCES: dict[str, tuple[str, list[TaxCode]]] = {
    "ON": ("Ontario", [TaxCode("G", "GST @ 5%", ("GST",)), TaxCode("H", "HST @ 13%", ("HST",)),
                       TaxCode("HI", "HST @ 13%, included", ("HST",), True)]),
    "QC": ("Quebec", [TaxCode("GQ", "GST @ 5%; QST @ 9.975%", ("GST", "QST")), TaxCode("G", "GST @ 5%", ("GST",))]),
    "BC": ("British Columbia",
           [TaxCode("GP", "GST @ 5%, PST @ 7%", ("GST", "PST")), TaxCode("G", "GST @ 5%", ("GST",))]),
    "AB": ("Alberta", [TaxCode("G", "GST @ 5%", ("GST",))]),
}  # fmt: skip
_TOWNS = {"ON": ["Toronto", "Ottawa", "Hamilton"], "QC": ["Montréal", "Québec", "Laval"],
          "BC": ["Vancouver", "Victoria", "Kelowna"], "AB": ["Calgary", "Edmonton", "Red Deer"]}  # fmt: skip
_TRADES = ["Dental", "Logistics", "Bakery", "Law Office", "Clinic", "Builders", "Café", "Motors"]


def seed_company(province: str = "ON", *, customers: int = 0, seed: int = 1) -> CanadaCompany:
    """A company as set up in one province: its taxes and codes (research §2.5), items, some customers."""
    if province not in _PROVINCES:
        msg = f"province {province!r}: one of {', '.join(_PROVINCES)}"
        raise ValueError(msg)
    company = CanadaCompany()
    for authority in (
        Authority("GST", Decimal(5), refundable=True), Authority("HST", Decimal(13), refundable=True),
        Authority("PST", Decimal(7)), Authority("QST", Decimal("9.975"), refundable=True),
    ):  # fmt: skip
        company.authorities[authority.name] = authority
    for code in [TaxCode("E", "No Tax", ()), *_PROVINCES[province][1]]:
        company.add_tax_code(code)
    for item in (
        StockItem("MS-PER-USER", "Managed Services - Per User", price=Decimal(45)),
        StockItem("LAPTOP", "Laptop", service=False, price=Decimal(1400)),
        StockItem("SUPPORT", "Support", price=Decimal(120)),
    ):  # fmt: skip
        company.items[item.number] = item
    rng = random.Random(seed)
    towns = _TOWNS[province]
    while len(company.customers) < customers:
        town = rng.choice(towns)
        name = f"{town} {rng.choice(_TRADES)} {len(company.customers) + 1}"
        company.customers[name] = Party(name, city=town, province=_PROVINCES[province][0], country="Canada")
    company.touch()
    return company
