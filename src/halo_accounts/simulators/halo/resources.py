"""The rules per Halo entity: path, list key, permissions, required and computed fields.

This table is the simulator's own reading of Halo (research §1.4, §2, §3); the API client
keeps a separate table, and tests cross-check the two, so a mistake in one shows up as a
disagreement instead of being shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from halo_accounts.simulators.halo import schemas
from halo_accounts.simulators.halo.fields import FieldTable
from halo_accounts.simulators.halo.permissions import ADMIN

__all__ = ["ENTITIES", "RESOURCES", "Resource", "resource_for_path"]


@dataclass(frozen=True)
class Resource:
    """How one Halo entity behaves over REST."""

    entity: str
    list_key: str | None  # None: the list is a bare JSON array
    fields: FieldTable
    read_permission: str
    write_permission: str
    required: tuple[str, ...] = ()
    readonly: frozenset[str] = frozenset()
    line_fields: FieldTable | None = None
    line_readonly: frozenset[str] = frozenset()
    search_fields: tuple[str, ...] = ()
    inactive_field: str | None = None
    touch_field: str | None = None
    created_field: str | None = None
    validate_only: bool = False
    paged: bool = True
    defaults: Mapping[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The lowercase path segment under ``/api/`` (routing is case-insensitive)."""
        return self.entity.lower()

    def is_inactive(self, record: Mapping[str, Any]) -> bool:
        """Whether a record is hidden from lists unless ``includeinactive=true``."""
        if self.inactive_field is None:
            return False
        if self.inactive_field == "status":
            return record.get("status") not in (None, 0)
        return bool(record.get(self.inactive_field))


def _scoped(area: str) -> tuple[str, str]:
    return f"read:{area}", f"edit:{area}"


_CUSTOMERS = _scoped("customers")

_ALL: tuple[Resource, ...] = (
    Resource(
        entity="Client",
        list_key="clients",
        fields=schemas.CLIENT,
        read_permission=_CUSTOMERS[0],
        write_permission=_CUSTOMERS[1],
        required=("name",),
        readonly=frozenset({"alastupdate", "datecreated", "main_site_name"}),
        search_fields=("name",),
        inactive_field="inactive",
        touch_field="alastupdate",
        created_field="datecreated",
        defaults={"inactive": False, "accountsid": None, "paymentterms": 30},
    ),
    Resource(
        entity="Site",
        list_key="sites",
        fields=schemas.SITE,
        read_permission=_CUSTOMERS[0],
        write_permission=_CUSTOMERS[1],
        required=("name", "client_id"),
        readonly=frozenset({"client_name", "slastupdate", "datecreated"}),
        search_fields=("name",),
        inactive_field="inactive",
        touch_field="slastupdate",
        created_field="datecreated",
        defaults={"inactive": False, "accountsid": None, "isinvoicesite": False},
    ),
    Resource(
        entity="Item",
        list_key="items",
        fields=schemas.ITEM,
        read_permission="read:items",
        write_permission="edit:items",
        required=("name",),
        readonly=frozenset({"lastmodified", "datecreated", "taxcode_name"}),
        search_fields=("name",),
        inactive_field="status",
        touch_field="lastmodified",
        created_field="datecreated",
        defaults={"type": 0, "status": 0, "accountsid": None, "dont_track_stock": True},
    ),
    Resource(
        entity="Tax",
        list_key=None,
        fields=schemas.TAX,
        read_permission="read:invoices",
        write_permission=ADMIN,
        required=("name",),
        paged=False,
        defaults={"code": None, "value": 0, "third_party_id": None},
    ),
    Resource(
        entity="Invoice",
        list_key="invoices",
        fields=schemas.INVOICE_HEADER,
        read_permission="read:invoices",
        write_permission="edit:invoices",
        required=("client_id",),
        readonly=frozenset(
            {
                "client_name",
                "site_name",
                "total",
                "tax_total",
                "amountpaid",
                "amountdue",
                "paymentstatus",
                "datepaid",
                "payments",
                "date_created",
                "last_modified",
            }
        ),
        line_fields=schemas.INVOICE_DETAIL,
        line_readonly=frozenset({"ihid", "net_amount", "tax_amount", "total_price"}),
        search_fields=("invoicenumber",),
        touch_field="last_modified",
        created_field="date_created",
        validate_only=True,
        defaults={
            "posted": False,
            "dateposted": None,
            "voided": False,
            "requires_approval": False,
            "accountsid": None,
            "thirdpartyinvoicenumber": None,
            "last_synced": None,
            "creditlinkedtoinvoiceid": None,
        },
    ),
    Resource(
        entity="InvoicePayment",
        list_key="invoicepayments",
        fields=schemas.INVOICE_PAYMENT,
        read_permission="read:invoices",
        write_permission="edit:invoices",
        required=("invoice_id", "amount"),
        readonly=frozenset({"client_name", "invoice_invoicenumber"}),
        search_fields=("thirdpartyid", "sage50_reference", "invoice_invoicenumber"),
        defaults={"method": None, "thirdpartyid": None, "sage50_reference": None},
    ),
    Resource(
        entity="Supplier",
        list_key="suppliers",
        fields=schemas.COMPANY,
        read_permission="read:suppliers",
        write_permission="edit:suppliers",
        required=("name",),
        readonly=frozenset({"datecreated", "last_modified"}),
        search_fields=("name",),
        inactive_field="inactive",
        touch_field="last_modified",
        created_field="datecreated",
        defaults={"inactive": False, "accounts_id": None},
    ),
    Resource(
        entity="PurchaseOrder",
        list_key="purchaseorders",
        fields=schemas.SUPPLIER_ORDER_HEADER,
        read_permission="read:pos",
        write_permission="edit:pos",
        required=("supplier_id",),
        readonly=frozenset({"supplier_name", "price", "tax_total", "total"}),
        line_fields=schemas.SUPPLIER_ORDER_DETAIL,
        line_readonly=frozenset({"purchaseorder_id", "total_price"}),
        search_fields=("po_ref",),
        validate_only=True,
        defaults={"status": 0, "accounts_ref": None, "last_synced": None},
    ),
    Resource(
        entity="IntegrationError",
        list_key="integrationerrors",
        fields=schemas.INTEGRATION_ERROR,
        read_permission=ADMIN,
        write_permission=ADMIN,
    ),
)

RESOURCES: dict[str, Resource] = {resource.entity: resource for resource in _ALL}
ENTITIES: tuple[str, ...] = tuple(RESOURCES)
_BY_PATH: dict[str, Resource] = {resource.path: resource for resource in _ALL}


def resource_for_path(segment: str) -> Resource | None:
    """Find the entity for a path segment, ignoring case as Halo's routing does."""
    return _BY_PATH.get(segment.lower())
