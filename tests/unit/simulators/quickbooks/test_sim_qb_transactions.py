"""Invoices, credit memos, payments, purchase orders, deletions, voids; tax maths per edition."""

from __future__ import annotations

import re
from datetime import date

import pytest


def line(item: str, quantity: str | None = None, extra: str = "", tag: str = "InvoiceLineAdd") -> str:
    qty = f"<Quantity>{quantity}</Quantity>" if quantity is not None else ""
    return f"<{tag}><ItemRef><FullName>{item}</FullName></ItemRef>{qty}{extra}</{tag}>"


def coded(code: str) -> str:
    return f"<SalesTaxCodeRef><FullName>{code}</FullName></SalesTaxCodeRef>"


def pay(h, customer: str, body: str, total: str | None = None):
    amount = f"<TotalAmount>{total}</TotalAmount>" if total is not None else ""
    return h.one(
        f"<ReceivePaymentAddRq><ReceivePaymentAdd><CustomerRef><FullName>{customer}</FullName></CustomerRef>"
        f"{amount}{body}</ReceivePaymentAdd></ReceivePaymentAddRq>"
    )


def applied(txn_id: str, amount: str) -> str:
    return f"<AppliedToTxnAdd><TxnID>{txn_id}</TxnID><PaymentAmount>{amount}</PaymentAmount></AppliedToTxnAdd>"


@pytest.fixture
def shop(us):
    """A US company with a taxable product, a non-taxable service and a taxable NYC customer."""
    us.ok(
        "<ItemNonInventoryAddRq><ItemNonInventoryAdd><Name>Router</Name><SalesTaxCodeRef><FullName>Tax</FullName>"
        "</SalesTaxCodeRef><SalesOrPurchase><Desc>Edge router</Desc><Price>100</Price><AccountRef><FullName>"
        "Hardware Sales</FullName></AccountRef></SalesOrPurchase></ItemNonInventoryAdd></ItemNonInventoryAddRq>"
    )
    us.add_service("Labor", "50", "Non")
    us.add_customer("Acme", coded("Tax") + "<ItemSalesTaxRef><FullName>NYC Combined</FullName></ItemSalesTaxRef>")
    return us


def test_line_amounts_come_from_quantity_and_item_price_unless_amount_is_sent(shop):
    ret = shop.invoice("Acme", line("Router", "3") + line("Labor", "1.5") + line("Labor", "2", "<Amount>90</Amount>"))
    lines = ret.findall("InvoiceLineRet")
    assert [(x.findtext("Rate"), x.findtext("Amount")) for x in lines] == [
        ("100.00", "300.00"),
        ("50.00", "75.00"),
        ("45.00", "90.00"),
    ]
    assert lines[0].findtext("Desc") == "Edge router"
    assert lines[0].findtext("SalesTaxCodeRef/FullName") == "Tax"
    assert ret.findtext("RefNumber") == "1"
    assert ret.findtext("ARAccountRef/FullName") == "Accounts Receivable"
    assert ret.findtext("TxnNumber") == "1"
    assert re.fullmatch(r"[0-9A-F]+-1714590000", ret.findtext("TxnID"))
    assert ret.findtext("DueDate") == "2024-05-01"  # no terms: due on the invoice date
    assert ret.findtext("TxnDate") == "2024-05-01"  # the company's local date


def test_us_group_rate_applies_to_taxable_lines_only(shop):
    ret = shop.invoice("Acme", line("Router", "3") + line("Labor", "4"))
    assert ret.findtext("Subtotal") == "500.00"
    assert ret.findtext("ItemSalesTaxRef/FullName") == "NYC Combined"
    assert ret.findtext("SalesTaxPercentage") == "8.875"  # 4 + 4.5 + 0.375
    assert ret.findtext("SalesTaxTotal") == "26.63"  # 300 x 8.875% = 26.625, half up
    assert ret.findtext("BalanceRemaining") == "526.63"
    assert ret.findtext("IsPaid") == "false"
    assert ret.find("InvoiceLineRet/TaxAmount") is None  # AU only


def test_us_invoice_rate_overrides_the_customer_and_non_taxable_customer_pays_none(shop):
    own = shop.invoice(
        "Acme", line("Router", "1"), "<ItemSalesTaxRef><FullName>Westchester Sales Tax</FullName></ItemSalesTaxRef>"
    )
    assert (own.findtext("SalesTaxPercentage"), own.findtext("SalesTaxTotal")) == ("8.375", "8.38")
    shop.add_customer("Charity", coded("Non"))
    exempt = shop.invoice("Charity", line("Router", "1"))
    assert exempt.findtext("SalesTaxTotal") == "0.00"
    assert exempt.findtext("CustomerSalesTaxCodeRef/FullName") == "Non"


def test_uk_vat_is_worked_out_and_rounded_per_line(harness):
    uk = harness("UK")
    uk.add_service("Support", "10.03", "S")
    uk.add_service("Books", "50", "Z")
    uk.add_customer("Bolton Ltd", coded("S"))
    ret = uk.invoice("Bolton Ltd", line("Support", "1") + line("Support", "1") + line("Books", "1"))
    assert ret.findtext("Subtotal") == "70.06"
    assert ret.findtext("SalesTaxTotal") == "4.02"  # 2.006 -> 2.01 twice; rounding the total would give 4.01
    assert ret.findtext("BalanceRemaining") == "74.08"
    assert ret.find("SalesTaxPercentage") is None
    assert ret.find("InvoiceLineRet/TaxAmount") is None  # not in QBUK


def test_canada_hst_and_gst_qst_group(harness):
    ca = harness("CA")
    ca.add_service("Support", "100", "H")
    ca.add_customer("Toronto Dental", coded("H"))
    ca.add_customer("Montréal Dental", coded("GQ"))
    hst = ca.invoice("Toronto Dental", line("Support", "1"))
    assert (hst.findtext("SalesTaxTotal"), hst.findtext("BalanceRemaining")) == ("13.00", "113.00")
    quebec = ca.invoice("Montréal Dental", line("Support", "1", coded("GQ")))
    assert quebec.findtext("SalesTaxTotal") == "14.98"  # 5% GST + 9.975% QST = 14.975
    assert quebec.findtext("InvoiceLineRet/SalesTaxCodeRef/FullName") == "GQ"


def test_australia_tax_inclusive_lines_and_tax_amount_override(harness):
    au = harness("AU")
    au.add_service("Support", "110", "GST")
    au.add_customer("Sydney Dental", coded("GST"))
    inclusive = au.invoice("Sydney Dental", line("Support", "1"))
    assert inclusive.findtext("IsTaxIncluded") == "true"
    assert (inclusive.findtext("Subtotal"), inclusive.findtext("SalesTaxTotal")) == ("100.00", "10.00")
    assert inclusive.findtext("BalanceRemaining") == "110.00"
    assert inclusive.findtext("InvoiceLineRet/TaxAmount") == "10.00"
    override = au.invoice("Sydney Dental", line("Support", "1", "<TaxAmount>9.99</TaxAmount>"))
    assert (override.findtext("Subtotal"), override.findtext("SalesTaxTotal")) == ("100.01", "9.99")
    exclusive = au.invoice("Sydney Dental", line("Support", "1"), "<IsTaxIncluded>false</IsTaxIncluded>")
    assert (exclusive.findtext("SalesTaxTotal"), exclusive.findtext("BalanceRemaining")) == ("11.00", "121.00")


def test_australian_six_character_tax_code(harness):
    au = harness("AU")
    au.add_customer("Exporter", coded("EXPORT"))
    au.add_service("Support", "110", "GST")
    ret = au.invoice("Exporter", line("Support", "1", coded("EXPORT")))
    assert ret.findtext("SalesTaxTotal") == "0.00"
    assert ret.findtext("InvoiceLineRet/SalesTaxCodeRef/FullName") == "EXPORT"


def invoice_mod(ret, body: str) -> str:
    return (
        f"<InvoiceModRq><InvoiceMod><TxnID>{ret.findtext('TxnID')}</TxnID><EditSequence>{ret.findtext('EditSequence')}"
        f"</EditSequence>{body}</InvoiceMod></InvoiceModRq>"
    )


def test_invoice_mod_line_semantics(shop):
    ret = shop.invoice("Acme", line("Labor", "1") + line("Labor", "2") + line("Labor", "3"))
    first, second, third = (x.findtext("TxnLineID") for x in ret.findall("InvoiceLineRet"))
    header_only = shop.ok(invoice_mod(ret, "<Memo>Thanks</Memo>"))
    assert len(header_only.findall("InvoiceLineRet")) == 3
    assert header_only.findtext("Memo") == "Thanks"
    modded = shop.ok(
        invoice_mod(
            header_only,
            f"<InvoiceLineMod><TxnLineID>{second}</TxnLineID><Quantity>4</Quantity></InvoiceLineMod>"
            "<InvoiceLineMod><TxnLineID>-1</TxnLineID><ItemRef><FullName>Router</FullName></ItemRef>"
            "<Quantity>1</Quantity><Rate>100</Rate></InvoiceLineMod>",
        )
    )
    lines = modded.findall("InvoiceLineRet")
    assert [x.findtext("TxnLineID") for x in lines][0] == second
    assert first not in [x.findtext("TxnLineID") for x in lines]
    assert third not in [x.findtext("TxnLineID") for x in lines]
    assert [x.findtext("Amount") for x in lines] == ["200.00", "100.00"]
    assert modded.findtext("Subtotal") == "300.00"
    assert modded.findtext("SalesTaxTotal") == "8.88"  # only the new Router line is taxable
    assert int(modded.findtext("EditSequence")) > int(header_only.findtext("EditSequence"))
    missing = shop.one(invoice_mod(modded, "<InvoiceLineMod><TxnLineID>FFFF-1</TxnLineID></InvoiceLineMod>"))
    assert missing.get("statusCode") == "3120"


def test_payments_drive_balance_remaining_and_is_paid(shop):
    ret = shop.invoice("Acme", line("Router", "3") + line("Labor", "4"))
    txn_id = ret.findtext("TxnID")
    partial = pay(shop, "Acme", applied(txn_id, "200.00"), "200.00")
    assert partial.get("statusCode") == "0"
    payment = partial[0]
    assert payment.findtext("AppliedToTxnRet/TxnID") == txn_id
    assert payment.findtext("AppliedToTxnRet/TxnType") == "Invoice"
    assert payment.findtext("AppliedToTxnRet/Amount") == "200.00"
    assert payment.findtext("AppliedToTxnRet/BalanceRemaining") == "326.63"
    assert payment.findtext("DepositToAccountRef/FullName") == "Undeposited Funds"
    invoice = shop.ok(
        f"<InvoiceQueryRq><TxnID>{txn_id}</TxnID><IncludeLinkedTxns>true</IncludeLinkedTxns></InvoiceQueryRq>"
    )
    assert (invoice.findtext("AppliedAmount"), invoice.findtext("BalanceRemaining")) == ("-200.00", "326.63")
    assert invoice.findtext("LinkedTxn/TxnType") == "ReceivePayment"
    assert invoice.findtext("EditSequence") != ret.findtext("EditSequence")
    customer = shop.ok("<CustomerQueryRq><FullName>Acme</FullName></CustomerQueryRq>")
    assert customer.findtext("Balance") == "326.63"
    pay(shop, "Acme", applied(txn_id, "326.63"))
    paid = shop.ok(f"<InvoiceQueryRq><TxnID>{txn_id}</TxnID></InvoiceQueryRq>")
    assert (paid.findtext("BalanceRemaining"), paid.findtext("IsPaid")) == ("0.00", "true")


def test_paying_more_than_the_amount_due_is_3210(shop):
    ret = shop.invoice("Acme", line("Labor", "1"))
    response = pay(shop, "Acme", applied(ret.findtext("TxnID"), "50.01"))
    assert response.get("statusCode") == "3210"
    assert response.get("statusMessage").endswith("You cannot pay more than the amount due.")
    assert shop.company.list_records("ReceivePayment") == []
    assert shop.company.list_records("Invoice")[0]["BalanceRemaining"] == "50.00"


def test_auto_apply_pays_oldest_first_and_keeps_the_rest_unused(shop):
    newer = shop.invoice("Acme", line("Labor", "2"), "<TxnDate>2024-04-20</TxnDate>")
    older = shop.invoice("Acme", line("Labor", "1"), "<TxnDate>2024-04-01</TxnDate>")
    response = pay(shop, "Acme", "<IsAutoApply>true</IsAutoApply>", "180.00")
    payment = response[0]
    assert [x.findtext("TxnID") for x in payment.findall("AppliedToTxnRet")] == [
        older.findtext("TxnID"),
        newer.findtext("TxnID"),
    ]
    assert [x.findtext("Amount") for x in payment.findall("AppliedToTxnRet")] == ["50.00", "100.00"]
    assert payment.findtext("UnusedPayment") == "30.00"
    customer = shop.ok("<CustomerQueryRq><FullName>Acme</FullName></CustomerQueryRq>")
    assert customer.findtext("Balance") == "-30.00"


def test_payment_query_and_deleting_a_payment_restores_the_invoice(shop):
    ret = shop.invoice("Acme", line("Labor", "1"))
    payment = pay(shop, "Acme", applied(ret.findtext("TxnID"), "50.00"))[0]
    assert shop.ok("<ReceivePaymentQueryRq/>").findtext("TxnID") == payment.findtext("TxnID")
    deleted = shop.one(
        f"<TxnDelRq><TxnDelType>ReceivePayment</TxnDelType><TxnID>{payment.findtext('TxnID')}</TxnID></TxnDelRq>"
    )
    assert deleted.get("statusCode") == "0"
    assert deleted.findtext("TxnID") == payment.findtext("TxnID")
    invoice = shop.ok(f"<InvoiceQueryRq><TxnID>{ret.findtext('TxnID')}</TxnID></InvoiceQueryRq>")
    assert (invoice.findtext("BalanceRemaining"), invoice.findtext("IsPaid")) == ("50.00", "false")
    log = shop.ok("<TxnDeletedQueryRq><TxnDelType>ReceivePayment</TxnDelType></TxnDeletedQueryRq>")
    assert log.findtext("TxnID") == payment.findtext("TxnID")


def test_credit_memo_has_credit_remaining(shop):
    ret = shop.ok(
        "<CreditMemoAddRq><CreditMemoAdd><CustomerRef><FullName>Acme</FullName></CustomerRef>"
        + line("Router", "1", tag="CreditMemoLineAdd")
        + "</CreditMemoAdd></CreditMemoAddRq>"
    )
    assert (ret.findtext("TotalAmount"), ret.findtext("CreditRemaining")) == ("108.88", "108.88")
    assert ret.findtext("CreditMemoLineRet/Amount") == "100.00"


def test_transaction_query_filters(shop):
    job = shop.add_customer("Move", "<ParentRef><FullName>Acme</FullName></ParentRef>")
    shop.add_customer("Other")
    first = shop.invoice("Acme", line("Labor", "1"), "<TxnDate>2024-03-01</TxnDate><RefNumber>1005</RefNumber>")
    shop.invoice("Acme:Move", line("Labor", "1"), "<TxnDate>2024-04-01</TxnDate>")
    shop.invoice("Other", line("Labor", "1"), "<TxnDate>2024-04-15</TxnDate>")
    pay(shop, "Acme", applied(first.findtext("TxnID"), "50.00"))
    refs = lambda body: [r.findtext("RefNumber") for r in shop.one(f"<InvoiceQueryRq>{body}</InvoiceQueryRq>")]  # noqa: E731
    assert refs("") == ["1005", "1006", "1007"]  # auto-numbering continues after the highest number
    assert refs("<EntityFilter><FullName>Acme</FullName></EntityFilter>") == ["1005"]
    assert refs("<EntityFilter><FullNameWithChildren>Acme</FullNameWithChildren></EntityFilter>") == ["1005", "1006"]
    assert refs(f"<EntityFilter><ListID>{job.findtext('ListID')}</ListID></EntityFilter>") == ["1006"]
    assert refs("<TxnDateRangeFilter><FromTxnDate>2024-04-01</FromTxnDate></TxnDateRangeFilter>") == ["1006", "1007"]
    assert refs("<PaidStatus>PaidOnly</PaidStatus>") == ["1005"]
    assert refs("<PaidStatus>NotPaidOnly</PaidStatus>") == ["1006", "1007"]
    assert refs("<RefNumberRangeFilter><FromRefNumber>1006</FromRefNumber></RefNumberRangeFilter>") == ["1006", "1007"]
    assert refs("<RefNumber>1007</RefNumber>") == ["1007"]
    assert shop.one("<InvoiceQueryRq><RefNumber>9999</RefNumber></InvoiceQueryRq>").get("statusCode") == "500"
    without = shop.ok("<InvoiceQueryRq><RefNumber>1005</RefNumber></InvoiceQueryRq>")
    assert without.find("InvoiceLineRet") is None
    with_lines = shop.ok(
        "<InvoiceQueryRq><RefNumber>1005</RefNumber><IncludeLineItems>true</IncludeLineItems></InvoiceQueryRq>"
    )
    assert with_lines.find("InvoiceLineRet") is not None
    assert with_lines.find("LinkedTxn") is None


def test_modified_date_range_is_inclusive_for_transactions(shop):
    shop.invoice("Acme", line("Labor", "1"))
    shop.clock.advance(30)
    stamp = shop.invoice("Acme", line("Labor", "1")).findtext("TimeModified")
    response = shop.one(
        f"<InvoiceQueryRq><ModifiedDateRangeFilter><FromModifiedDate>{stamp}</FromModifiedDate>"
        "</ModifiedDateRangeFilter></InvoiceQueryRq>"
    )
    assert [r.findtext("RefNumber") for r in response] == ["2"]


def test_credit_limit_is_3180(shop):
    shop.add_customer("Tight", "<CreditLimit>100</CreditLimit>")
    shop.invoice("Tight", line("Labor", "2"))
    response = shop.one(
        "<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>Tight</FullName></CustomerRef>"
        + line("Labor", "1")
        + "</InvoiceAdd></InvoiceAddRq>"
    )
    assert response.get("statusCode") == "3180"
    assert "credit limit" in response.get("statusMessage")


def test_invoice_to_a_missing_customer_is_3140_and_nothing_is_kept(shop):
    response = shop.one(
        "<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>Nobody</FullName></CustomerRef>"
        + line("Labor", "1")
        + "</InvoiceAdd></InvoiceAddRq>"
    )
    assert response.get("statusCode") == "3140"
    assert 'QuickBooks Customer "Nobody" in the Invoice' in response.get("statusMessage")
    bad_item = shop.one(
        "<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>Acme</FullName></CustomerRef>"
        + line("Ghost", "1")
        + "</InvoiceAdd></InvoiceAddRq>"
    )
    assert bad_item.get("statusCode") == "3140"
    assert shop.company.list_records("Invoice") == []


def test_purchase_order_prices_from_the_item_cost(shop):
    shop.ok(
        "<VendorAddRq><VendorAdd><Name>Ingram Micro</Name><TermsRef><FullName>Net 30</FullName></TermsRef>"
        "</VendorAdd></VendorAddRq>"
    )
    shop.ok(
        "<ItemInventoryAddRq><ItemInventoryAdd><Name>Laptop</Name><SalesPrice>1499</SalesPrice><IncomeAccountRef>"
        "<FullName>Hardware Sales</FullName></IncomeAccountRef><PurchaseDesc>Laptop 14in</PurchaseDesc>"
        "<PurchaseCost>1180</PurchaseCost><COGSAccountRef><FullName>Cost of Goods Sold</FullName></COGSAccountRef>"
        "<AssetAccountRef><FullName>Inventory Asset</FullName></AssetAccountRef>"
        "</ItemInventoryAdd></ItemInventoryAddRq>"
    )
    ret = shop.ok(
        "<PurchaseOrderAddRq><PurchaseOrderAdd><VendorRef><FullName>Ingram Micro</FullName></VendorRef>"
        + line("Laptop", "2", tag="PurchaseOrderLineAdd")
        + "</PurchaseOrderAdd></PurchaseOrderAddRq>"
    )
    assert ret.findtext("TotalAmount") == "2360.00"
    assert ret.findtext("PurchaseOrderLineRet/Desc") == "Laptop 14in"
    assert ret.findtext("DueDate") == "2024-05-31"
    found = shop.ok(
        "<PurchaseOrderQueryRq><EntityFilter><FullName>Ingram Micro</FullName></EntityFilter>"
        "<IncludeLineItems>true</IncludeLineItems></PurchaseOrderQueryRq>"
    )
    assert found.findtext("PurchaseOrderLineRet/Rate") == "1180.00"


def test_list_delete_refuses_used_records_and_logs_deletions(shop):
    shop.invoice("Acme", line("Labor", "1"))
    acme = shop.company.list_records("Customer")[0]
    used = shop.one(f"<ListDelRq><ListDelType>Customer</ListDelType><ListID>{acme['ListID']}</ListID></ListDelRq>")
    assert used.get("statusCode") == "3176"
    spare = shop.add_customer("Spare")
    gone = shop.one(
        f"<ListDelRq><ListDelType>Customer</ListDelType><ListID>{spare.findtext('ListID')}</ListID></ListDelRq>"
    )
    assert (gone.get("statusCode"), gone.findtext("FullName")) == ("0", "Spare")
    wrong_type = shop.one(f"<ListDelRq><ListDelType>Vendor</ListDelType><ListID>{acme['ListID']}</ListID></ListDelRq>")
    assert wrong_type.get("statusCode") == "3120"
    log = shop.one("<ListDeletedQueryRq><ListDelType>Customer</ListDelType></ListDeletedQueryRq>")
    assert [r.findtext("FullName") for r in log] == ["Spare"]
    assert (
        shop.one("<ListDeletedQueryRq><ListDelType>Vendor</ListDelType></ListDeletedQueryRq>").get("statusCode") == "1"
    )


def test_purchase_order_without_a_vendor_is_3150(shop):
    response = shop.one(
        "<PurchaseOrderAddRq><PurchaseOrderAdd><Memo>x</Memo>"
        + line("Router", "1", tag="PurchaseOrderLineAdd")
        + "</PurchaseOrderAdd></PurchaseOrderAddRq>"
    )
    assert response.get("statusCode") == "3150"
    assert response.get("statusMessage") == 'There is a missing element: "VendorRef".'


def test_amounts_round_trip_exactly(shop):
    ret = shop.invoice(
        "Acme", line("Labor", "1", "<Amount>1234567</Amount>") + line("Labor", "0.333", "<Rate>0.33333</Rate>")
    )
    amounts = [x.findtext("Amount") for x in ret.findall("InvoiceLineRet")]
    assert amounts == ["1234567.00", "0.11"]
    assert ret.findall("InvoiceLineRet")[1].findtext("Rate") == "0.33333"
    assert ret.findtext("Subtotal") == "1234567.11"


# -- TxnVoid: amounts to zero with the VOID: memo, payments released, Intuit's refusals --


def void(h, kind: str, txn_id: str):
    return h.one(f"<TxnVoidRq><TxnVoidType>{kind}</TxnVoidType><TxnID>{txn_id}</TxnID></TxnVoidRq>")


def invoice_by_id(h, txn_id: str):
    return h.ok(f"<InvoiceQueryRq><TxnID>{txn_id}</TxnID><IncludeLineItems>true</IncludeLineItems></InvoiceQueryRq>")


def test_voiding_a_paid_invoice_zeroes_it_and_frees_the_payment(shop):
    ret = shop.invoice("Acme", line("Router", "2") + line("Labor", "1"), "<Memo>March support</Memo>")
    txn_id = ret.findtext("TxnID")
    payment = pay(shop, "Acme", applied(txn_id, "100.00"))[0]
    shop.clock.advance(60)
    response = void(shop, "Invoice", txn_id)
    assert response.get("statusCode") == "0"
    assert [(child.tag, child.text) for child in response][:2] == [("TxnVoidType", "Invoice"), ("TxnID", txn_id)]
    assert response.findtext("RefNumber") == ret.findtext("RefNumber")
    assert response.findtext("TimeModified") != ret.findtext("TimeModified")
    voided = invoice_by_id(shop, txn_id)
    assert voided.findtext("Memo") == "VOID: March support"
    assert (voided.findtext("Subtotal"), voided.findtext("SalesTaxTotal"), voided.findtext("BalanceRemaining")) == (
        "0.00",
        "0.00",
        "0.00",
    )
    assert {x.findtext("Amount") for x in voided.findall("InvoiceLineRet")} == {"0.00"}
    assert int(voided.findtext("EditSequence")) > int(ret.findtext("EditSequence"))
    freed = shop.ok(f"<ReceivePaymentQueryRq><TxnID>{payment.findtext('TxnID')}</TxnID></ReceivePaymentQueryRq>")
    assert freed.findtext("UnusedPayment") == "100.00"
    assert freed.find("AppliedToTxnRet") is None


def test_voiding_a_credit_memo_and_voiding_twice_changes_nothing_more(shop):
    memo = shop.ok(
        "<CreditMemoAddRq><CreditMemoAdd><CustomerRef><FullName>Acme</FullName></CustomerRef>"
        + line("Router", "1", tag="CreditMemoLineAdd")
        + "</CreditMemoAdd></CreditMemoAddRq>"
    )
    txn_id = memo.findtext("TxnID")
    assert void(shop, "CreditMemo", txn_id).get("statusCode") == "0"
    first = shop.ok(f"<CreditMemoQueryRq><TxnID>{txn_id}</TxnID></CreditMemoQueryRq>")
    assert (first.findtext("TotalAmount"), first.findtext("CreditRemaining"), first.findtext("Memo")) == (
        "0.00",
        "0.00",
        "VOID:",
    )
    shop.clock.advance(60)
    assert void(shop, "CreditMemo", txn_id).get("statusCode") == "0"
    again = shop.ok(f"<CreditMemoQueryRq><TxnID>{txn_id}</TxnID></CreditMemoQueryRq>")
    assert again.findtext("EditSequence") == first.findtext("EditSequence")
    assert again.findtext("Memo") == "VOID:"


def test_an_unknown_id_or_the_wrong_type_is_3120(shop):
    ret = shop.invoice("Acme", line("Labor", "1"))
    assert void(shop, "CreditMemo", ret.findtext("TxnID")).get("statusCode") == "3120"
    assert void(shop, "Invoice", "FFFF-1").get("statusCode") == "3120"
    assert void(shop, "Bill", ret.findtext("TxnID")).get("statusCode") == "3120"
    assert invoice_by_id(shop, ret.findtext("TxnID")).findtext("Subtotal") == "50.00"


def test_closing_date_and_record_in_use_refuse_the_void(shop):
    ret = shop.invoice("Acme", line("Labor", "1"), "<TxnDate>2024-03-01</TxnDate>")
    txn_id = ret.findtext("TxnID")
    shop.company.faults.closing_date = date(2024, 3, 31)
    refused = void(shop, "Invoice", txn_id)
    assert refused.get("statusCode") == "3171"
    assert "closing date" in refused.get("statusMessage")
    shop.company.faults.closing_date = None
    shop.company.faults.record_in_use(1)
    assert void(shop, "Invoice", txn_id).get("statusCode") == "3170"
    assert invoice_by_id(shop, txn_id).findtext("Subtotal") == "50.00"
    assert void(shop, "Invoice", txn_id).get("statusCode") == "0"


def test_a_read_only_session_cannot_void(shop):
    ret = shop.invoice("Acme", line("Labor", "1"))
    shop.company.faults.read_only = True
    assert void(shop, "Invoice", ret.findtext("TxnID")).get("statusCode") == "3260"
