"""SDO's error codes (``LastError.Code``) as the integrator's errors, each with the fix to make.

Codes and meanings from research sage50.md §1.2. A connection problem stops the run once
(``ConfigError``); a busy or dropped company is tried again later (``TransientError``); a record
Sage refuses fails alone (``RecordError``).
"""

from __future__ import annotations

from halo_accounts.errors import ConfigError, RecordError, SyncError, TransientError

__all__ = ["sdo_error"]

_CONFIG: dict[int, str] = {
    16: "The connection to Sage 50 was closed. Run the sync again.",
    21: "Sage 50 refused the user name. Check the Sage user set for this company (a dedicated user, e.g. HALOSYNC).",
    22: (
        "Sage 50 refused the password of the Sage user. Set it again with 'halo-accounts company password NAME', "
        "or in HALO_ACCOUNTS_BOOKS_PASSWORD for the service."
    ),
    23: (
        "The Sage user is already logged in to Sage 50 (or an earlier connection has not timed out yet). "
        "Give the integrator a dedicated Sage user that nobody logs in with, or log that user out of Sage."
    ),
    24: "Sage 50 is in exclusive mode (Check Data, Disk Doctor or a backup is running). Sync again when it is done.",
    25: "That is not a Sage 50 data folder. Point the company at the ACCDATA folder (the one holding the .DTA files).",
    26: (
        "The Sage 50 data is a different version to the SDO installed here. Install the SDO of the data's "
        "version, or set the company's SDO version to match."
    ),
    30: "Sage 50 has as many users logged in as its licence allows. Log one out, or sync later.",
    31: (
        "Sage Data Objects are not registered on this machine. Enable third-party integration in Sage 50 "
        "(Help > About, or ask Sage for the activation key) and run the sync again."
    ),
    32: "The Sage user may only read. Give it write access to the ledgers in Sage 50's Access Rights.",
}
_TRANSIENT: dict[int, str] = {
    48: "Sage 50 is busy (its files are locked by another user or task). The record is tried again on the next run.",
    91: "Sage 50 closed the integrator's connection. The record is tried again on the next run.",
}
_RECORD: dict[int, str] = {
    28: "it has transactions, so Sage 50 cannot delete it",
    33: "it is in a foreign currency and Foreign Trader is not enabled in Sage 50",
    34: "its currency does not match the account's currency",
    40: "the allocation is more than what is outstanding",
    44: "its value is zero, which Sage 50 does not post",
    49: "its date is on or before Sage 50's lock date; change the lock date or the date in Halo",
    50: "Sage 50 refused a value (a field too long, a missing key or a bad number)",
    63: "its account reference is empty or is not a Sage 50 account",
    65: "its nominal code does not exist in Sage 50; add it in Sage 50, or change the nominal code in Halo",
    70: "the account is on hold in Sage 50",
    71: "the account is inactive in Sage 50",
    72: "the account is deleted in Sage 50",
    73: "the account's terms are not agreed in Sage 50",
    74: "the account is not in the base currency",
    76: "its tax code cannot be used on a payment",
    82: "its account reference contains spaces",
    83: "an address line is longer than Sage 50's 60 characters; shorten it in Halo",
    84: "its account reference is already used by another account",
    86: "its account reference has characters Sage 50 does not allow (A-Z, 0-9 and # _ / ! % & . - $ ( ) \" , ')",
    87: "its date is not valid",
    88: "its nominal code is a control account (Debtors, Creditors, VAT or bank), which takes no direct posting",
    89: "its total is negative; send it as a credit note",
    90: "its tax code does not exist in Sage 50; map the Halo tax rate to a T code with 'halo-accounts mappings'",
}


def sdo_error(code: int, text: str, record: str = "") -> SyncError:
    """The error for ``LastError`` after a failed call; ``record`` names what was being written."""
    detail = f"SDO error {code}: {text}"
    if code in _CONFIG:
        return ConfigError(_CONFIG[code], detail=detail, code=f"SDO{code}")
    if code in _TRANSIENT:
        return TransientError(_TRANSIENT[code], detail=detail, record=record or None, code=f"SDO{code}")
    what = record or "the record"
    reason = _RECORD.get(code, f"Sage 50 refused it ({text})")
    return RecordError(
        f"Sage 50 did not save {what}: {reason}.", detail=detail, record=record or None, code=f"SDO{code}"
    )
