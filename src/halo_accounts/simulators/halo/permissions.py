"""Halo's scope vocabulary and the rule for whether a set of permissions allows an action.

A request is allowed only when *each* of three sets satisfies the permission the endpoint
needs: the agent's role, the API application's Permissions tab and the scopes requested in
the token call. ``edit:X`` covers ``read:X``; ``all`` and ``all:standard`` cover every
read/edit scope but never ``admin`` (Halo's integrator guide asks for admin separately).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "ADMIN",
    "KNOWN_SCOPES",
    "allowed",
    "parse_scopes",
    "satisfies",
    "unknown_scopes",
]

ADMIN = "admin"

_AREAS = (
    "tickets",
    "calendar",
    "customers",
    "crm",
    "contracts",
    "suppliers",
    "items",
    "projects",
    "sales",
    "quotes",
    "sos",
    "pos",
    "invoices",
    "reporting",
    "software",
    "softwarelicensing",
    "kb",
    "assets",
    "timesheets",
    "distributionlists",
)

# Spelled exactly as clients send them (research §1.4). Case matters: "editMine".
KNOWN_SCOPES: frozenset[str] = frozenset(
    {
        "all",
        "all:standard",
        "all:teams",
        ADMIN,
        "admin:webhooks",
        "editMine:timesheets",
        "access:chat",
        "access:adpasswordreset",
    }
    | {f"read:{area}" for area in _AREAS}
    | {f"edit:{area}" for area in _AREAS}
)

_BROAD = frozenset({"all", "all:standard"})
_SEPARATORS = re.compile(r"[\s,]+")


def parse_scopes(text: str | None) -> list[str]:
    """Split a scope string on spaces or commas, dropping empty parts, keeping order."""
    if not text:
        return []
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    """Return the scopes Halo would reject with ``invalid_scope``."""
    return [scope for scope in scopes if scope not in KNOWN_SCOPES]


def satisfies(granted: frozenset[str], required: str) -> bool:
    """Whether one permission set grants ``required`` (``read:X``, ``edit:X`` or ``admin``)."""
    if required == ADMIN:
        return ADMIN in granted
    if required in granted or granted & _BROAD:
        return True
    kind, _, area = required.partition(":")
    return kind == "read" and f"edit:{area}" in granted


def allowed(required: str, *permission_sets: frozenset[str]) -> bool:
    """Whether every one of the permission sets grants ``required``."""
    return all(satisfies(granted, required) for granted in permission_sets)
