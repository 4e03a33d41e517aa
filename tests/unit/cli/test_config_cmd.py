"""``halo-accounts config``: settings are changed safely and the secret never shows."""

from __future__ import annotations

import os
import stat
import sys

import keyring
import pytest
from keyring.backends import fail
from typer.testing import CliRunner

from halo_accounts.cli.app import app


@pytest.fixture
def cli(tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # a headless machine: no OS keyring
    path = tmp_path / "halo" / "config.toml"

    def invoke(*args, stdin=None, env=None):
        return CliRunner().invoke(
            app, ["--config", str(path), "config", *args], input=stdin, env={"COLUMNS": "200", **(env or {})}
        )

    invoke.path = path
    yield invoke
    keyring.set_keyring(previous)


def test_set_then_show(cli):
    assert cli("set", "halo.url", "https://acme.halopsa.com/").exit_code == 0
    assert cli("set", "halo.scopes", "edit:items, edit:invoices").exit_code == 0
    assert cli("set", "flows.suppliers", "to_books").exit_code == 0
    shown = cli("show").output
    assert 'url = "https://acme.halopsa.com"' in shown
    assert 'scopes = [\n    "edit:items",\n    "edit:invoices",\n]' in shown
    assert 'suppliers = "to_books"' in shown
    assert "client secret: not set" in shown


def test_the_store_url_is_set_at_the_top_of_the_file(cli):
    assert cli("set", "store_url", "sqlite:///C:/ProgramData/halo-accounts/integrator.db").exit_code == 0
    assert cli("set", "halo.tenant", "acme").exit_code == 0
    text = cli.path.read_text()
    assert text.index('store_url = "sqlite:///C:/ProgramData/halo-accounts/integrator.db"') < text.index("[halo]")
    assert cli("set", "installation_id", "x").exit_code == 3  # only the settings a person may change


def test_a_database_password_in_the_store_url_is_never_shown(cli):
    said = cli("set", "store_url", "postgresql://bob:S3cretPw@db.example/halo")
    assert said.exit_code == 0
    assert "S3cretPw" not in said.output
    assert "postgresql://bob:***@db.example/halo" in said.output
    assert "S3cretPw" not in cli("show").output


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("halo.nope", "1", "There is no setting 'halo.nope'"),
        ("halo.rate_limit", "-1", "not a valid value for halo.rate_limit"),
        ("flows.invoices", "sideways", "not a valid value for flows.invoices"),
        ("halo.client_secret", "x", "config set-secret"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(cli, key, value, message):
    result = cli("set", "--", key, value)
    assert result.exit_code == 3
    assert message in result.output
    assert not cli.path.exists()


def test_environment_is_not_written_into_the_file(cli):
    cli("set", "halo.tenant", "acme", env={"HALO_URL": "https://from-env.example"})
    assert "from-env" not in cli.path.read_text()


def test_without_a_keyring_set_secret_explains_the_options(cli):
    cli("set", "halo.client_id", "cid")
    result = cli("set-secret", "--stdin", stdin="s3cret-from-stdin\n")
    assert result.exit_code == 3
    assert "HALO_CLIENT_SECRET" in result.output
    assert "s3cret-from-stdin" not in result.output
    assert "s3cret-from-stdin" not in cli.path.read_text()


def test_plain_file_secret_is_private_and_never_shown(cli):
    cli("set", "halo.client_id", "cid")
    result = cli("set-secret", "--stdin", "--plain-file", stdin="s3cret-from-stdin\n")
    assert result.exit_code == 0, result.output
    assert "config file" in result.output
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(cli.path).st_mode) == 0o600
    # Changing another setting keeps the stored secret.
    assert cli("set", "halo.tenant", "acme").exit_code == 0
    shown = cli("show").output
    assert "s3cret-from-stdin" not in shown
    assert "client secret: set, from the config file" in shown
    assert "s3cret-from-stdin" in cli.path.read_text()
