"""Every Halo operation the sync performs, with its OAuth scope and the permission Halo's UI names.

Halo grants a request only when the agent's role, the API application's Permissions tab and
the scopes in the token all allow it, so each row says what to switch on in words a Halo
administrator will find. ``edit:X`` covers ``read:X``; ``admin`` is needed only to create tax
rates (the first import of tax rates from the books) and is never requested otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "ADMIN",
    "APPLICATION_PERMISSIONS",
    "FLOW_OPERATIONS",
    "OPERATIONS",
    "Operation",
    "how_to_grant",
    "operation_for",
    "operations_for_flows",
    "scopes_for",
]

ADMIN = "admin"
APPLICATION_PERMISSIONS = (
    "Configuration > Integrations > Halo API > View Applications > (this application) > Permissions"
)


@dataclass(frozen=True, slots=True)
class Operation:
    """One kind of call: reading or writing one Halo resource."""

    resource: str  # Halo's entity, as in the URL: "Client", "Invoice", ...
    write: bool
    scope: str  # the OAuth scope that grants it
    permission: str  # the permission as Halo's UI names it
    purpose: str  # why the integrator needs it, for the doctor's table

    @property
    def key(self) -> str:
        """A stable short name, e.g. ``read:Client``."""
        return f"{'write' if self.write else 'read'}:{self.resource}"


def _pair(resource: str, noun: str, label: str, purpose_read: str, purpose_write: str) -> tuple[Operation, Operation]:
    return (
        Operation(resource, False, f"read:{noun}", f"Read - {label}", purpose_read),
        Operation(resource, True, f"edit:{noun}", f"Edit - {label}", purpose_write),
    )


OPERATIONS: tuple[Operation, ...] = (
    *_pair("Client", "customers", "Customers", "read customers", "write back the books' customer reference"),
    *_pair("Site", "customers", "Customers", "read customer sites and addresses", "write back site references"),
    *_pair("Item", "items", "Items", "read items", "write back the books' item reference"),
    *_pair(
        "Invoice",
        "invoices",
        "Invoices",
        "read invoices and credit notes",
        "mark invoices as posted with the books' number",
    ),
    *_pair("InvoicePayment", "invoices", "Invoices", "read recorded payments", "record payments received in the books"),
    *_pair("Supplier", "suppliers", "Suppliers", "read suppliers", "write back the books' supplier reference"),
    *_pair(
        "PurchaseOrder",
        "pos",
        "Purchase Orders",
        "read purchase orders",
        "write back the books' purchase order reference",
    ),
    # Tax rates are listed under invoicing; creating them is a system setting (admin).
    Operation("Tax", False, "read:invoices", "Read - Invoices", "read tax rates to map them to tax codes"),
    Operation("Tax", True, ADMIN, "Admin", "create tax rates in the initial import from the books"),
    # Reporting sync failures into Halo's integration log is optional and a system area.
    Operation("IntegrationError", False, ADMIN, "Admin", "read Halo's integration error log"),
    Operation("IntegrationError", True, ADMIN, "Admin", "report sync failures in Halo's integration error log"),
)

_BY_KEY: Mapping[tuple[str, bool], Operation] = {(op.resource, op.write): op for op in OPERATIONS}


def how_to_grant(operation: Operation) -> str:
    """The sentence that tells a Halo administrator how to grant ``operation``."""
    text = (
        f"In Halo, tick '{operation.permission}' on {APPLICATION_PERMISSIONS}, and make sure the "
        "agent the application logs in as has it in its role."
    )
    if operation.scope == ADMIN:
        text += (
            " Admin is needed only for the first import of tax rates: untick it afterwards and run "
            "'halo-accounts doctor --no-check-admin'."
        )
    return text


def operation_for(resource: str, *, write: bool) -> Operation:
    """The operation row for a call; ``KeyError`` for a resource the sync never touches."""
    return _BY_KEY[(resource, write)]


# Which operations each flow needs, by direction-independent flow name.
FLOW_OPERATIONS: Mapping[str, tuple[tuple[str, bool], ...]] = {
    "tax_rates": (("Tax", False), ("Tax", True)),
    "customers": (("Client", False), ("Site", False), ("Client", True)),
    "items": (("Item", False), ("Item", True), ("Tax", False)),
    "invoices": (("Invoice", False), ("Invoice", True), ("Tax", False), ("Client", False), ("Item", False)),
    "payments": (("Invoice", False), ("InvoicePayment", False), ("InvoicePayment", True)),
    "suppliers": (("Supplier", False), ("Supplier", True)),
    "purchase_orders": (("PurchaseOrder", False), ("PurchaseOrder", True), ("Supplier", False)),
}


def operations_for_flows(flows: Iterable[str], *, include_admin: bool = True) -> list[Operation]:
    """The distinct operations the named flows need, in table order."""
    wanted = {key for flow in flows for key in FLOW_OPERATIONS.get(flow, ())}
    return [op for op in OPERATIONS if (op.resource, op.write) in wanted and (include_admin or op.scope != ADMIN)]


def scopes_for(operations: Iterable[Operation]) -> list[str]:
    """The least set of scopes covering ``operations`` (``edit:X`` makes ``read:X`` redundant)."""
    scopes = {op.scope for op in operations}
    covered = {f"read:{s.removeprefix('edit:')}" for s in scopes if s.startswith("edit:")}
    return sorted(scopes - covered)
