"""Halo's HTTP answers mapped onto the integrator's error classes, as one table.

Halo words its errors in several JSON shapes (``{"error"}``, ``{"Message"}``,
``{"ClassName", "Message"}``, ``{"resultCode", "errorMessage"}``) or plain text; we read the
first that is present, shorten it and mask anything credential-shaped before it can reach a
message. Request bodies are never quoted: they may carry data the user did not expect to see
in a log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from halo_accounts.errors import (
    FatalError,
    NotFoundError,
    RecordError,
    SyncError,
    TransientError,
)
from halo_accounts.logging import redact

__all__ = ["STATUS_TABLE", "StatusRule", "error_for_response", "halo_message", "retry_after"]

_MAX_MESSAGE = 300


@dataclass(frozen=True, slots=True)
class StatusRule:
    """What an HTTP status from Halo means and what the user should do about it."""

    error: type[SyncError]
    explanation: str


# 401 and 403 are not here: the client turns them into a PermissionMissingError that names the
# permission, after one token refresh (see client.py).
STATUS_TABLE: Mapping[int, StatusRule] = {
    400: StatusRule(RecordError, "Halo rejected {what}: {message}. Correct the record in Halo."),
    404: StatusRule(NotFoundError, "Halo has no {what}: it may have been deleted in Halo."),
    409: StatusRule(RecordError, "Halo refused {what} because it conflicts with another record: {message}."),
    422: StatusRule(RecordError, "Halo rejected {what}: {message}. Correct the record in Halo."),
    429: StatusRule(
        TransientError, "Halo's rate limit was reached while working on {what}; the integrator will wait and try again."
    ),
    500: StatusRule(
        TransientError,
        "Halo had an internal error on {what}; it will be tried again. If it persists, check Halo's status page.",
    ),
    502: StatusRule(
        TransientError, "Halo could not be reached through its gateway for {what}; it will be tried again."
    ),
    503: StatusRule(
        TransientError, "Halo is unavailable (maintenance or overload) for {what}; it will be tried again."
    ),
    504: StatusRule(TransientError, "Halo timed out on {what}; it will be tried again."),
}
_UNKNOWN = StatusRule(
    FatalError, "Halo answered {what} with HTTP {status}: {message}. Report this with the support bundle."
)


def halo_message(response: httpx.Response) -> str:
    """The human part of a Halo error body, short and with secrets masked."""
    text = response.text.strip()
    message = text
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("error_description", "errorMessage", "Message", "message", "error", "title"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                message = value.strip()
                break
    elif isinstance(body, str):
        message = body
    message = " ".join(message.split()) or response.reason_phrase or "no message"
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "…"
    return redact(message)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header, when Halo sends one (it is not documented)."""
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None


def error_for_response(response: httpx.Response, what: str) -> SyncError:
    """Build the error for a failed response; ``what`` names the record or request in words."""
    rule = STATUS_TABLE.get(response.status_code)
    if rule is None and response.status_code >= 500:
        rule = STATUS_TABLE[500]
    rule = rule or _UNKNOWN
    message = halo_message(response)
    user_message = rule.explanation.format(what=what, message=message, status=response.status_code)
    detail = (
        f"{response.request.method} {response.request.url.copy_with(query=None)} -> {response.status_code}: {message}"
    )
    if rule.error is TransientError:
        return TransientError(user_message, detail=detail, record=what, retry_after=retry_after(response))
    return rule.error(user_message, detail=detail, record=what)
