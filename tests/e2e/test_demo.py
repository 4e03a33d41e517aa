"""``halo-accounts demo``: the README's first command, end to end on the embedded simulators."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.demo import run_demo

from testsupport import log_in_to_dashboard


@pytest.mark.parametrize("edition", ["us", "ca", "uk", "au"])
def test_demo_moves_everything_once_and_then_only_the_edits(tmp_path, edition):
    result = CliRunner().invoke(
        app,
        ["--config", str(tmp_path / "none.toml"), "demo", "--edition", edition, "--customers", "30", "--items", "15",
         "--invoices", "80", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    checks = figures["checks"]
    assert checks["duplicate_customers"] == 0
    assert checks["duplicate_payments"] == 0
    assert checks["write_backs_match"] is True
    assert checks["books_invoices_and_credits"] == checks["halo_invoices_posted_by_integrator"] > 0
    assert checks["failing_records"] == 0
    first, edits, second = figures["steps"]
    assert first["status"] == second["status"] == "done"
    assert first["flows"]["customers"]["created"] == checks["books_customers"]
    # The second update moves exactly the edits: changed customers, new invoices, payments received.
    assert second["flows"]["customers"] == {
        "updated": edits["customers_edited"],
        "skip": checks["books_customers"] - edits["customers_edited"],
    }
    assert second["flows"]["invoices"].get("created", 0) == edits["invoices_added"]
    assert second["flows"]["payments"].get("create", 0) == edits["payments_received"]
    assert checks["halo_payments_from_books"] >= edits["payments_received"]
    assert "explore" not in figures  # no credentials without --keep


@pytest.mark.parametrize(("books", "name"), [("sage50uk", "Sage 50 UK"), ("sage50ca", "Sage 50 Canada")])
def test_demo_with_sage_50_moves_everything_once_and_then_only_the_edits(tmp_path, books, name):
    result = CliRunner().invoke(
        app,
        ["--config", str(tmp_path / "none.toml"), "demo", "--books", books, "--customers", "30", "--items", "15",
         "--invoices", "80", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    checks = figures["checks"]
    assert checks["books"] == name
    assert checks["duplicate_customers"] == 0
    assert checks["write_backs_match"] is True
    assert checks["books_invoices_and_credits"] == checks["halo_invoices_posted_by_integrator"] > 0
    first, edits, second = figures["steps"]
    # Sage 50 Canada stores Windows-1252 only: the seeded "Łukasz Nowak Consulting" fails, and its invoices wait.
    refused = 1 if books == "sage50ca" else 0
    assert first["flows"]["customers"].get("failed", 0) == refused
    assert checks["failing_records"] == refused + first["flows"]["invoices"].get("failed", 0)
    assert bool(first["flows"]["invoices"].get("failed", 0)) == bool(refused)
    assert first["status"] == second["status"] == "done"
    assert first["flows"]["customers"]["created"] == checks["books_customers"]
    moved = {action: n for action, n in second["flows"]["customers"].items() if action != "skip"}
    assert moved == {"updated": edits["customers_edited"], **({"failed": refused} if refused else {})}
    assert second["flows"]["invoices"].get("created", 0) == edits["invoices_added"]
    assert second["flows"]["payments"].get("create", 0) == edits["payments_received"] > 0
    assert checks["halo_payments_from_books"] == edits["payments_received"]
    assert checks["duplicate_payments"] == 0


def test_demo_trace_holds_both_sides_and_no_secret(tmp_path):
    trace = tmp_path / "trace"
    result = run_demo(edition="uk", customers=5, items=4, invoices=8, trace_dir=trace)
    texts = {path.name: path.read_text(encoding="utf-8") for path in sorted(trace.iterdir())}
    kinds = {name.split("-", 1)[1].removesuffix(".txt") for name in texts}
    assert kinds == {"halo-request", "halo-response", "qbxml-request", "qbxml-response"}
    assert any("<CustomerAddRq" in text for text in texts.values())
    assert any(text.startswith("POST") and "/api/Invoice" in text for text in texts.values())
    secrets = [result.explore["halo_client_secret"], result.explore["web_connector_password"]]
    tokens = re.compile(r'"(access|refresh)_token"\s*:\s*"(?!\*)')
    for name, text in texts.items():
        assert not any(secret in text for secret in secrets), name
        assert not tokens.search(text), name
        assert "Bearer " not in text, name


def test_demo_keep_serves_the_dashboard_behind_its_password_with_the_figures_and_no_secret():
    import httpx

    seen: dict[str, object] = {}

    def explore(result):
        url = result.explore["dashboard_url"]
        seen["locked"] = httpx.get(url, follow_redirects=False).status_code
        with httpx.Client(base_url=url, follow_redirects=True) as browser:
            log_in_to_dashboard(browser, result.explore["dashboard_password"])
            seen["html"] = browser.get("/").text
            seen["status"] = browser.get("/status").json()
            seen["errors"] = browser.get("/errors").text

    result = run_demo(edition="au", customers=5, items=4, invoices=8, keep=explore)
    assert seen["locked"] == 303  # to the login page
    (company,) = seen["status"]["companies"]
    assert company["company"] == "demo"
    assert company["last_run"]["outcome"] in ("ok", "partial")
    assert company["needs_review"] == result.checks["needs_review"]
    assert company["failing"] == result.checks["failing_records"]
    assert company["web_connector_last_call"]["state"] == "closed"
    assert '<h2 id="company-1">demo' in seen["html"]
    for secret in (result.explore["halo_client_secret"], result.explore["web_connector_password"]):
        for text in (seen["html"], json.dumps(seen["status"]), seen["errors"]):
            assert secret not in text


def test_the_sage_demo_keep_serves_the_dashboard_too():
    import httpx

    from halo_accounts.demo_sage import run_sage_demo

    seen: dict[str, object] = {}

    def explore(result):
        with httpx.Client(base_url=result.explore["dashboard_url"], follow_redirects=True) as browser:
            log_in_to_dashboard(browser, result.explore["dashboard_password"])
            seen["status"] = browser.get("/status").json()
            seen["history"] = browser.get("/history", params={"company": "demo"}).text

    result = run_sage_demo("sage50ca", customers=8, items=5, invoices=12, keep=explore)
    (company,) = seen["status"]["companies"]
    assert (company["company"], company["books"], company["last_run"]["outcome"]) == ("demo", "sage50ca", "ok")
    assert company["failing"] == result.checks["failing_records"]
    assert "/history/demo/" in seen["history"]
