"""Transactions: invoices, credit memos, purchase orders and received payments.

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
    guid,
    ident,
    per_edition,
    percent,
    price,
    quantity,
    ref,
    text,
)

INVOICE_ADD = aggregate(
    "InvoiceAddRq",
    aggregate(
        "InvoiceAdd",
        ref("CustomerRef", 209, required=True),
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
        ref("CustomerSalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        guid("ExternalGUID", since="9.0"),
        aggregate(
            "InvoiceLineAdd",
            ref("ItemRef"),
            text("Desc", 4095),
            quantity("Quantity"),
            price("Rate"),
            percent("RatePercent"),
            ref("ClassRef", 159),
            amount("Amount"),
            amount("TaxAmount", absent_in="US CA UK", since="6.1"),
            date("ServiceDate"),
            ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
            ref("OverrideItemAccountRef", 159, since="2.0"),
            repeats=True,
        ),  # /InvoiceLineAdd
        required=True,
    ),  # /InvoiceAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

INVOICE_MOD = aggregate(
    "InvoiceModRq",
    aggregate(
        "InvoiceMod",
        ident("TxnID", required=True),
        text("EditSequence", 16, required=True),
        ref("CustomerRef", 209),
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
        ref("CustomerSalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        aggregate(
            "InvoiceLineMod",
            ident("TxnLineID", required=True),
            ref("ItemRef"),
            text("Desc", 4095),
            quantity("Quantity"),
            price("Rate"),
            percent("RatePercent"),
            ref("ClassRef", 159),
            amount("Amount"),
            amount("TaxAmount", absent_in="US CA UK", since="6.1"),
            date("ServiceDate"),
            ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
            ref("OverrideItemAccountRef", 159),
            repeats=True,
        ),  # /InvoiceLineMod
        required=True,
    ),  # /InvoiceMod
    text("IncludeRetElement", 50, since="4.0", repeats=True),
    since="2.1",
)

CREDIT_MEMO_ADD = aggregate(
    "CreditMemoAddRq",
    aggregate(
        "CreditMemoAdd",
        ref("CustomerRef", 209, required=True),
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
        ref("CustomerSalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        guid("ExternalGUID", since="9.0"),
        aggregate(
            "CreditMemoLineAdd",
            ref("ItemRef"),
            text("Desc", 4095),
            quantity("Quantity"),
            price("Rate"),
            percent("RatePercent"),
            ref("ClassRef", 159),
            amount("Amount"),
            amount("TaxAmount", absent_in="US CA UK", since="6.1"),
            date("ServiceDate"),
            ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
            ref("OverrideItemAccountRef", 159, since="2.0"),
            required=True,
            repeats=True,
        ),  # /CreditMemoLineAdd
        required=True,
    ),  # /CreditMemoAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
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

REQUESTS: dict[str, Node] = {
    node.name: node for node in (INVOICE_ADD, INVOICE_MOD, CREDIT_MEMO_ADD, PURCHASE_ORDER_ADD, RECEIVE_PAYMENT_ADD)
}
