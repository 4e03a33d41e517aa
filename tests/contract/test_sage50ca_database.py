"""Reading a Sage 50 Canada company's database, against a real MySQL-compatible server (MariaDB here).

The simulated company is written into a fresh database on the server in Sage's table layout; the
connector reads it over a real connection, in read-only sessions. Skipped, with the reason, where
no server is reachable (CI sets ``HALO_ACCOUNTS_TEST_MYSQL_URL``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from halo_accounts.connectors.sage50ca.database import CodeRate, SageCanadaDatabase, parse_tax_description
from halo_accounts.connectors.sage50ca.imp import ENCODING, ImpDocument, Party, SalesDetail, SalesInvoice, Tax, render
from halo_accounts.errors import ConfigError
from halo_accounts.simulators.sage50ca import import_file, seed_company
from halo_accounts.simulators.sage50ca.mysql import LiveCopy, materialise

from testsupport import fresh_mysql_database


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_mysql_database() as url:
        yield url


def test_customers_tax_codes_and_invoices_are_read_as_sage_keeps_them(database_url):
    company = seed_company("QC")
    hst = (Tax("GST", Decimal(5), Decimal("5.00"), refundable=True), Tax("QST", Decimal("9.975"), Decimal("9.98")))
    line = SalesDetail("SUPPORT", Decimal(1), Decimal(100), Decimal("100.00"), hst)
    imported = import_file(
        company,
        render(
            ImpDocument(
                customers=[Party("Café Montréal", email="compta@cafe.example"), Party("Dépanneur Lévis")],
                sales_invoices=[
                    SalesInvoice(Party("Café Montréal"), date(2026, 11, 2), (line,), invoice_number="2001")
                ],
            )
        ).encode(ENCODING),
    )
    assert imported.ok, imported.errors
    materialise(company, database_url)

    books = SageCanadaDatabase(database_url)
    try:
        customers = {c.name: c for c in books.customers()}
        assert set(customers) == {"Café Montréal", "Dépanneur Lévis"}
        assert customers["Café Montréal"].email == "compta@cafe.example"
        codes = books.tax_codes()
        assert codes["GQ"] == ((CodeRate("GST", Decimal(5)), CodeRate("QST", Decimal("9.975"))), False)
        assert codes["E"] == ((), False)
        found = books.invoices(["2001", "9999"])
        assert list(found) == ["2001"]
        assert found["2001"].total == Decimal("114.98")
    finally:
        books.close()


def test_the_reader_cannot_write_and_a_refused_user_is_told_what_to_grant(database_url):
    materialise(seed_company("ON"), database_url)
    books = SageCanadaDatabase(database_url)
    try:
        with books._engine.connect() as connection, pytest.raises(SQLAlchemyError, match="READ ONLY"):  # noqa: SLF001
            connection.execute(text("INSERT INTO tcustomr (lId, sName, bInactive) VALUES (99, 'Sneaky Ltd', 0)"))
    finally:
        books.close()
    refused = SageCanadaDatabase(
        make_url(database_url).set(username="nobody_here", password="x").render_as_string(hide_password=False)
    )
    try:
        with pytest.raises(ConfigError, match="Read data"):
            refused.customers()
    finally:
        refused.close()


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("No Tax", ((), False)),
        ("GST @ 5%", ((CodeRate("GST", Decimal(5)),), False)),
        ("HST @ 13%, included", ((CodeRate("HST", Decimal(13)),), True)),
        ("GST @ 5%; QST @ 9.975%", ((CodeRate("GST", Decimal(5)), CodeRate("QST", Decimal("9.975"))), False)),
        ("GST 5%, QST 9.975%", ((CodeRate("GST", Decimal(5)), CodeRate("QST", Decimal("9.975"))), False)),
    ],
)
def test_tax_code_descriptions_are_read_as_sage_writes_them(description, expected):
    assert parse_tax_description(description) == expected


def _company_with_sales():
    company = seed_company("ON", customers=2)
    first, second = list(company.customers)
    hst = (Tax("HST", Decimal(13), Decimal("13.00"), refundable=True),)
    line = SalesDetail("SUPPORT", Decimal(1), Decimal(100), Decimal("100.00"), hst)
    sales = [
        SalesInvoice(Party(p), date(2026, 11, 2), (line,), invoice_number=n) for p, n in ((first, "7"), (second, "8"))
    ]
    outcome = import_file(
        company, render(ImpDocument(vendors=[Party("Ingram Micro")], sales_invoices=sales)).encode(ENCODING)
    )
    assert outcome.ok, outcome.errors
    assert company.record_receipt(first, date(2026, 11, 9), [("7", Decimal("50.00"))], "CHQ 1") == ""
    assert company.record_receipt(first, date(2026, 11, 20), [("7", Decimal("63.00"))], "CHQ 2") == ""
    return company


def _read_everything(url: str, live: LiveCopy | None = None) -> None:
    books = SageCanadaDatabase(url, before_read=live.refresh if live else None)
    try:
        assert [s.name for s in books.suppliers()] == ["Ingram Micro"]
        assert {i.books_id: i.name for i in books.items()}["MS-PER-USER"] == "Managed Services - Per User"
        assert {r.key: r.rate for r in books.tax_rates()} == {"E": 0, "G": 5, "H": 13, "HI": 13}
        assert books.account_digits() == 4
        found = books.invoices(["7", "8"])
        assert (found["7"].balance, found["8"].balance) == (Decimal(0), Decimal("113.00"))
        payments = books.payments(None)
        assert [(p.books_id, p.applied, p.reference) for p in payments] == [
            ("R1", (("7", Decimal("50.00")),), "CHQ 1"), ("R2", (("7", Decimal("63.00")),), "CHQ 2"),
        ]  # fmt: skip
        # By the day each was entered (both today here), not the cheque's date: from tomorrow, none.
        assert len(books.payments(datetime.now(UTC) - timedelta(days=3))) == 2
        assert books.payments(datetime.now(UTC) + timedelta(days=2)) == []
    finally:
        books.close()


def test_items_vendors_receipts_and_balances_are_read_from_the_server(database_url):
    company = _company_with_sales()
    materialise(company, database_url)
    _read_everything(database_url)


def test_a_live_copy_follows_the_company_as_sage_writes_as_it_goes(tmp_path):
    """The demo's database is a SQLite file the same reader reads; it is rewritten only after a change."""
    company = seed_company("ON")
    live = LiveCopy(company, f"sqlite:///{tmp_path / 'simply.db'}")
    books = SageCanadaDatabase(live.url, before_read=live.refresh)
    try:
        assert books.customers() == []
        fresh = _company_with_sales()
        company.customers, company.vendors, company.invoices, company.receipts = (
            fresh.customers, fresh.vendors, fresh.invoices, fresh.receipts,
        )  # fmt: skip
        company.touch()
        assert len(books.customers()) == 2
        with books._engine.connect() as connection, pytest.raises(SQLAlchemyError, match="readonly"):  # noqa: SLF001
            connection.execute(text("DELETE FROM tcustomr"))
    finally:
        books.close()
        live.close()
    _read_everything(live.url, LiveCopy(company, live.url))


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("GST 5% and QST 9.975%", (CodeRate("GST", Decimal(5)), CodeRate("QST", Decimal("9.975")))),
        ("TPS 5% TVQ 9,975%", (CodeRate("TPS", Decimal(5)), CodeRate("TVQ", Decimal("9.975")))),
        ("hst @ 13%", (CodeRate("HST", Decimal(13)),)),
    ],
)
def test_with_the_companys_authorities_only_their_names_are_read_as_taxes(description, expected):
    assert parse_tax_description(description, ["GST", "HST", "QST", "TPS", "TVQ"])[0] == expected


def test_a_tax_code_whose_taxes_cannot_be_told_apart_is_a_setting_to_fix(tmp_path):
    company = seed_company("QC")
    live = LiveCopy(company, f"sqlite:///{tmp_path / 'simply.db'}")
    live.refresh()
    engine = create_engine(live.url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE ttaxcode SET sDesc = 'Federal 5% plus Quebec 9.975%' WHERE sCode = 'GQ'"))
    engine.dispose()
    books = SageCanadaDatabase(live.url)  # no refresh: the description as someone typed it in Sage
    try:
        with pytest.raises(ConfigError, match="tax code 'GQ' reads 'Federal 5% plus Quebec 9.975%'"):
            books.tax_codes()
    finally:
        books.close()
        live.close()
