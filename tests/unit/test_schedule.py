"""When companies sync: windows, intervals, pause, and the scheduler over a real store."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

import pytest

from halo_accounts.config import Books, BooksTransport, CompanySettings, ConfigError, Settings, load_settings
from halo_accounts.errors import TransientError
from halo_accounts.schedule import SyncWindow, is_due
from halo_accounts.scheduler import Scheduler
from halo_accounts.store import open_store
from halo_accounts.store.state import SyncState


def local(hour: int, minute: int = 0, day: int = 28) -> dt.datetime:
    """An aware datetime at this local time of day (windows are in the computer's local time)."""
    return dt.datetime(2026, 11, day, hour, minute).astimezone()


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("19:00-07:00", ["19:00", "23:59", "00:00", "06:59"], ["07:00", "12:00", "18:59"]),
        ("08:30-17:00", ["08:30", "12:00", "16:59"], ["08:29", "17:00", "23:00"]),
        (" 9:00 - 9:30 ", ["09:00", "09:29"], ["09:30", "08:59"]),
    ],
)
def test_a_window_holds_its_start_not_its_end_and_may_run_over_midnight(text, inside, outside):
    window = SyncWindow.parse(text)
    assert window is not None
    for moment in inside:
        assert window.contains(dt.time.fromisoformat(moment)), moment
    for moment in outside:
        assert not window.contains(dt.time.fromisoformat(moment)), moment


@pytest.mark.parametrize("text", ["19-07", "24:00-01:00", "10:60-11:00", "10:00-10:00", "tonight"])
def test_a_bad_window_is_a_config_error_that_shows_the_format(text):
    with pytest.raises(ConfigError, match="HH:MM-HH:MM|same time"):
        SyncWindow.parse(text)


def test_an_empty_window_means_any_time():
    assert SyncWindow.parse("") is None


def test_due_after_the_interval_inside_the_window_and_never_when_paused():
    window = SyncWindow.parse("19:00-07:00")
    last = local(20, 0)
    assert is_due(now=local(20, 14), last_started=last, every_minutes=15, window=window, paused=False) is False
    assert is_due(now=local(20, 15), last_started=last, every_minutes=15, window=window, paused=False) is True
    assert is_due(now=local(12, 0), last_started=None, every_minutes=15, window=window, paused=False) is False
    assert is_due(now=local(2, 0, day=29), last_started=last, every_minutes=15, window=window, paused=False)
    assert is_due(now=local(2, 0, day=29), last_started=None, every_minutes=15, window=None, paused=True) is False


def test_the_settings_file_keeps_a_valid_window_and_refuses_a_bad_one(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[companies.acme]\ntransport = "com"\nsync_window = "19:00 - 7:00"\npaused = true\n')
    company = load_settings(path, environ={}).companies["acme"]
    assert (company.sync_window, company.paused) == ("19:00-07:00", True)
    path.write_text('[companies.acme]\nsync_window = "7pm to 7am"\n')
    with pytest.raises(ConfigError, match="sync_window"):
        load_settings(path, environ={})


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Collect(logging.Handler):
    """The records of one logger (the CLI's logging set-up stops propagation to pytest's caplog)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_the_scheduler_runs_due_companies_from_the_store_history_and_survives_failures(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    clock = Clock(local(21, 0))
    companies = {
        "direct": CompanySettings(transport=BooksTransport.COM, run_every_minutes=30),
        "night": CompanySettings(transport=BooksTransport.SIMULATOR, sync_window="22:00-06:00"),  # every 15
        "paused": CompanySettings(transport=BooksTransport.COM, paused=True),
        "broken": CompanySettings(transport=BooksTransport.COM, run_every_minutes=30),
        "buggy": CompanySettings(transport=BooksTransport.COM, run_every_minutes=30),
        "web": CompanySettings(),  # the Web Connector decides when it syncs
    }
    settings = Settings(companies=companies)
    ran: list[str] = []

    def run_company(name: str) -> None:
        ran.append(name)
        state = SyncState(store.engine, name, clock=clock)
        state.finish_run(state.start_run(dry_run=False), "ok", "")
        if name == "broken":
            raise TransientError("Halo cannot be reached.")
        if name == "buggy":
            raise RuntimeError("a bug")

    scheduler = Scheduler(
        lambda: settings, lambda name: SyncState(store.engine, name).last_run_started(), run_company, clock=clock
    )
    try:
        logger, collect = logging.getLogger("halo_accounts.scheduler"), Collect()
        logger.addHandler(collect)
        try:
            assert scheduler.run_due() == ["direct", "broken", "buggy"]  # each failure left the others running
        finally:
            logger.removeHandler(collect)
        assert "The scheduled sync of broken stopped: Halo cannot be reached." in collect.messages
        assert "The scheduled sync of buggy failed unexpectedly" in collect.messages
        ran.clear()
        clock.now = local(21, 29)
        assert scheduler.run_due() == []  # within every interval, and 'night' still outside its window
        clock.now = local(22, 0)
        assert scheduler.run_due() == ["direct", "night", "broken", "buggy"]
        settings.companies["direct"].paused = True  # read on every pass: a pause applies at once
        clock.now = local(23, 0)
        assert "direct" not in scheduler.run_due()
        assert not {"paused", "web"} & set(ran)
    finally:
        store.close()


def test_stopping_waits_for_the_run_under_way(tmp_path):
    import threading

    started, release = threading.Event(), threading.Event()
    finished: list[str] = []

    def run_company(name: str) -> None:
        started.set()
        release.wait(10)
        finished.append(name)

    settings = Settings(companies={"direct": CompanySettings(transport=BooksTransport.COM)})
    scheduler = Scheduler(lambda: settings, lambda name: None, run_company, tick_seconds=0.05)
    scheduler.start()
    assert started.wait(10)
    assert scheduler.stop(timeout=0.2) is False  # still finishing its run: not cut off
    release.set()
    assert scheduler.stop(timeout=10) is True
    assert finished == ["direct"]


def test_a_run_that_fails_before_it_is_recorded_waits_its_interval_too():
    attempts: list[str] = []

    def books_will_not_open(name: str) -> None:
        attempts.append(name)
        raise TransientError("QuickBooks is not running with the company file open.")

    clock = Clock(local(10, 0))
    settings = Settings(companies={"direct": CompanySettings(transport=BooksTransport.COM, run_every_minutes=15)})
    scheduler = Scheduler(lambda: settings, lambda name: None, books_will_not_open, clock=clock)
    assert scheduler.run_due() == ["direct"]
    clock.now = local(10, 5)
    assert scheduler.run_due() == []  # not every pass: the store never saw a run, the scheduler saw the attempt
    clock.now = local(10, 15)
    assert scheduler.run_due() == ["direct"]
    assert attempts == ["direct", "direct"]


def test_a_company_on_import_files_syncs_as_soon_as_new_exports_land(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    company = CompanySettings(
        books=Books.SAGE50UK, transport=BooksTransport.FILES, import_folder=str(tmp_path / "in"),
        export_folder=str(exports), run_every_minutes=60,
    )  # fmt: skip
    settings = Settings(companies={"sage": company})
    ran: list[str] = []
    clock = Clock(local(10, 0))
    scheduler = Scheduler(lambda: settings, lambda name: None, ran.append, clock=clock)
    assert scheduler.run_due() == ["sage"]  # never run: due
    clock.now = local(10, 5)
    assert scheduler.run_due() == []  # the hour has not passed, and nothing new was exported
    export = exports / "customers.csv"
    export.write_text("ACME,Acme Ltd\r\n", encoding="cp1252")
    os.utime(export, (local(10, 7).timestamp(), local(10, 7).timestamp()))
    clock.now = local(10, 8)
    assert scheduler.run_due() == ["sage"]  # Sage exported: sync now
    clock.now = local(10, 9)
    assert scheduler.run_due() == []  # that export is read; nothing newer
    settings.companies["sage"] = company.model_copy(update={"paused": True})
    os.utime(export, (local(10, 10).timestamp(), local(10, 10).timestamp()))
    clock.now = local(10, 11)
    assert scheduler.run_due() == []  # a pause holds even a new export
    assert ran == ["sage", "sage"]


def test_sync_now_runs_a_company_at_once_outside_its_interval_and_window_but_never_when_paused():
    settings = Settings(
        companies={
            "direct": CompanySettings(transport=BooksTransport.COM, run_every_minutes=60, sync_window="19:00-07:00"),
            "web": CompanySettings(),  # the Web Connector decides when it syncs
        }
    )
    ran: list[str] = []
    clock = Clock(local(10, 0))  # outside the window
    scheduler = Scheduler(lambda: settings, lambda name: local(9, 55), ran.append, clock=clock)
    assert scheduler.run_due() == []
    assert "starts now" in scheduler.request("direct")
    assert scheduler.run_due() == ["direct"]
    assert scheduler.run_due() == []  # once, not from then on
    assert "Update Selected" in scheduler.request("web")
    settings.companies["direct"] = settings.companies["direct"].model_copy(update={"paused": True})
    assert "paused" in scheduler.request("direct")
    assert scheduler.run_due() == []
    with pytest.raises(ConfigError, match="no company 'nowhere'"):
        scheduler.request("nowhere")
    assert ran == ["direct"]


def test_sync_now_during_a_run_says_so_and_runs_once_more_after_it():
    import threading

    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def run_company(name: str) -> None:
        runs.append(name)
        if len(runs) == 1:
            started.set()
            release.wait(10)

    settings = Settings(companies={"direct": CompanySettings(transport=BooksTransport.COM)})
    last_started = lambda name: dt.datetime.now(dt.UTC) if runs else None  # noqa: E731 - then not due for 15 minutes
    scheduler = Scheduler(lambda: settings, last_started, run_company, tick_seconds=0.05)
    scheduler.start()
    try:
        assert started.wait(10)
        assert "is under way; another starts when it ends" in scheduler.request("direct")
        release.set()
        deadline = time.monotonic() + 10
        while len(runs) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # a few more passes: nothing more is due
    finally:
        scheduler.stop(timeout=10)
    assert runs == ["direct", "direct"]  # the one under way, then the one asked for
    assert "starts now" in scheduler.request("direct")  # nothing under way any more
