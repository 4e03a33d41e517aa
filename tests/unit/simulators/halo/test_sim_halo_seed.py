"""The seed generator: reproducible, realistic, and consistent with the simulator's rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from halo_accounts.simulators.halo import seed_tenant


@pytest.fixture
def tenant(make_sim):
    sim = make_sim()
    seed_tenant(sim, seed=7, customers=50, items=30, invoices=200)
    return sim


def test_same_seed_same_tables_other_seed_other_tables(make_sim, tenant):
    again = make_sim()
    seed_tenant(again, seed=7, customers=50, items=30, invoices=200)
    assert again.tables == tenant.tables
    other = make_sim()
    seed_tenant(other, seed=8, customers=50, items=30, invoices=200)
    assert other.tables["Client"] != tenant.tables["Client"]
    assert other.tables["Invoice"] != tenant.tables["Invoice"]


def test_requested_counts(tenant):
    assert len(tenant.tables["Client"]) == 50
    assert len(tenant.tables["Item"]) == 30
    assert len(tenant.tables["Invoice"]) == 200
    assert len(tenant.tables["Supplier"]) >= 3
    assert tenant.tables["PurchaseOrder"]
    assert tenant.tables["InvoicePayment"]


def test_tax_rates_of_four_countries(tenant):
    rates = {tax["name"]: tax["value"] for tax in tenant.tables["Tax"].values()}
    assert rates["Standard Rate VAT 20%"] == 20
    assert rates["Reduced Rate VAT 5%"] == 5
    assert rates["Zero Rated VAT 0%"] == 0
    assert rates["NY State 4%"] == 4
    assert rates["GST 5%"] == 5
    assert rates["HST ON 13%"] == 13
    assert rates["QST 9.975%"] == Decimal("9.975")
    assert rates["GST 10%"] == 10
    assert all(tax.get("code") for tax in tenant.tables["Tax"].values())


def test_even_three_items_cover_every_type(make_sim):
    sim = make_sim()
    seed_tenant(sim, seed=1, customers=4, items=3, invoices=5)
    items = list(sim.tables["Item"].values())
    assert sorted(item["type"] for item in items) == [0, 1, 2]
    for item in items:
        assert item["dont_track_stock"] is (item["type"] != 2)
        assert item["baseprice"] > 0
        assert item["taxcode"] in sim.tables["Tax"]


def test_customers_have_an_invoice_site_with_an_address(tenant):
    sites = tenant.tables["Site"]
    for client in tenant.tables["Client"].values():
        site = sites[client["main_site_id"]]
        assert site["client_id"] == client["id"]
        assert site["isinvoicesite"] is True
        assert site["invoice_address"]["line1"]
        assert site["invoice_address"]["postcode"]
        assert client["main_invoice_address"] == site["invoice_address"]
        assert client["accountsfirstname"]
        assert client["accountslastname"]
        assert "@" in client["accountsemailaddress"]
        assert client["accountsemailaddress"].isascii()
        assert client["main_phonenumber"]
    assert any(client["inactive"] for client in tenant.tables["Client"].values())


def test_names_that_stress_escaping_are_present(tenant):
    names = {client["name"] for client in tenant.tables["Client"].values()}
    assert "O'Brien & Søn" in names
    assert any(not name.isascii() for name in names)
    assert len(names) == 50  # unique


def test_invoices_are_recent_consistent_and_varied(tenant, clock):
    invoices = list(tenant.tables["Invoice"].values())
    today = clock.now.replace(hour=0, minute=0)
    credits = [inv for inv in invoices if inv["total"] < 0]
    assert credits
    assert all(inv["creditlinkedtoinvoiceid"] in tenant.tables["Invoice"] for inv in credits)
    assert {inv["paymentstatus"] for inv in invoices if inv["total"] > 0} == {0, 1, 2}
    assert any(inv["posted"] for inv in invoices)
    for inv in invoices:
        assert today - timedelta(days=120) <= inv["invoice_date"] <= today
        assert 1 <= len(inv["lines"]) <= 5
        assert inv["total"] == sum(line["net_amount"] + line["tax_amount"] for line in inv["lines"])
        assert inv["amountdue"] == inv["total"] - inv["amountpaid"]
        for line in inv["lines"]:
            assert line["_itemid"] in tenant.tables["Item"]
            assert line["item_tax_code"] in tenant.tables["Tax"]
    ids_by_date = [inv["id"] for inv in sorted(invoices, key=lambda inv: (inv["invoice_date"], inv["id"]))]
    assert ids_by_date == sorted(ids_by_date)


def test_purchase_orders_reference_suppliers_and_items(tenant):
    for order in tenant.tables["PurchaseOrder"].values():
        assert order["supplier_id"] in tenant.tables["Supplier"]
        assert order["lines"]
        assert all(line["item_id"] in tenant.tables["Item"] for line in order["lines"])
        assert order["total"] == order["price"] + order["tax_total"]
