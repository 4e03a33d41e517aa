"""``HaloSimulator``: one fake Halo tenant, its knobs, and the ASGI app that serves it."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from starlette.applications import Starlette

from halo_accounts.simulators.halo.app import build_app
from halo_accounts.simulators.halo.dispatch import dispatch
from halo_accounts.simulators.halo.faults import Faults, RateLimiter
from halo_accounts.simulators.halo.permissions import KNOWN_SCOPES, unknown_scopes
from halo_accounts.simulators.halo.state import (
    Clock,
    Credentials,
    Record,
    RequestRecord,
    SimState,
    utc_now,
)
from halo_accounts.simulators.halo.wire import SimRequest, SimResponse

__all__ = ["HaloSimulator"]


def _scope_set(scopes: Iterable[str] | None, what: str) -> frozenset[str]:
    if scopes is None:
        return KNOWN_SCOPES
    chosen = frozenset(scopes)
    bad = unknown_scopes(sorted(chosen))
    if bad:
        msg = f"unknown Halo permission(s) for the {what}: {', '.join(bad)}"
        raise ValueError(msg)
    return chosen


class HaloSimulator:
    """A faithful, in-memory Halo tenant served as a Starlette app (``sim.app``).

    Effective rights of a request are ``agent_permissions`` ∩ ``app_permissions`` ∩ the
    token's scopes, evaluated at request time. ``rate_limit=None`` switches the limiter off.
    ``clock`` must return timezone-aware datetimes; it drives timestamps, token expiry and
    the rate window.
    """

    def __init__(
        self,
        *,
        client_id: str = "demo-client",
        client_secret: str = "demo-secret",
        tenant: str = "demo",
        agent_permissions: Iterable[str] | None = None,
        app_permissions: Iterable[str] | None = None,
        rate_limit: int | None = 300,
        rate_window_seconds: float = 300.0,
        token_lifetime_seconds: int = 3600,
        missing_permission_status: int = 401,
        clock: Clock | None = None,
        extra_fields: bool = False,
    ) -> None:
        if missing_permission_status not in (401, 403):
            msg = "missing_permission_status must be 401 or 403"
            raise ValueError(msg)
        self.lock = threading.RLock()
        self.state = SimState(clock or utc_now)
        self.credentials = Credentials(client_id, client_secret, tenant)
        self._initial_secret = client_secret
        self.agent_permissions = _scope_set(agent_permissions, "agent")
        self.app_permissions = _scope_set(app_permissions, "application")
        self.limiter = RateLimiter(rate_limit, rate_window_seconds)
        self.token_lifetime_seconds = token_lifetime_seconds
        self.missing_permission_status = missing_permission_status
        self.extra_fields = extra_fields
        self.faults = Faults(self.lock, self._expire_tokens, self._rotate_secret)
        self.app: Starlette = build_app(self)

    @property
    def tables(self) -> dict[str, dict[int, Record]]:
        """The tenant's records by entity name, then id (live; mutate with care)."""
        return self.state.tables

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request answered so far, token calls included, in arrival order."""
        return self.state.requests

    def set_permissions(self, *, agent: Iterable[str] | None = None, app: Iterable[str] | None = None) -> None:
        """Change the agent's and/or the application's permissions; applies at once."""
        with self.lock:
            if agent is not None:
                self.agent_permissions = _scope_set(agent, "agent")
            if app is not None:
                self.app_permissions = _scope_set(app, "application")

    def reset(self) -> None:
        """Empty the tables, forget tokens and requests, clear faults and the rate window."""
        with self.lock:
            self.state.clear()
            self.faults.clear()
            self.limiter.clear()
            self.credentials.client_secret = self._initial_secret

    def handle(self, request: SimRequest) -> SimResponse:
        """Answer one request (the transport-neutral core of ``app``)."""
        with self.lock:
            return dispatch(self, request)

    def _expire_tokens(self) -> None:
        with self.lock:
            self.state.tokens.clear()

    def _rotate_secret(self, new_secret: str, revoke_tokens: bool) -> None:
        with self.lock:
            self.credentials.client_secret = new_secret
            if revoke_tokens:
                self.state.tokens.clear()
