"""kill -9 during syncs with Sage 50 Canada, restart, repeat: every customer, item, invoice and payment once.

As for QuickBooks and Sage 50 UK: the sync runs in forked worker processes against durable state
only (the simulated Sage company in a JSON file saved after every change, with its database copy
beside it; the sync store in SQLite; Halo here on loopback HTTP) and is killed at random moments
until a run finishes, then once more at each nasty moment on purpose: right after Sage saved a
customer or recorded an invoice, before the answer reached the engine. One more clean run must
write nothing.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.sage50ca import TaxCode, load_company, save_company, seed_company
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState
from reliability.forking import ForkServer
from reliability.invariants import assert_each_canada_record_once, posted_ids
from reliability.sage_trials import dying_at_each_moment, killed_until_done

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX-only")

PROCESSING_DELAY = 0.004  # seconds per Sage change, so that a run is long enough to be hit
SHORT_TRIALS = 2
LONG_TRIALS = int(os.environ.get("HALO_ACCOUNTS_LONG_TRIALS", "25"))


class CanadaWorld:
    """The durable pieces one trial shares between worker processes."""

    def __init__(self, server: ForkServer, sim: HaloSimulator, halo_url: str, folder: Path) -> None:
        self.server, self.sim, self.halo_url = server, sim, halo_url
        self.kept = folder / "canada.json"
        self.store_url = f"sqlite:///{folder / 'state.sqlite'}"
        company = seed_company("ON")
        company.add_tax_code(TaxCode("Q", "QST @ 9.975%", ("QST",)))  # Halo's Quebec rate: nothing waits for a code
        save_company(company, self.kept)

    def run(self, kill_after: float | None, die_after: str = "") -> dict[str, Any] | None:
        """One worker run: its summary, or None when it was killed before it finished."""
        argv = [self.halo_url, str(self.kept), self.store_url, "--delay", str(PROCESSING_DELAY), "--books", "sage50ca"]
        code, lines = self.server.run([*argv, "--die-after", die_after], kill_after)
        if code == -signal.SIGKILL:
            return None
        assert code == 0, (lines, self.server.log.read_text(encoding="utf-8")[-3000:])
        return json.loads(lines[-1])

    def pay(self) -> int:
        """Customers pay half of every recorded invoice nobody has paid yet; returns how many."""
        company = load_company(self.kept)
        paid = 0
        for invoice in [i for i in company.invoices if i.journal == "sales" and i.total > 0]:
            if company.owing(invoice) != invoice.total:
                continue
            half = (invoice.total / 2).quantize(Decimal("0.01"))
            assert company.record_receipt(invoice.party, date(2026, 11, 20), [(invoice.number, half)], "CHQ") == ""
            paid += 1
        save_company(company, self.kept)
        return paid

    def check(self, posted_before: set[int]) -> None:
        store = open_store(self.store_url)
        try:
            company = load_company(self.kept)
            assert_each_canada_record_once(
                self.sim, company, SyncState(store.engine, "acme"), posted_before=posted_before
            )
            assert company.invoices, "nothing was recorded at all"
        finally:
            store.close()


def trial(server: ForkServer, sim: HaloSimulator, halo_url: str, folder: Path, number: int) -> None:
    seed_tenant(sim, seed=500 + number, customers=10, items=6, invoices=24, country="CA")
    world = CanadaWorld(server, sim, halo_url, folder)
    killed_until_done(world, posted_ids(sim), number)


def test_death_right_after_sage_saved_still_lands_everything_exactly_once(fork_server, halo_sim, halo_url, tmp_path):
    seed_tenant(halo_sim, seed=78, customers=10, items=8, invoices=30, country="CA")
    world = CanadaWorld(fork_server, halo_sim, halo_url, tmp_path)
    dying_at_each_moment(world, posted_ids(halo_sim))


@pytest.mark.parametrize("number", range(SHORT_TRIALS))
def test_killed_canada_sync_lands_everything_exactly_once(fork_server, halo_sim, halo_url, tmp_path, number):
    trial(fork_server, halo_sim, halo_url, tmp_path, number)


@pytest.mark.long
@pytest.mark.parametrize("number", range(SHORT_TRIALS, SHORT_TRIALS + LONG_TRIALS))
def test_killed_canada_sync_lands_everything_exactly_once_long(fork_server, halo_sim, halo_url, tmp_path, number):
    trial(fork_server, halo_sim, halo_url, tmp_path, number)
