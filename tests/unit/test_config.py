import os
import stat
import sys

import pytest

from halo_accounts.config import (
    Direction,
    SecretSource,
    keyring_available,
    load_settings,
    resolve_client_secret,
    save_settings,
    store_client_secret,
)
from halo_accounts.errors import ConfigError


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path):
    settings = load_settings(tmp_path / "missing.toml", environ={})
    assert settings.halo.rate_limit == 300
    assert settings.flows.invoices is Direction.TO_BOOKS
    assert settings.flows.suppliers is Direction.OFF


def test_precedence_file_then_environment_then_overrides(tmp_path):
    path = write(tmp_path / "c.toml", '[halo]\nurl = "https://file.example/"\ntenant = "file"\nclient_id = "file-id"\n')
    env = {"HALO_TENANT": "env", "HALO_CLIENT_ID": "env-id", "HALO_SCOPES": "read:items, edit:invoices"}
    settings = load_settings(path, environ=env, overrides={"halo.client_id": "cli-id", "halo.url": None})
    assert settings.halo.url == "https://file.example"  # trailing slash dropped
    assert settings.halo.tenant == "env"
    assert settings.halo.client_id == "cli-id"
    assert settings.halo.scopes == ["read:items", "edit:invoices"]


def test_invalid_values_name_the_setting(tmp_path):
    path = write(tmp_path / "c.toml", '[halo]\nrate_limit = -5\n[flows]\ninvoices = "sideways"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    assert "halo.rate_limit" in caught.value.user_message
    assert "flows.invoices" in caught.value.user_message


def test_unknown_keys_are_refused(tmp_path):
    path = write(tmp_path / "c.toml", "[halo]\nurll = 'x'\n")
    with pytest.raises(ConfigError, match=r"halo\.urll"):
        load_settings(path, environ={})


def test_broken_toml_is_a_config_error(tmp_path):
    path = write(tmp_path / "c.toml", "[halo\n")
    with pytest.raises(ConfigError, match="Cannot read the settings file"):
        load_settings(path, environ={})


def test_secret_order_override_environment_keyring_file(tmp_path, memory_keyring):
    path = write(tmp_path / "c.toml", '[halo]\nurl = "https://h"\nclient_id = "id"\nclient_secret = "from-file"\n')
    settings = load_settings(path, environ={})
    assert resolve_client_secret(settings, environ={})[1] is SecretSource.FILE
    store_client_secret(settings, "from-keyring", path)
    secret, source = resolve_client_secret(settings, environ={})
    assert (secret.get_secret_value(), source) == ("from-keyring", SecretSource.KEYRING)
    secret, source = resolve_client_secret(settings, environ={"HALO_CLIENT_SECRET": "from-env"})
    assert (secret.get_secret_value(), source) == ("from-env", SecretSource.ENVIRONMENT)
    secret, source = resolve_client_secret(settings, override="from-cli", environ={"HALO_CLIENT_SECRET": "x"})
    assert (secret.get_secret_value(), source) == ("from-cli", SecretSource.OVERRIDE)


def test_keyring_storage_keeps_the_secret_out_of_the_file(tmp_path, memory_keyring):
    path = tmp_path / "c.toml"
    settings = load_settings(path, environ={}, overrides={"halo.client_id": "id", "halo.url": "https://h"})
    save_settings(settings, path)
    assert store_client_secret(settings, "kept-in-keyring", path) is SecretSource.KEYRING
    assert "kept-in-keyring" not in path.read_text()
    assert list(memory_keyring.passwords.values()) == ["kept-in-keyring"]


def test_without_a_keyring_the_user_is_told_the_two_ways_out(tmp_path, no_keyring):
    assert keyring_available() is False
    settings = load_settings(tmp_path / "c.toml", environ={}, overrides={"halo.client_id": "id"})
    with pytest.raises(ConfigError) as caught:
        store_client_secret(settings, "x-secret", tmp_path / "c.toml")
    assert "HALO_CLIENT_SECRET" in caught.value.user_message
    assert "--plain-file" in caught.value.user_message
    assert "x-secret" not in caught.value.user_message
    assert not (tmp_path / "c.toml").exists()


def test_plain_file_storage_is_private_to_the_user(tmp_path, no_keyring):
    path = tmp_path / "sub" / "c.toml"
    settings = load_settings(path, environ={}, overrides={"halo.client_id": "id"})
    assert store_client_secret(settings, "plain-secret", path, plain_file=True) is SecretSource.FILE
    reloaded = load_settings(path, environ={})
    assert reloaded.halo.client_secret.get_secret_value() == "plain-secret"
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_secret_is_never_in_the_repr(tmp_path):
    path = write(tmp_path / "c.toml", '[halo]\nclient_secret = "do-not-print"\n')
    settings = load_settings(path, environ={})
    assert "do-not-print" not in repr(settings)
    assert "do-not-print" not in str(settings.model_dump())


def test_saving_without_include_secret_drops_it(tmp_path):
    path = write(tmp_path / "c.toml", '[halo]\nclient_id = "id"\nclient_secret = "drop-me"\n')
    settings = load_settings(path, environ={})
    save_settings(settings, path)
    assert "drop-me" not in path.read_text()
    assert load_settings(path, environ={}).halo.client_id == "id"
