"""The ``.qwc`` file the user loads into the QuickBooks Web Connector (File > Add an application).

``OwnerID`` is stable per installation and ``FileID`` stable per company file: regenerating
them makes the Web Connector refuse the file with QBWC1039 ("Unique OwnerID/FileID pair value
required"), so both are derived deterministically from the installation id and the company
name. The Web Connector only talks to ``https://`` addresses unless the host is ``localhost``,
and checks that ``AppSupport`` is on the same host as ``AppURL``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

from halo_accounts.errors import ConfigError

__all__ = ["QwcFile", "file_id", "qwc_xml"]

_NAMESPACE = uuid.UUID("6f0b7c55-33a8-4b9e-9b47-2f5c3c7e1a10")  # this project's, for deterministic ids
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True, slots=True)
class QwcFile:
    """What goes into one company's ``.qwc`` file."""

    company: str
    app_url: str
    username: str
    installation_id: str
    run_every_minutes: int = 15
    app_name: str = "Halo Accounts Integrator"


def _guid(*parts: str) -> str:
    return "{" + str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts))).upper() + "}"


def owner_id(installation_id: str) -> str:
    """The application's OwnerID: one per installation, never changing."""
    return _guid("owner", installation_id)


def file_id(installation_id: str, company: str) -> str:
    """The FileID stamped into a company file: one per company, never changing."""
    return _guid("file", installation_id, company.casefold())


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        msg = f"The Web Connector address '{url}' must be a full URL, e.g. https://integrator.example.lan:8443/qbwc."
        raise ConfigError(msg)
    if parts.scheme == "http" and parts.hostname not in _LOCAL_HOSTS:
        msg = (
            f"The Web Connector only accepts https:// addresses for other computers ('{url}'). Serve the "
            "integrator with --certfile/--keyfile and use https://, or run the Web Connector on this computer "
            "with http://localhost."
        )
        raise ConfigError(msg)
    return url


def qwc_xml(qwc: QwcFile) -> str:
    """The ``.qwc`` document."""
    url = _checked_url(qwc.app_url)
    parts = urlsplit(url)
    support = urlunsplit((parts.scheme, parts.netloc, "/support", "", ""))
    if not 1 <= qwc.run_every_minutes <= 1440:
        msg = "The Web Connector schedule must be between 1 and 1440 minutes."
        raise ConfigError(msg)
    fields = [
        ("AppName", f"{qwc.app_name} - {qwc.company}"),
        ("AppID", ""),
        ("AppURL", url),
        ("AppDescription", f"Keeps Halo and the QuickBooks company '{qwc.company}' in step."),
        ("AppSupport", support),
        ("UserName", qwc.username),
        ("OwnerID", owner_id(qwc.installation_id)),
        ("FileID", file_id(qwc.installation_id, qwc.company)),
        ("QBType", "QBFS"),
    ]
    body = "".join(f"  <{name}>{escape(value)}</{name}>\n" for name, value in fields)
    return (
        '<?xml version="1.0"?>\n<QBWCXML>\n'
        f"{body}"
        f"  <Scheduler>\n    <RunEveryNMinutes>{qwc.run_every_minutes}</RunEveryNMinutes>\n  </Scheduler>\n"
        "  <IsReadOnly>false</IsReadOnly>\n"
        "  <AuthFlags>0xF</AuthFlags>\n"
        "</QBWCXML>\n"
    )
