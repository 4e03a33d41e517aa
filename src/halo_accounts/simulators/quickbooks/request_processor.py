"""A fake ``QBXMLRP2.RequestProcessor``: the COM call contract and COM-shaped errors, over the simulator.

It accepts exactly the calls the real one does, in the order it requires
(``OpenConnection2`` → ``BeginSession`` → ``QBXMLVersionsForSession``/``ProcessRequest`` →
``EndSession`` → ``CloseConnection``), refuses calls out of order the way COM does, and raises
:class:`FakeComError`, shaped like pywin32's ``com_error`` (``hresult, text, excepinfo,
argerror`` with the SCODE in ``excepinfo[5]``). Every call is recorded so tests can check that
sessions are always ended.
"""

from __future__ import annotations

from typing import Any

from halo_accounts.simulators.quickbooks.company import QuickBooksCompany
from halo_accounts.simulators.quickbooks.errors import QuickBooksComError

__all__ = ["DISP_E_EXCEPTION", "FakeComError", "FakeRequestProcessor"]

DISP_E_EXCEPTION = -2147352567  # what pywin32 reports when the server raised; the detail is in excepinfo
_MODES = {0: "SingleUser", 1: "MultiUser", 2: "DoNotCare"}
_NOT_CONNECTED = (0x80040401, "Could not access QuickBooks.")
_BAD_TICKET = (0x8004040D, "The ticket parameter is invalid.")


class FakeComError(Exception):
    """Shaped like ``pywintypes.com_error``: ``args == (hresult, text, excepinfo, argerror)``."""

    def __init__(self, scode: int, description: str) -> None:
        signed = scode - 0x100000000 if scode & 0x80000000 else scode
        excepinfo = (0, "QBXMLRP2.RequestProcessor.2", description, None, 0, signed)
        super().__init__(DISP_E_EXCEPTION, "Exception occurred.", excepinfo, None)


class FakeRequestProcessor:
    """One request processor object, as ``win32com.client.Dispatch`` would return it."""

    def __init__(self, company: QuickBooksCompany) -> None:
        self.company = company
        self.calls: list[str] = []
        self._connected = False
        self._ticket: str | None = None

    def OpenConnection2(self, app_id: str, app_name: str, connection_type: int) -> None:  # noqa: N802 - COM's name
        """Connect to QuickBooks as ``app_name`` (1 = local QuickBooks)."""
        self.calls.append("OpenConnection2")
        if not app_name or connection_type not in (1, 3):
            raise FakeComError(0x80040402, "Unexpected error. Invalid connection parameters.")
        self._connected = True

    def BeginSession(self, company_file: str, mode: int) -> str:  # noqa: N802
        """Open the company file and return a ticket."""
        self.calls.append("BeginSession")
        if not self._connected:
            raise FakeComError(*_NOT_CONNECTED)
        if company_file and company_file.casefold() != self.company.company_file.casefold():
            raise FakeComError(0x80040408, f"Could not start QuickBooks or open the file {company_file}.")
        self._ticket = self._com(lambda: self.company.begin_session(mode=_MODES.get(mode, "DoNotCare")))
        return self._ticket

    def QBXMLVersionsForSession(self, ticket: str) -> tuple[str, ...]:  # noqa: N802
        """The qbXML versions of the open session."""
        self.calls.append("QBXMLVersionsForSession")
        self._check(ticket)
        return tuple(self._com(lambda: self.company.versions_for_session(ticket)))

    def ProcessRequest(self, ticket: str, request: str) -> str:  # noqa: N802
        """One qbXML message."""
        self.calls.append("ProcessRequest")
        self._check(ticket)
        return str(self._com(lambda: self.company.process(ticket, request)))

    def EndSession(self, ticket: str) -> None:  # noqa: N802
        """Close the company file."""
        self.calls.append("EndSession")
        self._check(ticket)
        self.company.end_session(ticket)
        self._ticket = None

    def CloseConnection(self) -> None:  # noqa: N802
        """Disconnect."""
        self.calls.append("CloseConnection")
        if not self._connected:
            raise FakeComError(*_NOT_CONNECTED)
        self._connected = False

    def _check(self, ticket: str) -> None:
        if not self._connected:
            raise FakeComError(*_NOT_CONNECTED)
        if ticket != self._ticket:
            raise FakeComError(*_BAD_TICKET)

    @staticmethod
    def _com(call: Any) -> Any:
        try:
            return call()
        except QuickBooksComError as exc:
            raise FakeComError(exc.hresult, exc.message) from None
