"""``init`` driven through its prompts in a pseudo-terminal, then ``serve`` polled by the fake Web Connector."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from lxml import etree
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.config import Direction, load_settings
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.webconnector import FakeWebConnector

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT, free_port

pexpect = pytest.importorskip("pexpect", reason="pexpect drives a pseudo-terminal (POSIX only)")
WC_PASSWORD = "wc-pass-2026"
MAIN = [sys.executable, "-c", "from halo_accounts.cli.app import main; main()"]


def test_unattended_init_needs_no_terminal(tmp_path, halo_url, halo_sim):
    seed_tenant(halo_sim, seed=5, customers=3, items=3, invoices=3)
    config = tmp_path / "config.toml"
    result = CliRunner().invoke(
        app,
        ["--config", str(config), "init", "--yes", "--halo-url", halo_url, "--tenant", TENANT, "--client-id", CLIENT_ID,
         "--client-secret", CLIENT_SECRET, "--plain-file", "--company", "acme", "--transport", "webconnector",
         "--wc-password", WC_PASSWORD, "--qwc-output", str(tmp_path / "acme.qwc")],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert CLIENT_SECRET not in result.output
    assert WC_PASSWORD not in result.output
    settings = load_settings(config, environ={})
    assert settings.halo.url == halo_url
    assert settings.companies["acme"].webconnector_user == "halo-acme"
    assert WC_PASSWORD not in config.read_text()
    assert etree.parse(str(tmp_path / "acme.qwc")).findtext("UserName") == "halo-acme"
    assert settings.flows.customers is Direction.TO_BOOKS

    # Re-run to change one answer: a flow the user switched off stays off.
    assert CliRunner().invoke(app, ["--config", str(config), "config", "set", "flows.customers", "off"]).exit_code == 0
    again = CliRunner().invoke(
        app,
        ["--config", str(config), "init", "--yes", "--company", "acme", "--wc-password", WC_PASSWORD,
         "--qwc-output", str(tmp_path / "acme.qwc")],
        env={"COLUMNS": "200", "HALO_CLIENT_SECRET": CLIENT_SECRET},
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert load_settings(config, environ={}).flows.customers is Direction.OFF


def test_unattended_init_sets_up_sage_50_uk_with_its_password_in_the_keyring(
    tmp_path, halo_url, halo_sim, memory_keyring
):
    seed_tenant(halo_sim, seed=5, customers=3, items=3, invoices=3)
    config = tmp_path / "config.toml"
    sage_password = "Sage-init-991"
    result = CliRunner().invoke(
        app,
        ["--config", str(config), "init", "--yes", "--halo-url", halo_url, "--tenant", TENANT, "--client-id", CLIENT_ID,
         "--client-secret", CLIENT_SECRET, "--company", "acme", "--books", "sage50uk", "--transport", "com",
         "--company-file", r"C:\ProgramData\Sage\Accounts\2026\Company.000\ACCDATA", "--books-user", "halosync",
         "--books-password", sage_password],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sage_password not in result.output
    assert "sync --company acme --dry-run" in result.output
    acme = load_settings(config, environ={}).companies["acme"]
    assert (acme.books.value, acme.transport.value, acme.books_user) == ("sage50uk", "com", "HALOSYNC")
    assert acme.company_file.endswith("ACCDATA")
    assert sage_password not in config.read_text()
    assert memory_keyring.passwords[("halo-accounts-integrator", "books:acme")] == sage_password

    files = CliRunner().invoke(
        app,
        ["--config", str(config), "init", "--yes", "--company", "acme", "--books", "sage50uk", "--transport", "files",
         "--import-folder", str(tmp_path / "imports"), "--export-folder", str(tmp_path / "exports"), "--no-check"],
        env={"COLUMNS": "200", "HALO_CLIENT_SECRET": CLIENT_SECRET},
    )  # fmt: skip
    assert files.exit_code == 0, files.output
    acme = load_settings(config, environ={}).companies["acme"]
    assert (acme.transport.value, acme.import_folder) == ("files", str(tmp_path / "imports"))

    canada = CliRunner().invoke(
        app,
        ["--config", str(config), "init", "--yes", "--company", "maple", "--books", "sage50ca", "--company-file",
         r"C:\Sage\Maple.SAI", "--books-user", "halosync", "--books-password", "maple-pw", "--no-check"],
        env={"COLUMNS": "200", "HALO_CLIENT_SECRET": CLIENT_SECRET},
    )  # fmt: skip
    assert canada.exit_code == 0, canada.output
    maple = load_settings(config, environ={}).companies["maple"]
    assert (maple.books.value, maple.transport.value, maple.books_user) == ("sage50ca", "sdk", "HALOSYNC")
    assert maple.company_file == r"C:\Sage\Maple.SAI"
    assert memory_keyring.passwords[("halo-accounts-integrator", "books:maple")] == "maple-pw"
    assert "maple-pw" not in config.read_text(encoding="utf-8")


def test_unattended_init_stops_when_a_permission_is_missing(tmp_path, halo_url, halo_sim):
    seed_tenant(halo_sim, seed=6, customers=3, items=3, invoices=3)
    halo_sim.set_permissions(app=["read:customers", "edit:items", "edit:invoices", "admin"])
    result = CliRunner().invoke(
        app,
        ["--config", str(tmp_path / "c.toml"), "init", "--yes", "--halo-url", halo_url, "--client-id", CLIENT_ID,
         "--client-secret", CLIENT_SECRET, "--company", "acme", "--wc-password", WC_PASSWORD],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 3
    assert "Edit - Customers" in result.output
    assert not (tmp_path / "c.toml").exists()  # nothing half-saved


def test_init_through_prompts_sets_up_sage_50_uk_over_import_files(tmp_path, halo_sim):
    from halo_accounts.simulators.serving import serve_in_thread

    seed_tenant(halo_sim, seed=8, customers=3, items=3, invoices=3, country="UK")
    config = tmp_path / "config.toml"
    with serve_in_thread(halo_sim.app) as halo_server:
        env = {"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
               "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # fmt: skip
        child = pexpect.spawn(
            MAIN[0], [*MAIN[1:], "--config", str(config), "init"], env=env, cwd=str(tmp_path), timeout=60,
            encoding="utf-8",
        )  # fmt: skip
        answers = [
            ("Halo address", halo_server.url), ("Tenant", TENANT), ("Client ID", CLIENT_ID),
            ("Client secret", CLIENT_SECRET), ("Import the books' tax rates", "n"),
            ("suppliers and purchase orders", "n"), ("customers that are not in Halo", "n"),
            ("Dashboard password", ""), ("Name for these books", "sage"), ("Which books", "sage50uk"),
            ("Reach Sage through", "files"),
            ("Folder for the import files", str(tmp_path / "imports")),
            ("Folder of Sage's exports", str(tmp_path / "exports")),
        ]  # fmt: skip
        for prompt, answer in answers:
            child.expect(prompt)
            child.sendline(answer)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
    sage = load_settings(config, environ={}).companies["sage"]
    assert (sage.books.value, sage.transport.value, sage.import_folder) == (
        "sage50uk",
        "files",
        str(tmp_path / "imports"),
    )


def test_init_through_prompts_then_serve_sends_invoices(tmp_path, halo_sim):
    from halo_accounts.simulators.serving import serve_in_thread

    seed_tenant(halo_sim, seed=8, customers=5, items=4, invoices=8, country="UK")
    config = tmp_path / "config.toml"
    port = free_port()
    with serve_in_thread(halo_sim.app) as halo_server:
        env = {
            "COLUMNS": "200",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "XDG_STATE_HOME": str(tmp_path / "s"),
            "XDG_DATA_HOME": str(tmp_path / "d"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        CliRunner().invoke(app, ["--config", str(config), "config", "set", "server.port", str(port)])
        child = pexpect.spawn(
            MAIN[0],
            [*MAIN[1:], "--config", str(config), "init"],
            env=env,
            cwd=str(tmp_path),
            timeout=60,
            encoding="utf-8",
        )
        answers = [
            ("Halo address", halo_server.url),
            ("Tenant", TENANT),
            ("Client ID", CLIENT_ID),
            ("Client secret", CLIENT_SECRET),
            ("Import the books' tax rates", "y"),
            ("suppliers and purchase orders", "n"),
            ("customers that are not in Halo", "y"),
            ("Dashboard password", "dashboard-from-init"),
            ("Name for these books", "acme"),
            ("Which books", "quickbooks"),
            ("webconnector' or 'com'", "webconnector"),
            ("Company file path", ""),
            ("Web Connector password", WC_PASSWORD),
            ("Repeat for confirmation", WC_PASSWORD),
        ]
        for prompt, answer in answers:
            child.expect(prompt)
            child.sendline(answer)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
        assert (tmp_path / "acme.qwc").exists()
        assert 'customers = "both"' in config.read_text()  # the books' customers come into Halo too
        assert "dashboard-from-init" not in config.read_text()  # its hash only
        assert load_settings(config, environ={}).server.dashboard_password_hash.startswith("pbkdf2_sha256$")

        process = subprocess.Popen(
            [
                *MAIN,
                "--config",
                str(config),
                "serve",
                "--store",
                f"sqlite:///{tmp_path / 'store.db'}",
                "--trace-dir",
                str(tmp_path / "trace"),
            ],  # fmt: skip
            env={**env, "PATH": "/usr/bin:/bin"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "serve did not start"
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.1)
            company = QuickBooksCompany(edition="UK", validate_schema=False)
            connector = FakeWebConnector(f"http://127.0.0.1:{port}/qbwc", "halo-acme", WC_PASSWORD, company)
            update = connector.update()
            connector.close()
        finally:
            process.terminate()
            process.wait(timeout=15)
            process.stdout.close()
    assert update.status == "done", update
    documents = company.list_records("Invoice") + company.list_records("CreditMemo")
    assert documents
    numbers = {d["RefNumber"] for d in documents}
    written_back = {
        i.get("thirdpartyinvoicenumber") for i in halo_sim.tables["Invoice"].values() if i.get("accountsid")
    }
    assert written_back == numbers
    traces = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "trace").iterdir()}
    assert any(name.endswith("qbxml-request.txt") and "<InvoiceAddRq" in text for name, text in traces.items())
    assert any(name.endswith("halo-request.txt") for name in traces)
    assert not any(CLIENT_SECRET in text or WC_PASSWORD in text for text in traces.values())
