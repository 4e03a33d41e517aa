"""Sage 50 Canada as a ``BooksSession``: reads from the company's database, writes by SDK or .IMP file.

Research sage50.md §2. Sage keys customers and vendors by name (at most 52 characters), items by
part number, sales invoices and purchase orders by number, so those are the books ids.
Everything is read from the company's MySQL database, read-only
(:class:`~halo_accounts.connectors.sage50ca.database.SageCanadaDatabase`): tax codes and their
authorities, customers, vendors, items, recorded invoices with what is owed, and receipts, which
is how payments reach Halo. Writes go one of two ways:

- :class:`SdkWriter`, the Sage 50 SDK on Windows: customers and vendors through their ledgers,
  items through the inventory ledger, invoices and credits through the sales journal with each
  authority's tax, purchase orders through the purchases journal;
- :class:`ImpWriter`, Sage's transaction import file, anywhere: new customers and vendors,
  invoices and credits; run through ``Sage_SA_import.exe`` when configured (then checked in the
  database), else left in a folder for File > Import, where they count as written so nothing is
  written twice. The format cannot change a customer, create an item or a purchase order: such
  writes fail with what to do in Sage instead.

Sage 50 Canada has no void the integrator can reach, and keeps no list of deletions; the
capabilities say so and the engine does not ask.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Protocol

from halo_accounts.connectors.sage50ca.database import SageCanadaDatabase
from halo_accounts.connectors.sage50ca.imp import (
    ENCODING,
    ImpDocument,
    ImpFormatError,
    Party,
    SalesDetail,
    SalesInvoice,
    Tax,
    check_party,
    parse,
    render,
)
from halo_accounts.connectors.sage50ca.sales import Sale, sale_of
from halo_accounts.connectors.sage50ca.sdk import SdkConnector
from halo_accounts.domain import Address, Customer, Supplier
from halo_accounts.errors import ConfigError, RecordError, SyncError, TransientError
from halo_accounts.ports.books import (
    BooksCustomer,
    BooksDeletion,
    BooksInvoice,
    BooksItem,
    BooksPayment,
    BooksSupplier,
    BooksTaxRate,
    Capabilities,
    CustomerWrite,
    InvoiceWrite,
    ItemWrite,
    PurchaseOrderWrite,
    SupplierWrite,
    VoidWrite,
    WriteResult,
)

__all__ = ["IMP_CAPABILITIES", "SDK_CAPABILITIES", "ImpWriter", "PartyWrite", "Sage50CABooks", "SdkWriter"]

SDK_CAPABILITIES = Capabilities(
    name="Sage 50 Canada",
    customer_name_limit=52,
    item_name_limit=52,
    invoice_number_limit=20,
    per_line_tax_codes=True,
    reads_deletions=False,
    voids_invoices=False,
    carries_inactive=False,
    purchase_orders=True,
    write_batch_size=50,
)
IMP_CAPABILITIES = replace(SDK_CAPABILITIES, purchase_orders=False, write_batch_size=200)
_IMPORT_TIMEOUT = 600  # seconds Sage's importer may take
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class PartyWrite:
    """A customer or vendor to save: new (no ``books_id``) or the one of that name."""

    halo_id: str
    party: Party
    books_id: str  # "" = new
    label: str


def _party(name: str, address: Address, contact: str, phone: str, email: str) -> Party:
    lines = [*address.lines, "", "", "", ""]
    return Party(
        name=name, contact=contact[:30], street1=lines[0], street2=lines[1], city=lines[2], province=lines[3],
        postal=address.postcode, phone1=phone, email=email,
    )  # fmt: skip


def _customer_party(customer: Customer) -> Party:
    contact = " ".join(p for p in (customer.contact_first_name, customer.contact_last_name) if p)
    return _party(customer.name, customer.billing_address, contact, customer.phone, customer.email)


def _supplier_party(supplier: Supplier) -> Party:
    return _party(supplier.name, supplier.address, supplier.contact_name, supplier.phone, supplier.email)


def _day(value: date) -> str:
    return value.strftime("%m-%d-%Y")


class SdkWriter:
    """Writes through the Sage 50 SDK; the company is opened at the first write and closed by :meth:`close`."""

    capabilities = SDK_CAPABILITIES

    def __init__(self, connector: SdkConnector) -> None:
        self._connector = connector
        self._stack = ExitStack()
        self._sdk: Any = None

    def close(self) -> None:
        """Close the company (``CloseDatabase``)."""
        self._stack.close()
        self._sdk = None

    def _open(self) -> Any:
        if self._sdk is None:
            self._sdk = self._stack.enter_context(self._connector.open())
        return self._sdk

    def _refused(self, what: str, label: str) -> RecordError:
        said = self._connector.alerts.last or "it gave no reason"
        return RecordError(f"Sage 50 did not {what} {label}: {said}", record=label, detail=said)

    def write_parties(self, kind: str, writes: Sequence[PartyWrite]) -> list[WriteResult]:
        """Customers or vendors, each saved in its ledger by name."""
        sdk = self._open()
        ledger = sdk.OpenCustomerLedger() if kind == "customer" else sdk.OpenVendorLedger()
        results = []
        try:
            for write in writes:
                self._connector.alerts.clear()
                if write.books_id and not ledger.LoadByName(write.books_id):
                    error = RecordError(f"Sage 50 has no {write.label} named '{write.books_id}' any more.")
                    results.append(WriteResult(write.halo_id, error=error))
                    continue
                if not write.books_id:
                    ledger.InitializeNew()
                for prop, value in (
                    ("Name", write.party.name), ("Contact", write.party.contact), ("Street1", write.party.street1),
                    ("Street2", write.party.street2), ("City", write.party.city), ("Province", write.party.province),
                    ("PostalCode", write.party.postal), ("Phone1", write.party.phone1), ("Email", write.party.email),
                ):  # fmt: skip
                    setattr(ledger, prop, value)
                if ledger.Save():
                    results.append(WriteResult(write.halo_id, books_id=write.party.name, number=write.party.name))
                else:
                    results.append(WriteResult(write.halo_id, error=self._refused("save", write.label)))
        finally:
            ledger.Close()
        return results

    def write_items(self, writes: Sequence[tuple[ItemWrite, str]]) -> list[WriteResult]:
        """Inventory and service items by part number."""
        sdk = self._open()
        ledger = sdk.OpenInventoryLedger()
        results = []
        try:
            for write, number in writes:
                item, halo_id = write.item, str(write.item.halo_id)
                label = f"item '{item.name}'"
                self._connector.alerts.clear()
                if write.books_id and not ledger.LoadByPartCode(write.books_id):
                    error = RecordError(f"Sage 50 has no item with part number '{write.books_id}' any more.")
                    results.append(WriteResult(halo_id, error=error))
                    continue
                if not write.books_id:
                    ledger.InitializeNew()
                    ledger.Number = number
                    ledger.IsServiceType = item.kind.name != "INVENTORY"  # set once: Sage fixes it when saved
                ledger.Name = item.name
                ledger.RegularPrice = float(item.price)
                if ledger.Save():
                    results.append(WriteResult(halo_id, books_id=str(ledger.Number), number=item.name))
                else:
                    results.append(WriteResult(halo_id, error=self._refused("save", label)))
        finally:
            ledger.Close()
        return results

    def write_sales(self, sales: Sequence[tuple[str, str, Sale]]) -> list[WriteResult]:
        """(Halo id, label, sale): each posted in the sales journal; the books id is the invoice number."""
        sdk = self._open()
        journal = sdk.OpenSalesJournal()
        results = []
        try:
            for halo_id, label, sale in sales:
                self._connector.alerts.clear()
                journal.Undo()  # a fresh entry: nothing of a refused one may ride along with this one
                journal.SelectTransType("Invoice")
                if not journal.SelectAPARLedger(sale.customer):
                    error = RecordError(f"Sage 50 has no customer '{sale.customer}' for {label}.", record=label)
                    results.append(WriteResult(halo_id, error=error))
                    continue
                journal.InvoiceNumber = sale.number
                journal.SetJournalDate(_day(sale.day))
                journal.SelectPaidByType("Pay Later")
                for n, line in enumerate(sale.lines, start=1):
                    journal.SetItemNumber(line.item, n)
                    journal.SetQuantity(float(line.quantity), n)
                    journal.SetPrice(float(line.price), n)
                    journal.SetLineAmount(float(line.amount), n)
                    journal.SetTaxCodeString(line.tax_code, n)
                    summary = journal.GetLineTaxAmountInfo(n)
                    for tax in line.taxes:  # Halo's figures, so the books' total is Halo's to the cent
                        summary.SetTaxAmountByName(tax.name, float(tax.amount))
                    summary.Save()
                books_total = Decimal(str(journal.GetTotalAmount())).quantize(_CENT)
                if books_total != sale.total:  # Sage worked something out otherwise: nothing is recorded
                    journal.Undo()
                    msg = (
                        f"Sage 50 would record {label} at {books_total}, Halo has {sale.total}: it was not recorded. "
                        "Check the tax codes of its lines."
                    )
                    results.append(WriteResult(halo_id, error=RecordError(msg, record=label)))
                elif journal.Post():
                    results.append(WriteResult(halo_id, books_id=sale.number, number=sale.number, total=sale.total))
                else:
                    results.append(WriteResult(halo_id, error=self._refused("record", label)))
        finally:
            journal.Undo()
            journal.Close()
        return results

    def write_orders(self, writes: Sequence[PurchaseOrderWrite]) -> list[WriteResult]:
        """Purchase orders in the purchases journal, under Halo's number."""
        sdk = self._open()
        journal = sdk.OpenPurchasesJournal()
        results = []
        try:
            for write in writes:
                order, halo_id = write.order, str(write.order.halo_id)
                label = f"purchase order {write.number} (Halo {order.halo_id})"
                self._connector.alerts.clear()
                journal.Undo()
                journal.SelectTransType("Order")
                if not journal.SelectAPARLedger(write.supplier_id):
                    error = RecordError(f"Sage 50 has no vendor '{write.supplier_id}' for {label}.", record=label)
                    results.append(WriteResult(halo_id, error=error))
                    continue
                journal.OrderQuoteNum = write.number
                journal.SetJournalDate(_day(order.order_date or date.today()))  # noqa: DTZ011 - a day in Sage's terms
                for n, line in enumerate(order.lines, start=1):
                    item = write.item_ids.get(line.item_halo_id, "") if line.item_halo_id is not None else ""
                    journal.SetItemNumber(item or line.item_code, n)
                    journal.SetQuantity(float(line.quantity), n)
                    journal.SetPrice(float(line.unit_price), n)
                    journal.SetLineAmount(float((line.quantity * line.unit_price).quantize(_CENT, ROUND_HALF_UP)), n)
                if journal.Post():
                    results.append(WriteResult(halo_id, books_id=write.number, number=write.number))
                else:
                    results.append(WriteResult(halo_id, error=self._refused("record", label)))
        finally:
            journal.Undo()
            journal.Close()
        return results


class ImpWriter:
    r"""Writes Sage's import files into ``folder``, and runs Sage's importer on them when given one.

    ``importer`` is the command before the two arguments Sage's importer takes, e.g.
    ``["C:\\...\\Sage_SA_import.exe"]``; its outcome is read from the company's database, since
    only the database says what was recorded. Without an importer, a file waits in ``folder``
    for someone to import it, and what it holds counts as written.
    """

    capabilities = IMP_CAPABILITIES

    def __init__(
        self, folder: Path, *, importer: Sequence[str] = (), company_file: str = "", version: str = "32101"
    ) -> None:
        self.folder = folder
        self._importer = list(importer)
        self._company_file = company_file
        self._version = version
        if self._importer and not company_file:
            msg = "Running Sage's importer needs the company's .SAI file: set it (company add --company-file)."
            raise ConfigError(msg)

    def close(self) -> None:
        """Nothing stays open between files."""

    @property
    def runs_importer(self) -> bool:
        """Whether files are imported as they are written."""
        return bool(self._importer)

    def waiting_files(self) -> list[tuple[Path, ImpDocument]]:
        """The files written and not yet imported (none when the importer runs them), oldest first."""
        if self._importer or not self.folder.is_dir():
            return []
        files = []
        for path in sorted(self.folder.glob("halo-*.imp")):
            try:
                files.append((path, parse(path.read_bytes().decode(ENCODING))))
            except (OSError, UnicodeDecodeError, ImpFormatError):
                continue  # being written, or not one of ours
        return files

    def waiting(self) -> ImpDocument:
        """Everything in files not yet imported."""
        merged = ImpDocument()
        for _, document in self.waiting_files():
            merged.customers += document.customers
            merged.vendors += document.vendors
            merged.sales_invoices += document.sales_invoices
        return merged

    def write(self, document: ImpDocument) -> tuple[Path, str]:
        """Write one file (complete or absent) and import it when an importer is set; (file, what it said)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
        path = self.folder / f"halo-{stamp}-{uuid.uuid4().hex[:6]}.imp"
        partial = path.with_suffix(".part")
        partial.write_bytes(render(replace(document, version=self._version)).encode(ENCODING))
        os.replace(partial, path)
        if not self._importer:
            return path, ""
        try:
            done = subprocess.run(  # noqa: S603 - the configured importer, given our own file
                [*self._importer, str(path), self._company_file],
                capture_output=True, timeout=_IMPORT_TIMEOUT, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            return path, f"Sage's importer could not run: {exc}"
        said = (done.stdout + done.stderr).decode(errors="replace").strip()
        return path, said if done.returncode else ""

    def settle(self, path: Path, *, recorded: bool) -> None:
        """Move an imported file out of the way: to ``imported`` or to ``failed`` beside it."""
        target = self.folder / ("imported" if recorded else "failed")
        target.mkdir(exist_ok=True)
        os.replace(path, target / path.name)


def _imp_sale(sale: Sale) -> SalesInvoice:
    details = tuple(
        SalesDetail(
            line.item,
            line.quantity,
            line.price,
            line.amount,
            tuple(Tax(t.name, t.rate, t.amount, t.included, t.refundable) for t in line.taxes),
        )  # fmt: skip
        for line in sale.lines
    )
    return SalesInvoice(Party(sale.customer), sale.day, details, invoice_number=sale.number)


class SdkWrites(Protocol):
    """What the books need of the SDK: :class:`SdkWriter` here, or the same in a worker process."""

    capabilities: Capabilities

    def write_parties(self, kind: str, writes: Sequence[PartyWrite]) -> list[WriteResult]:
        """Customers (``kind`` "customer") or vendors."""

    def write_items(self, writes: Sequence[tuple[ItemWrite, str]]) -> list[WriteResult]:
        """Items, each with the part number of a new one."""

    def write_sales(self, sales: Sequence[tuple[str, str, Sale]]) -> list[WriteResult]:
        """(Halo id, label, sale) in the sales journal."""

    def write_orders(self, writes: Sequence[PurchaseOrderWrite]) -> list[WriteResult]:
        """Purchase orders."""

    def close(self) -> None:
        """Close the company."""


class Sage50CABooks:
    """One Sage 50 Canada company: read from its database, written by ``writer``."""

    def __init__(self, database: SageCanadaDatabase, writer: SdkWrites | ImpWriter, *, default_item: str = "") -> None:
        self._db = database
        self._writer = writer
        self._sdk: SdkWrites | None = None if isinstance(writer, ImpWriter) else writer
        self._default_item = default_item  # the part number of lines Halo gives no item
        self.capabilities = writer.capabilities

    def close(self) -> None:
        """Close the company and the database connections."""
        try:
            self._writer.close()
        finally:
            self._db.close()

    # -- reads ------------------------------------------------------------------------------

    def tax_rates(self) -> list[BooksTaxRate]:
        """Each tax code, its authorities' rates added up."""
        return self._db.tax_rates()

    def customers(self) -> list[BooksCustomer]:
        """Every customer, and those in import files still waiting."""
        known = self._db.customers()
        names = {c.name for c in known}
        waiting = self._waiting().customers if isinstance(self._writer, ImpWriter) else []
        return known + [BooksCustomer(p.name, p.name, email=p.email) for p in waiting if p.name not in names]

    def suppliers(self) -> list[BooksSupplier]:
        """Every vendor, and those in import files still waiting."""
        known = self._db.suppliers()
        names = {s.name for s in known}
        waiting = self._waiting().vendors if isinstance(self._writer, ImpWriter) else []
        return known + [BooksSupplier(p.name, p.name, email=p.email) for p in waiting if p.name not in names]

    def items(self) -> list[BooksItem]:
        """Every inventory and service item."""
        return self._db.items()

    def find_invoices(self, numbers: Sequence[str]) -> dict[str, BooksInvoice]:
        """Recorded sales invoices by number, and those in import files still waiting."""
        found = self._db.invoices(numbers)
        if isinstance(self._writer, ImpWriter):
            wanted = set(numbers) - set(found)
            for sale in self._waiting().sales_invoices:
                if sale.invoice_number in wanted:
                    found[sale.invoice_number] = BooksInvoice(sale.invoice_number, sale.invoice_number, sale.total)
        return found

    def _waiting(self) -> ImpDocument:
        assert isinstance(self._writer, ImpWriter)  # noqa: S101 - callers check
        return self._writer.waiting()

    def notes(self) -> list[str]:
        """What a person should know about the books (shown by the doctor): import files nobody imported.

        A file whose every record is in the database was imported by hand: it is moved to
        ``imported``. The rest wait for File > Import Transactions, and until then Halo shows their
        invoices as sent; the oldest one's date says how long.
        """
        if not isinstance(self._writer, ImpWriter):
            return []
        left = []
        for path, document in self._writer.waiting_files():
            numbers = [s.invoice_number for s in document.sales_invoices]
            names = {p.name for p in document.customers} | {p.name for p in document.vendors}
            known = {c.name for c in self._db.customers()} | {v.name for v in self._db.suppliers()}
            if set(self._db.invoices(numbers)) >= set(numbers) and names <= known:
                self._writer.settle(path, recorded=True)
            else:
                left.append(path)
        if not left:
            return []
        since = datetime.fromtimestamp(left[0].stat().st_mtime).astimezone().strftime("%Y-%m-%d %H:%M")
        return [
            f"{len(left)} import file(s) in {self._writer.folder} wait to be imported (the oldest since {since}). "
            "In Sage 50, File > Import Transactions each one; until then their invoices are not in the books."
        ]

    def deleted_invoices(self, since: datetime | None) -> list[BooksDeletion]:
        """Not kept by Sage 50 Canada (``reads_deletions`` is off)."""
        return []

    def payments(self, since: datetime | None) -> list[BooksPayment]:
        """Receipts, with the invoices each paid."""
        return self._db.payments(since)

    def find_purchase_orders(self, numbers: Sequence[str]) -> dict[str, str]:
        """Purchase orders by number."""
        return self._db.purchase_orders(numbers)

    # -- writes -----------------------------------------------------------------------------

    def write_customers(self, writes: Sequence[CustomerWrite]) -> list[WriteResult]:
        """New or changed customers."""
        parties = [
            (str(w.customer.halo_id), _customer_party(w.customer), w.books_id, f"customer '{w.customer.name}'")
            for w in writes
        ]
        return self._write_parties("customer", parties)

    def write_suppliers(self, writes: Sequence[SupplierWrite]) -> list[WriteResult]:
        """New or changed vendors."""
        parties = [
            (str(w.supplier.halo_id), _supplier_party(w.supplier), w.books_id, f"vendor '{w.supplier.name}'")
            for w in writes
        ]
        return self._write_parties("vendor", parties)

    def _write_parties(self, kind: str, parties: Sequence[tuple[str, Party, str, str]]) -> list[WriteResult]:
        results: dict[str, WriteResult] = {}
        valid: list[PartyWrite] = []
        for halo_id, party, books_id, label in parties:
            try:
                check_party(party, label, quotes=self._sdk is not None)
            except ImpFormatError as exc:
                results[halo_id] = WriteResult(halo_id, error=exc)
                continue
            if books_id and isinstance(self._writer, ImpWriter):
                msg = (
                    f"Sage's import file cannot change an existing {kind}: change {label} in Sage 50 by hand "
                    "(or use the SDK transport)."
                )
                results[halo_id] = WriteResult(halo_id, error=RecordError(msg, record=label))
                continue
            valid.append(PartyWrite(halo_id, party, books_id, label))
        if self._sdk is not None:
            written = self._sdk.write_parties(kind, valid)
        else:
            listed = [w.party for w in valid]
            document = ImpDocument(customers=listed) if kind == "customer" else ImpDocument(vendors=listed)
            written = self._import(document, [(w.halo_id, w.label, w.party.name, None) for w in valid], kind)
        results.update((r.halo_id, r) for r in written)
        return [results[halo_id] for halo_id, *_ in parties]

    def write_items(self, writes: Sequence[ItemWrite]) -> list[WriteResult]:
        """New or changed items; the part number is Halo's accounts reference, else the name."""
        if self._sdk is None:
            return [
                WriteResult(
                    str(w.item.halo_id),
                    error=RecordError(
                        f"Sage's import file cannot create items: add '{w.item.name}' in Sage 50 (Inventory & "
                        "Services) under the same name, and the next sync links it.",
                        record=f"item '{w.item.name}'",
                    ),
                )
                for w in writes
            ]
        return self._sdk.write_items([(w, (w.item.accounts_ref or w.item.name)[:52]) for w in writes])

    def write_invoices(self, writes: Sequence[InvoiceWrite]) -> list[WriteResult]:
        """Invoices and credit notes in the sales journal."""
        codes = self._db.tax_codes()
        today = date.today()  # noqa: DTZ011 - an invoice without a date is dated today, in Sage's terms
        results: dict[str, WriteResult] = {}
        sales: list[tuple[str, str, Sale]] = []
        for write in writes:
            invoice = write.invoice
            halo_id = str(invoice.halo_id)
            label = f"{'credit note' if invoice.is_credit else 'invoice'} {write.number} (Halo {invoice.halo_id})"
            try:
                sale = sale_of(write, codes, self._default_item, today)
                if isinstance(self._writer, ImpWriter):
                    render(ImpDocument(sales_invoices=[_imp_sale(sale)]))  # its values checked before any file
            except RecordError as exc:
                results[halo_id] = WriteResult(halo_id, error=exc)
                continue
            sales.append((halo_id, label, sale))
        if self._sdk is not None:
            written = self._sdk.write_sales(sales)
        else:
            document = ImpDocument(sales_invoices=[_imp_sale(s) for _, _, s in sales])
            written = self._import(document, [(h, lbl, s.number, s.total) for h, lbl, s in sales], "invoice")
        results.update((r.halo_id, r) for r in written)
        return [results[str(w.invoice.halo_id)] for w in writes]

    def _import(
        self, document: ImpDocument, expected: Sequence[tuple[str, str, str, Decimal | None]], kind: str
    ) -> list[WriteResult]:
        """One file for the batch; with an importer, each record checked in the database afterwards.

        Sage imports a file all or nothing: when a file of several is refused, each record is
        imported on its own, so one bad record does not hold back the rest.
        """
        writer = self._writer
        assert isinstance(writer, ImpWriter)  # noqa: S101 - callers check
        if not expected:
            return []
        path, said = writer.write(document)
        if not writer.runs_importer:
            return [WriteResult(h, books_id=key, number=key, total=total) for h, _, key, total in expected]
        present = self._present(kind, [key for _, _, key, _ in expected])
        writer.settle(path, recorded=bool(present))
        busy = any(sign in said.lower() for sign in ("single-user", "in use", "could not run"))
        if not present and len(expected) > 1 and not busy:
            return [
                result
                for one in expected
                for result in self._import(_only(document, kind, one[2]), [one], kind)
            ]  # fmt: skip
        results = []
        for halo_id, label, key, total in expected:
            if key in present:
                results.append(WriteResult(halo_id, books_id=key, number=key, total=present[key] or total))
                continue
            reason = said or "Sage's importer recorded nothing and said nothing."
            error: SyncError = RecordError(f"Sage 50 did not import {label}: {reason}", record=label, detail=said)
            if busy:
                error = TransientError(f"Sage 50 did not import {label} now: {reason}", detail=said)
            results.append(WriteResult(halo_id, error=error))
        return results

    def _present(self, kind: str, keys: Sequence[str]) -> dict[str, Decimal | None]:
        if kind == "invoice":
            return {number: found.total for number, found in self._db.invoices(keys).items()}
        known = {p.name for p in (self._db.customers() if kind == "customer" else self._db.suppliers())}
        return {key: None for key in keys if key in known}

    def void_invoices(self, writes: Sequence[VoidWrite]) -> list[WriteResult]:
        """Not reachable in Sage 50 Canada (``voids_invoices`` is off): a credit reverses an invoice."""
        error = RecordError("The integrator cannot void in Sage 50 Canada; reverse the invoice in Sage.")
        return [WriteResult(w.halo_id, error=error) for w in writes]

    def write_purchase_orders(self, writes: Sequence[PurchaseOrderWrite]) -> list[WriteResult]:
        """Purchase orders through the SDK (the import file has none)."""
        if self._sdk is not None:
            return self._sdk.write_orders(writes)
        error = RecordError("Sage's import file cannot carry purchase orders; use the SDK transport for them.")
        return [WriteResult(str(w.order.halo_id), error=error) for w in writes]


def _only(document: ImpDocument, kind: str, key: str) -> ImpDocument:
    """The part of ``document`` about one record."""
    if kind == "invoice":
        return ImpDocument(sales_invoices=[s for s in document.sales_invoices if s.invoice_number == key])
    if kind == "customer":
        return ImpDocument(customers=[p for p in document.customers if p.name == key])
    return ImpDocument(vendors=[p for p in document.vendors if p.name == key])
