"""Sage 50 Canada from the command line: company add, sync and doctor over the simulated company."""

from __future__ import annotations

import json

from halo_accounts.config import load_settings
from halo_accounts.simulators.sage50ca import import_file, seed_company
from halo_accounts.simulators.sage50ca.mysql import materialise


def test_a_simulated_canadian_company_is_added_synced_and_checked(cli, tmp_path, no_keyring, monkeypatch):
    monkeypatch.setenv("HALO_ACCOUNTS_BOOKS_PASSWORD", "pw-of-sage")  # no keyring here: the service's way
    kept = tmp_path / "canada.json"
    added = cli(
        "company", "add", "canada", "--books", "sage50ca", "--transport", "simulator", "--company-file", str(kept),
        "--books-user", "halosync", "--default-item", "SUPPORT", "--password-stdin", stdin="\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    company = load_settings(tmp_path / "config.toml", environ={}).companies["canada"]
    assert (company.books.value, company.books_user, company.default_item) == ("sage50ca", "HALOSYNC", "SUPPORT")

    synced = cli("sync", "--company", "canada", "--store", cli.store, "--json")
    assert synced.exit_code in (0, 1), synced.output  # 1: some invoices wait for a tax mapping
    summary = json.loads(synced.stdout)
    assert summary["flows"]["customers"]["created"] > 0
    data = json.loads(kept.read_text(encoding="utf-8"))
    clients = [c for c in cli.sim.tables["Client"].values() if not c.get("inactive")]
    assert sorted(data["customers"]) == sorted(c["name"] for c in clients)
    assert "pw-of-sage" not in kept.read_text(encoding="utf-8")  # user names only, never the password

    again = cli("sync", "--company", "canada", "--store", cli.store, "--json")
    assert json.loads(again.stdout)["flows"]["customers"].get("created", 0) == 0
    doctor = cli("doctor", "--store", cli.store)
    assert "Sage 50 Canada" in doctor.output


def test_what_sage_50_canada_cannot_use_is_refused_with_what_it_can(cli, tmp_path):
    refused = cli("company", "add", "bad", "--books", "sage50ca", "--transport", "com")
    assert refused.exit_code == 3
    assert "sage50ca is reached through sdk, files, simulator, not com" in refused.output
    with_password = cli(
        "company", "add", "bad", "--books", "sage50ca", "--transport", "sdk", "--database-url",
        "mysql+pymysql://halosync:hunter2@sagepc:13540/simply", "--password-stdin", stdin="x\n",
    )  # fmt: skip
    assert with_password.exit_code == 3
    assert "leave the password out of database_url" in with_password.output
    assert "hunter2" not in with_password.output


def test_import_files_are_written_for_sage_and_read_back_from_its_database(cli, tmp_path, monkeypatch):
    """Without Sage's importer the files wait in the folder, and count as written: a second sync writes none."""
    monkeypatch.setenv("HALO_ACCOUNTS_BOOKS_PASSWORD", "pw")
    database = tmp_path / "simply.db"
    materialise(seed_company("ON"), f"sqlite:///{database}")  # the company's database, as Sage keeps it
    folder = tmp_path / "imp"
    added = cli(
        "company", "add", "files", "--books", "sage50ca", "--transport", "files", "--import-folder", str(folder),
        "--database-url", f"sqlite:///{database}", "--default-item", "SUPPORT", "--password-stdin", stdin="\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    synced = cli("sync", "--company", "files", "--store", cli.store, "--json")
    assert synced.exit_code in (0, 1), synced.output  # 1: items cannot be created by import file, and say so
    first = json.loads(synced.stdout)
    assert first["flows"]["customers"]["created"] > 0
    written = sorted(folder.glob("*.imp"))
    assert written
    text = written[0].read_bytes().decode("cp1252")
    assert text.startswith('<Version>\r\n"32101","1"\r\n</Version>\r\n<customers>\r\n')
    again = cli("sync", "--company", "files", "--store", cli.store, "--json")
    assert json.loads(again.stdout)["flows"]["customers"].get("created", 0) == 0
    assert sorted(folder.glob("*.imp")) == written  # nothing written twice

    # Nobody imported them yet: the doctor says so, with how long they have waited.
    doctor = cli("doctor", "--store", cli.store)
    assert "import file(s) in" in doctor.output
    assert "File > Import" in doctor.output
    # Someone imports them by hand (File > Import Transactions): the doctor sees them in the books, files away.
    company = seed_company("ON")
    for path in written:
        assert import_file(company, path.read_bytes()).ok
    materialise(company, f"sqlite:///{database}")
    doctor = cli("doctor", "--store", cli.store)
    assert "import file(s) in" not in doctor.output
    assert sorted(p.name for p in (folder / "imported").glob("*.imp")) == sorted(p.name for p in written)
