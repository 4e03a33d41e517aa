"""GET lists and single records: envelopes, paging, filters, routing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from halo_accounts.simulators.halo import seed_tenant


@pytest.fixture
def seeded(sim, api):
    seed_tenant(sim, seed=3, customers=25, items=12, invoices=60)
    return api


def _ids(response, key):
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()[key]]


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/api/Client", "clients"),
        ("/api/Site", "sites"),
        ("/api/Item", "items"),
        ("/api/Invoice", "invoices"),
        ("/api/InvoicePayment", "invoicepayments"),
        ("/api/Supplier", "suppliers"),
        ("/api/PurchaseOrder", "purchaseorders"),
        ("/api/IntegrationError", "integrationerrors"),
    ],
)
def test_envelope_keys(seeded, path, key):
    response = seeded.get(path, params={"pageinate": "true", "page_size": "3", "page_no": "1"})
    payload = response.json()
    assert set(payload) == {"page_no", "page_size", "record_count", key}
    assert payload["page_no"] == 1
    assert payload["page_size"] == 3
    assert len(payload[key]) == min(3, payload["record_count"])


def test_tax_is_a_bare_array_and_ignores_paging(seeded, sim):
    response = seeded.get("/api/Tax", params={"pageinate": "true", "page_size": "2"})
    assert isinstance(response.json(), list)
    assert len(response.json()) == len(sim.tables["Tax"]) > 2


def test_without_paging_everything_comes_back_without_page_fields(seeded, sim):
    payload = seeded.get("/api/Invoice").json()
    assert "page_no" not in payload
    assert payload["record_count"] == len(payload["invoices"])
    assert payload["record_count"] > 0


def test_pages_cover_every_record_once_in_id_order(seeded):
    first = seeded.get("/api/Client", params={"pageinate": "true", "page_size": "7"}).json()
    total = first["record_count"]
    seen = []
    page_no = 1
    while (page_no - 1) * 7 < total:
        seen += _ids(
            seeded.get("/api/Client", params={"pageinate": "true", "page_size": "7", "page_no": str(page_no)}),
            "clients",
        )
        page_no += 1
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == total
    beyond = seeded.get("/api/Client", params={"pageinate": "true", "page_size": "7", "page_no": str(page_no)})
    assert beyond.json()["clients"] == []
    assert beyond.json()["record_count"] == total


def test_rows_put_in_the_tables_by_hand_still_list_in_id_order(api, sim):
    api.post("/api/Item", json=[{"name": "Widget"}, {"name": "Gadget"}, {"name": "Gizmo"}])
    items = sim.tables["Item"]
    items[1] = items.pop(1)  # now stored after 2 and 3
    assert _ids(api.get("/api/Item"), "items") == [1, 2, 3]
    assert _ids(api.get("/api/Item", params={"pageinate": "true", "page_size": "2"}), "items") == [1, 2]


def test_count_caps_results_but_not_record_count(seeded):
    payload = seeded.get("/api/Item", params={"count": "4"}).json()
    assert len(payload["items"]) == 4
    assert payload["record_count"] > 4


@pytest.mark.parametrize(
    "params", [{"pageinate": "maybe"}, {"pageinate": "true", "page_size": "x"}, {"pageinate": "true", "page_no": "0"}]
)
def test_bad_values_of_known_parameters_are_400(seeded, params):
    assert seeded.get("/api/Client", params=params).status_code == 400


def test_unknown_parameters_are_ignored(seeded):
    plain = seeded.get("/api/Client").json()
    assert seeded.get("/api/Client", params={"frobnicate": "yes"}).json() == plain


def test_order_by_a_field_either_way_with_id_breaking_ties_and_missing_values_last(api, clock):
    api.post("/api/Client", json=[{"name": "B"}, {"name": "A"}, {"name": "B"}])
    clock.advance(60)
    api.post("/api/Client", json=[{"id": 1, "notes": "touched"}])

    def ids(**params):
        return _ids(api.get("/api/Client", params=params), "clients")

    assert ids(order="name") == [2, 1, 3]
    assert ids(order="name", orderdesc="true") == [1, 3, 2]
    assert ids(order="alastupdate", orderdesc="true") == [1, 2, 3]
    assert ids(order="no_such_field") == [1, 2, 3]
    paged = ids(order="name", orderdesc="true", pageinate="true", page_size="2", page_no="2")
    assert paged == [2]


def test_search_is_a_case_insensitive_substring(api):
    api.post("/api/Client", json=[{"name": "O'Brien & Søn"}, {"name": "Northwind Dental Ltd"}])
    names = [row["name"] for row in api.get("/api/Client", params={"search": "o'BRIEN"}).json()["clients"]]
    assert names == ["O'Brien & Søn"]
    assert api.get("/api/Client", params={"search": "søn"}).json()["record_count"] == 1


def test_inactive_records_are_hidden_unless_asked(api):
    api.post("/api/Client", json=[{"name": "Live"}, {"name": "Gone", "inactive": True}])
    api.post("/api/Supplier", json=[{"name": "Old supplier", "inactive": True}])
    api.post("/api/Item", json=[{"name": "Retired", "status": 1}, {"name": "Current"}])
    for path, key, hidden in (
        ("/api/Client", "clients", "Gone"),
        ("/api/Supplier", "suppliers", "Old supplier"),
        ("/api/Item", "items", "Retired"),
    ):
        default = [row["name"] for row in api.get(path).json()[key]]
        everything = [row["name"] for row in api.get(path, params={"includeinactive": "true"}).json()[key]]
        assert hidden not in default
        assert hidden in everything


def test_id_filters(seeded, sim):
    client_id = next(iter(sim.tables["Invoice"].values()))["client_id"]
    sites = seeded.get("/api/Site", params={"client_id": str(client_id)}).json()["sites"]
    assert sites
    assert all(site["client_id"] == client_id for site in sites)
    invoices = seeded.get("/api/Invoice", params={"client_id": str(client_id)}).json()["invoices"]
    assert invoices
    assert all(row["client_id"] == client_id for row in invoices)
    payment = next(iter(sim.tables["InvoicePayment"].values()))
    rows = seeded.get("/api/InvoicePayment", params={"invoice_id": str(payment["invoice_id"])}).json()
    assert rows["invoicepayments"]
    assert all(row["invoice_id"] == payment["invoice_id"] for row in rows["invoicepayments"])
    order = next(iter(sim.tables["PurchaseOrder"].values()))
    rows = seeded.get("/api/PurchaseOrder", params={"supplier_id": str(order["supplier_id"])}).json()
    assert rows["purchaseorders"]
    assert all(row["supplier_id"] == order["supplier_id"] for row in rows["purchaseorders"])


def test_last_update_window_is_inclusive(api, clock):
    api.post("/api/Client", json=[{"name": "A"}])  # 12:00:00
    clock.advance(60)
    api.post("/api/Client", json=[{"name": "B"}])  # 12:01:00
    clock.advance(60)
    api.post("/api/Client", json=[{"name": "C"}])  # 12:02:00
    clock.advance(60)
    api.post("/api/Client", json=[{"id": 1, "notes": "touched"}])  # A updated at 12:03:00

    def names(**params):
        return [row["name"] for row in api.get("/api/Client", params=params).json()["clients"]]

    assert api.get("/api/Client/2").json()["alastupdate"] == "2024-09-02T12:01:00"
    assert names(lastupdatefromdate="2024-09-02T12:01:00") == ["A", "B", "C"]
    assert names(lastupdatefromdate="2024-09-02T12:01:00", lastupdatetodate="2024-09-02T12:02:00Z") == ["B", "C"]
    assert names(lastupdatetodate="2024-09-02T12:00:59") == []
    assert names(lastupdatefromdate="2024-09-02T12:02:30+00:00") == ["A"]
    sites = api.get("/api/Site", params={"lastupdatefromdate": "2024-09-02T12:02:00"}).json()["sites"]
    assert [site["client_name"] for site in sites] == ["C"]


@pytest.fixture
def invoices(api):
    api.post("/api/Client", json=[{"name": "Acme"}])
    line = {"qty_order": 1, "unit_price": 100}
    api.post(
        "/api/Invoice",
        json=[
            {"client_id": 1, "invoice_date": "2024-08-01", "lines": [line]},
            {"client_id": 1, "invoice_date": "2024-08-15", "lines": [line], "posted": True},
            {"client_id": 1, "invoice_date": "2024-08-31", "lines": [line]},
            {"client_id": 1, "invoice_date": "2024-09-01", "lines": [{**line, "qty_order": -1}]},  # credit
        ],
    )
    api.post("/api/InvoicePayment", json=[{"invoice_id": 1, "amount": 100}, {"invoice_id": 3, "amount": 40}])
    return api


def _invoice_ids(api, **params):
    return _ids(api.get("/api/Invoice", params=params), "invoices")


def test_credits_only_when_asked(invoices):
    assert _invoice_ids(invoices) == [1, 2, 3]
    assert _invoice_ids(invoices, includecredits="true") == [1, 2, 3, 4]
    assert _invoice_ids(invoices, includecredits="true", includeinvoices="false") == [4]
    assert _invoice_ids(invoices, includeinvoices="false") == []


def test_invoice_filters(invoices):
    assert _invoice_ids(invoices, invoicedatestart="2024-08-15", invoicedateend="2024-08-31") == [2, 3]
    assert _invoice_ids(invoices, postedonly="true") == [2]
    assert _invoice_ids(invoices, notpostedonly="true") == [1, 3]
    assert _invoice_ids(invoices, paymentstatuses="0,1") == [2, 3]
    assert _invoice_ids(invoices, paymentstatuses="2") == [1]
    assert _invoice_ids(invoices, search="3") == [3]


def test_lines_in_lists_only_with_includelines(invoices):
    plain = invoices.get("/api/Invoice").json()["invoices"]
    assert all("lines" not in row for row in plain)
    full = invoices.get("/api/Invoice", params={"includelines": "true"}).json()["invoices"]
    assert all(len(row["lines"]) == 1 for row in full)
    single = invoices.get("/api/Invoice/1").json()
    assert single["lines"][0]["net_amount"] == 100
    assert [p["amount"] for p in single["payments"]] == [100]


def test_single_get_paths_are_case_insensitive_and_404s_say_so(invoices):
    assert invoices.get("/API/CLIENT/1").json()["name"] == "Acme"
    assert invoices.get("/api/client/1/").status_code == 200
    missing = invoices.get("/api/Client/99")
    assert missing.status_code == 404
    assert "Message" in missing.json()
    assert invoices.get("/api/Client/abc").status_code == 404
    assert invoices.get("/api/Ticket").status_code == 404
    assert invoices.put("/api/Client", json=[]).status_code == 405


def test_money_is_exact_on_the_wire(invoices):
    total = invoices.get("/api/Invoice/3").json(parse_float=Decimal)["amountdue"]
    assert total == Decimal("60")
