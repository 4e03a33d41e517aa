"""Sage 50 Canada from the command line: company add, sync and doctor over the simulated company."""

from __future__ import annotations

import json

from halo_accounts.config import load_settings


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
