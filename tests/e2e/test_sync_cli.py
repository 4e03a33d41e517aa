"""``halo-accounts sync`` and friends as a user runs them, against the Halo simulator and a simulated company."""

from __future__ import annotations

import json
from decimal import Decimal

from pydantic import SecretStr
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import ITEM, ItemRecord
from halo_accounts.simulators.quickbooks import QuickBooksCompany

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT


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
    waiting = [r for r in reviews if f"mappings set tax {halo_tax} " in r["reason"]]
    listed = cli("errors", "--store", cli.store).output  # one line per rate, however many invoices wait for it
    assert f"review: {len(waiting)} waiting for a tax mapping of Halo {halo_tax}" in listed
    assert f"halo-accounts mappings set tax {halo_tax} CODE --company acme" in listed
    assert listed.count(f"of Halo {halo_tax}") == 1
    mapped = cli("mappings", "set", "tax", halo_tax, "S", "--store", cli.store)
    assert mapped.exit_code == 0
    assert f"{len(waiting)} record(s) waiting for it go back to the next sync" in mapped.output
    released = json.loads(cli("errors", "--store", cli.store, "--json").output)["reviews"]
    assert not [r for r in released if f"mappings set tax {halo_tax} " in r["reason"]]  # at once, not next run
    assert f"{halo_tax} -> S" in cli("mappings", "list", "tax", "--store", cli.store).output
    second = json.loads(cli("sync", "--store", cli.store, "--json").output)
    assert second["flows"]["invoices"].get("created", 0) > 0
    # ... and the sync did not ask again: with the mapping, every one of them went.
    left = json.loads(cli("errors", "--store", cli.store, "--json").output)["reviews"]
    assert not [r for r in left if f"mappings set tax {halo_tax} " in r["reason"]]


def test_a_mapping_the_sync_could_not_use_is_refused_by_the_command(cli):
    refused = cli("mappings", "set", "item_type", "1", "hardware", "--store", cli.store)
    assert refused.exit_code == 3
    assert "held as service, non_inventory, inventory" in refused.output
    assert "Traceback" not in refused.output
    assert "No item_type mappings yet" in cli("mappings", "list", "item_type", "--store", cli.store).output


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


def test_an_item_type_mapping_decides_how_new_items_are_held_and_leaves_existing_ones_as_they_are(cli, halo_url):
    assert cli("sync", "--store", cli.store, "--flows", "tax_rates,items").exit_code in (0, 1)
    company = QuickBooksCompany(edition="UK", store=str(cli.books))
    services = {r["Name"] for r in company.list_records("ItemService")}
    existing = next(i for i in cli.sim.tables["Item"].values() if i.get("type", 0) == 0 and i["name"] in services)
    auth = ClientCredentialsAuth(base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
                                 scopes=["edit:items"], tenant=TENANT)  # fmt: skip
    with HaloClient(base_url=halo_url, auth=auth, rate_limit=None) as halo:
        halo.save(ITEM, [ItemRecord(id=existing["id"], description="Now with a description")])
        halo.save(ITEM, [ItemRecord(name="Cable Kit", type=0, baseprice=Decimal("12.50"))])

    mapped = cli("mappings", "set", "item_type", "0", "non_inventory", "--store", cli.store)
    assert mapped.exit_code == 0, mapped.output
    second = cli("sync", "--store", cli.store, "--flows", "items", "--json")
    assert second.exit_code == 0, second.output
    figures = json.loads(second.output)["flows"]["items"]
    type_0 = [i for i in cli.sim.tables["Item"].values() if i.get("type", 0) == 0 and i["name"] in services]
    # Every type-0 item looks changed (its kind is part of its content) and goes as QuickBooks holds it.
    assert (figures.get("created"), figures.get("updated"), figures.get("failed", 0)) == (1, len(type_0), 0)
    company = QuickBooksCompany(edition="UK", store=str(cli.books))  # as the sync left it
    assert "Cable Kit" in {r["Name"] for r in company.list_records("ItemNonInventory")}
    kept = next(r for r in company.list_records("ItemService") if r["Name"] == existing["name"])
    assert "Now with a description" in json.dumps(kept)  # updated, still a service item


def test_a_record_linked_by_its_name_no_longer_shows_its_older_error(cli):
    from halo_accounts.errors import RecordError
    from halo_accounts.store import open_store
    from halo_accounts.store.state import SyncState

    assert cli("sync", "--store", cli.store, "--flows", "customers").exit_code == 0
    store = open_store(cli.store)
    try:
        state = SyncState(store.engine, "acme")
        halo_id = next(iter(state.bindings("customer")))
        state.unbind("customer", halo_id)  # as if its create's answer had been lost, and it had failed since
        state.record_error("customer", halo_id, RecordError("QuickBooks was busy"))
        state.forget_cursor("customers")
        again = json.loads(cli("sync", "--store", cli.store, "--flows", "customers", "--json").output)
        assert again["flows"]["customers"].get("link") == 1
        assert halo_id in state.bindings("customer")
        assert [e for e in state.open_errors() if e["halo_id"] == halo_id] == []
    finally:
        store.close()


def test_a_relinked_item_stays_relinked_and_one_of_a_kind_the_integrator_does_not_write_is_refused(cli):
    from halo_accounts.store import open_store
    from halo_accounts.store.state import Binding, SyncState

    assert cli("sync", "--store", cli.store, "--flows", "tax_rates,items").exit_code in (0, 1)
    tax_item = QuickBooksCompany(edition="UK", store=str(cli.books)).list_records("ItemSalesTax")[0]
    halo_id = str(next(iter(cli.sim.tables["Item"])))
    store = open_store(cli.store)
    try:  # a person relinked the Halo item (as the dashboard does) to a QuickBooks sales tax item
        state = SyncState(store.engine, "acme")
        state.bind(Binding("item", halo_id, tax_item["ListID"], "", tax_item["ListID"], ""))
        result = cli("sync", "--store", cli.store, "--flows", "items", "--json")
        assert result.exit_code == 1, result.output
        figures = json.loads(result.output)
        assert figures["flows"]["items"].get("failed") == 1
        (error,) = figures["errors"]
        assert "as a ItemSalesTax, which the integrator does not update" in error["message"]
        assert "in the dashboard's Mappings" in error["message"]
        # The person's link holds: the item's first create is not taken for this update.
        assert state.bindings("item")[halo_id].books_id == tax_item["ListID"]
    finally:
        store.close()


def test_a_company_pointed_at_other_books_stops_until_a_person_says_which(cli, tmp_path):
    import shutil

    assert cli("sync", "--store", cli.store).exit_code in (0, 1)
    moved = tmp_path / "moved" / "books.sqlite"
    moved.parent.mkdir()
    shutil.copy(cli.books, moved)  # the same company, in another folder
    readd = ("company", "add", "acme", "--transport", "simulator", "--company-file", str(moved), "--edition", "UK")
    assert cli(*readd).exit_code == 0
    stopped = cli("sync", "--store", cli.store)
    assert stopped.exit_code == 3, stopped.output
    assert "was synced with quickbooks UK" in stopped.output
    assert "halo-accounts company confirm-books acme" in stopped.output
    assert "Traceback" not in stopped.output
    status = cli("history", "--store", cli.store)
    assert "failed" in status.output  # the stopped run is in the history, with why

    confirmed = cli("company", "confirm-books", "acme", "--store", cli.store)
    assert confirmed.exit_code == 0, confirmed.output
    again = cli("sync", "--store", cli.store, "--json")
    assert again.exit_code in (0, 1), again.output
    figures = json.loads(again.output)
    assert figures["stopped"] is None
    assert "created" not in figures["flows"].get("customers", {})  # the links held: nothing made twice

    other = tmp_path / "other.sqlite"  # other books altogether: a dry run says so too, and records nothing
    assert cli("company", "add", "acme", "--transport", "simulator", "--company-file", str(other)).exit_code == 0
    assert cli("sync", "--store", cli.store, "--dry-run").exit_code == 3


def test_a_simulated_company_file_in_a_folder_that_does_not_exist_is_a_setting_to_fix(cli, tmp_path):
    nowhere = tmp_path / "no-such-folder" / "books.sqlite"
    assert cli("company", "add", "acme", "--transport", "simulator", "--company-file", str(nowhere)).exit_code == 0
    result = cli("sync", "--store", cli.store)
    assert result.exit_code == 3, result.output
    assert "The folder of 'acme's simulated company file does not exist" in result.output
