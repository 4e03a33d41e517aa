"""What a request handler sees: the company, the session it runs in, and the moment it runs.

A session (``BeginSession`` .. ``EndSession``) owns its iterators: an iterator id is only
good inside the session that started it, and dies with it or after an idle time (research
§2.2). Every request in one message is stamped with the same clock reading, as QuickBooks
stamps a batch within the same second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from halo_accounts.simulators.quickbooks.editions import EditionProfile
from halo_accounts.simulators.quickbooks.model import State
from halo_accounts.simulators.quickbooks.xmlio import fmt_datetime

__all__ = ["Context", "Iterator", "Session", "label"]


@dataclass
class Iterator:
    """A paged query in progress: the ids still to send and when it was last used."""

    request_tag: str
    kind_filter: tuple[str, ...]
    remaining: list[tuple[str, str]]  # (kind, id) in answer order
    max_returned: int
    last_used: float  # clock epoch seconds


@dataclass
class Session:
    """One BeginSession ticket."""

    ticket: str
    mode: str
    iterators: dict[str, Iterator] = field(default_factory=dict)


@dataclass
class Context:
    """The company, the session and the clock reading for one message."""

    state: State
    profile: EditionProfile
    session: Session
    now: datetime  # aware, in the company's zone
    iterator_idle_seconds: float | None = None
    closing_date: date | None = None
    file_mode: str = "MultiUser"

    @property
    def unix(self) -> int:
        """Unix time of this message (ids and edit sequences)."""
        return int(self.now.timestamp())

    @property
    def stamp(self) -> str:
        """``TimeCreated``/``TimeModified`` text."""
        return fmt_datetime(self.now)

    @property
    def today(self) -> date:
        """The company's local date."""
        return self.now.date()

    @property
    def prefs(self) -> dict[str, Any]:
        """The company's preferences (``PreferencesRet`` is built from these)."""
        prefs: dict[str, Any] = self.state.meta.setdefault("preferences", {})
        return prefs

    def edit_sequence(self, previous: str | None = None) -> str:
        """A new EditSequence: the Unix time, but always above the previous one."""
        value = self.unix
        if previous is not None and previous.isdigit():
            value = max(value, int(previous) + 1)
        return str(value)


_LABELS = {
    "ItemService": "Item",
    "ItemNonInventory": "Item",
    "ItemInventory": "Item",
    "ItemSalesTax": "Item",
    "ItemSalesTaxGroup": "Item",
    "SalesTaxCode": "Sales Tax Code",
    "StandardTerms": "Terms",
    "CreditMemo": "Credit Memo",
    "ReceivePayment": "Receive Payment",
    "PurchaseOrder": "Purchase Order",
}


def label(kind_or_ref: str) -> str:
    """How QuickBooks names an object type in messages: ``Sales Tax Code``, ``Customer Type``."""
    base = kind_or_ref.removesuffix("Ref")
    if base in _LABELS:
        return _LABELS[base]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base)
