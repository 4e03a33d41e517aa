"""OAuth2 client credentials for Halo, as an ``httpx.Auth`` flow.

The token endpoint is found the way Halo's own tools find it: ``GET {base}/api/authinfo``
names the authorisation server (``auth_url``) and the tenant; when that fails we fall back to
``{base}/auth/token``. Hosted tenants need ``?tenant=``. ``scope`` is always sent: a token
minted without one is accepted by Halo but then refused on every call.

A token is reused until shortly before ``expires_in``. When a call is answered 401 the flow
fetches one new token and repeats the call once; a second 401 goes back to the client, which
reports the missing permission.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr

from halo_accounts.connectors.halo.errors import halo_message, retry_after
from halo_accounts.errors import ConfigError, TransientError

__all__ = ["ClientCredentialsAuth", "Token"]

_APPLICATIONS = "Configuration > Integrations > Halo API > View Applications"
_TOKEN_ERRORS = {
    "invalid_client": (
        "Halo did not accept the client ID and secret. In Halo, open " + _APPLICATIONS + ", "
        "check the application's Client ID, generate a new secret if it was changed, and store it "
        "with 'halo-accounts config set-secret'."
    ),
    "unauthorized_client": (
        "Halo does not allow this application to log in with a client secret. In "
        + _APPLICATIONS
        + ", set Authentication Method to 'Client ID and Secret (Services)' and Login Type to 'Agent'."
    ),
    "unsupported_grant_type": (
        "Halo refused the client-credentials login. In " + _APPLICATIONS + ", set Authentication "
        "Method to 'Client ID and Secret (Services)'."
    ),
    "invalid_request": (
        "Halo refused the login request ({message}). Check the tenant name (hosted Halo: the "
        "'Tenant' shown under Configuration > Integrations > Halo API > API Details)."
    ),
}


@dataclass(frozen=True, slots=True)
class Token:
    """An access token and when to stop using it (monotonic seconds)."""

    access_token: str
    renew_at: float
    granted_scopes: tuple[str, ...]


class ClientCredentialsAuth(httpx.Auth):
    """Adds a Halo bearer token to each request, fetching and renewing it as needed."""

    requires_response_body = True

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: SecretStr,
        scopes: Sequence[str],
        tenant: str = "",
        auth_url: str = "",
        renew_margin_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        if not scopes:
            msg = "No Halo scopes to request: enable at least one flow, or set halo.scopes."
            raise ConfigError(msg)
        self._base_url = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self.scopes = tuple(scopes)
        self._tenant = tenant
        self._auth_url = auth_url.rstrip("/")
        self._margin = renew_margin_seconds
        self._clock = clock
        self._on_token = on_token
        self._token_url: str | None = None
        self.token: Token | None = None
        self.tokens_fetched = 0

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(base_url={self._base_url!r}, client_id={self._client_id!r})"

    def invalidate(self) -> None:
        """Forget the current token, e.g. after the secret was rotated."""
        self.token = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send ``request`` with a valid token; renew once on a 401."""
        fresh = self.token is None or self._clock() >= self.token.renew_at
        if fresh:
            yield from self._fetch_token()
        assert self.token is not None  # _fetch_token either sets it or raises
        request.headers["Authorization"] = f"Bearer {self.token.access_token}"
        response = yield request
        # A 401 on a token we just fetched means a missing permission: renewing cannot help.
        if response.status_code == 401 and not fresh:
            yield from self._fetch_token()
            request.headers["Authorization"] = f"Bearer {self.token.access_token}"
            yield request

    def fetch_token_flow(self) -> Generator[httpx.Request, httpx.Response, None]:
        """The requests that fetch a new token, as a flow the caller sends (used to log in early)."""
        return self._fetch_token()

    def _fetch_token(self) -> Generator[httpx.Request, httpx.Response, None]:
        if self._token_url is None:
            self._token_url = yield from self._discover_token_url()
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret.get_secret_value(),
            "scope": " ".join(self.scopes),
        }
        response = yield httpx.Request("POST", self._token_url, data=form)
        self.token = self._read_token(response)
        self.tokens_fetched += 1
        if self._on_token is not None:
            self._on_token(self.token.access_token)

    def _discover_token_url(self) -> Generator[httpx.Request, httpx.Response, str]:
        tenant = self._tenant
        auth_url = self._auth_url
        if not auth_url:
            response = yield httpx.Request("GET", f"{self._base_url}/api/authinfo")
            info = _json_object(response) if response.status_code == 200 else {}
            if isinstance(info.get("auth_url"), str) and info["auth_url"]:
                auth_url = str(info["auth_url"]).rstrip("/")
            if not tenant and isinstance(info.get("tenant_id"), str):
                tenant = str(info["tenant_id"])
        if not auth_url:
            auth_url = f"{self._base_url}/auth"
        parts = urlsplit(auth_url)
        token_url = f"{auth_url}/token" if parts.path not in ("", "/") else f"{parts.scheme}://{parts.netloc}/token"
        if tenant:
            token_url += "?" + str(httpx.QueryParams({"tenant": tenant}))
        return token_url

    def _read_token(self, response: httpx.Response) -> Token:
        body = _json_object(response)
        error = body.get("error")
        if response.status_code == 429 or response.status_code >= 500:
            msg = f"Halo's login service is busy (HTTP {response.status_code}); the integrator will try again."
            raise TransientError(msg, detail=halo_message(response), retry_after=retry_after(response))
        if isinstance(error, str) or response.status_code != 200:
            raise self._token_error(response, error if isinstance(error, str) else "")
        access_token = body.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            msg = (
                f"The Halo URL {self._base_url} did not answer like a Halo login service. "
                "Check halo.url: it is the address you open Halo at, e.g. https://yourcompany.halopsa.com."
            )
            raise ConfigError(msg)
        expires_in = body.get("expires_in", 3600)
        lifetime = float(expires_in) if isinstance(expires_in, int | float | str) and _is_number(expires_in) else 3600.0
        # Renew a minute early, or at half-life for very short tokens.
        renew_at = self._clock() + max(lifetime - self._margin, lifetime / 2)
        granted = str(body.get("scope") or "").split()
        return Token(access_token, renew_at, tuple(granted))

    def _token_error(self, response: httpx.Response, error: str) -> ConfigError:
        message = halo_message(response)
        if error == "invalid_scope":
            text = (
                f"Halo refused the scopes '{' '.join(self.scopes)}' (invalid_scope). Remove any scope "
                "this Halo version does not know from halo.scopes, or leave halo.scopes empty to "
                "use the integrator's defaults."
            )
        elif error in _TOKEN_ERRORS:
            text = _TOKEN_ERRORS[error].format(message=message)
        elif response.status_code == 404:
            text = (
                f"Halo's login service was not found at {self._token_url}. Check halo.url, or set "
                "halo.auth_url to the Authorisation Server shown under Configuration > Integrations "
                "> Halo API > API Details."
            )
        else:
            text = (
                f"Halo refused the login (HTTP {response.status_code}: {message}). "
                "Check the client ID, secret and tenant."
            )
        return ConfigError(text, detail=f"token endpoint -> {response.status_code} {error or message}")


def _json_object(response: httpx.Response) -> dict[str, object]:
    try:
        body = json.loads(response.text) if response.text else {}
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _is_number(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True
