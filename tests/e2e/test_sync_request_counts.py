"""The sync's traffic, counted: Halo requests and QuickBooks messages are exactly what paging and batching allow.

Each expected figure is derived from the records involved and the configured sizes (a list read of
n records costs ceil(n / page size) requests, at least one; a write of n records costs
ceil(n / batch size)), then compared with what the simulators saw, request by request. A regression
to one request per record, a repeated read or an unbatched write changes a count and fails here.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

import pytest
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.quickbooks.books import open_quickbooks
from halo_accounts.connectors.quickbooks.transports.com import ComTransport
from halo_accounts.engine.context import CURSOR_OVERLAP as OVERLAP
from halo_accounts.engine.flows import invoices as invoice_flow
from halo_accounts.engine.runner import run_sync
from halo_accounts.simulators.halo import seed_tenant
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.quickbooks.request_processor import FakeRequestProcessor
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

PAGE, BATCH, QB_BATCH = 5, 4, 3  # Halo page and batch sizes; records per QuickBooks write message
QB_PAGE = 100  # the books session's iterator page
FLOWS = FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS)
ITEM_KINDS = ("ItemService", "ItemNonInventory", "ItemInventory", "ItemSalesTax", "ItemSalesTaxGroup")


def pages(records: int, size: int = PAGE) -> int:
    """Requests for a paged list read: one per page, and one even when the list is empty."""
    return max(1, math.ceil(records / size))


def batches(records: int, size: int = BATCH) -> int:
    """Requests (or messages) for a batched write; none when there is nothing to write."""
    return math.ceil(records / size)


class CountingProcessor(FakeRequestProcessor):
    """The fake COM request processor, naming each message by what it asks."""

    def __init__(self, company: QuickBooksCompany, seen: Counter[str]) -> None:
        super().__init__(company)
        self.seen = seen

    def ProcessRequest(self, ticket: str, request: str) -> str:  # noqa: N802 - COM's name
        tags = [t for t in re.findall(r"<(\w+)Rq\b", request) if t != "QBXMLMsgs"]
        if "HostQuery" in tags:
            kind = "company profile"
        elif "SalesTaxCodeQuery" in tags:
            kind = "tax codes"
        elif any(t.endswith(("Add", "Mod")) for t in tags):
            kind = "write " + ("item" if tags[0].startswith("Item") else tags[0].removesuffix("Add").lower())
        else:
            (kind,) = set(tags)
        self.seen[kind] += 1
        return super().ProcessRequest(ticket, request)


@pytest.fixture
def world(halo_url, halo_sim, tmp_path):
    seed_tenant(halo_sim, seed=3, customers=7, items=5, invoices=12)
    company = QuickBooksCompany(edition="UK", company_file=r"C:\Books\Counts.qbw", validate_schema=False)
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield halo_sim, company, SyncState(store.engine, "counts"), halo_url
    store.close()


def sync(world, only=None, flows=FLOWS):
    """One run with a fresh client (so it logs in) and session; the traffic it caused, by kind."""
    halo_sim, company, state, halo_url = world
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    halo = HaloClient(base_url=halo_url, auth=auth, rate_limit=None, page_size=PAGE, batch_size=BATCH)
    already = len(halo_sim.requests)
    messages, seen = company.messages_processed, Counter()
    transport = ComTransport(processor_factory=lambda: CountingProcessor(company, seen))
    with open_quickbooks(transport) as books:
        books.capabilities = replace(books.capabilities, write_batch_size=QB_BATCH)
        report = run_sync(halo, books, state, flows, only=only)
    halo.close()
    assert report.stopped is None, report.stopped
    requests = Counter(f"{r.method} {r.path}" for r in halo_sim.requests[already:])
    assert sum(requests.values()) == halo.request_count  # the client counted what the simulator saw
    assert sum(seen.values()) == company.messages_processed - messages
    return report, requests, seen


def made(report, flow, *actions):
    return sum(report.counts.get(flow, Counter())[action] for action in actions)


def test_first_and_unchanged_sync_use_the_fewest_requests_paging_and_batching_allow(world, monkeypatch):
    # Invoices are decided a chunk at a time; chunks that are no multiple of a batch must add no message.
    monkeypatch.setattr(invoice_flow, "CHUNK", QB_BATCH + 1)
    halo_sim, company, state, _ = world
    tables = halo_sim.tables
    items_in_books = sum(len(company.list_records(kind)) for kind in ITEM_KINDS)
    active = [c for c in tables["Client"].values() if not c.get("inactive")]
    unposted = [i for i in tables["Invoice"].values() if not i.get("posted")]

    report, halo, qb = sync(world)

    taxes_created = made(report, "tax_rates", "create")
    items = made(report, "items", "created", "link")
    customers = made(report, "customers", "created", "link")
    invoices = made(report, "invoices", "created")
    assert items == len(tables["Item"])
    assert customers == len(active)
    assert invoices > BATCH  # so that batching is exercised
    expected_halo = {
        "GET /api/authinfo": 1,
        "POST /auth/token": 1,
        "GET /api/Tax": 1,  # not paged
        "POST /api/Tax": batches(taxes_created),
        "GET /api/Item": pages(len(tables["Item"])),  # inactive ones included
        "POST /api/Item": batches(items),  # the books ids, written back
        "GET /api/Client": pages(len(tables["Client"])),  # inactive ones too, to carry inactivity
        "POST /api/Client": batches(customers),
        "GET /api/Invoice": pages(len(unposted)),
        "POST /api/Invoice": batches(invoices),  # posted flag, books id and number
    }
    assert halo == Counter({k: n for k, n in expected_halo.items() if n}), halo
    expected_qb = {
        "company profile": 1,
        "tax codes": 1,
        "ItemQuery": pages(items_in_books, QB_PAGE),  # first-sync matching reads the books' items once
        "AccountQuery": 1,  # income and stock accounts for new items, once
        "write item": batches(items, QB_BATCH),
        "CustomerQuery": pages(0, QB_PAGE),  # the empty company's customers
        "write customer": batches(customers, QB_BATCH),
        "TxnDeletedQuery": 1,  # invoices deleted in the books since the last run
        "write invoice": batches(invoices, QB_BATCH),  # invoices and credit memos share batches
        "ReceivePaymentQuery": pages(0, QB_PAGE),
    }
    assert qb == Counter(expected_qb), qb

    cursor = state.cursor("customers", "to_books")
    assert cursor is not None
    since = datetime.fromisoformat(cursor) - OVERLAP
    # The write-backs touched every client, and the cursor's overlap reaches back past them.
    changed = [c for c in tables["Client"].values() if c["alastupdate"] >= since]
    unposted = [i for i in tables["Invoice"].values() if not i.get("posted")]
    # The voids check reads posted invoices newest change first and stops at the first one older than
    # its cursor; the posted flags written back are changes it must read past.
    voids_since = datetime.fromisoformat(state.cursor("invoice_voids", "to_books")) - OVERLAP
    posted = [i for i in tables["Invoice"].values() if i.get("posted")]
    recent = sum(1 for i in posted if i["last_modified"] >= voids_since)
    voids_scan = pages(len(posted)) if recent == len(posted) else recent // PAGE + 1

    report, halo, qb = sync(world)

    writes = {(f, a): n for f, c in report.counts.items() for a, n in c.items() if a in ("created", "updated", "link")}
    assert writes == {}
    expected_halo = {
        "GET /api/authinfo": 1,
        "POST /auth/token": 1,
        "GET /api/Tax": 1,
        "GET /api/Item": pages(len(tables["Item"])),  # Halo has no modified-since filter for items
        "GET /api/Client": pages(len(changed)),
        "GET /api/Invoice": pages(len(unposted)) + voids_scan,  # unposted: the ones waiting for a tax mapping
    }
    assert halo == Counter(expected_halo), halo
    assert qb == Counter({"company profile": 1, "tax codes": 1, "TxnDeletedQuery": 1, "ReceivePaymentQuery": 1}), qb


def test_payments_received_in_the_books_reach_halo_in_batches(world):
    _, company, _, _ = world
    sync(world)
    invoices = [i for i in company.list_records("Invoice") if Decimal(i["BalanceRemaining"]) > 0]
    requests = []
    for invoice in invoices:  # two part payments each
        part = (Decimal(invoice["BalanceRemaining"]) / 3).quantize(Decimal("0.01"), ROUND_DOWN)
        requests += [
            "<ReceivePaymentAddRq><ReceivePaymentAdd>"
            f"<CustomerRef><ListID>{invoice['CustomerRef']['ListID']}</ListID></CustomerRef>"
            f"<TotalAmount>{part}</TotalAmount><AppliedToTxnAdd><TxnID>{invoice['TxnID']}</TxnID>"
            f"<PaymentAmount>{part}</PaymentAmount></AppliedToTxnAdd></ReceivePaymentAdd></ReceivePaymentAddRq>"
        ] * 2
    answer = company.process_trusted(
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        + "".join(requests)
        + "</QBXMLMsgsRq></QBXML>"
    )
    assert answer.count('statusCode="0"') == len(requests) > BATCH

    report, halo, qb = sync(world)

    assert made(report, "payments", "create") == len(requests)
    assert halo["POST /api/InvoicePayment"] == batches(len(requests))
    assert qb["ReceivePaymentQuery"] == pages(len(requests), QB_PAGE)
    assert sum(n for key, n in halo.items() if key.startswith("POST /api")) == batches(len(requests)), halo

    report, halo, qb = sync(world)  # nothing new: every payment is known, nothing is posted again

    assert made(report, "payments", "skip") == len(requests)
    assert "POST /api/InvoicePayment" not in halo
    assert qb["ReceivePaymentQuery"] == pages(len(requests), QB_PAGE)  # inside the cursor's overlap


def test_tax_rates_missing_from_halo_are_created_in_batches(world):
    halo_sim, _, state, _ = world
    halo_sim.tables["Tax"].clear()  # nothing in Halo for the books' rates to match

    report, halo, qb = sync(world, only=["tax_rates"])

    created = made(report, "tax_rates", "create")
    assert created > 1
    assert halo == Counter(
        {"GET /api/authinfo": 1, "POST /auth/token": 1, "GET /api/Tax": 1, "POST /api/Tax": batches(created)}
    )
    assert qb == Counter({"company profile": 1, "tax codes": 1})
    assert len(state.mappings("tax")) == created


def test_customers_both_ways_read_the_books_customer_list_once(world):
    flows = FlowSettings(tax_rates=Direction.FROM_BOOKS, customers=Direction.BOTH, payments=Direction.OFF)
    report, _, qb = sync(world, only=["tax_rates", "items", "customers"], flows=flows)
    assert report.counts["customers"]["created"] > 0
    assert qb["CustomerQuery"] == 1  # matched against and imported from the same read
