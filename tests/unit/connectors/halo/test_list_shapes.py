"""List answers in shapes the simulator does not produce, as other Halo versions or proxies may."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import CLIENT, INVOICE_PAYMENT, TAX
from halo_accounts.errors import ConfigError


def client_for(handler):
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        if request.url.path == "/api/authinfo":
            return httpx.Response(404)
        return handler(request)

    auth = ClientCredentialsAuth(base_url="https://h", client_id="c", client_secret=SecretStr("s"), scopes=["all"])
    return HaloClient(base_url="https://h", auth=auth, transport=httpx.MockTransport(route), page_size=2)


def rows(*ids):
    return [{"id": i, "name": f"N{i}"} for i in ids]


def test_a_server_that_ignores_paging_is_read_once():
    calls = []

    def handler(request):
        calls.append(request)
        return httpx.Response(200, json={"record_count": 5, "clients": rows(1, 2, 3, 4, 5)})

    with client_for(handler) as client:
        assert [c.id for c in client.iterate(CLIENT)] == [1, 2, 3, 4, 5]
    assert len(calls) == 1


def test_rows_repeated_across_pages_are_given_once():
    pages = {"1": rows(1, 2), "2": rows(2, 3), "3": rows(4)}

    def handler(request):
        page = request.url.params["page_no"]
        return httpx.Response(200, json={"record_count": 5, "clients": pages[page]})

    with client_for(handler) as client:
        assert [c.id for c in client.iterate(CLIENT)] == [1, 2, 3, 4]


def test_bare_arrays_and_unknown_envelope_keys_are_read():
    def handler(request):
        if request.url.path == "/api/Tax":
            return httpx.Response(200, json={"record_count": 1, "tax": [{"id": 9, "name": "GST", "value": 10}]})
        return httpx.Response(200, json=[{"id": 1, "amount": 12.5, "invoice_id": 3}])

    with client_for(handler) as client:
        assert [t.name for t in client.iterate(TAX)] == ["GST"]
        assert [str(p.amount) for p in client.iterate(INVOICE_PAYMENT)] == ["12.5"]


def test_an_unreadable_row_is_reported_and_the_rest_are_kept():
    def handler(request):
        return httpx.Response(200, json={"record_count": 2, "clients": [{"id": "abc"}, {"id": 2, "name": "Ok"}]})

    with client_for(handler) as client:
        assert [c.id for c in client.iterate(CLIENT)] == [2]
        assert client.unreadable[0][0:2] == ("Client", "abc")


def test_html_instead_of_json_is_a_config_error():
    def handler(request):
        return httpx.Response(200, text="<html>Sign in</html>")

    with client_for(handler) as client, pytest.raises(ConfigError, match="not JSON"):
        list(client.iterate(CLIENT))
