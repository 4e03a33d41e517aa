"""An invoice or credit note as a Sage 50 Canada sales journal entry: lines with each authority's tax.

Shared by the SDK (``SalesJournal``) and the import file (``<SalInvoice>``), so both record the same
amounts. Sage has no separate credit note: a credit is a sales invoice with negative lines. Each
line names an item (part number), Halo's own or the company's default item, and a tax code whose
authorities each get their share of the line's tax: Halo's figure when Halo gives one (so the
books' total is Halo's to the cent), split by the authorities' rates, else the amount at each rate.
With a code whose tax is included in prices, the line amount carries its tax.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from halo_accounts.connectors.sage50ca.database import CodeRate
from halo_accounts.domain.money import ZERO
from halo_accounts.errors import RecordError
from halo_accounts.ports.books import InvoiceWrite

__all__ = ["REFUNDABLE", "Sale", "SaleLine", "SaleTax", "sale_of"]

_CENT, _FOUR = Decimal("0.01"), Decimal("0.0001")
NO_TAX = "E"  # Sage's exempt code in a new company ("No Tax"), for lines Halo gives no tax rate
REFUNDABLE = frozenset({"GST", "HST", "QST"})  # value-added taxes: input tax credits (PST is not)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SaleTax:
    """One authority's tax on a line."""

    name: str
    rate: Decimal
    amount: Decimal
    included: bool = False

    @property
    def refundable(self) -> bool:
        """Whether a buyer gets this tax back (an input tax credit)."""
        return self.name.upper() in REFUNDABLE


@dataclass(frozen=True)
class SaleLine:
    """One line: the item, quantity, price, amount, its tax code and each authority's tax."""

    item: str
    description: str
    quantity: Decimal
    price: Decimal
    amount: Decimal
    tax_code: str
    taxes: tuple[SaleTax, ...]


@dataclass(frozen=True)
class Sale:
    """The whole entry."""

    number: str
    customer: str
    day: date
    lines: tuple[SaleLine, ...]
    comment: str

    @property
    def total(self) -> Decimal:
        """Amounts plus every tax not already in them (negative for a credit, as Halo shows it)."""
        return sum((ln.amount + sum((t.amount for t in ln.taxes if not t.included), ZERO) for ln in self.lines), ZERO)


def _shares(tax: Decimal, parts: tuple[CodeRate, ...]) -> list[Decimal]:
    """``tax`` split by the authorities' rates, the cents left over on the last."""
    whole = sum((p.rate for p in parts), ZERO)
    shares = [_cents(tax * p.rate / whole) if whole else ZERO for p in parts[:-1]]
    return [*shares, tax - sum(shares, ZERO)]


def sale_of(
    write: InvoiceWrite, codes: Mapping[str, tuple[tuple[CodeRate, ...], bool]], default_item: str, today: date
) -> Sale:
    """The sales journal entry for one invoice write; ``codes`` are the company's tax codes."""
    invoice = write.invoice
    label = f"{'credit note' if invoice.is_credit else 'invoice'} {write.number} (Halo {invoice.halo_id})"
    lines = []
    for n, line in enumerate(invoice.lines, start=1):
        item = write.item_ids.get(line.item_halo_id, "") if line.item_halo_id is not None else ""
        item = item or default_item
        if not item:
            msg = (
                f"{label}: line {n} has no item, and Sage 50 needs one on every line. Give the line an item in "
                "Halo, or set the company's default item (company add NAME --default-item PARTNUMBER)."
            )
            raise RecordError(msg, record=label)
        code = write.tax_codes.get(line.tax_halo_id, NO_TAX) if line.tax_halo_id is not None else NO_TAX
        if code not in codes:
            msg = f"{label}: line {n} is taxed by code '{code}', which this Sage 50 company does not have."
            raise RecordError(msg, record=label)
        parts, included = codes[code]
        net = _cents(line.net_amount if line.net_amount is not None else line.quantity * line.unit_price)
        if line.tax_amount is not None and parts:
            amounts = _shares(_cents(line.tax_amount), parts)
        else:
            amounts = [_cents(net * p.rate / 100) for p in parts]
        taxes = tuple(SaleTax(p.authority, p.rate, a, included) for p, a in zip(parts, amounts, strict=True))
        amount = net + sum(amounts, ZERO) if included else net
        # With tax included, the price carries it too, so quantity × price is still the line's amount.
        price = (amount / line.quantity).quantize(_FOUR) if included and line.quantity else line.unit_price
        description = (line.description or invoice.number)[:75]
        lines.append(SaleLine(item, description, line.quantity, price, amount, code, taxes))
    if not lines:
        msg = f"{label} has no lines; Sage 50 records none without."
        raise RecordError(msg, record=label)
    return Sale(write.number, write.customer_id, invoice.invoice_date or today, tuple(lines), f"Halo {invoice.number}")
