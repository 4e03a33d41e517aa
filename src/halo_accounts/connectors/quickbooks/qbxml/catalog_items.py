"""Items: service, non-inventory and inventory add and modify requests.

Element order, lengths, editions and versions as in Intuit's qbXML 13.0 (checked by tests against
Intuit's XSD and annotated samples). Only the elements the integrator may send are listed.
"""

from __future__ import annotations

from halo_accounts.connectors.quickbooks.qbxml.spec import (
    Node,
    aggregate,
    amount,
    boolean,
    date,
    guid,
    ident,
    per_edition,
    percent,
    price,
    quantity,
    ref,
    text,
)

_TAX_CODE = per_edition(US=3, CA=3, UK=3, AU=6)
_PURCHASE_TAX_CODE = ref("PurchaseTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0")
_RETURN = text("IncludeRetElement", 50, since="4.0", repeats=True)
_PRICING = ("SalesOrPurchase", "SalesAndPurchase")


def _pricing(*, modify: bool) -> tuple[Node, Node]:
    """One account for sales or purchases, or separate sales and purchase details (Mods may re-point history)."""
    since = "7.0" if modify else "1.0"
    suffix = "Mod" if modify else ""
    apply = (lambda name: (boolean(name, since="7.0"),)) if modify else (lambda name: ())
    return (
        aggregate(
            f"SalesOrPurchase{suffix}",
            text("Desc", 4095),
            price("Price"),
            percent("PricePercent"),
            ref("AccountRef", 159, since=since),
            *apply("ApplyAccountRefToExistingTxns"),
        ),
        aggregate(
            f"SalesAndPurchase{suffix}",
            text("SalesDesc", 4095),
            price("SalesPrice"),
            ref("IncomeAccountRef", 159, since=since),
            *apply("ApplyIncomeAccountRefToExistingTxns"),
            text("PurchaseDesc", 4095),
            price("PurchaseCost"),
            _PURCHASE_TAX_CODE,
            ref("ExpenseAccountRef", 159, since=since),
            *apply("ApplyExpenseAccountRefToExistingTxns"),
            ref("PrefVendorRef", 41),
        ),
    )


def _placed(class_first: bool) -> tuple[Node, ...]:
    class_ref, parent = ref("ClassRef", 159, since="12.0"), ref("ParentRef")
    return (
        *((class_ref, parent) if class_first else (parent, class_ref)),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("SalesTaxCodeRef", _TAX_CODE),
    )


def _simple_item(kind: str, *, add_class_first: bool) -> tuple[Node, Node]:
    """Add and Mod of a service or non-inventory item; Intuit places ClassRef differently in one Add."""
    add = aggregate(
        f"{kind}AddRq",
        aggregate(
            f"{kind}Add",
            text("Name", 31, required=True),
            boolean("IsActive"),
            *_placed(add_class_first),
            *_pricing(modify=False),
            guid("ExternalGUID", since="8.0"),
            required=True,
            one_of=_PRICING,
        ),
        _RETURN,
    )
    modify = aggregate(
        f"{kind}ModRq",
        aggregate(
            f"{kind}Mod",
            ident("ListID", required=True),
            text("EditSequence", 16, required=True),
            text("Name", 31),
            boolean("IsActive"),
            *_placed(True),
            *_pricing(modify=True),
            required=True,
        ),
        _RETURN,
    )
    return add, modify


ITEM_SERVICE_ADD, ITEM_SERVICE_MOD = _simple_item("ItemService", add_class_first=True)
ITEM_NON_INVENTORY_ADD, ITEM_NON_INVENTORY_MOD = _simple_item("ItemNonInventory", add_class_first=False)

ITEM_INVENTORY_ADD = aggregate(
    "ItemInventoryAddRq",
    aggregate(
        "ItemInventoryAdd",
        text("Name", 31, required=True),
        boolean("IsActive"),
        ref("ClassRef", 159, since="12.0"),
        ref("ParentRef"),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        text("SalesDesc", 4095),
        price("SalesPrice"),
        ref("IncomeAccountRef", 159),
        text("PurchaseDesc", 4095),
        price("PurchaseCost"),
        ref("PurchaseTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0"),
        ref("COGSAccountRef", 159),
        ref("PrefVendorRef", 41),
        ref("AssetAccountRef", 159),
        quantity("ReorderPoint"),
        quantity("Max", since="13.0"),
        quantity("QuantityOnHand"),
        amount("TotalValue"),
        date("InventoryDate"),
        guid("ExternalGUID", since="8.0"),
        required=True,
    ),  # /ItemInventoryAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

ITEM_INVENTORY_MOD = aggregate(
    "ItemInventoryModRq",
    aggregate(
        "ItemInventoryMod",
        ident("ListID", required=True),
        text("EditSequence", 16, required=True),
        text("Name", 31),
        boolean("IsActive"),
        ref("ClassRef", 159, since="12.0"),
        ref("ParentRef"),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        text("SalesDesc", 4095),
        price("SalesPrice"),
        ref("IncomeAccountRef", 159, since="7.0"),
        boolean("ApplyIncomeAccountRefToExistingTxns", since="7.0"),
        text("PurchaseDesc", 4095),
        price("PurchaseCost"),
        ref("PurchaseTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0"),
        ref("COGSAccountRef", 159),
        boolean("ApplyCOGSAccountRefToExistingTxns", since="8.0"),
        ref("PrefVendorRef", 41),
        ref("AssetAccountRef", 159),
        quantity("ReorderPoint"),
        quantity("Max", since="13.0"),
        required=True,
    ),  # /ItemInventoryMod
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

REQUESTS: dict[str, Node] = {
    node.name: node
    for node in (
        ITEM_SERVICE_ADD,
        ITEM_SERVICE_MOD,
        ITEM_NON_INVENTORY_ADD,
        ITEM_NON_INVENTORY_MOD,
        ITEM_INVENTORY_ADD,
        ITEM_INVENTORY_MOD,
    )
}
