"""Connections to a Sage 50 UK company through Sage Data Objects (COM; research sage50.md §1.2).

One short-lived connection per batch: ``Workspaces.Add`` → ``Connect(path, user, password,
unique)`` → work → ``Disconnect()`` in ``finally``, so a crash or an error never leaves the Sage
user logged in (Sage allows one connection per user name). Calls on one data path are
serialised within this process. The engine comes from a factory: ``SDOEngine.<major>`` through
pywin32 on Windows, or the simulator's object model in tests and the demo.
"""

from __future__ import annotations

import re
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from halo_accounts.connectors.sage50uk.errors import sdo_error
from halo_accounts.errors import ConfigError, SyncError, TransientError

__all__ = ["Connection", "SdoConnector", "choose_sdo_version", "dispatch_engine", "installed_sdo_version"]

_PATH_LOCKS: dict[str, threading.Lock] = {}
_PATH_LOCKS_GUARD = threading.Lock()


def _path_lock(path: str) -> threading.Lock:
    with _PATH_LOCKS_GUARD:
        return _PATH_LOCKS.setdefault(path.casefold(), threading.Lock())


# Where the SDO installer records its current version (a public integration reads it; unconfirmed by Sage).
SDO_REGISTRY_KEY = r"SOFTWARE\WOW6432Node\Sage\Line 50\SDO"


def installed_sdo_version(read_current: Callable[[], str | None] | None = None) -> int | None:
    """The major version of the SDO registered on this PC (value ``Current``, e.g. ``SDOEngine.32``), if known."""
    value = (read_current or _read_registry_current)()
    digits = re.search(r"(\d+)\D*$", value or "")
    return int(digits.group(1)) if digits else None


def _read_registry_current() -> str | None:
    if sys.platform != "win32":
        return None
    import winreg  # noqa: PLC0415 - Windows-only

    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, SDO_REGISTRY_KEY) as key:
            value, _ = winreg.QueryValueEx(key, "Current")
    except OSError:
        return None
    return str(value)


def choose_sdo_version(configured: int, read_current: Callable[[], str | None] | None = None) -> int:
    """The configured version, or the installed one when the setting is 0 (detect)."""
    if configured:
        return configured
    found = installed_sdo_version(read_current)
    if found is None:
        msg = (
            "Could not tell which Sage 50 version's Sage Data Objects are installed on this PC. "
            "Set it: halo-accounts company add NAME --books sage50uk --sdo-version 32 (32 is Sage 50 2026)."
        )
        raise ConfigError(msg)
    return found


def dispatch_engine(version: int) -> Callable[[], Any]:
    """A factory for the installed ``SDOEngine.<version>`` (Windows, the ``windows`` extra)."""

    def create() -> Any:
        try:
            import pythoncom  # noqa: PLC0415 - Windows-only
            import win32com.client  # noqa: PLC0415
        except ImportError:
            msg = (
                "Sage 50 UK is reached through Sage Data Objects, which needs Windows and pywin32. "
                'Install it with: pip install "halo-accounts-integrator[windows]"'
            )
            raise ConfigError(msg) from None
        pythoncom.CoInitialize()
        try:
            return win32com.client.Dispatch(f"SDOEngine.{version}")
        except Exception as exc:  # noqa: BLE001 - pywintypes.com_error, whose class is Windows-only
            msg = (
                f"SDOEngine.{version} is not installed on this machine: install Sage 50 Accounts v{version} "
                "(its SDO comes with it), or set the company's SDO version to the one installed."
            )
            raise ConfigError(msg, detail=repr(exc)) from None

    return create


@dataclass
class SdoConnector:
    """How to reach one company: the engine factory, its data path and the Sage user."""

    engine_factory: Callable[[], Any]
    data_path: str
    user: str
    password: SecretStr = field(repr=False, default_factory=lambda: SecretStr(""))
    application: str = "HaloAccounts"
    version: int = 0  # the SDO's major version, for messages (0: not known)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connected workspace, disconnected however the block ends."""
        with _path_lock(self.data_path):
            engine = self.engine_factory()
            try:
                workspace = engine.Workspaces.Add(self.application)
                unique = f"{self.application}-{uuid.uuid4().hex[:12]}"
                connected = workspace.Connect(self.data_path, self.user, self.password.get_secret_value(), unique)
            except Exception as exc:  # noqa: BLE001 - pywintypes.com_error, whose class is Windows-only
                msg = (
                    f"Sage 50 could not be opened through Sage Data Objects at {self.data_path}. Check Sage 50 is "
                    "installed on this PC and the data folder is reachable; the detail says what SDO answered."
                )
                raise TransientError(msg, detail=f"{type(exc).__name__}: {exc}") from None
            if not connected:
                error = sdo_error(int(engine.LastError.Code), str(engine.LastError.Text))
                if error.code == "SDO26" and self.version:  # name the SDO that was tried
                    error.user_message = f"{error.user_message} The SDO used is SDOEngine.{self.version}."
                raise error
            try:
                yield Connection(engine, workspace)
            except Exception as exc:
                if not _is_com_failure(exc):
                    raise
                raise _lost(engine, exc) from None
            finally:
                try:
                    workspace.Disconnect()
                except Exception:  # noqa: BLE001, S110 - already gone; nothing is left to close
                    pass


def _is_com_failure(exc: Exception) -> bool:
    """A failed COM call: pywin32's ``com_error`` (Windows-only class), or what the object model raises."""
    return type(exc).__name__ == "com_error" or isinstance(exc, RuntimeError | OSError)


def _lost(engine: Any, exc: Exception) -> TransientError:
    """A COM call that raised (the connection dropped, a share went away): what it wrote is uncertain."""
    try:
        last = f"; LastError {engine.LastError.Code}: {engine.LastError.Text}"
    except Exception:  # noqa: BLE001 - the engine itself may be gone
        last = ""
    msg = (
        "Sage 50 stopped answering in the middle of the sync (the connection or the data folder went away). "
        "What was being written is checked before it is written again, on the next run."
    )
    return TransientError(msg, detail=f"{type(exc).__name__}: {exc}{last}", uncertain=True)


@dataclass(frozen=True)
class Connection:
    """A connected ``WorkSpace`` and the engine whose ``LastError`` explains its failures."""

    engine: Any
    workspace: Any

    def create(self, name: str) -> Any:
        """``WorkSpace.CreateObject(name)``."""
        return self.workspace.CreateObject(name)

    def failure(self, record: str) -> SyncError:
        """The error for the call that just answered False, naming ``record``."""
        return sdo_error(int(self.engine.LastError.Code), str(self.engine.LastError.Text), record)
