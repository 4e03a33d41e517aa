"""Scope rules and the agent ∩ application ∩ token intersection, checked at request time."""

from __future__ import annotations

import pytest

from halo_accounts.simulators.halo import KNOWN_SCOPES
from halo_accounts.simulators.halo.permissions import allowed, parse_scopes, satisfies

DENIED = {"Message": "Authorization has been denied for this request."}


@pytest.mark.parametrize(
    ("granted", "required", "expected"),
    [
        ({"read:customers"}, "read:customers", True),
        ({"edit:customers"}, "read:customers", True),  # edit implies read
        ({"read:customers"}, "edit:customers", False),
        ({"edit:items"}, "read:customers", False),
        ({"all"}, "edit:invoices", True),
        ({"all:standard"}, "read:pos", True),
        ({"all"}, "admin", False),  # all does not cover admin
        ({"all", "all:standard", "all:teams", "edit:invoices"}, "admin", False),
        ({"admin"}, "admin", True),
        ({"admin"}, "read:invoices", False),
        (set(), "read:customers", False),
    ],
)
def test_satisfies(granted, required, expected):
    assert satisfies(frozenset(granted), required) is expected


def test_allowed_needs_every_set():
    everything = frozenset({"all", "admin"})
    assert allowed("read:items", everything, everything, frozenset({"read:items"}))
    assert not allowed("read:items", everything, frozenset({"read:customers"}), everything)
    assert not allowed("admin", frozenset({"all"}), everything, everything)


def test_parse_scopes_takes_spaces_and_commas():
    assert parse_scopes(" all, admin  read:items,") == ["all", "admin", "read:items"]
    assert parse_scopes("") == []


def test_known_scopes_are_spelled_as_clients_send_them():
    for scope in (
        "all",
        "all:standard",
        "all:teams",
        "admin",
        "admin:webhooks",
        "editMine:timesheets",
        "read:distributionlists",
        "edit:softwarelicensing",
        "access:adpasswordreset",
    ):
        assert scope in KNOWN_SCOPES
    assert "read:sites" not in KNOWN_SCOPES
    assert "read:actions" not in KNOWN_SCOPES


@pytest.mark.parametrize(
    ("method", "path", "needed"),
    [
        ("GET", "/api/Client", "read:customers"),
        ("GET", "/api/Site", "read:customers"),
        ("GET", "/api/Item", "read:items"),
        ("GET", "/api/Invoice", "read:invoices"),
        ("GET", "/api/InvoicePayment", "read:invoices"),
        ("GET", "/api/Supplier", "read:suppliers"),
        ("GET", "/api/PurchaseOrder", "read:pos"),
        ("GET", "/api/Tax", "read:invoices"),
        ("GET", "/api/IntegrationError", "admin"),
        ("POST", "/api/Client", "edit:customers"),
        ("POST", "/api/Tax", "admin"),
        ("POST", "/api/IntegrationError", "admin"),
        ("DELETE", "/api/Item/1", "edit:items"),
    ],
)
def test_endpoint_scopes(http, auth, method, path, needed):
    """The needed scope gets past the permission check; a neighbouring one does not."""
    wrong = "read:kb edit:kb" if needed != "admin" else "all"
    denied = http.request(method, path, headers=auth(wrong), json=[])
    assert denied.status_code == 401
    assert denied.json() == DENIED
    passed = http.request(method, path, headers=auth(needed), json=[])
    assert passed.status_code not in (401, 403)


def test_edit_scope_lets_a_token_read(http, auth):
    headers = auth("edit:customers")
    assert http.get("/api/Client", headers=headers).status_code == 200
    assert http.post("/api/Client", headers=headers, json=[{"name": "Acme"}]).status_code == 201


def test_read_scope_cannot_write(http, auth):
    response = http.post("/api/Client", headers=auth("read:customers"), json=[{"name": "Acme"}])
    assert response.status_code == 401


def test_all_does_not_open_admin_endpoints(http, auth):
    headers = auth("all")
    assert http.get("/api/IntegrationError", headers=headers).status_code == 401
    assert http.post("/api/Tax", headers=headers, json=[{"name": "VAT", "value": 20}]).status_code == 401
    assert http.get("/api/Tax", headers=headers).status_code == 200


def test_admin_alone_cannot_read_tax(http, auth):
    headers = auth("admin")
    assert http.post("/api/Tax", headers=headers, json=[{"name": "VAT", "value": 20}]).status_code == 201
    assert http.get("/api/Tax", headers=headers).status_code == 401


@pytest.mark.parametrize("who", ["agent", "app"])
def test_agent_and_application_each_limit_the_token(make_sim, client_for, auth, who):
    limited = {f"{who}_permissions": frozenset({"all"})}
    http = client_for(make_sim(**limited))
    headers = auth("all admin", client=http)
    assert http.get("/api/Client", headers=headers).status_code == 200
    assert http.get("/api/IntegrationError", headers=headers).status_code == 401


def test_set_permissions_applies_to_tokens_already_issued(sim, http, auth):
    headers = auth("all admin")
    assert http.get("/api/Item", headers=headers).status_code == 200
    sim.set_permissions(app={"read:customers"})
    assert http.get("/api/Item", headers=headers).status_code == 401
    assert http.get("/api/Client", headers=headers).status_code == 200
    sim.set_permissions(agent={"edit:items"}, app={"all"})
    assert http.get("/api/Item", headers=headers).status_code == 200
    assert http.get("/api/Client", headers=headers).status_code == 401


def test_missing_permission_status_can_be_403(make_sim, client_for, auth):
    http = client_for(make_sim(missing_permission_status=403))
    denied = http.get("/api/Client", headers=auth("read:items", client=http))
    assert denied.status_code == 403
    assert denied.json() == DENIED
    assert http.get("/api/Client").status_code == 401  # no token is still 401


def test_constructor_refuses_unknown_permissions_and_statuses(make_sim):
    with pytest.raises(ValueError, match="read:sites"):
        make_sim(app_permissions={"read:sites"})
    with pytest.raises(ValueError, match="401 or 403"):
        make_sim(missing_permission_status=402)
