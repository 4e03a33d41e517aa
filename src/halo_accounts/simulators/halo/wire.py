"""Transport-neutral request and response values.

They keep HTTP libraries out of the simulator's logic, so the Starlette layer stays a thin
adapter and the core can be driven directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ApiError", "SimRequest", "SimResponse", "message"]


@dataclass(frozen=True)
class SimRequest:
    """One incoming request; header names are lowercase, query values are the last given."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    base_url: str  # scheme://host[:port][root_path], no trailing slash

    def query_value(self, name: str) -> str | None:
        """A query parameter, matched without regard to case."""
        wanted = name.lower()
        for key, value in self.query.items():
            if key.lower() == wanted:
                return value
        return None


@dataclass
class SimResponse:
    """A JSON answer: status, payload (Decimals and datetimes allowed) and extra headers."""

    status: int
    payload: Any
    headers: dict[str, str] = field(default_factory=dict)


def message(status: int, text: str) -> SimResponse:
    """Halo's usual error shape, ``{"Message": ...}``."""
    return SimResponse(status, {"Message": text})


class ApiError(Exception):
    """Raised by handlers to answer with an HTTP error (``{"Message": ...}`` unless given)."""

    def __init__(self, status: int, text: str, *, body: Any = None) -> None:
        super().__init__(text)
        self.status = status
        self.message = text
        self.body: Any = body if body is not None else {"Message": text}
