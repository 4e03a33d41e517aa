"""Every command is documented in the README and has help text; errors become documented exit codes."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.cli.exit_codes import ExitCode, exit_code_for
from halo_accounts.errors import ConfigError, FatalError, NotFoundError, RecordError, TransientError

from testsupport import REPO


def leaf_commands():
    root = typer.main.get_command(app)

    def walk(command, path):
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                yield from walk(child, [*path, name])
        else:
            yield path, command

    return list(walk(root, []))


def test_every_command_is_in_the_readme_and_has_help():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = leaf_commands()
    assert len(commands) >= 7
    runner = CliRunner()
    for path, command in commands:
        assert f"halo-accounts {' '.join(path)}" in readme or (
            len(path) == 2 and f"halo-accounts {path[0]} " in readme and path[1] in readme
        ), f"'halo-accounts {' '.join(path)}' is not in the README"
        assert (command.help or "").strip(), f"{path} has no help text"
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output


def test_exit_codes_follow_the_documented_table():
    assert exit_code_for(ConfigError("x")) is ExitCode.CONFIG == 3
    assert exit_code_for(RecordError("x")) is ExitCode.RECORDS_FAILED == 1
    assert exit_code_for(NotFoundError("x")) is ExitCode.RECORDS_FAILED
    assert exit_code_for(TransientError("x")) is ExitCode.FATAL == 4
    assert exit_code_for(FatalError("x")) is ExitCode.FATAL
    assert exit_code_for(KeyboardInterrupt()) is ExitCode.INTERRUPTED


def test_usage_errors_exit_2_without_a_traceback():
    result = CliRunner().invoke(app, ["doctor", "--no-such-option"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("halo-accounts ")


def test_an_unexpected_failure_is_one_clear_line_and_the_traceback_waits_for_verbose(tmp_path, monkeypatch):
    import halo_accounts.cli.state_cmds as state_cmds

    def broken(*args, **kwargs):
        raise RuntimeError("a bug deep inside")

    monkeypatch.setattr(state_cmds, "open_state_store", broken)  # stands in for any bug in a command
    config = str(tmp_path / "config.toml")
    added = CliRunner().invoke(app, ["--config", config, "company", "add", "acme", "--transport", "com"])
    assert added.exit_code == 0, added.output
    quiet = CliRunner().invoke(app, ["--config", config, "status"])
    assert quiet.exit_code == ExitCode.FATAL
    assert "an unexpected problem stopped the command (RuntimeError)" in quiet.output
    assert "Traceback" not in quiet.output
    detailed = CliRunner().invoke(app, ["--config", config, "-v", "status"])
    assert detailed.exit_code == ExitCode.FATAL
    assert "Traceback" in detailed.output
    assert "a bug deep inside" in detailed.output
