"""``halo-accounts dashboard-password``: set the password the dashboard asks for."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from halo_accounts.cli.common import state_of
from halo_accounts.config import default_config_path, load_settings, save_settings
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import hash_password
from halo_accounts.errors import ConfigError
from halo_accounts.web.security import MIN_PASSWORD

__all__ = ["dashboard_password"]


def dashboard_password(
    ctx: typer.Context,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Set the dashboard's password (kept as a salted hash only); 'serve' asks for it in the browser."""
    state = state_of(ctx)
    path = state.config_path or default_config_path()
    settings = load_settings(path, environ={})
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Dashboard password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        msg = f"Choose a dashboard password of at least {MIN_PASSWORD} characters."
        raise ConfigError(msg)
    state.redactor.add_secret(password)
    settings.server.dashboard_password_hash = hash_password(password)
    save_settings(settings, path, include_secret=settings.halo.client_secret is not None)
    state.out.print("The dashboard password is set; log in at the address 'halo-accounts serve' prints.")
