"""Sage 50 UK through its own import files: works on any machine, no SDO needed (research sage50.md §1.4).

Writes go to an import folder as Sage's Customer Records, Supplier Records, Product Records and
Audit Trail Transactions files (SI and SC rows), in the exact column order, ready for File > Import. Reads come
from an export folder holding Sage's File > Export files in the same layouts (the newest file
whose name starts with ``customer``, ``product`` or ``audit``), plus every file this integrator
wrote, so a record written but not yet imported is never written twice.

Each batch is one file, written under a temporary name and renamed when complete, so Sage never
sees half a file. A value Sage would refuse (too long, characters outside Windows-1252, an
account reference Sage does not allow) fails that record with its reason, before anything is
written. Sage cannot import receipts (SR) or supplier payments (PP): payments are not read back
this way, and this transport says so. Tax codes cannot be exported: map Halo's tax rates to T codes
with ``halo-accounts mappings set tax``.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import count
from pathlib import Path

from halo_accounts.connectors.sage50uk.books import CAPABILITIES
from halo_accounts.connectors.sage50uk.csv_layouts import (
    AUDIT_TRAIL,
    CUSTOMER_RECORDS,
    PRODUCT_RECORDS,
    SUPPLIER_RECORDS,
    Layout,
)
from halo_accounts.connectors.sage50uk.postings import Posting, PostingDefaults, posting_of
from halo_accounts.connectors.sage50uk.refs import account_ref, stock_code
from halo_accounts.domain import Address
from halo_accounts.errors import ConfigError, RecordError, TransientError
from halo_accounts.ports.books import (
    BooksCustomer,
    BooksDeletion,
    BooksInvoice,
    BooksItem,
    BooksPayment,
    BooksSupplier,
    BooksTaxRate,
    CustomerWrite,
    InvoiceWrite,
    ItemWrite,
    PurchaseOrderWrite,
    SupplierWrite,
    VoidWrite,
    WriteResult,
)

__all__ = ["FILE_CAPABILITIES", "SageImportFiles"]

FILE_CAPABILITIES = replace(
    CAPABILITIES, name="Sage 50 UK (import files)", write_batch_size=500, purchase_orders=False, reads_payments=False
)
ENCODING = "cp1252"  # what Sage 50 UK reads and writes
_PREFIX = {
    CUSTOMER_RECORDS.name: "customers", SUPPLIER_RECORDS.name: "suppliers", PRODUCT_RECORDS.name: "products",
    AUDIT_TRAIL.name: "audit-trail",
}  # fmt: skip
_EXPORT_PREFIX = {
    CUSTOMER_RECORDS.name: "customer", SUPPLIER_RECORDS.name: "supplier", PRODUCT_RECORDS.name: "product",
    AUDIT_TRAIL.name: "audit",
}  # fmt: skip


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _day(value: date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")  # blank: Sage's program date


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip() or "0")
    except InvalidOperation:
        return Decimal(0)


class SageImportFiles:
    """One company's Sage 50 UK, reached through import and export folders."""

    capabilities = FILE_CAPABILITIES

    def __init__(
        self,
        import_folder: Path,
        export_folder: Path | None = None,
        *,
        defaults: PostingDefaults | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._import_folder = import_folder
        self._export_folder = export_folder
        self._defaults = defaults or PostingDefaults()
        self._clock = clock
        self._sequence = count(1)
        try:
            import_folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"The Sage 50 import folder {import_folder} cannot be created: {exc.strerror}. Choose another."
            raise ConfigError(msg) from None

    # -- reading ----------------------------------------------------------------------------

    def _export(self, layout: Layout) -> Path | None:
        """Sage's newest export in ``layout``, if there is one; a folder that cannot be read is a TransientError."""
        if self._export_folder is None:
            return None
        prefix = _EXPORT_PREFIX[layout.name]
        try:
            exports = [
                path
                for path in self._export_folder.iterdir()
                if path.name.lower().startswith(prefix) and path.suffix.lower() == ".csv"
            ]
            return max(exports, key=lambda p: p.stat().st_mtime) if exports else None
        except OSError as exc:  # a share offline, a folder removed, no permission
            msg = (
                f"Sage's export folder {self._export_folder} cannot be read ({exc.strerror}). Check it is there and "
                "readable; the sync tries again next time."
            )
            raise TransientError(msg, detail=repr(exc)) from None

    def _files(self, layout: Layout) -> list[Path]:
        """Sage's newest export in ``layout`` and every file this integrator wrote, oldest first.

        So a reader that lets later files win sees each record as it was last written or exported.
        """
        try:
            export = self._export(layout)
            files = [export] if export else []
            files += self._import_folder.glob(f"*-{_PREFIX[layout.name]}.csv")
            return sorted(files, key=lambda path: (path.stat().st_mtime, path.name))
        except OSError as exc:
            msg = f"The Sage folders could not be read ({exc.strerror}): check they are there and readable."
            raise TransientError(msg, detail=repr(exc)) from None

    @staticmethod
    def _read(path: Path, layout: Layout) -> Iterator[list[str]]:
        width = len(layout.columns)
        with path.open(encoding=ENCODING, newline="") as handle:
            for row in csv.reader(handle):
                if row and any(cell.strip() for cell in row):
                    yield (row + [""] * width)[:width]

    def _rows(self, layout: Layout) -> Iterator[list[str]]:
        """Every row of :meth:`_files`, in order."""
        for path in self._files(layout):
            yield from self._read(path, layout)

    def tax_rates(self) -> list[BooksTaxRate]:
        """Sage exports no tax codes: none are read (map them with ``mappings set tax``)."""
        return []

    def _require_export(self, layout: Layout) -> None:
        """Stop unless Sage's export of ``layout`` is there.

        Accounts and products are matched against it: without one, Sage's existing records are
        unknown, and an import could overwrite one that has the reference a new record would get.
        """
        if self._export(layout) is None:
            what = {CUSTOMER_RECORDS.name: "customers", SUPPLIER_RECORDS.name: "suppliers"}.get(layout.name, "products")
            prefix = _EXPORT_PREFIX[layout.name]
            folder = self._export_folder or "an export folder (company add NAME ... --export-folder PATH)"
            msg = (
                f"Export Sage's {what} (File > Export) into {folder} first, as a file whose name starts with "
                f"'{prefix}' (an empty one for a new company): the integrator matches existing records against "
                "it and never overwrites one."
            )
            raise ConfigError(msg)

    def customers(self) -> list[BooksCustomer]:
        """Customer accounts from Sage's export and from the files written here."""
        self._require_export(CUSTOMER_RECORDS)
        email = CUSTOMER_RECORDS.index("E-mail")
        latest = {row[0]: BooksCustomer(row[0], row[1], "", row[0], row[email]) for row in self._rows(CUSTOMER_RECORDS)}
        return list(latest.values())

    def items(self) -> list[BooksItem]:
        """Products from Sage's export and from the files written here."""
        self._require_export(PRODUCT_RECORDS)
        latest = {row[0]: BooksItem(row[0], row[1] or row[0]) for row in self._rows(PRODUCT_RECORDS)}
        return list(latest.values())

    def suppliers(self) -> list[BooksSupplier]:
        """Supplier accounts from Sage's export and from the files written here."""
        self._require_export(SUPPLIER_RECORDS)
        email = SUPPLIER_RECORDS.index("E-mail")
        latest = {row[0]: BooksSupplier(row[0], row[1], "", row[0], row[email]) for row in self._rows(SUPPLIER_RECORDS)}
        return list(latest.values())

    def find_invoices(self, numbers: Sequence[str]) -> dict[str, BooksInvoice]:
        """SI and SC transactions by reference, their splits added up."""
        wanted = set(numbers)
        totals: dict[str, tuple[str, Decimal]] = {}
        for path in self._files(AUDIT_TRAIL):  # an imported file's rows are in the export too: a later file wins
            in_file: dict[str, tuple[str, Decimal]] = {}
            for row in self._read(path, AUDIT_TRAIL):
                kind, reference = row[0].upper(), row[5]
                if kind in ("SI", "SC") and reference in wanted:
                    _, total = in_file.get(reference, (kind, Decimal(0)))
                    in_file[reference] = (kind, total + _decimal(row[7]) + _decimal(row[9]))
            totals.update(in_file)
        return {
            ref: BooksInvoice(books_id=ref, number=ref, total=-total if kind == "SC" else total, is_credit=kind == "SC")
            for ref, (kind, total) in totals.items()
        }

    def deleted_invoices(self, since: datetime | None) -> list[BooksDeletion]:
        """Not known from files."""
        return []

    def payments(self, since: datetime | None) -> list[BooksPayment]:
        """Receipts cannot be exchanged through Sage's import files."""
        return []

    def find_purchase_orders(self, numbers: Sequence[str]) -> dict[str, str]:
        """No purchase orders through files."""
        return {}

    # -- writing ----------------------------------------------------------------------------

    def _write_file(self, layout: Layout, rows: list[list[str]]) -> None:
        """One complete file, or none: written under a temporary name, then renamed."""
        if not rows:
            return
        # The time orders the files for a person; the random part keeps two runs in one second apart.
        stamp = f"{self._clock():%Y%m%d-%H%M%S}-{next(self._sequence):03d}{uuid.uuid4().hex[:6]}"
        final = self._import_folder / f"{stamp}-{_PREFIX[layout.name]}.csv"
        partial = final.with_suffix(".part")
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        try:
            with partial.open("xb") as handle:  # never over another file
                handle.write(buffer.getvalue().encode(ENCODING))
            os.replace(partial, final)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            msg = (
                f"The Sage import file could not be written to {self._import_folder} ({exc.strerror}). "
                "Check the folder is there and writable; nothing was written, so it is sent again next run."
            )
            raise TransientError(msg, detail=repr(exc)) from None

    def _row(self, layout: Layout, values: dict[str, str], label: str) -> list[str]:
        """A row in ``layout``'s order; a value Sage would refuse fails the record, naming it."""
        row = []
        for column in layout.columns:
            value = values.get(column.name, "")
            if column.limit and len(value) > column.limit:
                msg = (
                    f"{label}: '{column.name}' is {len(value)} characters; Sage 50 takes {column.limit}. "
                    "Shorten it in Halo."
                )
                raise RecordError(msg, record=label)
            try:
                value.encode(ENCODING)
            except UnicodeEncodeError:
                msg = f"{label}: '{column.name}' has characters Sage 50 cannot store ({value!r}). Change them in Halo."
                raise RecordError(msg, record=label) from None
            row.append(value)
        return row

    def write_customers(self, writes: Sequence[CustomerWrite]) -> list[WriteResult]:
        """Customer Records rows; a changed customer is written again with its reference (Sage updates it)."""

        def row(write: CustomerWrite, taken: set[str]) -> tuple[str, dict[str, str]]:
            customer = write.customer
            ref = write.books_id or account_ref(customer.name, customer.accounts_ref, taken)
            contact = " ".join(p for p in (customer.contact_first_name, customer.contact_last_name) if p)
            values = _account_values(
                ref, customer.name, customer.billing_address, contact, customer.phone, customer.email
            )
            return ref, {**values, "VAT Number": customer.tax_number}

        taken = {c.books_id for c in self.customers()}
        records = [
            (w.customer.halo_id, f"customer '{w.customer.name}'", w.customer.name, partial(row, w)) for w in writes
        ]
        return self._write_records(CUSTOMER_RECORDS, records, taken)

    def write_items(self, writes: Sequence[ItemWrite]) -> list[WriteResult]:
        """Product Records rows (services and non-stock items too: Sage keeps one product list)."""

        def row(write: ItemWrite, taken: set[str]) -> tuple[str, dict[str, str]]:
            item = write.item
            code = write.books_id or stock_code(item.name, item.accounts_ref, taken)
            return code, {
                "Stock Code": code, "Description": item.name, "Tax Code": write.tax_code or "",
                "Sales Price": _money(item.price), "Last Cost Price": _money(item.cost),
                "Nominal A/C Ref": self._defaults.nominal_for(item.income_account) or self._defaults.nominal,
            }  # fmt: skip

        taken = {i.books_id for i in self.items()}
        records = [(w.item.halo_id, f"item '{w.item.name}'", w.item.name, partial(row, w)) for w in writes]
        return self._write_records(PRODUCT_RECORDS, records, taken)

    def _write_records(
        self,
        layout: Layout,
        records: Sequence[tuple[int, str, str, Callable[[set[str]], tuple[str, dict[str, str]]]]],
        taken: set[str],
    ) -> list[WriteResult]:
        """One file of ``layout`` rows; a record is (Halo id, label, name, its key and values given the keys taken)."""
        rows: list[list[str]] = []
        results: list[WriteResult] = []
        for halo_id, label, name, make in records:
            try:
                key, values = make(taken)
                rows.append(self._row(layout, values, label))
            except RecordError as exc:
                results.append(WriteResult(str(halo_id), error=exc))
                continue
            taken.add(key)
            results.append(WriteResult(str(halo_id), books_id=key, number=name))
        self._write_file(layout, rows)
        return results

    def write_invoices(self, writes: Sequence[InvoiceWrite]) -> list[WriteResult]:
        """Audit Trail rows, one per split, grouped by account, date and reference under one header."""
        nominal = PRODUCT_RECORDS.index("Nominal A/C Ref")  # a line without its own goes to its product's
        nominals = {row[0]: row[nominal] for row in self._rows(PRODUCT_RECORDS)}
        rows: list[list[str]] = []
        results: list[WriteResult] = []
        for write in writes:
            invoice = write.invoice
            label = f"{'credit note' if invoice.is_credit else 'invoice'} {write.number} (Halo {invoice.halo_id})"
            posting = posting_of(write, rates={}, item_nominals=nominals, defaults=self._defaults)
            try:
                own = [
                    self._row(AUDIT_TRAIL, _split_values(posting, n, invoice.invoice_date), label)
                    for n in range(len(posting.splits))
                ]
                _check_posting(posting, label)
            except RecordError as exc:
                results.append(WriteResult(str(invoice.halo_id), error=exc))
                continue
            rows += own
            reference, total = posting.reference, posting.signed_total
            results.append(WriteResult(str(invoice.halo_id), books_id=reference, number=reference, total=total))
        self._write_file(AUDIT_TRAIL, rows)
        return results

    def write_suppliers(self, writes: Sequence[SupplierWrite]) -> list[WriteResult]:
        """Supplier Records rows, as customers are written."""

        def row(write: SupplierWrite, taken: set[str]) -> tuple[str, dict[str, str]]:
            supplier = write.supplier
            ref = write.books_id or account_ref(supplier.name, supplier.accounts_ref, taken)
            s = supplier
            return ref, _account_values(ref, s.name, s.address, s.contact_name, s.phone, s.email)

        taken = {s.books_id for s in self.suppliers()}
        records = [
            (w.supplier.halo_id, f"supplier '{w.supplier.name}'", w.supplier.name, partial(row, w)) for w in writes
        ]
        return self._write_records(SUPPLIER_RECORDS, records, taken)

    def write_purchase_orders(self, writes: Sequence[PurchaseOrderWrite]) -> list[WriteResult]:
        """Sage cannot import purchase orders."""
        error = RecordError("Sage 50 UK cannot import purchase orders.")
        return [WriteResult(str(w.order.halo_id), error=error) for w in writes]

    def void_invoices(self, writes: Sequence[VoidWrite]) -> list[WriteResult]:
        """Sage has no void."""
        error = RecordError("Sage 50 UK has no void; raise a credit note.")
        return [WriteResult(w.halo_id, error=error) for w in writes]


def _account_values(ref: str, name: str, address: Address, contact: str, phone: str, email: str) -> dict[str, str]:
    """The columns customer and supplier records share: reference, name, five address lines, contact."""
    lines = [*address.lines[:4], "", "", "", ""][:4]
    return {
        "A/C": ref, "Name": name, "Address Line 1": lines[0], "Address Line 2": lines[1], "Address Line 3": lines[2],
        "Address Line 4": lines[3], "Address Line 5": address.postcode, "Contact Name": contact, "Telephone": phone,
        "E-mail": email,
    }  # fmt: skip


def _split_values(posting: Posting, n: int, day: date | None) -> dict[str, str]:
    split = posting.splits[n]
    return {
        "Type": posting.type, "Account": posting.account, "Nominal Code": split.nominal,
        "Department": str(split.department) if split.department else "", "Date": _day(day),
        "Reference": posting.reference, "Details": split.details, "Net": _money(split.net), "T/C": split.tax_code,
        "Tax": _money(split.tax),
    }  # fmt: skip


def _check_posting(posting: Posting, label: str) -> None:
    gross = posting.net + posting.tax
    if gross == 0:
        msg = f"{label} is worth nothing, and Sage 50 posts no zero-value transaction."
        raise RecordError(msg, record=label)
    if gross < 0:
        kind = "credit note" if posting.type == "SC" else "invoice"
        msg = f"{label} totals below zero, which Sage 50 refuses for an {kind}. Correct its lines in Halo."
        raise RecordError(msg, record=label)
