"""Halo's authorisation server: discovery, the client-credentials token call, bearer checks.

Facts (research §1): ``GET /api/authinfo`` is unauthenticated and names the auth server and
tenant; ``POST /auth/token`` takes a form with ``grant_type=client_credentials``,
``client_id``, ``client_secret`` and space-separated ``scope``; a bad client is 401
``invalid_client``; an unknown scope is ``invalid_scope``; a token minted without a scope is
issued but has no rights. The tenant may come as ``?tenant=`` or as a form field.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

from halo_accounts.simulators.halo.permissions import unknown_scopes
from halo_accounts.simulators.halo.state import Credentials, SimState, TokenGrant
from halo_accounts.simulators.halo.wire import SimRequest, SimResponse

__all__ = ["DENIED", "authinfo", "bearer_grant", "issue_token"]

DENIED = {"Message": "Authorization has been denied for this request."}


def authinfo(request: SimRequest, credentials: Credentials) -> SimResponse:
    """Answer ``GET /api/authinfo`` with this server's auth URL and tenant."""
    return SimResponse(200, {"auth_url": f"{request.base_url}/auth", "tenant_id": credentials.tenant})


def _oauth_error(status: int, error: str, description: str | None = None) -> SimResponse:
    body = {"error": error}
    if description is not None:
        body["error_description"] = description
    return SimResponse(status, body, {"Cache-Control": "no-store"})


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _fake_id_token(request: SimRequest, credentials: Credentials, expires: datetime) -> str:
    # Looks like a JWT (three base64url parts) and carries the agent, as Halo's does; the
    # signature is not real and nothing should verify it.
    header = _b64({"alg": "RS256", "typ": "JWT", "kid": "halo-simulator"})
    claims = _b64(
        {
            "iss": f"{request.base_url}/auth",
            "aud": credentials.client_id,
            "sub": "1",
            "name": "API Agent",
            "email": f"api@{credentials.tenant}.example",
            "agent_id": 1,
            "exp": int(expires.timestamp()),
        }
    )
    return f"{header}.{claims}.{secrets.token_urlsafe(16)}"


def _form(request: SimRequest) -> dict[str, str]:
    try:
        return dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return {}


def issue_token(
    request: SimRequest,
    state: SimState,
    credentials: Credentials,
    lifetime_seconds: int,
) -> SimResponse:
    """Answer ``POST /auth/token`` (client-credentials grant)."""
    form = _form(request)
    tenant = request.query_value("tenant") or form.get("tenant")
    if tenant and tenant.lower() != credentials.tenant.lower():
        return _oauth_error(400, "invalid_request", "Unknown tenant")
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type")
    id_ok = hmac.compare_digest(form.get("client_id", "").encode(), credentials.client_id.encode())
    secret_ok = hmac.compare_digest(form.get("client_secret", "").encode(), credentials.client_secret.encode())
    if not (id_ok and secret_ok):
        return _oauth_error(401, "invalid_client")
    requested = form.get("scope", "").split()
    if unknown_scopes(requested):
        return _oauth_error(400, "invalid_scope")
    expires = state.now() + timedelta(seconds=lifetime_seconds)
    token = secrets.token_urlsafe(32)
    state.tokens[token] = TokenGrant(frozenset(requested), expires)
    return SimResponse(
        200,
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime_seconds,
            "scope": " ".join(requested),
            "refresh_token": secrets.token_urlsafe(32),
            "id_token": _fake_id_token(request, credentials, expires),
        },
        {"Cache-Control": "no-store"},
    )


def bearer_grant(headers: Mapping[str, str], state: SimState) -> TokenGrant | None:
    """The grant behind the request's bearer token, or None if missing, unknown or expired."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    grant = state.tokens.get(token.strip())
    if grant is None:
        return None
    if state.now() >= grant.expires_at:
        del state.tokens[token.strip()]
        return None
    return grant
