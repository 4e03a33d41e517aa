"""The client-credentials flow against scripted token servers (shapes the simulator does not produce)."""

import json
from urllib.parse import parse_qs

import httpx
import pytest
from pydantic import SecretStr

from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import TAX
from halo_accounts.errors import ConfigError, TransientError


class TokenServer:
    """A scripted Halo: authinfo, token endpoint and one API route, recording what it gets."""

    def __init__(self, authinfo=None, token_status=200, token_body=None, api_statuses=None):
        self.authinfo = authinfo
        self.token_status = token_status
        self.token_body = token_body or {"access_token": "tok", "token_type": "Bearer", "expires_in": 3600}
        self.api_statuses = list(api_statuses or [])
        self.requests: list[httpx.Request] = []
        self.clock = 0.0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.lower() == "/api/authinfo":
            if self.authinfo is None:
                return httpx.Response(404)
            return httpx.Response(200, json=self.authinfo)
        if request.url.path.endswith("/token"):
            return httpx.Response(self.token_status, json=self.token_body)
        status = self.api_statuses.pop(0) if self.api_statuses else 200
        return httpx.Response(status, json=[] if status == 200 else {"Message": "denied"})

    def client(self, **kwargs):
        from halo_accounts.connectors.halo.auth import ClientCredentialsAuth

        auth = ClientCredentialsAuth(
            base_url="https://acme.halopsa.com",
            client_id="cid",
            client_secret=SecretStr("the-secret"),
            scopes=kwargs.pop("scopes", ["edit:invoices"]),
            tenant=kwargs.pop("tenant", ""),
            auth_url=kwargs.pop("auth_url", ""),
            clock=lambda: self.clock,
        )
        return HaloClient(
            base_url="https://acme.halopsa.com",
            auth=auth,
            transport=httpx.MockTransport(self.handler),
            sleep=lambda s: None,
        )

    def token_requests(self):
        return [r for r in self.requests if r.url.path.endswith("/token")]


def test_discovery_uses_authinfo_auth_url_and_tenant():
    server = TokenServer(authinfo={"auth_url": "https://auth.haloservicedesk.com/auth", "tenant_id": "acme"})
    with server.client() as client:
        list(client.iterate(TAX))
    (token,) = server.token_requests()
    assert str(token.url) == "https://auth.haloservicedesk.com/auth/token?tenant=acme"
    form = parse_qs(token.content.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["cid"],
        "client_secret": ["the-secret"],
        "scope": ["edit:invoices"],
    }
    assert server.requests[-1].headers["Authorization"] == "Bearer tok"


def test_auth_url_without_a_path_gets_token_at_the_root():
    server = TokenServer(authinfo={"auth_url": "https://auth.example.com", "tenant_id": ""})
    with server.client(tenant="mine") as client:
        list(client.iterate(TAX))
    assert str(server.token_requests()[0].url) == "https://auth.example.com/token?tenant=mine"


def test_falls_back_to_base_auth_token_when_authinfo_fails():
    server = TokenServer(authinfo=None)
    with server.client() as client:
        list(client.iterate(TAX))
    assert str(server.token_requests()[0].url) == "https://acme.halopsa.com/auth/token"


def test_configured_auth_url_skips_discovery():
    server = TokenServer(authinfo={"auth_url": "https://wrong.example/auth"})
    with server.client(auth_url="https://right.example/auth/") as client:
        list(client.iterate(TAX))
    assert not any(r.url.path == "/api/authinfo" for r in server.requests)
    assert str(server.token_requests()[0].url) == "https://right.example/auth/token"


def test_token_is_reused_until_it_nearly_expires():
    server = TokenServer(authinfo=None, token_body={"access_token": "tok", "expires_in": 600})
    with server.client() as client:
        for _ in range(3):
            list(client.iterate(TAX))
        assert len(server.token_requests()) == 1
        server.clock = 539.0  # renewed a minute early
        list(client.iterate(TAX))
        assert len(server.token_requests()) == 1
        server.clock = 541.0
        list(client.iterate(TAX))
        assert len(server.token_requests()) == 2


def test_a_401_on_an_old_token_renews_once_and_repeats_once():
    server = TokenServer(authinfo=None, api_statuses=[200, 401, 200])
    with server.client() as client:
        list(client.iterate(TAX))
        list(client.iterate(TAX))
    assert len(server.token_requests()) == 2
    api_calls = [r for r in server.requests if r.url.path == "/api/Tax"]
    assert len(api_calls) == 3


def test_empty_scopes_are_refused_before_any_request():
    with pytest.raises(ConfigError, match="No Halo scopes"):
        TokenServer().client(scopes=[])


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, {"error": "invalid_client"}, "did not accept the client ID and secret"),
        (400, {"error": "invalid_scope"}, "invalid_scope"),
        (400, {"error": "unsupported_grant_type"}, "Client ID and Secret (Services)"),
        (400, {"error": "invalid_request", "error_description": "Unknown tenant"}, "tenant"),
        (404, {}, "login service was not found"),
        (200, {"token_type": "Bearer"}, "did not answer like a Halo login service"),
    ],
)
def test_token_errors_say_what_to_fix_without_the_secret(status, body, expected):
    server = TokenServer(authinfo=None, token_status=status, token_body=body)
    with server.client() as client, pytest.raises(ConfigError) as caught:
        client.login()
    assert expected in caught.value.user_message
    assert "the-secret" not in caught.value.user_message + (caught.value.detail or "")


def test_busy_token_endpoint_is_transient():
    server = TokenServer(authinfo=None, token_status=503, token_body={"Message": "down"})
    with server.client() as client, pytest.raises(TransientError):
        client.login()


def test_repr_of_auth_hides_the_secret():
    server = TokenServer()
    client = server.client()
    assert "the-secret" not in repr(client.auth)
    assert "the-secret" not in json.dumps(vars(client.auth), default=str)
