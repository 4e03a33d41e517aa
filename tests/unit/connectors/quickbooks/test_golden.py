"""Golden qbXML: one representative message per request type and edition, compared byte for byte.

The files live in ``tests/golden/qbxml/<EDITION>/<RequestName>.xml``. After an intended change to the
builder or the catalogue, regenerate them with ``UPDATE_GOLDEN=1 python -m pytest <this file>`` and
review the diff: element order, and what each edition keeps or drops.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from halo_accounts.connectors.quickbooks.qbxml.build import Ref, Request, build_message
from halo_accounts.connectors.quickbooks.qbxml.catalog import REQUEST_SPECS
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version

from testsupport import REFERENCE, REPO

GOLDEN = REPO / "tests" / "golden" / "qbxml"
QBXML_XSD = REFERENCE / "qbxml" / "13.0" / "qbxmlops130.xsd"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
V13 = Version(13, 0)

PACIFIC = timezone(timedelta(hours=-8))
SINCE = datetime(2024, 3, 1, 9, 30, tzinfo=PACIFIC)
GUID = "{84ff5521-205d-46b6-9d44-7b6b9acb7165}"
CUSTOMER = Ref(list_id="80000001-1446673838", full_name="ignored when the ListID is given")
ITEM = Ref(list_id="80000010-1446673900")
VENDOR = Ref(list_id="80000007-1446673999")


@dataclass(frozen=True)
class Locale:
    """What a company file in each edition typically holds."""

    country: str  # SalesTaxCountry
    tax: str  # a taxable sales tax code
    exempt: str  # a non-taxable or zero-rated code
    tax_item: str  # an ItemSalesTax
    registration: str  # the customer's tax registration number
    address: dict[str, str]


LOCALES = {
    Edition.US: Locale(
        "US",
        "Tax",
        "Non",
        "State Tax",
        "",
        {"Addr1": "Acme & Sons Ltd", "Addr2": "134 Stonemill Road", "City": "Storrs-Mansfield", "State": "CT",
         "PostalCode": "06268", "Country": "USA"},
    ),
    Edition.CA: Locale(
        "Canada",
        "G",
        "E",
        "GST",
        "123456789RT0001",
        {"Addr1": "Acme & Sons Ltd", "Addr2": "100 Queen St W", "City": "Toronto", "State": "ON",
         "PostalCode": "M5H 2N2", "Country": "Canada"},
    ),
    Edition.UK: Locale(
        "UK",
        "S",
        "Z",
        "20.0% S",
        "GB123456789",
        {"Addr1": "Acme & Sons Ltd", "Addr2": "1 High Street", "City": "London", "PostalCode": "SW1A 1AA",
         "Country": "United Kingdom"},
    ),
    Edition.AU: Locale(
        "Australia",
        "GST",
        "FRE",
        "GST",
        "51 824 753 556",
        {"Addr1": "Acme & Sons Ltd", "Addr2": "1 George St", "City": "Sydney", "State": "NSW", "PostalCode": "2000",
         "Country": "Australia"},
    ),
}  # fmt: skip


def golden_requests(edition: Edition) -> dict[str, Request]:
    """Fixed inputs, the same fields for every edition, so the files show what each edition keeps."""
    here = LOCALES[edition]
    tax, exempt, tax_item = Ref(full_name=here.tax), Ref(full_name=here.exempt), Ref(full_name=here.tax_item)

    def line(**extra: object) -> dict[str, object]:
        return {
            "ItemRef": ITEM,
            "Desc": "Managed services, March",
            "Quantity": Decimal(2),
            "Rate": Decimal("150.5"),
            "Amount": Decimal(301),
            "TaxAmount": Decimal("30.10"),
            "SalesTaxCodeRef": tax,
            **extra,
        }

    requests = [
        Request("HostQueryRq", {"IncludeListMetaData": {"IncludeMaxCapacity": True}}, request_id="host"),
        Request("CompanyQueryRq", {"OwnerID": ["0"]}, request_id="company"),
        Request("PreferencesQueryRq", {}, request_id="preferences"),
        Request("AccountQueryRq", {"ActiveStatus": "All", "AccountType": ["Income", "CostOfGoodsSold"]}, "accounts"),
        Request("TermsQueryRq", {"ActiveStatus": "All"}, request_id="terms"),
        Request(
            "ClassQueryRq",
            {"ActiveStatus": "All", "NameFilter": {"MatchCriterion": "StartsWith", "Name": "Support"}},
            request_id="classes",
        ),
        Request("SalesTaxCodeQueryRq", {"ActiveStatus": "All"}, request_id="tax-codes"),
        Request("ItemSalesTaxQueryRq", {"MaxReturned": 100, "ActiveStatus": "All"}, "tax-items", iterator="Start"),
        Request(
            "ItemSalesTaxGroupQueryRq", {"MaxReturned": 100, "ActiveStatus": "All"}, "tax-groups", iterator="Start"
        ),
        Request(
            "CustomerQueryRq",
            {"MaxReturned": 100, "ActiveStatus": "All", "FromModifiedDate": SINCE},
            request_id="customers",
            iterator="Continue",
            iterator_id=GUID,
        ),
        Request(
            "ItemQueryRq", {"MaxReturned": 100, "ActiveStatus": "All", "FromModifiedDate": SINCE}, "items", "Start"
        ),
        Request("VendorQueryRq", {"FullName": ["Northwind Traders", "Contoso & Sons"]}, request_id="vendors"),
        Request(
            "InvoiceQueryRq",
            {
                "MaxReturned": 50,
                "ModifiedDateRangeFilter": {"FromModifiedDate": SINCE},
                "EntityFilter": {"ListID": ["80000001-1446673838"]},
                "PaidStatus": "All",
                "IncludeLineItems": True,
                "IncludeLinkedTxns": True,
            },
            request_id="invoices",
            iterator="Start",
        ),
        Request("CreditMemoQueryRq", {"RefNumber": ["CN-1001"], "IncludeLineItems": True}, request_id="credits"),
        Request(
            "ReceivePaymentQueryRq",
            {
                "MaxReturned": 50,
                "TxnDateRangeFilter": {"FromTxnDate": date(2024, 3, 1), "ToTxnDate": date(2024, 3, 31)},
                "IncludeLineItems": True,
            },
            request_id="payments",
            iterator="Start",
        ),
        Request("PurchaseOrderQueryRq", {"TxnID": ["1A2B-1446673999"], "IncludeLineItems": True}, "orders"),
        Request(
            "ListDeletedQueryRq",
            {"ListDelType": ["Customer", "ItemService"], "DeletedDateRangeFilter": {"FromDeletedDate": SINCE}},
            request_id="list-deleted",
        ),
        Request(
            "TxnDeletedQueryRq",
            {"TxnDelType": ["Invoice", "CreditMemo"], "DeletedDateRangeFilter": {"FromDeletedDate": SINCE}},
            request_id="txn-deleted",
        ),
        Request(
            "CustomerAddRq",
            {
                "CustomerAdd": {
                    # deliberately not in schema order: the builder orders
                    "TaxRegistrationNumber": here.registration or None,
                    "SalesTaxCountry": here.country,
                    "ItemSalesTaxRef": tax_item,
                    "SalesTaxCodeRef": tax,
                    "Name": 'Acme & Sons <"Ltd">',
                    "IsActive": True,
                    "ClassRef": Ref(full_name="Support"),
                    "CompanyName": "Acme & Sons Ltd",
                    "FirstName": "Jane",
                    "LastName": "O'Neil",
                    "BillAddress": here.address,
                    "Phone": "+1 613 555 0100",
                    "Email": "accounts@acme.example",
                    "TermsRef": Ref(full_name="Net 30"),
                    "AccountNumber": "ACME-001",
                    "ExternalGUID": GUID,
                }
            },
            request_id="customer-12",
            record="customer 'Acme & Sons'",
        ),
        Request(
            "CustomerModRq",
            {
                "CustomerMod": {
                    "ListID": "80000001-1446673838",
                    "EditSequence": "1446676750",
                    "Name": "Acme & Sons Ltd",
                    "IsActive": False,
                    "SalesTaxCodeRef": exempt,
                    "ItemSalesTaxRef": tax_item,
                    "SalesTaxCountry": here.country,
                    "TaxRegistrationNumber": here.registration or None,
                }
            },
            request_id="customer-12-mod",
        ),
        Request(
            "VendorAddRq",
            {
                "VendorAdd": {
                    "Name": "Northwind Traders",
                    "CompanyName": "Northwind Traders",
                    "VendorAddress": here.address,
                    "Email": "ap@northwind.example",
                    "SalesTaxCodeRef": tax,
                    "SalesTaxCountry": here.country,
                    "TaxRegistrationNumber": here.registration or None,
                }
            },
            request_id="vendor-7",
        ),
        Request(
            "VendorModRq",
            {
                "VendorMod": {
                    "ListID": "80000007-1446673999",
                    "EditSequence": "1446676751",
                    "Name": "Northwind Traders",
                    "Phone": "020 7946 0000",
                    "SalesTaxCodeRef": tax,
                }
            },
            request_id="vendor-7-mod",
        ),
        Request(
            "ItemServiceAddRq",
            {
                "ItemServiceAdd": {
                    "Name": "Managed Services",
                    "IsActive": True,
                    "IsTaxIncluded": False,
                    "SalesTaxCodeRef": tax,
                    "SalesOrPurchase": {
                        "Desc": "Monthly managed services",
                        "Price": Decimal("150.5"),
                        "AccountRef": Ref(full_name="Services Income"),
                    },
                }
            },
            request_id="item-3",
        ),
        Request(
            "ItemServiceModRq",
            {
                "ItemServiceMod": {
                    "ListID": "80000010-1446673900",
                    "EditSequence": "1446676752",
                    "Name": "Managed Services",
                    "IsTaxIncluded": True,
                    "SalesOrPurchaseMod": {"Price": Decimal("155.00000")},
                }
            },
            request_id="item-3-mod",
        ),
        Request(
            "ItemNonInventoryAddRq",
            {
                "ItemNonInventoryAdd": {
                    "Name": "Licence Office 365",
                    "SalesTaxCodeRef": tax,
                    "SalesAndPurchase": {
                        "SalesDesc": "Office 365 E3 licence",
                        "SalesPrice": Decimal("32.4"),
                        "IncomeAccountRef": Ref(full_name="Licence Income"),
                        "PurchaseCost": Decimal("27.15"),
                        "PurchaseTaxCodeRef": tax,
                        "ExpenseAccountRef": Ref(full_name="Cost of Licences"),
                    },
                }
            },
            request_id="item-4",
        ),
        Request(
            "ItemNonInventoryModRq",
            {
                "ItemNonInventoryMod": {
                    "ListID": "80000011-1446673901",
                    "EditSequence": "1446676753",
                    "SalesAndPurchaseMod": {"SalesPrice": Decimal(33), "PurchaseTaxCodeRef": tax},
                }
            },
            request_id="item-4-mod",
        ),
        Request(
            "ItemInventoryAddRq",
            {
                "ItemInventoryAdd": {
                    "Name": "Dell Latitude 5440",
                    "SalesTaxCodeRef": tax,
                    "SalesDesc": "Laptop",
                    "SalesPrice": Decimal(1299),
                    "IncomeAccountRef": Ref(full_name="Hardware Sales"),
                    "PurchaseCost": Decimal("950.25"),
                    "PurchaseTaxCodeRef": tax,
                    "COGSAccountRef": Ref(full_name="Cost of Goods Sold"),
                    "AssetAccountRef": Ref(full_name="Inventory Asset"),
                    "ReorderPoint": Decimal(2),
                    "Max": Decimal(10),
                    "QuantityOnHand": Decimal(0),
                    "InventoryDate": date(2024, 3, 1),
                }
            },
            request_id="item-5",
        ),
        Request(
            "ItemInventoryModRq",
            {
                "ItemInventoryMod": {
                    "ListID": "80000012-1446673902",
                    "EditSequence": "1446676754",
                    "SalesPrice": Decimal(1349),
                    "IsTaxIncluded": False,
                    "PurchaseTaxCodeRef": tax,
                }
            },
            request_id="item-5-mod",
        ),
        Request(
            "InvoiceAddRq",
            {
                "InvoiceAdd": {
                    "CustomerRef": CUSTOMER,
                    "TxnDate": date(2024, 3, 31),
                    "RefNumber": "INV-1042",
                    "BillAddress": here.address,
                    "PONumber": "PO 77",
                    "TermsRef": Ref(full_name="Net 30"),
                    "DueDate": date(2024, 4, 30),
                    "ItemSalesTaxRef": tax_item,
                    "Memo": "Halo invoice 1042",
                    "IsTaxIncluded": False,
                    "CustomerSalesTaxCodeRef": tax,
                    "ExternalGUID": GUID,
                    "InvoiceLineAdd": [
                        line(),
                        line(SalesTaxCodeRef=exempt, TaxAmount=Decimal(0), Desc="Exempt line", Amount=None),
                    ],
                }
            },
            request_id="invoice-1042",
            record="invoice INV-1042",
        ),
        Request(
            "InvoiceModRq",
            {
                "InvoiceMod": {
                    "TxnID": "1A2C-1446674000",
                    "EditSequence": "1446676755",
                    "Memo": "Halo invoice 1042 (amended)",
                    "IsTaxIncluded": False,
                    "InvoiceLineMod": [
                        {"TxnLineID": "1A2D-1446674000", **line()},
                        {"TxnLineID": "-1", **line(Desc="Added line")},
                    ],
                }
            },
            request_id="invoice-1042-mod",
        ),
        Request(
            "CreditMemoAddRq",
            {
                "CreditMemoAdd": {
                    "CustomerRef": CUSTOMER,
                    "TxnDate": date(2024, 4, 2),
                    "RefNumber": "CN-1001",
                    "ItemSalesTaxRef": tax_item,
                    "Memo": "Halo credit note 1001",
                    "IsTaxIncluded": False,
                    "CreditMemoLineAdd": [
                        line(Quantity=Decimal(1), Amount=Decimal("150.50"), TaxAmount=Decimal("15.05"))
                    ],
                }
            },
            request_id="credit-1001",
        ),
        Request(
            "PurchaseOrderAddRq",
            {
                "PurchaseOrderAdd": {
                    "VendorRef": VENDOR,
                    "TxnDate": date(2024, 3, 5),
                    "RefNumber": "PO-88",
                    "VendorAddress": here.address,
                    "Memo": "Halo purchase order 88",
                    "IsTaxIncluded": False,
                    "SalesTaxCodeRef": tax,
                    "PurchaseOrderLineAdd": [
                        {
                            "ItemRef": ITEM,
                            "Desc": "Laptop",
                            "Quantity": Decimal(3),
                            "Rate": Decimal("950.25"),
                            "TaxAmount": Decimal("142.54"),
                            "CustomerRef": CUSTOMER,
                            "SalesTaxCodeRef": tax,
                        }
                    ],
                }
            },
            request_id="po-88",
        ),
        Request(
            "ReceivePaymentAddRq",
            {
                "ReceivePaymentAdd": {
                    "CustomerRef": CUSTOMER,
                    "TxnDate": date(2024, 4, 10),
                    "RefNumber": "CHQ 5521",
                    "TotalAmount": Decimal("331.1"),
                    "PaymentMethodRef": Ref(full_name="Cheque"),
                    "DepositToAccountRef": Ref(full_name="Undeposited Funds"),
                    "AppliedToTxnAdd": [{"TxnID": "1A2C-1446674000", "PaymentAmount": Decimal("331.10")}],
                }
            },
            request_id="payment-9",
        ),
        Request("TxnVoidRq", {"TxnVoidType": "Invoice", "TxnID": "1A2B-1446673950"}, request_id="void-1001"),
    ]
    return {request.name: request for request in requests}


CASES = [(edition, name) for edition in Edition for name in sorted(REQUEST_SPECS)]


def golden_path(edition: Edition, name: str) -> Path:
    return GOLDEN / edition.name / f"{name}.xml"


def built(edition: Edition, name: str) -> str:
    return build_message([golden_requests(edition)[name]], edition=edition, version=V13)


def test_every_request_type_has_a_golden_input():
    for edition in Edition:
        assert set(golden_requests(edition)) == set(REQUEST_SPECS)


@pytest.mark.parametrize(("edition", "name"), CASES, ids=[f"{e.name}-{n}" for e, n in CASES])
def test_golden(edition, name):
    path = golden_path(edition, name)
    xml = built(edition, name).encode("utf-8")
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(xml)
    assert path.exists(), f"{path} is missing; run with UPDATE_GOLDEN=1 to create it"
    assert path.read_bytes() == xml, f"{path} differs; review the change, then run with UPDATE_GOLDEN=1"


def test_no_stale_golden_files():
    expected = {golden_path(edition, name) for edition, name in CASES}
    assert set(GOLDEN.glob("*/*.xml")) <= expected


def test_the_editions_differ_where_quickbooks_does():
    def customer(edition: Edition) -> str:
        return built(edition, "CustomerAddRq")

    texts = {edition: customer(edition) for edition in Edition}
    assert len(set(texts.values())) == 4
    assert "<ItemSalesTaxRef>" in texts[Edition.US]
    assert "<SalesTaxCountry>" not in texts[Edition.US]
    assert "<TaxRegistrationNumber>" not in texts[Edition.US]
    for edition in (Edition.CA, Edition.UK):
        assert "<ItemSalesTaxRef>" not in texts[edition]
        assert "<TaxRegistrationNumber>" in texts[edition]
    assert "<ItemSalesTaxRef>" in texts[Edition.AU]
    assert "<SalesTaxCountry>Australia</SalesTaxCountry>" in texts[Edition.AU]
    assert ("<TaxAmount>" in built(Edition.AU, "InvoiceAddRq")) is True
    assert ("<TaxAmount>" in built(Edition.UK, "InvoiceAddRq")) is False
    assert "<IsTaxIncluded>" not in built(Edition.US, "ItemServiceAddRq")
    assert "<IsTaxIncluded>false</IsTaxIncluded>" in built(Edition.CA, "ItemServiceAddRq")


@pytest.fixture(scope="module")
def qbxml_schema() -> etree.XMLSchema:
    if not QBXML_XSD.exists():
        pytest.skip(f"Intuit's qbXML 13.0 XSD is not at {QBXML_XSD} (the shared reference folder is absent)")
    return etree.XMLSchema(etree.parse(str(QBXML_XSD)))


@pytest.mark.parametrize("edition", list(Edition), ids=[e.name for e in Edition])
def test_every_golden_message_validates_against_intuits_xsd(qbxml_schema, edition):
    failures = []
    for name in sorted(REQUEST_SPECS):
        document = etree.fromstring(built(edition, name).encode("utf-8"))
        if not qbxml_schema.validate(document):
            failures.append(f"{name}: {qbxml_schema.error_log.last_error}")
    assert failures == []
