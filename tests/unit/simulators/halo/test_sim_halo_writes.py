"""POST arrays (create, partial update, validation, all-or-nothing) and DELETE."""

from __future__ import annotations

import json

import pytest


def _count(sim, entity):
    return len(sim.tables[entity])


@pytest.mark.parametrize("payload", [{"name": "Acme"}, "Acme", 42, None])
def test_body_must_be_an_array(api, sim, payload):
    response = api.post("/api/Client", content=json.dumps(payload), headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "array" in response.json()["Message"]
    assert _count(sim, "Client") == 0


def test_malformed_json_is_400(api, sim):
    response = api.post("/api/Client", content=b'[{"name": "Acme"', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert _count(sim, "Client") == 0


def test_one_object_answers_one_object_several_an_array(api):
    one = api.post("/api/Item", json=[{"name": "Widget"}])
    assert one.status_code == 201
    assert one.json()["id"] == 1
    assert one.json()["name"] == "Widget"
    several = api.post("/api/Item", json=[{"name": "A"}, {"id": 0, "name": "B"}, {"id": -5, "name": "C"}])
    assert several.status_code == 201
    assert [row["id"] for row in several.json()] == [2, 3, 4]


def test_update_changes_only_supplied_fields_and_bumps_the_stamp(api, clock):
    created = api.post("/api/Client", json=[{"name": "Acme", "accountsemailaddress": "ap@acme.example"}]).json()
    assert created["alastupdate"] == "2024-09-02T12:00:00"
    clock.advance(90)
    updated = api.post("/api/Client", json=[{"id": created["id"], "accountsid": "ACME01"}]).json()
    assert updated["accountsid"] == "ACME01"
    assert updated["name"] == "Acme"
    assert updated["accountsemailaddress"] == "ap@acme.example"
    assert updated["alastupdate"] == "2024-09-02T12:01:30"
    assert updated["datecreated"] == "2024-09-02T12:00:00"
    assert api.get(f"/api/Client/{created['id']}").json() == updated


@pytest.mark.parametrize(
    ("path", "create", "stamp"),
    [("/api/Item", {"name": "Widget"}, "lastmodified"), ("/api/Supplier", {"name": "Acme"}, "last_modified")],
)
def test_other_update_stamps(api, clock, path, create, stamp):
    record = api.post(path, json=[create]).json()
    clock.advance(5)
    again = api.post(path, json=[{"id": record["id"], "name": "Renamed"}]).json()
    assert again[stamp] == "2024-09-02T12:00:05" != record[stamp]


def test_unknown_id_is_404_and_nothing_is_saved(api, sim):
    response = api.post("/api/Client", json=[{"name": "New"}, {"id": 77, "name": "Ghost"}])
    assert response.status_code == 404
    assert "77" in response.json()["Message"]
    assert _count(sim, "Client") == 0
    assert api.post("/api/Client", json=[{"name": "First"}]).json()["id"] == 1  # no id was spent


@pytest.mark.parametrize(
    ("path", "obj", "field"),
    [
        ("/api/Client", {"notes": "x"}, "name"),
        ("/api/Client", {"name": "  "}, "name"),
        ("/api/Item", {"baseprice": 3}, "name"),
        ("/api/Supplier", {}, "name"),
        ("/api/Tax", {"value": 20}, "name"),
        ("/api/Site", {"name": "HQ"}, "client_id"),
        ("/api/Invoice", {"lines": []}, "client_id"),
        ("/api/InvoicePayment", {"amount": 5}, "invoice_id"),
        ("/api/InvoicePayment", {"invoice_id": 1}, "amount"),
        ("/api/PurchaseOrder", {"lines": []}, "supplier_id"),
    ],
)
def test_required_fields(api, sim, path, obj, field):
    api.post("/api/Client", json=[{"name": "Acme"}])
    api.post("/api/Invoice", json=[{"client_id": 1}])
    before = {entity: dict(rows) for entity, rows in sim.tables.items()}
    response = api.post(path, json=[obj])
    assert response.status_code == 400
    assert field in response.json()["Message"]
    assert {entity: dict(rows) for entity, rows in sim.tables.items()} == before


def test_update_cannot_blank_a_required_field(api):
    api.post("/api/Client", json=[{"name": "Acme"}])
    assert api.post("/api/Client", json=[{"id": 1, "name": None}]).status_code == 400
    assert api.get("/api/Client/1").json()["name"] == "Acme"


def test_whole_array_is_validated_before_anything_is_stored(api, sim):
    api.post("/api/Client", json=[{"name": "Acme"}])
    response = api.post(
        "/api/Client", json=[{"id": 1, "name": "Renamed"}, {"name": "Valid new"}, {"inactive": "perhaps"}]
    )
    assert response.status_code == 400
    assert api.get("/api/Client/1").json()["name"] == "Acme"
    assert _count(sim, "Client") == 1


def test_references_must_exist(api, sim):
    assert api.post("/api/Site", json=[{"name": "HQ", "client_id": 5}]).status_code == 400
    assert api.post("/api/Invoice", json=[{"client_id": 5}]).status_code == 400
    assert api.post("/api/PurchaseOrder", json=[{"supplier_id": 5}]).status_code == 400
    assert api.post("/api/InvoicePayment", json=[{"invoice_id": 5, "amount": 1}]).status_code == 400
    assert all(not rows for rows in sim.tables.values())


def test_unknown_fields_are_ignored(api, sim):
    saved = api.post("/api/Client", json=[{"name": "Acme", "favourite_colour": "teal", "_isimport": True}]).json()
    assert "favourite_colour" not in saved
    assert "favourite_colour" not in sim.tables["Client"][1]


def test_wrong_types_are_400(api):
    assert api.post("/api/Item", json=[{"name": "X", "baseprice": "cheap"}]).status_code == 400
    assert api.post("/api/Item", json=[{"name": "X", "type": 1.5}]).status_code == 400
    assert api.post("/api/Client", json=[{"name": "X", "main_invoice_address": "1 High St"}]).status_code == 400
    assert api.post("/api/Invoice", json=[{"client_id": 1, "lines": {}}]).status_code == 400


def test_new_client_gets_a_main_invoice_site(api, sim):
    address = {"line1": "1 High Street", "line2": "Leeds", "postcode": "LS1 4AP"}
    client = api.post("/api/Client", json=[{"name": "Acme", "main_invoice_address": address}]).json()
    site = api.get(f"/api/Site/{client['main_site_id']}").json()
    assert site["name"] == client["main_site_name"] == "Main"
    assert site["client_id"] == client["id"]
    assert site["client_name"] == "Acme"
    assert site["isinvoicesite"] is True
    assert site["invoice_address"] == address


def test_client_rename_reaches_sites(api):
    api.post("/api/Client", json=[{"name": "Acme"}])
    api.post("/api/Client", json=[{"id": 1, "name": "Acme Holdings"}])
    assert api.get("/api/Site/1").json()["client_name"] == "Acme Holdings"


def test_delete_returns_the_object_then_404(api, sim):
    api.post("/api/Item", json=[{"name": "Widget"}])
    deleted = api.delete("/api/Item/1")
    assert deleted.status_code == 200
    assert deleted.json()["name"] == "Widget"
    assert _count(sim, "Item") == 0
    assert api.delete("/api/Item/1").status_code == 404
    assert api.get("/api/Item/1").status_code == 404
    assert api.delete("/api/Item").status_code == 405


def test_invoice_delete_accepts_bypass_and_removes_payments(api, sim):
    api.post("/api/Client", json=[{"name": "Acme"}])
    api.post("/api/Invoice", json=[{"client_id": 1, "lines": [{"qty_order": 1, "unit_price": 10}]}])
    api.post("/api/InvoicePayment", json=[{"invoice_id": 1, "amount": 5}])
    response = api.delete("/api/Invoice/1", params={"bypass_accounts_sync": "true"})
    assert response.status_code == 200
    assert sim.tables["Invoice"] == {}
    assert sim.tables["InvoicePayment"] == {}


def test_writable_accounting_fields_on_invoices(api, clock):
    api.post("/api/Client", json=[{"name": "Acme"}])
    api.post("/api/Invoice", json=[{"client_id": 1}])
    clock.advance(1)
    saved = api.post(
        "/api/Invoice",
        json=[
            {
                "id": 1,
                "posted": True,
                "dateposted": "2024-09-02T13:30:00+01:00",
                "accountsid": "QB-123",
                "thirdpartyinvoicenumber": "SI-1042",
                "last_synced": "2024-09-02T12:00:01Z",
            }
        ],
    ).json()
    assert saved["posted"] is True
    assert saved["dateposted"] == "2024-09-02T12:30:00"  # rendered in UTC without an offset
    assert saved["accountsid"] == "QB-123"
    assert saved["thirdpartyinvoicenumber"] == "SI-1042"
    assert saved["last_synced"] == "2024-09-02T12:00:01"
    assert saved["last_modified"] == "2024-09-02T12:00:01"
