"""Invoice maths, credit notes, payments and their reversal, _validateonly, purchase orders."""

from __future__ import annotations

from decimal import Decimal

import pytest

from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.halo.invoices import compute_invoice_line, settle_invoice


@pytest.fixture
def books(api):
    """A client and two tax rates (20% and 9.975%)."""
    api.post("/api/Client", json=[{"name": "Acme"}])
    api.post("/api/Tax", json=[{"name": "Standard 20%", "code": "T1", "value": 20}, {"name": "QST", "value": 9.975}])
    return api


def _exact(response):
    assert response.status_code in (200, 201), response.text
    return response.json(parse_float=Decimal)


def test_line_rounding_is_half_up_to_the_cent():
    line = {"qty_order": Decimal("3"), "unit_price": Decimal("0.125"), "tax_rate": Decimal("20")}
    compute_invoice_line(line, {})
    assert line["net_amount"] == Decimal("0.38")  # 0.375 -> 0.38
    assert line["tax_amount"] == Decimal("0.08")  # 0.076 -> 0.08
    assert line["total_price"] == Decimal("0.46")
    negative = {"qty_order": Decimal("-3"), "unit_price": Decimal("0.125"), "tax_rate": Decimal("20")}
    compute_invoice_line(negative, {})
    assert negative["net_amount"] == Decimal("-0.38")  # half away from zero


def test_totals_from_explicit_rate_tax_code_or_nothing(books):
    invoice = _exact(
        books.post(
            "/api/Invoice",
            json=[
                {
                    "client_id": 1,
                    "lines": [
                        {"qty_order": 2, "unit_price": 19.99, "tax_rate": 5},  # 39.98 + 2.00 (1.999)
                        {"qty_order": 1.5, "unit_price": 85, "item_tax_code": 1},  # 127.50 + 25.50
                        {"qty_order": 3, "unit_price": 33.33, "item_tax_code": 2},  # 99.99 + 9.97 (9.974)
                        {"qty_order": 1, "unit_price": 10},  # no tax
                        {"qty_order": 1, "unit_price": 10, "item_tax_code": 99},  # unknown code: no tax
                    ],
                }
            ],
        )
    )
    nets = [line["net_amount"] for line in invoice["lines"]]
    taxes = [line["tax_amount"] for line in invoice["lines"]]
    assert nets == [Decimal("39.98"), Decimal("127.5"), Decimal("99.99"), 10, 10]
    assert taxes == [2, Decimal("25.5"), Decimal("9.97"), 0, 0]
    assert [line["tax_rate"] for line in invoice["lines"]] == [5, 20, Decimal("9.975"), 0, 0]
    assert invoice["lines"][1]["tax_name"] == "Standard 20%"
    assert invoice["tax_total"] == Decimal("37.47")
    assert invoice["total"] == Decimal("324.94")
    assert invoice["amountdue"] == invoice["total"]
    assert invoice["paymentstatus"] == 0
    assert invoice["client_name"] == "Acme"
    assert invoice["invoicenumber"] == "1"
    assert all(line["ihid"] == 1 for line in invoice["lines"])


def test_computed_fields_are_read_only(books):
    invoice = _exact(
        books.post(
            "/api/Invoice",
            json=[
                {
                    "client_id": 1,
                    "total": 1,
                    "tax_total": 1,
                    "amountpaid": 50,
                    "paymentstatus": 2,
                    "lines": [{"qty_order": 1, "unit_price": 100, "tax_rate": 20, "net_amount": 5}],
                }
            ],
        )
    )
    assert invoice["total"] == 120
    assert invoice["lines"][0]["net_amount"] == 100
    assert invoice["amountpaid"] == 0
    assert invoice["paymentstatus"] == 0


def test_supplied_lines_replace_and_missing_lines_stay(books, sim):
    first = _exact(
        books.post("/api/Invoice", json=[{"client_id": 1, "lines": [{"qty_order": 1, "unit_price": 10}] * 2}])
    )
    kept_id = first["lines"][0]["id"]
    unchanged = _exact(books.post("/api/Invoice", json=[{"id": 1, "reference": "PO 77"}]))
    assert unchanged["lines"] == first["lines"]
    replaced = _exact(
        books.post(
            "/api/Invoice",
            json=[
                {
                    "id": 1,
                    "lines": [{"id": kept_id, "qty_order": 3, "unit_price": 10}, {"qty_order": 1, "unit_price": 1}],
                }
            ],
        )
    )
    assert [line["id"] for line in replaced["lines"]] == [kept_id, 3]
    assert replaced["total"] == 31
    assert len(sim.tables["Invoice"][1]["lines"]) == 2


def test_credit_note_has_negative_totals(books):
    books.post("/api/Invoice", json=[{"client_id": 1, "lines": [{"qty_order": 2, "unit_price": 50, "tax_rate": 20}]}])
    credit = _exact(
        books.post(
            "/api/Invoice",
            json=[
                {
                    "client_id": 1,
                    "creditlinkedtoinvoiceid": 1,
                    "lines": [{"qty_order": -1, "unit_price": 50, "tax_rate": 20}],
                }
            ],
        )
    )
    assert credit["total"] == -60
    assert credit["tax_total"] == -10
    assert credit["creditlinkedtoinvoiceid"] == 1


def test_payments_move_an_invoice_from_unpaid_to_paid_and_back(books, clock):
    books.post("/api/Invoice", json=[{"client_id": 1, "lines": [{"qty_order": 1, "unit_price": 100, "tax_rate": 20}]}])
    part = _exact(
        books.post(
            "/api/InvoicePayment",
            json=[{"invoice_id": 1, "amount": 50.5, "date": "2024-09-03", "sage50_reference": "SR-1", "method": 1}],
        )
    )
    assert part["client_id"] == 1
    assert part["client_name"] == "Acme"
    assert part["invoice_invoicenumber"] == "1"
    invoice = _exact(books.get("/api/Invoice/1"))
    assert (invoice["amountpaid"], invoice["amountdue"], invoice["paymentstatus"]) == (
        Decimal("50.5"),
        Decimal("69.5"),
        1,
    )
    assert invoice["datepaid"] is None
    rest = _exact(
        books.post("/api/InvoicePayment", json=[{"invoice_id": 1, "amount": 69.5, "date": "2024-09-05T10:00:00"}])
    )
    invoice = _exact(books.get("/api/Invoice/1"))
    assert (invoice["amountpaid"], invoice["amountdue"], invoice["paymentstatus"]) == (120, 0, 2)
    assert invoice["datepaid"] == "2024-09-05T10:00:00"
    assert [p["id"] for p in invoice["payments"]] == [part["id"], rest["id"]]
    assert books.delete(f"/api/InvoicePayment/{rest['id']}").status_code == 200
    invoice = _exact(books.get("/api/Invoice/1"))
    assert (invoice["amountpaid"], invoice["amountdue"], invoice["paymentstatus"]) == (
        Decimal("50.5"),
        Decimal("69.5"),
        1,
    )
    assert invoice["datepaid"] is None


def test_payment_moved_to_another_invoice_resettles_both(books):
    books.post(
        "/api/Invoice",
        json=[{"client_id": 1, "lines": [{"unit_price": 10}]}, {"client_id": 1, "lines": [{"unit_price": 10}]}],
    )
    books.post("/api/InvoicePayment", json=[{"invoice_id": 1, "amount": 10}])
    books.post("/api/InvoicePayment", json=[{"id": 1, "invoice_id": 2}])
    assert books.get("/api/Invoice/1").json()["paymentstatus"] == 0
    assert books.get("/api/Invoice/2").json()["paymentstatus"] == 2


def _index_matches_table(sim):
    grouped = {}
    for payment in sim.tables["InvoicePayment"].values():
        grouped.setdefault(payment["invoice_id"], {})[payment["id"]] = payment
    return sim.state.payments_by_invoice == grouped


def test_payment_index_follows_creates_moves_deletes_and_reset(books, sim, auth):
    invoice = {"client_id": 1, "lines": [{"unit_price": 10}]}
    books.post("/api/Invoice", json=[invoice, invoice, invoice])
    books.post("/api/InvoicePayment", json=[{"invoice_id": 1, "amount": 4}, {"invoice_id": 1, "amount": 6}])
    books.post("/api/InvoicePayment", json=[{"invoice_id": 2, "amount": 10}, {"invoice_id": 3, "amount": 1}])
    books.post("/api/InvoicePayment", json=[{"id": 2, "invoice_id": 3}, {"id": 3, "amount": 5}])
    assert _index_matches_table(sim)
    assert [p["id"] for p in books.get("/api/Invoice/3").json()["payments"]] == [2, 4]
    assert books.delete("/api/InvoicePayment/4").status_code == 200
    assert books.delete("/api/Invoice/1").status_code == 200
    assert _index_matches_table(sim)
    assert set(sim.tables["InvoicePayment"]) == {2, 3}
    sim.reset()
    assert sim.state.payments_by_invoice == {}
    # ids start again at 1 after a reset: new invoices must not inherit the old payments
    books.headers.update(auth())  # the reset revoked the old token
    books.post("/api/Client", json=[{"name": "Acme"}])
    fresh = books.post("/api/Invoice", json=[invoice, invoice, invoice]).json()
    assert [(row["id"], row["amountpaid"], row["paymentstatus"]) for row in fresh] == [(1, 0, 0), (2, 0, 0), (3, 0, 0)]
    assert books.get("/api/Invoice/3").json()["payments"] == []


def test_payments_edited_in_the_tables_by_hand_are_seen(books, sim):
    books.post("/api/Invoice", json=[{"client_id": 1, "lines": [{"unit_price": 10}]}])
    books.post("/api/InvoicePayment", json=[{"invoice_id": 1, "amount": 4}])
    payments = sim.tables["InvoicePayment"]
    payments[7] = {**payments[1], "id": 7, "amount": Decimal(6)}
    assert [p["id"] for p in books.get("/api/Invoice/1").json()["payments"]] == [1, 7]
    payments[1] = {**payments[1], "invoice_id": 99}
    assert [p["id"] for p in books.get("/api/Invoice/1").json()["payments"]] == [7]
    del payments[7]
    assert books.get("/api/Invoice/1").json()["payments"] == []


def test_payment_index_after_seeding(sim):
    seed_tenant(sim, seed=2, customers=20, items=10, invoices=80)
    assert sim.tables["InvoicePayment"]
    assert _index_matches_table(sim)


def test_settle_rules():
    invoice = {"total": Decimal("10")}
    settle_invoice(invoice, [])
    assert invoice["paymentstatus"] == 0
    settle_invoice(invoice, [{"amount": Decimal("12")}])  # overpaid is paid
    assert (invoice["paymentstatus"], invoice["amountdue"]) == (2, Decimal("-2"))


@pytest.mark.parametrize("path", ["/api/Invoice", "/api/PurchaseOrder"])
def test_validate_only_computes_and_stores_nothing(books, sim, path):
    books.post("/api/Supplier", json=[{"name": "Ingram"}])
    obj = (
        {"client_id": 1, "lines": [{"qty_order": 2, "unit_price": 10, "tax_rate": 20}]}
        if path == "/api/Invoice"
        else {"supplier_id": 1, "lines": [{"name": "Cable", "baseprice": 2, "net_total": 24, "total_tax": 4.8}]}
    )
    before = {entity: dict(rows) for entity, rows in sim.tables.items()}
    answer = _exact(books.post(path, json=[{**obj, "_validateonly": True}]))
    assert answer["total"] == (Decimal("24") if path == "/api/Invoice" else Decimal("28.8"))
    assert answer["id"] == 0
    assert {entity: dict(rows) for entity, rows in sim.tables.items()} == before
    stored = _exact(books.post(path, json=[obj]))
    assert stored["id"] == 1
    assert stored["lines"][0]["id"] == 1  # validation spent no line ids either


def test_validate_only_update_leaves_the_record(books, sim):
    books.post("/api/Invoice", json=[{"client_id": 1, "lines": [{"unit_price": 10}]}])
    answer = _exact(books.post("/api/Invoice", json=[{"id": 1, "_validateonly": True, "lines": [{"unit_price": 99}]}]))
    assert answer["total"] == 99
    assert sim.tables["Invoice"][1]["total"] == 10


def test_purchase_order_totals(books):
    books.post("/api/Supplier", json=[{"name": "Ingram"}])
    order = _exact(
        books.post(
            "/api/PurchaseOrder",
            json=[
                {
                    "supplier_id": 1,
                    "lines": [
                        {"name": "Laptop", "item_id": 4, "baseprice": 780, "net_total": 1560, "total_tax": 312},
                        {"name": "Cable", "baseprice": 0.9},
                    ],
                }
            ],
        )
    )
    assert order["supplier_name"] == "Ingram"
    assert order["po_ref"] == "PO00001"
    assert [line["total_price"] for line in order["lines"]] == [1872, Decimal("0.9")]
    assert (order["price"], order["tax_total"], order["total"]) == (Decimal("1560.9"), 312, Decimal("1872.9"))


def test_null_lines_on_update_leave_the_lines_alone(books):
    books.post("/api/Invoice", json=[{"client_id": 1, "lines": [{"unit_price": 10}]}])
    kept = _exact(books.post("/api/Invoice", json=[{"id": 1, "lines": None, "reference": "x"}]))
    assert len(kept["lines"]) == 1
    assert kept["total"] == 10
    cleared = _exact(books.post("/api/Invoice", json=[{"id": 1, "lines": []}]))
    assert cleared["lines"] == []
    assert cleared["total"] == 0
