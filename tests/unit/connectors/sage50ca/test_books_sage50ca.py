"""Sage 50 Canada's connector: opening the company, explaining refusals, taxes per authority, import files."""

from __future__ import annotations

import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from halo_accounts.connectors.sage50ca.books import ImpWriter, Sage50CABooks, SdkWriter
from halo_accounts.connectors.sage50ca.database import CodeRate, SageCanadaDatabase
from halo_accounts.connectors.sage50ca.sales import sale_of
from halo_accounts.connectors.sage50ca.sdk import APP_CODE, AlertRecorder, SdkConnector
from halo_accounts.domain import Customer, Invoice, InvoiceLine
from halo_accounts.errors import ConfigError, RecordError, TransientError
from halo_accounts.ports.books import CustomerWrite, InvoiceWrite
from halo_accounts.simulators.sage50ca import seed_company
from halo_accounts.simulators.sage50ca.company import load_company, save_company
from halo_accounts.simulators.sage50ca.mysql import LiveCopy
from halo_accounts.simulators.sage50ca.sdk import FakeSDKInstanceManager, SdkUser

SAI = r"C:\Sage\Halo.SAI"
PASSWORD = "s3cret-sage-pw"
QC_CODES = {"GQ": ((CodeRate("GST", Decimal(5)), CodeRate("QST", Decimal("9.975"))), False), "E": ((), False)}


def connector(manager: FakeSDKInstanceManager, password: str = PASSWORD, version: str = "32.10") -> SdkConnector:
    return SdkConnector(lambda: manager, SAI, "HaloSync", SecretStr(password), sdk_version=version)


def manager_for(province: str = "QC", rights: str = "read and write") -> FakeSDKInstanceManager:
    return FakeSDKInstanceManager({SAI: seed_company(province, customers=2)}, {"halosync": SdkUser(PASSWORD, rights)})


def invoice_write(number: str, *lines: InvoiceLine, customer: str = "Acme", item: str = "SUPPORT") -> InvoiceWrite:
    halo = Invoice(halo_id=int(number), number=number, customer_halo_id=1, invoice_date=date(2026, 11, 2),
                   lines=lines, total=Decimal(0))  # fmt: skip
    return InvoiceWrite(halo, customer, number, {7: item}, {1: "GQ"})


def line(net: str, tax: str | None = None, *, item: int | None = 7, tax_id: int | None = 1) -> InvoiceLine:
    return InvoiceLine(quantity=Decimal(1), unit_price=Decimal(net), item_halo_id=item, tax_halo_id=tax_id,
                       tax_amount=Decimal(tax) if tax else None, description="Support")  # fmt: skip


def test_the_company_is_opened_as_the_integrator_and_always_closed():
    manager = manager_for()
    sdk = connector(manager)
    seen = []
    with pytest.raises(RuntimeError, match="boom"):  # noqa: PT012 - what runs inside the open company
        with sdk.open() as opened:
            seen.append(opened.opened_by)
            raise RuntimeError("boom")
    assert seen == [("Halo Accounts Integrator", APP_CODE, 1)]
    assert len(APP_CODE) <= 6
    assert not manager.is_open


@pytest.mark.parametrize(
    ("setup", "error", "words"),
    [
        (lambda m: None, ConfigError, "'Read and write data' for third-party products"),  # wrong password
        (lambda m: setattr(m, "fail_next_open", "FAIL_CONNECTIONMGR_NONE"), TransientError, "Connection Manager"),
    ],
)
def test_a_refused_open_is_a_typed_error_with_the_fix_and_no_secret(setup, error, words):
    manager = manager_for()
    setup(manager)
    password = "wrong-password" if error is ConfigError else PASSWORD
    with pytest.raises(error) as caught, connector(manager, password).open():
        pass
    assert words in caught.value.user_message
    assert password not in f"{caught.value.user_message} {caught.value.detail}"


def test_a_company_of_another_release_than_the_sdk_is_refused_before_logging_on():
    manager = manager_for()
    with pytest.raises(ConfigError, match=r"release 32\.10, but the Sage 50 SDK here is for 31\.10"):
        with connector(manager, version="31.10").open():
            pass
    assert not manager.is_open


def test_two_companies_in_one_process_take_turns_instead_of_failing():
    """The SDK allows one open company per process: the second sync waits for the first."""
    manager = manager_for()
    outcomes: list[str] = []

    def sync(name: str) -> None:
        with connector(manager).open():
            outcomes.append(f"{name} in")
            time.sleep(0.05)
            outcomes.append(f"{name} out")

    threads = [threading.Thread(target=sync, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes in (["first in", "first out", "second in", "second out"],
                        ["second in", "second out", "first in", "first out"])  # fmt: skip


def _books(tmp_path: Path, manager: FakeSDKInstanceManager) -> tuple[Sage50CABooks, LiveCopy]:
    live = LiveCopy(manager.companies[SAI], f"sqlite:///{tmp_path / 'simply.db'}")
    database = SageCanadaDatabase(live.url, before_read=live.refresh)
    return Sage50CABooks(database, SdkWriter(connector(manager)), default_item="SUPPORT"), live


def test_a_refused_post_is_explained_by_sages_alert_and_the_rest_of_the_batch_is_recorded(tmp_path):
    manager = manager_for("QC")
    books, live = _books(tmp_path, manager)
    try:
        customer = next(iter(manager.companies[SAI].customers))
        results = books.write_invoices([
            invoice_write("100", line("100.00", "14.97"), customer=customer),
            invoice_write("101", line("50.00"), line("60.00"), line("70.00"), customer=customer, item="NO-SUCH-ITEM"),
            invoice_write("102", line("10.00", tax_id=None, item=None), customer=customer),
        ])  # fmt: skip
    finally:
        books.close()
        live.close()
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, RecordError)
    assert "'NO-SUCH-ITEM' is not an inventory or service item" in results[1].error.user_message
    assert results[0].total == Decimal("114.97")  # Halo's tax, kept to the cent
    recorded = {i.number: i for i in manager.companies[SAI].invoices}
    assert [(t.name, t.amount) for t in recorded["100"].details[0].taxes] == [
        ("GST", Decimal("5.00")), ("QST", Decimal("9.97")),
    ]  # fmt: skip
    assert recorded["102"].details[0].item == "SUPPORT"  # the default item, untaxed ("E")
    assert len(recorded["102"].details) == 1  # nothing of the refused entry rode along
    assert recorded["102"].total == results[2].total == Decimal("10.00")
    assert not manager.is_open


def test_a_read_only_sage_user_fails_each_record_with_sages_reason(tmp_path):
    manager = manager_for(rights="read data")
    books, live = _books(tmp_path, manager)
    try:
        (result,) = books.write_customers([CustomerWrite(Customer(halo_id=1, name="Café Montréal"))])
    finally:
        books.close()
        live.close()
    assert isinstance(result.error, RecordError)
    assert "You do not have the rights to change data" in result.error.user_message


def test_halos_tax_is_split_between_authorities_by_rate_and_a_missing_item_or_code_is_named():
    sale = sale_of(invoice_write("9", line("100.00", "14.98"), line("-20.00")), QC_CODES, "", date(2026, 1, 1))
    assert [[(t.name, t.amount) for t in ln.taxes] for ln in sale.lines] == [
        [("GST", Decimal("5.00")), ("QST", Decimal("9.98"))], [("GST", Decimal("-1.00")), ("QST", Decimal("-2.00"))],
    ]  # fmt: skip
    assert sale.total == Decimal("91.98")
    with pytest.raises(RecordError, match="line 1 has no item.*--default-item"):
        sale_of(invoice_write("9", line("1.00", item=None)), QC_CODES, "", date(2026, 1, 1))
    other = InvoiceWrite(invoice_write("9", line("1.00")).invoice, "Acme", "9", {7: "SUPPORT"}, {1: "H"})
    with pytest.raises(RecordError, match="code 'H', which this Sage 50 company does not have"):
        sale_of(other, QC_CODES, "", date(2026, 1, 1))


def _imp_books(tmp_path: Path, *, importer: bool = True) -> tuple[Sage50CABooks, LiveCopy, Path]:
    kept = tmp_path / "company.json"
    company = seed_company("QC", customers=1)
    save_company(company, kept)
    live = LiveCopy(kept, f"sqlite:///{tmp_path / 'simply.db'}")
    command = [sys.executable, "-m", "halo_accounts.simulators.sage50ca.importer"] if importer else []
    writer = ImpWriter(tmp_path / "imp", importer=command, company_file=str(kept))
    return Sage50CABooks(SageCanadaDatabase(live.url, before_read=live.refresh), writer), live, kept


def test_a_refused_import_file_is_retried_record_by_record_so_one_bad_invoice_fails_alone(tmp_path):
    books, live, kept = _imp_books(tmp_path)
    try:
        customer = next(iter(load_company(kept).customers))
        results = books.write_invoices([
            invoice_write("200", line("100.00", "14.98"), customer=customer),
            invoice_write("201", line("100.00", "14.98"), customer=customer, item="NO-SUCH-ITEM"),
        ])  # fmt: skip
    finally:
        books.close()
        live.close()
    assert [r.ok for r in results] == [True, False]
    assert "item 'NO-SUCH-ITEM' does not exist" in results[1].error.user_message
    assert [i.number for i in load_company(kept).invoices] == ["200"]
    assert len(list((tmp_path / "imp" / "imported").glob("*.imp"))) == 1
    assert len(list((tmp_path / "imp" / "failed").glob("*.imp"))) == 2  # the pair, then the bad one alone


def test_while_sage_is_open_alone_nothing_is_imported_and_it_is_tried_again_later(tmp_path):
    books, live, kept = _imp_books(tmp_path)
    company = load_company(kept)
    company.open_single_user = True
    save_company(company, kept)
    try:
        results = books.write_customers([CustomerWrite(Customer(halo_id=1, name="A")),
                                         CustomerWrite(Customer(halo_id=2, name="B"))])  # fmt: skip
    finally:
        books.close()
        live.close()
    assert all(isinstance(r.error, TransientError) for r in results)
    assert "single-user mode" in results[0].error.user_message
    assert len(list((tmp_path / "imp" / "failed").glob("*.imp"))) == 1  # not retried one by one


def test_without_an_importer_a_written_file_counts_as_in_the_books_until_someone_imports_it(tmp_path):
    books, live, _ = _imp_books(tmp_path, importer=False)
    try:
        (created,) = books.write_customers([CustomerWrite(Customer(halo_id=1, name="Café Montréal"))])
        assert created.ok
        (sent,) = books.write_invoices([invoice_write("300", line("100.00", "14.98"), customer="Café Montréal")])
        assert sent.ok
        assert "Café Montréal" in {c.name for c in books.customers()}
        assert books.find_invoices(["300"])["300"].total == Decimal("114.98")
        assert len(list((tmp_path / "imp").glob("*.imp"))) == 2
    finally:
        books.close()
        live.close()


def test_with_tax_included_the_line_amount_and_its_price_carry_the_tax():
    codes = {"HI": ((CodeRate("HST", Decimal(13)),), True)}
    write = InvoiceWrite(invoice_write("9", line("100.00", "13.00")).invoice, "Acme", "9", {7: "SUPPORT"}, {1: "HI"})
    (sale_line,) = sale_of(write, codes, "", date(2026, 1, 1)).lines
    assert (sale_line.amount, sale_line.price, sale_line.quantity * sale_line.price) == (
        Decimal("113.00"), Decimal("113.0000"), Decimal("113.0000"),
    )  # fmt: skip
    assert sale_of(write, codes, "", date(2026, 1, 1)).total == Decimal("113.00")  # the tax is not added twice


def test_an_alerts_words_are_kept_whether_sage_passes_a_message_object_or_a_string():
    class SimplyMessage:  # the SDK's message type carries its words in a property
        Message = "The invoice number has already been used."

        def __str__(self) -> str:
            return "Simply.Domain.Utility.SimplyMessage"

    recorder = AlertRecorder()
    recorder.StopAlert(SimplyMessage())
    assert recorder.AskAlert("Save the changes?") is False  # nothing happens that was not asked for
    assert recorder.texts == ["The invoice number has already been used.", "Save the changes?"]
