"""The company file's contents: records per kind, their ids, and the indexes queries need.

Identifiers follow real files (research §2.1): list ids are ``80000001-1446673838`` (a hex
counter from 0x80000001, then the creation Unix time), transaction and line ids the same
without the high bit (``1A2-1446673838``); ``EditSequence`` is a Unix time that grows on every
change. One counter serves all lists, so a ListID names one object in the whole file.

Names are unique per name space, case-insensitively: customers (jobs by their full
``Parent:Job`` name), vendors, employees and other names share one; all item types share
another (research §2.3, 3100). Every write goes through ``put``/``remove``, which keep the
indexes in step and remember what changed so the store can save just that.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from halo_accounts.simulators.quickbooks.render import Record

__all__ = [
    "ITEM_KINDS",
    "KINDS",
    "LIST_KINDS",
    "NAMESPACE",
    "TXN_KINDS",
    "State",
    "name_key",
]

ITEM_KINDS = ("ItemService", "ItemNonInventory", "ItemInventory", "ItemSalesTax", "ItemSalesTaxGroup")
LIST_KINDS = ("Customer", "Vendor", *ITEM_KINDS, "SalesTaxCode", "Account", "StandardTerms", "Class", "PaymentMethod")
TXN_KINDS = ("Invoice", "CreditMemo", "ReceivePayment", "PurchaseOrder")
KINDS = LIST_KINDS + TXN_KINDS
NAMESPACE: dict[str, str] = {
    "Customer": "entity",
    "Vendor": "entity",
    **dict.fromkeys(ITEM_KINDS, "item"),
    "SalesTaxCode": "SalesTaxCode",
    "Account": "Account",
    "StandardTerms": "Terms",
    "Class": "Class",
    "PaymentMethod": "PaymentMethod",
}
_ENTITY_REF = {"Invoice": "CustomerRef", "CreditMemo": "CustomerRef", "ReceivePayment": "CustomerRef"}


def name_key(name: str) -> str:
    """How QuickBooks compares names: case-insensitively."""
    return name.casefold()


def _full_name(record: Record) -> str:
    return str(record.get("FullName") or record.get("Name") or "")


class State:
    """Every record of one company file, with indexes; no I/O (see ``store``)."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        self.kind_of: dict[str, str] = {}
        self.names: dict[str, dict[str, str]] = {space: {} for space in set(NAMESPACE.values())}
        self.ref_numbers: dict[str, dict[str, list[str]]] = {kind: {} for kind in TXN_KINDS}
        self.by_entity: dict[str, dict[str, None]] = {}
        self.children: dict[str, dict[str, None]] = {}
        self.deleted: list[Record] = []
        self.counters: dict[str, int] = {"list": 0, "txn": 0, "txn_number": 0}
        self.meta: dict[str, Any] = {}
        self.changed: dict[tuple[str, str], None] = {}
        self.removed: dict[tuple[str, str], None] = {}
        self.deleted_saved = 0

    # ids -------------------------------------------------------------------------------
    def new_list_id(self, unix: int) -> str:
        """``80000001-1446673838``."""
        self.counters["list"] += 1
        return f"{0x80000000 + self.counters['list']:X}-{unix}"

    def new_txn_id(self, unix: int) -> str:
        """``1A2-1446673838`` (also used for line ids)."""
        self.counters["txn"] += 1
        return f"{self.counters['txn']:X}-{unix}"

    def next_txn_number(self) -> int:
        """The company-wide ``TxnNumber`` sequence."""
        self.counters["txn_number"] += 1
        return self.counters["txn_number"]

    # lookups ---------------------------------------------------------------------------
    def get(self, kind: str, object_id: str) -> Record | None:
        """A record by kind and ListID/TxnID."""
        return self.records[kind].get(object_id)

    def kind(self, object_id: str) -> str | None:
        """Which kind an id belongs to."""
        return self.kind_of.get(object_id)

    def by_name(self, kind: str, full_name: str) -> Record | None:
        """A list record of ``kind`` by FullName (or Name), case-insensitively."""
        space = NAMESPACE.get(kind)
        found = self.names[space].get(name_key(full_name)) if space else None
        if found is None or self.kind_of.get(found) != kind:
            return None
        return self.records[kind][found]

    def name_owner(self, kind: str, full_name: str) -> str | None:
        """The id already using ``full_name`` in ``kind``'s name space."""
        return self.names[NAMESPACE[kind]].get(name_key(full_name))

    def txns_of(self, entity_id: str) -> Iterator[tuple[str, Record]]:
        """Every (kind, transaction) naming this customer or vendor, oldest first."""
        for txn_id in list(self.by_entity.get(entity_id, {})):
            kind = self.kind_of.get(txn_id)
            if kind is not None:
                yield kind, self.records[kind][txn_id]

    def child_ids(self, parent_id: str) -> list[str]:
        """Direct sub-records (jobs of a customer, sub-items, sub-accounts)."""
        return list(self.children.get(parent_id, {}))

    # writes ----------------------------------------------------------------------------
    def put(self, kind: str, record: Record) -> None:
        """Insert or replace a record (its id is ``ListID`` or ``TxnID``) and reindex it."""
        object_id = str(record.get("ListID") or record["TxnID"])
        previous = self.records[kind].get(object_id)
        if previous is not None:
            self._unindex(kind, object_id, previous)
        self.records[kind][object_id] = record
        self.kind_of[object_id] = kind
        self._index(kind, object_id, record)
        self.changed[(kind, object_id)] = None
        self.removed.pop((kind, object_id), None)

    def remove(self, kind: str, object_id: str) -> Record:
        """Delete a record and its index entries."""
        record = self.records[kind].pop(object_id)
        self._unindex(kind, object_id, record)
        del self.kind_of[object_id]
        self.changed.pop((kind, object_id), None)
        self.removed[(kind, object_id)] = None
        return record

    def _index(self, kind: str, object_id: str, record: Record) -> None:
        space = NAMESPACE.get(kind)
        if space is not None:
            self.names[space][name_key(_full_name(record))] = object_id
            parent = record.get("ParentRef")
            if parent:
                self.children.setdefault(parent["ListID"], {})[object_id] = None
        else:
            ref = record.get("RefNumber")
            if ref:
                self.ref_numbers[kind].setdefault(name_key(ref), []).append(object_id)
            entity = record.get(_ENTITY_REF.get(kind, "VendorRef"))
            if entity:
                self.by_entity.setdefault(entity["ListID"], {})[object_id] = None

    def _unindex(self, kind: str, object_id: str, record: Record) -> None:
        space = NAMESPACE.get(kind)
        if space is not None:
            key = name_key(_full_name(record))
            if self.names[space].get(key) == object_id:
                del self.names[space][key]
            parent = record.get("ParentRef")
            if parent:
                self.children.get(parent["ListID"], {}).pop(object_id, None)
        else:
            ref = record.get("RefNumber")
            if ref:
                ids = self.ref_numbers[kind].get(name_key(ref), [])
                if object_id in ids:
                    ids.remove(object_id)
                if not ids:
                    self.ref_numbers[kind].pop(name_key(ref), None)
            entity = record.get(_ENTITY_REF.get(kind, "VendorRef"))
            if entity:
                self.by_entity.get(entity["ListID"], {}).pop(object_id, None)

    def take_changes(self) -> tuple[list[tuple[str, Record]], list[tuple[str, str]], list[Record]]:
        """What changed since the last call: (kind, record) upserts, (kind, id) deletions, deletion log rows."""
        upserts = [(kind, self.records[kind][object_id]) for kind, object_id in self.changed]
        removals = list(self.removed)
        log = self.deleted[self.deleted_saved :]
        self.changed.clear()
        self.removed.clear()
        self.deleted_saved = len(self.deleted)
        return upserts, removals, log
