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

ITEM_SERVICE_ADD = aggregate(
    "ItemServiceAddRq",
    aggregate(
        "ItemServiceAdd",
        text("Name", 31, required=True),
        boolean("IsActive"),
        ref("ClassRef", 159, since="12.0"),
        ref("ParentRef"),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        aggregate(
            "SalesOrPurchase",
            text("Desc", 4095),
            price("Price"),
            percent("PricePercent"),
            ref("AccountRef", 159),
        ),  # /SalesOrPurchase
        aggregate(
            "SalesAndPurchase",
            text("SalesDesc", 4095),
            price("SalesPrice"),
            ref("IncomeAccountRef", 159),
            text("PurchaseDesc", 4095),
            price("PurchaseCost"),
            ref("PurchaseTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0"),
            ref("ExpenseAccountRef", 159),
            ref("PrefVendorRef", 41),
        ),  # /SalesAndPurchase
        guid("ExternalGUID", since="8.0"),
        required=True,
        one_of=("SalesOrPurchase", "SalesAndPurchase"),
    ),  # /ItemServiceAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

ITEM_SERVICE_MOD = aggregate(
    "ItemServiceModRq",
    aggregate(
        "ItemServiceMod",
        ident("ListID", required=True),
        text("EditSequence", 16, required=True),
        text("Name", 31),
        boolean("IsActive"),
        ref("ClassRef", 159, since="12.0"),
        ref("ParentRef"),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        aggregate(
            "SalesOrPurchaseMod",
            text("Desc", 4095),
            price("Price"),
            percent("PricePercent"),
            ref("AccountRef", 159, since="7.0"),
            boolean("ApplyAccountRefToExistingTxns", since="7.0"),
        ),  # /SalesOrPurchaseMod
        aggregate(
            "SalesAndPurchaseMod",
            text("SalesDesc", 4095),
            price("SalesPrice"),
            ref("IncomeAccountRef", 159, since="7.0"),
            boolean("ApplyIncomeAccountRefToExistingTxns", since="7.0"),
            text("PurchaseDesc", 4095),
            price("PurchaseCost"),
            ref("PurchaseTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0"),
            ref("ExpenseAccountRef", 159, since="7.0"),
            boolean("ApplyExpenseAccountRefToExistingTxns", since="7.0"),
            ref("PrefVendorRef", 41),
        ),  # /SalesAndPurchaseMod
        required=True,
    ),  # /ItemServiceMod
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

ITEM_NON_INVENTORY_ADD = aggregate(
    "ItemNonInventoryAddRq",
    aggregate(
        "ItemNonInventoryAdd",
        text("Name", 31, required=True),
        boolean("IsActive"),
        ref("ParentRef"),
        ref("ClassRef", 159, since="12.0"),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        aggregate(
            "SalesOrPurchase",
            text("Desc", 4095),
            price("Price"),
            percent("PricePercent"),
            ref("AccountRef", 159),
        ),  # /SalesOrPurchase
        aggregate(
            "SalesAndPurchase",
            text("SalesDesc", 4095),
            price("SalesPrice"),
            ref("IncomeAccountRef", 159),
            text("PurchaseDesc", 4095),
            price("PurchaseCost"),
            ref("PurchaseTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0"),
            ref("ExpenseAccountRef", 159),
            ref("PrefVendorRef", 41),
        ),  # /SalesAndPurchase
        guid("ExternalGUID", since="8.0"),
        required=True,
        one_of=("SalesOrPurchase", "SalesAndPurchase"),
    ),  # /ItemNonInventoryAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

ITEM_NON_INVENTORY_MOD = aggregate(
    "ItemNonInventoryModRq",
    aggregate(
        "ItemNonInventoryMod",
        ident("ListID", required=True),
        text("EditSequence", 16, required=True),
        text("Name", 31),
        boolean("IsActive"),
        ref("ClassRef", 159, since="12.0"),
        ref("ParentRef"),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        aggregate(
            "SalesOrPurchaseMod",
            text("Desc", 4095),
            price("Price"),
            percent("PricePercent"),
            ref("AccountRef", 159, since="7.0"),
            boolean("ApplyAccountRefToExistingTxns", since="7.0"),
        ),  # /SalesOrPurchaseMod
        aggregate(
            "SalesAndPurchaseMod",
            text("SalesDesc", 4095),
            price("SalesPrice"),
            ref("IncomeAccountRef", 159, since="7.0"),
            boolean("ApplyIncomeAccountRefToExistingTxns", since="7.0"),
            text("PurchaseDesc", 4095),
            price("PurchaseCost"),
            ref("PurchaseTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0"),
            ref("ExpenseAccountRef", 159, since="7.0"),
            boolean("ApplyExpenseAccountRefToExistingTxns", since="7.0"),
            ref("PrefVendorRef", 41),
        ),  # /SalesAndPurchaseMod
        required=True,
    ),  # /ItemNonInventoryMod
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

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
