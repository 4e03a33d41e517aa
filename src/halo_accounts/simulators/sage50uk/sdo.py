"""The SDO object model, call for call (research sage50.md §1.2).

``SDOEngine.Workspaces.Add(name)`` gives a ``WorkSpace``; ``Connect(path, user, password, unique)``
answers True or False with the reason in ``LastError``; ``CreateObject(name)`` gives record objects
(``SalesRecord``, ``PurchaseRecord``, ``StockRecord``, ``HeaderData``, ``InvoiceRecord``) with
``Fields.Item(name).Value``, ``Link`` to their lines, ``AddNew``/``Edit``/``Update``, ``Find``,
``MoveFirst``/``MoveNext``/``IsEOF``, and the ``TransactionPost`` and ``InvoicePost`` posting
objects (``Header``, ``Items.Add()``, ``Update()``, ``PostingNumber``, ``GetNextNumber()``);
``CreateTaxCode()`` gives a ``TaxCode`` loaded by number. Failures make calls answer False (or
raise, for a call on a closed connection) and set ``LastError.Code``/``Text``, as SDO does.

``HeaderData`` (``Read``/``Link`` to ``SplitData``) is how public SDO code reads the audit trail;
``InvoiceRecord`` and the ``ITEM_TYPE`` field of stock records, and ``LastError.Code``/``Text``,
follow the same samples and are not confirmed by Sage's own documentation here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from halo_accounts.simulators.sage50uk.company import (
    Record,
    SageCompany,
    SageError,
    save_invoice,
    save_purchase_order,
)

__all__ = ["SDOEngine"]

_KEYS = {
    "StockRecord": "STOCK_CODE", "HeaderData": "HEADER_NUMBER", "InvoiceRecord": "INVOICE_NUMBER",
    "PopRecord": "ORDER_NUMBER",
}  # fmt: skip


class LastError:
    """``SDOEngine.LastError``: the code and text of the last failure."""

    def __init__(self) -> None:
        self.Code = 0
        self.Text = ""

    def set(self, error: SageError) -> None:
        self.Code, self.Text = error.code, error.text

    def clear(self) -> None:
        self.Code, self.Text = 0, ""


class Field:
    """``Fields.Item(name)``: a value the caller sets or reads."""

    def __init__(self, values: Record, name: str) -> None:
        self._values = values
        self._name = name

    @property
    def Value(self) -> Any:  # noqa: N802 - COM's name
        return self._values.get(self._name)

    @Value.setter
    def Value(self, value: Any) -> None:  # noqa: N802
        self._values[self._name] = value


class Fields:
    """``Fields``, looked up by name."""

    def __init__(self, values: Record) -> None:
        self._values = values

    def Item(self, name: str) -> Field:  # noqa: N802
        return Field(self._values, name.upper())


class _Guarded:
    """Calls on a record object fail once its workspace has disconnected."""

    def __init__(self, workspace: WorkSpace) -> None:
        self._workspace = workspace

    def _company(self) -> SageCompany:
        return self._workspace.require_connection()

    def _attempt(self, action: Callable[[], Any]) -> bool:
        errors = self._workspace.engine.LastError
        try:
            action()
        except SageError as exc:
            errors.set(exc)
            return False
        errors.clear()
        return True


class RecordObject(_Guarded):
    """``SalesRecord``, ``PurchaseRecord``, ``StockRecord`` or ``HeaderData``: a cursor over one table."""

    def __init__(self, workspace: WorkSpace, kind: str) -> None:
        super().__init__(workspace)
        self._kind = kind
        self._key = _KEYS.get(kind, "ACCOUNT_REF")
        self._values: Record = {}
        self._position = -1
        self._mode = ""  # "", "add" or "edit"
        self._linked: list[Record] = []
        self.Fields = Fields(self._values)

    def _rows(self) -> list[Record]:
        company = self._company()
        if self._kind == "HeaderData":
            return company.headers
        if self._kind == "InvoiceRecord":
            return [company.invoices[number] for number in sorted(company.invoices)]
        if self._kind == "PopRecord":
            return [company.purchase_orders[number] for number in sorted(company.purchase_orders)]
        table = company.ledger(self._kind)
        return [table[key] for key in sorted(table)]  # Sage lists accounts in reference order

    def _load(self, row: Record | None) -> None:
        self._values.clear()
        self._linked = list((row or {}).get("ITEMS") or (row or {}).get("SPLITS") or [])
        if row is not None:
            self._values.update({k: v for k, v in row.items() if k not in ("SPLITS", "ITEMS")})

    @property
    def Link(self) -> LinkedRows:  # noqa: N802
        """The current record's lines (a posting's splits, an invoice's items)."""
        return LinkedRows(self._linked)

    @property
    def IsEOF(self) -> bool:  # noqa: N802
        return not 0 <= self._position < len(self._rows())

    def MoveFirst(self) -> bool:  # noqa: N802
        rows = self._rows()
        self._position = 0
        self._load(rows[0] if rows else None)
        return bool(rows)

    def MoveNext(self) -> bool:  # noqa: N802
        rows = self._rows()
        self._position += 1
        inside = self._position < len(rows)
        self._load(rows[self._position] if inside else None)
        return inside

    def Read(self, number: int) -> bool:  # noqa: N802
        """Load the record at ``number`` (an audit trail header's number), as ``HeaderData.Read`` does."""
        for position, row in enumerate(self._rows()):
            if row.get(self._key) == int(number):
                self._position = position
                self._load(row)
                return True
        return False

    def Find(self, partial: bool = False) -> bool:  # noqa: N802, FBT001, FBT002 - SDO's signature
        """Find the record whose key is the key field's current value."""
        wanted = str(self._values.get(self._key) or "")
        for position, row in enumerate(self._rows()):
            key = str(row.get(self._key) or "")
            if key == wanted or (partial and key.startswith(wanted)):
                self._position = position
                self._load(row)
                return True
        return False

    def AddNew(self) -> bool:  # noqa: N802
        self._company()
        self._values.clear()
        self._mode = "add"
        return True

    def Edit(self) -> bool:  # noqa: N802
        self._company()
        self._mode = "edit"
        return True

    def CancelUpdate(self) -> None:  # noqa: N802
        self._mode = ""

    def Update(self) -> bool:  # noqa: N802
        company = self._company()
        mode, self._mode = self._mode, ""
        if not mode:
            return self._attempt(lambda: _raise(SageError(27)))
        if self._kind in ("HeaderData", "InvoiceRecord", "PopRecord"):
            return self._attempt(lambda: _raise(SageError(27, "these records are written by posting objects")))
        return self._attempt(lambda: company.save_account(self._kind, dict(self._values), new=mode == "add"))


class LinkedRows:
    """``Link``: a cursor over the lines of one record."""

    def __init__(self, rows: list[Record]) -> None:
        self._rows = rows
        self._position = 0
        self._values: Record = dict(rows[0]) if rows else {}
        self.Fields = Fields(self._values)

    @property
    def Count(self) -> int:  # noqa: N802
        return len(self._rows)

    @property
    def RecordNumber(self) -> int:  # noqa: N802
        """The current split's number, which ``AllocatePayment`` takes."""
        return int(self._values.get("RECORD_NUMBER") or 0)

    @property
    def IsEOF(self) -> bool:  # noqa: N802
        return self._position >= len(self._rows)

    def MoveFirst(self) -> bool:  # noqa: N802
        self._position = 0
        return self._show()

    def MoveNext(self) -> bool:  # noqa: N802
        self._position += 1
        return self._show()

    def _show(self) -> bool:
        self._values.clear()
        if self._position < len(self._rows):
            self._values.update(self._rows[self._position])
            return True
        return False


class TaxCodeObject(_Guarded):
    """``WorkSpace.CreateTaxCode()``: one of T0-T99, loaded by number."""

    def __init__(self, workspace: WorkSpace) -> None:
        super().__init__(workspace)
        self.TaxCodeID = 0
        self.Name = ""
        self.Rate = 0.0

    def Load(self, reference: int) -> bool:  # noqa: N802
        code = self._company().tax_codes.get(int(reference))
        if code is None:
            return False
        self.TaxCodeID, self.Name, self.Rate = code.number, code.description, float(code.rate)
        return True


class _Items:
    """``TransactionPost.Items``: ``Add()`` gives a new split."""

    def __init__(self) -> None:
        self.splits: list[Record] = []

    def Add(self) -> _Split:  # noqa: N802
        values: Record = {}
        self.splits.append(values)
        return _Split(values)

    @property
    def Count(self) -> int:  # noqa: N802
        return len(self.splits)


class _Split:
    def __init__(self, values: Record) -> None:
        self.Fields = Fields(values)


class _Header:
    def __init__(self, values: Record) -> None:
        self.Fields = Fields(values)


class TransactionPost(_Guarded):
    """Posts straight to the audit trail (SI and SC here)."""

    def __init__(self, workspace: WorkSpace) -> None:
        super().__init__(workspace)
        self._header: Record = {}
        self.Header = _Header(self._header)
        self.Items = _Items()
        self.PostingNumber = 0

    def Update(self) -> bool:  # noqa: N802
        company = self._company()

        def post() -> None:
            self.PostingNumber = company.post(dict(self._header), [dict(s) for s in self.Items.splits])

        return self._attempt(post)

    def AllocatePayment(self, invoice_split: int, credit_split: int, amount: float, when: Any) -> bool:  # noqa: N802
        """Settle ``amount`` of an invoice's split from a receipt's (or credit note's) split."""
        company = self._company()
        return self._attempt(
            lambda: company.allocate(int(invoice_split), int(credit_split), Decimal(str(amount)), when)
        )


class InvoicePost(_Guarded):
    """A document in the Invoicing module: ``Header``, ``Items.Add()``, ``GetNextNumber()``, ``Update()``."""

    _number_field = "INVOICE_NUMBER"

    def __init__(self, workspace: WorkSpace) -> None:
        super().__init__(workspace)
        self._header: Record = {}
        self.Header = _Header(self._header)
        self.Items = _Items()
        self.Type = 0  # LedgerType; the header's INVOICE_TYPE_CODE says which kind of document

    def GetNextNumber(self) -> int:  # noqa: N802
        return self._company().next_invoice_number()

    def _save(self, company: SageCompany, header: Record, items: list[Record]) -> int:
        return save_invoice(company, header, items)

    def Update(self) -> bool:  # noqa: N802
        company = self._company()

        def save() -> None:
            items = [dict(item) for item in self.Items.splits]
            self._header[self._number_field] = self._save(company, dict(self._header), items)

        return self._attempt(save)


class PopPost(InvoicePost):
    """A purchase order in Purchase Order Processing, driven as ``InvoicePost`` is."""

    _number_field = "ORDER_NUMBER"

    def GetNextNumber(self) -> int:  # noqa: N802
        return max(self._company().purchase_orders, default=0) + 1

    def _save(self, company: SageCompany, header: Record, items: list[Record]) -> int:
        return save_purchase_order(company, header, items)


class WorkSpace:
    """One connection to one company's data."""

    _uniques = itertools.count(1)

    def __init__(self, engine: SDOEngine, name: str) -> None:
        self.engine = engine
        self.Name = name
        self._company: SageCompany | None = None
        self._user = ""

    def Connect(self, path: str, user: str, password: str, unique: str) -> bool:  # noqa: N802
        company = self.engine.companies.get(path)
        if company is None:
            self.engine.LastError.set(SageError(25, path))
            return False
        try:
            company.connect(user, password, unique, self.engine.version)
        except SageError as exc:
            self.engine.LastError.set(exc)
            return False
        self.engine.LastError.clear()
        self._company, self._user = company, user
        return True

    def Disconnect(self) -> None:  # noqa: N802
        if self._company is not None:
            self._company.disconnect(self._user)
        self._company = None

    def require_connection(self) -> SageCompany:
        if self._company is None:
            self.engine.LastError.set(SageError(16))
            msg = "SDO: not connected"
            raise RuntimeError(msg)  # a COM call on a closed connection raises
        if self._company.connected.get(self._user.upper()) is None:  # kicked out meanwhile
            self.engine.LastError.set(SageError(16))
            msg = "SDO: the connection was closed"
            raise RuntimeError(msg)
        return self._company

    def CreateObject(self, name: str) -> Any:  # noqa: N802
        self.require_connection()
        if name in ("SalesRecord", "PurchaseRecord", "StockRecord", "HeaderData", "InvoiceRecord", "PopRecord"):
            return RecordObject(self, name)
        if name == "TransactionPost":
            return TransactionPost(self)
        if name == "InvoicePost":
            return InvoicePost(self)
        if name == "PopPost":
            return PopPost(self)
        msg = f"SDO: no object called {name}"
        raise RuntimeError(msg)

    def CreateTaxCode(self) -> TaxCodeObject:  # noqa: N802
        self.require_connection()
        return TaxCodeObject(self)


class _Workspaces:
    def __init__(self, engine: SDOEngine) -> None:
        self._engine = engine
        self._items: list[WorkSpace] = []

    def Add(self, name: str) -> WorkSpace:  # noqa: N802
        workspace = WorkSpace(self._engine, name)
        self._items.append(workspace)
        return workspace

    @property
    def Count(self) -> int:  # noqa: N802
        return len(self._items)


class SDOEngine:
    """``SDOEngine.<version>``, over the companies (data paths) of this machine."""

    def __init__(self, companies: Mapping[str, SageCompany], version: int = 32) -> None:
        self.companies = companies
        self.version = version
        self.LastError = LastError()
        self.Workspaces = _Workspaces(self)

    @property
    def IsRegistered(self) -> bool:  # noqa: N802
        """Whether SDO is registered on this machine."""
        return not any(c.faults.not_registered for c in self.companies.values())


def _raise(error: SageError) -> None:
    raise error
