"""One sync run in its own process, for the kill-and-restart test (run as a script, killed with SIGKILL).

    python kill_worker.py HALO_URL BOOKS_STORE SYNC_STORE_URL [--delay SECONDS] [--die-after WHERE]
        [--books quickbooks|sage50uk|sage50ca]

Everything durable lives outside the process: the QuickBooks company in a SQLite file (saved
after every message), the sync state in another, and Halo in the test process behind real
loopback HTTP. The worker prints ``ready`` once it is set up (so the test's random delay
measures sync time, not interpreter start-up), runs ``run_sync`` once, prints a JSON summary
and exits 0.

``--die-after`` makes the worker SIGKILL itself at one exact, nasty moment instead of a random
one: ``qb:InvoiceAddRq`` right after QuickBooks has saved and answered the first message
holding that request (so the answer is lost), ``halo:POST /api/InvoicePayment`` right after
Halo has answered that call, ``sage:post`` / ``sage:save`` right after Sage 50 UK or Canada
(simulated, kept in a JSON file saved after every change) has saved the first posting or account.

    python kill_worker.py --fork-server

keeps the imports warm: it reads one JSON argument list per line on stdin, forks a worker
for each (a fresh process, sharing nothing with the others but the files and Halo), prints
``started PID``, waits for it and prints ``exit PID CODE`` (``-9`` when it was killed). The
fork server itself is single-threaded, so forking it is safe; it exits at end of input.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

import httpx
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.quickbooks.books import open_quickbooks
from halo_accounts.connectors.quickbooks.transports.com import ComTransport
from halo_accounts.connectors.sage50ca.books import Sage50CABooks, SdkWriter
from halo_accounts.connectors.sage50ca.database import SageCanadaDatabase
from halo_accounts.connectors.sage50ca.sdk import SdkConnector
from halo_accounts.connectors.sage50uk import Sage50UKBooks, SdoConnector
from halo_accounts.engine.context import RunReport
from halo_accounts.engine.runner import run_sync
from halo_accounts.simulators import sage50ca as canada
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.quickbooks.request_processor import FakeRequestProcessor
from halo_accounts.simulators.sage50ca import sdk as canada_sdk
from halo_accounts.simulators.sage50ca.mysql import LiveCopy
from halo_accounts.simulators.sage50uk import SDOEngine, load_company
from halo_accounts.store import Store, open_store
from halo_accounts.store.state import SyncState

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for testsupport

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT  # noqa: E402

FLOWS = FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS)
EDITION = "UK"
COMPANY_FILE = r"C:\Books\Acme.qbw"
SCOPES = ["edit:customers", "edit:items", "edit:invoices", "admin"]
SAGE_USER, SAGE_PASSWORD = "HALOSYNC", "sage-pw"


def die() -> None:
    """Crash the way a power cut or ``kill -9`` does: no cleanup, no flushing, no ``finally``."""
    os.kill(os.getpid(), signal.SIGKILL)


class DyingComTransport(ComTransport):
    """COM to QuickBooks that dies once QuickBooks has answered a message holding ``request``."""

    def __init__(self, request: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.request = request

    def process(self, qbxml: str) -> str:
        answer = super().process(qbxml)
        if self.request and f"<{self.request}" in qbxml:
            die()
        return answer


class DyingHTTPTransport(httpx.HTTPTransport):
    """HTTP to Halo that dies once Halo has answered ``call`` (``METHOD /path``)."""

    def __init__(self, call: str) -> None:
        super().__init__(retries=0)
        self.call = call

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if self.call and f"{request.method} {request.url.path}" == self.call:
            response.read()
            die()
        return response


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("halo_url")
    parser.add_argument("qb_store")
    parser.add_argument("store_url")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--die-after", default="")
    parser.add_argument("--books", default="quickbooks", choices=("quickbooks", "sage50uk", "sage50ca"))
    args = parser.parse_args(argv)
    halo_url, store_url = args.halo_url, args.store_url
    system, _, where = args.die_after.partition(":")
    store = open_store(store_url)
    auth = ClientCredentialsAuth(
        base_url=halo_url, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET), scopes=SCOPES, tenant=TENANT
    )
    http = DyingHTTPTransport(where if system == "halo" else "")
    halo = HaloClient(base_url=halo_url, auth=auth, transport=http, rate_limit=None)
    if args.books == "sage50uk":
        report = _sync_sage(halo, store, Path(args.qb_store), args.delay, where if system == "sage" else "")
    elif args.books == "sage50ca":
        report = _sync_canada(halo, store, Path(args.qb_store), args.delay, where if system == "sage" else "")
    else:
        company = QuickBooksCompany(
            edition=EDITION, company_file=COMPANY_FILE, store=args.qb_store, validate_schema=False
        )
        company.faults.processing_delay_seconds = args.delay
        print("ready", flush=True)
        transport = DyingComTransport(
            where if system == "qb" else "", processor_factory=lambda: FakeRequestProcessor(company)
        )
        with open_quickbooks(transport) as books:
            report = run_sync(halo, books, SyncState(store.engine, "acme"), FLOWS)
        company.close()
    summary = {
        "stopped": report.stopped.user_message if report.stopped else None,
        "counts": {flow: dict(counts) for flow, counts in report.counts.items()},
        "errors": [f"{flow}: {record}: {error.user_message}" for flow, record, error in report.errors],
    }
    print(json.dumps(summary), flush=True)
    halo.close()
    store.close()
    return 0


def _sync_sage(halo: HaloClient, store: Store, kept: Path, delay: float, die_after: str) -> RunReport:
    """One run against the simulated Sage 50 UK company kept in ``kept`` (saved after every change).

    ``die_after`` ``post`` or ``save``: SIGKILL once Sage has saved the first posting or account, so
    the answer never reaches the engine.
    """
    company = load_company(kept)
    company.users[SAGE_USER] = SAGE_PASSWORD  # the file keeps user names, never passwords
    company.autosave = kept
    company.faults.processing_delay_seconds = delay
    if die_after:
        name = {"post": "post", "save": "save_account"}[die_after]
        saving = getattr(company, name)

        def saved_then_die(*args: object, **kwargs: object) -> object:
            result = saving(*args, **kwargs)
            die()
            return result

        setattr(company, name, saved_then_die)
    engine = SDOEngine({company.data_path: company}, version=company.version)
    books = Sage50UKBooks(SdoConnector(lambda: engine, company.data_path, SAGE_USER, SecretStr(SAGE_PASSWORD)))
    print("ready", flush=True)
    return run_sync(halo, books, SyncState(store.engine, "acme"), FLOWS)


def _sync_canada(halo: HaloClient, store: Store, kept: Path, delay: float, die_after: str) -> RunReport:
    """One run against the simulated Sage 50 Canada company kept in ``kept`` (saved after every change).

    ``die_after`` ``post`` or ``save``: SIGKILL once Sage has recorded the first invoice or saved the
    first customer, item or vendor, so the answer never reaches the engine. Reads come from a
    SQLite copy of its database beside it, rewritten when the company changed.
    """
    company = canada.load_company(kept)
    company.autosave = kept
    saving = company.touch

    def slow_touch() -> None:
        time.sleep(delay)
        saving()

    company.touch = slow_touch  # type: ignore[method-assign]
    if die_after:
        target = {"post": canada_sdk._InvoiceJournal, "save": canada_sdk._PartyLedger}[die_after]  # noqa: SLF001
        method = "Post" if die_after == "post" else "Save"
        original = getattr(target, method)

        def done_then_die(self: object) -> bool:
            ok = bool(original(self))
            if ok:
                die()
            return ok

        setattr(target, method, done_then_die)
    manager = canada_sdk.FakeSDKInstanceManager({str(kept): company}, {SAGE_USER: canada_sdk.SdkUser(SAGE_PASSWORD)})
    live = LiveCopy(company, f"sqlite:///{kept.with_suffix('.simply.db')}")
    connector = SdkConnector(lambda: manager, str(kept), SAGE_USER, SecretStr(SAGE_PASSWORD))
    books = Sage50CABooks(SageCanadaDatabase(live.url, before_read=live.refresh), SdkWriter(connector))
    print("ready", flush=True)
    try:
        return run_sync(halo, books, SyncState(store.engine, "acme"), FLOWS)
    finally:
        books.close()
        live.close()


def fork_server() -> int:
    for line in sys.stdin:
        argv = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                code = main(argv)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(f"started {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {pid} {os.waitstatus_to_exitcode(status)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(fork_server() if sys.argv[1:] == ["--fork-server"] else main(sys.argv[1:]))
