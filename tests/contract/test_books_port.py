"""The books port's contract, the same for every accounting connector (``ports/books.py``).

Run against QuickBooks Desktop (UK, over the COM contract, simulated), Sage 50 UK over Sage Data
Objects (simulated) and Sage 50 UK through its import files: whatever the package, a batch is
answered record by record in order, one bad record fails alone with a typed error, what is
written can be read back (customers, items, invoices by number with the same total), and an
update changes the record instead of adding one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from halo_accounts.connectors.quickbooks.books import open_quickbooks
from halo_accounts.connectors.quickbooks.transports.com import ComTransport
from halo_accounts.connectors.sage50uk import Sage50UKBooks, SdoConnector
from halo_accounts.connectors.sage50uk.files import SageImportFiles
from halo_accounts.domain import Address, Customer, Invoice, InvoiceLine, Item, ItemKind
from halo_accounts.errors import RecordError
from halo_accounts.ports.books import CustomerWrite, InvoiceWrite, ItemWrite
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.quickbooks.request_processor import FakeRequestProcessor
from halo_accounts.simulators.sage50uk import SageCompany, SDOEngine, seed_company


@dataclass(frozen=True)
class Connector:
    name: str
    standard_rate: str  # the books' key for 20% VAT
    too_long: int  # a customer name the books refuse


@contextmanager
def _quickbooks(tmp_path: Path) -> Iterator[Any]:
    company = QuickBooksCompany(edition="UK", company_file=r"C:\Books\Port.qbw", validate_schema=False)
    with open_quickbooks(ComTransport(processor_factory=lambda: FakeRequestProcessor(company))) as books:
        yield books


@contextmanager
def _sage_sdo(tmp_path: Path) -> Iterator[Any]:
    company = seed_company(SageCompany(users={"HALOSYNC": "pw"}))
    engine = SDOEngine({company.data_path: company})
    yield Sage50UKBooks(SdoConnector(lambda: engine, company.data_path, "HALOSYNC", SecretStr("pw")))


@contextmanager
def _sage_files(tmp_path: Path) -> Iterator[Any]:
    exports = tmp_path / "export"
    exports.mkdir()
    for name in ("customers.csv", "suppliers.csv", "products.csv", "audit.csv"):  # a new company's exports: empty
        (exports / name).write_bytes(b"")
    yield SageImportFiles(tmp_path / "import", exports)


CONNECTORS = {
    "quickbooks-uk": (_quickbooks, Connector("quickbooks-uk", "S", 42)),
    "sage50uk-sdo": (_sage_sdo, Connector("sage50uk-sdo", "T1", 61)),
    "sage50uk-files": (_sage_files, Connector("sage50uk-files", "T1", 61)),
}


@pytest.fixture(params=sorted(CONNECTORS))
def books(request, tmp_path) -> Iterator[tuple[Any, Connector]]:
    opener, connector = CONNECTORS[request.param]
    with opener(tmp_path) as opened:
        yield opened, connector


def customer(halo_id: int, name: str) -> Customer:
    return Customer(halo_id=halo_id, name=name, email=f"accounts{halo_id}@example.com",
                    billing_address=Address(lines=("1 High Street", "Leeds"), postcode="LS1 1AA"))  # fmt: skip


def test_a_batch_is_answered_in_order_and_a_bad_record_fails_alone(books):
    port, connector = books
    names = ["Acme Ltd", "B" * connector.too_long, "Contoso plc"]
    results = port.write_customers([CustomerWrite(customer(n + 1, name)) for n, name in enumerate(names)])
    assert [r.halo_id for r in results] == ["1", "2", "3"]
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, RecordError)
    assert "B" * connector.too_long in results[1].error.user_message or "characters" in results[1].error.user_message
    listed = {c.books_id: c.name for c in port.customers()}
    assert listed[results[0].books_id] == "Acme Ltd"
    assert listed[results[2].books_id] == "Contoso plc"
    assert "B" * connector.too_long not in listed.values()


def test_an_update_changes_the_record_and_adds_none(books):
    port, _ = books
    (created,) = port.write_customers([CustomerWrite(customer(1, "Acme Ltd"))])
    before = {c.books_id: c for c in port.customers()}
    version = before[created.books_id].version
    renamed = Customer(halo_id=1, name="Acme Holdings Ltd")
    (updated,) = port.write_customers([CustomerWrite(renamed, books_id=created.books_id, version=version)])
    assert updated.ok, updated.error
    assert updated.books_id == created.books_id
    after = port.customers()
    assert len(after) == len(before)
    assert {c.books_id: c.name for c in after}[created.books_id] == "Acme Holdings Ltd"


def test_items_written_are_listed_under_their_books_id(books):
    port, _ = books
    results = port.write_items(
        [ItemWrite(Item(halo_id=1, name="Managed Support", kind=ItemKind.SERVICE, price=Decimal("45"))),
         ItemWrite(Item(halo_id=2, name="Laptop Stand", kind=ItemKind.NON_INVENTORY, price=Decimal("30")))]
    )  # fmt: skip
    assert all(r.ok for r in results), [r.error for r in results]
    listed = {i.books_id for i in port.items()}
    assert {r.books_id for r in results} <= listed


def test_an_invoice_and_a_credit_note_are_found_by_number_with_their_totals(books):
    port, connector = books
    (cust,) = port.write_customers([CustomerWrite(customer(1, "Acme Ltd"))])
    (item,) = port.write_items([ItemWrite(Item(halo_id=7, name="Managed Support", kind=ItemKind.SERVICE))])
    assert cust.ok, cust.error
    assert item.ok, item.error

    def invoice(halo_id: int, number: str, quantity: str) -> InvoiceWrite:
        line = InvoiceLine(quantity=Decimal(quantity), unit_price=Decimal("100"), description="Support",
                           item_halo_id=7, tax_halo_id=1, tax_rate=Decimal(20))  # fmt: skip
        total = Decimal(quantity) * Decimal(120)
        halo = Invoice(halo_id=halo_id, number=number, customer_halo_id=1, invoice_date=date(2026, 11, 2),
                       lines=(line,), total=total, tax_total=total / 6)  # fmt: skip
        return InvoiceWrite(halo, cust.books_id, number, {7: item.books_id}, {1: connector.standard_rate})

    results = port.write_invoices([invoice(11, "5001", "2"), invoice(12, "CN5002", "-1")])
    assert all(r.ok for r in results), [r.error for r in results]
    assert [r.total for r in results] == [Decimal("240.00"), Decimal("-120.00")]
    found = port.find_invoices(["5001", "CN5002", "NOT-THERE"])
    assert set(found) == {"5001", "CN5002"}
    assert (found["5001"].books_id, found["5001"].total, found["5001"].is_credit) == (
        results[0].books_id, Decimal("240.00"), False,
    )  # fmt: skip
    assert (found["CN5002"].total, found["CN5002"].is_credit) == (Decimal("-120.00"), True)


def test_the_capabilities_describe_the_connector(books):
    port, _ = books
    caps = port.capabilities
    assert caps.name
    assert caps.write_batch_size > 0
    assert caps.per_line_tax_codes  # UK VAT: a code on every line, whatever the package
    assert port.payments(None) == [] or caps.reads_payments
