"""The sync wired in process for the reliability tests, with faults that can be armed at a chosen moment.

Halo is the simulator behind ``SyncASGITransport`` (no socket, backoff sleeps instant);
QuickBooks is the company simulator behind the fake request processor. ``FaultyHalo`` arms the
simulator's own fault knobs at a chosen call and adds the one fault a knob cannot express:
Halo doing the work and its answer never arriving. ``DuringWrite`` lets something happen in
QuickBooks just as a write message reaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from halo_accounts.config import Direction, FlowSettings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.quickbooks.books import open_quickbooks
from halo_accounts.connectors.quickbooks.transports.com import ComTransport
from halo_accounts.engine.context import RunReport
from halo_accounts.engine.runner import run_sync
from halo_accounts.errors import SyncError
from halo_accounts.simulators.halo import HaloSimulator
from halo_accounts.simulators.quickbooks import QuickBooksCompany
from halo_accounts.simulators.quickbooks.request_processor import FakeRequestProcessor
from halo_accounts.simulators.serving import SyncASGITransport
from halo_accounts.store import Store, open_store
from halo_accounts.store.state import SyncState
from reliability.invariants import assert_each_record_once, posted_ids

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT

FLOWS = FlowSettings(tax_rates=Direction.FROM_BOOKS, payments=Direction.FROM_BOOKS)
HALO = "http://halo.test"
MAX_RUNS = 12


@dataclass
class Trigger:
    """Do ``action`` just before the first Halo call that ``matches`` (once)."""

    matches: Callable[[httpx.Request], bool]
    action: Callable[[], None]
    lose_answer: bool = False  # let Halo process the call, then lose its answer (a timeout)


def call(method: str, entity: str) -> Callable[[httpx.Request], bool]:
    return lambda r: r.method == method and r.url.path.lower() == f"/api/{entity.lower()}"


class FaultyHalo(httpx.BaseTransport):
    """The simulator in process, with faults armed at chosen calls."""

    def __init__(self, sim: HaloSimulator) -> None:
        self.inner = SyncASGITransport(sim.app)
        self.triggers: list[Trigger] = []
        self.lost_answers = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fired = next((t for t in self.triggers if t.matches(request)), None)
        if fired is not None:
            self.triggers.remove(fired)
            fired.action()
        response = self.inner.handle_request(request)
        if fired is not None and fired.lose_answer:
            self.lost_answers += 1
            raise httpx.ReadTimeout("the answer was lost on the way back", request=request)
        return response


class DuringWrite:
    """A request processor that lets something happen in QuickBooks just before a write message."""

    def __init__(self, company: QuickBooksCompany, tag: str, action: Callable[[], None]) -> None:
        self.processor = FakeRequestProcessor(company)
        self.tag = tag
        self.action: Callable[[], None] | None = action

    def __getattr__(self, name: str) -> object:
        return getattr(self.processor, name)

    def ProcessRequest(self, ticket: str, xml: str) -> str:  # noqa: N802 - COM's name
        if self.action is not None and f"<{self.tag}" in xml:
            self.action, action = None, self.action
            action()
        return self.processor.ProcessRequest(ticket, xml)


@dataclass
class World:
    """Both systems, the sync state and the Halo client of one test."""

    sim: HaloSimulator
    company: QuickBooksCompany
    store: Store
    state: SyncState
    halo: HaloClient
    transport: FaultyHalo
    posted_before: set[int]
    processor: Callable[[], object] | None = None
    reports: list[RunReport] = field(default_factory=list)

    def sync(self, **kwargs: object) -> RunReport:
        factory = self.processor or (lambda: FakeRequestProcessor(self.company))
        with open_quickbooks(ComTransport(processor_factory=factory)) as books:
            report = run_sync(self.halo, books, self.state, FLOWS, **kwargs)  # type: ignore[arg-type]
        self.reports.append(report)
        return report

    def sync_until_clean(self, runs: int = MAX_RUNS) -> RunReport:
        """Run until a run has no failure; return it."""
        for _ in range(runs):
            try:
                report = self.sync()
            except SyncError:
                continue  # QuickBooks could not be reached at all: nothing to check in this run
            if report.stopped is None and not report.errors:
                return report
        pytest.fail(f"no clean run in {runs}: {[r.errors for r in self.reports[-3:]]}")

    def settle(self) -> None:
        """A clean run, then one more that must write nothing; then each record exactly once."""
        self.sync_until_clean()
        last = self.sync()
        assert last.errors == []
        writes = {(p.flow, p.action) for p in last.plan if p.action in ("created", "updated", "create", "link")}
        assert writes == set(), last.plan
        assert_each_record_once(self.sim, self.company, self.state, posted_before=self.posted_before)


def build_world(sim: HaloSimulator, folder: Path) -> World:
    """Wire a sync between ``sim`` (already seeded) and a new, empty UK QuickBooks company."""
    company = QuickBooksCompany(edition="UK", company_file=r"C:\Books\Acme.qbw", validate_schema=False)
    store = open_store(f"sqlite:///{folder / 'state.sqlite'}")
    transport = FaultyHalo(sim)
    auth = ClientCredentialsAuth(
        base_url=HALO, client_id=CLIENT_ID, client_secret=SecretStr(CLIENT_SECRET),
        scopes=["edit:customers", "edit:items", "edit:invoices", "admin"], tenant=TENANT,
    )  # fmt: skip
    halo = HaloClient(base_url=HALO, auth=auth, transport=transport, rate_limit=None, sleep=lambda _: None)
    return World(sim, company, store, SyncState(store.engine, "acme"), halo, transport, posted_ids(sim))


def new_simulator() -> HaloSimulator:
    """An empty Halo tenant with the test credentials and no rate limit."""
    return HaloSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tenant=TENANT, rate_limit=None)


def close_world(world: World) -> None:
    world.halo.close()
    world.store.close()


def failures(report: RunReport, flow: str) -> dict[str, str]:
    """The failed records of ``flow``: label -> the user message."""
    return {record: error.user_message for f, record, error in report.errors if f == flow}
