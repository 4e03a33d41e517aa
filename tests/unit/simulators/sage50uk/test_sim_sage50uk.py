"""The Sage 50 UK simulator: SDO's call contract and the rules Sage applies to what is saved."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from halo_accounts.simulators.sage50uk import SageCompany, SDOEngine, seed_company

DATA = r"C:\Sage\ACCDATA"


@pytest.fixture
def company():
    return seed_company(SageCompany(DATA, users={"MANAGER": "", "HALOSYNC": "pw"}))


@pytest.fixture
def engine(company):
    return SDOEngine({DATA: company})


@pytest.fixture
def ws(engine):
    workspace = engine.Workspaces.Add("Tests")
    assert workspace.Connect(DATA, "HALOSYNC", "pw", "unique-1")
    yield workspace
    workspace.Disconnect()


def add_customer(ws, **fields):
    record = ws.CreateObject("SalesRecord")
    record.AddNew()
    for name, value in fields.items():
        record.Fields.Item(name).Value = value
    return record.Update()


def post(ws, kind=1, account="ACME", splits=(("4000", 100.0, 20.0, 1),), when=datetime(2026, 11, 2)):  # noqa: DTZ001
    transaction = ws.CreateObject("TransactionPost")
    header = transaction.Header.Fields
    for name, value in (("ACCOUNT_REF", account), ("DATE", when), ("INV_REF", "1001"), ("TYPE", kind)):
        header.Item(name).Value = value
    for nominal, net, tax, code in splits:
        split = transaction.Items.Add().Fields
        for name, value in (("NOMINAL_CODE", nominal), ("NET_AMOUNT", net), ("TAX_AMOUNT", tax), ("TAX_CODE", code)):
            split.Item(name).Value = value
    return transaction.Update(), transaction.PostingNumber


def test_connect_rules_one_connection_per_user_and_the_reasons_in_last_error(engine, company):
    first = engine.Workspaces.Add("A")
    assert first.Connect(DATA, "halosync", "pw", "u1")  # user names are not case sensitive
    second = engine.Workspaces.Add("B")
    assert not second.Connect(DATA, "HALOSYNC", "pw", "u2")
    assert engine.LastError.Code == 23
    first.Disconnect()
    assert second.Connect(DATA, "HALOSYNC", "pw", "u2")
    second.Disconnect()
    for path, user, password, code in (
        (DATA, "HALOSYNC", "bad", 22),
        (DATA, "NOBODY", "", 21),
        (r"C:\x", "HALOSYNC", "pw", 25),
    ):
        assert not engine.Workspaces.Add("C").Connect(path, user, password, "u3")
        assert engine.LastError.Code == code
    company.faults.exclusive = True
    assert not engine.Workspaces.Add("D").Connect(DATA, "HALOSYNC", "pw", "u4")
    assert engine.LastError.Code == 24
    old = SDOEngine({DATA: company}, version=31)
    company.faults.exclusive = False
    assert not old.Workspaces.Add("E").Connect(DATA, "HALOSYNC", "pw", "u5")
    assert old.LastError.Code == 26


def test_account_references_follow_sages_rules(ws, engine, company):
    assert add_customer(ws, ACCOUNT_REF="ACME", NAME="Acme Ltd")
    for ref, code in (("ACME", 84), ("AC ME", 82), ("acme2", 86), ("TOOLONGREF", 86), ("", 63)):
        assert not add_customer(ws, ACCOUNT_REF=ref, NAME="x")
        assert engine.LastError.Code == code, ref
    assert not add_customer(ws, ACCOUNT_REF="LONG", ADDRESS_1="x" * 61)
    assert engine.LastError.Code == 83
    assert not add_customer(ws, ACCOUNT_REF="NOMINAL", DEF_NOM_CODE="7777")
    assert engine.LastError.Code == 65
    assert list(company.customers) == ["ACME"]


def test_find_edit_update_and_reading_in_reference_order(ws, company):
    for ref in ("ZED", "ACME", "9LIVES"):
        assert add_customer(ws, ACCOUNT_REF=ref, NAME=ref.title())
    record = ws.CreateObject("SalesRecord")
    record.Fields.Item("ACCOUNT_REF").Value = "ACME"
    assert record.Find(False)
    assert record.Edit()
    record.Fields.Item("NAME").Value = "Acme Holdings"
    assert record.Update()
    assert company.customers["ACME"]["NAME"] == "Acme Holdings"
    seen = []
    assert record.MoveFirst()
    while not record.IsEOF:
        seen.append(record.Fields.Item("ACCOUNT_REF").Value)
        record.MoveNext()
    assert seen == ["9LIVES", "ACME", "ZED"]  # numbers sort before letters
    assert not record.Update()  # no AddNew or Edit before it


def test_postings_check_nominals_tax_codes_amounts_and_the_lock_date(ws, engine, company):
    assert add_customer(ws, ACCOUNT_REF="ACME", NAME="Acme Ltd")
    ok, number = post(ws)
    assert ok
    assert number == 1
    assert company.customers["ACME"]["BALANCE"] == 120
    refusals = [
        ({"splits": (("1100", 100.0, 20.0, 1),)}, 88),  # Debtors Control takes no direct posting
        ({"splits": (("7777", 100.0, 20.0, 1),)}, 65),
        ({"splits": (("4000", 100.0, 20.0, 42),)}, 90),  # T42 is not set up
        ({"splits": (("4000", 0.0, 0.0, 0),)}, 44),
        ({"splits": (("4000", -10.0, 0.0, 0),)}, 89),
        ({"splits": (("4000", 10.005, 0.0, 0),)}, 50),
        ({"account": "NOBODY"}, 63),
    ]
    for arguments, code in refusals:
        ok, _ = post(ws, **arguments)
        assert (ok, engine.LastError.Code) == (False, code), arguments
    company.lock_date = date(2026, 11, 30)
    ok, _ = post(ws)
    assert not ok
    assert engine.LastError.Code == 49
    assert len(company.headers) == 1


def test_the_audit_trail_and_tax_codes_read_back(ws, company):
    assert add_customer(ws, ACCOUNT_REF="ACME", NAME="Acme Ltd")
    post(ws, kind=2, splits=(("4000", 50.0, 10.0, 1), ("4000", 25.0, 0.0, 0)))
    headers = ws.CreateObject("HeaderData")
    assert headers.MoveFirst()
    assert (headers.Fields.Item("TYPE").Value, headers.Fields.Item("NET_AMOUNT").Value) == (2, 75)
    assert headers.Fields.Item("TAX_AMOUNT").Value == 10
    tax = ws.CreateTaxCode()
    assert tax.Load(1)
    assert (tax.Name, tax.Rate) == ("Standard rate", 20.0)
    assert not tax.Load(42)


def test_a_closed_connection_refuses_calls(engine):
    workspace = engine.Workspaces.Add("Tests")
    assert workspace.Connect(DATA, "HALOSYNC", "pw", "u")
    record = workspace.CreateObject("SalesRecord")
    workspace.Disconnect()
    with pytest.raises(RuntimeError):
        record.MoveFirst()
    assert engine.LastError.Code == 16


def test_the_importer_checks_each_row_as_sdo_does_and_refuses_receipts(company):
    from halo_accounts.simulators.sage50uk.csvio import export_file, import_file  # noqa: PLC0415

    customers = b"ACME,Acme Ltd,1 High St,,,,SW1A 1AA\r\nAC ME,Bad Ref\r\nZED,Zed Ltd\r\n"
    report = import_file(company, "customers", customers)
    assert report.imported == 2
    assert report.errors == [(2, "Account reference contains spaces: AC ME")]
    audit = (
        b"SI,ACME,4000,,02/11/2026,1001,Support,100.00,T1,20.00\r\n"
        b"SI,ACME,4001,,02/11/2026,1001,Hardware,50.00,T1,10.00\r\n"  # the same header: one transaction
        b"SR,ACME,1200,,03/11/2026,1001,Receipt,180.00,T9,0.00\r\n"
        b"SI,ACME,4000,,31/02/2026,1002,Bad date,10.00,T1,2.00\r\n"
        b"SC,ZED,1100,,04/11/2026,CN1,Control,10.00,T1,2.00\r\n"
    )
    report = import_file(company, "audit", audit)
    assert report.imported == 1
    assert [line for line, _ in report.errors] == [3, 4, 5]
    assert "cannot be imported" in report.errors[0][1]
    assert (company.headers[0]["NET_AMOUNT"], company.headers[0]["TAX_AMOUNT"]) == (150, 30)
    exported = export_file(company, "audit").decode("cp1252").splitlines()
    assert exported == [
        "SI,ACME,4000,,02/11/2026,1001,Support,100.00,T1,20.00,,,,,",
        "SI,ACME,4001,,02/11/2026,1001,Hardware,50.00,T1,10.00,,,,,",
    ]
    assert import_file(company, "customers", b"ACME,Acme Holdings\r\n").imported == 1  # an existing account: updated
    assert company.customers["ACME"]["NAME"] == "Acme Holdings"
