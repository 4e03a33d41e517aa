"""Contract: every request our client sends and every answer the simulator gives match Halo's OpenAPI file.

Halo's schemas forbid additional properties, so a misspelt field name (``accounts_id`` on a
Client, say) fails here. Query parameters must be ones Halo declares for the operation.
"""

from __future__ import annotations

import json
import re
import typing
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from jsonschema import FormatChecker
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from pydantic import SecretStr

from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.doctor import diagnose
from halo_accounts.connectors.halo.permissions import OPERATIONS
from halo_accounts.connectors.halo.resources import (
    CLIENT,
    INTEGRATION_ERROR,
    INVOICE,
    INVOICE_PAYMENT,
    ITEM,
    PURCHASE_ORDER,
    RESOURCES,
    SITE,
    SUPPLIER,
    TAX,
    AddressRecord,
    HaloRecord,
    InvoiceLineRecord,
    PurchaseOrderLineRecord,
)
from halo_accounts.errors import SyncError
from halo_accounts.simulators.halo import seed_tenant

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

# Halo writes its timestamps without a UTC offset ("2025-07-11T12:18:00"), which a strict RFC 3339
# check refuses; answers are checked with this lenient date-time, our requests with the strict one.
LENIENT_FORMATS = FormatChecker()
LENIENT_FORMATS.checkers = dict(oas30_format_checker.checkers)


@LENIENT_FORMATS.checks("date-time", raises=ValueError)
def _iso_datetime(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.fromisoformat(value.replace("Z", "+00:00")))


# Fields Halo's schema lacks but real Halo sends and we only ever read (see resources.py).
READ_ONLY_EXTRAS = {("PurchaseOrderLineRecord", "quantity")}


class RecordingTransport(httpx.BaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.exchanges.append((request, response))
        return response

    def close(self) -> None:
        self.inner.close()


class Contract:
    """Halo's operations, their declared query parameters and body schemas."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.routes = []
        for path, operations in spec["paths"].items():
            pattern = re.compile("^/api" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "/?$", re.IGNORECASE)
            self.routes.append((pattern, path, operations))

    def operation(self, method: str, url_path: str) -> tuple[str, dict[str, Any]]:
        # Prefer literal paths over templated ones, as a router does.
        matches = [(p, ops) for pattern, p, ops in self.routes if pattern.match(url_path) and method.lower() in ops]
        assert matches, f"{method} {url_path} is not an operation in Halo's OpenAPI file"
        matches.sort(key=lambda m: m[0].count("{"))
        path, operations = matches[0]
        return path, operations[method.lower()]

    def validator(self, schema: dict[str, Any], *, strict: bool = True) -> OAS30Validator:
        formats = oas30_format_checker if strict else LENIENT_FORMATS
        return OAS30Validator({**schema, "components": self.spec["components"]}, format_checker=formats)

    def entity_schema(self, path: str) -> dict[str, Any]:
        collection = "/" + path.strip("/").split("/")[0]
        body = self.spec["paths"][collection]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return body["items"]


@pytest.fixture
def contract(halo_openapi):
    return Contract(halo_openapi)


@pytest.fixture
def recorded(halo_url, halo_sim):
    transport = RecordingTransport()
    auth = ClientCredentialsAuth(
        base_url=halo_url,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "edit:suppliers", "edit:pos", "admin"],
        tenant=TENANT,
    )
    client = HaloClient(base_url=halo_url, auth=auth, transport=transport, page_size=25, rate_limit=None)
    yield client, transport
    client.close()


def sample_value(annotation: Any, name: str) -> Any:
    """A plausible value of a field's type, for sending every field we know."""
    if typing.get_origin(annotation) is typing.Annotated:
        return sample_value(typing.get_args(annotation)[0], name)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    base = args[0] if args and typing.get_origin(annotation) is not list else annotation
    if base is bool:
        return True
    if base is int:
        return 1
    if base is Decimal:
        return Decimal("12.34")
    if base is str:
        return f"sample {name}"
    if base is datetime:
        return datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    if base is AddressRecord:
        return AddressRecord(line1="1 High St", line2="Leeds", postcode="LS1 1AA")
    if typing.get_origin(base) is list:
        (inner,) = typing.get_args(base)
        return [full_record(inner)]
    raise AssertionError(f"no sample for {name}: {annotation}")


def full_record(model: type[HaloRecord]) -> HaloRecord:
    hints = typing.get_type_hints(model, include_extras=True)
    values = {}
    for name, field in model.model_fields.items():
        if (model.__name__, name) in READ_ONLY_EXTRAS:
            continue
        values[field.alias or name] = sample_value(hints[name], name)
    return model.model_validate(values)


def test_every_field_we_can_send_is_in_halos_schema(contract, recorded):
    client, transport = recorded
    for resource in RESOURCES:
        record = full_record(resource.model)
        try:
            client.save(resource, [record])
        except SyncError:
            pass  # the simulator may refuse sample data; what matters is the body that went out
    posts = [
        (req, resp) for req, resp in transport.exchanges if req.method == "POST" and req.url.path.startswith("/api/")
    ]
    assert {req.url.path.split("/")[2] for req, _ in posts} == {r.name for r in RESOURCES}
    for request, _ in posts:
        path, operation = contract.operation("POST", request.url.path)
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        errors = [e.message for e in contract.validator(schema).iter_errors(json.loads(request.content))]
        assert not errors, f"POST {path}: {errors}"


def test_a_realistic_session_matches_the_contract_both_ways(contract, recorded, halo_sim):
    client, transport = recorded
    seed_tenant(halo_sim, seed=7, customers=30, items=20, invoices=60)
    # Reads of everything the sync uses, with the filters it uses.
    since = datetime(2020, 1, 1, tzinfo=UTC)
    for resource in RESOURCES:
        list(client.iterate(resource))
    list(client.iterate(CLIENT, lastupdatefromdate=since, includeinactive=True))
    list(client.iterate(SITE, client_id=1, includeinactive=True))
    list(client.iterate(INVOICE, includelines=True, includecredits=True, notpostedonly=True))
    list(client.iterate(INVOICE, postedonly=True, paymentstatuses=[0, 1], invoicedatestart=since.date()))
    list(client.iterate(PURCHASE_ORDER, supplier_id=1))
    invoice = next(client.iterate(INVOICE, includelines=True))
    client.get(INVOICE, invoice.id, includedetails=True)
    # Write-backs the sync performs.
    client.save(
        INVOICE,
        [
            INVOICE.model.model_validate(
                {
                    "id": invoice.id,
                    "posted": True,
                    "accountsid": "TXN-1",
                    "thirdpartyinvoicenumber": "1001",
                    "dateposted": since,
                }
            )
        ],
    )
    client.save(CLIENT, [CLIENT.model.model_validate({"id": 1, "accountsid": "ACME01"})])
    client.save(SUPPLIER, [SUPPLIER.model.model_validate({"id": 1, "accounts_id": "V-1"})])
    client.save(PURCHASE_ORDER, [PURCHASE_ORDER.model.model_validate({"id": 1, "accounts_ref": "PO-1"})])
    # The doctor's probes.
    diagnose(client, OPERATIONS)

    checked = 0
    for request, response in transport.exchanges:
        if not request.url.path.lower().startswith("/api/") or request.url.path.lower() == "/api/authinfo":
            continue
        path, operation = contract.operation(request.method, request.url.path)
        declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        undeclared = set(request.url.params.keys()) - declared
        assert not undeclared, f"{request.method} {path}: query parameters Halo does not declare: {undeclared}"
        if request.method == "POST":
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            errors = [e.message for e in contract.validator(schema).iter_errors(json.loads(request.content))]
            assert not errors, f"POST {path}: {errors}"
        if response.status_code >= 300 or not response.content:
            continue
        body = response.json()
        entity = contract.validator(contract.entity_schema(path), strict=False)
        if isinstance(body, dict) and "record_count" in body:
            rows = next(v for v in body.values() if isinstance(v, list))
        else:
            rows = body if isinstance(body, list) else [body]
        for row in rows:
            errors = [e.message for e in entity.iter_errors(row)]
            assert not errors, f"{request.method} {path} answer: {errors}"
            checked += 1
    assert checked > 200


def test_client_models_only_name_fields_halo_declares(contract):
    """Even fields we only read must exist in Halo's schema, except the documented extras."""
    models = {
        "Area": CLIENT.model,
        "Site": SITE.model,
        "InvoiceHeader": INVOICE.model,
        "Company": SUPPLIER.model,
        "SupplierOrderHeader": PURCHASE_ORDER.model,
        "InvoiceDetail": InvoiceLineRecord,
        "SupplierOrderDetail": PurchaseOrderLineRecord,
        "AddressStore": AddressRecord,
    }
    models.update({"Item": ITEM.model, "Tax": TAX.model, "InvoicePayment_List": INVOICE_PAYMENT.model})
    models["IntegrationError"] = INTEGRATION_ERROR.model
    schemas = contract.spec["components"]["schemas"]
    for schema_name, model in models.items():
        properties = schemas[schema_name]["properties"]
        for name, field in model.model_fields.items():
            if (model.__name__, name) in READ_ONLY_EXTRAS:
                continue
            assert (field.alias or name) in properties, (
                f"{model.__name__}.{field.alias or name} is not in {schema_name}"
            )
