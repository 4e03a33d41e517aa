"""An invoice or credit note as Sage 50 UK's audit trail holds it: SI or SC, one split per line.

Shared by the SDO connector (``TransactionPost``) and the import files (Audit Trail rows), so
both post exactly the same amounts. A credit note's amounts change sign (the type says which way;
a discount line stays negative);
each split carries its nominal code, its T code and its tax, which is Halo's own figure when Halo
gives one (so the books' total is Halo's to the penny), else the net at the line's rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from halo_accounts.domain.money import ZERO
from halo_accounts.ports.books import InvoiceWrite

__all__ = ["NO_VAT", "Posting", "PostingDefaults", "Split", "posting_of", "tax_number"]

NO_VAT = "T9"  # "transactions not involving VAT", for lines Halo gives no tax rate
_CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Rounded to the penny, halves away from zero."""
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def tax_number(key: str) -> int:
    """``T1`` -> 1, as SDO takes tax codes."""
    return int(key.upper().removeprefix("T"))


@dataclass(frozen=True)
class Split:
    """One line of the posting."""

    nominal: str
    details: str
    net: Decimal
    tax: Decimal
    tax_code: str  # T0-T99
    department: int = 0  # Sage's department (0-999); 0 leaves it unset


@dataclass(frozen=True)
class Posting:
    """The whole transaction."""

    type: str  # SI or SC
    account: str
    reference: str
    details: str
    splits: tuple[Split, ...]

    @property
    def net(self) -> Decimal:
        """The sum of the splits' net amounts."""
        return sum((s.net for s in self.splits), ZERO)

    @property
    def tax(self) -> Decimal:
        """The sum of the splits' tax."""
        return sum((s.tax for s in self.splits), ZERO)

    @property
    def signed_total(self) -> Decimal:
        """Net plus tax, negative for a credit note (as Halo shows it)."""
        gross = self.net + self.tax
        return -gross if self.type == "SC" else gross


@dataclass(frozen=True)
class PostingDefaults:
    """What a line gets when Halo says nothing: the sales nominal code, and the department to analyse by.

    ``nominals`` maps Halo's nominal codes to Sage's, where the two charts differ (a person's
    ``account`` mappings); a code it does not name is Sage's as it is.
    """

    nominal: str = "4000"
    department: int = 0
    nominals: Mapping[str, str] = field(default_factory=dict)

    def nominal_for(self, halo_code: str) -> str:
        """Sage's nominal code for Halo's (mapped, or the same), or ``""`` when Halo gave none."""
        code = halo_code.strip()
        return self.nominals.get(code, code) if code else ""


def posting_of(
    write: InvoiceWrite, *, rates: Mapping[str, Decimal], item_nominals: Mapping[str, str], defaults: PostingDefaults
) -> Posting:
    """The SI/SC posting for one invoice write; ``rates`` are the books' (T code -> percent) when known."""
    invoice = write.invoice
    sign = -1 if invoice.is_credit else 1  # a credit note's lines are negative in Halo, positive on an SC
    splits = []
    for line in invoice.lines:
        net = cents(sign * (line.net_amount if line.net_amount is not None else line.quantity * line.unit_price))
        code = write.tax_codes.get(line.tax_halo_id, NO_VAT) if line.tax_halo_id is not None else NO_VAT
        if line.tax_amount is not None:
            tax = cents(sign * line.tax_amount)
        else:
            rate = line.tax_rate if line.tax_rate is not None else rates.get(code, ZERO)
            tax = cents(net * rate / 100)
        stock = write.item_ids.get(line.item_halo_id if line.item_halo_id is not None else 0, "")
        nominal = defaults.nominal_for(line.nominal_code) or item_nominals.get(stock) or defaults.nominal
        details = (line.description or stock or invoice.number)[:60]
        splits.append(Split(nominal, details, net, tax, code, defaults.department))
    kind = "credit" if invoice.is_credit else "invoice"
    return Posting(
        type="SC" if invoice.is_credit else "SI",
        account=write.customer_id,
        reference=write.number,
        details=f"Halo {kind} {invoice.number}"[:60],
        splits=tuple(splits),
    )
