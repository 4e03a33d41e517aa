"""qbXML status codes and COM/Web Connector HRESULTs, mapped to error classes and plain-words fixes.

Two tables, one row per code, so every code has exactly one meaning and one fix. A status code
arrives on each ``*Rs`` of a well-formed answer and concerns one record; an HRESULT means
QuickBooks refused or could not take the whole message (or the session). ``Action`` tells the
engine what it may do on its own before bothering anyone.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from halo_accounts.errors import (
    ConfigError,
    FatalError,
    NotFoundError,
    RecordError,
    SyncError,
    TransientError,
)

__all__ = ["HRESULTS", "STATUS_CODES", "Action", "StatusRule", "error_for_hresult", "error_for_status"]


class Action(enum.Enum):
    """What the engine does with an answer before reporting it."""

    NONE = "none"  # success
    EMPTY = "empty"  # nothing matched: an empty answer, not a failure
    NOT_FOUND = "not_found"  # the object asked for does not exist
    LINK_EXISTING = "link_existing"  # a record with that name exists: look it up and link, or rename
    CREATE_DEPENDENCY = "create_dependency"  # a referenced record is missing: sync it first
    RETRY = "retry"  # try again later
    REREAD = "reread"  # read the record again (fresh EditSequence), then retry once
    REPORT = "report"  # the record fails; tell the user
    STOP = "stop"  # settings or permissions must change; stop the run


@dataclass(frozen=True, slots=True)
class StatusRule:
    """One row: the error class, what the engine may do, and the sentence for the user."""

    error: type[SyncError] | None
    action: Action
    fix: str  # {record} and {message} (QuickBooks' own text) are filled in


_PREFERENCES = "Edit > Preferences > Integrated Applications > Company Preferences"
_CLOSE_DIALOGS = (
    "Close any open window or message on the QuickBooks PC (for example 'QuickBooks Update' or a "
    "registration reminder) and make sure the company file is open"
)

STATUS_CODES: Mapping[int, StatusRule] = {
    0: StatusRule(None, Action.NONE, ""),
    1: StatusRule(None, Action.EMPTY, ""),
    500: StatusRule(
        NotFoundError,
        Action.NOT_FOUND,
        "QuickBooks has no {record}; it may have been deleted or renamed in QuickBooks. Unlink it in "
        "'halo-accounts mappings' so it is matched again. ({message})",
    ),
    3000: StatusRule(
        NotFoundError,
        Action.NOT_FOUND,
        "QuickBooks does not know the id given for {record}; it may have been deleted in QuickBooks. "
        "Unlink it in 'halo-accounts mappings' so it is matched again. ({message})",
    ),
    3100: StatusRule(
        RecordError,
        Action.LINK_EXISTING,
        "QuickBooks refused {record}: the name is already used in the company file (customers, vendors, "
        "employees and other names share one list). Rename one of them, or link them in "
        "'halo-accounts mappings'. ({message})",
    ),
    3120: StatusRule(
        NotFoundError,
        Action.NOT_FOUND,
        "QuickBooks cannot find the object {record} refers to; it may have been deleted in QuickBooks. Unlink "
        "it in 'halo-accounts mappings' so it is matched or created again. ({message})",
    ),
    3140: StatusRule(
        RecordError,
        Action.CREATE_DEPENDENCY,
        "QuickBooks refused {record}: it refers to something that is not in the company file. Sync "
        "customers and items first, or map the missing record. ({message})",
    ),
    3150: StatusRule(
        RecordError,
        Action.REPORT,
        "QuickBooks refused {record}: a required value is missing. Fill it in in Halo. ({message})",
    ),
    3170: StatusRule(
        TransientError,
        Action.RETRY,
        "QuickBooks could not save {record} because it is open or in use on another computer. Close it "
        "in QuickBooks; it will be tried again. ({message})",
    ),
    3171: StatusRule(
        RecordError,
        Action.REPORT,
        "QuickBooks refused {record}: its date is on or before the company's closing date. Change the "
        "closing date in QuickBooks (Company > Set Closing Date) or the date in Halo. ({message})",
    ),
    3175: StatusRule(
        TransientError,
        Action.RETRY,
        "QuickBooks could not save {record} because the list is being changed by another user. It will "
        "be tried again. ({message})",
    ),
    3176: StatusRule(
        TransientError,
        Action.RETRY,
        "QuickBooks could not save {record} because it is in use by another user. It will be tried again. ({message})",
    ),
    3180: StatusRule(
        RecordError,
        Action.REPORT,
        "QuickBooks could not save {record}: {message} Correct what QuickBooks names (for example the "
        "customer's credit limit in QuickBooks, or the record in Halo), then sync again.",
    ),
    3200: StatusRule(
        TransientError,
        Action.REREAD,
        "{record} was changed in QuickBooks after the integrator read it; it will be read again and "
        "retried. ({message})",
    ),
    3210: StatusRule(
        RecordError,
        Action.REPORT,
        "QuickBooks refused a value in {record}: {message} Correct the value in Halo, then sync again.",
    ),
    3250: StatusRule(
        ConfigError,
        Action.STOP,
        "QuickBooks refused {record} because a feature it needs is turned off in this company file or "
        "not available in this edition. Turn it on in QuickBooks (Edit > Preferences) or change the "
        "integrator's settings. ({message})",
    ),
    3260: StatusRule(
        ConfigError,
        Action.STOP,
        f"The integrator may not change {{record}} in QuickBooks. In QuickBooks, log in as Admin, open "
        f"{_PREFERENCES}, select 'Halo Accounts Integrator', Properties, and allow it to read and modify "
        "the company file. ({message})",
    ),
    3261: StatusRule(
        ConfigError,
        Action.STOP,
        f"The integrator may not read personal data for {{record}}. In QuickBooks, log in as Admin, open "
        f"{_PREFERENCES}, select 'Halo Accounts Integrator', Properties, and allow access to personal "
        "data. ({message})",
    ),
}

HRESULTS: Mapping[int, StatusRule] = {
    0x80040400: StatusRule(
        FatalError,
        Action.STOP,
        "QuickBooks could not read the integrator's request ({message}). This is a bug in the "
        "integrator: please report it with the trace from 'sync --trace-dir'.",
    ),
    0x80040401: StatusRule(
        TransientError, Action.RETRY, f"Could not access QuickBooks. {_CLOSE_DIALOGS}; it will be tried again."
    ),
    0x80040402: StatusRule(
        TransientError,
        Action.RETRY,
        f"QuickBooks hit an unexpected error ({{message}}). {_CLOSE_DIALOGS}; it will be tried again. "
        "If it keeps happening, see qbsdklog.txt on the QuickBooks PC.",
    ),
    0x80040408: StatusRule(
        ConfigError,
        Action.STOP,
        "QuickBooks could not start or could not open the company file. Check the company file path in "
        "the integrator's settings and that the QuickBooks PC can open it.",
    ),
    0x8004040D: StatusRule(
        TransientError,
        Action.RETRY,
        "The QuickBooks session ended unexpectedly (invalid ticket); a new one will be opened.",
    ),
    0x80040416: StatusRule(
        TransientError,
        Action.RETRY,
        "QuickBooks is not running with the company file open. Open QuickBooks and the company file on "
        "the QuickBooks PC, or let the Web Connector start it; it will be tried again.",
    ),
    0x80040418: StatusRule(
        ConfigError,
        Action.STOP,
        "QuickBooks has not yet allowed the integrator into this company file. On the QuickBooks PC, log "
        "in as Admin in single-user mode, run the sync again, and answer the access question with "
        "'Yes, always; allow access even if QuickBooks is not running'.",
    ),
    0x80040420: StatusRule(
        ConfigError,
        Action.STOP,
        f"A QuickBooks user refused the integrator access. Log in as Admin, open {_PREFERENCES}, and tick "
        "'Halo Accounts Integrator' (Allow access).",
    ),
    0x80040422: StatusRule(
        TransientError,
        Action.RETRY,
        "Another program has the company file open in single-user mode. Close it, or switch QuickBooks "
        "to multi-user mode (File > Switch to Multi-user Mode); it will be tried again.",
    ),
}

_UNKNOWN_STATUS = StatusRule(RecordError, Action.REPORT, "QuickBooks refused {record}: {message}")
_UNKNOWN_HRESULT = StatusRule(
    TransientError,
    Action.RETRY,
    f"QuickBooks reported an error ({{message}}). {_CLOSE_DIALOGS}; it will be tried again.",
)


def rule_for_status(code: int) -> StatusRule:
    """The row for a qbXML status code (unknown errors fail the record; unknown 1-999 are warnings)."""
    if code in STATUS_CODES:
        return STATUS_CODES[code]
    if 0 <= code < 1000:
        return StatusRule(None, Action.NONE, "")
    return _UNKNOWN_STATUS


def error_for_status(code: int, message: str, record: str) -> SyncError | None:
    """The error for a status code on one record, or ``None`` when it is not an error."""
    rule = rule_for_status(code)
    if rule.error is None:
        return None
    text = rule.fix.format(record=record, message=message.strip() or f"status {code}")
    return rule.error(text, record=record, detail=f"qbXML status {code}: {message}", code=f"qbXML {code}")


def error_for_hresult(hresult: int, message: str = "") -> SyncError:
    """The error for an HRESULT from COM or the Web Connector."""
    rule = HRESULTS.get(hresult & 0xFFFFFFFF, _UNKNOWN_HRESULT)
    shown = f"0x{hresult & 0xFFFFFFFF:08X}"
    text = rule.fix.format(message=message.strip() or shown, record="")
    assert rule.error is not None
    return rule.error(text, detail=f"HRESULT {shown}: {message}", code=f"HRESULT {shown}")
