"""qbXML status codes and HRESULTs map to one error class, one engine action and one plain-words fix each."""

from __future__ import annotations

import pytest

from halo_accounts.connectors.quickbooks.qbxml.status import (
    HRESULTS,
    STATUS_CODES,
    Action,
    error_for_hresult,
    error_for_status,
    rule_for_status,
)
from halo_accounts.errors import ConfigError, FatalError, NotFoundError, RecordError, TransientError

RECORD = "invoice INV-1042"

# code: (error class, action, words of the fix the user reads)
STATUS_ROWS = {
    0: (None, Action.NONE, None),
    1: (None, Action.EMPTY, None),
    500: (NotFoundError, Action.NOT_FOUND, "Unlink it in 'halo-accounts mappings'"),
    3000: (NotFoundError, Action.NOT_FOUND, "Unlink it in 'halo-accounts mappings'"),
    3100: (RecordError, Action.LINK_EXISTING, "Rename one of them, or link them"),
    3120: (NotFoundError, Action.NOT_FOUND, "Unlink it in 'halo-accounts mappings'"),
    3140: (RecordError, Action.CREATE_DEPENDENCY, "Sync customers and items first"),
    3150: (RecordError, Action.REPORT, "Fill it in in Halo"),
    3170: (TransientError, Action.RETRY, "Close it in QuickBooks"),
    3171: (RecordError, Action.REPORT, "Change the closing date in QuickBooks"),
    3175: (TransientError, Action.RETRY, "will be tried again"),
    3176: (TransientError, Action.RETRY, "will be tried again"),
    3180: (RecordError, Action.REPORT, "then sync again"),
    3200: (TransientError, Action.REREAD, "will be read again and retried"),
    3210: (RecordError, Action.REPORT, "Correct the value in Halo"),
    3250: (ConfigError, Action.STOP, "Turn it on in QuickBooks (Edit > Preferences)"),
    3260: (ConfigError, Action.STOP, "log in as Admin"),
    3261: (ConfigError, Action.STOP, "allow access to personal data"),
}

HRESULT_ROWS = {
    0x80040400: (FatalError, Action.STOP, "please report it"),
    0x80040401: (TransientError, Action.RETRY, "Close any open window or message on the QuickBooks PC"),
    0x80040402: (TransientError, Action.RETRY, "see qbsdklog.txt on the QuickBooks PC"),
    0x80040408: (ConfigError, Action.STOP, "Check the company file path"),
    0x8004040D: (TransientError, Action.RETRY, "a new one will be opened"),
    0x80040416: (TransientError, Action.RETRY, "Open QuickBooks and the company file"),
    0x80040418: (ConfigError, Action.STOP, "log in as Admin in single-user mode"),
    0x80040420: (ConfigError, Action.STOP, "tick 'Halo Accounts Integrator'"),
    0x80040422: (TransientError, Action.RETRY, "switch QuickBooks to multi-user mode"),
}


def test_the_status_table_covers_exactly_the_listed_codes():
    listed = {0, 1, 500, 3000, 3100, 3120, 3140, 3150, 3170, 3175, 3176, 3171, 3180, 3200, 3210, 3250, 3260, 3261}
    assert set(STATUS_CODES) == listed
    assert set(STATUS_ROWS) == listed


def test_the_hresult_table_covers_exactly_the_listed_codes():
    listed = {
        0x80040400, 0x80040401, 0x80040402, 0x80040408, 0x8004040D, 0x80040416, 0x80040418, 0x80040420, 0x80040422,
    }  # fmt: skip
    assert set(HRESULTS) == listed
    assert set(HRESULT_ROWS) == listed


@pytest.mark.parametrize(("code", "row"), sorted(STATUS_ROWS.items()), ids=[f"status-{c}" for c in sorted(STATUS_ROWS)])
def test_status_row(code, row):
    error_class, action, fix = row
    rule = STATUS_CODES[code]
    assert rule.error is error_class
    assert rule.action is action
    quickbooks_says = f'Status message {code} from QuickBooks: "Acme Ltd".'
    error = error_for_status(code, quickbooks_says, RECORD)
    if error_class is None:
        assert error is None
        return
    assert type(error) is error_class
    assert error.code == f"qbXML {code}"
    assert error.record == RECORD
    assert RECORD in error.user_message
    assert fix in error.user_message
    assert quickbooks_says in error.user_message  # QuickBooks' own words, for the detail only it knows
    assert "{" not in error.user_message.replace(quickbooks_says, "")  # every placeholder filled in
    assert error.detail == f"qbXML status {code}: {quickbooks_says}"


@pytest.mark.parametrize(
    ("hresult", "row"), sorted(HRESULT_ROWS.items()), ids=[f"0x{h:08X}" for h in sorted(HRESULT_ROWS)]
)
def test_hresult_row(hresult, row):
    error_class, action, fix = row
    rule = HRESULTS[hresult]
    assert rule.error is error_class
    assert rule.action is action
    error = error_for_hresult(hresult, "QuickBooks said no.")
    assert type(error) is error_class
    assert error.code == f"HRESULT 0x{hresult:08X}"
    assert fix in error.user_message
    assert "{" not in error.user_message
    assert error.detail == f"HRESULT 0x{hresult:08X}: QuickBooks said no."


def test_hresult_code_text_is_the_one_support_searches_for():
    assert error_for_hresult(0x80040400).code == "HRESULT 0x80040400"
    assert error_for_hresult(0x8004040D).code == "HRESULT 0x8004040D"


def test_a_signed_hresult_from_com_is_read_as_its_unsigned_code():
    signed = 0x80040416 - 2**32  # pywin32's com_error carries the HRESULT as a negative int
    error = error_for_hresult(signed)
    assert type(error) is TransientError
    assert error.code == "HRESULT 0x80040416"
    assert "Open QuickBooks and the company file" in error.user_message


def test_the_parse_error_hresult_shows_quickbooks_message_or_the_code():
    with_text = error_for_hresult(0x80040400, "QuickBooks found an error when parsing the provided XML text stream.")
    assert "QuickBooks found an error when parsing" in with_text.user_message
    assert "0x80040400" in error_for_hresult(0x80040400).user_message


@pytest.mark.parametrize("code", [1000, 1060, 3001, 3999, 9100])
def test_an_unknown_error_status_fails_the_record(code):
    assert code not in STATUS_CODES
    assert rule_for_status(code).action is Action.REPORT
    error = error_for_status(code, "Something QuickBooks did not like.", RECORD)
    assert type(error) is RecordError
    assert error.code == f"qbXML {code}"
    assert RECORD in error.user_message
    assert "Something QuickBooks did not like." in error.user_message


@pytest.mark.parametrize("code", [2, 499, 501, 530, 560, 999])
def test_an_unknown_info_or_warning_status_is_not_an_error(code):
    assert code not in STATUS_CODES
    assert rule_for_status(code).error is None
    assert error_for_status(code, "Data returned but maybe not what you expected.", RECORD) is None


def test_an_unknown_hresult_is_retried():
    error = error_for_hresult(0x80040999, "Unexpected.")
    assert type(error) is TransientError
    assert error.code == "HRESULT 0x80040999"
    assert "Unexpected." in error.user_message
    assert "it will be tried again" in error.user_message


def test_a_status_without_a_message_still_says_which_code():
    error = error_for_status(3100, "   ", "customer 'Acme Ltd'")
    assert error is not None
    assert "status 3100" in error.user_message
    assert "customer 'Acme Ltd'" in error.user_message


def test_not_found_is_a_record_error_so_the_run_goes_on():
    error = error_for_status(500, "Object not found.", RECORD)
    assert isinstance(error, RecordError)
    assert not isinstance(error, ConfigError | TransientError | FatalError)
