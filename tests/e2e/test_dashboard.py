"""The dashboard, page by page and action by action, over real HTTP on loopback, after a real sync with bad data.

The sync runs as a user runs it (``halo-accounts sync`` against the Halo and QuickBooks
simulators), with a customer whose name QuickBooks refuses and an invoice taxed at a rate the
books lack; the dashboard then shows, fixes and re-queues them through the store and settings.
"""

from __future__ import annotations

import csv
import html
import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest
from pydantic import SecretStr

from halo_accounts.config import CompanySettings, Direction, load_settings
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
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import hash_password
from halo_accounts.errors import RecordError
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.halo.permissions import KNOWN_SCOPES
from halo_accounts.simulators.serving import serve_in_thread
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions
from halo_accounts.store.state import SyncState
from halo_accounts.web import SettingsFile, dashboard_app, security

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT, log_in_to_dashboard

PASSWORD = "dashboard-pw-123"
LONG_NAME = "The Amalgamated Regional Veterinary Practices of the North"  # over QuickBooks' 41


@pytest.fixture
def world(cli, tmp_path, halo_url, monkeypatch):
    monkeypatch.setattr(security, "FAILED_LOGIN_DELAY", 0.01)
    set_password = cli("dashboard-password", "--password-stdin", stdin=PASSWORD + "\n")
    assert set_password.exit_code == 0, set_password.output
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    with HaloClient(base_url=halo_url, auth=auth, rate_limit=None) as halo:
        (odd,) = halo.save(TAX, [TaxRecord(name="Odd Rate 7%", value=Decimal("7"))])
        (long_client,) = halo.save(CLIENT, [ClientRecord(name=LONG_NAME)])
        client = next(c["id"] for c in cli.sim.tables["Client"].values() if not c.get("inactive"))
        line = InvoiceLineRecord(item_id=1, qty_order=Decimal(1), unit_price=Decimal(100), item_tax_code=odd.id)
        odd_invoice, second_odd = halo.save(INVOICE, [InvoiceRecord(client_id=client, lines=[line])] * 2)
    synced = cli("sync", "--company", "acme", "--store", cli.store)
    assert synced.exit_code in (0, 1), synced.output
    store = open_store(cli.store)
    asked: list[str] = []

    def request_sync(company: str) -> str:
        asked.append(company)
        return f"A sync of '{company}' starts now."

    app = dashboard_app(settings_source=SettingsFile(tmp_path / "config.toml"), engine=store.engine,
                        request_sync=request_sync)  # fmt: skip
    with serve_in_thread(app) as server, httpx.Client(base_url=server.url, follow_redirects=True) as browser:
        world = type("World", (), {})()
        world.browser, world.store, world.asked, world.state = browser, store, asked, SyncState(store.engine, "acme")
        world.odd_tax, world.long_client, world.config = odd.id, long_client.id, tmp_path / "config.toml"
        world.odd_invoice, world.second_odd = odd_invoice.id, second_odd.id
        yield world
    store.close()


def log_in(browser: httpx.Client, password: str = PASSWORD):
    return log_in_to_dashboard(browser, password, follow_redirects=False)


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


PAGES = ["/", "/status", "/reviews", "/errors", "/mappings", "/history", "/history.csv", "/settings", "/history/acme/1"]


def test_nothing_is_shown_or_changed_without_logging_in(world):
    browser = world.browser
    for page in PAGES:
        answer = browser.get(page, follow_redirects=False)
        assert answer.status_code == 303, page
        assert answer.headers["location"].startswith("/login?next=")
    for action in ("/errors", "/reviews", "/mappings", "/links", "/settings/flows", "/settings/company"):
        answer = browser.post(action, data={"company": "acme", "action": "pause"}, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")
    wrong = log_in(browser, "not-the-password")
    assert wrong.status_code == 200
    assert "That password is not the dashboard's" in wrong.text
    assert browser.get("/", follow_redirects=False).status_code == 303
    assert load_settings(world.config, environ={}).companies["acme"].paused is False


def test_without_a_password_set_nobody_gets_in(world, tmp_path):
    settings = load_settings(world.config, environ={})
    settings.server.dashboard_password_hash = ""
    SettingsFile(world.config).save(settings)
    page = world.browser.get("/login")
    assert "No dashboard password is set yet" in page.text
    assert "halo-accounts dashboard-password" in page.text
    for password in ("", PASSWORD):  # there is no form to fill; a forged post gets nowhere either
        assert world.browser.post("/login", data={"password": password}).status_code == 200
        assert world.browser.get("/", follow_redirects=False).status_code == 303


def test_a_form_without_the_sessions_token_changes_nothing(world):
    browser = world.browser
    log_in(browser)
    for token in (None, "forged"):
        data = {"company": "acme", "action": "pause", **({"csrf": token} if token else {})}
        answer = browser.post("/settings/company", data=data, follow_redirects=False)
        assert answer.status_code == 403
    assert load_settings(world.config, environ={}).companies["acme"].paused is False


def test_the_overview_shows_each_company_its_runs_and_a_chart(world):
    browser = world.browser
    assert log_in(browser).status_code == 303
    page = browser.get("/").text
    assert "acme" in page
    assert "quickbooks via simulator" in page
    assert '<svg class="chart"' in page
    assert f"{world.state.error_count()} failing" in page
    outcome = world.state.history(limit=1)[0]["outcome"]
    assert ("Halo and the books answered at the last run" in page) is (outcome == "ok")  # not when records failed
    status = browser.get("/status").json()["companies"][0]
    assert (status["company"], status["failing"]) == ("acme", world.state.error_count())

    settings = load_settings(world.config, environ={})  # two Web Connector companies: one never called
    for name in ("books_pc", "quiet"):
        settings.companies[name] = CompanySettings(webconnector_user=f"halo-{name}",
                                                   webconnector_password_hash=hash_password("wc-password"))  # fmt: skip
    SettingsFile(world.config).save(settings)
    sessions = WebConnectorSessions(world.store.engine)
    sessions.create("t-1", "books_pc")
    sessions.update("t-1", state="failed", last_error="QuickBooks is not running: open the company file")
    page = browser.get("/").text
    books_pc = page.split(">books_pc <", 1)[1].split("</section>", 1)[0]
    assert 'Web Connector last call: <span class="bad">failed</span>' in books_pc
    assert "QuickBooks is not running: open the company file" in books_pc
    quiet = page.split(">quiet <", 1)[1].split("</section>", 1)[0]
    assert "The Web Connector has not called yet" in quiet
    for page in PAGES:
        text = browser.get(page).text
        assert CLIENT_SECRET not in text
        assert PASSWORD not in text


def test_a_failed_record_is_found_retried_and_ignored(world):
    browser = world.browser
    log_in(browser)
    world.state.record_error("invoice", "77", RecordError("Halo item 88 is not synced"))
    world.state.record_error("item", "88", RecordError("QuickBooks allows at most 31 characters"))  # found later
    rows = re.findall(r'name="entity" value="(\w+)"', browser.get("/errors").text)
    assert rows.index("item") < rows.index("customer") < rows.index("invoice")  # what invoices wait for first
    page = browser.get("/errors", params={"entity": "customer"}).text
    assert LONG_NAME in page or "at most 41 characters" in page
    assert "Shorten it in Halo" in page
    retried = browser.post("/errors", data={"csrf": csrf(page), "company": "acme", "entity": "customer",
                                            "halo_id": str(world.long_client), "action": "retry"})  # fmt: skip
    assert world.asked == ["acme"]
    assert "A sync of 'acme' starts now." in html.unescape(retried.text)
    ignored = browser.post("/errors", data={"csrf": csrf(page), "company": "acme", "entity": "customer",
                                            "halo_id": str(world.long_client), "action": "ignore"})  # fmt: skip
    assert "is ignored until it fails again" in ignored.text
    assert str(world.long_client) not in [
        str(e["halo_id"]) for e in world.state.open_errors() if e["entity"] == "customer"
    ]


def test_a_missing_tax_mapping_is_fixed_once_from_needs_review_and_every_invoice_waiting_goes_back(world):
    browser = world.browser
    log_in(browser)
    page = browser.get("/reviews").text
    card = page.split(f'aria-label="Halo tax {world.odd_tax} has no mapping"', 1)[1].split("</section>", 1)[0]
    assert "Odd Rate 7%, 7%" in card  # Halo's rate, as the last tax-rate sync read it
    assert "2 records wait for it" in card
    assert f"invoice {world.odd_invoice}, invoice {world.second_odd}" in card
    assert '<option value="S">S · ' in card  # the books' codes to choose from, with their rates
    assert "(the rate differs)" in card
    waiting = {str(r["halo_id"]) for r in world.state.open_reviews()}
    assert {str(world.odd_invoice), str(world.second_odd)} <= waiting
    saved = browser.post("/mappings", data={"csrf": csrf(page), "company": "acme", "kind": "tax", "back": "reviews",
                                            "halo_key": str(world.odd_tax), "books_key": "S"})  # fmt: skip
    assert saved.url.path == "/reviews"
    assert "2 records waiting for it go back to the next sync" in saved.text
    assert world.state.mappings("tax")[str(world.odd_tax)] == "S"
    released = {str(world.odd_invoice), str(world.second_odd)}
    assert {str(r["halo_id"]) for r in world.state.open_reviews()} & released == set()
    assert f"Halo tax {world.odd_tax} has no mapping" not in saved.text

    mapping_page = browser.get("/mappings", params={"company": "acme", "kind": "tax", "halo_key": str(world.odd_tax)})
    assert f'value="{world.odd_tax}"' in mapping_page.text  # prefilled
    rows = browser.get("/mappings", params={"company": "acme"}).text
    assert "7% ↔ 20%" in rows  # Halo's rate beside the books' (as the last tax-rate sync read them)
    assert "the rates differ: check the mapping" in rows
    browser.post("/mappings", data={"csrf": csrf(page), "company": "acme", "kind": "tax", "halo_key": "999",
                                    "books_key": "NOPE"})  # fmt: skip
    assert "the books have no code 'NOPE'" not in browser.get("/mappings").text  # Halo has no tax 999 either
    browser.post("/mappings", data={"csrf": csrf(page), "company": "acme", "kind": "tax", "halo_key": "1",
                                    "books_key": "NOPE"})  # fmt: skip
    assert "the books have no code 'NOPE'" in browser.get("/mappings").text
    removed = browser.post("/mappings", data={"csrf": csrf(page), "company": "acme", "kind": "tax",
                                              "halo_key": str(world.odd_tax), "action": "delete"})  # fmt: skip
    assert "removed" in removed.text
    assert str(world.odd_tax) not in world.state.mappings("tax")


@pytest.mark.parametrize(
    ("kind", "halo_key", "books_key", "complaint"),
    [
        ("tax", "seven", "S", "the Halo tax rate&#39;s number"),
        ("account", "sales", "Consulting Income", "for one of income, cogs, inventory_asset (QuickBooks), or maps"),
        ("account", "4010", "Sales", "&#39;4010&#39; → &#39;Sales&#39; is neither"),
        ("item_type", "1", "hardware", "held as service, non_inventory, inventory"),
        ("colour", "1", "red", "There is no &#39;colour&#39; mapping"),
    ],
)
def test_a_mapping_the_sync_could_not_use_is_refused_with_what_it_must_be(world, kind, halo_key, books_key, complaint):
    browser = world.browser
    log_in(browser)
    page = browser.get("/mappings").text
    answer = browser.post("/mappings", data={"csrf": csrf(page), "company": "acme", "kind": kind,
                                             "halo_key": halo_key, "books_key": books_key})  # fmt: skip
    assert complaint in answer.text
    assert halo_key not in world.state.mappings(kind)


def test_the_stores_own_tables_cannot_be_removed_as_mappings(world):
    world.state.set_mapping("create_new", "customer:901", "yes")
    browser = world.browser
    log_in(browser)
    page = browser.get("/mappings").text
    answer = browser.post("/mappings", data={"csrf": csrf(page), "company": "acme", "kind": "create_new",
                                             "halo_key": "customer:901", "action": "delete"})  # fmt: skip
    assert "There is no &#39;create_new&#39; mapping" in answer.text
    assert world.state.mappings("create_new") == {"customer:901": "yes"}


def test_an_invoice_whose_totals_differ_is_closed_as_checked_not_sent_again(world):
    books_number = next(iter(world.state.bindings("invoice").items()))
    halo_id, binding = books_number
    world.state.add_reviews("invoice", [(halo_id, "totals differ: the books' total is 10.01, Halo's is 10.00", [])])
    browser = world.browser
    log_in(browser)
    page = browser.get("/reviews").text
    card = page.split(f'aria-label="invoice {halo_id}"', 1)[1].split("</section>", 1)[0]
    assert f"in the books as {binding.books_number}" in card
    assert "Checked: close it" in card
    closed = browser.post("/reviews", data={"csrf": csrf(page), "company": "acme", "entity": "invoice",
                                            "halo_id": halo_id, "action": "requeue"})  # fmt: skip
    assert "it stays in the books as it is" in closed.text
    assert halo_id not in [str(r["halo_id"]) for r in world.state.open_reviews()]


def test_an_ambiguous_match_is_settled_by_picking_the_books_record_or_a_new_one(world):
    acme = [{"books_id": "80000001-1", "name": "Acme Ltd"}, {"books_id": "80000002-1", "name": "Acme Ltd."}]
    world.state.add_review("customer", "901", "It matches 2 records in the books: Acme Ltd, Acme Ltd.", acme)
    bees = [{"books_id": "80000003-1", "name": "B"}, {"books_id": "80000004-1", "name": "B."}]
    world.state.add_review("customer", "902", "It matches 2 records in the books: B, B.", bees)
    browser = world.browser
    log_in(browser)
    page = browser.get("/reviews").text
    assert "It is 'Acme Ltd.'" in page
    browser.post("/reviews", data={"csrf": csrf(page), "company": "acme", "entity": "customer", "halo_id": "901",
                                   "action": "link", "books_id": "80000002-1", "name": "Acme Ltd."})  # fmt: skip
    assert world.state.bindings("customer")["901"].books_id == "80000002-1"
    browser.post("/reviews", data={"csrf": csrf(page), "company": "acme", "entity": "customer", "halo_id": "902",
                                   "action": "create"})  # fmt: skip
    assert world.state.mappings("create_new") == {"customer:902": "yes"}
    assert {r["halo_id"] for r in world.state.open_reviews()} & {"901", "902"} == set()


def test_links_are_searched_relinked_and_unlinked(world):
    browser = world.browser
    log_in(browser)
    bound = world.state.bindings("customer")
    halo_id, binding = next(iter(bound.items()))
    page = browser.get("/mappings", params={"company": "acme", "q": binding.books_number[:5]}).text
    assert binding.books_id in page
    browser.post("/links", data={"csrf": csrf(page), "company": "acme", "entity": "customer", "halo_id": halo_id,
                                 "action": "relink", "books_id": "80000099-1"})  # fmt: skip
    assert world.state.bindings("customer")[halo_id].books_id == "80000099-1"
    browser.post("/links", data={"csrf": csrf(page), "company": "acme", "entity": "customer", "halo_id": halo_id,
                                 "action": "unlink"})  # fmt: skip
    assert halo_id not in world.state.bindings("customer")


def test_history_lists_runs_their_writes_and_exports_csv(world):
    browser = world.browser
    log_in(browser)
    (run,) = world.state.history(limit=1)
    page = browser.get("/history", params={"company": "acme"}).text
    assert f"/history/acme/{run['id']}" in page
    detail = browser.get(f"/history/acme/{run['id']}").text
    assert "confirmed" in detail
    assert "customer" in detail
    exported = browser.get("/history.csv", params={"company": "acme"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:5] == ["run", "company", "started", "finished", "outcome"]
    assert {r[6] for r in rows[1:]} >= {"customers", "invoices"}
    assert browser.get("/history/acme/99999").status_code == 404


def test_settings_change_flows_rules_schedule_pause_and_sync_now_and_never_show_secrets(world):
    browser = world.browser
    log_in(browser)
    page = browser.get("/settings").text
    assert CLIENT_SECRET not in page
    token = csrf(page)
    saved = browser.post("/settings/flows", data={"csrf": token, "flow_suppliers": "to_books",
                                                  "from_date": "2026-01-01", "include_credit_notes": "on"})  # fmt: skip
    assert "saved" in saved.text
    settings = load_settings(world.config, environ={})
    assert settings.flows.suppliers is Direction.TO_BOOKS
    assert (str(settings.invoices.from_date), settings.invoices.only_approved) == ("2026-01-01", False)
    browser.post("/settings/company", data={"csrf": token, "company": "acme", "action": "save",
                                            "run_every_minutes": "30", "sync_window": "19:00-07:00"})  # fmt: skip
    acme = load_settings(world.config, environ={}).companies["acme"]
    assert (acme.run_every_minutes, acme.sync_window, acme.shorten_long_names) == (30, "19:00-07:00", False)
    assert "Shorten names longer than QuickBooks allows" in browser.get("/settings").text
    shorten = {"csrf": token, "company": "acme", "action": "save", "run_every_minutes": "30",
               "sync_window": "19:00-07:00", "shorten_long_names": "on"}  # fmt: skip
    browser.post("/settings/company", data=shorten)
    assert load_settings(world.config, environ={}).companies["acme"].shorten_long_names is True
    bad_window = {"csrf": token, "company": "acme", "action": "save", "run_every_minutes": "30", "sync_window": "25-99"}
    refused = browser.post("/settings/company", data=bad_window)
    assert 'class="flash bad"' in refused.text
    assert load_settings(world.config, environ={}).companies["acme"].sync_window == "19:00-07:00"
    browser.post("/settings/company", data={"csrf": token, "company": "acme", "action": "pause"})
    assert load_settings(world.config, environ={}).companies["acme"].paused is True
    browser.post("/settings/company", data={"csrf": token, "company": "acme", "action": "resume"})
    assert load_settings(world.config, environ={}).companies["acme"].paused is False
    browser.post("/settings/company", data={"csrf": token, "company": "acme", "action": "sync"})
    assert world.asked == ["acme"]


def test_a_broken_settings_file_is_a_page_that_says_so_not_a_traceback(world):
    browser = world.browser
    log_in(browser)
    world.config.write_text("this is [not toml", encoding="utf-8")
    page = browser.get("/")
    assert page.status_code == 500
    assert "The dashboard cannot show this now" in page.text
    assert "Traceback" not in page.text


@pytest.fixture
def fresh(tmp_path, halo_url, halo_sim, memory_keyring, monkeypatch):
    """A first start: no settings at all, the set-up token serve printed, a Halo tenant to connect to."""
    monkeypatch.setattr(security, "FAILED_LOGIN_DELAY", 0.01)
    seed_tenant(halo_sim, seed=3, customers=3, items=3, invoices=3)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    config = tmp_path / "config.toml"
    app = dashboard_app(settings_source=SettingsFile(config), engine=store.engine, setup_token="token-from-serve",
                        served_at="https://localhost:9443")  # as 'serve --port 9443 --certfile ...' says  # fmt: skip
    with serve_in_thread(app) as server, httpx.Client(base_url=server.url, follow_redirects=True) as browser:
        yield browser, config, halo_url, memory_keyring, halo_sim
    store.close()


def test_a_first_start_is_set_up_in_the_browser_and_only_with_the_token_serve_printed(fresh):
    browser, config, halo_url, keyring, halo_sim = fresh
    assert "Choose one" in browser.get("/login").text
    page = browser.get("/setup/password").text
    choose = {"csrf": csrf(page), "password": "a-good-password", "again": "a-good-password"}
    refused = browser.post("/setup/password", data={**choose, "token": "guessed"})
    assert "not the set-up token" in refused.text
    assert not config.exists()
    assert browser.get("/setup", follow_redirects=False).status_code == 303  # still nobody
    done = browser.post("/setup/password", data={**choose, "token": "token-from-serve"})
    assert "The dashboard password is set" in done.text
    assert (
        browser.get("/setup/password", follow_redirects=False).headers["location"] == "/login"
    )  # cannot be re-claimed

    # Halo without a permission the flows need: the check says what to switch on, nothing is saved.
    halo_sim.set_permissions(app=["read:customers", "edit:items", "edit:invoices", "admin"])
    halo_form = {"csrf": csrf(done.text), "halo_url": halo_url, "tenant": TENANT, "client_id": CLIENT_ID,
                 "client_secret": CLIENT_SECRET, "tax_import": "on"}  # fmt: skip
    not_ready = browser.post("/setup/halo", data=halo_form)
    assert "Halo is not ready" in not_ready.text
    assert "Edit - Customers" in not_ready.text
    assert CLIENT_SECRET not in not_ready.text
    assert load_settings(config, environ={}).halo.url == ""
    halo_sim.set_permissions(app=sorted(KNOWN_SCOPES))
    ready = browser.post("/setup/halo", data=halo_form)
    assert "Halo is ready" in ready.text
    assert load_settings(config, environ={}).halo.client_id == CLIENT_ID
    assert CLIENT_SECRET not in config.read_text(encoding="utf-8")
    assert CLIENT_SECRET in keyring.passwords.values()
    assert "(kept; type to replace)" in browser.get("/setup").text

    books = str(config.parent / "books.sqlite")
    company = {"csrf": csrf(ready.text), "name": "acme", "books": "quickbooks", "transport": "simulator"}
    added = browser.post("/setup/company", data={**company, "company_file": books})
    assert "Company 'acme' saved (quickbooks via simulator)" in html.unescape(added.text)
    bad = browser.post("/setup/company", data={"csrf": csrf(ready.text), "name": "web", "books": "quickbooks"})
    assert "Give the Web Connector password" in bad.text
    settings = load_settings(config, environ={})
    assert list(settings.companies) == ["acme"]
    assert settings.companies["acme"].edition == ""  # US, the simulator's default
    canada = {**company, "name": "maple", "edition": "CA", "company_file": str(config.parent / "maple.sqlite")}
    browser.post("/setup/company", data=canada)
    assert load_settings(config, environ={}).companies["maple"].edition == "CA"
    odd = browser.post("/setup/company", data={**canada, "name": "odd", "edition": "FR"})
    assert "The QuickBooks edition is US, CA, UK or AU, not &#39;FR&#39;" in odd.text
    assert "odd" not in load_settings(config, environ={}).companies

    web = {"csrf": csrf(ready.text), "name": "web", "books": "quickbooks", "password": "wc-password-1"}
    added = browser.post("/setup/company", data=web)
    assert "Download its .qwc file below" in added.text
    assert 'href="/setup/qwc?company=web"' in added.text
    qwc = browser.get("/setup/qwc", params={"company": "web"})
    assert qwc.headers["content-disposition"].startswith('attachment; filename="web.qwc"')
    assert "<UserName>halo-web</UserName>" in qwc.text
    assert "<AppURL>https://localhost:9443/qbwc</AppURL>" in qwc.text  # where serve really answers
    assert "wc-password-1" not in qwc.text
    installation = load_settings(config, environ={}).installation_id
    assert installation  # made once and kept: the Web Connector knows the application by it
    assert browser.get("/setup/qwc", params={"company": "web"}).text == qwc.text
    assert "does not use the Web Connector" in browser.get("/setup/qwc", params={"company": "acme"}).text


def test_sessions_end_at_logout_and_when_the_password_changes_and_answers_forbid_framing(world):
    browser = world.browser
    log_in(browser)
    stolen = dict(browser.cookies)
    page = browser.get("/")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    browser.post("/logout", data={"csrf": csrf(page.text)})
    with httpx.Client(base_url=str(browser.base_url), cookies=stolen) as thief:
        assert thief.get("/", follow_redirects=False).status_code == 303  # the copied cookie is dead too
    log_in(browser)
    assert browser.get("/", follow_redirects=False).status_code == 200
    settings = load_settings(world.config, environ={})
    settings.server.dashboard_password_hash = hash_password("a-brand-new-password")
    SettingsFile(world.config).save(settings)
    assert browser.get("/", follow_redirects=False).status_code == 303  # a new password: everyone logs in again


def test_a_login_without_the_forms_token_fails_and_guesses_are_taken_one_at_a_time(world, monkeypatch):
    monkeypatch.setattr(security, "FAILED_LOGIN_DELAY", 0.3)
    forged = world.browser.post("/login", data={"password": PASSWORD})
    assert "That password is not the dashboard's" in forged.text
    started = time.monotonic()

    def guess(_: int) -> None:
        with httpx.Client(base_url=world.browser.base_url) as guesser:
            log_in_to_dashboard(guesser, "a-wrong-guess")

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(guess, range(3)))
    assert time.monotonic() - started >= 0.85  # three wrong guesses sent at once still take three delays


def test_a_form_with_a_field_missing_or_an_unknown_company_says_so_instead_of_failing(world):
    browser = world.browser
    log_in(browser)
    token = csrf(browser.get("/errors").text)
    for action in ("/errors", "/reviews", "/mappings", "/links", "/settings/company"):
        answer = browser.post(action, data={"csrf": token}, headers={"referer": f"{browser.base_url}errors"})
        assert answer.status_code == 200, action
        assert 'class="flash bad"' in answer.text, action
    assert browser.get("/history/nowhere/1").status_code == 404
    assert browser.get("/mappings", params={"company": "nowhere"}).status_code == 404
    redirected = browser.post("/mappings", data={"csrf": token}, headers={"referer": "https://evil.example/x"},
                              follow_redirects=False)  # fmt: skip
    assert redirected.headers["location"] == "/x"  # back to this site only


def test_the_history_export_of_a_company_with_any_name_downloads(world):
    settings = load_settings(world.config, environ={})
    settings.companies["café-québec"] = settings.companies["acme"].model_copy()
    SettingsFile(world.config).save(settings)
    log_in(world.browser)
    exported = world.browser.get("/history.csv", params={"company": "café-québec"})
    assert exported.status_code == 200
    assert "filename*=UTF-8''halo-accounts-history-caf%C3%A9-qu%C3%A9bec.csv" in exported.headers["content-disposition"]


def test_a_company_stopped_for_other_books_is_shown_and_confirmed_in_settings(world, cli, tmp_path):
    import shutil

    settings = load_settings(world.config, environ={})
    moved = tmp_path / "moved" / "books.sqlite"
    moved.parent.mkdir()
    shutil.copy(settings.companies["acme"].company_file, moved)  # the same company, moved
    settings.companies["acme"].company_file = str(moved)
    SettingsFile(world.config).save(settings)
    browser = world.browser
    log_in(browser)
    assert "It does not sync until you say which" not in browser.get("/settings").text  # no run refused yet
    stopped = cli("sync", "--company", "acme", "--store", cli.store)
    assert stopped.exit_code == 3, stopped.output
    page = browser.get("/settings").text
    form = page.split('aria-label="The books of acme"', 1)[1].split("</form>", 1)[0]
    assert "its links to books records belong to quickbooks UK" in form
    assert "moved/books.sqlite" in form
    digest = re.search(r'name="books" value="(\w+)"', form).group(1)
    stale = browser.post("/settings/company", data={"csrf": csrf(page), "company": "acme",
                                                    "action": "confirm_books", "books": "0" * 64})  # fmt: skip
    assert "no longer waits for those books" in stale.text
    confirmed = browser.post("/settings/company", data={"csrf": csrf(page), "company": "acme",
                                                        "action": "confirm_books", "books": digest})  # fmt: skip
    assert "syncs with these books from now on, keeping its links" in confirmed.text
    assert 'aria-label="The books of acme"' not in confirmed.text
    assert cli("sync", "--company", "acme", "--store", cli.store).exit_code in (0, 1)  # it goes on


@pytest.mark.parametrize(("extra", "more"), [(0, None), (1, 1), (700, 700)])
def test_failing_and_waiting_records_are_listed_500_at_a_time_and_the_rest_counted(world, extra, more):
    state, count = world.state, 500 + extra
    for error in state.open_errors():  # exactly 500 + extra failing, and as many waiting
        state.ignore_error(str(error["entity"]), str(error["halo_id"]))
    state.record_errors("invoice", [(f"9{n:04}", RecordError("QuickBooks refused it")) for n in range(count)])
    for review in state.open_reviews():
        state.resolve_review(str(review["entity"]), str(review["halo_id"]))
    state.add_reviews("invoice", [(f"8{n:04}", "It matches 2 records in the books", []) for n in range(count)])
    browser = world.browser
    log_in(browser)
    errors, reviews = browser.get("/errors").text, browser.get("/reviews").text
    assert errors.count('value="retry"') == 500
    assert reviews.count('value="requeue"') == 500
    if more is None:
        assert "more not shown" not in errors
        assert "more records wait" not in reviews
    else:
        assert f"{more} more not shown" in errors
        assert f"{more} more records wait below these" in reviews


def test_invoices_whose_totals_differ_are_closed_all_at_once_only_once_said_to_be_checked(world):
    written = list(world.state.bindings("invoice"))[:4]
    world.state.add_reviews("invoice", [(h, "totals differ: the books' total is 10.01, Halo's is 10.00", [])
                                        for h in written[:3]])  # fmt: skip
    world.state.add_reviews("invoice", [(written[3], "Halo tax rate 7 has no code", [], "tax:7")])  # in books, other
    world.state.add_review("invoice", "424242", "It waits for a person", [])  # not in the books
    browser = world.browser
    log_in(browser)
    page = browser.get("/reviews").text
    assert "acme: 3 invoices are in the books with a total that differs from Halo" in page
    form = {"company": "acme", "action": "close_written", "confirmed": "on",
            "reviews": re.search(r'name="reviews" value="([\d,]+)"', page).group(1)}  # fmt: skip
    assert browser.post("/reviews", data=form).status_code == 403  # no form token: nothing changes
    unticked = browser.post("/reviews", data={**form, "csrf": csrf(page), "confirmed": ""})
    assert "Tick that you have checked them in the books first" in unticked.text
    assert {str(r["halo_id"]) for r in world.state.open_reviews()} >= set(written)
    # A later sync asked about another invoice: it was not on the page, so it is not closed with them.
    world.state.add_reviews("invoice", [(written[3], "totals differ: the books' total is 5.01, Halo's is 5.00", [])])
    closed = browser.post("/reviews", data={**form, "csrf": csrf(page)})
    assert "3 records of &#39;acme&#39; checked and closed" in closed.text
    left = {str(r["halo_id"]) for r in world.state.open_reviews()}
    assert left & set(written) == {written[3]}
    assert "424242" in left
    assert "in the books with a total that differs" in closed.text  # the new one, to check next


def test_no_bulk_close_is_offered_when_no_invoice_in_the_books_waits(world):
    world.state.add_review("invoice", "424242", "totals differ: not in the books any more", [])
    browser = world.browser
    log_in(browser)
    assert "in the books with a total that differs" not in browser.get("/reviews").text
