"""QuickBooks over COM: the local ``QBXMLRP2.RequestProcessor`` (Windows, pywin32).

Used when the integrator runs on the QuickBooks PC itself: the lowest latency and no TLS. The
calls follow Intuit's samples: ``OpenConnection2(appID, appName, 1)`` (1 = local QuickBooks),
``BeginSession(companyFile, mode)``, ``QBXMLVersionsForSession``, ``ProcessRequest`` one message
at a time, and ``EndSession`` + ``CloseConnection`` always, in ``finally``: a leaked session
keeps the company file locked. COM errors carry an HRESULT, mapped through the status table.
The request processor is created by an injected factory, so tests run a fake on any OS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from halo_accounts.connectors.quickbooks.qbxml.status import error_for_hresult
from halo_accounts.errors import ConfigError, SyncError

__all__ = ["APP_NAME", "ComTransport", "FILE_MODES", "hresult_of", "pywin32_request_processor"]

APP_NAME = "Halo Accounts Integrator"
LOCAL_QBD = 1  # ctLocalQBD
FILE_MODES = {"SingleUser": 0, "MultiUser": 1, "DoNotCare": 2}


def pywin32_request_processor() -> Any:
    """The real request processor; needs Windows, QuickBooks and the ``windows`` extra."""
    try:
        import pythoncom
        import win32com.client
    except ImportError:
        msg = (
            "QuickBooks over COM needs pywin32 on the QuickBooks PC: install the integrator with "
            "'pip install \"halo-accounts-integrator[windows]\"', or use the Web Connector instead."
        )
        raise ConfigError(msg) from None
    pythoncom.CoInitialize()  # once per thread that talks COM
    try:
        return win32com.client.Dispatch("QBXMLRP2.RequestProcessor")
    except Exception as exc:
        error = hresult_of(exc)
        msg = (
            "The QuickBooks request processor (QBXMLRP2) is not installed or not registered for this "
            "Python (32- versus 64-bit). Install QuickBooks Desktop on this PC, or use the Web Connector."
        )
        raise ConfigError(msg, detail=f"HRESULT 0x{error:08X}" if error else str(exc)) from None


def hresult_of(exc: BaseException) -> int | None:
    """The HRESULT in a pywin32 ``com_error``: the SCODE of its excepinfo if set, else its own code."""
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    info: tuple[Any, ...] = args[2] if len(args) >= 3 and isinstance(args[2], tuple) else ()
    if len(info) >= 6 and isinstance(info[5], int) and info[5]:
        return info[5] & 0xFFFFFFFF
    if args and isinstance(args[0], int):
        return args[0] & 0xFFFFFFFF
    code = getattr(exc, "hresult", None)
    return code & 0xFFFFFFFF if isinstance(code, int) else None


def _message_of(exc: BaseException) -> str:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    info: tuple[Any, ...] = args[2] if len(args) >= 3 and isinstance(args[2], tuple) else ()
    if len(info) >= 3 and info[2]:
        return str(info[2])
    if len(args) >= 2 and isinstance(args[1], str):
        return args[1]
    return str(getattr(exc, "message", "") or exc)


class ComTransport:
    """One company file over the local request processor, one request at a time."""

    def __init__(
        self,
        company_file: str = "",
        *,
        mode: str = "DoNotCare",
        app_name: str = APP_NAME,
        processor_factory: Callable[[], Any] = pywin32_request_processor,
    ) -> None:
        if mode not in FILE_MODES:
            msg = f"The QuickBooks file mode must be one of {', '.join(FILE_MODES)}, not '{mode}'."
            raise ConfigError(msg)
        self.company_file = company_file  # "" = the file open in QuickBooks
        self.mode = mode
        self.app_name = app_name
        self._factory = processor_factory
        self._processor: Any = None
        self._ticket: str | None = None
        self._connected = False
        self._lock = threading.Lock()  # QuickBooks takes one request at a time

    def begin_session(self) -> None:
        """OpenConnection2 then BeginSession; on failure nothing stays open."""
        self._processor = self._factory()
        try:
            self._call("OpenConnection2", "", self.app_name, LOCAL_QBD)
            self._connected = True
            self._ticket = str(self._call("BeginSession", self.company_file, FILE_MODES[self.mode]))
        except BaseException:
            self.end_session()
            raise

    def supported_versions(self) -> Sequence[str]:
        """``QBXMLVersionsForSession``."""
        versions = self._call("QBXMLVersionsForSession", self._require_ticket())
        return [str(v) for v in (versions or ())]

    def process(self, qbxml: str) -> str:
        """``ProcessRequest`` for one message."""
        with self._lock:
            return str(self._call("ProcessRequest", self._require_ticket(), qbxml))

    def end_session(self) -> None:
        """EndSession and CloseConnection, whatever happened before; never raises."""
        processor, ticket, connected = self._processor, self._ticket, self._connected
        self._ticket, self._connected = None, False
        if processor is None:
            return
        try:
            if ticket is not None:
                processor.EndSession(ticket)
        except Exception:  # noqa: BLE001, S110 - the session is being abandoned anyway
            pass
        finally:
            try:
                if connected:
                    processor.CloseConnection()
            except Exception:  # noqa: BLE001, S110
                pass
            self._processor = None

    def _require_ticket(self) -> str:
        if self._ticket is None:
            msg = "There is no open QuickBooks session; begin one first."
            raise RuntimeError(msg)
        return self._ticket

    def _call(self, method: str, *args: object) -> Any:
        try:
            return getattr(self._processor, method)(*args)
        except SyncError:
            raise
        except Exception as exc:
            hresult = hresult_of(exc)
            if hresult is None:
                raise
            raise error_for_hresult(hresult, _message_of(exc)) from None
