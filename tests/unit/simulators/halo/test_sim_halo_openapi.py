"""Every object the simulator sends validates against Halo's own OpenAPI schemas.

Halo's schemas declare ``additionalProperties: false``, so this also proves the simulator
emits only field names Halo knows. Skipped when the shared reference folder is absent.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from openapi_schema_validator import OAS30Validator

from halo_accounts.simulators.halo import HaloSimulator, schemas, seed_tenant
from halo_accounts.simulators.halo.fields import ADDRESS_FIELDS, Kind
from halo_accounts.simulators.halo.resources import RESOURCES
from halo_accounts.simulators.halo.schemas import SCHEMA_NAMES
from halo_accounts.simulators.serving import SyncASGITransport

REPO = Path(__file__).resolve().parents[4]
OPENAPI = REPO.parent / "shared" / "reference" / "halo" / "halo-openapi-2024-09.json"


@pytest.fixture(scope="module")
def spec():
    if not OPENAPI.exists():
        pytest.skip(f"Halo's OpenAPI file is not at {OPENAPI} (the shared reference folder is absent)")
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator_for(spec):
    cache = {}

    def make(schema_name):
        if schema_name not in cache:
            root = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
            cache[schema_name] = OAS30Validator(root)
        return cache[schema_name]

    return make


def _errors(validator, obj):
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(obj)]


_KIND_TYPES = {Kind.STR: "string", Kind.INT: "integer", Kind.BOOL: "boolean", Kind.DEC: "number", Kind.LINES: "array"}


@pytest.mark.parametrize("entity", sorted(SCHEMA_NAMES))
def test_field_tables_match_the_schemas(spec, entity):
    schema_name = SCHEMA_NAMES[entity]
    if entity == "AddressStore":
        table = ADDRESS_FIELDS
    elif entity in RESOURCES:
        table = RESOURCES[entity].fields
    else:
        table = {"InvoiceDetail": schemas.INVOICE_DETAIL, "SupplierOrderDetail": schemas.SUPPLIER_ORDER_DETAIL}[entity]
    properties = spec["components"]["schemas"][schema_name]["properties"]
    for name, kind in table.items():
        assert name in properties, f"{schema_name} has no property {name!r}"
        declared = properties[name]
        if kind is Kind.DATETIME:
            assert declared.get("format") == "date-time", name
        elif kind is Kind.ADDRESS:
            assert declared.get("$ref", "").endswith("/AddressStore"), name
        elif kind is Kind.INT and name == "client_id" and schema_name == "Site":
            assert declared["type"] == "number"  # Halo types Site.client_id as a double
        else:
            assert declared.get("type") == _KIND_TYPES[kind], name


@pytest.fixture(scope="module")
def served(spec):
    """A seeded tenant read back over HTTP, keyed by schema name."""
    sim = HaloSimulator(clock=lambda: datetime(2024, 9, 2, 12, tzinfo=UTC), rate_limit=None)
    seed_tenant(sim, seed=11, customers=30, items=24, invoices=80)
    with httpx.Client(transport=SyncASGITransport(sim.app), base_url="http://halo.test") as http:
        token = http.post(
            "/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "demo-client",
                "client_secret": "demo-secret",
                "scope": "all admin",
            },
        ).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        http.post("/api/IntegrationError", json=[{"entity_type": "Invoice", "entity_id": 1, "error": "boom"}])
        out = {}
        every = {"includeinactive": "true", "includecredits": "true", "includelines": "true"}
        for entity, resource in RESOURCES.items():
            listed = http.get(f"/api/{entity}", params=every).json()
            rows = listed if resource.list_key is None else listed[resource.list_key]
            singles = [http.get(f"/api/{entity}/{row['id']}").json() for row in rows]
            out[SCHEMA_NAMES[entity]] = rows + singles
    return out


@pytest.mark.parametrize("schema_name", sorted({SCHEMA_NAMES[e] for e in RESOURCES}))
def test_every_served_object_validates(served, validator_for, schema_name):
    objects = served[schema_name]
    assert objects, f"the seeded tenant has no {schema_name}"
    validator = validator_for(schema_name)
    problems = [(obj.get("id"), _errors(validator, obj)) for obj in objects]
    assert [p for p in problems if p[1]] == []


def test_unknown_fields_would_be_caught(validator_for, make_sim, client_for, auth):
    sim = make_sim(extra_fields=True)
    http = client_for(sim)
    headers = auth(client=http)
    created = http.post("/api/Client", headers=headers, json=[{"name": "Acme"}]).json()
    assert created["_warning"] is None
    assert "sim_unknown_text" in created
    assert any("sim_unknown_text" in e for e in _errors(validator_for("Area"), created))
