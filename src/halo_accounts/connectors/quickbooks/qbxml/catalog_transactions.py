"""Transactions: invoices, credit memos, purchase orders, received payments, and voids.

Element order, lengths, editions and versions as in Intuit's qbXML 13.0 (checked by tests against
Intuit's XSD and annotated samples). Only the elements the integrator may send are listed.
"""

from __future__ import annotations

from halo_accounts.connectors.quickbooks.qbxml.spec import (
    Node,
    address,
    aggregate,
    amount,
    boolean,
    date,
    enum_of,
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
_RETURN = text("IncludeRetElement", 50, since="4.0", repeats=True)


def _sales_header(*, customer_required: bool) -> tuple[Node, ...]:
    """The header InvoiceAdd, InvoiceMod and CreditMemoAdd share, CustomerRef to CustomerSalesTaxCodeRef."""
    return (
        ref("CustomerRef", 209, required=customer_required),
        ref("ClassRef", 159),
        ref("ARAccountRef", 159),
        date("TxnDate"),
        text("RefNumber", 11),
        address("BillAddress"),
        address("ShipAddress"),
        text("PONumber", 25),
        ref("TermsRef", 31),
        date("DueDate"),
        ref("ItemSalesTaxRef", 31),
        text("Memo", 4095),
        boolean("IsToBePrinted"),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("CustomerSalesTaxCodeRef", _TAX_CODE),
    )


def _sales_line(name: str, *, modify: bool = False, required: bool = False) -> Node:
    """An invoice or credit memo line; a Mod line starts with its TxnLineID (-1 adds a line)."""
    return aggregate(
        name,
        *((ident("TxnLineID", required=True),) if modify else ()),
        ref("ItemRef"),
        text("Desc", 4095),
        quantity("Quantity"),
        price("Rate"),
        percent("RatePercent"),
        ref("ClassRef", 159),
        amount("Amount"),
        amount("TaxAmount", absent_in="US CA UK", since="6.1"),
        date("ServiceDate"),
        ref("SalesTaxCodeRef", _TAX_CODE),
        ref("OverrideItemAccountRef", 159, since="1.0" if modify else "2.0"),
        required=required,
        repeats=True,
    )


INVOICE_ADD = aggregate(
    "InvoiceAddRq",
    aggregate(
        "InvoiceAdd",
        *_sales_header(customer_required=True),
        guid("ExternalGUID", since="9.0"),
        _sales_line("InvoiceLineAdd"),
        required=True,
    ),
    _RETURN,
)

INVOICE_MOD = aggregate(
    "InvoiceModRq",
    aggregate(
        "InvoiceMod",
        ident("TxnID", required=True),
        text("EditSequence", 16, required=True),
        *_sales_header(customer_required=False),
        _sales_line("InvoiceLineMod", modify=True),
        required=True,
    ),
    _RETURN,
    since="2.1",
)

CREDIT_MEMO_ADD = aggregate(
    "CreditMemoAddRq",
    aggregate(
        "CreditMemoAdd",
        *_sales_header(customer_required=True),
        guid("ExternalGUID", since="9.0"),
        _sales_line("CreditMemoLineAdd", required=True),
        required=True,
    ),
    _RETURN,
)

PURCHASE_ORDER_ADD = aggregate(
    "PurchaseOrderAddRq",
    aggregate(
        "PurchaseOrderAdd",
        ref("VendorRef", 41, required=True),
        ref("ClassRef", 159),
        date("TxnDate"),
        text("RefNumber", 11),
        address("VendorAddress"),
        address("ShipAddress"),
        ref("TermsRef", 31),
        date("DueDate"),
        text("Memo", 4095),
        boolean("IsToBePrinted"),
        boolean("IsTaxIncluded", absent_in="US", since="6.0"),
        ref("SalesTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0"),
        guid("ExternalGUID", since="9.0"),
        aggregate(
            "PurchaseOrderLineAdd",
            ref("ItemRef"),
            text("Desc", 4095),
            quantity("Quantity"),
            price("Rate"),
            ref("ClassRef", 159),
            amount("Amount"),
            amount("TaxAmount", absent_in="US CA UK", since="6.1"),
            ref("CustomerRef", 209),
            date("ServiceDate"),
            ref("SalesTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="6.0"),
            ref("OverrideItemAccountRef", 159, since="2.0"),
            required=True,
            repeats=True,
        ),  # /PurchaseOrderLineAdd
        required=True,
    ),  # /PurchaseOrderAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

RECEIVE_PAYMENT_ADD = aggregate(
    "ReceivePaymentAddRq",
    aggregate(
        "ReceivePaymentAdd",
        ref("CustomerRef", 209, required=True),
        ref("ARAccountRef", 159),
        date("TxnDate"),
        text("RefNumber", 20),
        amount("TotalAmount"),
        ref("PaymentMethodRef", 31),
        text("Memo", 4095),
        ref("DepositToAccountRef", 159),
        guid("ExternalGUID", since="9.0"),
        aggregate(
            "AppliedToTxnAdd",
            ident("TxnID", required=True),
            amount("PaymentAmount"),
            required=True,
            repeats=True,
        ),  # /AppliedToTxnAdd
        required=True,
    ),  # /ReceivePaymentAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
    since="1.1",
)

# The integrator voids only what it sent: invoices and credit memos.
TXN_VOID = aggregate(
    "TxnVoidRq",
    enum_of("TxnVoidType", "CreditMemo", "Invoice", required=True),
    ident("TxnID", required=True),
    since="1.1",
)

REQUESTS: dict[str, Node] = {
    node.name: node
    for node in (INVOICE_ADD, INVOICE_MOD, CREDIT_MEMO_ADD, PURCHASE_ORDER_ADD, RECEIVE_PAYMENT_ADD, TXN_VOID)
}
