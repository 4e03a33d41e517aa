"""``halo-accounts qwc``: write the file that adds a company to the QuickBooks Web Connector."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer

from halo_accounts.cli.common import state_of
from halo_accounts.config import CompanySettings, Settings, default_config_path, load_settings, save_settings
from halo_accounts.connectors.quickbooks.transports.webconnector.qwc import QwcFile, qwc_xml
from halo_accounts.errors import ConfigError

__all__ = ["qwc", "qwc_for", "webconnector_url"]

WEBCONNECTOR_PATH = "/qbwc"


def webconnector_url(public_url: str, port: int) -> str:
    """The address the Web Connector calls: the public URL's, or localhost on this PC."""
    base = public_url.rstrip("/") if public_url else f"http://localhost:{port}"
    return base + WEBCONNECTOR_PATH


def _web_connector_company(settings: Settings, company: str) -> CompanySettings:
    chosen = settings.company(company)
    if not chosen.webconnector_user:
        msg = f"Company '{company}' does not use the Web Connector; add it with --transport webconnector."
        raise ConfigError(msg)
    return chosen


def qwc_for(settings: Settings, company: str, url: str | None = None) -> str:
    """The .qwc file of a Web Connector company (``settings.installation_id`` must be set)."""
    chosen = _web_connector_company(settings, company)
    return qwc_xml(
        QwcFile(
            company=company,
            app_url=webconnector_url(url or settings.server.public_url, settings.server.port),
            username=chosen.webconnector_user,
            installation_id=settings.installation_id,
            run_every_minutes=chosen.run_every_minutes,
        )
    )


def qwc(
    ctx: typer.Context,
    company: Annotated[str, typer.Option(help="The company (see 'halo-accounts company list').")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write it (default: NAME.qwc).")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Override the server address, e.g. https://host:8443.")] = None,
) -> None:
    """Write the .qwc file to load into the QuickBooks Web Connector (File > Add an application)."""
    state = state_of(ctx)
    path = state.config_path or default_config_path()
    settings = load_settings(path)
    chosen = _web_connector_company(settings, company)  # checked before anything is written
    if not settings.installation_id:
        stored = load_settings(path, environ={})
        stored.installation_id = secrets.token_hex(16)
        save_settings(stored, path, include_secret=stored.halo.client_secret is not None)
        settings.installation_id = stored.installation_id
    text = qwc_for(settings, company, url)
    target = output or Path(f"{company}.qwc")
    target.write_text(text, encoding="utf-8")
    state.out.print(f"Wrote {target}. In the Web Connector: File > Add an application, choose this file, then type")
    state.out.print(f"the password you gave for '{chosen.webconnector_user}' and tick the company.")
