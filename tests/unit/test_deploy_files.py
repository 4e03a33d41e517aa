"""The service definitions in deploy/ must match what ``halo-accounts serve`` does and where it writes."""

from __future__ import annotations

import configparser
import re
import shlex
import sys
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from halo_accounts.cli.common import log_path
from halo_accounts.cli.exit_codes import ExitCode
from halo_accounts.config import CONFIG_PATH_ENV, SECRET_ENV
from halo_accounts.store.database import default_store_url

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "systemd" / "halo-accounts.service"
WINSW = ROOT / "deploy" / "windows" / "halo-accounts-service.xml"
README = ROOT / "README.md"

MIN_STOP_SECONDS = 300


class _Repeated(dict):
    """Keeps every value of a key systemd allows to repeat (Environment=, ReadWritePaths=...)."""

    def __setitem__(self, key, value):
        if isinstance(value, list) and key in self and isinstance(self[key], list):
            self[key].extend(value)
        else:
            super().__setitem__(key, value)


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        strict=False, interpolation=None, dict_type=_Repeated, empty_lines_in_values=False
    )
    parser.optionxform = str  # systemd keys are case-sensitive
    assert parser.read(UNIT, encoding="utf-8") == [str(UNIT)]
    return parser


def _values(key: str, section: str = "Service") -> list[str]:
    raw = _unit().get(section, key, fallback="")
    return [line.strip() for line in raw.splitlines() if line.strip()]


def _value(key: str, section: str = "Service") -> str:
    values = _values(key, section)
    assert values, f"{key}= is missing from [{section}]"
    return values[-1]  # systemd: the last assignment wins


def _environment() -> dict[str, str]:
    pairs = [item for line in _values("Environment") for item in shlex.split(line)]
    return dict(pair.split("=", 1) for pair in pairs)


def _systemd_seconds(span: str) -> float:
    units = {"": 1, "s": 1, "sec": 1, "ms": 0.001, "m": 60, "min": 60, "h": 3600, "hr": 3600}
    parts = re.findall(r"(\d+)\s*([a-z]*)", span)
    assert parts, span
    assert all(unit in units for _, unit in parts), span
    return sum(int(number) * units[unit] for number, unit in parts)


def _writable_paths() -> list[PurePosixPath]:
    """Where the service may write under ProtectSystem=strict: its StateDirectory= and ReadWritePaths=."""
    paths = [PurePosixPath("/var/lib", name) for line in _values("StateDirectory") for name in line.split()]
    paths += [PurePosixPath(p.lstrip("-")) for line in _values("ReadWritePaths") for p in line.split()]
    return paths


def test_unit_runs_serve_from_an_absolute_path_as_a_dedicated_user():
    command = shlex.split(_value("ExecStart"))
    assert PurePosixPath(command[0]).is_absolute()
    assert PurePosixPath(command[0]).name == "halo-accounts"
    assert command[1:] == ["serve"]
    assert _value("User") not in ("", "root")


def test_unit_stops_gracefully_and_restarts_after_a_crash():
    assert _value("KillSignal") == "SIGINT"  # SIGTERM's default action would skip the wait for the sync
    assert _systemd_seconds(_value("TimeoutStopSec")) >= MIN_STOP_SECONDS
    assert _value("Restart") == "on-failure"
    assert _systemd_seconds(_value("RestartSec")) > 0
    # A graceful stop ends with the Ctrl+C exit code, which must not count as a failure.
    assert str(int(ExitCode.INTERRUPTED)) in _value("SuccessExitStatus").split()


def test_unit_names_the_settings_file_and_an_optional_secret_file():
    environment = _environment()
    assert PurePosixPath(environment[CONFIG_PATH_ENV]) == PurePosixPath("/etc/halo-accounts/config.toml")
    assert SECRET_ENV not in environment  # the secret belongs in the root-only env file, not the unit
    assert "-/etc/halo-accounts/env" in _values("EnvironmentFile")


def test_unit_is_hardened():
    assert _value("NoNewPrivileges") == "yes"
    assert _value("ProtectSystem") == "strict"
    assert _writable_paths()


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the unit is for Linux; platformdirs follows XDG_* only there"
)
def test_unit_allows_writing_exactly_where_the_store_and_the_log_go(monkeypatch, tmp_path):
    environment = _environment()
    assert {"XDG_DATA_HOME", "XDG_STATE_HOME"} <= environment.keys()
    # The same layout under a temporary root: default_store_url() creates its folder.
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / environment[name].lstrip("/")))

    def as_on_the_server(path: Path) -> PurePosixPath:
        return PurePosixPath("/") / path.relative_to(tmp_path).as_posix()

    database = as_on_the_server(Path(default_store_url().removeprefix("sqlite:///")))
    log_file = as_on_the_server(log_path())
    assert database == PurePosixPath("/var/lib/halo-accounts/integrator.db")
    assert log_file == PurePosixPath("/var/lib/halo-accounts/log/integrator.log")
    writable = _writable_paths()
    for written in (database, log_file):
        assert any(written.is_relative_to(folder) for folder in writable), (written, writable)
    # The state directory systemd creates (and chowns to User=) holds both.
    state_directory = PurePosixPath("/var/lib", _value("StateDirectory"))
    assert database.is_relative_to(state_directory)
    assert log_file.is_relative_to(state_directory)


def _winsw() -> etree._Element:
    return etree.parse(str(WINSW)).getroot()


def _winsw_seconds(duration: str) -> float:
    match = re.fullmatch(r"\s*(\d+)\s*(ms|sec|secs|min|mins|hour|hours)?\s*", duration)
    assert match, duration
    number, unit = int(match[1]), match[2]
    return number * {None: 0.001, "ms": 0.001, "sec": 1, "secs": 1, "min": 60, "mins": 60}.get(unit, 3600)


def test_winsw_service_runs_serve_from_the_virtual_environment():
    service = _winsw()
    assert service.tag == "service"
    assert service.findtext("id") == "halo-accounts"
    assert service.findtext("name")
    assert service.findtext("description")
    executable = service.findtext("executable")
    assert executable is not None
    assert executable.endswith(r"\Scripts\halo-accounts.exe")
    assert service.findtext("arguments").strip() == "serve"


def test_winsw_service_stops_gracefully_and_restarts_after_a_crash():
    service = _winsw()
    assert _winsw_seconds(service.findtext("stoptimeout")) >= MIN_STOP_SECONDS
    # Ctrl+C goes to the console-script launcher first, which hands it to Python and waits.
    assert service.findtext("stopparentprocessfirst") == "true"
    failures = service.findall("onfailure")
    assert failures
    assert failures[0].get("action") == "restart"
    assert service.find("log").get("mode") == "roll-by-size"


def test_winsw_service_names_a_machine_wide_settings_file():
    environment = {env.get("name"): env.get("value") for env in _winsw().findall("env")}
    assert environment[CONFIG_PATH_ENV].endswith(r"\halo-accounts\config.toml")
    assert "ProgramData" in environment[CONFIG_PATH_ENV]
    assert SECRET_ENV not in environment  # only in a commented example: the user chooses
    assert _winsw().find("serviceaccount") is None  # LocalSystem unless the user uncomments it


def test_readme_explains_both_service_definitions():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Running as a service") : text.index("## Configuration")]
    assert "deploy/systemd/halo-accounts.service" in section
    assert "deploy/windows/halo-accounts-service.xml" in section
    assert str(PurePosixPath(shlex.split(_value("ExecStart"))[0]).parent.parent) in section  # the venv
    assert "journalctl -u halo-accounts" in section
    assert "http://localhost:8080/qbwc" in section
