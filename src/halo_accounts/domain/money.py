"""Money as ``Decimal``: parsing, rounding and the one rule for JSON numbers.

Accounting systems round each line to the cent, half away from zero; so do we. Floats never
carry money: JSON from Halo is parsed with ``parse_float=Decimal`` and amounts are sent back
as numbers only when the decimal survives the trip exactly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["CENT", "ZERO", "MoneyError", "as_json_number", "quantize_cents", "to_decimal"]

CENT = Decimal("0.01")
ZERO = Decimal("0")


class MoneyError(ValueError):
    """A value that cannot be read as an exact amount."""


def to_decimal(value: object) -> Decimal:
    """Read an amount from JSON, text or a number, refusing floats' binary noise.

    Floats are converted through their shortest repr (``0.1`` → ``Decimal('0.1')``), which
    is what the sender wrote; bools are refused because ``True`` is not an amount.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool) or value is None:
        msg = f"{value!r} is not an amount"
        raise MoneyError(msg)
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            msg = f"{value!r} is not an amount"
            raise MoneyError(msg) from None
    else:
        msg = f"{value!r} is not an amount"
        raise MoneyError(msg)
    if not result.is_finite():
        msg = f"{value!r} is not a finite amount"
        raise MoneyError(msg)
    return result


def quantize_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half away from zero (the books' rule)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def as_json_number(amount: Decimal) -> int | float:
    """Return a JSON-encodable number equal to ``amount``, or raise if none is exact.

    A float is exact for our purposes when its shortest repr reads back as the same decimal;
    that holds for every amount of up to 15 significant digits.
    """
    if amount == amount.to_integral_value():
        return int(amount)
    as_float = float(amount)
    if Decimal(repr(as_float)) != amount:
        msg = f"{amount} cannot be sent as an exact JSON number"
        raise MoneyError(msg)
    return as_float
