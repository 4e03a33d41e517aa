"""The permission doctor: prove every Halo permission the configured flows need, changing nothing.

Reads are probed with a one-record list. Writes are probed without changing data: invoices and
purchase orders are posted with ``_validateonly`` (Halo validates and saves nothing); other
records with an update that names only an existing record's ``id``. A validation error (400)
on a probe still proves the permission, because Halo checks permissions first. Where a write
cannot be probed (nothing exists yet to update), a write with the same permission that was
probed vouches for it, else the row says it could not be checked.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.permissions import Operation, how_to_grant
from halo_accounts.connectors.halo.resources import RESOURCES, HaloRecord, Resource
from halo_accounts.errors import PermissionMissingError, RecordError, SyncError

__all__ = ["Check", "CheckStatus", "diagnose"]

_RESOURCES: dict[str, Resource[Any]] = {resource.name: resource for resource in RESOURCES}
# Writes Halo can validate without saving.
_VALIDATE_ONLY = {"Invoice": "client_id", "PurchaseOrder": "supplier_id"}


class CheckStatus(enum.StrEnum):
    """The outcome of one check."""

    OK = "OK"
    MISSING = "MISSING"
    UNVERIFIED = "NOT CHECKED"
    ERROR = "ERROR"


@dataclass(frozen=True, slots=True)
class Check:
    """One row of the doctor's table."""

    name: str
    status: CheckStatus
    advice: str
    operation: Operation | None = None

    @property
    def failed(self) -> bool:
        """True when the sync would fail on this."""
        return self.status in (CheckStatus.MISSING, CheckStatus.ERROR)


def diagnose(client: HaloClient, operations: Sequence[Operation]) -> list[Check]:
    """Log in, then probe each operation; never raises for what it can report as a row."""
    try:
        client.login()
    except SyncError as exc:
        return [Check("Log in to Halo", CheckStatus.ERROR, exc.user_message)]
    checks = [Check("Log in to Halo", CheckStatus.OK, f"Scopes requested: {' '.join(client.auth.scopes)}")]
    samples: dict[str, HaloRecord | None] = {}
    for operation in sorted(operations, key=lambda op: op.write):
        if operation.write:
            checks.append(_probe_write(client, operation, samples, checks))
        else:
            checks.append(_probe_read(client, operation, samples))
    return checks


def _probe_read(client: HaloClient, operation: Operation, samples: dict[str, HaloRecord | None]) -> Check:
    try:
        samples[operation.resource] = client.first(_RESOURCES[operation.resource])
    except SyncError as exc:
        return _failure(operation, exc)
    return _ok(operation)


def _probe_write(
    client: HaloClient,
    operation: Operation,
    samples: dict[str, HaloRecord | None],
    done: Sequence[Check],
) -> Check:
    resource = _RESOURCES[operation.resource]
    implied_read = "read:" + operation.scope.removeprefix("edit:")
    refused_read = next(
        (c for c in done if c.status is CheckStatus.MISSING and c.operation and c.operation.scope == implied_read),
        None,
    )
    if refused_read is not None:
        # Editing includes reading in Halo, so a refused read proves the edit is not granted.
        return Check(
            _label(operation),
            CheckStatus.MISSING,
            f"Halo refused '{refused_read.name.split(':')[0]}', which '{operation.permission}' includes. "
            + how_to_grant(operation),
            operation,
        )
    body = _write_probe(resource, samples)
    if body is None:
        vouching = next(
            (
                c
                for c in done
                if c.operation
                and c.operation.write
                and c.operation.scope == operation.scope
                and c.status is CheckStatus.OK
            ),
            None,
        )
        if vouching is not None:
            return _ok(operation, f"Same permission as '{vouching.name}', which was checked.")
        return Check(
            _label(operation),
            CheckStatus.UNVERIFIED,
            f"There is no {resource.noun} in Halo to test with; the first sync will show whether "
            f"'{operation.permission}' is granted.",
            operation,
        )
    try:
        client.save(resource, [resource.model.model_validate(body)])
    except RecordError:
        pass  # Halo checks permissions before validating, so a validation error proves access.
    except SyncError as exc:
        return _failure(operation, exc)
    return _ok(operation)


def _write_probe(resource: Resource[Any], samples: dict[str, HaloRecord | None]) -> dict[str, Any] | None:
    if resource.name in _VALIDATE_ONLY:
        body: dict[str, Any] = {"_validateonly": True}
        parent_field = _VALIDATE_ONLY[resource.name]
        sample = samples.get(resource.name)
        parent = getattr(sample, parent_field, None) if sample is not None else None
        if parent:
            body[parent_field] = parent
        return body
    sample = samples.get(resource.name)
    record_id = getattr(sample, "id", None) if sample is not None else None
    return {"id": record_id} if record_id else None


def _label(operation: Operation) -> str:
    return f"{operation.permission}: {operation.purpose}"


def _ok(operation: Operation, advice: str = "") -> Check:
    return Check(_label(operation), CheckStatus.OK, advice, operation)


def _failure(operation: Operation, exc: SyncError) -> Check:
    status = CheckStatus.MISSING if isinstance(exc, PermissionMissingError) else CheckStatus.ERROR
    return Check(_label(operation), status, exc.user_message, operation)
