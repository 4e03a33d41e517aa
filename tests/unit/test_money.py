from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halo_accounts.domain.money import MoneyError, as_json_number, quantize_cents, to_decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0.1, Decimal("0.1")), (12, Decimal(12)), ("19.99", Decimal("19.99")), (Decimal("1.005"), Decimal("1.005"))],
)
def test_to_decimal_reads_what_the_sender_wrote(raw, expected):
    assert to_decimal(raw) == expected


@pytest.mark.parametrize("raw", [True, None, "abc", float("nan"), float("inf"), [1]])
def test_to_decimal_refuses_non_amounts(raw):
    with pytest.raises(MoneyError):
        to_decimal(raw)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("2.675", "2.68"), ("-2.675", "-2.68"), ("0.005", "0.01"), ("1.004", "1.00")],
)
def test_quantize_rounds_half_away_from_zero(amount, expected):
    assert quantize_cents(Decimal(amount)) == Decimal(expected)


@given(st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2))
def test_cent_amounts_survive_a_json_round_trip(amount):
    number = as_json_number(amount)
    assert to_decimal(number) == amount


def test_as_json_number_refuses_what_a_float_cannot_carry():
    with pytest.raises(MoneyError):
        as_json_number(Decimal("12345678901234567.89"))
