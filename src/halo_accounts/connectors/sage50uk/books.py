"""Sage 50 UK as a ``BooksSession``, over Sage Data Objects (research sage50.md §1.2, §1.5).

Customers are ``SalesRecord`` accounts keyed by account reference (Halo's when it is a valid one,
else made from the name and written back to Halo by the engine), suppliers ``PurchaseRecord``,
items ``StockRecord`` (stock, non-stock or service). Invoices and credit notes are posted straight
to the ledger as SI and SC transactions (``TransactionPost``), one split per line with its nominal
code, T code and tax; the books id is the audit trail's header number and Halo's invoice number is
the reference. With ``invoicing`` on, they are product invoices and credits in the Invoicing module
instead (``InvoicePost``), for someone to check and post in Sage: Halo's number is the invoice
number when it is a free one (else Sage's next) and is kept in the order number either way. Tax
codes T0-T99 are read with their rates. Each call is one short-lived connection.

Purchase orders go to Purchase Order Processing (``PopPost``; Sage 50 Professional), Halo's
number kept in the order's reference. Payments are read as how much of each SI posting is paid
(its splits' ``AMOUNT_PAID``, raised by receipts and credits allocated in Sage). Deletions are not
read; the capabilities say so and the engine skips what a connector cannot do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from halo_accounts.connectors.sage50uk.postings import PostingDefaults, cents, posting_of, tax_number
from halo_accounts.connectors.sage50uk.refs import account_ref, stock_code
from halo_accounts.connectors.sage50uk.sdo import Connection, SdoConnector
from halo_accounts.domain import Customer, ItemKind, Supplier
from halo_accounts.domain.money import ZERO
from halo_accounts.errors import RecordError, SyncError
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

__all__ = ["CAPABILITIES", "Sage50UKBooks"]

CAPABILITIES = Capabilities(
    name="Sage 50 UK",
    customer_name_limit=60,
    item_name_limit=60,
    invoice_number_limit=30,  # the audit trail's reference
    per_line_tax_codes=True,
    reads_deletions=False,
    voids_invoices=False,
    carries_inactive=False,  # the SDO field for it is not known for sure
    purchase_orders=True,  # Purchase Order Processing: Sage 50 Professional
    write_batch_size=50,
)
_TYPES = {"SI": 1, "SC": 2}  # TransType
_PRODUCT_INVOICE, _PRODUCT_CREDIT = 0, 3  # InvoiceType (INVOICE_TYPE_CODE)
_CREDIT_TYPES = (3, 4)  # product and service credits
_LEDGER_TYPES = {False: 261, True: 265}  # LedgerType (InvoicePost.Type): Invoice, Credit
# Text fields of SalesRecord, PurchaseRecord and StockRecord and Sage's lengths (research §1.2, §1.4).
FIELD_LIMITS = {
    "NAME": 60, "ADDRESS_1": 60, "ADDRESS_2": 60, "ADDRESS_3": 60, "ADDRESS_4": 60, "ADDRESS_5": 60,
    "CONTACT_NAME": 30, "TELEPHONE": 30, "E_MAIL": 255, "VAT_REG_NUMBER": 30, "DESCRIPTION": 60,
    "STOCK_CODE": 30, "NOMINAL_CODE": 8, "DEF_NOM_CODE": 8,
}  # fmt: skip
_ITEM_TYPES = {ItemKind.INVENTORY: 0, ItemKind.NON_INVENTORY: 1, ItemKind.SERVICE: 2}  # StockItemType


def _com_date(day: date | None) -> datetime | None:
    # COM dates carry no zone; no date leaves Sage's program date, as a blank date does in its imports.
    return None if day is None else datetime(day.year, day.month, day.day)  # noqa: DTZ001


class Sage50UKBooks:
    """One company's Sage 50 UK data."""

    def __init__(
        self, connector: SdoConnector, *, defaults: PostingDefaults | None = None, invoicing: bool = False
    ) -> None:
        self._connector = connector
        self._defaults = defaults or PostingDefaults()
        self._invoicing = invoicing  # True: documents in the Invoicing module, for someone to post in Sage
        # Payments are found on the postings the integrator made; Invoicing-module documents become
        # postings only when someone posts them in Sage, under numbers the integrator never sees.
        self.capabilities = replace(CAPABILITIES, reads_payments=not invoicing)
        self._rates: dict[str, Decimal] | None = None

    # -- reads ------------------------------------------------------------------------------

    def tax_rates(self) -> list[BooksTaxRate]:
        """T0-T99 with their rates in this company."""
        rates = []
        with self._connector.connect() as sdo:
            code = sdo.workspace.CreateTaxCode()
            for number in range(100):
                if code.Load(number):
                    rates.append(BooksTaxRate(f"T{number}", str(code.Name or ""), cents(Decimal(str(code.Rate)))))
        self._rates = {r.key: r.rate for r in rates}
        # Sage keeps all of T0-T99; the ones never set up have no name, and would flood Halo.
        return [r for r in rates if r.name.strip()]

    def customers(self) -> list[BooksCustomer]:
        """Every customer account."""
        return [BooksCustomer(*fields) for fields in self._accounts("SalesRecord")]

    def suppliers(self) -> list[BooksSupplier]:
        """Every supplier account."""
        return [BooksSupplier(*fields) for fields in self._accounts("PurchaseRecord")]

    def _accounts(self, kind: str) -> list[tuple[str, str, str, str, str]]:
        """(reference, name, version, account number, e-mail) of every account in a ledger."""
        with self._connector.connect() as sdo:
            return [
                (str(f("ACCOUNT_REF")), str(f("NAME") or ""), "", str(f("ACCOUNT_REF")), str(f("E_MAIL") or ""))
                for f in _rows(sdo.create(kind))
            ]

    def items(self) -> list[BooksItem]:
        """Every stock record; its description is the name Halo's items are matched on."""
        with self._connector.connect() as sdo:
            return [
                BooksItem(str(f("STOCK_CODE")), str(f("DESCRIPTION") or f("STOCK_CODE")))
                for f in _rows(sdo.create("StockRecord"))
            ]

    def find_invoices(self, numbers: Sequence[str]) -> dict[str, BooksInvoice]:
        """SI and SC transactions by reference."""
        wanted = set(numbers)
        found: dict[str, BooksInvoice] = {}
        if not wanted:
            return found
        if self._invoicing:
            return self._find_documents(wanted)
        with self._connector.connect() as sdo:
            for f in _rows(sdo.create("HeaderData")):
                reference = str(f("INV_REF") or "")
                kind = f("TYPE")
                if kind in (_TYPES["SI"], _TYPES["SC"]) and reference in wanted:
                    gross = Decimal(str(f("NET_AMOUNT"))) + Decimal(str(f("TAX_AMOUNT")))
                    found[reference] = BooksInvoice(
                        books_id=str(f("HEADER_NUMBER")),
                        number=reference,
                        total=-gross if kind == _TYPES["SC"] else gross,
                        balance=Decimal(str(f("OUTSTANDING") or 0)),
                        is_credit=kind == _TYPES["SC"],
                    )
        return found

    def _find_documents(self, wanted: set[str]) -> dict[str, BooksInvoice]:
        """Invoicing-module documents by Halo's number (kept in ORDER_NUMBER), their items added up."""
        found: dict[str, BooksInvoice] = {}
        with self._connector.connect() as sdo:
            record = sdo.create("InvoiceRecord")
            for f in _rows(record):
                reference = str(f("ORDER_NUMBER") or "")
                if reference not in wanted:
                    continue
                items = record.Link
                gross = ZERO
                if items.MoveFirst():
                    while not items.IsEOF:
                        gross += Decimal(str(items.Fields.Item("NET_AMOUNT").Value or 0))
                        gross += Decimal(str(items.Fields.Item("TAX_AMOUNT").Value or 0))
                        items.MoveNext()
                credit = f("INVOICE_TYPE_CODE") in _CREDIT_TYPES
                number = str(f("INVOICE_NUMBER"))
                found[reference] = BooksInvoice(
                    books_id=f"INV{number}", number=number, total=-gross if credit else gross, is_credit=credit
                )
        return found

    def deleted_invoices(self, since: datetime | None) -> list[BooksDeletion]:
        """Not read from Sage 50 UK yet (``reads_deletions`` is off)."""
        return []

    def payments(self, since: datetime | None) -> list[BooksPayment]:
        """How much of each SI posting is paid so far: the sum of its splits' ``AMOUNT_PAID``.

        Receipts (SR, SA) and credits allocated in Sage raise it; the engine records in Halo what is
        new. Every SI posting is read: the audit trail says nothing about when an allocation was made.
        """
        paid: list[BooksPayment] = []
        today = date.today()  # noqa: DTZ011 - the day the payment was seen, in the books' own terms
        with self._connector.connect() as sdo:
            headers = sdo.create("HeaderData")
            for f in _rows(headers):
                if f("TYPE") != _TYPES["SI"]:
                    continue
                splits, total = headers.Link, ZERO
                if splits.MoveFirst():
                    while not splits.IsEOF:
                        total += Decimal(str(splits.Fields.Item("AMOUNT_PAID").Value or 0))
                        splits.MoveNext()
                # Unpaid ones too: a receipt reversed in full brings a total back to 0, which must be seen.
                number, reference = str(f("HEADER_NUMBER")), str(f("INV_REF") or "")
                paid.append(BooksPayment(f"SI{number}", today, ((number, total),), reference, paid_to_date=True))
        return paid

    def find_purchase_orders(self, numbers: Sequence[str]) -> dict[str, str]:
        """POP orders by Halo's number (kept in the order's REFERENCE): number -> books id."""
        wanted = set(numbers)
        if not wanted:
            return {}
        with self._connector.connect() as sdo:
            return {
                str(f("REFERENCE")): f"POP{f('ORDER_NUMBER')}"
                for f in _rows(sdo.create("PopRecord"))
                if str(f("REFERENCE") or "") in wanted
            }

    # -- writes -----------------------------------------------------------------------------

    def write_customers(self, writes: Sequence[CustomerWrite]) -> list[WriteResult]:
        """New or changed customer accounts."""
        return self._write_accounts("SalesRecord", [(w.customer, w.books_id) for w in writes], _customer_fields)

    def write_suppliers(self, writes: Sequence[SupplierWrite]) -> list[WriteResult]:
        """New or changed supplier accounts."""
        return self._write_accounts("PurchaseRecord", [(w.supplier, w.books_id) for w in writes], _supplier_fields)

    def _write_accounts(
        self,
        kind: str,
        writes: Sequence[tuple[Customer | Supplier, str]],
        fields_of: Callable[[Any], dict[str, object]],
    ) -> list[WriteResult]:
        results: list[WriteResult] = []
        with self._connector.connect() as sdo:
            record = sdo.create(kind)
            taken = {str(f("ACCOUNT_REF")) for f in _rows(record)}
            for account, books_id in writes:
                label = f"{'customer' if kind == 'SalesRecord' else 'supplier'} '{account.name}'"
                try:
                    ref = books_id or account_ref(account.name, account.accounts_ref, taken)
                except RecordError as exc:
                    results.append(WriteResult(str(account.halo_id), error=exc))
                    continue
                values = {"ACCOUNT_REF": ref, **fields_of(account)}
                result = _save(sdo, record, values, "ACCOUNT_REF", new=not books_id, label=label)
                if result is None:
                    taken.add(ref)
                    results.append(WriteResult(str(account.halo_id), books_id=ref, number=account.name))
                else:
                    results.append(WriteResult(str(account.halo_id), error=result))
        return results

    def write_items(self, writes: Sequence[ItemWrite]) -> list[WriteResult]:
        """New or changed stock records."""
        results: list[WriteResult] = []
        with self._connector.connect() as sdo:
            record = sdo.create("StockRecord")
            taken = {str(f("STOCK_CODE")) for f in _rows(record)}
            for write in writes:
                item = write.item
                label = f"item '{item.name}'"
                try:
                    code = write.books_id or stock_code(item.name, item.accounts_ref, taken)
                except RecordError as exc:
                    results.append(WriteResult(str(item.halo_id), error=exc))
                    continue
                values: dict[str, object] = {
                    "STOCK_CODE": code,
                    "DESCRIPTION": item.name,
                    "SALES_PRICE": float(item.price),
                    "NOMINAL_CODE": self._defaults.nominal_for(item.income_account) or self._defaults.nominal,
                }
                if not write.books_id:  # chosen once, at creation (QuickBooks cannot change it either)
                    values["ITEM_TYPE"] = _ITEM_TYPES[item.kind]
                if write.tax_code:
                    values["TAX_CODE"] = tax_number(write.tax_code)
                error = _save(sdo, record, values, "STOCK_CODE", new=not write.books_id, label=label)
                if error is None:
                    taken.add(code)
                    results.append(WriteResult(str(item.halo_id), books_id=code, number=item.name))
                else:
                    results.append(WriteResult(str(item.halo_id), error=error))
        return results

    def write_invoices(self, writes: Sequence[InvoiceWrite]) -> list[WriteResult]:
        """SI / SC postings (or Invoicing-module documents), one per invoice or credit note."""
        if self._rates is None:
            self.tax_rates()
        rates = self._rates or {}
        if self._invoicing:
            return self._write_documents(writes, rates)
        results: list[WriteResult] = []
        with self._connector.connect() as sdo:
            nominals = {str(f("STOCK_CODE")): str(f("NOMINAL_CODE") or "") for f in _rows(sdo.create("StockRecord"))}
            for write in writes:
                invoice = write.invoice
                label = f"{'credit note' if invoice.is_credit else 'invoice'} {write.number} (Halo {invoice.halo_id})"
                posting = posting_of(write, rates=rates, item_nominals=nominals, defaults=self._defaults)
                post = sdo.create("TransactionPost")
                header = post.Header.Fields
                for name, value in (
                    ("ACCOUNT_REF", posting.account), ("DATE", _com_date(invoice.invoice_date)),
                    ("INV_REF", posting.reference), ("DETAILS", posting.details), ("TYPE", _TYPES[posting.type]),
                    ("NET_AMOUNT", float(posting.net)), ("TAX_AMOUNT", float(posting.tax)),
                ):  # fmt: skip
                    header.Item(name).Value = value
                for split in posting.splits:
                    fields = post.Items.Add().Fields
                    for name, value in (
                        ("NOMINAL_CODE", split.nominal), ("DETAILS", split.details), ("NET_AMOUNT", float(split.net)),
                        ("TAX_AMOUNT", float(split.tax)), ("TAX_CODE", tax_number(split.tax_code)),
                        ("DEPT_NUMBER", split.department),
                    ):  # fmt: skip
                        fields.Item(name).Value = value
                halo_id = str(invoice.halo_id)
                if not post.Update():
                    results.append(WriteResult(halo_id, error=sdo.failure(label)))
                    continue
                results.append(
                    WriteResult(
                        halo_id, books_id=str(post.PostingNumber), number=posting.reference, total=posting.signed_total
                    )
                )
        return results

    def _write_documents(self, writes: Sequence[InvoiceWrite], rates: dict[str, Decimal]) -> list[WriteResult]:
        """InvoicePost: product invoices and credits, Halo's number as the invoice number when it is one."""
        results: list[WriteResult] = []
        with self._connector.connect() as sdo:
            used = {str(f("INVOICE_NUMBER")) for f in _rows(sdo.create("InvoiceRecord"))}
            for write in writes:
                invoice = write.invoice
                label = f"{'credit note' if invoice.is_credit else 'invoice'} {write.number} (Halo {invoice.halo_id})"
                posting = posting_of(write, rates=rates, item_nominals={}, defaults=self._defaults)
                document = sdo.create("InvoicePost")
                document.Type = _LEDGER_TYPES[invoice.is_credit]
                header = document.Header.Fields
                number = int(write.number) if write.number.isdigit() and write.number not in used else 0
                for name, value in (
                    ("INVOICE_NUMBER", number or document.GetNextNumber()), ("ACCOUNT_REF", posting.account),
                    ("INVOICE_DATE", _com_date(invoice.invoice_date)), ("ORDER_NUMBER", write.number),
                    ("INVOICE_TYPE_CODE", _PRODUCT_CREDIT if invoice.is_credit else _PRODUCT_INVOICE),
                    ("NOTES_1", posting.details),
                ):  # fmt: skip
                    header.Item(name).Value = value
                for line, split in zip(invoice.lines, posting.splits, strict=True):
                    fields = document.Items.Add().Fields
                    stock = write.item_ids.get(line.item_halo_id if line.item_halo_id is not None else 0, "")
                    for name, value in (
                        ("STOCK_CODE", stock), ("DESCRIPTION", (line.description or stock)[:120]),
                        ("QTY_ORDER", float(abs(line.quantity))), ("UNIT_PRICE", float(line.unit_price)),
                        ("NET_AMOUNT", float(split.net)), ("FULL_NET_AMOUNT", float(split.net)),
                        ("TAX_CODE", tax_number(split.tax_code)), ("TAX_AMOUNT", float(split.tax)),
                        ("NOMINAL_CODE", split.nominal if line.nominal_code else ""),
                        ("DEPT_NUMBER", split.department or ""),
                    ):  # fmt: skip
                        if value != "":
                            fields.Item(name).Value = value
                halo_id = str(invoice.halo_id)
                if not document.Update():
                    results.append(WriteResult(halo_id, error=sdo.failure(label)))
                    continue
                saved = str(header.Item("INVOICE_NUMBER").Value)
                used.add(saved)
                results.append(WriteResult(halo_id, books_id=f"INV{saved}", number=saved, total=posting.signed_total))
        return results

    def void_invoices(self, writes: Sequence[VoidWrite]) -> list[WriteResult]:
        """Sage 50 UK has no void: a credit note reverses an invoice (``voids_invoices`` is off)."""
        return [
            WriteResult(w.halo_id, error=RecordError("Sage 50 UK has no void; raise a credit note.")) for w in writes
        ]

    def write_purchase_orders(self, writes: Sequence[PurchaseOrderWrite]) -> list[WriteResult]:
        """PopPost: one purchase order each, Halo's number as the order number when it is a free one."""
        results: list[WriteResult] = []
        with self._connector.connect() as sdo:
            used = {str(f("ORDER_NUMBER")) for f in _rows(sdo.create("PopRecord"))}
            tax = {str(f("STOCK_CODE")): f("TAX_CODE") for f in _rows(sdo.create("StockRecord"))}
            for write in writes:
                order = write.order
                label = f"purchase order {write.number} (Halo {order.halo_id})"
                post = sdo.create("PopPost")
                header = post.Header.Fields
                number = int(write.number) if write.number.isdigit() and write.number not in used else 0
                for name, value in (
                    ("ORDER_NUMBER", number or post.GetNextNumber()), ("ACCOUNT_REF", write.supplier_id),
                    ("ORDER_DATE", _com_date(order.order_date)), ("REFERENCE", write.number),
                ):  # fmt: skip
                    header.Item(name).Value = value
                for line in order.lines:
                    stock = write.item_ids.get(line.item_halo_id if line.item_halo_id is not None else 0, "")
                    net = cents(line.quantity * line.unit_price)
                    fields = post.Items.Add().Fields
                    for name, value in (
                        ("STOCK_CODE", stock), ("DESCRIPTION", (line.description or stock)[:120]),
                        ("QTY_ORDER", float(line.quantity)), ("UNIT_PRICE", float(line.unit_price)),
                        ("NET_AMOUNT", float(net)), ("TAX_CODE", tax.get(stock) if tax.get(stock) is not None else 1),
                    ):  # fmt: skip
                        fields.Item(name).Value = value
                halo_id = str(order.halo_id)
                if not post.Update():
                    results.append(WriteResult(halo_id, error=sdo.failure(label)))
                    continue
                saved = str(header.Item("ORDER_NUMBER").Value)
                used.add(saved)
                results.append(WriteResult(halo_id, books_id=f"POP{saved}", number=saved))
        return results


def _rows(record: Any) -> Iterator[Callable[[str], Any]]:
    """Each row of a record object, as a reader of its fields."""
    if not record.MoveFirst():
        return
    while not record.IsEOF:
        values: dict[str, Any] = {}

        def field(name: str, _values: dict[str, Any] = values) -> Any:
            if name not in _values:
                _values[name] = record.Fields.Item(name).Value
            return _values[name]

        yield field
        record.MoveNext()


def _save(
    sdo: Connection, record: Any, values: dict[str, object], key: str, *, new: bool, label: str
) -> SyncError | None:
    """AddNew (or Find + Edit), set the fields, Update; the error when Sage refuses."""
    for name, value in values.items():  # checked first, so the message names the field and the fix
        limit = FIELD_LIMITS.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            what = name.lower().replace("_", " ")
            msg = (
                f"Sage 50 did not save {label}: its {what} is {len(value)} characters, Sage takes at most "
                f"{limit}. Shorten it in Halo."
            )
            return RecordError(msg, record=label)
    if new:
        record.AddNew()
    else:
        record.Fields.Item(key).Value = values[key]
        if not record.Find(False):
            return RecordError(f"Sage 50 has no {label} with the reference {values[key]} any more.", record=label)
        record.Edit()
    for name, value in values.items():
        record.Fields.Item(name).Value = value
    if record.Update():
        return None
    record.CancelUpdate()
    return sdo.failure(label)


def _address_fields(lines: Sequence[str], postcode: str) -> dict[str, object]:
    # Every line, blank ones too: a shorter address in Halo must not leave old lines in Sage.
    padded = [*list(lines)[:4], "", "", "", ""][:4]
    return {**{f"ADDRESS_{n}": line for n, line in enumerate(padded, start=1)}, "ADDRESS_5": postcode}


def _customer_fields(customer: Customer) -> dict[str, object]:
    contact = " ".join(p for p in (customer.contact_first_name, customer.contact_last_name) if p)
    fields: dict[str, object] = {"NAME": customer.name, "CONTACT_NAME": contact, "TELEPHONE": customer.phone,
                                 "E_MAIL": customer.email, "VAT_REG_NUMBER": customer.tax_number}  # fmt: skip
    fields.update(_address_fields(customer.billing_address.lines, customer.billing_address.postcode))
    return fields


def _supplier_fields(supplier: Supplier) -> dict[str, object]:
    fields: dict[str, object] = {"NAME": supplier.name, "CONTACT_NAME": supplier.contact_name,
                                 "TELEPHONE": supplier.phone, "E_MAIL": supplier.email}  # fmt: skip
    fields.update(_address_fields(supplier.address.lines, supplier.address.postcode))
    return fields
