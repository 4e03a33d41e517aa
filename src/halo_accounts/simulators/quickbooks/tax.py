"""Sales tax maths for the two models QuickBooks Desktop has (research §0.7, §2.5).

US: a line's ``SalesTaxCode`` only says taxable or not; one rate applies to the whole
invoice, from the ``ItemSalesTax`` (its ``TaxRate``) or ``ItemSalesTaxGroup`` (the sum of its
members' rates) named on the invoice, else on the customer, else the company default.
``SalesTaxTotal`` = round(Σ taxable line amounts × rate, cents, half up).

CA/UK/AU: each line's code points at the tax item holding its rate; tax is worked out and
rounded per line. With ``IsTaxIncluded`` the line amounts are gross and the tax is taken
out of them (amount × rate / (100 + rate)); an Australian line's ``TaxAmount``, when sent,
is used as the line's tax. Subtotal is then the net total, so Subtotal + SalesTaxTotal is
always what the customer owes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from halo_accounts.simulators.quickbooks.model import State

__all__ = ["LineTax", "Totals", "code_rate", "item_rate", "per_code_totals", "us_totals"]

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def item_rate(state: State, ref: Mapping[str, Any] | None) -> Decimal | None:
    """The percentage of an ItemSalesTax, or the sum over an ItemSalesTaxGroup's members."""
    if not ref:
        return None
    kind = state.kind(str(ref.get("ListID")))
    record = state.get(kind, str(ref["ListID"])) if kind else None
    if record is None:
        return None
    if kind == "ItemSalesTax":
        return Decimal(record.get("TaxRate") or "0")
    total = _ZERO
    for member in record.get("ItemSalesTaxRef") or []:
        total += item_rate(state, member) or _ZERO
    return total


def code_rate(state: State, code: Mapping[str, Any] | None) -> Decimal:
    """CA/UK/AU: the rate behind a sales tax code (0 when it is exempt or has no tax item)."""
    if not code or code.get("IsTaxable") == "false":
        return _ZERO
    return item_rate(state, code.get("ItemSalesTaxRef")) or _ZERO


@dataclass(frozen=True)
class LineTax:
    """One line's amount, whether it is taxed, its rate and (AU) the tax the sender fixed."""

    amount: Decimal
    taxable: bool
    rate: Decimal = _ZERO
    tax_override: Decimal | None = None


@dataclass(frozen=True)
class Totals:
    """Subtotal and tax of a sales form, with each line's tax (0 in the US model)."""

    subtotal: Decimal
    tax_total: Decimal
    line_taxes: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        """What the customer owes before payments."""
        return self.subtotal + self.tax_total


def us_totals(lines: Sequence[LineTax], rate: Decimal | None) -> Totals:
    """One rate over the sum of the taxable lines, rounded once."""
    subtotal = sum((line.amount for line in lines), _ZERO)
    taxable = sum((line.amount for line in lines if line.taxable), _ZERO)
    tax = _cents(taxable * (rate or _ZERO) / _HUNDRED)
    return Totals(_cents(subtotal), tax, tuple(_ZERO for _ in lines))


def per_code_totals(lines: Sequence[LineTax], *, included: bool) -> Totals:
    """A rate per line, rounded per line; gross amounts when ``included``."""
    taxes: list[Decimal] = []
    subtotal = _ZERO
    for line in lines:
        if line.tax_override is not None:
            tax = line.tax_override
        elif not line.taxable:
            tax = _ZERO
        elif included:
            tax = _cents(line.amount * line.rate / (_HUNDRED + line.rate))
        else:
            tax = _cents(line.amount * line.rate / _HUNDRED)
        taxes.append(tax)
        subtotal += line.amount - tax if included else line.amount
    return Totals(_cents(subtotal), sum(taxes, _ZERO), tuple(taxes))
