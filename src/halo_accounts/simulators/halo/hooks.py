"""Per-entity behaviour when a record is saved: references, defaults and computed fields.

Each ``check_*`` runs while a POST array is being validated and may refuse it (400); each
``finish_*`` runs while it is applied, and must not fail, so a POST is all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from halo_accounts.simulators.halo.invoices import (
    compute_invoice,
    compute_purchase_order,
    settle_invoice,
)
from halo_accounts.simulators.halo.state import Record, SimState
from halo_accounts.simulators.halo.wire import ApiError

__all__ = ["CHECKS", "FINISHERS", "assign_line_ids", "resettle"]


def _row(state: SimState, entity: str, key: object) -> Record | None:
    return state.tables[entity].get(key) if isinstance(key, int) else None


def _require(state: SimState, entity: str, value: Any, what: str) -> None:
    if value is None or value not in state.tables[entity]:
        msg = f"{what} {value} does not exist"
        raise ApiError(400, msg)


def _check_site(state: SimState, fields: Mapping[str, Any]) -> None:
    if "client_id" in fields:
        _require(state, "Client", fields["client_id"], "Client")


def _check_invoice(state: SimState, fields: Mapping[str, Any]) -> None:
    if "client_id" in fields:
        _require(state, "Client", fields["client_id"], "Client")


def _check_payment(state: SimState, fields: Mapping[str, Any]) -> None:
    if "invoice_id" in fields:
        _require(state, "Invoice", fields["invoice_id"], "Invoice")


def _check_order(state: SimState, fields: Mapping[str, Any]) -> None:
    if "supplier_id" in fields:
        _require(state, "Supplier", fields["supplier_id"], "Supplier")


CHECKS: dict[str, Callable[[SimState, Mapping[str, Any]], None]] = {
    "Site": _check_site,
    "Invoice": _check_invoice,
    "InvoicePayment": _check_payment,
    "PurchaseOrder": _check_order,
}


def assign_line_ids(state: SimState, table: str, lines: list[Record], previous: list[Record], *, store: bool) -> None:
    """Keep the ids of lines that already belonged to the record; number the others."""
    known = {line.get("id") for line in previous}
    for line in lines:
        line_id = line.get("id")
        if isinstance(line_id, int) and line_id > 0 and line_id in known:
            continue
        line["id"] = state.next_id(table) if store else 0


def resettle(state: SimState, invoice_id: int | None) -> None:
    """Recompute an invoice's paid/due state from its payments."""
    invoice = state.tables["Invoice"].get(invoice_id) if invoice_id is not None else None
    if invoice is None:
        return
    settle_invoice(invoice, state.payments_of(invoice_id))


def _finish_client(state: SimState, record: Record, previous: Record | None, store: bool) -> None:
    site = _row(state, "Site", record.get("main_site_id"))
    record["main_site_name"] = site["name"] if site else None
    if previous is not None and store and previous.get("name") != record.get("name"):
        for entity in ("Site", "Invoice", "InvoicePayment"):
            for row in state.tables[entity].values():
                if row.get("client_id") == record["id"]:
                    row["client_name"] = record.get("name")


def _finish_site(state: SimState, record: Record, previous: Record | None, store: bool) -> None:
    client = state.tables["Client"].get(record["client_id"])
    record["client_name"] = client.get("name") if client else None


def _finish_item(state: SimState, record: Record, previous: Record | None, store: bool) -> None:
    tax = _row(state, "Tax", record.get("taxcode"))
    record["taxcode_name"] = tax.get("name") if tax else None


def _finish_invoice(state: SimState, record: Record, previous: Record | None, store: bool) -> None:
    # The client may have been deleted since the invoice was raised; Halo keeps the invoice.
    client = state.tables["Client"].get(record["client_id"]) or {"name": record.get("client_name")}
    record["client_name"] = client.get("name")
    if record.get("sitenumber") is None:
        record["sitenumber"] = client.get("main_site_id")
    site = _row(state, "Site", record.get("sitenumber"))
    record["site_name"] = site.get("name") if site else None
    if record.get("invoice_date") is None:
        record["invoice_date"] = state.now().replace(hour=0, minute=0, second=0, microsecond=0)
    if record.get("paymentterms") is None:
        record["paymentterms"] = client.get("paymentterms") or 30
    if record.get("duedate") is None:
        record["duedate"] = record["invoice_date"] + timedelta(days=record["paymentterms"])
    if not record.get("invoicenumber") and record.get("id"):
        record["invoicenumber"] = str(record["id"])
    lines: list[Record] = record.setdefault("lines", [])
    assign_line_ids(state, "InvoiceDetail", lines, previous.get("lines", []) if previous else [], store=store)
    for line in lines:
        line["ihid"] = record.get("id", 0)
    compute_invoice(record, state.tables["Tax"])
    settle_invoice(record, state.payments_of(record.get("id")))


def _finish_payment(state: SimState, record: Record, previous: Record | None, store: bool) -> None:
    invoice = state.tables["Invoice"][record["invoice_id"]]
    if record.get("client_id") is None:
        record["client_id"] = invoice.get("client_id")
    client = state.tables["Client"].get(record["client_id"])
    record["client_name"] = client.get("name") if client else None
    record["invoice_invoicenumber"] = invoice.get("invoicenumber")
    if record.get("date") is None:
        record["date"] = state.now()


def _finish_supplier(state: SimState, record: Record, previous: Record | None, store: bool) -> None:
    if previous is not None and store and previous.get("name") != record.get("name"):
        for row in state.tables["PurchaseOrder"].values():
            if row.get("supplier_id") == record["id"]:
                row["supplier_name"] = record.get("name")


def _finish_order(state: SimState, record: Record, previous: Record | None, store: bool) -> None:
    supplier = state.tables["Supplier"][record["supplier_id"]]
    record["supplier_name"] = supplier.get("name")
    if record.get("date") is None:
        record["date"] = state.now()
    if not record.get("po_ref") and record.get("id"):
        record["po_ref"] = f"PO{record['id']:05d}"
    lines: list[Record] = record.setdefault("lines", [])
    assign_line_ids(
        state,
        "SupplierOrderDetail",
        lines,
        previous.get("lines", []) if previous else [],
        store=store,
    )
    for line in lines:
        line["purchaseorder_id"] = record.get("id", 0)
    compute_purchase_order(record)


def _finish_error(state: SimState, record: Record, previous: Record | None, store: bool) -> None:
    if record.get("date") is None:
        record["date"] = state.now()


FINISHERS: dict[str, Callable[[SimState, Record, Record | None, bool], None]] = {
    "Client": _finish_client,
    "Site": _finish_site,
    "Item": _finish_item,
    "Invoice": _finish_invoice,
    "InvoicePayment": _finish_payment,
    "Supplier": _finish_supplier,
    "PurchaseOrder": _finish_order,
    "IntegrationError": _finish_error,
}
