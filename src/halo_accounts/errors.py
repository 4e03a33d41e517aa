"""The one error tree of the integrator.

Errors are classified by what the caller must do next, not by where they came from::

    SyncError(user_message, *, detail=None, record=None, code=None)
    ├─ ConfigError      stop the run; the user must fix settings   (bad secret, missing permission)
    │  └─ PermissionMissingError   one named Halo permission is off
    ├─ TransientError   retry with backoff                          (429, 5xx, record in use, busy)
    ├─ RecordError      skip this record, report, continue          (name in use, invalid tax code)
    │  ├─ NotFoundError            the record named does not exist
    │  └─ MappingMissing           waits for a person to map a value (a Halo tax rate to a books code)
    └─ FatalError       stop; a bug or corrupt state

``code`` is the other system's own code when there is one (``qbXML 3100``, ``HRESULT
0x80040400``, ``HTTP 404``), for support. Every error carries two texts: ``user_message``, one
sentence that names the system, the record and the fix, and ``detail``, for the log. Neither
may ever contain a secret; callers build them from names and ids, never from request bodies or
headers.

Vendor codes (HTTP status, qbXML statusCode, HRESULT, SDO ErrorCode ...) map onto these
classes through tables that live next to each connector.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "FatalError",
    "MappingMissing",
    "NotFoundError",
    "PermissionMissingError",
    "RecordError",
    "SyncError",
    "TransientError",
]


class SyncError(Exception):
    """Base of every error the integrator raises on purpose."""

    def __init__(
        self,
        user_message: str,
        *,
        detail: str | None = None,
        record: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.detail = detail
        self.record = record
        self.code = code

    def __str__(self) -> str:
        return self.user_message


class ConfigError(SyncError):
    """The run cannot go on until the user changes a setting (here or in Halo/the books)."""


class PermissionMissingError(ConfigError):
    """Halo refused an operation because one permission is not granted."""

    def __init__(
        self,
        user_message: str,
        *,
        scope: str,
        permission: str,
        detail: str | None = None,
    ) -> None:
        super().__init__(user_message, detail=detail)
        self.scope = scope
        self.permission = permission


class TransientError(SyncError):
    """Worth retrying later; nothing is wrong with the data or the settings.

    ``retry_after`` is a hint in seconds when the other side gave one. ``uncertain`` is true
    when a write may or may not have taken effect (a timeout after the request was sent):
    the caller must check before repeating it.
    """

    def __init__(
        self,
        user_message: str,
        *,
        detail: str | None = None,
        record: str | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        uncertain: bool = False,
    ) -> None:
        super().__init__(user_message, detail=detail, record=record, code=code)
        self.retry_after = retry_after
        self.uncertain = uncertain


class RecordError(SyncError):
    """One record cannot be synced as it is: skip it, report it, carry on."""


class NotFoundError(RecordError):
    """The record asked for does not exist on the other side."""


class MappingMissing(RecordError):
    """The record waits until a person maps one of its values; ``waits_for`` names the mapping.

    ``waits_for`` is ``"<kind>:<halo key>"`` (``"tax:7"``): saving that mapping sends every record
    waiting for it back to the sync at once.
    """

    def __init__(self, user_message: str, *, kind: str, halo_key: str, record: str | None = None) -> None:
        super().__init__(user_message, record=record)
        self.waits_for = f"{kind}:{halo_key}"


class FatalError(SyncError):
    """Stop everything: a bug or corrupt state that no retry or setting will fix."""
