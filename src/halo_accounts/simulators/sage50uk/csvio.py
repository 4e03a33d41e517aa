"""File > Import and File > Export of a Sage 50 UK company, with the rules its records get in SDO.

Customer Records, Product Records and Audit Trail Transactions, in the column order of Sage's
"data fields you can import" articles (research sage50.md §1.4), read by column letter here on
purpose, independently of the connector's layout tables. An import applies the same checks as
SDO (``SageCompany``) row by row and reports each refused row with its line number; accepted rows
are kept. An existing account or stock code is updated. Audit trail rows with the same type,
account, date and reference in a row form one transaction; SR, PP, SD and PD cannot be imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from halo_accounts.simulators.sage50uk.company import Record, SageCompany, SageError

__all__ = ["ImportReport", "export_file", "import_file"]

ENCODING = "cp1252"
# Column letters -> positions, for the fields the simulator keeps.
_CUSTOMER = {"ACCOUNT_REF": 0, "NAME": 1, "ADDRESS_1": 2, "ADDRESS_2": 3, "ADDRESS_3": 4, "ADDRESS_4": 5,
             "ADDRESS_5": 6, "CONTACT_NAME": 7, "TELEPHONE": 8, "VAT_REG_NUMBER": 14, "E_MAIL": 26}  # fmt: skip
_CUSTOMER_WIDTH = 31  # A-AE
_PRODUCT = {"STOCK_CODE": 0, "DESCRIPTION": 1, "TAX_CODE": 2, "SALES_PRICE": 3, "NOMINAL_CODE": 7}
_PRODUCT_WIDTH = 18  # A-R
_KINDS = {  # import kind -> (columns kept, width, the record object behind it)
    "customers": (_CUSTOMER, _CUSTOMER_WIDTH, "SalesRecord"),
    "suppliers": (_CUSTOMER, _CUSTOMER_WIDTH, "PurchaseRecord"),  # Supplier Records share the customer layout
    "products": (_PRODUCT, _PRODUCT_WIDTH, "StockRecord"),
}
_AUDIT_WIDTH = 15  # A-O: Type, Account, Nominal, Dept, Date, Reference, Details, Net, T/C, Tax, ...
_TYPES = {"SI": 1, "SC": 2}
_NOT_IMPORTABLE = {"SR", "PP", "SD", "PD"}


@dataclass
class ImportReport:
    """What an import did: records taken, and each refused line with Sage's reason."""

    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _tax(text: str) -> int:
    cleaned = text.strip().upper()
    if not cleaned:
        return 0  # blank means T0
    if not cleaned.startswith("T") or not cleaned[1:].isdigit():
        raise SageError(90, cleaned)
    return int(cleaned[1:])


def _money(text: str) -> Decimal:
    try:
        return Decimal(text.strip() or "0")
    except InvalidOperation:
        raise SageError(50, f"'{text}' is not an amount") from None


def _date(text: str, today: date) -> date:
    if not text.strip():
        return today  # blank: the program date
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()  # noqa: DTZ007 - a day, no time
    except ValueError:
        raise SageError(87, text) from None


def import_file(company: SageCompany, kind: str, data: bytes, *, today: date | None = None) -> ImportReport:
    """Import ``data`` as ``kind`` (``customers``, ``suppliers``, ``products`` or ``audit``) into ``company``."""
    today = today or date.today()  # noqa: DTZ011 - the program date
    rows = list(csv.reader(io.StringIO(data.decode(ENCODING))))
    report = ImportReport()
    if kind == "audit":
        for line, group in _groups(rows):
            _apply(report, line, partial(_post_group, company, group, today))
        return report
    for line, row in enumerate(rows, start=1):
        if any(cell.strip() for cell in row):
            _apply(report, line, partial(_save_row, company, kind, row))
    return report


def _apply(report: ImportReport, line: int, action: Callable[[], None]) -> None:
    try:
        action()
    except SageError as exc:
        report.errors.append((line, exc.text))
    else:
        report.imported += 1


def _save_row(company: SageCompany, kind: str, row: list[str]) -> None:
    table, width, record_kind = _KINDS[kind]
    if len(row) > width:
        raise SageError(50, f"{len(row)} columns, the layout has {width}")
    values: Record = {}
    for name, column in table.items():
        cell = row[column] if column < len(row) else ""
        if name == "TAX_CODE":
            values[name] = _tax(cell)
        elif name == "SALES_PRICE":
            values[name] = _money(cell)
        elif cell:
            values[name] = cell
    key = values.get("STOCK_CODE" if record_kind == "StockRecord" else "ACCOUNT_REF", "")
    company.save_account(record_kind, values, new=key not in company.ledger(record_kind))


def _groups(rows: list[list[str]]) -> list[tuple[int, list[list[str]]]]:
    """Consecutive rows with the same type, account, date and reference: one transaction each."""
    groups: list[tuple[int, list[list[str]]]] = []
    for line, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        cells = (row + [""] * _AUDIT_WIDTH)[:_AUDIT_WIDTH]
        if groups and _group_key(groups[-1][1][0]) == _group_key(cells):
            groups[-1][1].append(cells)
        else:
            groups.append((line, [cells]))
    return groups


def _group_key(cells: list[str]) -> tuple[str, str, str, str]:
    return cells[0].strip().upper(), cells[1], cells[4], cells[5]


def _post_group(company: SageCompany, group: list[list[str]], today: date) -> None:
    kind, account, day, reference = _group_key(group[0])
    if kind in _NOT_IMPORTABLE:
        raise SageError(50, f"{kind} transactions cannot be imported")
    if kind not in _TYPES:
        raise SageError(50, f"transaction type {kind} is not simulated")
    splits = [
        {"NOMINAL_CODE": c[2], "DETAILS": c[6], "NET_AMOUNT": _money(c[7]), "TAX_CODE": _tax(c[8]),
         "TAX_AMOUNT": _money(c[9])}
        for c in group
    ]  # fmt: skip
    header = {"TYPE": _TYPES[kind], "ACCOUNT_REF": account, "DATE": _date(day, today), "INV_REF": reference,
              "DETAILS": group[0][6]}  # fmt: skip
    company.post(header, splits)


def export_file(company: SageCompany, kind: str) -> bytes:
    """File > Export: ``customers``, ``suppliers``, ``products`` or ``audit``, in the import layout."""
    rows: list[list[str]] = []
    if kind == "audit":
        names = {number: name for name, number in _TYPES.items()}
        for header in company.headers:
            for split in header["SPLITS"]:
                row = [""] * _AUDIT_WIDTH
                row[:10] = [
                    names[header["TYPE"]], header["ACCOUNT_REF"], split["NOMINAL_CODE"], "",
                    header["DATE"].strftime("%d/%m/%Y"), str(header.get("INV_REF") or ""),
                    str(split.get("DETAILS") or ""),
                    f"{Decimal(str(split['NET_AMOUNT'])):.2f}", f"T{split['TAX_CODE']}",
                    f"{Decimal(str(split['TAX_AMOUNT'])):.2f}",
                ]  # fmt: skip
                rows.append(row)
    else:
        table, width, record_kind = _KINDS[kind]
        ledger = company.ledger(record_kind)
        for key in sorted(ledger):
            record, row = ledger[key], [""] * width
            for name, column in table.items():
                value = record.get(name)
                if name == "TAX_CODE" and value is not None:
                    row[column] = f"T{value}"
                elif value is not None:
                    row[column] = f"{value:.2f}" if isinstance(value, Decimal | float) else str(value)
            rows.append(row)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(ENCODING)
