"""Benchmark: full syncs, Halo simulator -> engine -> QuickBooks simulator, at MSP scale.

    python benchmarks/sync.py                                               # 10,000 / 2,000 / 50,000
    python benchmarks/sync.py --customers 200 --items 50 --invoices 1000    # a quick run

Prints one JSON line. The integrator runs in this process exactly as ``halo-accounts sync`` wires it
(``HaloClient`` -> engine -> ``open_quickbooks(ComTransport(FakeRequestProcessor))`` -> SQLite store);
both simulators live in one child process, reached through a pipe (a Halo ``httpx`` transport that hands
each request to the simulator's ASGI app there, and a company object the fake COM processor calls), so
``peak_rss_mb`` is the integrator's own memory and ``simulator_seconds`` the time spent waiting on them.

Three runs against one store, each with a fresh Halo client (so each logs in) and a QuickBooks session:

``first``      the first sync of a seeded tenant into an empty UK company file: tax rates, items,
               customers, invoices and credit notes go to the books and are written back to Halo.
``payments``   then ``--payments`` payments (default 2 for every 5 invoices: 20,000) are received in the
               books (``ReceivePaymentAdd`` through the simulator's trusted path, spread over the invoices
               the first run created, several partial payments per invoice when there are fewer invoices);
               this run brings them to Halo.
``no_change``  nothing changed: it must write nothing, and read only what its cursors require.
               Runs follow each other within the cursors' five-minute overlap here, so the records
               the earlier runs wrote back (clients, and posted invoices for the voids check, read
               newest change first) are read again; runs an hour apart read one page of each.

Halo minimum, per run (``halo_requests_minimum``)::

    2 (authinfo + token)
    + sum over distinct list reads of max(1, ceil(records / page_size))    (1 for the unpaged tax list)
    + sum over resources written of ceil(records written / batch_size)

QuickBooks bound, per run (``qb_messages_bound``)::

    sum over entities written of ceil(records written / write_batch_size)
    + reads: one message per page of 100 of each distinct query (a repeated query is excess)

Modelled wall time under real limits (``modelled_wall_seconds``)::

    max(0, halo_requests - 300) * 1 s       Halo: 300 requests per rolling 5 minutes, the first window free
    + qb_requests * qb_request_cost_ms      QuickBooks answers one request at a time

beside the same model for a naive integrator (``modelled_wall_seconds_naive``): one Halo GET per record
read, one POST per record written back, one QuickBooks message per record written. QuickBooks' cost is
per request, so batching saves it messages but not work: the naive figure differs in Halo's term.
``--qb-request-cost-ms`` is also the simulator's processing delay, so measured seconds include it.

Records per second counts Halo records read plus records written to either side. Invoices per second
counts the invoices a run read from Halo and decided (sent, skipped, put up for review or failed) over
the run's whole duration; ``invoices_written_per_second`` those that went all the way to the books.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
from measure import peak_rss_mb
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.quickbooks.books import open_quickbooks
from halo_accounts.connectors.quickbooks.transports.com import ComTransport
from halo_accounts.engine.context import CURSOR_OVERLAP as OVERLAP
from halo_accounts.engine.runner import run_sync
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.quickbooks.errors import QuickBooksComError
from halo_accounts.simulators.quickbooks.request_processor import FakeRequestProcessor
from halo_accounts.simulators.serving import SyncASGITransport
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState

HALO_LIMIT, HALO_WINDOW = 300, 300.0
FLOWS = FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS)
SCOPES = ["edit:customers", "edit:items", "edit:invoices", "admin"]
HALO_URL = "http://halo.bench"


def halo_wait_seconds(requests: int) -> float:
    """Wall time forced by Halo's rolling window: the first window is free, then one request per second."""
    return max(0.0, (requests - HALO_LIMIT) * HALO_WINDOW / HALO_LIMIT)


def pages(records: int, size: int) -> int:
    """Requests a paged read of ``records`` needs (an empty list still takes one)."""
    return max(1, math.ceil(records / size))


# -- the simulators, in a child process ----------------------------------------------------------


class SimulatorHost:
    """Both simulators, seeded; every method is called from the parent through the pipe."""

    def __init__(self, args: argparse.Namespace) -> None:
        started = time.perf_counter()
        self.sim = HaloSimulator(client_id="bench", client_secret="bench-secret", tenant="bench", rate_limit=None)
        seed_tenant(self.sim, seed=args.seed, customers=args.customers, items=args.items, invoices=args.invoices)
        self.halo = SyncASGITransport(self.sim.app)
        self.company = QuickBooksCompany(edition="UK", validate_schema=False)
        self.company.faults.processing_delay_seconds = args.qb_request_cost_ms / 1000
        self.seed_seconds = time.perf_counter() - started

    def halo_request(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes) -> tuple[Any, ...]:
        answer = self.halo.handle_request(httpx.Request(method, url, headers=headers, content=body))
        return answer.status_code, answer.headers.multi_items(), answer.content

    def qb(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.company, name)(*args, **kwargs)

    def qb_counters(self) -> tuple[int, int]:
        return self.company.messages_processed, self.company.requests_processed

    def facts(self) -> dict[str, Any]:
        return {
            "seed_seconds": round(self.seed_seconds, 2),
            "peak_rss_mb": peak_rss_mb(),
            "halo_tables": {name: len(rows) for name, rows in self.sim.tables.items()},
            "company_file": self.company.company_file,
        }

    def no_change_reads(self, since: str) -> dict[str, int]:
        """What a run must read from Halo when nothing changed: taxes and items whole (Halo has no date
        filter for them), active clients changed since the customers cursor less its overlap, invoices
        not yet posted."""
        tables, moment = self.sim.tables, datetime.fromisoformat(since) - OVERLAP
        return {
            "Tax": len(tables["Tax"]),
            "Item": len(tables["Item"]),
            "Client": sum(1 for c in tables["Client"].values() if not c.get("inactive") and c["alastupdate"] >= moment),
            "Invoice": sum(1 for i in tables["Invoice"].values() if not i.get("posted")),
        }

    def receive_payments(self, wanted: int) -> int:
        """``wanted`` ReceivePaymentAdds over the open invoices; how many were made."""
        invoices = [i for i in self.company.list_records("Invoice") if Decimal(i["BalanceRemaining"]) > 0]
        if not invoices or wanted <= 0:
            return 0
        per_invoice = math.ceil(wanted / len(invoices))
        requests: list[str] = []
        for invoice in invoices:
            share = (Decimal(invoice["BalanceRemaining"]) / per_invoice).quantize(Decimal("0.01"), ROUND_DOWN)
            for part in range(per_invoice if share > 0 else 0):
                if len(requests) < wanted:
                    requests.append(_payment(invoice, share, part))
        for start in range(0, len(requests), 500):
            xml = (
                '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
                + "".join(requests[start : start + 500])
                + "</QBXMLMsgsRq></QBXML>"
            )
            answer = self.company.process_trusted(xml)
            if failed := re.search(r'statusCode="([1-9]\d*)"[^>]*statusMessage="([^"]*)"', answer):
                msg = f"ReceivePaymentAdd failed: {failed.group(1)} {failed.group(2)}"
                raise RuntimeError(msg)
        return len(requests)


def _payment(invoice: dict[str, Any], amount: Decimal, part: int) -> str:
    return (
        "<ReceivePaymentAddRq><ReceivePaymentAdd>"
        f"<CustomerRef><ListID>{escape(invoice['CustomerRef']['ListID'])}</ListID></CustomerRef>"
        f"<TxnDate>{invoice['TxnDate']}</TxnDate><RefNumber>P{invoice['TxnNumber']}-{part + 1}</RefNumber>"
        f"<TotalAmount>{amount}</TotalAmount><AppliedToTxnAdd><TxnID>{escape(invoice['TxnID'])}</TxnID>"
        f"<PaymentAmount>{amount}</PaymentAmount></AppliedToTxnAdd></ReceivePaymentAdd></ReceivePaymentAddRq>"
    )


def _serve(connection: Any, args: argparse.Namespace) -> None:
    host = SimulatorHost(args)
    connection.send(("ok", None))
    while (call := connection.recv()) is not None:
        name, positional, named = call
        try:
            connection.send(("ok", getattr(host, name)(*positional, **named)))
        except QuickBooksComError as exc:
            connection.send(("com", (exc.hresult, exc.message)))
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            connection.send(("error", f"{type(exc).__name__}: {exc}"))


class Simulators:
    """The parent's end of the pipe; ``waited`` is the time spent in the simulators (and the pipe)."""

    def __init__(self, args: argparse.Namespace) -> None:
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, args), daemon=True)
        self._process.start()
        self._connection.recv()  # seeded
        self.waited = 0.0

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        self._connection.send((name, args, kwargs))
        status, value = self._connection.recv()
        self.waited += time.perf_counter() - started
        if status == "com":
            raise QuickBooksComError(*value)
        if status == "error":
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        self._connection.send(None)
        self._process.join(30)


class RemoteHalo(httpx.BaseTransport):
    """Halo requests, answered by the simulator's ASGI app in the child."""

    def __init__(self, simulators: Simulators) -> None:
        self._simulators = simulators

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        status, headers, content = self._simulators.call(
            "halo_request", request.method, str(request.url), request.headers.multi_items(), body
        )
        return httpx.Response(status, headers=headers, content=content, request=request)


class RemoteCompany:
    """What ``FakeRequestProcessor`` needs of a ``QuickBooksCompany``, forwarded to the child."""

    def __init__(self, simulators: Simulators, company_file: str) -> None:
        self._simulators = simulators
        self.company_file = company_file

    def begin_session(self, mode: str = "DoNotCare") -> str:
        return str(self._simulators.call("qb", "begin_session", mode=mode))

    def versions_for_session(self, ticket: str) -> list[str]:
        return list(self._simulators.call("qb", "versions_for_session", ticket))

    def process(self, ticket: str, request_xml: str) -> str:
        return str(self._simulators.call("qb", "process", ticket, request_xml))

    def end_session(self, ticket: str) -> None:
        self._simulators.call("qb", "end_session", ticket)


# -- Halo: what the engine asked of the client ---------------------------------------------------


class CountingHalo(HaloClient):
    """The real client, tallying records per distinct list read and per resource written."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reads: dict[tuple[str, bool, str], int] = {}
        self.writes: Counter[str] = Counter()

    def iterate(self, resource: Any, **filters: object) -> Iterator[Any]:
        query = "&".join(f"{k}={v}" for k, v in sorted(filters.items()) if v is not None)
        key = (resource.name, resource.pageable, query)
        count = 0
        try:
            for record in super().iterate(resource, **filters):
                count += 1
                yield record
        finally:
            self.reads[key] = max(self.reads.get(key, 0), count)

    def save(self, resource: Any, records: Sequence[Any]) -> list[Any]:
        self.writes[resource.name] += len(records)
        return super().save(resource, records)

    def minimum(self) -> int:
        read = sum(pages(n, self.page_size) if pageable else 1 for (_, pageable, _), n in self.reads.items())
        return 2 + read + sum(math.ceil(n / self.batch_size) for n in self.writes.values())


# -- QuickBooks: every message, classified -------------------------------------------------------

_TAG = re.compile(r"<(\w+)Rq\b")
_VOLATILE = re.compile(r'\s(?:requestID|iterator|iteratorID)="[^"]*"')
_ENTITIES = (("Item", "item"), ("Customer", "customer"), ("Invoice", "invoice"), ("CreditMemo", "invoice"))


def _entity(tag: str) -> str:
    return next((name for prefix, name in _ENTITIES if tag.startswith(prefix)), tag)


@dataclass
class QuickBooksTally:
    """Messages the books session sent: reads by distinct query, writes by entity."""

    read_messages: int = 0
    write_messages: int = 0
    written: Counter[str] = field(default_factory=Counter)
    queries: Counter[str] = field(default_factory=Counter)  # messages per distinct query
    starts: Counter[str] = field(default_factory=Counter)  # how often each query was started

    def see(self, xml: str) -> None:
        writes = [t for t in _TAG.findall(xml) if t.endswith(("Add", "Mod", "Del"))]
        if writes:
            self.write_messages += 1
            self.written.update(_entity(t) for t in writes)
            return
        self.read_messages += 1
        body = xml[xml.find("<QBXMLMsgsRq") :]
        key = _VOLATILE.sub("", body)
        self.queries[key] += 1
        self.starts[key] += 'iterator="Continue"' not in body

    def reads_needed(self) -> int:
        """One message per page of each distinct query, however often it was repeated."""
        return sum(math.ceil(n / max(1, self.starts[key])) for key, n in self.queries.items())

    def bound(self, batch: int) -> int:
        return sum(math.ceil(n / batch) for n in self.written.values()) + self.reads_needed()


class TallyingProcessor(FakeRequestProcessor):
    """The fake COM request processor, showing each message to the tally first."""

    def __init__(self, company: Any, tally: QuickBooksTally) -> None:
        super().__init__(company)
        self._tally = tally

    def ProcessRequest(self, ticket: str, request: str) -> str:  # noqa: N802 - COM's name
        self._tally.see(request)
        return super().ProcessRequest(ticket, request)


# -- one run -------------------------------------------------------------------------------------


def run_once(
    simulators: Simulators, company: RemoteCompany, state: SyncState, args: argparse.Namespace
) -> dict[str, Any]:
    auth = ClientCredentialsAuth(
        base_url=HALO_URL, client_id="bench", client_secret=SecretStr("bench-secret"), scopes=SCOPES, tenant="bench"
    )
    halo = CountingHalo(
        base_url=HALO_URL, auth=auth, transport=RemoteHalo(simulators), rate_limit=None,
        page_size=args.page_size, batch_size=args.batch_size,
    )  # fmt: skip
    tally = QuickBooksTally()
    messages0, requests0 = simulators.call("qb_counters")
    transport = ComTransport(processor_factory=lambda: TallyingProcessor(company, tally))
    waited0, started = simulators.waited, time.perf_counter()
    with open_quickbooks(transport, shorten_long_names=True) as books:
        if args.qb_batch_size:
            books.capabilities = replace(books.capabilities, write_batch_size=args.qb_batch_size)
        qb_batch = books.capabilities.write_batch_size
        report = run_sync(halo, books, state, FLOWS)
    seconds = time.perf_counter() - started
    simulator_seconds = simulators.waited - waited0
    halo.close()
    if report.stopped is not None:
        msg = f"the run stopped: {report.stopped.user_message}"
        raise SystemExit(msg)
    messages1, requests1 = simulators.call("qb_counters")
    qb_messages, qb_requests = messages1 - messages0, requests1 - requests0
    halo_read, halo_written = sum(halo.reads.values()), sum(halo.writes.values())
    qb_written = sum(tally.written.values())
    invoices = report.counts.get("invoices", Counter())
    decided, sent = sum(invoices.values()), invoices["created"] + invoices["updated"]
    naive_halo = 2 + halo_read + halo_written
    cost = args.qb_request_cost_ms / 1000
    return {
        "seconds": round(seconds, 2),
        "simulator_seconds": round(simulator_seconds, 2),
        "halo_requests": halo.request_count,
        "halo_requests_minimum": halo.minimum(),
        "halo_records_read": halo_read,
        "halo_records_written": halo_written,
        "halo_reads": {f"{name}?{query}" if query else name: n for (name, _, query), n in halo.reads.items()},
        "halo_writes": dict(halo.writes),
        "qb_messages": qb_messages,
        "qb_requests": qb_requests,
        "qb_messages_bound": tally.bound(qb_batch),
        "qb_read_messages": tally.read_messages,
        "qb_read_messages_needed": tally.reads_needed(),
        "qb_write_messages": tally.write_messages,
        "qb_records_written": dict(tally.written),
        "qb_write_batch_size": qb_batch,
        "records_per_second": round((halo_read + halo_written + qb_written) / seconds),
        "invoices_decided": decided,
        "invoices_written": sent,
        "invoices_per_second": round(decided / seconds),
        "invoices_written_per_second": round(sent / seconds),
        "invoices_per_second_without_simulator_time": round(decided / max(seconds - simulator_seconds, 1e-9)),
        "modelled_wall_seconds": round(halo_wait_seconds(halo.request_count) + qb_requests * cost, 1),
        "modelled_wall_seconds_naive": round(halo_wait_seconds(naive_halo) + qb_requests * cost, 1),
        "naive_halo_requests": naive_halo,
        "naive_qb_messages": tally.read_messages + qb_written,
        "counts": {flow: dict(c) for flow, c in report.counts.items()},
    }


# -- targets -------------------------------------------------------------------------------------


def targets(runs: dict[str, dict[str, Any]], peak: float | None, expected: dict[str, int]) -> dict[str, Any]:
    first, quiet = runs["first"], runs["no_change"]
    worst = max(r["halo_requests"] / r["halo_requests_minimum"] for r in runs.values())
    excess = {name: r["qb_messages"] - r["qb_messages_bound"] for name, r in runs.items()}
    writes = quiet["halo_records_written"] + sum(quiet["qb_records_written"].values())
    reads = {key.split("?")[0]: n for key, n in quiet["halo_reads"].items()}
    return {
        "halo_requests_within_10pct_of_minimum": {"worst_ratio": round(worst, 3), "pass": worst <= 1.10},
        "qb_messages_within_writes_over_batch_plus_reads": {
            "excess": excess, "pass": all(n <= 0 for n in excess.values()),
        },
        "invoices_per_second_at_least_500": {
            "value": first["invoices_per_second"], "pass": first["invoices_per_second"] >= 500,
        },
        "peak_rss_below_400_mb": {"value": peak, "pass": peak is not None and peak < 400},
        "no_change_writes_nothing_and_reads_only_what_cursors_require": {
            "writes": writes, "reads": reads, "required": expected,
            "pass": writes == 0 and reads == expected and quiet["qb_read_messages"] == quiet["qb_read_messages_needed"],
        },
    }  # fmt: skip


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=50000)
    parser.add_argument("--payments", type=int, default=None, help="default: 2 for every 5 invoices")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--qb-batch-size", type=int, default=None, help="default: the QuickBooks session's own")
    parser.add_argument("--qb-request-cost-ms", type=float, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    wanted = args.payments if args.payments is not None else args.invoices * 2 // 5

    simulators = Simulators(args)
    company = RemoteCompany(simulators, simulators.call("facts")["company_file"])
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'store.db'}")
        state = SyncState(store.engine, "bench")
        runs = {"first": run_once(simulators, company, state, args)}
        paying = time.perf_counter()
        payments = simulators.call("receive_payments", wanted)
        payment_seconds = time.perf_counter() - paying
        runs["payments"] = run_once(simulators, company, state, args)
        runs["no_change"] = run_once(simulators, company, state, args)
        expected = simulators.call("no_change_reads", state.cursor("customers", "to_books"))
        store.close()
    facts = simulators.call("facts")
    simulators.close()
    peak = peak_rss_mb()
    checks = targets(runs, peak, expected)
    print(
        json.dumps(
            {
                "benchmark": "sync",
                "customers": args.customers,
                "items": args.items,
                "invoices": args.invoices,
                "halo_tables": facts["halo_tables"],
                "payments_received_in_books": payments,
                "page_size": args.page_size,
                "batch_size": args.batch_size,
                "qb_request_cost_ms": args.qb_request_cost_ms,
                "peak_rss_mb": peak,
                "simulators_peak_rss_mb": facts["peak_rss_mb"],
                "seed_seconds": facts["seed_seconds"],
                "payment_seed_seconds": round(payment_seconds, 2),
                "runs": runs,
                "targets": checks,
                "all_targets_pass": all(t["pass"] for t in checks.values()),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
