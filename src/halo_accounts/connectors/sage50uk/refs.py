"""Sage 50 UK's keys: account references (customers, suppliers) and stock codes, made from Halo names.

An account reference is 1-8 characters, upper case, no spaces, from ``A-Z 0-9 # _ / ! % & . - $
( ) " , '`` and unique per ledger (research sage50.md §1.5). Halo's own account reference is used
when it is one; otherwise one is made from the name's letters and digits (``Acme & Sons Ltd`` →
``ACMESONS``) and, when taken, numbered (``ACMESO01`` ...). The same name and the same taken set
always give the same reference, so a retried create asks for the same one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from halo_accounts.errors import RecordError

__all__ = ["account_ref", "is_account_ref", "stock_code"]

_ALLOWED = re.compile(r"^[A-Z0-9#_/!%&.\-$()\",']{1,8}$")
_LIMIT = 8
STOCK_CODE_LIMIT = 30


def is_account_ref(text: str) -> bool:
    """Whether Sage would take ``text`` as an account reference."""
    return bool(_ALLOWED.match(text))


def _letters(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]", "", folded.upper())


def account_ref(name: str, preferred: str, taken: Collection[str]) -> str:
    """The account reference for a new account called ``name``."""
    if preferred and is_account_ref(preferred) and preferred not in taken:
        return preferred
    return _numbered(_letters(name) or "ACCOUNT", _LIMIT, taken, name)


def stock_code(name: str, preferred: str, taken: Collection[str]) -> str:
    """A stock code (up to 30 characters, no spaces) for a new item called ``name``."""
    if preferred and " " not in preferred and len(preferred) <= STOCK_CODE_LIMIT and preferred not in taken:
        return preferred
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    code = re.sub(r"-{2,}", "-", re.sub(r"[^A-Z0-9]+", "-", folded)).strip("-")
    return _numbered(code or "ITEM", STOCK_CODE_LIMIT, taken, name)


def _numbered(base: str, limit: int, taken: Collection[str], name: str) -> str:
    if base[:limit] not in taken:
        return base[:limit]
    for number in range(1, 1000):
        suffix = f"{number:02d}"
        candidate = base[: limit - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
    msg = f"Every Sage 50 reference made from '{name}' is taken. Set one on the record in Halo."
    raise RecordError(msg, record=name)
