"""``halo-accounts sync`` and friends as a user runs them, against the Halo simulator and a simulated company."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.simulators.quickbooks import QuickBooksCompany

from testsupport import CLIENT_SECRET


def test_dry_run_then_sync_then_nothing_to_do(cli, tmp_path):
    plan = cli("sync", "--store", cli.store, "--dry-run", "--json")
    assert plan.exit_code in (0, 1), plan.output
    planned = json.loads(plan.output)
    assert planned["dry_run"] is True
    assert any(p["action"] == "create" and p["flow"] == "customers" for p in planned["plan"])
    assert QuickBooksCompany(edition="UK", store=str(cli.books)).list_records("Customer") == []

    trace = tmp_path / "trace"
    first = cli("sync", "--store", cli.store, "--json", "--trace-dir", str(trace))
    assert first.exit_code in (0, 1), first.output
    figures = json.loads(first.output)
    assert figures["flows"]["customers"]["created"] > 0
    company = QuickBooksCompany(edition="UK", store=str(cli.books))
    assert len(company.list_records("Customer")) == figures["flows"]["customers"]["created"]
    traced = sorted(p.name for p in trace.iterdir())
    assert any("qbxml-request" in n for n in traced)
    assert any("halo-request" in n for n in traced)
    for path in trace.iterdir():
        assert CLIENT_SECRET not in path.read_text(encoding="utf-8")

    second = cli("sync", "--store", cli.store, "--json")
    again = json.loads(second.output)
    assert "created" not in again["flows"].get("customers", {})
    assert "created" not in again["flows"].get("invoices", {})

    status = json.loads(cli("status", "--store", cli.store, "--json").output)
    assert status["bound"]["customer"] == figures["flows"]["customers"]["created"]
    history = cli("history", "--store", cli.store)
    assert history.exit_code == 0
    assert "ok" in history.output or "partial" in history.output


def test_missing_tax_mapping_is_reviewable_and_fixable(cli):
    first = cli("sync", "--store", cli.store, "--json")
    reviews = json.loads(cli("errors", "--store", cli.store, "--json").output)["reviews"]
    assert reviews, first.output
    assert "mappings set tax" in reviews[0]["reason"]
    halo_tax = reviews[0]["reason"].split("Halo tax rate ")[1].split(" ")[0]
    assert cli("mappings", "set", "tax", halo_tax, "S", "--store", cli.store).exit_code == 0
    assert f"{halo_tax} -> S" in cli("mappings", "list", "tax", "--store", cli.store).output
    second = json.loads(cli("sync", "--store", cli.store, "--json").output)
    assert second["flows"]["invoices"].get("created", 0) > 0


def test_a_web_connector_company_says_how_it_syncs(cli):
    assert cli("company", "add", "wc", "--password-stdin", stdin="long-enough-password\n").exit_code == 0
    result = cli("sync", "--company", "wc", "--store", cli.store)
    assert result.exit_code == 3
    assert "Web Connector" in result.output


def test_support_bundle_and_log_file_hold_no_secret(cli, tmp_path):
    import zipfile

    trace = tmp_path / "trace"
    env_state = {"XDG_STATE_HOME": str(tmp_path / "state"), "LOCALAPPDATA": str(tmp_path / "state")}
    result = CliRunner().invoke(
        app,
        [
            "--config",
            str(cli.books.parent / "config.toml"),
            "-v",
            "sync",
            "--store",
            cli.store,
            "--trace-dir",
            str(trace),
        ],
        env={**cli.env, **env_state},
    )
    assert result.exit_code in (0, 1), result.output
    bundle = tmp_path / "bundle.zip"
    made = CliRunner().invoke(
        app,
        [
            "--config",
            str(cli.books.parent / "config.toml"),
            "export-support-bundle",
            "-o",
            str(bundle),
            "--trace-dir",
            str(trace),
        ],
        env={**cli.env, **env_state},
    )
    assert made.exit_code == 0, made.output
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert "settings.json" in names
        assert any(n.startswith("logs/") for n in names)  # the rotating log of the sync
        assert any(n.startswith("traces/") for n in names)
        content = "\n".join(archive.read(n).decode("utf-8", errors="replace") for n in names)
    assert CLIENT_SECRET not in content
    assert "pbkdf2_sha256$" not in content
    assert "HTTP Request" in content  # the log really has the run in it


def test_a_second_sync_of_the_same_company_is_refused_and_changes_nothing(cli):
    from halo_accounts.store import open_store
    from halo_accounts.store.state import SyncState

    opened = open_store(cli.store)
    try:
        with SyncState(opened.engine, "acme").exclusive():  # a run already under way, e.g. from a scheduled task
            refused = cli("sync", "--store", cli.store)
            planned = cli("sync", "--store", cli.store, "--dry-run")  # a dry run changes nothing: never refused
    finally:
        opened.close()
    assert refused.exit_code == 4, refused.output
    assert "Another sync of 'acme' is running" in refused.output
    assert QuickBooksCompany(edition="UK", store=str(cli.books)).list_records("Customer") == []
    assert planned.exit_code in (0, 1), planned.output
    assert cli("sync", "--store", cli.store).exit_code in (0, 1)  # free again once the other run ends
    assert QuickBooksCompany(edition="UK", store=str(cli.books)).list_records("Customer")
