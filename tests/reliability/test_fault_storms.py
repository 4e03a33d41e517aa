"""Fault storms: Halo refusing, failing and forgetting tokens, QuickBooks locked, dropped, edited and closed.

In process: the Halo simulator through ``SyncASGITransport`` (backoff sleeps are instant), the
QuickBooks simulator behind the fake request processor. Faults come from the simulators' own
knobs; ``FaultyHalo`` only decides *when* to turn them (at a given call) and adds the one fault
a knob cannot: Halo doing the work and the answer never arriving. After the storm, runs go on
until one is clean; then each record must be in both systems exactly once, as in the
kill-and-restart test.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest

from halo_accounts.connectors.halo.resources import CLIENT, ClientRecord
from halo_accounts.errors import SyncError, TransientError
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from reliability.inprocess import DuringWrite, Trigger, World, build_world, call, close_world, new_simulator
from reliability.invariants import pay_new_invoices


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    sim = new_simulator()
    seed_tenant(sim, seed=5, customers=10, items=6, invoices=24)
    built = build_world(sim, tmp_path)
    yield built
    close_world(built)


def statuses(sim: HaloSimulator) -> list[int]:
    return [r.status for r in sim.requests]


def test_halo_429_bursts_and_server_errors_are_ridden_out_within_the_run(world):
    world.sim.faults.rate_limit_burst(4)  # with the 503s below: 6 refusals of the first call, of 8 attempts
    world.sim.faults.server_errors(2, status=503)
    world.transport.triggers += [
        Trigger(call("GET", "Invoice"), lambda: world.sim.faults.rate_limit_burst(4)),
        Trigger(call("POST", "Client"), lambda: world.sim.faults.server_errors(2)),  # the accountsid write-back
        Trigger(call("POST", "Invoice"), lambda: world.sim.faults.server_errors(2, status=502)),  # posted flags
    ]
    report = world.sync()
    assert report.stopped is None
    assert report.errors == []  # every fault was retried away inside the run
    assert world.transport.triggers == []
    assert world.sim.faults.pending == []
    seen = statuses(world.sim)
    assert seen.count(429) == 8
    assert sorted(s for s in seen if s >= 500) == [500, 500, 502, 502, 503, 503]
    assert world.halo.limiter.waited_seconds > 0  # it backed off (instantly, in this test)
    world.settle()


def test_a_payment_halo_saved_but_never_confirmed_is_not_recorded_twice(world):
    world.sync_until_clean()
    assert pay_new_invoices(world.company, "P") > 0
    world.transport.triggers.append(Trigger(call("POST", "InvoicePayment"), lambda: None, lose_answer=True))
    lost = world.sync()
    assert world.transport.lost_answers == 1
    assert [flow for flow, _, _ in lost.errors] == ["payments"]
    (_, _, error), *_ = lost.errors
    assert isinstance(error, TransientError)
    assert error.uncertain  # "may or may not have been saved": the engine must look before it posts again
    saved = [p for p in world.sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    assert saved  # Halo did record them
    world.settle()  # ...and they are there exactly once


def test_a_payment_refused_with_a_server_error_is_sent_again(world):
    world.sync_until_clean()
    assert pay_new_invoices(world.company, "P") > 0
    world.transport.triggers.append(Trigger(call("POST", "InvoicePayment"), lambda: world.sim.faults.server_errors(1)))
    report = world.sync()
    assert [flow for flow, _, _ in report.errors] == ["payments"]
    assert not [p for p in world.sim.tables["InvoicePayment"].values() if p.get("thirdpartyid")]
    world.settle()


def test_expired_tokens_mid_run_and_between_runs_are_renewed(world):
    world.transport.triggers += [
        Trigger(call("GET", "Client"), world.sim.faults.expire_all_tokens),
        Trigger(call("POST", "Invoice"), world.sim.faults.expire_all_tokens),
    ]
    report = world.sync()
    assert report.stopped is None
    assert report.errors == []
    assert statuses(world.sim).count(401) == 2
    token_calls = [r for r in world.sim.requests if r.path.lower().endswith("/auth/token")]
    assert len(token_calls) == 3  # the first login and one renewal per expiry
    world.sim.faults.expire_all_tokens()
    world.settle()


def test_quickbooks_record_in_use_fails_only_those_records_and_they_land_next_run(world):
    world.sync(only=["tax_rates", "items", "customers"])
    world.company.faults.record_in_use(3)  # the first three invoices of the invoices' message
    first = world.sync()
    assert first.stopped is None
    assert len(first.errors) == 3
    for flow, record, error in first.errors:
        assert flow == "invoices"
        assert isinstance(error, TransientError)
        assert "in use" in error.user_message
        assert "tried again" in error.user_message
        assert record.split(" (")[0].removeprefix("credit note ").removeprefix("invoice ") in error.user_message
    assert first.counts["invoices"]["created"] > 0  # the rest of the message went through
    assert len(world.state.open_errors()) == 3
    world.settle()
    assert world.state.open_errors() == []


def test_items_in_use_hold_back_only_the_invoices_that_need_them(world):
    world.company.faults.record_in_use(2)  # the first two items of the items' message
    first = world.sync()
    in_use = [(record, error) for flow, record, error in first.errors if flow == "items"]
    assert len(in_use) == 2
    assert all("in use" in error.user_message for _, error in in_use)
    waiting = [error.user_message for flow, _, error in first.errors if flow == "invoices"]
    assert all("is not synced. Sync items first" in message for message in waiting)
    assert first.counts["customers"]["created"] == 10
    world.settle()


@pytest.mark.parametrize("after", [0, 2, 9])
def test_quickbooks_session_dropped_in_the_middle_of_a_write_message(world, after):
    world.sync(only=["tax_rates", "items", "customers"])
    # Armed just as the invoices' one message reaches QuickBooks: `after` of its requests are
    # applied, then the session dies, and every later call of the run finds no session.
    world.processor = lambda: DuringWrite(
        world.company, "InvoiceAddRq", lambda: world.company.faults.drop_session_after(after)
    )
    dropped = world.sync()
    world.processor = None
    assert dropped.errors
    assert any("unexpected error" in error.user_message for flow, _, error in dropped.errors if flow == "invoices")
    assert len(world.company.list_records("Invoice") + world.company.list_records("CreditMemo")) == after
    world.settle()


def test_a_customer_edited_in_quickbooks_meanwhile_is_updated_with_a_fresh_edit_sequence(world):
    world.sync_until_clean()
    client = next(c for c in world.sim.tables["Client"].values() if not c.get("inactive"))
    books_id = client["accountsid"]

    def edit_in_quickbooks(phone: str) -> None:
        customer = next(c for c in world.company.list_records("Customer") if c["ListID"] == books_id)
        answer = world.company.process_trusted(
            '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
            f"<CustomerModRq><CustomerMod><ListID>{books_id}</ListID><EditSequence>{customer['EditSequence']}"
            f"</EditSequence><Fax>{phone}</Fax></CustomerMod></CustomerModRq></QBXMLMsgsRq></QBXML>"
        )
        assert 'statusCode="0"' in answer

    # Edited in QuickBooks between runs: the integrator reads the current EditSequence first.
    edit_in_quickbooks("0100 000 0001")
    world.halo.save(CLIENT, [ClientRecord(id=client["id"], main_phonenumber="0200 000 0002")])
    report = world.sync()
    assert report.errors == []
    assert report.counts["customers"]["updated"] == 1
    customer = next(c for c in world.company.list_records("Customer") if c["ListID"] == books_id)
    assert (customer["Phone"], customer["Fax"]) == ("0200 000 0002", "0100 000 0001")

    # Edited in QuickBooks while the integrator's update is on its way: refused as stale, then retried.
    world.processor = lambda: DuringWrite(world.company, "CustomerModRq", lambda: edit_in_quickbooks("0100 000 0003"))
    world.halo.save(CLIENT, [ClientRecord(id=client["id"], main_phonenumber="0200 000 0004")])
    stale = world.sync()
    ((flow, record, error),) = stale.errors
    assert flow == "customers"
    assert client["name"] in record
    assert isinstance(error, TransientError)
    assert "changed in QuickBooks" in error.user_message
    world.processor = None
    world.settle()
    customer = next(c for c in world.company.list_records("Customer") if c["ListID"] == books_id)
    assert (customer["Phone"], customer["Fax"]) == ("0200 000 0004", "0100 000 0003")


def test_quickbooks_closed_for_a_run_changes_nothing_then_the_next_run_lands_everything(world):
    world.company.faults.not_running = True
    before = len(world.sim.requests)
    with pytest.raises(SyncError) as closed:
        world.sync()
    assert "QuickBooks is not running" in closed.value.user_message
    assert "Open QuickBooks" in closed.value.user_message
    assert not any(i.get("accountsid") for i in world.sim.tables["Client"].values())
    assert len(world.sim.requests) == before  # Halo was not even asked
    world.company.faults.not_running = False
    world.settle()


@pytest.mark.parametrize("seed", [1, 2])
def test_random_storm_on_both_sides_still_lands_everything_exactly_once(world, seed):
    rng = random.Random(seed)
    sim, company = world.sim, world.company
    halo_faults: list[Callable[[], None]] = [
        lambda: sim.faults.rate_limit_burst(rng.randint(1, 6)),
        lambda: sim.faults.server_errors(rng.randint(1, 3), status=rng.choice([500, 502, 503, 504])),
        sim.faults.expire_all_tokens,
    ]
    calls = [("GET", "Client"), ("GET", "Item"), ("GET", "Invoice"), ("GET", "Tax"), ("POST", "Client")]
    calls += [("POST", "Item"), ("POST", "Invoice"), ("POST", "InvoicePayment"), ("GET", "InvoicePayment")]
    hit = 0  # storm runs that did not get everything through
    for run in range(6):
        for method, entity in rng.sample(calls, 4):
            world.transport.triggers.append(
                Trigger(call(method, entity), rng.choice(halo_faults), lose_answer=rng.random() < 0.25)
            )
        company.faults.record_in_use(rng.randint(0, 4), rng.choice([3170, 3175, 3176]))
        company.faults.drop_session_after(rng.randint(2, 40)) if rng.random() < 0.5 else None
        company.faults.not_running = rng.random() < 0.15
        pay_new_invoices(company, f"S{run}")
        try:
            report = world.sync()
        except SyncError:
            hit += 1  # QuickBooks closed for this run
        else:
            hit += bool(report.errors)
        world.transport.triggers.clear()
        sim.faults.clear()
        company.faults.clear()
    assert hit >= 3  # the storm really got in the way
    world.settle()
