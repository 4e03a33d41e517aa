"""Discovery, the client-credentials token call and bearer checks."""

from __future__ import annotations

import base64
import json

import pytest

DENIED = {"Message": "Authorization has been denied for this request."}


@pytest.mark.parametrize("path", ["/api/authinfo", "/api/AuthInfo", "/API/AUTHINFO"])
def test_authinfo_is_public_and_names_auth_server_and_tenant(http, path):
    response = http.get(path)
    assert response.status_code == 200
    assert response.json() == {"auth_url": "http://halo.test/auth", "tenant_id": "demo"}


def test_token_success_carries_every_field(http, sim, token_form):
    response = http.post("/auth/token?tenant=demo", data=token_form("read:customers edit:items"))
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == "read:customers edit:items"
    assert token["access_token"]
    assert token["refresh_token"]
    assert token["access_token"] != token["refresh_token"]
    header, claims, signature = token["id_token"].split(".")
    payload = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert payload["name"] == "API Agent"
    assert payload["aud"] == "demo-client"
    assert signature
    assert sim.state.tokens[token["access_token"]].scopes == {"read:customers", "edit:items"}


def test_each_token_is_new(http, token_form):
    first = http.post("/auth/token", data=token_form()).json()["access_token"]
    second = http.post("/auth/token", data=token_form()).json()["access_token"]
    assert first != second


def test_tenant_may_come_as_a_form_field(http, token_form):
    response = http.post("/auth/token", data=token_form(tenant="demo"))
    assert response.status_code == 200


@pytest.mark.parametrize("where", ["query", "form"])
def test_unknown_tenant_is_refused(http, where, token_form):
    if where == "query":
        response = http.post("/auth/token?tenant=other", data=token_form())
    else:
        response = http.post("/auth/token", data=token_form(tenant="other"))
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": "Unknown tenant"}


@pytest.mark.parametrize("override", [{"client_secret": "wrong"}, {"client_id": "someone-else"}, {"client_secret": ""}])
def test_bad_client_credentials_are_invalid_client(http, override, token_form):
    response = http.post("/auth/token", data=token_form(**override))
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_grant_type_must_be_client_credentials(http, token_form):
    response = http.post("/auth/token", data=token_form(grant_type="password"))
    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type"}


def test_unknown_scope_is_invalid_scope(http, token_form):
    response = http.post("/auth/token", data=token_form("read:customers read:actions"))
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_scope"}


def test_token_without_scope_is_issued_but_has_no_rights(http, token_form):
    response = http.post("/auth/token", data=token_form(scope=None))
    assert response.status_code == 200
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    for path in ("/api/Client", "/api/Item", "/api/Invoice", "/api/Tax"):
        denied = http.get(path, headers=headers)
        assert denied.status_code == 401
        assert denied.json() == DENIED


def test_token_endpoint_only_takes_post(http):
    assert http.get("/auth/token").status_code == 405


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}],
)
def test_missing_or_unknown_bearer_is_denied(http, headers):
    response = http.get("/api/Client", headers=headers)
    assert response.status_code == 401
    assert response.json() == DENIED


def test_token_expires_after_its_lifetime(clock, make_sim, client_for, token_form):
    http = client_for(make_sim(token_lifetime_seconds=60))
    token = http.post("/auth/token", data=token_form()).json()
    assert token["expires_in"] == 60
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    clock.advance(59)
    assert http.get("/api/Client", headers=headers).status_code == 200
    clock.advance(1)
    assert http.get("/api/Client", headers=headers).json() == DENIED
