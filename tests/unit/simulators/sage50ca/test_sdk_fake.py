"""The fake Sage 50 Canada SDK keeps the SDK's call contract and Sage's rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from halo_accounts.simulators.sage50ca import seed_company
from halo_accounts.simulators.sage50ca.company import Authority, TaxCode, line_taxes, load_company, save_company
from halo_accounts.simulators.sage50ca.sdk import FakeSDKInstanceManager, SdkUser

SAI = r"C:\Sage\Halo.SAI"


class RecordingAlert:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def StopAlert(self, text: str) -> None:  # noqa: N802
        self.texts.append(text)


def opened(province: str = "QC", rights: str = "read and write") -> tuple[FakeSDKInstanceManager, RecordingAlert]:
    company = seed_company(province, customers=2)
    manager = FakeSDKInstanceManager({SAI: company}, {"halosync": SdkUser("pw", rights)})
    alert = RecordingAlert()
    manager.SetAlertImplementation(alert)
    assert manager.OpenDatabase(SAI, "HaloSync", "pw", True, "Halo Sync", "HALOSY", 1) == (True, "SUCCESS")
    return manager, alert


@pytest.mark.parametrize(
    ("user", "password", "rights", "app_code", "expected"),
    [
        ("halosync", "wrong", "read and write", "HALOSY", "FAIL_USER_LOGON_FAILED"),
        ("halosync", "pw", "no data access", "HALOSY", "FAIL_USER_LOGON_FAILED"),
        ("halosync", "pw", "read and write", "HALOSYN", "FAIL_INVALID_SECURITY_DETAILS"),
        ("nobody", "pw", "read and write", "HALOSY", "FAIL_USER_LOGON_FAILED"),
    ],
)
def test_logon_failures_answer_their_sdk_result(user, password, rights, app_code, expected):
    manager = FakeSDKInstanceManager({SAI: seed_company()}, {"HaloSync": SdkUser("pw", rights)})
    assert manager.OpenDatabase(SAI, user, password, True, "Halo Sync", app_code, 1) == (False, expected)
    assert not manager.is_open


def test_one_company_per_process_and_a_missing_file_and_sage_open_alone():
    manager, _ = opened()
    assert manager.OpenDatabase(SAI, "HaloSync", "pw", True, "Halo Sync", "HALOSY", 1)[1] == (
        "FAIL_ANOTHER_DATABASE_IS_OPEN"
    )
    assert manager.CloseDatabase()
    assert manager.OpenDatabase(r"C:\nowhere.SAI", "HaloSync", "pw", True, "Halo", "HALOSY", 1)[1] == (
        "FAIL_PATH_NOT_EXIST"
    )
    manager.companies[SAI].open_single_user = True
    assert (
        manager.OpenDatabase(SAI, "HaloSync", "pw", True, "Halo", "HALOSY", 1)[1] == "FAIL_DATABASE_CONNECTION_FAILED"
    )
    assert manager.GetDatabaseVersion(SAI) == (None, "32.10", "0")


def test_a_read_only_user_is_refused_through_the_alert_and_the_default_alert_throws():
    manager, alert = opened(rights="read data")
    ledger = manager.OpenCustomerLedger()
    ledger.InitializeNew()
    ledger.Name = "Café Montréal"
    assert ledger.Save() is False
    assert alert.texts == ["You do not have the rights to change data in this company."]
    manager.SetAlertImplementation(None)
    with pytest.raises(RuntimeError, match="rights"):
        ledger.Save()
    assert "Café Montréal" not in manager.company.customers


def test_customer_names_are_unique_and_at_most_52_characters_and_renames_keep_one_record():
    manager, alert = opened()
    ledger = manager.OpenCustomerLedger()
    existing = next(iter(manager.company.customers))
    for name in (existing, "x" * 53):
        ledger.InitializeNew()
        ledger.Name = name
        assert not ledger.Save()
    assert alert.texts == [f"The customer '{existing}' already exists.", "The name may be at most 52 characters."]
    assert ledger.LoadByName(existing)
    ledger.Name, ledger.City = "Renamed Ltd", "Laval"
    assert ledger.Save()
    assert "Renamed Ltd" in manager.company.customers
    assert existing not in manager.company.customers
    assert manager.company.customers["Renamed Ltd"].city == "Laval"


def test_a_sales_invoice_is_posted_with_each_authoritys_tax_and_lines_counted_from_one():
    manager, alert = opened("QC")
    journal = manager.OpenSalesJournal()
    customer = next(iter(manager.company.customers))
    journal.SelectTransType(0)
    assert journal.SelectAPARLedger(customer)
    journal.InvoiceNumber = "1001"
    journal.SetJournalDate("11-02-2026")
    journal.SetItemNumber("SUPPORT", 1)
    journal.SetQuantity(1.0, 1)
    journal.SetPrice(100.0, 1)
    journal.SetLineAmount(100.0, 1)
    journal.SetTaxCodeString("GQ", 1)
    summary = journal.GetLineTaxAmountInfo(1)
    assert (summary.GetTaxAmountByName("GST"), summary.GetTaxAmountByName("QST")) == (5.0, 9.98)
    summary.SetTaxAmountByName("QST", 9.97)  # Halo's rounding, kept
    summary.Save()
    assert journal.GetTotalAmount() == pytest.approx(114.97)
    with pytest.raises(IndexError):
        journal.SetItemNumber("SUPPORT", 0)
    assert journal.Post(), alert.texts
    (invoice,) = manager.company.invoices
    assert (invoice.number, invoice.party, invoice.entry_date, invoice.total) == (
        "1001", customer, date(2026, 11, 2), Decimal("114.97"),
    )  # fmt: skip
    assert [(t.name, t.amount) for t in invoice.details[0].taxes] == [
        ("GST", Decimal("5.00")),
        ("QST", Decimal("9.97")),
    ]


def test_post_answers_false_with_the_reason_in_the_alert():
    manager, alert = opened("ON")
    journal = manager.OpenSalesJournal()
    journal.SelectAPARLedger(next(iter(manager.company.customers)))
    journal.InvoiceNumber = "5"
    journal.SetJournalDate("11-02-2026")
    journal.SetItemNumber("NO-SUCH", 1)
    journal.SetLineAmount(10.0, 1)
    journal.SetTaxCodeString("ZZ", 1)
    assert journal.Post() is False
    assert "'NO-SUCH' is not an inventory or service item" in alert.texts[-1]
    assert "tax code 'ZZ' does not exist" in alert.texts[-1]
    assert manager.company.invoices == []


def test_items_vendors_and_purchase_orders():
    manager, alert = opened("BC")
    items = manager.OpenInventoryLedger()
    items.InitializeNew()
    items.Number, items.Name, items.IsServiceType, items.RegularPrice = "FW-100", "Firewall", False, 899.0
    assert items.Save()
    items.InitializeNew()
    items.Number = "FW-100"
    assert not items.Save()
    assert alert.texts[-1] == "The item number 'FW-100' is already used."
    assert items.LoadByPartCode("FW-100")
    assert items.Name == "Firewall"
    assert items.IsServiceType is False
    vendors = manager.OpenVendorLedger()
    vendors.InitializeNew()
    vendors.Name = "Ingram Micro"
    assert vendors.Save()
    orders = manager.OpenPurchasesJournal()
    orders.SelectTransType("Order")
    assert orders.SelectAPARLedger("Ingram Micro")
    orders.OrderQuoteNum = "PO-7"
    orders.SetJournalDate("11-03-2026")
    orders.SetItemNumber("FW-100", 1)
    orders.SetQuantity(2.0, 1)
    orders.SetPrice(899.0, 1)
    orders.SetTaxCodeString("GP", 1)
    assert orders.Post(), alert.texts
    (order,) = manager.company.invoices
    assert (order.journal, order.number, order.total) == ("purchase orders", "PO-7", Decimal("2013.76"))


def test_tax_on_tax_and_tax_included_are_worked_out_as_sage_does():
    company = seed_company("ON")
    assert line_taxes(company, "HI", Decimal("113.00")) == {"HST": Decimal("13.00")}
    company.authorities["QST"] = Authority("QST", Decimal("9.5"), charged_on=("GST",))  # Quebec before 2013
    company.add_tax_code(TaxCode("GQ", "GST @ 5%; QST @ 9.5%", ("GST", "QST")))
    assert line_taxes(company, "GQ", Decimal("100.00")) == {"GST": Decimal("5.00"), "QST": Decimal("9.98")}
    assert line_taxes(company, "E", Decimal(100)) == {}


def test_receipts_never_pay_more_than_is_owing_and_the_company_survives_a_round_trip(tmp_path):
    manager, _ = opened("ON")
    journal = manager.OpenSalesJournal()
    customer = next(iter(manager.company.customers))
    journal.SelectAPARLedger(customer)
    journal.InvoiceNumber = "42"
    journal.SetJournalDate("11-02-2026")
    journal.SetItemNumber("SUPPORT", 1)
    journal.SetLineAmount(100.0, 1)
    journal.SetTaxCodeString("H", 1)
    assert journal.Post()
    company = manager.company
    assert "more than the 113.00 owing" in company.record_receipt(customer, date(2026, 11, 9), [("42", Decimal(200))])
    assert "no open invoice 43" in company.record_receipt(customer, date(2026, 11, 9), [("43", Decimal(1))])
    assert company.record_receipt(customer, date(2026, 11, 9), [("42", Decimal("100.00"))], "CHQ 12") == ""
    invoice = company.sales_invoice("42")
    assert invoice is not None
    assert company.owing(invoice) == Decimal("13.00")
    save_company(company, tmp_path / "company.json")
    again = load_company(tmp_path / "company.json")
    assert again.customers == company.customers
    assert again.items == company.items
    assert again.invoices == company.invoices
    assert again.receipts == company.receipts
    assert again.tax_codes == company.tax_codes
    assert again.authorities == company.authorities
