"""The dashboard in a real browser (Chromium, driven by Playwright), used as a new user would.

From a first start with nothing configured: choose the password with the set-up token, connect
Halo (the simulator) and a simulated QuickBooks UK company, run a sync, find the invoice that
failed (its item's name is too long for QuickBooks) and fix it by turning on name shortening,
then retry it; map the tax rate that invoices wait for, once for all of them, change that
mapping, pause and resume the schedule, and read the history. Without logging in nothing shows
and nothing changes. A screenshot of each page is kept in ``artifacts/dashboard/`` (or
``$HALO_ACCOUNTS_ARTIFACTS/dashboard``). Skipped, with the reason, where Chromium is missing.
"""

from __future__ import annotations

import os
import re
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
    ITEM,
    TAX,
    ClientRecord,
    InvoiceLineRecord,
    InvoiceRecord,
    ItemRecord,
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

# Form controls with no accessible name (no label, no aria-label, a button without text).
UNNAMED_CONTROLS = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')).filter(el => !(
    (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
    || (el.tagName === 'BUTTON' && el.textContent.trim()))).map(el => el.outerHTML.slice(0, 120))"""
TOKEN = "first-start-token"
PASSWORD = "browser-dashboard-pw"
LONG_ITEM = "Managed Firewall Service - Enterprise Tier"  # over QuickBooks' 31 for an item name
ARTIFACTS = Path(os.environ.get("HALO_ACCOUNTS_ARTIFACTS", REPO / "artifacts")) / "dashboard"


def _bad_data(halo_url: str) -> dict[str, int]:
    """An invoice whose item QuickBooks refuses (name too long), and two taxed at a rate it lacks."""
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    with HaloClient(base_url=halo_url, auth=auth, rate_limit=None) as halo:
        (odd,) = halo.save(TAX, [TaxRecord(name="Odd Rate 7%", value=Decimal("7"))])
        (client,) = halo.save(CLIENT, [ClientRecord(name="Plain Dental Ltd")])
        (item,) = halo.save(ITEM, [ItemRecord(name=LONG_ITEM, type=0, baseprice=Decimal(90))])
        line = InvoiceLineRecord(item_id=item.id, qty_order=Decimal(1), unit_price=Decimal(90), item_tax_code=1)
        (failing,) = halo.save(INVOICE, [InvoiceRecord(client_id=client.id, lines=[line])])
        odd_line = InvoiceLineRecord(item_id=1, qty_order=Decimal(1), unit_price=Decimal(100), item_tax_code=odd.id)
        waiting = halo.save(INVOICE, [InvoiceRecord(client_id=client.id, lines=[odd_line])] * 2)
    ids = {"odd_tax": odd.id, "long_item": item.id, "failing": failing.id, "waiting": waiting[0].id}
    assert all(ids.values())
    return {name: int(value or 0) for name, value in ids.items()}


@pytest.fixture
def served(tmp_path, halo_url, halo_sim, memory_keyring):
    """``serve`` as it starts the first time: nothing configured, the schedule running, the dashboard."""
    seed_tenant(halo_sim, seed=8, customers=4, items=3, invoices=4, country="UK")
    bad = _bad_data(halo_url)
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
            yield server.url, config, store, bad
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


def _a_sync_started_by(state: SyncState, click) -> None:
    """Click, then wait for a sync that started after the click to finish (the schedule may run others)."""
    before = {run["id"] for run in state.history(limit=1000)}
    click()

    def done() -> bool:
        runs = state.history(limit=1000)
        return any(run["id"] not in before for run in runs) and all(run["finished_at"] for run in runs)

    _wait_for(done, "the sync")


def test_a_new_user_sets_up_syncs_and_fixes_everything_in_the_browser(served, halo_url, tmp_path):
    url, config, store, bad = served
    state = SyncState(store.engine, "acme")
    expect = playwright.expect
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        flash = page.locator(".flash")

        # A first start: the password, chosen with the token serve printed, then Halo and the books.
        page.goto(url + "/")
        expect(page).to_have_url(re.compile(r"/login"))  # nothing without logging in
        _shot(page, "01-login-first-start")
        page.get_by_role("link", name="Choose one").click()
        page.get_by_label("Set-up token").fill(TOKEN)
        page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
        page.get_by_label("The same again").fill(PASSWORD)
        page.get_by_role("button", name="Set the password").click()
        expect(flash).to_contain_text("The dashboard password is set")
        page.get_by_label("Halo address").fill(halo_url)
        page.get_by_label("Tenant (hosted Halo; empty if self-hosted)").fill(TENANT)
        page.get_by_label("Client ID").fill(CLIENT_ID)
        page.get_by_label("Client secret").fill(CLIENT_SECRET)
        page.get_by_role("button", name="Check Halo and save").click()
        expect(flash).to_contain_text("Halo is ready")
        page.get_by_label("Name for these books").fill("acme")
        page.get_by_label("Reached through").select_option("simulator")
        page.get_by_label("QuickBooks edition", exact=False).select_option("UK")
        page.get_by_label("Company file", exact=False).fill(str(tmp_path / "books.sqlite"))
        page.get_by_role("button", name="Save the company").click()
        expect(flash).to_contain_text("saved (quickbooks via simulator)")
        _shot(page, "02-setup")
        assert CLIENT_SECRET not in page.content()

        # The first sync, started from the overview.
        page.get_by_role("navigation").get_by_role("link", name="Overview").click()
        _a_sync_started_by(state, page.get_by_role("button", name="Sync now").click)
        expect(flash).to_contain_text(re.compile("starts now|is under way"))
        page.reload()
        expect(page.locator("main")).to_contain_text("failing")
        _shot(page, "03-overview")

        # A failed invoice: found among the errors, with its item's own error saying why.
        page.get_by_role("navigation").get_by_role("link", name="Errors").click()
        page.get_by_label("Record").select_option("invoice")
        page.get_by_role("button", name="Filter").click()
        invoice_row = page.locator("tr", has_text=f"invoice {bad['failing']}")
        expect(invoice_row).to_contain_text(f"Halo item {bad['long_item']} is not synced")
        _shot(page, "04-errors")
        page.get_by_label("Record").select_option("item")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator("tr", has_text=f"item {bad['long_item']}")).to_contain_text("turn on name shortening")

        # Fixed without the command line: name shortening on, then the invoice retried.
        page.get_by_role("navigation").get_by_role("link", name="Settings").click()
        company_form = page.get_by_role("form", name="Schedule of acme")
        company_form.get_by_label("Shorten names longer than QuickBooks allows", exact=False).check()
        company_form.get_by_role("button", name="Save", exact=True).click()
        expect(flash).to_contain_text("'acme' settings saved")
        assert load_settings(config, environ={}).companies["acme"].shorten_long_names
        page.get_by_role("navigation").get_by_role("link", name="Errors").click()
        retry = page.locator("tr", has_text=f"invoice {bad['failing']}").get_by_role("button", name="Retry")
        _a_sync_started_by(state, retry.click)
        expect(flash).to_contain_text(re.compile("starts now|is under way"))
        assert str(bad["failing"]) in state.bindings("invoice")  # in the books now
        page.get_by_role("navigation").get_by_role("link", name="Errors").click()
        expect(page.locator("main")).to_contain_text("No record is failing")  # the item went too

        # Invoices waiting for a tax code: mapped once, for all of them, from Needs review.
        page.get_by_role("navigation").get_by_role("link", name="Needs review").click()
        card = page.get_by_role("region", name=f"Halo tax {bad['odd_tax']} has no mapping")
        expect(card).to_contain_text("2 records wait for it")
        _shot(page, "05-needs-review")
        card.get_by_label(f"Books tax code for Halo tax {bad['odd_tax']}").select_option("S")
        card.get_by_role("button", name="Map it and send them all back to the sync").click()
        expect(flash).to_contain_text("2 records waiting for it go back to the next sync")
        assert state.mappings("tax")[str(bad["odd_tax"])] == "S"
        assert str(bad["waiting"]) not in [str(r["halo_id"]) for r in state.open_reviews()]

        # ... and the mapping changed on the Mappings page, its rates side by side.
        page.get_by_role("navigation").get_by_role("link", name="Mappings").click()
        expect(page.locator("table").first).to_contain_text("the rates differ: check the mapping")
        page.get_by_label("Kind").select_option("tax")
        page.get_by_label("Halo side").fill(str(bad["odd_tax"]))
        page.get_by_label("Books side").fill("R")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(flash).to_contain_text(f"tax: {bad['odd_tax']} → R")
        assert state.mappings("tax")[str(bad["odd_tax"])] == "R"
        _shot(page, "06-mappings")
        page.get_by_role("navigation").get_by_role("link", name="Overview").click()
        _a_sync_started_by(state, page.get_by_role("button", name="Sync now").click)
        assert str(bad["waiting"]) in state.bindings("invoice")

        # Pause and resume.
        page.get_by_role("navigation").get_by_role("link", name="Settings").click()
        page.get_by_role("button", name="Pause").click()
        expect(flash).to_contain_text("paused")
        assert load_settings(config, environ={}).companies["acme"].paused
        page.get_by_role("button", name="Resume").click()
        expect(flash).to_contain_text("resumed")
        assert not load_settings(config, environ={}).companies["acme"].paused
        _shot(page, "07-settings")

        page.get_by_role("navigation").get_by_role("link", name="History").click()
        _shot(page, "08-history")
        page.locator("table a").first.click()
        expect(page.locator("main")).to_contain_text("Writes")
        _shot(page, "09-run")

        # Every control has a name a screen reader reads out, on every page.
        for path in ("/", "/reviews", "/errors", "/mappings", "/history", "/settings", "/setup", "/checks"):
            page.goto(url + path)
            assert page.evaluate(UNNAMED_CONTROLS) == [], path

        # Keyboard only: out, and back in without a mouse.
        page.get_by_role("button", name="Log out").press("Enter")
        expect(page).to_have_url(re.compile(r"/login"))
        page.keyboard.press("Tab")
        for _ in range(10):  # to the password field, whatever comes before it
            if page.evaluate("document.activeElement.type") == "password":
                break
            page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Overview")).to_be_visible()

        # The login cannot be bypassed: a browser without the session sees nothing and changes nothing.
        stranger = browser.new_context().new_page()
        for path in ("/", "/errors", "/reviews", "/mappings", "/settings", "/setup", "/setup/qwc?company=acme"):
            stranger.goto(url + path)
            expect(stranger).to_have_url(re.compile(r"/login"))
        # Even with a form token of its own (the login page gives one), only the session lets a form through.
        token = stranger.locator('input[name="csrf"]').first.get_attribute("value")
        answer = stranger.request.post(
            url + "/settings/company", form={"csrf": token, "company": "acme", "action": "pause"}, max_redirects=0
        )
        assert (answer.status, answer.headers["location"].split("?")[0]) == (303, "/login")
        assert not load_settings(config, environ={}).companies["acme"].paused
        browser.close()
    assert sorted(p.name for p in ARTIFACTS.glob("*.png"))[:1] == ["01-login-first-start.png"]
