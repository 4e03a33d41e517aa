"""``halo-accounts doctor``'s local checks end to end: a real store, a simulated company, the Halo simulator."""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from halo_accounts.store import open_store
from halo_accounts.store.schema import schema_migrations
from halo_accounts.store.sessions import WebConnectorSessions


def local(result, company=None):
    """The local checks of a ``doctor --json`` run, by check name (of one company, or the store's)."""
    rows = json.loads(result.output)["local_checks"]
    return {r["check"]: r for r in rows if company is None or r["company"] == company}


def test_fresh_store_and_simulated_books_are_ok(cli):
    open_store(cli.store).close()
    result = cli("doctor", "--store", cli.store)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "Books (simulator)" in result.output
    checks = local(cli("doctor", "--store", cli.store, "--json"), "acme")
    assert checks["Books (simulator)"]["status"] == "OK"
    assert "QuickBooks" in checks["Books (simulator)"]["advice"]
    assert {c["status"] for c in checks.values()} == {"OK"}
    store = local(cli("doctor", "--store", cli.store, "--json"), "")
    assert [c["status"] for c in store.values()] == ["OK"]


def test_reviews_and_unmapped_tax_are_listed_with_the_fix(cli):
    synced = cli("sync", "--store", cli.store, "--json")
    assert synced.exit_code in (0, 1), synced.output
    result = cli("doctor", "--store", cli.store, "--json")
    assert result.exit_code == 3, result.output
    checks = local(result, "acme")
    assert checks["Records needing review"]["status"] == "NOT CHECKED"
    assert "halo-accounts errors" in checks["Records needing review"]["advice"]
    unmapped = checks["Unmapped tax rates"]
    assert unmapped["status"] == "MISSING"
    assert "halo-accounts mappings set tax " in unmapped["advice"]
    halo_tax = unmapped["advice"].split("mappings set tax ")[1].split(" ")[0]

    assert cli("mappings", "set", "tax", halo_tax, "S", "--store", cli.store).exit_code == 0
    after = local(cli("doctor", "--store", cli.store, "--json"), "acme")
    assert f"mappings set tax {halo_tax} " not in after["Unmapped tax rates"]["advice"]

    shown = cli("doctor", "--store", cli.store)
    assert "Records needing review" in shown.output
    assert "Traceback" not in shown.output


def test_a_web_connector_company_never_called_says_how(cli):
    assert cli("company", "add", "wc", "--password-stdin", stdin="long-enough-password\n").exit_code == 0
    result = cli("doctor", "--store", cli.store, "--json")
    assert result.exit_code == 0, result.output
    check = local(result, "wc")["Books (Web Connector)"]
    assert check["status"] == "NOT CHECKED"
    assert "halo-accounts qwc --company wc" in check["advice"]
    assert "halo-accounts serve" in check["advice"]


def test_a_pending_migration_is_listed(cli):
    store = open_store(cli.store)
    with store.engine.begin() as connection:
        last = connection.execute(select(schema_migrations.c.name).order_by(schema_migrations.c.name.desc())).first()
        assert last is not None
        connection.execute(delete(schema_migrations).where(schema_migrations.c.name == last[0]))
    store.close()
    result = cli("doctor", "--store", cli.store, "--json")
    assert result.exit_code == 0, result.output
    (check,) = local(result, "").values()
    assert check["status"] == "NOT CHECKED"
    assert last[0] in check["advice"]
    assert "applied by the next 'sync' or 'serve'" in check["advice"]


def test_a_store_never_created_is_left_alone(cli, tmp_path):
    result = cli("doctor", "--store", f"sqlite:///{tmp_path / 'new.db'}", "--json")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "new.db").exists()
    assert local(result, "acme")["Books (simulator)"]["status"] == "OK"


def test_an_unreachable_store_is_an_error_not_a_traceback(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'store.db'}"
    result = cli("doctor", "--store", url)
    assert result.exit_code == 3, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "Cannot open the store" in result.output
    body = local(cli("doctor", "--store", url, "--json"), "")
    (check,) = body.values()
    assert check["status"] == "ERROR"


def test_com_books_that_cannot_be_opened_are_an_error_row(cli):
    added = cli("company", "add", "desk", "--transport", "com")
    assert added.exit_code == 0, added.output
    result = cli("doctor", "--store", cli.store, "--json")
    assert result.exit_code == 3, result.output
    check = local(result, "desk")["Books (com)"]
    assert check["status"] == "ERROR"
    assert check["advice"]


def test_a_web_connector_company_whose_last_session_failed_is_an_error(cli):
    assert cli("company", "add", "wc", "--password-stdin", stdin="long-enough-password\n").exit_code == 0
    store = open_store(cli.store)
    sessions = WebConnectorSessions(store.engine)
    sessions.create("old-ticket", "wc")
    sessions.update("old-ticket", state="closed", summary="Synced.")
    sessions.create("new-ticket", "wc")
    sessions.update("new-ticket", state="failed", last_error="QuickBooks was closed.")
    store.close()
    result = cli("doctor", "--store", cli.store, "--json")
    assert result.exit_code == 3, result.output
    check = local(result, "wc")["Books (Web Connector)"]
    assert check["status"] == "ERROR"
    assert "Last called" in check["advice"]
    assert "QuickBooks was closed." in check["advice"]
