"""The dashboard in a real browser (Chromium, driven by Playwright), used as a new user would.

From a first start with nothing configured: choose the password with the set-up token, connect
Halo (the simulator) and a simulated QuickBooks company, run a sync, find a failed customer and
retry it, fix the missing tax mapping an invoice waits for and send it back, then pause and
resume the schedule. A screenshot of each page is kept in ``artifacts/dashboard/`` (or
``$HALO_ACCOUNTS_ARTIFACTS/dashboard``). Skipped, with the reason, where Chromium is missing.
"""

from __future__ import annotations

import os
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from halo_accounts.cli.serve import scheduled_sync
from halo_accounts.config import load_settings, resolve_client_secret
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import (
    CLIENT,
    INVOICE,
    TAX,
    ClientRecord,
    InvoiceLineRecord,
    InvoiceRecord,
    TaxRecord,
)
from halo_accounts.scheduler import Scheduler
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.serving import serve_in_thread
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState
from halo_accounts.web import SettingsFile, dashboard_app

from testsupport import CLIENT_ID, CLIENT_SECRET, REPO, TENANT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra has it)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (.ci/run installs Debian's 'chromium')")

TOKEN = "first-start-token"
PASSWORD = "browser-dashboard-pw"
LONG_NAME = "The Amalgamated Regional Veterinary Practices of the North"
ARTIFACTS = Path(os.environ.get("HALO_ACCOUNTS_ARTIFACTS", REPO / "artifacts")) / "dashboard"


def _bad_data(halo_url: str) -> tuple[int, int]:
    """A customer QuickBooks refuses (name too long) and an invoice taxed at a rate it lacks."""
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    with HaloClient(base_url=halo_url, auth=auth, rate_limit=None) as halo:
        (odd,) = halo.save(TAX, [TaxRecord(name="Odd Rate 7%", value=Decimal("7"))])
        (client,) = halo.save(CLIENT, [ClientRecord(name=LONG_NAME)])
        (other,) = halo.save(CLIENT, [ClientRecord(name="Plain Dental Ltd")])
        line = InvoiceLineRecord(item_id=1, qty_order=Decimal(1), unit_price=Decimal(100), item_tax_code=odd.id)
        halo.save(INVOICE, [InvoiceRecord(client_id=other.id, lines=[line])])
    assert odd.id is not None
    assert client.id is not None
    return odd.id, client.id


@pytest.fixture
def served(tmp_path, halo_url, halo_sim, memory_keyring):
    """``serve`` as it starts the first time: nothing configured, the schedule running, the dashboard."""
    seed_tenant(halo_sim, seed=8, customers=4, items=3, invoices=4, country="UK")
    odd_tax, long_client = _bad_data(halo_url)
    config, store = tmp_path / "config.toml", open_store(f"sqlite:///{tmp_path / 'store.db'}")
    source = SettingsFile(config)

    def open_halo(settings):
        secret, _ = resolve_client_secret(settings)
        return HaloClient.from_settings(
            settings, secret, scopes=["edit:customers", "edit:items", "edit:invoices", "admin"]
        )

    scheduler = Scheduler(source.load, lambda name: SyncState(store.engine, name).last_run_started(),
                          scheduled_sync(source.load, store, open_halo, None), tick_seconds=0.2)  # fmt: skip
    app = dashboard_app(settings_source=source, engine=store.engine, request_sync=scheduler.request, setup_token=TOKEN)
    scheduler.start()
    try:
        with serve_in_thread(app) as server:
            yield server.url, config, store, odd_tax, long_client
    finally:
        scheduler.stop(30)
        store.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _wait_for(check, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"waited too long for {what}"
        time.sleep(0.2)


def test_a_new_user_sets_up_syncs_and_fixes_everything_in_the_browser(served, halo_url, tmp_path):
    url, config, store, odd_tax, long_client = served
    state = SyncState(store.engine, "acme")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "/")
        assert "/login" in page.url  # nothing without logging in
        _shot(page, "01-login-first-start")
        page.get_by_role("link", name="Choose one").click()
        page.get_by_label("Set-up token").fill(TOKEN)
        page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
        page.get_by_label("The same again").fill(PASSWORD)
        page.get_by_role("button", name="Set the password").click()
        assert "The dashboard password is set" in page.content()

        page.get_by_label("Halo address").fill(halo_url)
        page.get_by_label("Tenant (hosted Halo; empty if self-hosted)").fill(TENANT)
        page.get_by_label("Client ID").fill(CLIENT_ID)
        page.get_by_label("Client secret").fill(CLIENT_SECRET)
        page.get_by_role("button", name="Check Halo and save").click()
        assert "Halo is ready" in page.content()
        page.get_by_label("Name for these books").fill("acme")
        page.get_by_label("Reached through").select_option("simulator")
        page.get_by_label("Company file", exact=False).fill(str(tmp_path / "books.sqlite"))
        page.get_by_role("button", name="Save the company").click()
        assert "saved (quickbooks via simulator)" in page.content()
        _shot(page, "02-setup")
        assert CLIENT_SECRET not in page.content()

        page.get_by_role("navigation").get_by_role("link", name="Overview").click()
        page.get_by_role("button", name="Sync now").click()
        _wait_for(lambda: state.history(limit=1) and state.history(limit=1)[0]["finished_at"], "the sync")
        page.reload()
        _shot(page, "03-overview")
        assert "acme" in page.content()

        page.get_by_role("navigation").get_by_role("link", name="Errors").click()
        _shot(page, "04-errors")
        row = page.locator("tr", has_text=f"customer {long_client}")
        assert "at most 41 characters" in row.inner_text()
        row.get_by_role("button", name="Retry").click()
        assert "starts now" in page.content()

        page.get_by_role("navigation").get_by_role("link", name="Needs review").click()
        _shot(page, "05-needs-review")
        page.get_by_role("link", name=f"Map Halo tax rate {odd_tax} to a books code").click()
        page.get_by_label("Books side").fill("S")
        page.get_by_role("button", name="Save").click()
        assert state.mappings("tax")[str(odd_tax)] == "S"
        _shot(page, "06-mappings")
        page.get_by_role("navigation").get_by_role("link", name="Needs review").click()
        card = page.locator("section.card", has_text=f"Map Halo tax rate {odd_tax}")
        card.get_by_role("button", name="Done: send it back to the sync").click()
        assert "goes back to the next sync" in page.content()

        page.get_by_role("navigation").get_by_role("link", name="Settings").click()
        page.get_by_role("button", name="Pause").click()
        assert load_settings(config, environ={}).companies["acme"].paused
        page.get_by_role("button", name="Resume").click()
        assert not load_settings(config, environ={}).companies["acme"].paused
        _shot(page, "07-settings")

        page.get_by_role("navigation").get_by_role("link", name="History").click()
        _shot(page, "08-history")
        page.locator("table a").first.click()
        _shot(page, "09-run")
        assert "Writes" in page.content()
        browser.close()
    assert sorted(p.name for p in ARTIFACTS.glob("*.png"))[:1] == ["01-login-first-start.png"]
