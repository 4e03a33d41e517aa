"""The request pipeline: control plane, rate limit, injected faults, auth, scope, REST.

Order matters and mirrors a hosted Halo behind its gateway: the rolling-window limiter sees
every request (token calls too) before anything else, and a refused request is not counted;
injected faults hit ``/api/{Entity}`` calls only; then the bearer token, then the permission
the endpoint needs (agent ∩ application ∩ token scopes), then the verb itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from halo_accounts.simulators.halo import rest
from halo_accounts.simulators.halo.admin import handle_admin
from halo_accounts.simulators.halo.auth import DENIED, authinfo, bearer_grant, issue_token
from halo_accounts.simulators.halo.faults import rate_limit_message
from halo_accounts.simulators.halo.permissions import allowed
from halo_accounts.simulators.halo.resources import resource_for_path
from halo_accounts.simulators.halo.state import RequestRecord
from halo_accounts.simulators.halo.wire import ApiError, SimRequest, SimResponse, message

if TYPE_CHECKING:
    from halo_accounts.simulators.halo.simulator import HaloSimulator

__all__ = ["dispatch"]


def _too_many(sim: HaloSimulator) -> SimResponse:
    limit = sim.limiter.limit or 300
    body = {"error": rate_limit_message(limit, sim.limiter.window_seconds)}
    headers: dict[str, str] = {}
    after = sim.faults.send_retry_after
    if after is not None:
        headers["Retry-After"] = str(int(after)) if after == int(after) else str(after)
    return SimResponse(429, body, headers)


def _not_found(request: SimRequest) -> SimResponse:
    return message(404, f"No HTTP resource was found that matches the request URI {request.path}")


def _not_allowed(request: SimRequest) -> SimResponse:
    return message(405, f"The requested resource does not support http method '{request.method}'.")


def _api(sim: HaloSimulator, request: SimRequest, parts: list[str]) -> SimResponse:
    resource = resource_for_path(parts[0])
    if resource is None or len(parts) > 2:
        return _not_found(request)
    method = request.method
    if method == "GET":
        required = resource.read_permission
    elif (method, len(parts)) in (("POST", 1), ("DELETE", 2)):
        required = resource.write_permission
    else:
        return _not_allowed(request)
    grant = bearer_grant(request.headers, sim.state)
    if grant is None:
        return SimResponse(401, DENIED)
    if not allowed(required, sim.agent_permissions, sim.app_permissions, grant.scopes):
        return SimResponse(sim.missing_permission_status, DENIED)
    extra = sim.extra_fields
    state = sim.state
    try:
        if method == "POST":
            return rest.post_array(state, resource, request, extra_fields=extra)
        if len(parts) == 1:
            return rest.list_all(state, resource, request, extra_fields=extra)
        record_id = rest.parse_id(resource, parts[1])
        if method == "GET":
            return rest.get_one(state, resource, record_id, extra_fields=extra)
        return rest.delete_one(state, resource, record_id, extra_fields=extra)
    except ApiError as exc:
        return SimResponse(exc.status, exc.body)


def _answer(sim: HaloSimulator, request: SimRequest, parts: list[str]) -> SimResponse:
    now = sim.state.now().timestamp()
    if sim.limiter.over_limit(now):
        return _too_many(sim)
    is_entity_call = len(parts) >= 2 and parts[0] == "api" and parts[1] != "authinfo"
    injected = sim.faults.take() if is_entity_call else None
    if injected == 429:
        return _too_many(sim)
    sim.limiter.record(now)
    if injected is not None:
        return message(injected, "An error has occurred.")
    if parts == ["auth", "token"]:
        if request.method != "POST":
            return _not_allowed(request)
        return issue_token(request, sim.state, sim.credentials, sim.token_lifetime_seconds)
    if parts == ["api", "authinfo"]:
        if request.method != "GET":
            return _not_allowed(request)
        return authinfo(request, sim.credentials)
    if len(parts) >= 2 and parts[0] == "api":
        return _api(sim, request, parts[1:])
    return _not_found(request)


def dispatch(sim: HaloSimulator, request: SimRequest) -> SimResponse:
    """Answer one request and, outside the ``/_sim`` control plane, log it."""
    parts = [part for part in request.path.split("/") if part]
    lowered = [part.lower() for part in parts]
    if lowered[:1] == ["_sim"]:
        return handle_admin(sim, request, lowered[1:])
    routed = lowered[:2] + parts[2:]  # keep the id segment as sent
    response = _answer(sim, request, routed)
    sim.state.requests.append(RequestRecord(request.method, request.path, dict(request.query), response.status))
    return response
