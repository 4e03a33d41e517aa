"""What every command shares: the run context, settings loading and the consoles."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
import typer
from pydantic import SecretStr
from rich.console import Console

from halo_accounts.config import Settings, load_settings, resolve_client_secret
from halo_accounts.logging import RedactingFilter, configure_logging

__all__ = ["CliState", "HaloOptions", "halo_settings", "log_path", "state_of"]


@dataclass
class CliState:
    """Options given before the command, and the one redaction filter of this process."""

    config_path: Path | None = None
    verbosity: int = 0
    out: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))
    redactor: RedactingFilter = field(default_factory=RedactingFilter)

    def start_logging(self, *, to_file: bool = False) -> None:
        """Configure logs for this process at the chosen verbosity (and the rotating file, for services)."""
        level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(self.verbosity, logging.DEBUG)
        configure_logging(level, redactor=self.redactor, log_file=log_path() if to_file else None)


def log_path() -> Path:
    """The integrator's log file, in the platform's log folder."""
    return Path(platformdirs.user_log_dir("halo-accounts", appauthor=False)) / "integrator.log"


def state_of(ctx: typer.Context) -> CliState:
    """The ``CliState`` the root command put in the context."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


@dataclass(frozen=True)
class HaloOptions:
    """Connection options a command accepts on its command line."""

    halo_url: str | None = None
    tenant: str | None = None
    client_id: str | None = None
    client_secret: str | None = None


def halo_settings(state: CliState, options: HaloOptions) -> tuple[Settings, SecretStr | None]:
    """Settings with the command line applied, and the client secret from wherever it is kept."""
    overrides = {
        "halo.url": options.halo_url,
        "halo.tenant": options.tenant,
        "halo.client_id": options.client_id,
    }
    settings = load_settings(state.config_path, overrides=overrides)
    secret, _source = resolve_client_secret(settings, override=options.client_secret)
    if secret is not None:
        state.redactor.add_secret(secret.get_secret_value())
    return settings, secret
