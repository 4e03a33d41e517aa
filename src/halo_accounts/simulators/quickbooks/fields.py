"""Reading request aggregates into records: references, value formats and Mod semantics.

A ``*Ref`` names a list object by ``ListID`` or ``FullName``; when both are given the
``FullName`` is ignored (research §2.1). A ref to nothing is status 3140 (research §2.3).
Values are stored as QuickBooks would return them (``100`` → ``100.00`` for amounts, ``1``
→ ``true``), so a read-back shows what QuickBooks would show. In a ``*Mod`` an element sent
empty clears the field, an element not sent keeps it, and an aggregate sent merges into the
stored one field by field (research §2.1).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from lxml import etree

from halo_accounts.simulators.quickbooks.context import Context, label
from halo_accounts.simulators.quickbooks.errors import StatusError, status_message
from halo_accounts.simulators.quickbooks.model import ITEM_KINDS
from halo_accounts.simulators.quickbooks.render import Record
from halo_accounts.simulators.quickbooks.xmlio import fmt_amount, fmt_bool, fmt_price, fmt_quantity, parse_decimal

__all__ = ["REF_TARGETS", "copy_fields", "normalise", "ref_of", "resolve_ref"]

_ACCOUNT = ("Account",)
REF_TARGETS: dict[str, tuple[str, ...]] = {
    "ClassRef": ("Class",),
    "TermsRef": ("StandardTerms",),
    "SalesTaxCodeRef": ("SalesTaxCode",),
    "CustomerSalesTaxCodeRef": ("SalesTaxCode",),
    "PurchaseTaxCodeRef": ("SalesTaxCode",),
    "ItemSalesTaxRef": ("ItemSalesTax", "ItemSalesTaxGroup"),
    "ItemPurchaseTaxRef": ("ItemSalesTax",),
    "CustomerRef": ("Customer",),
    "VendorRef": ("Vendor",),
    "PrefVendorRef": ("Vendor",),
    "TaxVendorRef": ("Vendor",),
    "ShipToEntityRef": ("Customer", "Vendor"),
    "ItemRef": ITEM_KINDS,
    "PaymentMethodRef": ("PaymentMethod",),
    **dict.fromkeys(
        (
            "AccountRef", "IncomeAccountRef", "ExpenseAccountRef", "COGSAccountRef", "AssetAccountRef", "ARAccountRef",
            "DepositToAccountRef", "TaxOnPurchasesAccountRef", "TaxOnSalesAccountRef", "PrefillAccountRef",
            "OverrideItemAccountRef",
        ),
        _ACCOUNT,
    ),
}  # fmt: skip
_REPEATED_REFS = frozenset({"PrefillAccountRef"})

# Elements read by handlers themselves, or accepted and not kept (the simulator does not model
# contacts, notes history, credit cards, units of measure or custom fields).
_SKIP = frozenset(
    {
        "ListID", "TxnID", "EditSequence", "IncludeRetElement", "ForceUOMChange", "ApplyAccountRefToExistingTxns",
        "ApplyIncomeAccountRefToExistingTxns", "ApplyCOGSAccountRefToExistingTxns", "DataExt", "Contacts",
        "ContactsMod", "AdditionalNotes", "AdditionalNotesMod", "AdditionalContactRef", "ShipToAddress",
        "CreditCardInfo", "CreditCardTxnInfo", "OpenBalance", "OpenBalanceDate", "SetCredit", "LinkToTxnID",
        "LinkToTxn", "TxnLineDetail", "UnitOfMeasureSetRef", "OptionForPriceRuleConflict", "defMacro",
    }
)  # fmt: skip
_RENAME = {"SalesOrPurchaseMod": "SalesOrPurchase", "SalesAndPurchaseMod": "SalesAndPurchase"}

_AMOUNTS = frozenset(
    {"Amount", "CreditLimit", "TotalAmount", "PaymentAmount", "TaxAmount", "DiscountAmount", "TotalValue"}
)
_PRICES = frozenset({"Rate", "Price", "SalesPrice", "PurchaseCost", "RatePercent", "PricePercent", "TaxRate"})
_QUANTITIES = frozenset({"Quantity", "QuantityOnHand", "ReorderPoint", "Max"})
_FORMATS: dict[frozenset[str], Callable[[Any], str]] = {
    _AMOUNTS: fmt_amount,
    _PRICES: fmt_price,
    _QUANTITIES: fmt_quantity,
}


def normalise(name: str, text: str) -> str:
    """``text`` as QuickBooks would echo it for a field called ``name``."""
    if name.startswith("Is"):
        return fmt_bool(text.strip() in ("true", "1"))
    for names, formatter in _FORMATS.items():
        if name in names:
            number = parse_decimal(text)
            return formatter(number) if number is not None else text
    return text


def ref_of(record: Mapping[str, Any]) -> dict[str, str]:
    """A ``*Ref`` aggregate pointing at ``record``."""
    return {"ListID": str(record["ListID"]), "FullName": str(record.get("FullName") or record["Name"])}


def resolve_ref(
    ctx: Context, element: etree._Element, object_kind: str, targets: Collection[str] | None = None
) -> tuple[str, Record]:
    """The (kind, record) a ``*Ref`` element names, or status 3140 naming the missing object."""
    name = str(element.tag)
    kinds = tuple(targets) if targets is not None else REF_TARGETS.get(name, ())
    if name == "CurrencyRef" and not ctx.prefs.get("multicurrency"):
        raise StatusError(3250, status_message(3250, "multicurrency is turned off"))
    list_id = (element.findtext("ListID") or "").strip()
    full_name = element.findtext("FullName") or ""
    state = ctx.state
    if list_id:
        kind = state.kind(list_id)
        if kind in kinds:
            record = state.get(kind, list_id)
            if record is not None:
                return kind, record
    elif full_name:
        for kind in kinds:
            found = state.by_name(kind, full_name)
            if found is not None:
                return kind, found
    shown = list_id or full_name
    kind_label = label(kinds[0]) if len(kinds) == 1 else label(name)
    raise StatusError(3140, status_message(3140, kind_label, shown, label(object_kind)))


def copy_fields(
    ctx: Context,
    element: etree._Element,
    target: Record,
    object_kind: str,
    *,
    skip: Collection[str] = (),
    ref_targets: Mapping[str, Collection[str]] | None = None,
) -> None:
    """Copy ``element``'s children into ``target`` with Mod semantics (empty clears, aggregates merge)."""
    for child in element:
        tag = str(child.tag)
        if tag in _SKIP or tag in skip:
            continue
        name = _RENAME.get(tag, tag)
        if tag == "BarCode":
            value = child.findtext("BarCodeValue")
            if value:
                target["BarCodeValue"] = value
            continue
        if tag.endswith("Ref"):
            _copy_ref(ctx, child, target, object_kind, ref_targets)
        elif len(child):
            merged = dict(target.get(name) or {})
            copy_fields(ctx, child, merged, object_kind, skip=skip, ref_targets=ref_targets)
            if merged:
                target[name] = merged
            else:
                target.pop(name, None)
        elif not child.text:
            target.pop(name, None)
        else:
            target[name] = normalise(name, child.text)


def _copy_ref(
    ctx: Context,
    child: etree._Element,
    target: Record,
    object_kind: str,
    ref_targets: Mapping[str, Collection[str]] | None,
) -> None:
    tag = str(child.tag)
    if not (child.findtext("ListID") or child.findtext("FullName")):
        target.pop(tag, None)  # an empty ref clears it
        return
    targets = (ref_targets or {}).get(tag)
    if tag == "ClassRef" and not ctx.prefs.get("class_tracking"):
        raise StatusError(3250, status_message(3250, "class tracking is turned off"))
    _, record = resolve_ref(ctx, child, object_kind, targets)
    if tag in _REPEATED_REFS:
        target.setdefault(tag, []).append(ref_of(record))
    else:
        target[tag] = ref_of(record)
