"""The table from ``*Rq`` element name to handler, and what a handler hands back.

Handler modules register themselves here with ``@handles("CustomerAddRq", ...)``; the
processor imports them all (``handlers``) and dispatches by tag. A handler either returns an
``Outcome`` or raises ``StatusError``; it must not change the company before it is sure to
succeed, so an error response never leaves a half-applied request behind.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context

__all__ = ["HANDLERS", "ITERABLE", "Handler", "Outcome", "clone", "handles", "is_write"]


@dataclass
class Outcome:
    """A successful (or informational) answer: the ``*Ret`` elements and the ``*Rs`` status."""

    rets: list[etree._Element] = field(default_factory=list)
    code: int = 0
    message: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Context, etree._Element], Outcome]
HANDLERS: dict[str, Handler] = {}

# The queries that take iterator attributes (research §2.2); on any other request the XSD
# refuses them, and so does the simulator when it runs without the XSD.
ITERABLE = frozenset(
    {
        "CustomerQueryRq", "VendorQueryRq", "ItemQueryRq", "ItemServiceQueryRq", "ItemNonInventoryQueryRq",
        "ItemOtherChargeQueryRq", "ItemInventoryQueryRq", "ItemSalesTaxQueryRq", "ItemSalesTaxGroupQueryRq",
        "InvoiceQueryRq", "CreditMemoQueryRq", "ReceivePaymentQueryRq", "PurchaseOrderQueryRq",
    }
)  # fmt: skip


def handles(*tags: str) -> Callable[[Handler], Handler]:
    """Register a handler for these request element names."""

    def register(function: Handler) -> Handler:
        for tag in tags:
            HANDLERS[tag] = function
        return function

    return register


def is_write(tag: str) -> bool:
    """Adds, mods, deletes and voids (what read-only sessions and record locks refuse)."""
    return tag.endswith(("AddRq", "ModRq", "DelRq")) or tag == "TxnVoidRq"


_LEAF = (str, int, float, bool, type(None))


def clone(value: Any) -> Any:
    """A deep copy of a stored record (dicts, lists and immutable leaves only), cheaply."""
    if isinstance(value, dict):
        return {key: item if isinstance(item, _LEAF) else clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [item if isinstance(item, _LEAF) else clone(item) for item in value]
    if isinstance(value, _LEAF):
        return value
    return copy.deepcopy(value)
