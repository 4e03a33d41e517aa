"""Sage 50 Canada's .IMP files: Sage's own sample reads back right, and what is written follows the layout."""

from __future__ import annotations

import re
import zlib
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halo_accounts.connectors.sage50ca.imp import (
    ENCODING,
    ImpDocument,
    ImpFormatError,
    Party,
    PurchaseInvoice,
    SalesDetail,
    SalesInvoice,
    SalesOrder,
    Tax,
    parse,
    render,
)

from testsupport import REFERENCE

LAYOUT_PDF = REFERENCE / "sage50ca" / "import-file-layout.pdf"

# The <SalInvoice> of Sage's "Sample Import File" (Import File Layout, September 2009, page 5).
SAGE_SAMPLE = """<Version>
"12001", "1"
</Version>
<SalInvoice>
"UNIVERSAL CONSTRUCTION", , ,"102-3701 East Hastings St.", ,"Vancouver","British Columbia","V5C2H6", , , , ,
"2", ,"","3-15-2001", "3", "VISA", "67.84","0.00"
"C1020","2.0000","4.7500","9.50","GST","0","1","7.00","0.67","PST","0","0","7.00","0.67"
"H1020","2.0000","25.0000","50.00","GST","0","1","7.00","3.50","PST","0","0","7.00","3.50"
</SalInvoice>
"""


def _pdf_text() -> str:
    data = LAYOUT_PDF.read_bytes()
    chunks = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(b"".join(re.findall(rb"\((.*?)(?<!\\)\)", zlib.decompress(stream.group(1)))))
        except zlib.error:
            continue
    return b" ".join(chunks).decode("latin1")


@pytest.mark.skipif(not LAYOUT_PDF.exists(), reason="Sage's Import File Layout is not in ../shared/reference")
def test_the_sample_here_is_sages_own():
    words = " ".join(_pdf_text().split())
    for line in SAGE_SAMPLE.splitlines()[4:8]:
        assert " ".join(line.split()) in words, line


def test_sages_sample_reads_back_with_its_total():
    document = parse(SAGE_SAMPLE)
    assert (document.version, document.country) == ("12001", 1)
    (invoice,) = document.sales_invoices
    customer = invoice.customer
    assert (customer.name, customer.street1, customer.city, customer.province, customer.postal) == (
        "UNIVERSAL CONSTRUCTION", "102-3701 East Hastings St.", "Vancouver", "British Columbia", "V5C2H6",
    )  # fmt: skip
    assert (invoice.entry_date, invoice.paid_by, invoice.paid_by_source) == (date(2001, 3, 15), 3, "VISA")
    assert [d.item for d in invoice.details] == ["C1020", "H1020"]
    assert invoice.details[0].taxes == (
        Tax("GST", Decimal("7.00"), Decimal("0.67"), included=False, refundable=True),
        Tax("PST", Decimal("7.00"), Decimal("0.67"), included=False, refundable=False),
    )
    assert invoice.total == Decimal("67.84")  # the option line's total: amounts, freight and taxes not included


def test_a_written_invoice_follows_the_layout_field_by_field():
    gst = Tax("GST", Decimal(5), Decimal("5.00"), refundable=True)
    pst = Tax("PST", Decimal(7), Decimal("7.00"))
    document = ImpDocument(
        customers=[
            Party(
                "Harbour View Dental",
                contact="Ana Silva",
                street1="100 Queen St W",
                city="Toronto",
                province="Ontario",
                postal="M5H 2N2",
                country="Canada",
                phone1="4165550134",
                email="accounts@harbourview.example",
            )
        ],  # fmt: skip
        sales_invoices=[
            SalesInvoice(
                Party("Harbour View Dental"),
                date(2026, 11, 2),
                (SalesDetail("MS-PER-USER", Decimal(4), Decimal(25), Decimal("100.00"), (gst, pst)),),
                invoice_number="1001",
                order_number="PO-77",
            )  # fmt: skip
        ],
    )
    assert render(document).split("\r\n") == [
        "<Version>",
        '"32101","1"',
        "</Version>",
        "<customers>",
        '"Harbour View Dental","0","Ana Silva","100 Queen St W",,"Toronto","Ontario","M5H2N2","Canada","4165550134",,,'
        '"accounts@harbourview.example"',
        "</customers>",
        "<SalInvoice>",
        '"Harbour View Dental","0",,,,,,,,,,,',
        '"1","PO-77","1001","11-02-2026","0",,"112.00","0.00"',
        '"MS-PER-USER","4.0000","25.0000","100.00","GST","0","1","5.00","5.00","PST","0","0","7.00","7.00"',
        "</SalInvoice>",
        "",
    ]


def test_values_sage_cannot_take_fail_with_the_field_named():
    def sale(customer: Party, item: str = "ITEM", number: str = "1") -> ImpDocument:
        detail = SalesDetail(item, Decimal(1), Decimal(1), Decimal("1.00"))
        return ImpDocument(sales_invoices=[SalesInvoice(customer, date(2026, 1, 1), (detail,), invoice_number=number)])

    cases = [
        (sale(Party("N" * 53)), "its name is 53 characters; Sage 50 takes 52"),
        (sale(Party('The "Best" Ltd')), "double quote"),
        (sale(Party("中国贸易")), "cannot store"),
        (sale(Party("Acme"), item="I" * 53), "item number is 53 characters"),
        (sale(Party("Acme"), number="N" * 21), "invoice number is 21 characters; Sage 50 takes 20"),
        (sale(Party("")), "needs a name"),
        (sale(Party("Acme"), item=""), "no item number"),
    ]
    for document, message in cases:
        with pytest.raises(ImpFormatError, match=re.escape(message)):
            render(document)


def test_a_file_that_is_not_in_the_format_is_refused_with_its_line():
    bad = [
        ('<SalInvoice>\n"A"\n"2",,"1","13-45-2026","0",,"1","0"\n</SalInvoice>\n', "Line 3"),
        (
            '<SalInvoice>\n"A"\n"2",,"1","01-02-2026","0",,"1","0"\n"X","1","1","1"\n</SalInvoice>\n',
            "says 2 detail line(s), there are 1",
        ),  # fmt: skip
        ('<customers>\n"A"\n', "never closed"),
        ('"A"\n', "outside any <tag>"),
    ]
    for text, message in bad:
        with pytest.raises(ImpFormatError, match=re.escape(message)):
            parse(text)


_names = (
    st.text(alphabet=st.characters(codec=ENCODING, exclude_categories=("Cc",), exclude_characters='"'), max_size=20)
    .map(str.strip)
    .filter(bool)
)
_money = st.decimals(min_value=0, max_value=10**6, places=2)


@given(
    name=_names, item=_names, quantity=st.decimals(min_value=0, max_value=1000, places=4), price=_money,
    rate=st.decimals(min_value=0, max_value=20, places=2), tax=_money, freight=_money, included=st.booleans(),
)  # fmt: skip
def test_whatever_is_written_reads_back_the_same(name, item, quantity, price, rate, tax, freight, included):
    detail = SalesDetail(item, quantity, price, price, (Tax("HST", rate, tax, included=included, refundable=True),))
    document = ImpDocument(
        sales_invoices=[SalesInvoice(Party(name), date(2026, 5, 31), (detail,), invoice_number="9", freight=freight)],
        purchase_invoices=[
            PurchaseInvoice(Party(name), date(2026, 6, 1), (detail,), invoice_number="B-1", net_days=30)
        ],
    )
    text = render(document)
    text.encode(ENCODING)
    again = parse(text)
    assert again.sales_invoices == document.sales_invoices
    assert again.purchase_invoices == document.purchase_invoices
    assert render(again) == text


def test_control_characters_are_dropped_so_each_record_stays_one_line():
    text = render(ImpDocument(customers=[Party("Ctrl\x0bChar\tHoldings\x0cLtd", city="Le\rds")]))
    assert '"CtrlCharHoldingsLtd","0",,,,"Leds"' in text
    assert parse(text).customers == [Party("CtrlCharHoldingsLtd", city="Leds")]


def test_option_lines_follow_the_layout_field_by_field():
    """Each transaction's own fields, in the layout's order; another transaction's fields are left out."""
    gst = Tax("GST", Decimal(5), Decimal("5.00"), refundable=True)
    detail = SalesDetail("C1020", Decimal(1), Decimal(100), Decimal("100.00"), (gst,))
    document = ImpDocument(
        purchase_invoices=[
            PurchaseInvoice(Party("Ingram Micro"), date(2026, 6, 1), (detail,), order_number="PO-7",
                            invoice_number="B-1", discount_rate=Decimal(2), discount_days=10, net_days=30)
        ],
        sales_orders=[
            SalesOrder(Party("Acme Ltd"), "SO-9", date(2026, 6, 2), date(2026, 6, 9), (detail,), Decimal("10.00"))
        ],
    )  # fmt: skip
    lines = render(document).split("\r\n")
    purchase = lines.index("<PurInvoice>")
    # details, order no., invoice no., entry date, total, discount rate, discount days, net days, freight
    assert lines[purchase + 2] == '"1","PO-7","B-1","06-01-2026","105.00","2.00","10","30","0.00"'
    order = lines.index("<SalOrder>")
    # details, order no., entry date, ship date, total, freight
    assert lines[order + 2] == '"1","SO-9","06-02-2026","06-09-2026","115.00","10.00"'
    assert lines[order + 3] == '"C1020","1.0000","100.0000","100.00","GST","0","1","5.00","5.00"'
    again = parse(render(document))
    assert again.purchase_invoices == document.purchase_invoices
    assert again.sales_orders == document.sales_orders


def test_a_sales_order_needs_its_order_number():
    order = SalesOrder(Party("Acme Ltd"), "", date(2026, 6, 2), date(2026, 6, 9), ())
    with pytest.raises(ImpFormatError, match="needs its order number"):
        render(ImpDocument(sales_orders=[order]))


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (ImpDocument(sales_invoices=[SalesInvoice(Party("A"), date(2026, 1, 1), (), paid_by=9)]), "paid-by type is 9"),
        (ImpDocument(purchase_invoices=[PurchaseInvoice(Party("V"), date(2026, 1, 1), (), net_days=-3)]), "net days"),
        (
            ImpDocument(
                purchase_invoices=[PurchaseInvoice(Party("V"), date(2026, 1, 1), (), discount_rate=Decimal(150))]
            ),
            "discount rate is 150",
        ),
    ],
)
def test_option_values_outside_the_layouts_ranges_are_refused_before_writing(document, words):
    with pytest.raises(ImpFormatError, match=words):
        render(document)


def test_a_file_that_is_not_in_the_layout_is_a_typed_error_naming_the_line():
    short = '<Version>\r\n"32101","1"\r\n</Version>\r\n<SalInvoice>\r\n"A"\r\n"1"\r\n</SalInvoice>\r\n'
    with pytest.raises(ImpFormatError, match="Line 5: this <salinvoice> is not in Sage's layout"):
        parse(short)
