"""The root of the ``halo-accounts`` command line, and the one place errors become exit codes."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from halo_accounts import __version__
from halo_accounts.cli.common import CliState, state_of
from halo_accounts.cli.company import company_app
from halo_accounts.cli.config_cmd import config_app
from halo_accounts.cli.dashboard_password import dashboard_password
from halo_accounts.cli.demo import demo
from halo_accounts.cli.doctor import doctor
from halo_accounts.cli.exit_codes import ExitCode, exit_code_for
from halo_accounts.cli.init import init
from halo_accounts.cli.qwc import qwc
from halo_accounts.cli.serve import serve
from halo_accounts.cli.sim import sim_app
from halo_accounts.cli.state_cmds import errors, history, mappings_app, status
from halo_accounts.cli.support import export_support_bundle
from halo_accounts.cli.sync import sync
from halo_accounts.errors import SyncError

__all__ = ["app", "main"]

log = logging.getLogger(__name__)


class _ErrorReportingGroup(TyperGroup):
    """Turns the integrator's errors into one clear line and a documented exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SyncError as exc:
            state = state_of(ctx)
            state.err.print(f"[bold red]Error:[/] {state.redactor.redact(exc.user_message)}", highlight=False)
            if exc.detail and state.verbosity > 0:
                state.err.print(f"Detail: {state.redactor.redact(exc.detail)}", highlight=False)
            ctx.exit(exit_code_for(exc))
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            state_of(ctx).err.print("Interrupted.")
            ctx.exit(ExitCode.INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (``... | head``): stop quietly, and let no later flush fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(ExitCode.OK)
        except Exception as exc:
            if _is_parser_error(exc):
                raise  # usage errors: the parser prints them and exits 2
            state = state_of(ctx)
            if not logging.getLogger("halo_accounts").handlers:
                state.start_logging()  # the traceback goes to the console only with --verbose
            log.exception("Unexpected failure")
            state.err.print(
                f"[bold red]Error:[/] an unexpected problem stopped the command ({type(exc).__name__}). "
                "Run again with --verbose and report it with the output.",
                highlight=False,
            )
            ctx.exit(ExitCode.FATAL)


def _is_parser_error(exc: Exception) -> bool:
    # Typer vendors click in recent versions, so its exceptions are matched by origin, not class.
    return hasattr(exc, "exit_code") and type(exc).__module__.startswith(("click", "typer"))


app = typer.Typer(
    cls=_ErrorReportingGroup,
    help="Keep HaloPSA / HaloITSM and your desktop accounting (QuickBooks Desktop, Sage 50) in step.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(init)
app.command()(doctor)
app.command()(demo)
app.command()(sync)
app.command()(status)
app.command()(history)
app.command()(errors)
app.command()(serve)
app.command()(qwc)
app.command("export-support-bundle")(export_support_bundle)
app.command("dashboard-password")(dashboard_password)
app.add_typer(mappings_app, name="mappings")
app.add_typer(config_app, name="config")
app.add_typer(company_app, name="company")
app.add_typer(sim_app, name="sim")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"halo-accounts {__version__}")
        raise typer.Exit


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option("--config", envvar="HALO_ACCOUNTS_CONFIG", help="Settings file to use instead of the default."),
    ] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More detail (repeat for debug).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Halo Accounts Integrator."""
    state = CliState(config_path=config, verbosity=-1 if quiet else verbose)
    ctx.obj = state
    state.start_logging()


def main() -> None:
    """Console-script entry point."""
    app()
