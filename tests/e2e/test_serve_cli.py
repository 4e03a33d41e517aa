"""``company add``, ``qwc`` and ``serve`` as a user runs them: a real process, real HTTP(S), the fake Web Connector."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

import httpx
import pytest
from lxml import etree
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.simulators.quickbooks import QuickBooksCompany, seed_company
from halo_accounts.simulators.webconnector import FakeWebConnector
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions

from testsupport import free_port

PASSWORD = "wc-password-42"


@pytest.fixture
def configured(tmp_path):
    config = tmp_path / "config.toml"
    port = free_port()
    runner = CliRunner()
    env = {"COLUMNS": "200"}
    result = runner.invoke(app, ["--config", str(config), "config", "set", "server.port", str(port)], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            "--config",
            str(config),
            "company",
            "add",
            "northwind",
            "--company-file",
            r"C:\Books\Northwind.qbw",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in config.read_text()
    return config, port


def test_qwc_file_for_a_company(configured, tmp_path):
    config, port = configured
    target = tmp_path / "northwind.qwc"
    result = CliRunner().invoke(app, ["--config", str(config), "qwc", "--company", "northwind", "-o", str(target)])
    assert result.exit_code == 0, result.output
    root = etree.fromstring(target.read_bytes())
    assert root.findtext("AppURL") == f"http://localhost:{port}/qbwc"
    assert root.findtext("UserName") == "halo-northwind"
    first_owner = root.findtext("OwnerID")
    CliRunner().invoke(app, ["--config", str(config), "qwc", "--company", "northwind", "-o", str(target)])
    assert etree.fromstring(target.read_bytes()).findtext("OwnerID") == first_owner  # stable: no QBWC1039
    refused = CliRunner().invoke(
        app, ["--config", str(config), "qwc", "--company", "northwind", "--url", "http://10.0.0.5:8080"]
    )
    assert refused.exit_code == 3
    assert "https" in refused.output


def start_serve(config, tmp_path, *extra):
    process = subprocess.Popen(
        [sys.executable, "-c", "from halo_accounts.cli.app import main; main()", "--config", str(config), "serve",
         "--store", f"sqlite:///{tmp_path / 'store.db'}", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    return process


def wait_healthy(url, process, verify=True):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            if httpx.get(url, verify=verify).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("serve did not become healthy")


def stop(process):
    process.terminate()
    try:
        code = process.wait(timeout=15)
        process.printed = process.stdout.read()
        return code
    finally:
        process.stdout.close()


def printed_setup_address(process, port) -> bool:
    """With no dashboard password yet, serve prints the set-up address whole, on a line of its own."""
    whole = re.compile(rf"http://127\.0\.0\.1:{port}/setup/password\?token=[\w-]{{16,}}")
    return any(whole.fullmatch(line.strip()) for line in process.printed.splitlines())


def test_serve_answers_the_web_connector_and_stops_cleanly(configured, tmp_path):
    config, port = configured
    process = start_serve(config, tmp_path)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", process)
        company = QuickBooksCompany(edition="UK", company_file=r"C:\Books\Northwind.qbw")
        seed_company(company, seed=5, customers=3, items=3, invoices=2)
        connector = FakeWebConnector(f"http://127.0.0.1:{port}/qbwc", "halo-northwind", PASSWORD, company)
        first = connector.update()
        assert first.status == "done", first
        assert "4 tax rates" in first.close_message
        assert connector.update().status == "none"  # the set-up was read; nothing else to do yet
        connector.password = "wrong-password"
        assert connector.update().status == "nvu"
        connector.close()
    finally:
        code = stop(process)
    assert code == 0  # SIGTERM (a service stop) is a graceful stop, like Ctrl+C
    assert printed_setup_address(process, port)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        assert WebConnectorSessions(store.engine).get(first.ticket).state == "closed"
    finally:
        store.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_serve_over_https_with_certfile_and_keyfile(configured, tmp_path):
    config, port = configured
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    process = start_serve(config, tmp_path, "--certfile", str(cert), "--keyfile", str(key))
    try:
        wait_healthy(f"https://127.0.0.1:{port}/health", process, verify=False)
        wsdl = httpx.get(f"https://127.0.0.1:{port}/qbwc?wsdl", verify=False)
        assert wsdl.status_code == 200
        assert f"https://127.0.0.1:{port}/qbwc" in wsdl.text
    finally:
        stop(process)


def test_half_a_tls_pair_is_refused(configured, tmp_path):
    config, _ = configured
    result = CliRunner().invoke(app, ["--config", str(config), "serve", "--certfile", str(tmp_path / "c.pem")])
    assert result.exit_code == 3
    assert "both --certfile and --keyfile" in result.output
