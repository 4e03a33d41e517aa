"""``serve``'s own schedule, for companies it reaches directly (COM, a simulated company).

Web Connector companies sync when the Web Connector calls (their ``.qwc`` sets the interval);
every other company syncs here every ``run_every_minutes``, inside its sync window, unless
paused. A company reached through import files (Sage 50 UK) is also synced as soon as new
exports land in its export folder: the folder is watched, so an unattended Sage export feeds the
next sync at once. Runs happen one at a time in one background thread. The settings file is read again
on every pass, so a pause, a new window or a new company takes effect without a restart.
Stopping lets the run under way finish: every record is either written and bound or not
started, never half-written.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from halo_accounts.config import BooksTransport, CompanySettings, Settings
from halo_accounts.errors import SyncError
from halo_accounts.schedule import held_back, is_due

__all__ = ["Scheduler", "scheduled_companies"]

log = logging.getLogger(__name__)


def scheduled_companies(settings: Settings) -> list[str]:
    """The companies ``serve`` syncs on its own schedule."""
    return [name for name, c in settings.companies.items() if c.transport is not BooksTransport.WEBCONNECTOR]


def _new_exports(company: CompanySettings, since: dt.datetime) -> bool:
    """Whether the company's export folder holds a CSV file written after ``since``."""
    if company.transport is not BooksTransport.FILES or not company.export_folder:
        return False
    try:
        stamps = [p.stat().st_mtime for p in Path(company.export_folder).glob("*.csv")]
    except OSError:  # a share that is away for a moment: the interval still applies
        return False
    return any(dt.datetime.fromtimestamp(stamp, dt.UTC) > since for stamp in stamps)


class Scheduler:
    """Starts each scheduled company's sync when it is due."""

    def __init__(
        self,
        load_settings: Callable[[], Settings],
        last_started: Callable[[str], dt.datetime | None],
        run_company: Callable[[str], None],
        *,
        clock: Callable[[], dt.datetime] | None = None,
        tick_seconds: float = 20.0,
    ) -> None:
        self._load_settings = load_settings
        self._last_started = last_started
        self._run_company = run_company
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._tick = tick_seconds
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._requested: set[str] = set()  # "sync now", asked from the dashboard
        self._running: str | None = None  # the company whose run is under way
        self._thread: threading.Thread | None = None
        # A run that fails before it is recorded (the books would not open) still counts as an
        # attempt, or it would be retried on every pass.
        self._attempted: dict[str, dt.datetime] = {}

    def run_due(self) -> list[str]:
        """One pass: run every company that is due, in turn; returns the ones run."""
        try:
            settings = self._load_settings()
        except SyncError as exc:
            log.warning("The schedule waits: the settings cannot be read (%s)", exc.user_message)
            return []
        ran: list[str] = []
        for name in scheduled_companies(settings):
            if self._stopping.is_set():
                break
            company = settings.companies[name]
            now = self._clock()
            started = [t for t in (self._last_started(name), self._attempted.get(name)) if t is not None]
            last = max(started, default=None)
            due = is_due(
                now=now, last_started=last, every_minutes=company.run_every_minutes, window=company.window(),
                paused=company.paused,
            )  # fmt: skip
            if not due and last is not None and _new_exports(company, last):
                due = not held_back(now=now, window=company.window(), paused=company.paused)
            if name in self._requested:  # asked for now: whatever the interval and window, unless paused
                self._requested.discard(name)
                due = not company.paused
            if not due:
                continue
            ran.append(name)
            self._attempted[name] = now
            stopped = ""
            self._running = name
            try:
                self._run_company(name)
            except SyncError as exc:  # recorded in the run history; the next pass tries again
                stopped = exc.user_message
            except Exception:  # a bug must not end the schedule of every other company
                log.exception("The scheduled sync of %s failed unexpectedly", name)
            finally:
                self._running = None
            if stopped:
                log.error("The scheduled sync of %s stopped: %s", name, stopped)
        return ran

    def request(self, company: str) -> str:
        """Sync ``company`` on the next pass, which starts at once; what will happen, in words."""
        settings = self._load_settings()
        chosen = settings.company(company)
        if company not in scheduled_companies(settings):
            return f"'{company}' syncs when the QuickBooks Web Connector calls: press 'Update Selected' there."
        if chosen.paused:
            return f"'{company}' is paused: resume it first."
        self._requested.add(company)
        self._wake.set()
        if self._running == company:  # a change made a moment ago may be past the point this run read it
            return f"A sync of '{company}' is under way; another starts when it ends, with any change made since."
        return f"A sync of '{company}' starts now; its outcome shows on the overview when it is done."

    def start(self) -> None:
        """Run passes in a background thread until :meth:`stop`."""

        def loop() -> None:
            while not self._stopping.is_set():
                self._wake.clear()
                self.run_due()
                self._wake.wait(self._tick)

        self._thread = threading.Thread(target=loop, name="halo-accounts-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> bool:
        """Start no new run and wait for the one under way; ``False`` if it is still running after ``timeout``."""
        self._stopping.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()
