"""Queries: every company, list and transaction query the sync sends.

Element order, editions and versions as in Intuit's qbXML 13.0 (checked by tests against Intuit's
XSD and annotated samples). List queries share one filter block and transaction queries another,
so they are built from the two helpers below. ``ITERATOR_QUERIES`` are the queries that accept
the ``iterator`` attributes; QuickBooks refuses them on the others (Account, Class, Terms,
SalesTaxCode, Host, Company, Preferences).
"""

from __future__ import annotations

from halo_accounts.connectors.quickbooks.qbxml.spec import (
    Node,
    aggregate,
    boolean,
    date,
    datetime,
    enum_of,
    guid,
    ident,
    integer,
    ref,
    text,
)

__all__ = ["ITERATOR_QUERIES", "QUERIES"]

_RETURN = (text("IncludeRetElement", 50, since="4.0", repeats=True), guid("OwnerID", since="2.0", repeats=True))
_ACTIVE = enum_of("ActiveStatus", "ActiveOnly", "InactiveOnly", "All")


def _list_query(name: str, *extra: Node, owner: bool = True) -> Node:
    """ListID | FullName | (MaxReturned ActiveStatus From/ToModifiedDate NameFilter|NameRangeFilter ...)."""
    return aggregate(
        name,
        ident("ListID", repeats=True),
        text("FullName", repeats=True),
        integer("MaxReturned"),
        _ACTIVE,
        datetime("FromModifiedDate"),
        datetime("ToModifiedDate"),
        aggregate(
            "NameFilter",
            enum_of("MatchCriterion", "StartsWith", "Contains", "EndsWith", required=True),
            text("Name", required=True),
        ),
        aggregate("NameRangeFilter", text("FromName"), text("ToName")),
        *extra,
        *(_RETURN if owner else _RETURN[:1]),
    )


def _name_filter(name: str) -> Node:
    return aggregate(
        name,
        ident("ListID", since="2.0", repeats=True),
        text("FullName", repeats=True),
        ident("ListIDWithChildren", since="2.0"),
        text("FullNameWithChildren"),
    )


def _txn_query(name: str, *extra: Node, linked_since: str | None = None, since: str = "1.0") -> Node:
    """TxnID | RefNumber | (MaxReturned date, entity, account and number filters ...) IncludeLineItems."""
    return aggregate(
        name,
        ident("TxnID", repeats=True),
        text("RefNumber", repeats=True),
        text("RefNumberCaseSensitive", since="4.0", repeats=True),
        integer("MaxReturned"),
        aggregate("ModifiedDateRangeFilter", datetime("FromModifiedDate"), datetime("ToModifiedDate")),
        aggregate("TxnDateRangeFilter", date("FromTxnDate"), date("ToTxnDate")),
        _name_filter("EntityFilter"),
        _name_filter("AccountFilter"),
        aggregate(
            "RefNumberFilter",
            enum_of("MatchCriterion", "StartsWith", "Contains", "EndsWith", required=True),
            text("RefNumber", required=True),
        ),
        aggregate("RefNumberRangeFilter", text("FromRefNumber"), text("ToRefNumber")),
        ref("CurrencyFilter", 64, since="8.0"),
        *extra,
        boolean("IncludeLineItems"),
        *((boolean("IncludeLinkedTxns", since=linked_since),) if linked_since else ()),
        *_RETURN,
        since=since,
    )


def _deleted_query(name: str, kind: Node) -> Node:
    return aggregate(
        name,
        kind,
        aggregate("DeletedDateRangeFilter", datetime("FromDeletedDate"), datetime("ToDeletedDate")),
        _RETURN[0],
        since="2.0",
    )


_LIST_DEL_TYPES = (
    "Account", "Class", "Customer", "ItemInventory", "ItemNonInventory", "ItemSalesTax", "ItemSalesTaxGroup",
    "ItemService", "SalesTaxCode", "StandardTerms", "Vendor",
)  # fmt: skip
_TXN_DEL_TYPES = ("CreditMemo", "Invoice", "PurchaseOrder", "ReceivePayment")
_ACCOUNT_TYPES = (
    "AccountsPayable", "AccountsReceivable", "Bank", "CostOfGoodsSold", "CreditCard", "Equity", "Expense",
    "FixedAsset", "Income", "LongTermLiability", "NonPosting", "OtherAsset", "OtherCurrentAsset",
    "OtherCurrentLiability", "OtherExpense", "OtherIncome",
)  # fmt: skip

QUERIES: dict[str, Node] = {
    node.name: node
    for node in (
        aggregate(
            "HostQueryRq",
            aggregate("IncludeListMetaData", boolean("IncludeMaxCapacity", required=True), since="6.0"),
            _RETURN[0],
        ),
        aggregate("CompanyQueryRq", *_RETURN),
        aggregate("PreferencesQueryRq", _RETURN[0], since="1.1"),
        _list_query(
            "AccountQueryRq",
            enum_of("AccountType", *_ACCOUNT_TYPES, repeats=True),
            ref("CurrencyFilter", 64, since="8.0"),
        ),
        _list_query("TermsQueryRq", owner=False),
        _list_query("ClassQueryRq", owner=False),
        _list_query("SalesTaxCodeQueryRq", owner=False),
        _list_query("ItemSalesTaxQueryRq"),
        _list_query("ItemSalesTaxGroupQueryRq"),
        _list_query("CustomerQueryRq", ref("CurrencyFilter", 64, since="8.0")),
        _list_query("ItemQueryRq"),
        _list_query("VendorQueryRq", ref("CurrencyFilter", 64, since="8.0")),
        _txn_query("InvoiceQueryRq", enum_of("PaidStatus", "All", "PaidOnly", "NotPaidOnly"), linked_since="1.1"),
        _txn_query("CreditMemoQueryRq", linked_since="1.1"),
        _txn_query("ReceivePaymentQueryRq", since="1.1"),
        _txn_query("PurchaseOrderQueryRq", linked_since="3.0"),
        _deleted_query("ListDeletedQueryRq", enum_of("ListDelType", *_LIST_DEL_TYPES, required=True, repeats=True)),
        _deleted_query("TxnDeletedQueryRq", enum_of("TxnDelType", *_TXN_DEL_TYPES, required=True, repeats=True)),
    )
}

ITERATOR_QUERIES: frozenset[str] = frozenset(
    {
        "CustomerQueryRq", "VendorQueryRq", "ItemQueryRq", "ItemSalesTaxQueryRq", "ItemSalesTaxGroupQueryRq",
        "InvoiceQueryRq", "CreditMemoQueryRq", "ReceivePaymentQueryRq", "PurchaseOrderQueryRq",
    }
)  # fmt: skip
