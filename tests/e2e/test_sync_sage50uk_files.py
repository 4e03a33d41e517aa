"""Sage 50 UK through its import files: the engine writes them, Sage's importer (simulated) takes them.

The files are read by the simulator's importer, which checks each row as Sage does; Sage's exports
(written by the simulator in the same layouts) are what the next sync reads back.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

import pytest
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import CLIENT, ClientRecord
from halo_accounts.connectors.sage50uk.files import SageImportFiles
from halo_accounts.engine.runner import run_sync
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.sage50uk import SageCompany, seed_company
from halo_accounts.simulators.sage50uk.company import Nominal
from halo_accounts.simulators.sage50uk.csvio import export_file, import_file
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

FLOWS = FlowSettings(tax_rates=Direction.OFF, payments=Direction.FROM_BOOKS)
KINDS = {"customers": "customers", "suppliers": "suppliers", "products": "products", "audit-trail": "audit"}


@pytest.fixture
def world(halo_url, halo_sim, tmp_path):
    seed_tenant(halo_sim, seed=11, customers=12, items=8, invoices=25, country="UK")
    company = seed_company(SageCompany())
    for code, name in (("4010", "Sales - Services"), ("4020", "Sales - Hardware")):
        company.nominals[code] = Nominal(code, name)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    state = SyncState(store.engine, "sage-files")
    for tax in halo_sim.tables["Tax"].values():  # the person maps Halo's rates to T codes (no tax export)
        code = {Decimal(20): "T1", Decimal(5): "T5"}.get(Decimal(str(tax["value"])), "T0")
        state.set_mapping("tax", str(tax["id"]), code)
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices"], tenant=TENANT,
    )  # fmt: skip
    halo = HaloClient(base_url=halo_url, auth=auth, rate_limit=None)
    ticks = count()
    clock = lambda: datetime(2026, 11, 28, 9, 0, tzinfo=UTC) + timedelta(seconds=next(ticks))  # noqa: E731
    books = SageImportFiles(tmp_path / "import", tmp_path / "export", clock=clock)
    world = halo_sim, company, state, halo, books, tmp_path
    import_and_export(world)  # the person exports the (still empty) company first
    yield world
    halo.close()
    store.close()


def sync(world):
    _, _, state, halo, books, _ = world
    return run_sync(halo, books, state, FLOWS)


def import_and_export(world):
    """What the person does in Sage: File > Import each new file, then File > Export."""
    _, company, _, _, _, tmp_path = world
    done = tmp_path / "imported"
    done.mkdir(exist_ok=True)
    errors = []
    for path in sorted((tmp_path / "import").glob("*.csv")):
        kind = KINDS[path.stem.split("-", 3)[-1]]
        report = import_file(company, kind, path.read_bytes(), today=date(2026, 11, 28))
        errors += [(path.name, line, message) for line, message in report.errors]
        path.rename(done / path.name)
    (tmp_path / "export").mkdir(exist_ok=True)
    for kind, name in (("customers", "customers.csv"), ("suppliers", "suppliers.csv"), ("products", "products.csv"),
                       ("audit", "audit.csv")):  # fmt: skip
        (tmp_path / "export" / name).write_bytes(export_file(company, kind))
    return errors


def test_files_in_sages_layout_are_imported_whole_and_nothing_is_written_twice(world):
    halo_sim, company, state, halo, books, tmp_path = world
    first = sync(world)
    assert first.stopped is None, first.stopped
    files = sorted(p.name for p in (tmp_path / "import").glob("*"))
    assert [name.split("-", 3)[-1] for name in files] == ["products.csv", "customers.csv", "audit-trail.csv"]
    assert not list((tmp_path / "import").glob("*.part"))  # every file complete
    rows = list(csv.reader(io.StringIO((tmp_path / "import" / files[2]).read_bytes().decode("cp1252"))))
    assert all(len(row) == 15 for row in rows)  # Audit Trail Transactions: columns A-O, no header row
    assert {row[0] for row in rows} <= {"SI", "SC"}
    assert all(row[4] == "" or datetime.strptime(row[4], "%d/%m/%Y") for row in rows)  # noqa: DTZ007

    assert import_and_export(world) == []  # Sage takes every row
    active = [c for c in halo_sim.tables["Client"].values() if not c.get("inactive")]
    assert sorted(c["NAME"] for c in company.customers.values()) == sorted(c["name"] for c in active)
    assert len(company.stock) == len(halo_sim.tables["Item"])
    created = first.counts["invoices"]["created"]
    assert created > 0
    assert len(company.headers) == created
    sent = {i["thirdpartyinvoicenumber"]: i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid")}
    for header in company.headers:  # the books' total is Halo's to the penny
        gross = header["NET_AMOUNT"] + header["TAX_AMOUNT"]
        assert (gross if header["TYPE"] == 1 else -gross) == Decimal(str(sent[header["INV_REF"]]["total"]))

    # Someone leaves the imported files in place: each row is now in Sage's export and in the file
    # written, and is still read back once.
    for path in (tmp_path / "imported").glob("*.csv"):
        shutil.copy2(path, tmp_path / "import" / path.name)
    reference = company.headers[0]["INV_REF"]
    (found,) = books.find_invoices([reference]).values()
    assert found.total == Decimal(str(sent[reference]["total"]))
    files = sorted((tmp_path / "import").glob("*.csv"))

    second = sync(world)
    writes = {a: n for c in second.counts.values() for a, n in c.items() if a in ("created", "updated")}
    assert writes == {}, second.plan
    assert sorted((tmp_path / "import").glob("*.csv")) == files  # no new file


def test_a_crash_before_import_is_settled_from_the_files_already_written(world):
    halo_sim, company, state, halo, books, tmp_path = world
    sync(world)
    # The run's answers were lost: the outbox says "sent", the files are there, Sage has not imported them.
    with state._engine.begin() as connection:  # noqa: SLF001 - simulating the crash's leftovers
        from sqlalchemy import delete, update  # noqa: PLC0415

        from halo_accounts.store.schema import bindings, outbox  # noqa: PLC0415

        connection.execute(delete(bindings).where(bindings.c.entity == "invoice"))
        connection.execute(update(outbox).where(outbox.c.entity == "invoice").values(state="sent"))
    for invoice in halo_sim.tables["Invoice"].values():
        invoice["posted"] = False
    written = sorted((tmp_path / "import").glob("*.csv"))
    again = sync(world)
    assert again.counts["invoices"]["created"] == 0
    assert again.counts["invoices"]["link"] > 0
    assert sorted((tmp_path / "import").glob("*.csv")) == written  # nothing written twice


def test_what_sage_would_refuse_fails_alone_before_anything_is_written(world):
    halo_sim, company, state, halo, books, tmp_path = world
    halo.save(CLIENT, [ClientRecord(name="Zhōngguó Trading 中国")])  # not in Windows-1252
    report = sync(world)
    failed = [(record, error.user_message) for flow, record, error in report.errors if flow == "customers"]
    assert len(failed) == 1
    assert "cannot store" in failed[0][1]
    assert import_and_export(world) == []
    assert "Zhōngguó Trading 中国" not in {c["NAME"] for c in company.customers.values()}


def test_without_sages_exports_nothing_is_created_and_the_run_says_what_to_export(world):
    halo_sim, company, state, halo, books, tmp_path = world
    for path in (tmp_path / "export").iterdir():
        path.unlink()
    report = sync(world)
    assert report.stopped is not None
    assert "Export Sage's products (File > Export)" in report.stopped.user_message
    assert "never overwrites one" in report.stopped.user_message
    assert not list((tmp_path / "import").glob("*.csv"))


def test_suppliers_go_to_sage_as_supplier_records_once(world):
    halo_sim, company, state, halo, books, tmp_path = world
    halo.auth.scopes = (*halo.auth.scopes, "edit:suppliers")
    flows = FlowSettings(suppliers=Direction.TO_BOOKS)
    report = run_sync(halo, books, state, flows, only=["suppliers"])
    assert report.errors == [], report.errors
    assert import_and_export(world) == []
    active = [s for s in halo_sim.tables["Supplier"].values() if not s.get("inactive")]
    assert sorted(s["NAME"] for s in company.suppliers.values()) == sorted(s["name"] for s in active)
    assert all(company.suppliers[s["accounts_id"]]["NAME"] == s["name"] for s in active)
    again = run_sync(halo, books, state, flows, only=["suppliers"])
    assert again.counts["suppliers"].get("created", 0) == 0
    assert not list((tmp_path / "import").glob("*.csv"))
