"""The ``/_sim/...`` control plane for driving a running simulator over HTTP (moto style).

Unauthenticated, not rate limited, not logged in ``requests``. It exists for tests and
demos that talk to a server in another process:

* ``POST /_sim/reset``
* ``GET /_sim/state``: record counts per entity, request count, queued faults
* ``GET /_sim/requests``: the request log
* ``POST /_sim/faults``: ``{"rate_limit_burst", "server_errors", "server_error_status",
  "latency_seconds", "send_retry_after", "expire_tokens", "rotate_secret", "revoke_tokens"}``
* ``POST /_sim/permissions``: ``{"agent": [...], "app": [...]}``
* ``POST /_sim/seed``: ``{"seed", "customers", "items", "invoices"}``
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from halo_accounts.simulators.halo.permissions import parse_scopes
from halo_accounts.simulators.halo.render import loads
from halo_accounts.simulators.halo.seed import seed_tenant
from halo_accounts.simulators.halo.wire import ApiError, SimRequest, SimResponse, message

if TYPE_CHECKING:
    from halo_accounts.simulators.halo.simulator import HaloSimulator

__all__ = ["handle_admin", "state_summary"]


def state_summary(sim: HaloSimulator) -> dict[str, Any]:
    """What ``GET /_sim/state`` reports."""
    return {
        "counts": {entity: len(rows) for entity, rows in sim.tables.items()},
        "requests": len(sim.requests),
        "tokens": len(sim.state.tokens),
        "pending_faults": sim.faults.pending,
        "latency_seconds": sim.faults.latency_seconds,
    }


def _object(request: SimRequest) -> Mapping[str, Any]:
    body = loads(request.body) if request.body.strip() else {}
    if not isinstance(body, dict):
        msg = "The body must be a JSON object"
        raise ApiError(400, msg)
    return body


def _int(body: Mapping[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"'{name}' must be an integer"
        raise ApiError(400, msg)
    return value


def _faults(sim: HaloSimulator, body: Mapping[str, Any]) -> None:
    faults = sim.faults
    try:
        faults.rate_limit_burst(_int(body, "rate_limit_burst", 0))
        faults.server_errors(_int(body, "server_errors", 0), status=_int(body, "server_error_status", 500))
        if "latency_seconds" in body:
            faults.latency_seconds = float(body["latency_seconds"])
        if "send_retry_after" in body:
            after = body["send_retry_after"]
            faults.send_retry_after = None if after is None else float(after)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, str(exc)) from None
    if body.get("expire_tokens"):
        faults.expire_all_tokens()
    if body.get("rotate_secret"):
        faults.rotate_secret(str(body["rotate_secret"]), bool(body.get("revoke_tokens")))


def _scopes(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return parse_scopes(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    msg = "permissions must be a list of scope names or a space-separated string"
    raise ApiError(400, msg)


def _route(sim: HaloSimulator, request: SimRequest, parts: list[str]) -> SimResponse:
    route = (request.method, "/".join(parts))
    if route == ("POST", "reset"):
        sim.reset()
        return SimResponse(200, {"reset": True})
    if route == ("GET", "state"):
        return SimResponse(200, state_summary(sim))
    if route == ("GET", "requests"):
        return SimResponse(200, [vars(record) for record in sim.requests])
    if route == ("POST", "faults"):
        _faults(sim, _object(request))
        return SimResponse(200, state_summary(sim))
    if route == ("POST", "permissions"):
        body = _object(request)
        try:
            sim.set_permissions(agent=_scopes(body.get("agent")), app=_scopes(body.get("app")))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        return SimResponse(
            200,
            {"agent": sorted(sim.agent_permissions), "app": sorted(sim.app_permissions)},
        )
    if route == ("POST", "seed"):
        body = _object(request)
        seed_tenant(
            sim,
            seed=_int(body, "seed", 1),
            customers=_int(body, "customers", 50),
            items=_int(body, "items", 30),
            invoices=_int(body, "invoices", 200),
        )
        return SimResponse(200, state_summary(sim))
    return message(404, f"No simulator control endpoint {request.method} {request.path}")


def handle_admin(sim: HaloSimulator, request: SimRequest, parts: list[str]) -> SimResponse:
    """Answer a ``/_sim/...`` request."""
    try:
        return _route(sim, request, parts)
    except ApiError as exc:
        return SimResponse(exc.status, exc.body)
