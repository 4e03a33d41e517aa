"""The books port's contract, the same for every accounting connector (``ports/books.py``).

Run against QuickBooks Desktop (UK, over the COM contract, simulated), Sage 50 UK over Sage Data
Objects (simulated), Sage 50 UK through its import files, and Sage 50 Canada over its SDK
(simulated) and through .IMP files run by its importer (a real subprocess), both read back from
the company's database (a SQLite copy, and the real MariaDB server when
``HALO_ACCOUNTS_TEST_MYSQL_URL`` names one): whatever the package, a batch is answered record by
record in order, one bad record fails alone with a typed error, what is written can be read back
(customers, items, invoices by number with the same total), and an update changes the record
instead of adding one. What a transport cannot do (Sage's import file neither changes customers
nor creates items) fails with a typed error that says what to do instead.
"""

from __future__ import annotations

import sys
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
from halo_accounts.connectors.sage50ca.books import ImpWriter, Sage50CABooks, SdkWriter
from halo_accounts.connectors.sage50ca.database import SageCanadaDatabase
from halo_accounts.connectors.sage50ca.sdk import SdkConnector
from halo_accounts.connectors.sage50ca.worker import OpenRequest, SdkWorkerClient
from halo_accounts.connectors.sage50uk import Sage50UKBooks, SdoConnector
from halo_accounts.connectors.sage50uk.files import SageImportFiles
from halo_accounts.domain import Address, Customer, Invoice, InvoiceLine, Item, ItemKind
from halo_accounts.errors import RecordError
from halo_accounts.ports.books import CustomerWrite, InvoiceWrite, ItemWrite
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.quickbooks.request_processor import FakeRequestProcessor
from halo_accounts.simulators.sage50ca import seed_company as seed_canada
from halo_accounts.simulators.sage50ca.company import save_company
from halo_accounts.simulators.sage50ca.mysql import LiveCopy
from halo_accounts.simulators.sage50ca.sdk import FakeSDKInstanceManager, SdkUser
from halo_accounts.simulators.sage50uk import SageCompany, SDOEngine, seed_company

from testsupport import fresh_mysql_database


@dataclass(frozen=True)
class Connector:
    name: str
    standard_rate: str  # the books' key for the standard rate
    too_long: int  # a customer name the books refuse
    rate: Decimal = Decimal(20)  # the standard rate
    keyed_by_name: bool = False  # the name is the books' key: a rename changes the books id
    changes_customers: bool = True
    creates_items: bool = True


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


@contextmanager
def _canada(books: Any, live: LiveCopy) -> Iterator[Any]:
    try:
        yield books
    finally:
        books.close()
        live.close()


@contextmanager
def _sage50ca_sdk(tmp_path: Path, url: str = "") -> Iterator[Any]:
    company = seed_canada("ON")
    manager = FakeSDKInstanceManager({r"C:\Sage\Port.SAI": company}, {"HaloSync": SdkUser("pw")})
    live = LiveCopy(company, url or f"sqlite:///{tmp_path / 'simply.db'}")
    connector = SdkConnector(lambda: manager, r"C:\Sage\Port.SAI", "HaloSync", SecretStr("pw"), sdk_version="32.10")
    with _canada(
        Sage50CABooks(SageCanadaDatabase(live.url, before_read=live.refresh), SdkWriter(connector)), live
    ) as b:
        yield b
    assert not manager.is_open  # CloseDatabase always ran


@contextmanager
def _sage50ca_sdk_mysql(tmp_path: Path) -> Iterator[Any]:
    with fresh_mysql_database() as url, _sage50ca_sdk(tmp_path, url) as books:
        yield books


@contextmanager
def _sage50ca_sdk_worker(tmp_path: Path) -> Iterator[Any]:
    """The SDK in a worker process of its own, as the integrator runs it (a 32-bit Python on Windows)."""
    kept = tmp_path / "company.json"
    save_company(seed_canada("ON"), kept)
    live = LiveCopy(kept, f"sqlite:///{tmp_path / 'simply.db'}")
    command = [sys.executable, "-m", "halo_accounts.simulators.sage50ca.sdk_worker"]
    worker = SdkWorkerClient(command, OpenRequest(str(kept), "HALOSYNC", "pw", "32.10"))
    with _canada(Sage50CABooks(SageCanadaDatabase(live.url, before_read=live.refresh), worker), live) as books:
        yield books


@contextmanager
def _sage50ca_imp(tmp_path: Path) -> Iterator[Any]:
    kept = tmp_path / "company.json"
    save_company(seed_canada("ON"), kept)
    live = LiveCopy(kept, f"sqlite:///{tmp_path / 'simply.db'}")
    importer = [sys.executable, "-m", "halo_accounts.simulators.sage50ca.importer"]
    writer = ImpWriter(tmp_path / "imp", importer=importer, company_file=str(kept))
    with _canada(Sage50CABooks(SageCanadaDatabase(live.url, before_read=live.refresh), writer), live) as books:
        yield books


_CANADA = {"standard_rate": "H", "too_long": 53, "rate": Decimal(13), "keyed_by_name": True}
CONNECTORS = {
    "quickbooks-uk": (_quickbooks, Connector("quickbooks-uk", "S", 42)),
    "sage50uk-sdo": (_sage_sdo, Connector("sage50uk-sdo", "T1", 61)),
    "sage50uk-files": (_sage_files, Connector("sage50uk-files", "T1", 61)),
    "sage50ca-sdk": (_sage50ca_sdk, Connector("sage50ca-sdk", **_CANADA)),  # type: ignore[arg-type]
    "sage50ca-sdk-mysql": (_sage50ca_sdk_mysql, Connector("sage50ca-sdk-mysql", **_CANADA)),  # type: ignore[arg-type]
    "sage50ca-sdk-worker": (_sage50ca_sdk_worker, Connector("sage50ca-sdk-worker", **_CANADA)),  # type: ignore[arg-type]
    "sage50ca-imp": (
        _sage50ca_imp,
        Connector("sage50ca-imp", **_CANADA, changes_customers=False, creates_items=False),  # type: ignore[arg-type]
    ),
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
    port, connector = books
    (created,) = port.write_customers([CustomerWrite(customer(1, "Acme Ltd"))])
    before = {c.books_id: c for c in port.customers()}
    version = before[created.books_id].version
    renamed = Customer(halo_id=1, name="Acme Holdings Ltd")
    (updated,) = port.write_customers([CustomerWrite(renamed, books_id=created.books_id, version=version)])
    if not connector.changes_customers:
        assert isinstance(updated.error, RecordError)
        assert "in Sage 50 by hand" in updated.error.user_message
        return
    assert updated.ok, updated.error
    assert updated.books_id == ("Acme Holdings Ltd" if connector.keyed_by_name else created.books_id)
    after = port.customers()
    assert len(after) == len(before)
    assert {c.books_id: c.name for c in after}[updated.books_id] == "Acme Holdings Ltd"


def test_items_written_are_listed_under_their_books_id(books):
    port, connector = books
    results = port.write_items(
        [ItemWrite(Item(halo_id=1, name="Managed Support", kind=ItemKind.SERVICE, price=Decimal("45"))),
         ItemWrite(Item(halo_id=2, name="Laptop Stand", kind=ItemKind.NON_INVENTORY, price=Decimal("30")))]
    )  # fmt: skip
    if not connector.creates_items:
        assert all(isinstance(r.error, RecordError) for r in results)
        assert "add 'Managed Support' in Sage 50" in results[0].error.user_message
        return
    assert all(r.ok for r in results), [r.error for r in results]
    listed = {i.books_id for i in port.items()}
    assert {r.books_id for r in results} <= listed


def test_an_invoice_and_a_credit_note_are_found_by_number_with_their_totals(books):
    port, connector = books
    (cust,) = port.write_customers([CustomerWrite(customer(1, "Acme Ltd"))])
    assert cust.ok, cust.error
    if connector.creates_items:
        (item,) = port.write_items([ItemWrite(Item(halo_id=7, name="Managed Support", kind=ItemKind.SERVICE))])
        assert item.ok, item.error
        item_id = item.books_id
    else:  # one the accountant set up in the books
        item_id = next(i.books_id for i in port.items() if i.name == "Support")
    gross = 100 + connector.rate

    def invoice(halo_id: int, number: str, quantity: str) -> InvoiceWrite:
        line = InvoiceLine(quantity=Decimal(quantity), unit_price=Decimal("100"), description="Support",
                           item_halo_id=7, tax_halo_id=1, tax_rate=connector.rate)  # fmt: skip
        total = Decimal(quantity) * gross
        halo = Invoice(halo_id=halo_id, number=number, customer_halo_id=1, invoice_date=date(2026, 11, 2),
                       lines=(line,), total=total, tax_total=Decimal(quantity) * connector.rate)  # fmt: skip
        return InvoiceWrite(halo, cust.books_id, number, {7: item_id}, {1: connector.standard_rate})

    results = port.write_invoices([invoice(11, "5001", "2"), invoice(12, "CN5002", "-1")])
    assert all(r.ok for r in results), [r.error for r in results]
    assert [r.total for r in results] == [2 * gross, -gross]
    found = port.find_invoices(["5001", "CN5002", "NOT-THERE"])
    assert set(found) == {"5001", "CN5002"}
    assert (found["5001"].books_id, found["5001"].total, found["5001"].is_credit) == (
        results[0].books_id, 2 * gross, False,
    )  # fmt: skip
    assert (found["CN5002"].total, found["CN5002"].is_credit) == (-gross, True)


def test_the_capabilities_describe_the_connector(books):
    port, _ = books
    caps = port.capabilities
    assert caps.name
    assert caps.write_batch_size > 0
    assert caps.per_line_tax_codes  # UK VAT and Canada's GST/HST/PST/QST: a code on every line
    assert port.payments(None) == [] or caps.reads_payments
