"""The Sage 50 Canada simulator's importer: what Sage records from an .IMP file, and what it refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from halo_accounts.connectors.sage50ca.imp import ENCODING, ImpDocument, Party, SalesDetail, SalesInvoice, Tax, render
from halo_accounts.simulators.sage50ca import import_file, seed_company

HST = Tax("HST", Decimal(13), Decimal("13.00"), refundable=True)


def sale(customer: str, number: str, *details: SalesDetail) -> SalesInvoice:
    lines = details or (SalesDetail("SUPPORT", Decimal(1), Decimal(100), Decimal("100.00"), (HST,)),)
    return SalesInvoice(Party(customer), date(2026, 11, 2), lines, invoice_number=number)


def imp(**parts) -> bytes:
    return render(ImpDocument(**parts)).encode(ENCODING)


def test_customers_and_an_invoice_are_recorded_with_its_total():
    company = seed_company("ON")
    outcome = import_file(
        company, imp(customers=[Party("Harbour View Dental")], sales_invoices=[sale("Harbour View Dental", "1001")])
    )
    assert outcome.ok, outcome.errors
    assert outcome.recorded == 2
    (invoice,) = company.invoices
    assert (invoice.number, invoice.party, invoice.total) == ("1001", "Harbour View Dental", Decimal("113.00"))


def test_one_refused_transaction_and_nothing_in_the_file_is_recorded():
    company = seed_company("ON")
    assert import_file(company, imp(customers=[Party("Acme Ltd")])).ok
    bad_lines = [
        SalesDetail("NO-SUCH-ITEM", Decimal(1), Decimal(1), Decimal("1.00")),
        SalesDetail("SUPPORT", Decimal(1), Decimal(1), Decimal("1.00"), (Tax("PST", Decimal(8), Decimal("0.08")),)),
        SalesDetail("SUPPORT", Decimal(1), Decimal(1), Decimal("1.00"), (Tax("RST", Decimal(7), Decimal("0.07")),)),
    ]
    sales = [sale("Acme Ltd", "1"), sale("Nobody Ltd", "2"), sale("Acme Ltd", "1"), sale("Acme Ltd", "3", *bad_lines)]
    outcome = import_file(company, imp(customers=[Party("Acme Ltd"), Party("New One")], sales_invoices=sales))
    assert not outcome.ok
    text = "\n".join(outcome.errors)
    for expected in (
        "customer 'Acme Ltd' already exists",
        "customer 'Nobody Ltd' does not exist",
        "sales invoice 1: the number is already used",
        "item 'NO-SUCH-ITEM' does not exist",
        "PST is 7% here, not 8.00%",
        "tax 'RST' is not set up",
    ):
        assert expected in text, expected
    assert set(company.customers) == {"Acme Ltd"}  # "New One" was not added either
    assert company.invoices == []


def test_nothing_is_imported_while_sage_is_open_in_single_user_mode():
    company = seed_company("AB")
    company.open_single_user = True
    outcome = import_file(company, imp(customers=[Party("Acme Ltd")]))
    assert outcome.errors == ["The company is open in single-user mode: close Sage and import again."]
    assert company.customers == {}


def test_quebec_taxes_two_authorities_and_qst_at_the_files_two_decimals():
    company = seed_company("QC")
    assert company.tax_codes["GQ"].authorities == ("GST", "QST")
    taxes = (
        Tax("GST", Decimal(5), Decimal("5.00"), refundable=True),
        Tax("QST", Decimal("9.975"), Decimal("9.98"), refundable=True),
    )
    line = SalesDetail("SUPPORT", Decimal(1), Decimal(100), Decimal("100.00"), taxes)
    outcome = import_file(
        company, imp(customers=[Party("Café Montréal")], sales_invoices=[sale("Café Montréal", "7", line)])
    )
    assert outcome.ok, outcome.errors
    assert company.invoices[0].total == Decimal("114.98")


def test_the_importer_refuses_what_sages_layout_does_not_allow():
    company = seed_company("ON")
    too_long = render(ImpDocument(customers=[Party("Acme Ltd")])).replace(
        '"Acme Ltd","0"', '"Acme Ltd","0","' + "C" * 31 + '"', 1
    )
    outcome = import_file(company, too_long.encode(ENCODING))
    assert outcome.errors == ["customer 'Acme Ltd': its contact is over 30 characters"]
    assert company.customers == {}
