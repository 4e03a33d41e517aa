"""The Sage 50 Canada SDK's object model (``SimplySDK``), call for call, over simulated companies.

Members as ``Sage_SA.SDK.XML`` documents them (research sage50.md §2.2), called as pythonnet
calls .NET: a method with out parameters answers a tuple (``OpenDatabase(...)`` -> ``(ok,
SDKResult)``, ``GetDatabaseVersion(path)`` -> ``(None, version, release)``); ledgers have
``InitializeNew``/``LoadByName``/``LoadByPartCode``/``Save``/``Close`` and properties; journals
take 1-based lines (``SetItemNumber(item, line)`` ...), work out each authority's tax from the
line's tax code, let ``GetLineTaxAmountInfo(line)`` change it, and ``Post()`` answers False with
the reason given to the alert implementation (``StopAlert``), as Sage does; without an alert
implementation the SDK's default alert throws. One database open per process (the instance
manager is the process's); users have third-party rights none, read, or read and write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from halo_accounts.connectors.sage50ca.imp import PARTY_FIELDS, Party, SalesDetail, Tax
from halo_accounts.simulators.sage50ca.company import (
    PURCHASE_ORDERS,
    PURCHASES,
    SALES,
    CanadaCompany,
    Invoice,
    StockItem,
    line_taxes,
)

__all__ = ["FakeSDKInstanceManager", "SdkUser"]

_CENT = Decimal("0.01")
_PARTY_PROPERTIES = {"Name": "name", "Contact": "contact", "Street1": "street1", "Street2": "street2", "City": "city",
                     "Province": "province", "PostalCode": "postal", "Country": "country", "Phone1": "phone1",
                     "Phone2": "phone2", "Fax": "fax", "Email": "email"}  # fmt: skip
_LIMITS = dict(PARTY_FIELDS)  # the import format's limits are the ledger's
RIGHTS = ("no data access", "read data", "read and write")


@dataclass(frozen=True)
class SdkUser:
    """A Sage user and its "Rights with Third-Party Products"."""

    password: str
    rights: str = "read and write"  # one of RIGHTS


class _Alerts:
    def __init__(self) -> None:
        self.implementation: Any = None

    def stop(self, text: str) -> None:
        if self.implementation is None:  # the SDK's default alert throws
            raise RuntimeError(text)
        self.implementation.StopAlert(text)


class _PartyLedger:
    """``CustomerLedger`` / ``VendorLedger``: one record at a time, keyed by name."""

    def __init__(self, manager: FakeSDKInstanceManager, ledger: dict[str, Party], what: str) -> None:
        self._manager, self._ledger, self._what = manager, ledger, what
        self._loaded: str | None = None
        self.InitializeNew()

    def InitializeNew(self) -> None:  # noqa: N802
        self._loaded = None
        for prop in _PARTY_PROPERTIES:
            setattr(self, prop, "")

    def LoadByName(self, name: str) -> bool:  # noqa: N802
        party = self._ledger.get(name)
        if party is None:
            return False
        self._loaded = name
        for prop, attr in _PARTY_PROPERTIES.items():
            setattr(self, prop, getattr(party, attr))
        return True

    def Save(self) -> bool:  # noqa: N802
        manager = self._manager
        if not manager.can_write():
            return False
        values = {attr: str(getattr(self, prop) or "") for prop, attr in _PARTY_PROPERTIES.items()}
        name = values["name"]
        too_long = [attr for attr, value in values.items() if len(value) > _LIMITS[attr]]
        problem = f"The {too_long[0]} may be at most {_LIMITS[too_long[0]]} characters." if too_long else ""
        if not name:
            problem = f"Enter a {self._what} name."
        elif name in self._ledger and name != self._loaded:
            problem = f"The {self._what} '{name}' already exists."
        if problem:
            manager.alerts.stop(problem)
            return False
        if self._loaded and self._loaded != name:
            self._ledger.pop(self._loaded)
        self._ledger[name] = Party(**cast("dict[str, Any]", values))
        self._loaded = name
        manager.company.touch()
        return True

    def Close(self) -> None:  # noqa: N802
        self._loaded = None


class _InventoryLedger:
    """``InventoryLedger``: items keyed by part code."""

    def __init__(self, manager: FakeSDKInstanceManager) -> None:
        self._manager = manager
        self._loaded: str | None = None
        self.InitializeNew()

    def InitializeNew(self) -> None:  # noqa: N802
        self._loaded = None
        self.Number, self.Name, self.IsServiceType, self.RegularPrice = "", "", False, 0.0

    def LoadByPartCode(self, code: str) -> bool:  # noqa: N802
        item = self._manager.company.items.get(code)
        if item is None:
            return False
        self._loaded = code
        self.Number, self.Name, self.IsServiceType, self.RegularPrice = (
            item.number, item.name, item.service, float(item.price)
        )  # fmt: skip
        return True

    def Save(self) -> bool:  # noqa: N802
        manager, items = self._manager, self._manager.company.items
        if not manager.can_write():
            return False
        number, name = str(self.Number or ""), str(self.Name or "")
        problem = ""
        if not number or len(number) > 52:
            problem = "The item number must be 1 to 52 characters."
        elif len(name) > 52:
            problem = "The item name may be at most 52 characters."
        elif number in items and number != self._loaded:
            problem = f"The item number '{number}' is already used."
        if problem:
            manager.alerts.stop(problem)
            return False
        if self._loaded and self._loaded != number:
            items.pop(self._loaded)
        price = Decimal(str(self.RegularPrice or 0)).quantize(Decimal("0.0001"))
        items[number] = StockItem(number, name, bool(self.IsServiceType), price)
        self._loaded = number
        manager.company.touch()
        return True

    def Close(self) -> None:  # noqa: N802
        self._loaded = None


class _TaxSummary:
    """``TaxSummaryInfo`` of one line: its authorities' amounts, changeable by name."""

    def __init__(self, amounts: dict[str, Decimal]) -> None:
        self._amounts = amounts

    def GetCount(self) -> int:  # noqa: N802
        return len(self._amounts)

    def GetTaxAmountByName(self, name: str) -> float:  # noqa: N802
        return float(self._amounts[name])

    def SetTaxAmountByName(self, name: str, amount: float) -> None:  # noqa: N802
        if name not in self._amounts:
            raise KeyError(name)
        self._amounts[name] = Decimal(str(amount)).quantize(_CENT, rounding=ROUND_HALF_UP)

    def Save(self) -> None:  # noqa: N802
        """The amounts set are the line's already: the summary is the line's own."""


@dataclass
class _Line:
    item: str = ""
    quantity: Decimal = Decimal(0)
    price: Decimal = Decimal(0)
    amount: Decimal | None = None
    tax_code: str = ""
    taxes: dict[str, Decimal] = field(default_factory=dict)

    @property
    def line_amount(self) -> Decimal:
        return self.amount if self.amount is not None else (self.quantity * self.price).quantize(_CENT)


class _InvoiceJournal:
    """What the sales and purchases journals share: a party, a date, numbered lines, ``Post()``."""

    _what = "customer"

    def __init__(self, manager: FakeSDKInstanceManager, parties: dict[str, Party]) -> None:
        self._manager, self._parties = manager, parties
        self._lines: dict[int, _Line] = {}
        self._party = ""
        self._date: date | None = None
        self._kind = 0  # 0 invoice, 1 order, 2 quote
        self.InvoiceNumber = ""
        self.OrderQuoteNum = ""

    def SelectTransType(self, kind: int | str) -> None:  # noqa: N802
        names = {"invoice": 0, "order": 1, "quote": 2}
        self._kind = names[kind.casefold()] if isinstance(kind, str) and not kind.isdigit() else int(kind)

    def SelectAPARLedger(self, name: str) -> bool:  # noqa: N802
        if name not in self._parties:
            return False
        self._party = name
        return True

    def SelectPaidByType(self, kind: str) -> None:  # noqa: N802
        """Pay Later, Cash, Cheque ... (only pay later is simulated)."""

    def SetJournalDate(self, text: str) -> None:  # noqa: N802
        self._date = datetime.strptime(text, "%m-%d-%Y").date()  # noqa: DTZ007 - a day

    def _line(self, line: int) -> _Line:
        if line < 1:
            msg = f"lines are 1-based, not {line}"
            raise IndexError(msg)
        return self._lines.setdefault(line, _Line())

    def SetItemNumber(self, item: str, line: int) -> None:  # noqa: N802
        self._line(line).item = item

    def SetQuantity(self, quantity: float, line: int) -> None:  # noqa: N802
        self._line(line).quantity = Decimal(str(quantity))
        self._tax(self._line(line))

    def SetPrice(self, price: float, line: int) -> None:  # noqa: N802
        self._line(line).price = Decimal(str(price))
        self._tax(self._line(line))

    def SetLineAmount(self, amount: float, line: int) -> None:  # noqa: N802
        self._line(line).amount = Decimal(str(amount)).quantize(_CENT, rounding=ROUND_HALF_UP)
        self._tax(self._line(line))

    def SetTaxCodeString(self, code: str, line: int) -> None:  # noqa: N802
        self._line(line).tax_code = code
        self._tax(self._line(line))

    def _tax(self, line: _Line) -> None:
        line.taxes = line_taxes(self._manager.company, line.tax_code, line.line_amount)

    def GetLineTaxAmountInfo(self, line: int) -> _TaxSummary:  # noqa: N802
        return _TaxSummary(self._line(line).taxes)

    def _included(self, line: _Line) -> bool:
        code = self._manager.company.tax_codes.get(line.tax_code)
        return bool(code and code.included)

    def GetTotalAmount(self) -> float:  # noqa: N802
        return float(self._total())

    def _total(self) -> Decimal:
        total = Decimal(0)
        for line in self._lines.values():
            total += line.line_amount + (Decimal(0) if self._included(line) else sum(line.taxes.values(), Decimal(0)))
        return total

    def _journal(self) -> str:
        raise NotImplementedError

    def _number(self) -> str:
        return str(self.InvoiceNumber or "")

    def Post(self) -> bool:  # noqa: N802
        manager, company = self._manager, self._manager.company
        if not manager.can_write():
            return False
        journal, number = self._journal(), self._number()
        problems = self._problems(journal, number)
        if problems:
            manager.alerts.stop(" ".join(problems))
            return False
        details = tuple(
            SalesDetail(
                line.item,
                line.quantity,
                line.price,
                line.line_amount,
                tuple(Tax(n, company.authorities[n].rate, a, self._included(line)) for n, a in line.taxes.items()),
            )  # fmt: skip
            for _, line in sorted(self._lines.items())
        )
        assert self._date is not None  # noqa: S101 - checked in _problems
        company.invoices.append(Invoice(journal, number, self._party, self._date, details, self._total()))
        if journal == SALES and number.isdigit():
            company.next_invoice = max(company.next_invoice, int(number) + 1)
        company.touch()
        self._lines.clear()
        self.InvoiceNumber = self.OrderQuoteNum = ""
        return True

    def _problems(self, journal: str, number: str) -> list[str]:
        company = self._manager.company
        problems = []
        if not self._party:
            problems.append(f"Select a {self._what}.")
        if self._date is None:
            problems.append("Enter a journal date.")
        if not self._lines or sorted(self._lines) != list(range(1, len(self._lines) + 1)):
            problems.append("Enter the lines one after another, from line 1.")
        if not number or len(number) > 20:
            problems.append("Enter a number of 1 to 20 characters.")
        elif any(i.journal == journal and i.number == number and i.party == self._party for i in company.invoices):
            problems.append(f"Number {number} has already been used.")
        elif journal == SALES and any(i.journal == SALES and i.number == number for i in company.invoices):
            problems.append(f"Invoice number {number} has already been used.")
        for n, line in sorted(self._lines.items()):
            if line.item not in company.items:
                problems.append(f"Line {n}: '{line.item}' is not an inventory or service item.")
            if line.tax_code and line.tax_code not in company.tax_codes:
                problems.append(f"Line {n}: tax code '{line.tax_code}' does not exist.")
        return problems

    def Undo(self) -> None:  # noqa: N802
        """Forget the entry being made (a refused Post() leaves it all in place, as Sage's window does)."""
        self._lines.clear()
        self._party, self._date = "", None
        self.InvoiceNumber = self.OrderQuoteNum = ""

    def Close(self) -> None:  # noqa: N802
        self._lines.clear()


class _SalesJournal(_InvoiceJournal):
    def _journal(self) -> str:
        if self._kind != 0:
            msg = "only sales invoices are simulated"
            raise NotImplementedError(msg)
        return SALES

    def _number(self) -> str:
        return str(self.InvoiceNumber or self._manager.company.next_invoice)


class _PurchasesJournal(_InvoiceJournal):
    _what = "vendor"

    def _journal(self) -> str:
        return PURCHASE_ORDERS if self._kind == 1 else PURCHASES

    def _number(self) -> str:
        return str((self.OrderQuoteNum if self._kind == 1 else self.InvoiceNumber) or "")


class FakeSDKInstanceManager:
    """``SDKInstanceManager.Instance`` of one process, over simulated companies by ``.SAI`` path."""

    def __init__(
        self, companies: dict[str, CanadaCompany], users: dict[str, SdkUser], *, version: str = "32.10"
    ) -> None:
        self.companies = companies
        self.users = {name.casefold(): user for name, user in users.items()}
        self.version = version  # of the companies' data (what GetDatabaseVersion answers)
        self.alerts = _Alerts()
        self.company = CanadaCompany()
        self.fail_next_open = ""  # an SDKResult the next OpenDatabase answers (Sage's services down ...)
        self.opened_by: tuple[str, str, int] | None = None  # (app name, app code, app version) of the open one
        self._open: str | None = None
        self._user: SdkUser | None = None

    def SetAlertImplementation(self, alert: Any) -> None:  # noqa: N802
        """Where alerts go instead of a dialog."""
        self.alerts.implementation = alert

    def GetDatabaseVersion(self, path: str, version: object = None, release: object = None) -> tuple[None, str, str]:  # noqa: N802
        """The data version of a company file, read without logging on."""
        if path not in self.companies:
            return None, "", ""
        major, _, minor = self.version.partition(".")
        return None, f"{major}.{minor or '0'}", "0"

    def OpenDatabase(  # noqa: N802, PLR0913 - the SDK's signature
        self,
        path: str,
        user: str,
        password: str,
        multi_user: bool,
        app_name: str,
        app_code: str,
        app_version: int,
        result: object = None,
    ) -> tuple[bool, str]:
        """Log on to a company; ``(True, "SUCCESS")`` or ``(False, <SDKResult>)``."""
        if self.fail_next_open:
            failure, self.fail_next_open = self.fail_next_open, ""
            return False, failure
        if self._open is not None:
            return False, "FAIL_ANOTHER_DATABASE_IS_OPEN"
        if not app_code or len(app_code) > 6 or not app_name:
            return False, "FAIL_INVALID_SECURITY_DETAILS"
        company = self.companies.get(path)
        if company is None:
            return False, "FAIL_PATH_NOT_EXIST"
        account = self.users.get(user.casefold())
        if account is None or account.password != password or account.rights == "no data access":
            return False, "FAIL_USER_LOGON_FAILED"
        if company.open_single_user:  # someone has Sage open on it alone
            return False, "FAIL_DATABASE_CONNECTION_FAILED"
        self._open, self._user, self.company = path, account, company
        self.opened_by = (app_name, app_code, app_version)
        return True, "SUCCESS"

    def CloseDatabase(self) -> bool:  # noqa: N802
        """Log off; True when nothing is left open."""
        self._open = self._user = self.opened_by = None
        return True

    @property
    def is_open(self) -> bool:
        """Whether a company is open in this process."""
        return self._open is not None

    def can_write(self) -> bool:
        """Whether the user may write; an alert says so when not."""
        if self._open is None:
            msg = "no database is open"
            raise RuntimeError(msg)
        if self._user is not None and self._user.rights != "read and write":
            self.alerts.stop("You do not have the rights to change data in this company.")
            return False
        return True

    def _opened(self) -> CanadaCompany:
        if self._open is None:
            msg = "no database is open"
            raise RuntimeError(msg)
        return self.company

    def OpenCustomerLedger(self) -> _PartyLedger:  # noqa: N802
        """The customers."""
        return _PartyLedger(self, self._opened().customers, "customer")

    def OpenVendorLedger(self) -> _PartyLedger:  # noqa: N802
        """The vendors."""
        return _PartyLedger(self, self._opened().vendors, "vendor")

    def OpenInventoryLedger(self) -> _InventoryLedger:  # noqa: N802
        """Inventory and services."""
        self._opened()
        return _InventoryLedger(self)

    def OpenSalesJournal(self) -> _SalesJournal:  # noqa: N802
        """Sales invoices."""
        return _SalesJournal(self, self._opened().customers)

    def OpenPurchasesJournal(self) -> _PurchasesJournal:  # noqa: N802
        """Purchase invoices and orders."""
        return _PurchasesJournal(self, self._opened().vendors)
