"""Requests built from randomised records validate against Intuit's XSD and obey each edition's rules."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
from qbxml_reference import QBXML_OPS, QBXML_XSD, edition_violations, qbxml_schema

pytestmark = pytest.mark.skipif(
    not (QBXML_XSD.exists() and QBXML_OPS.exists()),
    reason=f"Intuit's qbXML files are not under {QBXML_XSD.parent.parent}",
)

# Text as Halo users type it: punctuation XML cares about, accents, and now and then a control character.
TEXT = st.text(alphabet=string.ascii_letters + string.digits + " &<>\"'-.,/éøüß\x01\x0b", min_size=1, max_size=60)


LIST = "80000001-1446673838"


def fit(limit):
    return TEXT.map(lambda s: s[:limit].strip() or "X")


MONEY = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2)
QUANTITY = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("9999"), places=3)
DATES = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
EDITIONS = st.sampled_from(list(Edition))
LIST_ID = st.integers(min_value=1, max_value=0xFFFFFF).map(lambda n: f"{0x80000000 + n:X}-1446673838")

addresses = st.builds(Address, lines=st.lists(fit(41), max_size=5).map(tuple), postcode=fit(13))
customers = st.builds(
    Customer,
    halo_id=st.integers(1, 10**6),
    name=fit(41),
    email=fit(100),
    contact_first_name=fit(25),
    contact_last_name=fit(25),
    phone=fit(21),
    tax_number=fit(30),
    billing_address=addresses,
    inactive=st.booleans(),
    accounts_ref=fit(20),
)
items = st.builds(
    Item,
    halo_id=st.integers(1, 10**6),
    name=fit(31),
    kind=st.sampled_from(list(ItemKind)),
    description=fit(200),
    price=MONEY.map(abs),
    cost=MONEY.map(abs),
    inactive=st.booleans(),
)
lines = st.builds(
    InvoiceLine,
    quantity=QUANTITY,
    unit_price=MONEY.map(abs),
    description=fit(100),
    item_halo_id=st.sampled_from([None, 1, 2]),
    tax_halo_id=st.sampled_from([None, 10, 11]),
    tax_amount=st.one_of(st.none(), MONEY.map(abs)),
)


@st.composite
def invoices(draw):
    credit = draw(st.booleans())
    rows = draw(st.lists(lines, min_size=1, max_size=6))
    if credit:
        rows = [InvoiceLine(**{**_fields(r), "quantity": -r.quantity}) for r in rows]
    total = sum((r.quantity * r.unit_price for r in rows), Decimal(0))
    return Invoice(
        halo_id=draw(st.integers(1, 10**6)),
        number=draw(fit(11)),
        customer_halo_id=1,
        invoice_date=draw(DATES),
        due_date=draw(st.one_of(st.none(), DATES)),
        lines=tuple(rows),
        total=total if total else Decimal("-1") if credit else Decimal("1"),
        reference=draw(fit(40)),
    )


def _fields(line):
    return {name: getattr(line, name) for name in InvoiceLine.__slots__}


def tax_code(edition):
    return Ref(full_name="GST" if edition is Edition.AU else "S")


def check(xml, edition):
    document = etree.fromstring(xml.encode("utf-8"))
    schema = qbxml_schema()
    assert schema.validate(document), str(schema.error_log)
    assert edition_violations(xml, edition.name, (13, 0)) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edition=EDITIONS, customer=customers, supplier_name=fit(41), request_id=fit(50))
def test_customer_and_vendor_requests(edition, customer, supplier_name, request_id):
    supplier = Supplier(halo_id=1, name=supplier_name, email=customer.email, address=customer.billing_address)
    requests = [
        Request(
            "CustomerAddRq",
            {"CustomerAdd": customer_values(customer, tax_code=tax_code(edition))},
            request_id=request_id,
        ),
        Request(
            "CustomerModRq",
            {
                "CustomerMod": {
                    "ListID": "80000001-1446673838",
                    "EditSequence": "1446676750",
                    **customer_values(customer),
                }
            },
        ),
        Request("VendorAddRq", {"VendorAdd": vendor_values(supplier, terms=Ref(full_name="Net 30"))}),
    ]
    check(build_message(requests, edition=edition, version=Version(13, 0)), edition)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edition=EDITIONS, item=items, list_id=LIST_ID)
def test_item_requests(edition, item, list_id):
    accounts = ItemAccounts(
        income=Ref(full_name="Sales"),
        cost_of_goods=Ref(full_name="Cost of Goods Sold"),
        inventory_asset=Ref(full_name="Inventory"),
    )
    requests = [
        item_request(item, accounts, tax_code=tax_code(edition), request_id="add"),
        item_request(item, accounts, list_id=list_id, edit_sequence="1446676750", request_id="mod"),
    ]
    check(build_message(requests, edition=edition, version=Version(13, 0)), edition)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edition=EDITIONS, invoice=invoices(), customer_id=LIST_ID)
def test_invoice_and_credit_requests(edition, invoice, customer_id):
    refs = LineRefs(
        items={1: Ref(list_id="80000010-1446673838"), 2: Ref(full_name="Support:Remote")},
        tax_codes={10: tax_code(edition), 11: Ref(full_name="Z" if edition is not Edition.AU else "FRE")},
        fallback_item=Ref(full_name="Halo Item"),
    )
    request = invoice_request(
        invoice,
        customer=Ref(list_id=customer_id),
        lines=refs,
        ref_number=invoice.number,
        item_sales_tax=Ref(full_name="NYC Sales Tax") if edition is Edition.US else None,
        external_guid="{84FF5521-205D-46B6-9D44-7B6B9ACB7165}",
    )
    xml = build_message([request], edition=edition, version=Version(13, 0), on_error="continueOnError")
    check(xml, edition)
    assert ("CreditMemoAddRq" in xml) == invoice.is_credit
    assert ("<TaxAmount>" in xml) == (
        edition is Edition.AU and any(line.tax_amount is not None for line in invoice.lines)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edition=EDITIONS,
    quantities=st.lists(QUANTITY, min_size=1, max_size=4),
    price=MONEY.map(abs),
    number=fit(11),
    since=st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),  # noqa: DTZ001,
)
def test_purchase_orders_and_queries(edition, quantities, price, number, since):
    order = PurchaseOrder(
        halo_id=1,
        number=number,
        supplier_halo_id=1,
        order_date=date(2026, 11, 1),
        lines=tuple(
            PurchaseOrderLine(description="Laptop", quantity=q, unit_price=price, item_halo_id=1) for q in quantities
        ),
    )
    requests = [
        purchase_order_request(
            order, vendor=Ref(full_name="Ingram Micro"), items={1: Ref(full_name="Laptop")}, ref_number=number
        ),
        list_query("CustomerQueryRq", modified_since=since, max_returned=100, iterator="Start"),
        list_query("ItemQueryRq", names=["Support", "Laptop"]),
        list_query("SalesTaxCodeQueryRq"),
        list_query("AccountQueryRq", list_ids=[LIST]),
        txn_query(
            "InvoiceQueryRq",
            modified_since=since,
            entity=Ref(list_id="80000001-1446673838"),
            include_lines=True,
            paid_status="All",
            max_returned=100,
            iterator="Continue",
            iterator_id="{84ff5521-205d-46b6-9d44-7b6b9acb7165}",
        ),
        txn_query("ReceivePaymentQueryRq", modified_since=since, include_lines=True),
        txn_query("CreditMemoQueryRq", ref_numbers=[number]),
    ]
    check(build_message(requests, edition=edition, version=Version(13, 0)), edition)


def test_every_request_type_can_be_built_minimally_for_every_edition():
    """Each request in the catalog, with its least body, is valid for every edition."""
    minimal = {
        "CustomerAddRq": {"CustomerAdd": {"Name": "A"}},
        "CustomerModRq": {"CustomerMod": {"ListID": "1-1", "EditSequence": "1"}},
        "VendorAddRq": {"VendorAdd": {"Name": "A"}},
        "VendorModRq": {"VendorMod": {"ListID": "1-1", "EditSequence": "1"}},
        "InvoiceAddRq": {"InvoiceAdd": {"CustomerRef": Ref(full_name="A"), "InvoiceLineAdd": [{"Desc": "x"}]}},
        "InvoiceModRq": {"InvoiceMod": {"TxnID": "1-1", "EditSequence": "1"}},
        "CreditMemoAddRq": {"CreditMemoAdd": {"CustomerRef": Ref(full_name="A"), "CreditMemoLineAdd": [{"Desc": "x"}]}},
        "PurchaseOrderAddRq": {
            "PurchaseOrderAdd": {"VendorRef": Ref(full_name="A"), "PurchaseOrderLineAdd": [{"Desc": "x"}]}
        },
        "ReceivePaymentAddRq": {
            "ReceivePaymentAdd": {"CustomerRef": Ref(full_name="A"), "AppliedToTxnAdd": [{"TxnID": "1-1"}]}
        },
        "ListDeletedQueryRq": {"ListDelType": ["Customer"]},
        "TxnDeletedQueryRq": {"TxnDelType": ["Invoice"]},
        "TxnVoidRq": {"TxnVoidType": "CreditMemo", "TxnID": "1-1"},
    }
    from halo_accounts.connectors.quickbooks.qbxml.catalog import REQUEST_SPECS

    for edition in Edition:
        requests = []
        for name in sorted(REQUEST_SPECS):
            body = minimal.get(name)
            if body is None and name.startswith("Item") and name.endswith(("AddRq", "ModRq")):
                add = name.endswith("AddRq")
                body = {name[:-2]: {"Name": "A"} if add else {"ListID": "1-1", "EditSequence": "1"}}
                if add and name != "ItemInventoryAddRq":
                    body[name[:-2]]["SalesOrPurchase"] = {"Desc": "x"}
            requests.append(Request(name, body or {}, request_id=name))
        check(build_message(requests, edition=edition, version=Version(13, 0)), edition)
