import pytest

from halo_accounts.connectors.halo.permissions import (
    FLOW_OPERATIONS,
    OPERATIONS,
    operation_for,
    operations_for_flows,
    scopes_for,
)
from halo_accounts.connectors.halo.resources import RESOURCES


def test_every_flow_operation_has_a_row():
    for flow, keys in FLOW_OPERATIONS.items():
        for resource, write in keys:
            assert operation_for(resource, write=write).resource == resource, flow


def test_every_row_names_a_known_resource_and_a_ui_permission():
    names = {r.name for r in RESOURCES}
    for op in OPERATIONS:
        assert op.resource in names
        assert op.permission == "Admin" or op.permission.startswith(("Read - ", "Edit - "))
        assert op.scope == "admin" or op.scope.split(":")[0] in {"read", "edit"}
        assert (op.scope.startswith("edit:")) == op.permission.startswith("Edit - ")


def test_admin_is_only_for_creating_tax_rates_and_the_optional_error_log():
    admin = [op for op in OPERATIONS if op.scope == "admin"]
    assert [(op.resource, op.write) for op in admin] == [
        ("Tax", True),
        ("IntegrationError", False),
        ("IntegrationError", True),
    ]
    needed = {op.resource for op in operations_for_flows(FLOW_OPERATIONS) if op.scope == "admin"}
    assert needed == {"Tax"}


def test_every_resource_has_a_read_and_a_write_row():
    for resource in RESOURCES:
        assert operation_for(resource.name, write=False).resource == resource.name
        assert operation_for(resource.name, write=True).resource == resource.name


def test_default_scopes_are_least_privilege():
    ops = operations_for_flows(["customers", "items", "invoices", "payments"], include_admin=False)
    assert scopes_for(ops) == ["edit:customers", "edit:invoices", "edit:items"]


def test_tax_import_adds_admin_only_when_asked():
    assert "admin" in scopes_for(operations_for_flows(["tax_rates"]))
    assert scopes_for(operations_for_flows(["tax_rates"], include_admin=False)) == ["read:invoices"]


def test_read_only_needs_stay_read():
    ops = [operation_for("Tax", write=False), operation_for("Supplier", write=False)]
    assert scopes_for(ops) == ["read:invoices", "read:suppliers"]


def test_unknown_resource_is_a_key_error():
    with pytest.raises(KeyError):
        operation_for("Ticket", write=False)
