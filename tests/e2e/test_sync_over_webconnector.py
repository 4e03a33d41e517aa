"""The whole product path: Halo over OAuth/REST, the engine, QuickBooks through the Web Connector over SOAP."""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr

from halo_accounts.cli.serve import SyncOverWebConnector, build_server_app
from halo_accounts.config import CompanySettings, Direction, FlowSettings, HaloSettings, Settings
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.quickbooks.transports.webconnector import hash_password
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.serving import serve_in_thread
from halo_accounts.simulators.webconnector import FakeWebConnector
from halo_accounts.store import open_store
from halo_accounts.store.sessions import WebConnectorSessions
from halo_accounts.store.state import SyncState

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

PASSWORD = "wc-password-99"
SCOPES = ["edit:customers", "edit:items", "edit:invoices", "admin"]


def documents(company):
    return company.list_records("Invoice") + company.list_records("CreditMemo")


def test_invoices_reach_quickbooks_through_the_web_connector(tmp_path, loopback, halo_sim):
    switch, server = loopback
    seed_tenant(halo_sim, seed=31, customers=6, items=5, invoices=10)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    password_hash = hash_password(PASSWORD, iterations=1000)
    with serve_in_thread(halo_sim.app) as halo_server:  # Halo on its own loopback server
        settings = Settings(
            halo=HaloSettings(url=halo_server.url, tenant=TENANT, client_id=CLIENT_ID, rate_limit=0),
            flows=FlowSettings(payments=Direction.FROM_BOOKS),
            companies={
                "acme": CompanySettings(webconnector_user="halo-acme", webconnector_password_hash=password_hash)
            },
        )

        def open_halo():
            return HaloClient.from_settings(settings, SecretStr(CLIENT_SECRET), scopes=SCOPES)

        sessions = WebConnectorSessions(store.engine, lifetime=timedelta(minutes=30))
        switch.target = build_server_app(settings, sessions, SyncOverWebConnector(settings, store, open_halo))
        company = QuickBooksCompany(edition="UK", validate_schema=False)
        connector = FakeWebConnector(f"{server.url}/qbwc", "halo-acme", PASSWORD, company)

        first = connector.update()
        assert first.status == "done", first
        assert first.progress[-1] == 100
        assert all(0 <= p <= 99 for p in first.progress[:-1])
        assert "records brought in step" in first.close_message
        active = [c for c in halo_sim.tables["Client"].values() if not c.get("inactive")]
        assert sorted(c["Name"] for c in company.list_records("Customer")) == sorted(c["name"] for c in active)
        # Seeded invoices posted before the integrator came have no books id; ours carry the TxnID.
        ours = [i for i in halo_sim.tables["Invoice"].values() if i.get("accountsid")]
        assert ours
        assert all(i["posted"] for i in ours)
        assert sorted(d["TxnID"] for d in documents(company)) == sorted(i["accountsid"] for i in ours)

        second = connector.update()
        assert second.status == "done"
        assert len(company.list_records("Customer")) == len(active)
        assert len(documents(company)) == len(ours)
        outcomes = [run["outcome"] for run in SyncState(store.engine, "acme").history()]
        assert len(outcomes) == 2
        assert set(outcomes) <= {"ok", "partial"}
        connector.close()

        # Another company open in QuickBooks (the settings name no file): its links are not for it.
        other = QuickBooksCompany(edition="UK", company_file=r"C:\Books\Other Co.qbw", validate_schema=False)
        elsewhere = FakeWebConnector(f"{server.url}/qbwc", "halo-acme", PASSWORD, other)
        refused = elsewhere.update()
        assert "was synced with quickbooks" in str(refused), refused
        assert "company 'Other Co'" in str(refused)
        assert other.list_records("Customer") == []  # nothing written to the other books
        assert SyncState(store.engine, "acme").history(limit=1)[0]["outcome"] == "failed"
        elsewhere.close()
    store.close()
