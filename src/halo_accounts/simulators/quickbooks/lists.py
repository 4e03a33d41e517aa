"""List objects: Customer (and jobs), Vendor and the Service/Non-inventory/Inventory items.

Adds and mods share one path: read the aggregate into a copy of the record (``fields``),
place it in its hierarchy (``FullName`` = ``Parent:Child``, ``Sublevel``), check the name is
free in its name space (3100), stamp it, store it. A mod needs the current ``EditSequence``
(3200 when stale, research §2.1) and an existing ``ListID`` (3120). Renaming a parent renames
its descendants' full names. Queries for every list kind are registered here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.fields import copy_fields
from halo_accounts.simulators.quickbooks.model import ITEM_KINDS
from halo_accounts.simulators.quickbooks.present import QueryOptions, ret_element
from halo_accounts.simulators.quickbooks.queries import run_query
from halo_accounts.simulators.quickbooks.registry import Handler, Outcome, clone, handles
from halo_accounts.simulators.quickbooks.render import Record

__all__ = ["ListSpec", "SPECS", "stamp_new"]

_SALES_ITEMS = ("ItemService", "ItemNonInventory", "ItemInventory")


@dataclass(frozen=True)
class ListSpec:
    """How one list kind is added and modified."""

    kind: str
    defaults: Mapping[str, str] = field(default_factory=dict)
    parent_kinds: tuple[str, ...] = ()
    full_name: bool = True  # whether the Ret carries FullName and Sublevel


SPECS: dict[str, ListSpec] = {
    "Customer": ListSpec(
        "Customer",
        {"IsActive": "true", "JobStatus": "None", "PreferredDeliveryMethod": "None"},
        ("Customer",),
    ),
    "Vendor": ListSpec("Vendor", {"IsActive": "true"}, full_name=False),
    **{kind: ListSpec(kind, {"IsActive": "true"}, _SALES_ITEMS) for kind in _SALES_ITEMS},
    "Class": ListSpec("Class", {"IsActive": "true"}, ("Class",)),
}


def stamp_new(ctx: Context, record: Record) -> None:
    """Give a new list record its ListID, times and EditSequence."""
    record["ListID"] = ctx.state.new_list_id(ctx.unix)
    record["TimeCreated"] = record["TimeModified"] = ctx.stamp
    record["EditSequence"] = ctx.edit_sequence()
    record["_mtime"] = ctx.unix


def _place(ctx: Context, spec: ListSpec, record: Record, own_id: str | None) -> None:
    name = record.get("Name")
    if not name:
        raise StatusError(3150, status_message(3150, "Name"))
    full_name = name
    if spec.full_name:
        parent = record.get("ParentRef")
        sublevel = 0
        if parent:
            if own_id is not None and _is_descendant(ctx, parent["ListID"], own_id):
                raise StatusError(3180, status_message(3180, spec.kind, "A list element cannot be its own parent."))
            parent_record = ctx.state.get(ctx.state.kind(parent["ListID"]) or spec.kind, parent["ListID"])
            if parent_record is not None:
                full_name = f"{parent_record['FullName']}:{name}"
                sublevel = int(parent_record.get("Sublevel", "0")) + 1
        record["FullName"] = full_name
        record["Sublevel"] = str(sublevel)
    owner = ctx.state.name_owner(spec.kind, full_name)
    if owner is not None and owner != own_id:
        raise StatusError(3100, status_message(3100, full_name))


def _is_descendant(ctx: Context, candidate: str, ancestor: str) -> bool:
    current: str | None = candidate
    while current:
        if current == ancestor:
            return True
        kind = ctx.state.kind(current)
        found = ctx.state.get(kind, current) if kind else None
        current = found["ParentRef"]["ListID"] if found and found.get("ParentRef") else None
    return False


def _finish(ctx: Context, kind: str, record: Record) -> None:
    profile = ctx.profile
    if kind == "Customer" and profile.sales_tax_country and "SalesTaxCountry" not in record:
        record["SalesTaxCountry"] = profile.sales_tax_country
    if kind == "Vendor" and profile.code in ("US", "AU"):
        record.setdefault("IsVendorEligibleFor1099", "false")
    if kind == "ItemInventory":
        record.setdefault("QuantityOnHand", "0")
        record.setdefault("QuantityOnOrder", "0")
        record.setdefault("QuantityOnSalesOrder", "0")
    if kind in ITEM_KINDS and record.get("SalesOrPurchase") and record.get("SalesAndPurchase"):
        record.pop("SalesOrPurchase")  # a mod switched the item to separate sales and purchase info


def _add(ctx: Context, rq: etree._Element, spec: ListSpec) -> Outcome:
    element = rq.find(f"{spec.kind}Add")
    assert element is not None  # noqa: S101 - the processor checked the request's shape
    record: Record = dict(spec.defaults)
    copy_fields(ctx, element, record, spec.kind, ref_targets={"ParentRef": spec.parent_kinds})
    _place(ctx, spec, record, None)
    _finish(ctx, spec.kind, record)
    stamp_new(ctx, record)
    ctx.state.put(spec.kind, record)
    return Outcome([ret_element(ctx, spec.kind, record)])


def find_for_mod(ctx: Context, kind: str, element: etree._Element, id_tag: str) -> Record:
    """The record a mod names, checked for existence (3120) and a current EditSequence (3200)."""
    object_id = element.findtext(id_tag) or ""
    record = ctx.state.get(kind, object_id)
    if record is None:
        raise StatusError(3120, status_message(3120, object_id))
    sent = element.findtext("EditSequence") or ""
    if sent != record["EditSequence"]:
        raise StatusError(3200, status_message(3200, sent))
    return record


def touch(ctx: Context, record: Record) -> None:
    """A modification: new TimeModified and a strictly larger EditSequence."""
    record["TimeModified"] = ctx.stamp
    record["EditSequence"] = ctx.edit_sequence(record.get("EditSequence"))
    record["_mtime"] = ctx.unix


def _mod(ctx: Context, rq: etree._Element, spec: ListSpec) -> Outcome:
    element = rq.find(f"{spec.kind}Mod")
    assert element is not None  # noqa: S101 - the processor checked the request's shape
    current = find_for_mod(ctx, spec.kind, element, "ListID")
    record: Record = clone(current)
    copy_fields(ctx, element, record, spec.kind, ref_targets={"ParentRef": spec.parent_kinds})
    _place(ctx, spec, record, record["ListID"])
    _finish(ctx, spec.kind, record)
    touch(ctx, record)
    renamed = spec.full_name and record.get("FullName") != current.get("FullName")
    ctx.state.put(spec.kind, record)
    if renamed:
        _rename_descendants(ctx, record)
    return Outcome([ret_element(ctx, spec.kind, record)])


def _rename_descendants(ctx: Context, parent: Record) -> None:
    for child_id in ctx.state.child_ids(parent["ListID"]):
        kind = ctx.state.kind(child_id)
        child = ctx.state.get(kind, child_id) if kind else None
        if kind is None or child is None:
            continue
        updated = clone(child)
        updated["FullName"] = f"{parent['FullName']}:{child['Name']}"
        ctx.state.put(kind, updated)
        _rename_descendants(ctx, updated)


def _register(spec: ListSpec) -> None:
    handles(f"{spec.kind}AddRq")(lambda ctx, rq: _add(ctx, rq, spec))
    handles(f"{spec.kind}ModRq")(lambda ctx, rq: _mod(ctx, rq, spec))


for _spec in SPECS.values():
    _register(_spec)


def _query(kinds: tuple[str, ...], *, is_txn: bool = False) -> Handler:
    def answer(ctx: Context, rq: etree._Element) -> Outcome:
        result = run_query(ctx, rq, kinds, is_txn=is_txn)
        options = QueryOptions.of(rq, lines_default=False)
        rets = [ret_element(ctx, kind, record, options) for kind, record in result.rows]
        return Outcome(rets, result.code, result.message, result.attrs)

    return answer


_QUERIES: dict[str, tuple[tuple[str, ...], bool]] = {
    "CustomerQueryRq": (("Customer",), False),
    "VendorQueryRq": (("Vendor",), False),
    "ItemQueryRq": (ITEM_KINDS, False),
    "ItemServiceQueryRq": (("ItemService",), False),
    "ItemNonInventoryQueryRq": (("ItemNonInventory",), False),
    "ItemInventoryQueryRq": (("ItemInventory",), False),
    "ItemSalesTaxQueryRq": (("ItemSalesTax",), False),
    "ItemSalesTaxGroupQueryRq": (("ItemSalesTaxGroup",), False),
    "SalesTaxCodeQueryRq": (("SalesTaxCode",), False),
    "AccountQueryRq": (("Account",), False),
    "TermsQueryRq": (("StandardTerms",), False),
    "StandardTermsQueryRq": (("StandardTerms",), False),
    "ClassQueryRq": (("Class",), False),
    "InvoiceQueryRq": (("Invoice",), True),
    "CreditMemoQueryRq": (("CreditMemo",), True),
    "ReceivePaymentQueryRq": (("ReceivePayment",), True),
    "PurchaseOrderQueryRq": (("PurchaseOrder",), True),
}
for _tag, (_kinds, _is_txn) in _QUERIES.items():
    handles(_tag)(_query(_kinds, is_txn=_is_txn))
