"""``serve`` as the one long-running process: it syncs directly reached companies on its schedule,
and a pause or a sync window set with ``company schedule`` applies at once, also to the Web Connector."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.webconnector import FakeWebConnector
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT, free_port, log_in_to_dashboard

WC_PASSWORD = "web-connector-pw"


DASHBOARD_PASSWORD = "schedule-dash-pw"


def test_serve_syncs_on_schedule_and_obeys_pause_and_window(tmp_path, halo_url, halo_sim):
    seed_tenant(halo_sim, seed=31, customers=5, items=4, invoices=8, country="UK")
    config, books, store = tmp_path / "config.toml", tmp_path / "books.sqlite", f"sqlite:///{tmp_path / 'store.db'}"
    env = {
        **os.environ,
        "HALO_URL": halo_url,
        "HALO_CLIENT_ID": CLIENT_ID,
        "HALO_CLIENT_SECRET": CLIENT_SECRET,
        "HALO_TENANT": TENANT,
        "COLUMNS": "200",
    }
    port = free_port()

    def cli(*args: str, stdin: str | None = None) -> str:
        result = CliRunner().invoke(app, ["--config", str(config), *args], env=env, input=stdin)
        assert result.exit_code == 0, result.output
        return result.output

    cli("config", "set", "server.port", str(port))
    cli("dashboard-password", "--password-stdin", stdin=DASHBOARD_PASSWORD + "\n")
    cli("company", "add", "direct", "--transport", "simulator", "--company-file", str(books), "--edition", "UK")
    cli("company", "add", "web", "--password-stdin", stdin=WC_PASSWORD + "\n")
    assert "PAUSED" in cli("company", "schedule", "web", "--pause")
    process = subprocess.Popen(
        [sys.executable, "-c", "from halo_accounts.cli.app import main; main()", "--config", str(config), "serve",
         "--store", store],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _finished_run(store, "direct"):  # the first pass starts at once
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "the scheduled sync never finished"
            time.sleep(0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/health").json()["status"] == "ok"
        # The dashboard: nothing without its password; with it, each company at a glance.
        assert httpx.get(f"http://127.0.0.1:{port}/status", follow_redirects=False).status_code == 303
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=True) as browser:
            assert log_in_to_dashboard(browser, DASHBOARD_PASSWORD).status_code == 200
            status = {c["company"]: c for c in browser.get("/status").json()["companies"]}
            assert status["direct"]["last_run"]["outcome"] in ("ok", "partial")
            assert status["web"]["paused"] is True
            assert status["web"]["last_run"] is None
            page = browser.get("/").text
            assert 'web <span class="muted">· quickbooks via webconnector</span>' in page
            assert "Next: paused" in page
            checks = browser.get("/checks").text  # the doctor, live, from the dashboard
            assert "Edit - Customers" in checks or "Customers" in checks
            assert "Books (simulator)" in checks
            assert "Answered: QuickBooks" in checks
            assert CLIENT_SECRET not in checks

        web_company = QuickBooksCompany(edition="UK", validate_schema=False)
        connector = FakeWebConnector(f"http://127.0.0.1:{port}/qbwc", "halo-web", WC_PASSWORD, web_company)
        assert connector.update().status == "none"  # paused: nothing to do
        cli("company", "schedule", "web", "--resume", "--window", _window_excluding_now())
        assert connector.update().status == "none"  # outside its window
        cli("company", "schedule", "web", "--window", "any")
        assert connector.update().status == "done"  # resumed, any time: it syncs
        connector.close()
        assert web_company.list_records("Customer")

        # A Web Connector company added while serve runs (as the dashboard's set-up does) is served at once.
        cli("company", "add", "late", "--password-stdin", stdin=WC_PASSWORD + "\n")
        late_company = QuickBooksCompany(edition="UK", validate_schema=False)
        late = FakeWebConnector(f"http://127.0.0.1:{port}/qbwc", "halo-late", WC_PASSWORD, late_company)
        assert late.update().status == "done"
        late.close()
        assert late_company.list_records("Customer")
    finally:
        process.send_signal(signal.SIGTERM)  # a service stop: graceful, the run under way finishes first
        code = process.wait(timeout=30)
        output = process.stdout.read()
        process.stdout.close()
    assert code == 0, output
    assert "Syncing on schedule: direct" in output
    assert "a sync under way finishes first" in output  # the clean-up ran
    assert CLIENT_SECRET not in output
    direct = QuickBooksCompany(edition="UK", store=str(books))
    numbers = {d["RefNumber"] for d in direct.list_records("Invoice") + direct.list_records("CreditMemo")}
    assert numbers
    assert numbers <= {i.get("thirdpartyinvoicenumber") for i in halo_sim.tables["Invoice"].values()}


def _finished_run(store_url: str, company: str) -> bool:
    opened = open_store(store_url)
    try:
        runs = SyncState(opened.engine, company).history(limit=1)
    finally:
        opened.close()
    return bool(runs) and runs[0]["outcome"] in ("ok", "partial")


def _window_excluding_now() -> str:
    """A one-hour window that starts two hours from now, local time."""
    hour = (time.localtime().tm_hour + 2) % 24
    return f"{hour:02d}:00-{(hour + 1) % 24:02d}:00"


def test_a_scheduled_run_while_another_run_has_the_company_does_not_even_open_its_books(tmp_path, monkeypatch):
    import pytest  # noqa: PLC0415

    from halo_accounts.cli import serve  # noqa: PLC0415
    from halo_accounts.config import BooksTransport, CompanySettings, Settings  # noqa: PLC0415
    from halo_accounts.errors import TransientError  # noqa: PLC0415

    opened: list[str] = []
    monkeypatch.setattr(serve, "open_books", lambda *args, **kwargs: opened.append(args[1]))  # records the attempt
    settings = Settings(companies={"acme": CompanySettings(transport=BooksTransport.SIMULATOR, company_file="x")})
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        run = serve.scheduled_sync(lambda: settings, store, lambda current: None, None)  # type: ignore[arg-type,return-value]
        with SyncState(store.engine, "acme").exclusive(), pytest.raises(TransientError):  # a CLI sync is under way
            run("acme")
        assert opened == []
    finally:
        store.close()
