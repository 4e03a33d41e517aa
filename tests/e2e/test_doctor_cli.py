"""``halo-accounts doctor`` end to end: the real CLI, real OAuth and HTTP, the Halo simulator."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.connectors.halo.permissions import operations_for_flows
from halo_accounts.simulators.halo import KNOWN_SCOPES, seed_tenant

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

DEFAULT_FLOWS = ["tax_rates", "customers", "items", "invoices", "payments"]


@pytest.fixture
def run(tmp_path, halo_url, halo_sim):
    seed_tenant(halo_sim, seed=3, customers=5, items=5, invoices=10)

    def invoke(*args, secret=CLIENT_SECRET, env=None):
        environment = {
            "HALO_URL": halo_url,
            "HALO_TENANT": TENANT,
            "HALO_CLIENT_ID": CLIENT_ID,
            "HALO_CLIENT_SECRET": secret,
            "COLUMNS": "250",
            **(env or {}),
        }
        runner = CliRunner()
        return runner.invoke(app, ["--config", str(tmp_path / "none.toml"), "doctor", *args], env=environment)

    return invoke


def test_all_permissions_granted_is_all_ok(run):
    result = run()
    assert result.exit_code == 0, result.output
    assert "MISSING" not in result.output
    assert "ERROR" not in result.output
    for operation in operations_for_flows(DEFAULT_FLOWS):
        assert operation.permission in result.output
    assert "Everything the sync needs is granted." in result.output


def test_json_output_lists_every_check(run):
    result = run("--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    statuses = {c["check"]: c["status"] for c in body["checks"]}
    assert statuses["Log in to Halo"] == "OK"
    assert len(statuses) == 1 + len(operations_for_flows(DEFAULT_FLOWS))
    assert set(statuses.values()) == {"OK"}


NEEDED_OPERATIONS = operations_for_flows(DEFAULT_FLOWS)


@pytest.mark.parametrize("side", ["app", "agent"])
@pytest.mark.parametrize("scope", sorted({op.scope for op in NEEDED_OPERATIONS}))
def test_each_missing_permission_is_named_with_the_fix(run, halo_sim, scope, side):
    # Taking a read away takes its edit too (edit implies read), and the catch-all scopes.
    removed = {scope, "all", "all:standard"} | ({"edit:" + scope[5:]} if scope.startswith("read:") else set())
    halo_sim.set_permissions(**{side: KNOWN_SCOPES - removed})
    result = run("--json")
    assert result.exit_code == 3, result.output
    checks = json.loads(result.output)["checks"]
    missing = {c["check"].split(":")[0] for c in checks if c["status"] == "MISSING"}
    assert missing == {op.permission for op in NEEDED_OPERATIONS if op.scope in removed}
    # A write whose record could not be read for a probe is reported as not checked, never as OK.
    others = {c["check"].split(":")[0]: c["status"] for c in checks if c["status"] != "MISSING"}
    assert set(others.values()) <= {"OK", "NOT CHECKED"}
    assert [name for name, status in others.items() if status == "NOT CHECKED"] in ([], ["Admin"])
    for check in checks:
        if check["status"] == "MISSING":
            assert "Permissions" in check["advice"]
            assert "agent" in check["advice"]


def test_edit_missing_but_read_granted_flags_only_the_edit(run, halo_sim):
    halo_sim.set_permissions(agent=(KNOWN_SCOPES - {"edit:items", "all", "all:standard"}) | {"read:items"})
    result = run("--json")
    assert result.exit_code == 3
    rows = {c["check"].split(":")[0]: c["status"] for c in json.loads(result.output)["checks"]}
    assert rows["Read - Items"] == "OK"
    assert rows["Edit - Items"] == "MISSING"


def test_forbidden_status_403_is_understood_too(run, halo_sim):
    halo_sim.missing_permission_status = 403
    halo_sim.set_permissions(app=KNOWN_SCOPES - {"edit:invoices", "all", "all:standard"})
    result = run()
    assert result.exit_code == 3
    assert "Edit - Invoices" in result.output
    assert "MISSING" in result.output


def test_admin_check_can_be_skipped_after_the_tax_import(run, halo_sim):
    halo_sim.set_permissions(app=KNOWN_SCOPES - {"admin"})
    assert run().exit_code == 3
    result = run("--no-check-admin")
    assert result.exit_code == 0, result.output
    assert "Admin" not in result.output


def test_wrong_secret_says_what_to_do_and_never_echoes_it(run):
    result = run(secret="wrong-secret-value")
    assert result.exit_code == 3
    assert "did not accept the client ID and secret" in result.output
    assert "wrong-secret-value" not in result.output


def test_missing_settings_are_named(run):
    result = run(env={"HALO_CLIENT_ID": "", "HALO_CLIENT_SECRET": ""})
    assert result.exit_code == 3
    assert "halo.client_id" in result.output
    assert "client secret" in result.output


def test_unreachable_halo_is_reported_without_a_traceback(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "--config",
            str(tmp_path / "none.toml"),
            "doctor",
            "--halo-url",
            "http://127.0.0.1:9",
            "--client-id",
            "x",
            "--client-secret",
            "y-secret-value",
        ],
        env={"COLUMNS": "250", "HALO_CLIENT_SECRET": ""},
    )
    assert result.exit_code == 3, result.output
    assert "Cannot connect to Halo at http://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output
    assert "y-secret-value" not in result.output


def test_command_line_options_override_the_environment(run, halo_url):
    result = run(
        "--halo-url",
        halo_url,
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        env={"HALO_URL": "http://127.0.0.1:9", "HALO_CLIENT_SECRET": "stale"},
    )
    assert result.exit_code == 0, result.output
