"""One Sage 50 UK company (an ``ACCDATA`` folder) and the rules Sage applies to what is saved in it.

Rules, from research sage50.md §1.2, §1.4 and §1.5:
- account references (customers and suppliers): 1-8 characters, upper case, no spaces, only
  ``A-Z 0-9 # _ / ! % & . - $ ( ) " , '``, unique per ledger (SDO errors 63, 82, 86, 84);
- text fields have Sage's lengths (name and address lines 60, contact 30, stock code 30 ...) and a
  longer value is refused, never cut (83 for address lines, 50 otherwise);
- nominal codes must exist (65), and control accounts (Debtors, Creditors, VAT, bank) take no
  direct posting (88); tax codes are T0-T99 with the company's own rate table;
- money has two decimals; no zero-value transaction (44); an invoice cannot total below zero (89);
  nothing dated on or before the lock date (49);
- one connection per user name (23); the busy, exclusive, wrong-version and not-registered states
  are knobs (48, 24, 31), and an SDO of another version than the data is refused (26).
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from halo_accounts.simulators.halo.seed_data import PLACES, TRADES

__all__ = [
    "SageCompany",
    "SageError",
    "SageFaults",
    "load_company",
    "save_company",
    "save_invoice",
    "save_purchase_order",
    "seed_company",
]

Record = dict[str, Any]

_REF = re.compile(r"^[A-Z0-9#_/!%&.\-$()\",']{1,8}$")
CENT = Decimal("0.01")

# Error codes (the SDO ErrorCode enumeration) and the texts Sage gives, shortened.
MESSAGES: dict[int, str] = {
    16: "Not connected",
    21: "Logon failed",
    22: "Logon failed - invalid password",
    23: "Logon name is already in use",
    24: "Sage 50 Accounts is in exclusive mode",
    25: "Bad data path",
    26: "The Sage 50 data is a different version to the SDO",
    27: "Update called without AddNew or Edit",
    30: "The number of users logged on has been exceeded",
    31: "The SDO has not been registered on this machine",
    40: "Invalid allocation",
    44: "Zero value transaction",
    48: "File locked - accounts busy",
    49: "Date is outside the open period (lock date)",
    50: "Empty key specified",
    63: "Empty account reference",
    65: "Invalid nominal code",
    71: "The account is inactive",
    82: "Account reference contains spaces",
    83: "Address line is too long",
    84: "Account reference already exists",
    86: "Account reference contains invalid characters",
    87: "Invalid date",
    88: "The nominal account is a control account",
    89: "Invoice total is negative",
    90: "Invalid tax code",
}


class SageError(Exception):
    """What SDO puts in ``LastError``: a code and its text."""

    def __init__(self, code: int, detail: str = "") -> None:
        self.code = code
        self.text = MESSAGES.get(code, "Error") + (f": {detail}" if detail else "")
        super().__init__(self.text)


@dataclass
class SageFaults:
    """Knobs for the states a real company gets into."""

    busy: bool = False  # another machine holds the files (48)
    exclusive: bool = False  # Check Data / Disk Doctor running (24)
    not_registered: bool = False  # SDO not registered on this machine (31)
    processing_delay_seconds: float = 0.0  # each save or posting takes this long (Sage is slow)


@dataclass
class TaxCode:
    """One of T0-T99 with its rate in this company."""

    number: int
    description: str
    rate: Decimal


@dataclass
class Nominal:
    """A nominal (general ledger) account."""

    code: str
    name: str
    control: bool = False
    bank: bool = False  # a bank account: receipts are posted to it


# Text fields and their lengths, per record kind (SDO native field lists).
TEXT_LIMITS: dict[str, dict[str, int]] = {
    "SalesRecord": {
        "ACCOUNT_REF": 8, "NAME": 60, "ADDRESS_1": 60, "ADDRESS_2": 60, "ADDRESS_3": 60, "ADDRESS_4": 60,
        "ADDRESS_5": 60, "CONTACT_NAME": 30, "TELEPHONE": 30, "E_MAIL": 255, "VAT_REG_NUMBER": 30,
        "DEF_NOM_CODE": 8,
    },
    "StockRecord": {"STOCK_CODE": 30, "DESCRIPTION": 60, "NOMINAL_CODE": 8, "UNIT_OF_SALE": 8},
    "Header": {"ACCOUNT_REF": 8, "INV_REF": 30, "DETAILS": 60},
    "Split": {"NOMINAL_CODE": 8, "DETAILS": 60},
}  # fmt: skip
TEXT_LIMITS["PurchaseRecord"] = TEXT_LIMITS["SalesRecord"]

# TransType values (research §1.2).
SI, SC, SR, SA = 1, 2, 3, 4
PI, PC = 6, 7


class SageCompany:
    """The data of one company, and the users connected to it."""

    def __init__(
        self,
        data_path: str = r"C:\ProgramData\Sage\Accounts\2026\Company.000\ACCDATA",
        *,
        version: int = 32,
        users: dict[str, str] | None = None,
        lock_date: date | None = None,
    ) -> None:
        self.data_path = data_path
        self.version = version
        self.users = users if users is not None else {"MANAGER": ""}
        self.lock_date = lock_date
        self.faults = SageFaults()
        self.customers: dict[str, Record] = {}
        self.suppliers: dict[str, Record] = {}
        self.stock: dict[str, Record] = {}
        self.nominals: dict[str, Nominal] = {}
        self.tax_codes: dict[int, TaxCode] = {}
        self.headers: list[Record] = []  # the audit trail, in posting order
        self.split_count = 0  # splits are numbered across the whole audit trail
        self.invoices: dict[int, Record] = {}  # the Invoicing module: documents not yet posted to the ledger
        self.purchase_orders: dict[int, Record] = {}  # Purchase Order Processing (POP)
        self.connected: dict[str, str] = {}  # user -> unique id of its connection
        self.lock = threading.RLock()
        self.autosave: Path | None = None  # kept in this file after every change, as Sage writes to disk at once

    # -- connections ------------------------------------------------------------------------

    def connect(self, user: str, password: str, unique: str, sdo_version: int) -> None:
        """Log ``user`` on, as ``WorkSpace.Connect`` does."""
        faults = self.faults
        if faults.not_registered:
            raise SageError(31)
        if sdo_version != self.version:
            raise SageError(26, f"the data is version {self.version}, the SDO version {sdo_version}")
        if faults.exclusive:
            raise SageError(24)
        if faults.busy:
            raise SageError(48)
        name = user.upper()
        if name not in self.users:
            raise SageError(21, f"unknown user {user}")
        if self.users[name] != password:
            raise SageError(22)
        with self.lock:
            if name in self.connected:
                raise SageError(23, name)
            self.connected[name] = unique

    def disconnect(self, user: str) -> None:
        """Log ``user`` off."""
        with self.lock:
            self.connected.pop(user.upper(), None)

    # -- checks ------------------------------------------------------------------------------

    def check_text(self, kind: str, values: Record) -> None:
        """Sage's field lengths: a longer value is refused."""
        for name, limit in TEXT_LIMITS.get(kind, {}).items():
            value = values.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise SageError(83 if name.startswith("ADDRESS") else 50, f"{name} is longer than {limit}")

    def check_account_ref(self, ref: object) -> str:
        """The account reference rules of research §1.5."""
        text = str(ref or "")
        if not text:
            raise SageError(63)
        if " " in text:
            raise SageError(82, text)
        if not _REF.match(text):
            raise SageError(86, text)
        return text

    def check_nominal(self, code: object, *, posting: bool) -> str:
        """A nominal code that exists (and, to post to it, is no control account)."""
        text = str(code or "")
        nominal = self.nominals.get(text)
        if nominal is None:
            raise SageError(65, text)
        if posting and nominal.control:
            raise SageError(88, f"{text} {nominal.name}")
        return text

    def check_tax_code(self, number: object) -> int:
        """T0-T99, as the integer SDO takes."""
        if not isinstance(number, int) or number not in self.tax_codes:
            raise SageError(90, f"T{number}")
        return number

    def check_date(self, when: object) -> date:
        """A date after the lock date."""
        if isinstance(when, datetime):  # COM hands dates over as date-times
            when = when.date()
        if not isinstance(when, date):
            raise SageError(87, str(when))
        if self.lock_date is not None and when <= self.lock_date:
            raise SageError(49, f"{when:%d/%m/%Y} is on or before the lock date {self.lock_date:%d/%m/%Y}")
        return when

    # -- saving -----------------------------------------------------------------------------

    def ledger(self, kind: str) -> dict[str, Record]:
        """The table behind a record object."""
        return {"SalesRecord": self.customers, "PurchaseRecord": self.suppliers, "StockRecord": self.stock}[kind]

    def save_account(self, kind: str, values: Record, *, new: bool) -> None:
        """AddNew/Edit + Update on a customer, supplier or stock record."""
        key = "STOCK_CODE" if kind == "StockRecord" else "ACCOUNT_REF"
        table = self.ledger(kind)
        ref = str(values.get(key) or "")
        if kind == "StockRecord":
            if not ref:
                raise SageError(50)
            if " " in ref:
                raise SageError(50, "stock codes have no spaces")
        else:
            self.check_account_ref(ref)
        self.check_text(kind, values)
        for nominal_field in ("DEF_NOM_CODE", "NOMINAL_CODE"):
            if values.get(nominal_field):
                self.check_nominal(values[nominal_field], posting=False)
        for tax_field in ("DEF_TAX_CODE", "TAX_CODE"):
            if values.get(tax_field) is not None:
                self.check_tax_code(values[tax_field])
        self._work()
        with self.lock:
            if new and ref in table:
                raise SageError(84, ref)
            if not new and ref not in table:
                raise SageError(50, f"{ref} not found")
            stored = dict(table.get(ref, {"BALANCE": Decimal(0)}))
            stored.update(values)
            table[ref] = stored
            self._saved()

    def next_invoice_number(self) -> int:
        """``InvoicePost.GetNextNumber()``: one more than the highest invoice number."""
        return max(self.invoices, default=0) + 1

    def _work(self) -> None:
        if self.faults.processing_delay_seconds > 0:
            time.sleep(self.faults.processing_delay_seconds)

    def _saved(self) -> None:
        if self.autosave is not None:
            save_company(self, self.autosave)

    def post(self, header: Record, splits: list[Record]) -> int:
        """TransactionPost.Update: one audit trail header with its splits; its number."""
        kind = header.get("TYPE")
        if kind not in (SI, SC, SR, SA):
            raise SageError(50, f"transaction type {kind}")
        receipt = kind in (SR, SA)
        self.check_text("Header", header)
        ref = self.check_account_ref(header.get("ACCOUNT_REF"))
        account = self.customers.get(ref)
        if account is None:
            raise SageError(63, f"{ref} is not a customer")
        when = self.check_date(header.get("DATE"))
        if not splits:
            raise SageError(44)
        net = tax = Decimal(0)
        for split in splits:
            self.check_text("Split", split)
            if receipt:  # money received goes to a bank account (one that is a control account elsewhere)
                code = self.check_nominal(split.get("NOMINAL_CODE"), posting=False)
                if not self.nominals[code].bank:
                    raise SageError(65, f"{code} is not a bank account")
            else:
                self.check_nominal(split.get("NOMINAL_CODE"), posting=True)
            self.check_tax_code(split.get("TAX_CODE"))
            for money in ("NET_AMOUNT", "TAX_AMOUNT"):
                value = Decimal(str(split.get(money) or 0))
                if value != value.quantize(CENT):
                    raise SageError(50, f"{money} {value} has more than two decimals")
            net += Decimal(str(split.get("NET_AMOUNT") or 0))
            tax += Decimal(str(split.get("TAX_AMOUNT") or 0))
        if net + tax == 0:
            raise SageError(44)
        if net + tax < 0:
            raise SageError(89)
        given_net = Decimal(str(header.get("NET_AMOUNT") or net))
        given_tax = Decimal(str(header.get("TAX_AMOUNT") or tax))
        if (given_net, given_tax) != (net, tax):
            raise SageError(50, "the header's amounts are not the sum of its splits")
        self._work()
        with self.lock:
            number = len(self.headers) + 1
            gross = net + tax
            numbered = []
            for split in splits:
                self.split_count += 1
                numbered.append({**split, "RECORD_NUMBER": self.split_count, "AMOUNT_PAID": Decimal(0)})
            self.headers.append(
                {
                    **header, "HEADER_NUMBER": number, "ACCOUNT_REF": ref, "DATE": when, "NET_AMOUNT": net,
                    "TAX_AMOUNT": tax, "OUTSTANDING": gross, "SPLITS": numbered,
                    "FIRST_SPLIT": numbered[0]["RECORD_NUMBER"],
                }
            )  # fmt: skip
            sign = 1 if kind == SI else -1
            account["BALANCE"] = Decimal(account.get("BALANCE") or 0) + sign * gross
            self._saved()
        return number

    def allocate(self, invoice_split: int, receipt_split: int, amount: Decimal, when: object) -> None:
        """TransactionPost.AllocatePayment: part of a receipt (or credit) settles part of an invoice."""
        self.check_date(when)
        found = {s["RECORD_NUMBER"]: (h, s) for h in self.headers for s in h["SPLITS"]}
        if invoice_split not in found or receipt_split not in found:
            raise SageError(40, "no such split")
        (invoice, owed), (receipt, paying) = found[invoice_split], found[receipt_split]
        pair = invoice["TYPE"] == SI and receipt["TYPE"] in (SR, SA, SC)
        if not pair or invoice["ACCOUNT_REF"] != receipt["ACCOUNT_REF"]:
            raise SageError(40, "these transactions cannot be allocated to each other")
        amount = Decimal(str(amount))
        left_owed, left_paying = _unpaid(owed), _unpaid(paying)
        if amount <= 0 or amount > left_owed or amount > left_paying:
            raise SageError(40, f"{amount} is more than is outstanding")
        with self.lock:
            owed["AMOUNT_PAID"] += amount
            paying["AMOUNT_PAID"] += amount
            invoice["OUTSTANDING"] -= amount
            receipt["OUTSTANDING"] -= amount
            self._saved()


def _unpaid(split: Record) -> Decimal:
    paid = Decimal(str(split["AMOUNT_PAID"]))
    return Decimal(str(split["NET_AMOUNT"])) + Decimal(str(split.get("TAX_AMOUNT") or 0)) - paid


# INVOICE_TYPE_CODE values the simulator takes: product and service invoices and credits.
INVOICE_TYPES = {0: "Product Invoice", 2: "Service Invoice", 3: "Product Credit", 4: "Service Credit"}


def _check_items(company: SageCompany, items: list[Record], *, stock_required: bool) -> None:
    """The lines of an invoice or order: stock codes that exist, Sage's lengths, codes, two decimals."""
    if not items:
        raise SageError(50, "a document needs at least one item")
    for item in items:
        code = str(item.get("STOCK_CODE") or "")
        if (stock_required or code) and code not in company.stock:
            raise SageError(50, f"stock code {code} does not exist")
        if len(str(item.get("DESCRIPTION") or "")) > 120:
            raise SageError(50, "DESCRIPTION is longer than 120")
        if item.get("NOMINAL_CODE"):
            company.check_nominal(item["NOMINAL_CODE"], posting=True)
        company.check_tax_code(item.get("TAX_CODE"))
        for money in ("NET_AMOUNT", "TAX_AMOUNT"):
            value = Decimal(str(item.get(money) or 0))
            if value != value.quantize(CENT):
                raise SageError(50, f"{money} {value} has more than two decimals")


def save_invoice(company: SageCompany, header: Record, items: list[Record]) -> int:
    """InvoicePost.Update: a document in the Invoicing module (the ledgers change only when it is posted)."""
    kind = header.get("INVOICE_TYPE_CODE")
    if kind not in INVOICE_TYPES:
        raise SageError(50, f"invoice type {kind}")
    ref = company.check_account_ref(header.get("ACCOUNT_REF"))
    if ref not in company.customers:
        raise SageError(63, f"{ref} is not a customer")
    company.check_date(header.get("INVOICE_DATE"))
    _check_items(company, items, stock_required=kind in (0, 3))
    company._work()  # noqa: SLF001 - the company's own pacing
    with company.lock:
        number = int(header.get("INVOICE_NUMBER") or 0) or company.next_invoice_number()
        if number in company.invoices:
            raise SageError(50, f"invoice number {number} is already used")
        company.invoices[number] = {**header, "INVOICE_NUMBER": number, "POSTED": False, "ITEMS": items}
        company._saved()  # noqa: SLF001
    return number


def save_purchase_order(company: SageCompany, header: Record, items: list[Record]) -> int:
    """PopPost.Update: a purchase order to a supplier (no ledger changes until goods and invoice arrive)."""
    ref = company.check_account_ref(header.get("ACCOUNT_REF"))
    if ref not in company.suppliers:
        raise SageError(63, f"{ref} is not a supplier")
    company.check_date(header.get("ORDER_DATE"))
    _check_items(company, items, stock_required=False)
    company._work()  # noqa: SLF001 - the company's own pacing
    with company.lock:
        number = int(header.get("ORDER_NUMBER") or 0) or max(company.purchase_orders, default=0) + 1
        if number in company.purchase_orders:
            raise SageError(50, f"order number {number} is already used")
        company.purchase_orders[number] = {**header, "ORDER_NUMBER": number, "ITEMS": items}
        company._saved()  # noqa: SLF001
    return number


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime | date):
        return {"$date": value.isoformat()[:10]}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$decimal" in value:
            return Decimal(value["$decimal"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def save_company(company: SageCompany, path: Path) -> None:
    """Keep the company's data in a JSON file (written whole, then renamed)."""
    data = {
        "data_path": company.data_path, "version": company.version, "users": sorted(company.users),
        "lock_date": company.lock_date, "customers": company.customers, "suppliers": company.suppliers,
        "stock": company.stock, "headers": company.headers, "invoices": list(company.invoices.values()),
        "purchase_orders": list(company.purchase_orders.values()),
        "nominals": [[n.code, n.name, n.control, n.bank] for n in company.nominals.values()],
        "split_count": company.split_count,
        "tax_codes": [[t.number, t.description, t.rate] for t in company.tax_codes.values()],
    }  # fmt: skip
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_text(json.dumps(_encode(data), indent=1), encoding="utf-8")
    os.replace(partial, path)


def load_company(path: Path) -> SageCompany:
    """A company kept by ``save_company``."""
    data = _decode(json.loads(path.read_text(encoding="utf-8")))
    # User names only: a password is never written to the file; whoever loads the company gives them.
    users = dict.fromkeys(data["users"], "")
    company = SageCompany(data["data_path"], version=data["version"], users=users, lock_date=data["lock_date"])
    company.customers, company.suppliers, company.stock = data["customers"], data["suppliers"], data["stock"]
    company.headers = data["headers"]
    company.invoices = {int(invoice["INVOICE_NUMBER"]): invoice for invoice in data.get("invoices", [])}
    company.purchase_orders = {int(order["ORDER_NUMBER"]): order for order in data.get("purchase_orders", [])}
    company.nominals = {row[0]: Nominal(*row) for row in data["nominals"]}
    company.split_count = data.get("split_count", 0)
    company.tax_codes = {number: TaxCode(number, name, rate) for number, name, rate in data["tax_codes"]}
    return company


def seed_company(company: SageCompany | None = None, *, customers: int = 0, seed: int = 1) -> SageCompany:
    """A company as Sage 50 UK creates it (the default nominal and tax codes, research §1.5).

    ``customers`` adds that many customer accounts an accountant already keyed in, each under a
    reference Sage's users typically choose (the name's first letters and a number).
    """
    company = company or SageCompany()
    rng = random.Random(seed)
    for _ in range(customers):
        name = f"{rng.choice(PLACES)} {rng.choice(TRADES)} {rng.choice(('Ltd', 'LLP', '& Co'))}"
        if any(c["NAME"] == name for c in company.customers.values()):
            continue
        letters = re.sub(r"[^A-Z]", "", name.upper())[:5]
        ref = next(f"{letters}{n:03d}" for n in range(1, 1000) if f"{letters}{n:03d}" not in company.customers)
        company.customers[ref] = {"ACCOUNT_REF": ref, "NAME": name, "BALANCE": Decimal(0)}
    for row in (
        ("1100", "Debtors Control Account", True), ("1200", "Bank Current Account", True, True),
        ("2100", "Creditors Control Account", True), ("2200", "Sales Tax Control Account", True),
        ("2201", "Purchase Tax Control Account", True), ("4000", "Sales Type A", False),
        ("4001", "Sales Type B", False), ("4002", "Sales Type C", False), ("4009", "Discounts Allowed", False),
        ("5000", "Materials Purchased", False), ("9998", "Suspense Account", False),
    ):  # fmt: skip
        company.nominals[row[0]] = Nominal(*row)
    for number, description, rate in (
        (0, "Zero rated", "0"), (1, "Standard rate", "20"), (2, "Exempt transactions", "0"),
        (5, "Lower rate", "5"), (9, "Transactions not involving VAT", "0"),
    ):  # fmt: skip
        company.tax_codes[number] = TaxCode(number, description, Decimal(rate))
    return company
