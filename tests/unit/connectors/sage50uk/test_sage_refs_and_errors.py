"""Sage 50 UK keys made from Halo names, and every SDO error code as an error with its fix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halo_accounts.connectors.sage50uk.errors import sdo_error
from halo_accounts.connectors.sage50uk.refs import account_ref, is_account_ref, stock_code
from halo_accounts.errors import ConfigError, RecordError, TransientError


@pytest.mark.parametrize(
    ("name", "preferred", "taken", "expected"),
    [
        ("Acme & Sons Ltd", "", set(), "ACMESONS"),
        ("Acme & Sons Ltd", "", {"ACMESONS"}, "ACMESO01"),
        ("Acme & Sons Ltd", "", {"ACMESONS", "ACMESO01"}, "ACMESO02"),
        ("Café Müller", "", set(), "CAFEMULL"),
        ("Bob", "", set(), "BOB"),
        ("&&&", "", set(), "ACCOUNT"),
        ("Anything", "HALO-01", set(), "HALO-01"),  # Halo's own reference, when Sage can take it
        ("Anything", "halo 01", set(), "ANYTHING"),  # not when it has lower case or spaces
        ("Anything", "TOOLONGREF", set(), "ANYTHING"),
        ("Anything", "TAKEN", {"TAKEN"}, "ANYTHING"),
    ],
)
def test_account_refs(name, preferred, taken, expected):
    assert account_ref(name, preferred, taken) == expected


@given(st.text(max_size=80), st.sets(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=8), max_size=30))
def test_an_account_ref_is_always_one_sage_takes_and_not_taken(name, taken):
    ref = account_ref(name, "", taken)
    assert is_account_ref(ref)
    assert ref not in taken
    assert account_ref(name, "", taken) == ref  # the same name and taken set: the same reference


def test_stock_codes_have_no_spaces_fit_30_and_are_numbered_when_taken():
    assert stock_code("Managed Services - Per Server", "", set()) == "MANAGED-SERVICES-PER-SERVER"
    assert stock_code("SSL Certificate – Wildcard", "", set()) == "SSL-CERTIFICATE-WILDCARD"
    long = stock_code("Microsoft 365 Business Premium (annual commitment)", "", set())
    assert len(long) == 30
    assert " " not in long
    assert stock_code("Managed Services - Per Server", "", {"MANAGED-SERVICES-PER-SERVER"}) == (
        "MANAGED-SERVICES-PER-SERVER01"
    )
    assert stock_code("Anything", "M365-BP", set()) == "M365-BP"


# Every code research sage50.md lists as one an integrator must handle.
_CODES = [16, 21, 22, 23, 24, 25, 26, 27, 28, 30, 31, 32, 33, 34, 40, 44, 48, 49, 50, 63, 65, 70, 71, 72, 73, 74,
          76, 82, 83, 84, 86, 87, 88, 89, 91]  # fmt: skip


@pytest.mark.parametrize("code", _CODES)
def test_every_sdo_error_code_is_a_typed_error_with_a_fix(code):
    error = sdo_error(code, "Sage's text", "customer 'Acme'")
    assert isinstance(error, ConfigError | TransientError | RecordError)
    assert error.code == f"SDO{code}"
    assert f"SDO error {code}: Sage's text" in error.detail
    if isinstance(error, RecordError):
        assert "customer 'Acme'" in error.user_message
        assert error.record == "customer 'Acme'"
    assert "Sage's text" not in error.user_message or code == 27  # the fix, in our words


def test_connection_errors_stop_busy_ones_retry_record_ones_fail_alone():
    assert isinstance(sdo_error(23, "in use"), ConfigError)
    assert "dedicated Sage user" in sdo_error(23, "in use").user_message
    assert isinstance(sdo_error(48, "busy"), TransientError)
    assert isinstance(sdo_error(88, "control"), RecordError)
    assert "control account" in sdo_error(88, "control", "invoice 1").user_message


def test_the_sdo_version_is_the_configured_one_or_the_installed_one():
    from halo_accounts.connectors.sage50uk.sdo import choose_sdo_version, installed_sdo_version  # noqa: PLC0415

    assert installed_sdo_version(lambda: "SDOEngine.32") == 32
    assert installed_sdo_version(lambda: "31") == 31
    assert installed_sdo_version(lambda: None) is None
    assert installed_sdo_version(lambda: "garbage") is None
    assert choose_sdo_version(30, lambda: "SDOEngine.32") == 30  # the setting wins
    assert choose_sdo_version(0, lambda: "SDOEngine.32") == 32
    with pytest.raises(ConfigError, match="--sdo-version 32"):
        choose_sdo_version(0, lambda: None)
