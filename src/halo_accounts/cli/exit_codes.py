"""The one table of process exit codes, and how errors map onto it."""

from __future__ import annotations

import enum

from halo_accounts.errors import ConfigError, RecordError

__all__ = ["ExitCode", "exit_code_for"]


class ExitCode(enum.IntEnum):
    """What ``halo-accounts`` returns to the shell or the service manager."""

    OK = 0  # everything done
    RECORDS_FAILED = 1  # the run finished but some records failed (see 'halo-accounts errors')
    USAGE = 2  # the command line was wrong
    CONFIG = 3  # settings or permissions must be fixed first
    FATAL = 4  # the run stopped: Halo or the books unreachable, a bug, or corrupt state
    INTERRUPTED = 130  # stopped with Ctrl+C


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for an error that ended a command."""
    if isinstance(error, ConfigError):
        return ExitCode.CONFIG
    if isinstance(error, RecordError):
        return ExitCode.RECORDS_FAILED
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.FATAL
