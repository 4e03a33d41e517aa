"""``halo-accounts export-support-bundle``: one zip with what support needs, and no secret."""

from __future__ import annotations

import json
import platform
import sys
import zipfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer

from halo_accounts import __version__
from halo_accounts.cli.common import log_path, state_of
from halo_accounts.config import default_config_path, load_settings, shareable_settings

__all__ = ["export_support_bundle"]

_PACKAGES = ("httpx", "pydantic", "sqlalchemy", "lxml", "starlette", "uvicorn", "typer", "keyring")


def export_support_bundle(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The zip to write.")] = None,
    trace_dir: Annotated[Path | None, typer.Option(help="A --trace-dir folder to include.")] = None,
) -> None:
    """Write a zip with the settings (without secrets), recent logs, traces and versions, for support."""
    state = state_of(ctx)
    settings = load_settings(state.config_path)
    data = shareable_settings(settings)
    versions = {"halo-accounts": __version__, "python": sys.version, "platform": platform.platform()}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = output or Path(f"halo-accounts-support-{stamp}.zip")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("settings.json", json.dumps(data, indent=2))
        bundle.writestr("versions.json", json.dumps(versions, indent=2))
        bundle.writestr("paths.txt", f"config: {state.config_path or default_config_path()}\nlog: {log_path()}\n")
        logs = sorted(log_path().parent.glob(log_path().name + "*")) if log_path().parent.exists() else []
        for log in logs:
            bundle.writestr(
                f"logs/{log.name}", state.redactor.redact(log.read_text(encoding="utf-8", errors="replace"))
            )
        if trace_dir is not None and trace_dir.is_dir():
            for trace in sorted(trace_dir.iterdir())[-2000:]:
                bundle.writestr(
                    f"traces/{trace.name}", state.redactor.redact(trace.read_text(encoding="utf-8", errors="replace"))
                )
    state.out.print(f"Wrote {target}. It holds no client secret, token or password; send it to support.")
