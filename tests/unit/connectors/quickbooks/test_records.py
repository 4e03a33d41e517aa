"""From the integrator's records to qbXML requests; every message built is checked against Intuit's XSD."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from lxml import etree

from halo_accounts.connectors.quickbooks.qbxml.build import Ref, Request, build_message
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version
from halo_accounts.connectors.quickbooks.qbxml.records import (
    ItemAccounts,
    LineRefs,
    customer_values,
    invoice_request,
    item_request,
    list_query,
    purchase_order_request,
    txn_query,
    vendor_values,
)
from halo_accounts.domain import (
    Address,
    Customer,
    Invoice,
    InvoiceLine,
    Item,
    ItemKind,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)

from testsupport import REFERENCE

QBXML_XSD = REFERENCE / "qbxml" / "13.0" / "qbxmlops130.xsd"
V13 = Version(13, 0)
EASTERN = timezone(timedelta(hours=-5))
SINCE = datetime(2024, 3, 1, 9, 30, tzinfo=EASTERN)

CUSTOMER_ID = "80000001-1446673838"
ITEM_ID = "80000010-1446673900"
VENDOR_ID = "80000007-1446673999"
INCOME = Ref(full_name="Services Income")
ACCOUNTS = ItemAccounts(
    income=INCOME,
    cost_of_goods=Ref(full_name="Cost of Goods Sold"),
    inventory_asset=Ref(list_id="80000004-1446673600"),
)

ACME = Customer(
    halo_id=12,
    name="Acme & Sons Ltd",
    accounts_ref="ACME-001",
    email="accounts@acme.example",
    contact_first_name="Jane",
    contact_last_name="O'Neil",
    phone="+1 613 555 0100",
    tax_number="123456789RT0001",
    billing_address=Address(lines=("Acme & Sons Ltd", "1 High Street", "", "Springfield"), postcode="K1A 0B1"),
)
NORTHWIND = Supplier(
    halo_id=7,
    name="Northwind Traders",
    accounts_ref="NW-7",
    email="ap@northwind.example",
    phone="020 7946 0000",
    contact_name="Sam Lee",
    address=Address(lines=("Northwind Traders", "Unit 4", "Trading Estate"), postcode="SW1A 1AA"),
)


@pytest.fixture(scope="session")
def qbxml_schema() -> etree.XMLSchema:
    """Intuit's qbXML 13.0 XSD, loaded once; it enforces element order, types and US lengths."""
    if not QBXML_XSD.exists():
        pytest.skip(f"Intuit's qbXML 13.0 XSD is not at {QBXML_XSD} (the shared reference folder is absent)")
    return etree.XMLSchema(etree.parse(str(QBXML_XSD)))


def assert_valid(schema: etree.XMLSchema, requests: list[Request], edition: Edition) -> str:
    xml = build_message(requests, edition=edition, version=V13, on_error="continueOnError")
    document = etree.fromstring(xml.encode("utf-8"))
    if not schema.validate(document):
        pytest.fail(f"{edition.name}: {schema.error_log.last_error}\n{xml}")
    return xml


EDITIONS = pytest.mark.parametrize("edition", list(Edition), ids=[e.name for e in Edition])


# --- customers and vendors --------------------------------------------------------------------------------


def test_customer_values():
    assert customer_values(ACME, tax_code=Ref(full_name="S"), terms=Ref(full_name="Net 30")) == {
        "Name": "Acme & Sons Ltd",
        "IsActive": True,
        "CompanyName": "Acme & Sons Ltd",
        "FirstName": "Jane",
        "LastName": "O'Neil",
        "BillAddress": {
            "Addr1": "Acme & Sons Ltd",
            "Addr2": "1 High Street",
            "Addr4": "Springfield",
            "PostalCode": "K1A 0B1",
        },
        "Phone": "+1 613 555 0100",
        "Email": "accounts@acme.example",
        "TermsRef": Ref(full_name="Net 30"),
        "SalesTaxCodeRef": Ref(full_name="S"),
        "AccountNumber": "ACME-001",
        "TaxRegistrationNumber": "123456789RT0001",
    }


def test_customer_values_leave_blanks_out_but_keep_false():
    values = customer_values(Customer(halo_id=1, name="Solo Consulting", inactive=True))
    assert values == {"Name": "Solo Consulting", "IsActive": False, "CompanyName": "Solo Consulting"}


def test_an_address_keeps_at_most_five_lines():
    six = Address(lines=("1", "2", "3", "4", "5", "6"))
    values = customer_values(Customer(halo_id=1, name="A", billing_address=six))
    assert values["BillAddress"] == {"Addr1": "1", "Addr2": "2", "Addr3": "3", "Addr4": "4", "Addr5": "5"}


def test_vendor_values():
    assert vendor_values(NORTHWIND, terms=Ref(full_name="Net 15")) == {
        "Name": "Northwind Traders",
        "IsActive": True,
        "CompanyName": "Northwind Traders",
        "VendorAddress": {
            "Addr1": "Northwind Traders",
            "Addr2": "Unit 4",
            "Addr3": "Trading Estate",
            "PostalCode": "SW1A 1AA",
        },
        "Phone": "020 7946 0000",
        "Email": "ap@northwind.example",
        "Contact": "Sam Lee",
        "AccountNumber": "NW-7",
        "TermsRef": Ref(full_name="Net 15"),
    }


@EDITIONS
def test_customer_and_vendor_messages_validate(qbxml_schema, edition):
    values = customer_values(ACME, tax_code=Ref(full_name="S"), terms=Ref(full_name="Net 30"))
    xml = assert_valid(
        qbxml_schema,
        [
            Request("CustomerAddRq", {"CustomerAdd": values}, request_id="c-add"),
            Request(
                "CustomerModRq",
                {"CustomerMod": {"ListID": CUSTOMER_ID, "EditSequence": "1446676750", **values}},
                request_id="c-mod",
            ),
            Request("VendorAddRq", {"VendorAdd": vendor_values(NORTHWIND)}, request_id="v-add"),
            Request(
                "VendorModRq",
                {"VendorMod": {"ListID": VENDOR_ID, "EditSequence": "1446676751", **vendor_values(NORTHWIND)}},
                request_id="v-mod",
            ),
        ],
        edition,
    )
    assert "<Name>Acme &amp; Sons Ltd</Name>" in xml
    assert ("<TaxRegistrationNumber>" in xml) is (edition is not Edition.US)


# --- items ------------------------------------------------------------------------------------------------

SERVICE = Item(halo_id=3, name="Managed Services", kind=ItemKind.SERVICE, description="Monthly", price=Decimal("150.5"))
LICENCE = Item(halo_id=4, name="Office 365 E3", kind=ItemKind.NON_INVENTORY, price=Decimal("32.40"), inactive=True)
LAPTOP = Item(
    halo_id=5,
    name="Dell Latitude 5440",
    kind=ItemKind.INVENTORY,
    description="14in laptop",
    price=Decimal("1299"),
    cost=Decimal("950.25"),
)


def test_a_service_item_add():
    request = item_request(SERVICE, ACCOUNTS, tax_code=Ref(full_name="S"), request_id="item-3")
    assert request == Request(
        "ItemServiceAddRq",
        {
            "ItemServiceAdd": {
                "Name": "Managed Services",
                "IsActive": True,
                "SalesTaxCodeRef": Ref(full_name="S"),
                "SalesOrPurchase": {"Desc": "Monthly", "Price": Decimal("150.5"), "AccountRef": INCOME},
            }
        },
        request_id="item-3",
        record="item 'Managed Services'",
    )


def test_a_non_inventory_item_add_describes_itself_by_name_when_halo_has_no_description():
    request = item_request(LICENCE, ACCOUNTS)
    assert request.name == "ItemNonInventoryAddRq"
    body = request.body["ItemNonInventoryAdd"]
    assert body["IsActive"] is False
    assert body["SalesOrPurchase"] == {"Desc": "Office 365 E3", "Price": Decimal("32.40"), "AccountRef": INCOME}
    assert "SalesTaxCodeRef" not in body


@pytest.mark.parametrize(("item", "kind"), [(SERVICE, "ItemService"), (LICENCE, "ItemNonInventory")])
def test_a_mod_carries_list_id_and_edit_sequence_first(item, kind):
    request = item_request(item, ACCOUNTS, list_id=ITEM_ID, edit_sequence="1446676752")
    assert request.name == f"{kind}ModRq"
    body = request.body[f"{kind}Mod"]
    assert list(body)[:2] == ["ListID", "EditSequence"]
    assert (body["ListID"], body["EditSequence"]) == (ITEM_ID, "1446676752")
    assert "SalesOrPurchaseMod" in body
    assert "SalesOrPurchase" not in body


def test_an_inventory_item_add_names_income_cogs_and_asset_accounts():
    body = item_request(LAPTOP, ACCOUNTS).body["ItemInventoryAdd"]
    assert body == {
        "Name": "Dell Latitude 5440",
        "IsActive": True,
        "SalesDesc": "14in laptop",
        "SalesPrice": Decimal("1299"),
        "IncomeAccountRef": INCOME,
        "PurchaseCost": Decimal("950.25"),
        "COGSAccountRef": Ref(full_name="Cost of Goods Sold"),
        "AssetAccountRef": Ref(list_id="80000004-1446673600"),
    }


def test_an_inventory_item_mod_does_not_move_the_asset_account():
    request = item_request(LAPTOP, ACCOUNTS, list_id=ITEM_ID, edit_sequence="1446676753")
    assert request.name == "ItemInventoryModRq"
    body = request.body["ItemInventoryMod"]
    assert "AssetAccountRef" not in body
    assert body["COGSAccountRef"] == Ref(full_name="Cost of Goods Sold")


@EDITIONS
def test_item_messages_validate(qbxml_schema, edition):
    requests = [
        item_request(item, ACCOUNTS, tax_code=Ref(full_name="S"), request_id=f"{item.halo_id}-add")
        for item in (SERVICE, LICENCE, LAPTOP)
    ] + [
        item_request(item, ACCOUNTS, list_id=ITEM_ID, edit_sequence="1446676754", request_id=f"{item.halo_id}-mod")
        for item in (SERVICE, LICENCE, LAPTOP)
    ]
    xml = assert_valid(qbxml_schema, requests, edition)
    assert "<COGSAccountRef><FullName>Cost of Goods Sold</FullName></COGSAccountRef>" in xml
    assert "<AssetAccountRef><ListID>80000004-1446673600</ListID></AssetAccountRef>" in xml


# --- invoices and credit notes ----------------------------------------------------------------------------

LINES = LineRefs(
    items={3: Ref(list_id=ITEM_ID), 5: Ref(full_name="Dell Latitude 5440")},
    tax_codes={1: Ref(full_name="S"), 2: Ref(full_name="E")},
    fallback_item=Ref(full_name="Halo Item"),
)

INVOICE = Invoice(
    halo_id=1042,
    number="1042",
    customer_halo_id=12,
    invoice_date=date(2024, 3, 31),
    lines=(
        InvoiceLine(
            quantity=Decimal(2),
            unit_price=Decimal("150.5"),
            description="Managed services, March",
            item_halo_id=3,
            tax_halo_id=1,
            tax_amount=Decimal("30.10"),
        ),
        InvoiceLine(quantity=Decimal(1), unit_price=Decimal(40), description="Travel", tax_halo_id=2),
        InvoiceLine(
            quantity=Decimal(1),
            unit_price=Decimal(-10),
            description="Loyalty discount",
            item_halo_id=99,  # not mapped: the fallback item carries it
            tax_halo_id=1,
            tax_amount=Decimal("-1.00"),
        ),
    ),
    total=Decimal("359.10"),
    due_date=date(2024, 4, 30),
    reference="Purchase order 2024-03-0077 from Acme",
)

CREDIT = Invoice(
    halo_id=1043,
    number="CN-7",
    customer_halo_id=12,
    invoice_date=date(2024, 4, 2),
    lines=(
        InvoiceLine(
            quantity=Decimal(-1),
            unit_price=Decimal("150.5"),
            description="Refund: March services",
            item_halo_id=3,
            tax_halo_id=1,
            tax_amount=Decimal("-15.05"),
        ),
    ),
    total=Decimal("-165.55"),
    due_date=date(2024, 5, 2),
)


def invoice(source: Invoice = INVOICE, **options) -> Request:
    return invoice_request(
        source, customer=Ref(list_id=CUSTOMER_ID), lines=LINES, ref_number=source.number, request_id="i", **options
    )


def test_an_invoice_becomes_an_invoice_add():
    request = invoice(external_guid="{84ff5521-205d-46b6-9d44-7b6b9acb7165}", item_sales_tax=Ref(full_name="GST"))
    assert request.name == "InvoiceAddRq"
    assert request.record == "invoice 1042"
    assert request.request_id == "i"
    body = request.body["InvoiceAdd"]
    assert body["CustomerRef"] == Ref(list_id=CUSTOMER_ID)
    assert body["TxnDate"] == date(2024, 3, 31)
    assert body["RefNumber"] == "1042"
    assert body["PONumber"] == "Purchase order 2024-03-00"  # QuickBooks keeps 25 characters
    assert body["DueDate"] == date(2024, 4, 30)
    assert body["ItemSalesTaxRef"] == Ref(full_name="GST")
    assert body["Memo"] == "Halo invoice 1042"
    assert body["ExternalGUID"] == "{84ff5521-205d-46b6-9d44-7b6b9acb7165}"
    assert "CreditMemoLineAdd" not in body


def test_invoice_lines_map_items_and_tax_codes_by_halo_id():
    services, travel, discount = invoice().body["InvoiceAdd"]["InvoiceLineAdd"]
    assert services == {
        "ItemRef": Ref(list_id=ITEM_ID),
        "Desc": "Managed services, March",
        "Quantity": Decimal(2),
        "Rate": Decimal("150.5"),
        "TaxAmount": Decimal("30.10"),
        "SalesTaxCodeRef": Ref(full_name="S"),
    }
    assert travel["ItemRef"] == Ref(full_name="Halo Item")  # no item in Halo: the fallback item
    assert travel["SalesTaxCodeRef"] == Ref(full_name="E")
    assert "TaxAmount" not in travel
    assert discount["ItemRef"] == Ref(full_name="Halo Item")
    assert discount["Rate"] == Decimal(-10)
    assert discount["TaxAmount"] == Decimal("-1.00")  # a discount's tax keeps its sign


def test_a_line_without_a_tax_mapping_sends_no_tax_code():
    untaxed = replace(INVOICE, lines=(InvoiceLine(Decimal(1), Decimal(5), "Misc", tax_halo_id=77),))
    (line,) = invoice(untaxed).body["InvoiceAdd"]["InvoiceLineAdd"]
    assert "SalesTaxCodeRef" not in line
    assert line["ItemRef"] == Ref(full_name="Halo Item")


def test_a_credit_note_becomes_a_credit_memo_with_positive_lines():
    request = invoice(CREDIT)
    assert request.name == "CreditMemoAddRq"
    assert request.record == "credit note CN-7"
    body = request.body["CreditMemoAdd"]
    assert "DueDate" not in body
    assert body["Memo"] == "Halo credit note CN-7"
    assert "InvoiceLineAdd" not in body
    (line,) = body["CreditMemoLineAdd"]
    assert line["Quantity"] == Decimal(1)
    assert line["Rate"] == Decimal("150.5")
    assert line["TaxAmount"] == Decimal("15.05")
    assert line["SalesTaxCodeRef"] == Ref(full_name="S")


@EDITIONS
def test_invoice_messages_validate(qbxml_schema, edition):
    xml = assert_valid(
        qbxml_schema,
        [
            invoice(external_guid="{84ff5521-205d-46b6-9d44-7b6b9acb7165}", item_sales_tax=Ref(full_name="GST")),
            invoice(CREDIT),
        ],
        edition,
    )
    assert ("<TaxAmount>-1.00</TaxAmount>" in xml) is (edition is Edition.AU)
    assert "<Amount>" not in xml  # QuickBooks works out quantity x rate itself


# --- purchase orders --------------------------------------------------------------------------------------

ORDER = PurchaseOrder(
    halo_id=88,
    number="88",
    supplier_halo_id=7,
    order_date=date(2024, 3, 5),
    lines=(
        PurchaseOrderLine("Laptops for Acme", Decimal(3), Decimal("950.25"), item_halo_id=5),
        PurchaseOrderLine("Cables", Decimal(10), Decimal("4.5")),
    ),
    total=Decimal("2895.75"),
    due_date=date(2024, 3, 19),
)


def test_a_purchase_order():
    request = purchase_order_request(
        ORDER,
        vendor=Ref(list_id=VENDOR_ID),
        items={5: Ref(full_name="Dell Latitude 5440")},
        ref_number="PO-88",
        fallback_item=Ref(full_name="Halo Item"),
        request_id="po",
    )
    assert request == Request(
        "PurchaseOrderAddRq",
        {
            "PurchaseOrderAdd": {
                "VendorRef": Ref(list_id=VENDOR_ID),
                "TxnDate": date(2024, 3, 5),
                "RefNumber": "PO-88",
                "DueDate": date(2024, 3, 19),
                "Memo": "Halo purchase order 88",
                "PurchaseOrderLineAdd": [
                    {
                        "ItemRef": Ref(full_name="Dell Latitude 5440"),
                        "Desc": "Laptops for Acme",
                        "Quantity": Decimal(3),
                        "Rate": Decimal("950.25"),
                    },
                    {
                        "ItemRef": Ref(full_name="Halo Item"),
                        "Desc": "Cables",
                        "Quantity": Decimal(10),
                        "Rate": Decimal("4.5"),
                    },
                ],
            }
        },
        request_id="po",
        record="purchase order 88",
    )


@EDITIONS
def test_purchase_order_messages_validate(qbxml_schema, edition):
    request = purchase_order_request(
        ORDER, vendor=Ref(list_id=VENDOR_ID), items={5: Ref(list_id=ITEM_ID)}, ref_number="PO-88"
    )
    xml = assert_valid(qbxml_schema, [request], edition)
    assert "<Rate>950.25</Rate>" in xml


# --- queries ----------------------------------------------------------------------------------------------


def test_a_list_query_by_ids():
    request = list_query("CustomerQueryRq", list_ids=[CUSTOMER_ID, "80000002-1446673901"], request_id="q")
    assert request.body == {"ListID": [CUSTOMER_ID, "80000002-1446673901"]}
    assert request.request_id == "q"


def test_a_list_query_by_names():
    assert list_query("VendorQueryRq", names=["Northwind Traders"]).body == {"FullName": ["Northwind Traders"]}


def test_a_list_query_by_filters_reads_active_and_inactive_records():
    request = list_query(
        "CustomerQueryRq", modified_since=SINCE, max_returned=100, iterator="Start", request_id="customers"
    )
    assert request.body == {"MaxReturned": 100, "ActiveStatus": "All", "FromModifiedDate": SINCE}
    assert (request.iterator, request.iterator_id) == ("Start", None)
    assert list_query("AccountQueryRq").body == {"ActiveStatus": "All"}
    assert list_query("ItemQueryRq", active="ActiveOnly").body == {"ActiveStatus": "ActiveOnly"}


def test_a_txn_query_by_txn_id_and_by_ref_number():
    assert txn_query("InvoiceQueryRq", txn_ids=["1A2C-1446674000"]).body == {
        "TxnID": ["1A2C-1446674000"],
        "IncludeLineItems": False,
    }
    assert txn_query("InvoiceQueryRq", ref_numbers=["1042"], include_lines=True).body == {
        "RefNumber": ["1042"],
        "IncludeLineItems": True,
    }


def test_a_txn_query_modified_since_for_one_customer():
    request = txn_query(
        "InvoiceQueryRq",
        modified_since=SINCE,
        entity=Ref(list_id=CUSTOMER_ID, full_name="Acme & Sons Ltd"),
        max_returned=50,
        include_lines=True,
        paid_status="All",
        iterator="Continue",
        iterator_id="{84ff5521-205d-46b6-9d44-7b6b9acb7165}",
    )
    assert request.body == {
        "MaxReturned": 50,
        "ModifiedDateRangeFilter": {"FromModifiedDate": SINCE},
        "EntityFilter": {"ListID": [CUSTOMER_ID]},
        "PaidStatus": "All",
        "IncludeLineItems": True,
    }
    assert request.iterator_id == "{84ff5521-205d-46b6-9d44-7b6b9acb7165}"


def test_a_txn_query_for_a_customer_known_only_by_name_still_filters():
    request = txn_query("CreditMemoQueryRq", entity=Ref(full_name="Acme & Sons Ltd"))
    assert request.body == {"EntityFilter": {"FullName": ["Acme & Sons Ltd"]}, "IncludeLineItems": False}


@EDITIONS
def test_query_messages_validate(qbxml_schema, edition):
    requests = [
        list_query("CustomerQueryRq", list_ids=[CUSTOMER_ID]),
        list_query("VendorQueryRq", names=["Northwind Traders"]),
        list_query("CustomerQueryRq", modified_since=SINCE, max_returned=100, iterator="Start"),
        list_query("ItemQueryRq", max_returned=100, iterator="Start"),
        list_query("AccountQueryRq"),
        list_query("SalesTaxCodeQueryRq"),
        txn_query("InvoiceQueryRq", txn_ids=["1A2C-1446674000"], include_lines=True),
        txn_query("InvoiceQueryRq", ref_numbers=["1042"]),
        txn_query(
            "InvoiceQueryRq",
            modified_since=SINCE,
            entity=Ref(list_id=CUSTOMER_ID),
            max_returned=50,
            include_lines=True,
            paid_status="NotPaidOnly",
            iterator="Start",
        ),
        txn_query("CreditMemoQueryRq", entity=Ref(full_name="Acme & Sons Ltd"), include_lines=True),
        txn_query("ReceivePaymentQueryRq", modified_since=SINCE, include_lines=True),
        txn_query("PurchaseOrderQueryRq", modified_since=SINCE, entity=Ref(list_id=VENDOR_ID)),
    ]
    xml = assert_valid(qbxml_schema, requests, edition)
    assert "<FromModifiedDate>2024-03-01T09:30:00-05:00</FromModifiedDate>" in xml


def test_the_schema_catches_what_it_should(qbxml_schema):
    """The XSD check is not vacuous: a misordered or over-long request fails it."""
    good = build_message([Request("CustomerAddRq", {"CustomerAdd": {"Name": "Acme"}})], edition=Edition.US, version=V13)
    assert qbxml_schema.validate(etree.fromstring(good.encode()))
    misordered = good.replace("<Name>Acme</Name>", "<CompanyName>Acme</CompanyName><Name>Acme</Name>")
    assert not qbxml_schema.validate(etree.fromstring(misordered.encode()))
    too_long = good.replace("<Name>Acme</Name>", f"<Name>{'x' * 42}</Name>")
    assert not qbxml_schema.validate(etree.fromstring(too_long.encode()))
