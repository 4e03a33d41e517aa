"""The Halo client against the Halo simulator over real loopback HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import SecretStr

from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import (
    CLIENT,
    INVOICE,
    INVOICE_PAYMENT,
    ITEM,
    SUPPLIER,
    TAX,
    ClientRecord,
    InvoiceLineRecord,
    InvoicePaymentRecord,
    InvoiceRecord,
    ItemRecord,
    TaxRecord,
)
from halo_accounts.errors import (
    ConfigError,
    NotFoundError,
    PermissionMissingError,
    RecordError,
    TransientError,
)

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

ALL_SCOPES = ["edit:customers", "edit:items", "edit:invoices", "edit:suppliers", "edit:pos", "admin"]


def make_client(url, *, scopes=ALL_SCOPES, secret=CLIENT_SECRET, page_size=100, batch_size=100, **kwargs):
    sleeps: list[float] = []
    auth = ClientCredentialsAuth(
        base_url=url, client_id=CLIENT_ID, client_secret=SecretStr(secret), scopes=scopes, tenant=TENANT
    )
    client = HaloClient(
        base_url=url,
        auth=auth,
        page_size=page_size,
        batch_size=batch_size,
        sleep=sleeps.append,
        rate_limit=kwargs.pop("rate_limit", None),
        **kwargs,
    )
    client.sleeps = sleeps  # type: ignore[attr-defined]
    return client


def add_clients(sim, n):
    with make_client(sim_url(sim)) as client:
        client.save(CLIENT, [ClientRecord(name=f"Customer {i:04d}") for i in range(n)])


def sim_url(sim):
    return sim._test_url  # set by the fixture below


@pytest.fixture
def url(halo_url, halo_sim):
    halo_sim._test_url = halo_url
    return halo_url


def api_requests(sim, method=None, entity=None):
    return [
        r
        for r in sim.requests
        if r.path.lower().startswith("/api/")
        and r.path.lower() != "/api/authinfo"
        and (method is None or r.method == method)
        and (entity is None or r.path.lower().rstrip("/").split("/")[2] == entity.lower())
    ]


def test_paging_reads_every_record_in_the_minimum_number_of_requests(url, halo_sim):
    add_clients(halo_sim, 250)
    halo_sim.requests.clear()
    with make_client(url, page_size=100) as client:
        names = [c.name for c in client.iterate(CLIENT)]
        assert names == [f"Customer {i:04d}" for i in range(250)]
        # authinfo + token + ceil(250 / 100) pages
        assert client.request_count == 2 + 3
    pages = api_requests(halo_sim, "GET", "Client")
    assert [r.query["page_no"] for r in pages] == ["1", "2", "3"]
    assert all(r.query["pageinate"] == "true" and r.query["page_size"] == "100" for r in pages)


def test_an_exact_multiple_of_the_page_size_needs_no_extra_request(url, halo_sim):
    add_clients(halo_sim, 200)
    halo_sim.requests.clear()
    with make_client(url, page_size=100) as client:
        assert sum(1 for _ in client.iterate(CLIENT)) == 200
    assert len(api_requests(halo_sim, "GET", "Client")) == 2


def test_saves_are_batched_and_send_only_the_fields_we_own(url, halo_sim):
    add_clients(halo_sim, 250)
    halo_sim.tables["Client"][1]["notes"] = "kept by Halo users"
    halo_sim.requests.clear()
    with make_client(url, batch_size=100) as client:
        saved = client.save(CLIENT, [ClientRecord(id=i, accountsid=f"C{i}") for i in range(1, 251)])
    assert [c.accountsid for c in saved] == [f"C{i}" for i in range(1, 251)]
    assert len(api_requests(halo_sim, "POST", "Client")) == 3
    assert halo_sim.tables["Client"][1]["name"] == "Customer 0000"
    assert halo_sim.tables["Client"][1]["notes"] == "kept by Halo users"


def test_tax_rates_come_as_a_bare_list_and_money_stays_exact(url):
    with make_client(url) as client:
        (tax,) = client.save(TAX, [TaxRecord(name="VAT Standard", code="S", value=Decimal("20"))])
        item = client.save(ITEM, [ItemRecord(name="Support hour", baseprice=Decimal("87.35"), taxcode=tax.id)])[0]
        customer = client.save(CLIENT, [ClientRecord(name="Acme")])[0]
        lines = [
            InvoiceLineRecord(
                item_id=item.id, qty_order=Decimal("3"), unit_price=Decimal("19.99"), item_tax_code=tax.id
            ),
            InvoiceLineRecord(qty_order=Decimal("0.5"), unit_price=Decimal("87.35"), item_tax_code=tax.id),
        ]
        invoice = client.save(INVOICE, [InvoiceRecord(client_id=customer.id, lines=lines)])[0]
        assert [t.value for t in client.iterate(TAX)] == [Decimal("20")]
        fetched = client.get(INVOICE, invoice.id)
    # 59.97 + 11.99 tax; 43.68 (43.675 rounded half up) + 8.74 tax
    assert fetched.total == Decimal("124.38")
    assert fetched.tax_total == Decimal("20.73")
    assert isinstance(fetched.total, Decimal)


def test_payments_update_the_invoice(url):
    with make_client(url) as client:
        customer = client.save(CLIENT, [ClientRecord(name="Acme")])[0]
        line = InvoiceLineRecord(qty_order=Decimal("1"), unit_price=Decimal("100.00"))
        invoice = client.save(INVOICE, [InvoiceRecord(client_id=customer.id, lines=[line])])[0]
        client.save(
            INVOICE_PAYMENT,
            [InvoicePaymentRecord(invoice_id=invoice.id, amount=Decimal("40.00"), thirdpartyid="QB-PAY-1")],
        )
        after = client.get(INVOICE, invoice.id)
        payments = list(client.iterate(INVOICE_PAYMENT, invoice_id=invoice.id))
    assert (after.amountpaid, after.amountdue, after.paymentstatus) == (Decimal("40"), Decimal("60"), 1)
    assert [p.thirdpartyid for p in payments] == ["QB-PAY-1"]


def test_get_of_a_missing_record_is_not_found(url):
    with make_client(url) as client, pytest.raises(NotFoundError) as caught:
        client.get(CLIENT, 999)
    assert "customer 999" in caught.value.user_message


def test_delete_is_idempotent(url, halo_sim):
    add_clients(halo_sim, 1)
    with make_client(url) as client:
        client.delete(CLIENT, 1)
        client.delete(CLIENT, 1)  # already gone: done, not an error
    assert halo_sim.tables["Client"] == {}


def test_a_rejected_record_names_itself(url):
    with make_client(url) as client, pytest.raises(RecordError) as caught:
        client.save(INVOICE, [InvoiceRecord(invoicenumber="INV-7")])  # no client_id
    assert "invoice 'INV-7' (new)" in caught.value.user_message


def test_429_bursts_are_waited_out_and_nothing_is_lost(url, halo_sim):
    add_clients(halo_sim, 5)
    halo_sim.faults.rate_limit_burst(3)
    with make_client(url) as client:
        assert len(list(client.iterate(CLIENT))) == 5
        assert client.sleeps == [5.0, 10.0, 20.0]  # exponential from 5 s


def test_retry_after_is_honoured(url, halo_sim):
    add_clients(halo_sim, 1)
    halo_sim.faults.send_retry_after = 42.0
    halo_sim.faults.rate_limit_burst(1)
    with make_client(url) as client:
        assert len(list(client.iterate(CLIENT))) == 1
        assert client.sleeps == [42.0]


def test_reads_and_updates_are_retried_after_5xx(url, halo_sim):
    add_clients(halo_sim, 2)
    with make_client(url) as client:
        client.login()
        halo_sim.faults.server_errors(2, status=503)
        assert len(list(client.iterate(CLIENT))) == 2
        halo_sim.faults.server_errors(1)
        client.save(CLIENT, [ClientRecord(id=1, accountsid="A1")])
    assert halo_sim.tables["Client"][1]["accountsid"] == "A1"


def test_a_create_that_failed_with_5xx_is_uncertain_and_not_repeated(url, halo_sim):
    with make_client(url) as client:
        client.login()
        halo_sim.faults.server_errors(1)
        with pytest.raises(TransientError) as caught:
            client.save(CLIENT, [ClientRecord(name="New Customer")])
    assert caught.value.uncertain is True
    assert len(api_requests(halo_sim, "POST", "Client")) == 1


def test_a_create_that_timed_out_is_uncertain_and_sent_once(url, halo_sim):
    halo_sim.faults.latency_seconds = 0.5
    with make_client(url, timeout_seconds=0.2, max_attempts=3) as client:
        with pytest.raises(TransientError) as caught:
            client.save(SUPPLIER, [SUPPLIER.model.model_validate({"name": "Slow Ltd"})])
    assert caught.value.uncertain is True
    assert "may or may not have been saved" in caught.value.user_message


def test_expired_token_is_renewed_once_mid_run(url, halo_sim):
    add_clients(halo_sim, 3)
    with make_client(url, page_size=1) as client:
        iterator = client.iterate(CLIENT)
        next(iterator)
        halo_sim.faults.expire_all_tokens()
        assert len([next(iterator), next(iterator)]) == 2
        assert client.auth.tokens_fetched == 2


def test_rotated_secret_is_a_config_error_that_says_what_to_do(url, halo_sim):
    halo_sim.faults.rotate_secret("new-secret", revoke_tokens=True)
    with make_client(url) as client, pytest.raises(ConfigError) as caught:
        list(client.iterate(CLIENT))
    assert "config set-secret" in caught.value.user_message
    assert CLIENT_SECRET not in caught.value.user_message


@pytest.mark.parametrize("status", [401, 403])
def test_missing_permission_names_it_in_halos_words(url, halo_sim, status):
    halo_sim.missing_permission_status = status
    halo_sim.set_permissions(app=["read:invoices", "edit:customers"])
    with make_client(url) as client:
        list(client.iterate(INVOICE))
        with pytest.raises(PermissionMissingError) as caught:
            client.save(INVOICE, [InvoiceRecord(id=1, posted=True)])
    assert caught.value.permission == "Edit - Invoices"
    assert caught.value.scope == "edit:invoices"
    assert "Permissions" in caught.value.user_message


def test_unknown_fields_and_halo_warnings_are_ignored(url, halo_sim):
    halo_sim.extra_fields = True
    add_clients(halo_sim, 2)
    with make_client(url) as client:
        assert [c.name for c in client.iterate(CLIENT)] == ["Customer 0000", "Customer 0001"]
        assert client.unreadable == []


def test_client_side_limit_keeps_under_halos_window(url, halo_sim):
    halo_sim.limiter.limit = 6
    halo_sim.limiter.window_seconds = 1.0
    add_clients(halo_sim, 8)
    halo_sim.limiter.clear()
    halo_sim.requests.clear()
    import time as real_time

    auth = ClientCredentialsAuth(
        base_url=url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET), scopes=ALL_SCOPES, tenant=TENANT
    )
    with HaloClient(
        base_url=url, auth=auth, page_size=1, rate_limit=5, rate_window_seconds=1.0, sleep=real_time.sleep
    ) as client:
        assert len(list(client.iterate(CLIENT))) == 8
    assert not [r for r in halo_sim.requests if r.status == 429]


def test_admin_refusal_is_not_blamed_on_the_all_scope(url, halo_sim):
    halo_sim.set_permissions(app=["all"])
    with make_client(url, scopes=["all", "admin"]) as client, pytest.raises(PermissionMissingError) as caught:
        client.save(TAX, [TaxRecord(name="GST", value=Decimal("10"))])
    assert caught.value.permission == "Admin"
    assert "tick 'Admin'" in caught.value.user_message
