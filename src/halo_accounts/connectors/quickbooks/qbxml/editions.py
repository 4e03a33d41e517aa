"""QuickBooks Desktop editions and qbXML versions.

From qbXML 6.0 on one spec serves every region; fields differ per edition (Intuit's annotated
samples tag them QBD, QBCA, QBUK, QBAU) and per version (a field "v12.0" is unknown to an older
QuickBooks). Files too old for the unified spec announce ``CA3.0``/``UK3.0``-style versions,
whose tax model differs entirely: those are recognised and refused with a clear message.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from halo_accounts.errors import ConfigError

__all__ = [
    "ALL_EDITIONS",
    "MAX_VERSION",
    "MIN_VERSION",
    "Edition",
    "Version",
    "choose_version",
    "edition_for_country",
]


class Edition(enum.Enum):
    """A regional edition of QuickBooks Desktop; the value is Intuit's tag."""

    US = "QBD"
    CA = "QBCA"
    UK = "QBUK"
    AU = "QBAU"

    @property
    def label(self) -> str:
        """How users name it."""
        return {
            "US": "QuickBooks Desktop (US)",
            "CA": "QuickBooks Desktop Canada",
            "UK": "QuickBooks Desktop UK",
            "AU": "QuickBooks Desktop Australia",
        }[self.name]


ALL_EDITIONS: frozenset[Edition] = frozenset(Edition)

_COUNTRIES = {"US": Edition.US, "CA": Edition.CA, "UK": Edition.UK, "GB": Edition.UK, "AU": Edition.AU}


def edition_for_country(country: str) -> Edition:
    """The edition a HostRet ``Country`` or a Web Connector ``qbXMLCountry`` names."""
    try:
        return _COUNTRIES[country.strip().upper()]
    except KeyError:
        msg = f"QuickBooks reported the country '{country}', which the integrator does not support (US, CA, UK, AU)."
        raise ConfigError(msg) from None


@dataclass(frozen=True, order=True, slots=True)
class Version:
    """A unified qbXML version such as 13.0."""

    major: int
    minor: int = 0

    @classmethod
    def parse(cls, text: str) -> Version:
        """Read ``"13.0"``; legacy regional specs (``CA3.0``) raise ``ConfigError``."""
        match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", text)
        if not match:
            msg = (
                f"QuickBooks offers qbXML '{text.strip()}', a legacy regional spec with a different tax model. "
                "Update QuickBooks to a 2008 or later release (qbXML 8.0 or newer)."
            )
            raise ConfigError(msg)
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


MAX_VERSION = Version(13, 0)
MIN_VERSION = Version(8, 0)


def choose_version(supported: Iterable[str], *, ceiling: Version = MAX_VERSION) -> Version:
    """The newest version both sides speak (13.0 preferred, 8.0 at the least)."""
    offered: list[Version] = []
    legacy: list[str] = []
    for text in supported:
        try:
            offered.append(Version.parse(text))
        except ConfigError:
            legacy.append(text.strip())
    usable = [v for v in offered if MIN_VERSION <= v <= ceiling]
    if usable:
        return max(usable)
    newest = max(offered, default=None)
    shown = ", ".join([*(str(v) for v in sorted(offered)), *legacy]) or "none"
    msg = (
        f"This QuickBooks supports qbXML {shown}; the integrator needs {MIN_VERSION} or newer "
        f"(QuickBooks 2008 or later)."
        + (" Update QuickBooks (Help > Update QuickBooks Desktop)." if newest is None or newest < MIN_VERSION else "")
    )
    raise ConfigError(msg)
