"""No secret (client secret, access token) reaches any output, log, error message or tracked file."""

from __future__ import annotations

import logging
import re
import subprocess

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import CLIENT, INVOICE, ClientRecord
from halo_accounts.errors import SyncError
from halo_accounts.logging import configure_logging
from halo_accounts.simulators.halo import seed_tenant

from testsupport import CLIENT_ID, CLIENT_SECRET, REPO, TENANT


def issued_tokens(sim):
    return list(sim.state.tokens)


def assert_clean(text, secrets):
    for secret in secrets:
        assert secret not in text, "a secret leaked"


@pytest.mark.parametrize("secret", [CLIENT_SECRET, "wrong-secret-12345"])
def test_doctor_at_debug_level_prints_no_secret(tmp_path, halo_url, halo_sim, secret):
    seed_tenant(halo_sim, seed=2, customers=3, items=3, invoices=3)
    result = CliRunner().invoke(
        app,
        ["--config", str(tmp_path / "c.toml"), "-vv", "doctor", "--client-secret", secret],
        env={"HALO_URL": halo_url, "HALO_CLIENT_ID": CLIENT_ID, "HALO_TENANT": TENANT, "COLUMNS": "200"},
    )
    assert result.exit_code in (0, 3)
    assert "HTTP Request" in result.output  # debug logging really ran
    assert_clean(result.output, [secret, *issued_tokens(halo_sim)])


def test_logs_errors_and_reprs_of_a_failing_run_hold_no_secret(halo_url, halo_sim):
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    redactor = configure_logging(logging.DEBUG, handler=Keep())
    redactor.add_secret(CLIENT_SECRET)
    auth = ClientCredentialsAuth(
        base_url=halo_url,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        scopes=["read:invoices"],
        tenant=TENANT,
        on_token=redactor.add_secret,
    )
    messages = []
    with HaloClient(base_url=halo_url, auth=auth, rate_limit=None) as client:
        list(client.iterate(INVOICE))
        logging.getLogger("halo_accounts.test").debug("auth state %r token %s", client.auth, client.auth.token)
        for action in (
            lambda: client.save(CLIENT, [ClientRecord(name="x")]),  # permission missing
            lambda: client.get(INVOICE, 404),  # not found
        ):
            try:
                action()
            except SyncError as exc:
                messages += [exc.user_message, exc.detail or "", repr(exc)]
    tokens = issued_tokens(halo_sim)
    assert tokens
    assert len(messages) == 6
    assert_clean("\n".join(records + messages), [CLIENT_SECRET, *tokens])
    assert any("***" in r for r in records)  # the token in the debug line was masked, not dropped


SECRET_ASSIGNMENT = re.compile(
    r"""(?ix)\b(client_secret|password|access_token|api_key)\b\s*[:=]\s*["']([^"'\s]{8,})["']"""
)


# Simulator and benchmark credentials are placeholders by name, not secrets.
PLACEHOLDER = re.compile(r"(?i)^(demo|bench|test|example|sample)[-_]")


def test_no_tracked_file_outside_tests_carries_a_secret_literal():
    try:
        files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert not [f for f in files if f.endswith("config.toml")], "a settings file is tracked"
    offenders = []
    for name in files:
        if name.startswith("tests/") or not name.endswith((".py", ".toml", ".md", ".cfg", ".ini", ".json")):
            continue
        text = (REPO / name).read_text(encoding="utf-8", errors="ignore")
        offenders += [
            f"{name}: {m.group(0)}" for m in SECRET_ASSIGNMENT.finditer(text) if not PLACEHOLDER.match(m.group(2))
        ]
    assert offenders == []
