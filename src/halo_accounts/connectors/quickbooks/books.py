"""QuickBooks Desktop as a ``BooksSession``: the port's calls turned into batched qbXML messages.

Reads use iterators (``MaxReturned`` 100, QuickBooks' practical page) within one session;
writes pack a whole batch into one message with ``continueOnError`` and answer per record.
US companies carry one sales tax rate per invoice (an ``ItemSalesTax``) and mark each line
taxable or not; CA/UK/AU companies name a tax code on every line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

from halo_accounts.connectors.quickbooks.conversations import read_company_profile
from halo_accounts.connectors.quickbooks.qbxml.batch import pair_responses
from halo_accounts.connectors.quickbooks.qbxml.build import Ref, Request, Shortener, build_message
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition
from halo_accounts.connectors.quickbooks.qbxml.host import CompanyProfile
from halo_accounts.connectors.quickbooks.qbxml.parse import QBObject, Response, parse_message
from halo_accounts.connectors.quickbooks.qbxml.records import (
    ItemAccounts,
    LineRefs,
    customer_values,
    invoice_request,
    item_request,
    list_query,
    purchase_order_request,
    txn_query,
    vendor_values,
)
from halo_accounts.connectors.quickbooks.qbxml.status import error_for_status
from halo_accounts.connectors.quickbooks.qbxml.tax import (
    company_tax_rates,
    read_tax_codes,
    read_tax_items,
    tax_requests,
)
from halo_accounts.connectors.quickbooks.transports.base import Transport, open_session
from halo_accounts.domain import Item, ItemKind
from halo_accounts.domain.money import ZERO
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

__all__ = ["QuickBooksBooks", "open_quickbooks"]

PAGE = 100
VOID_MEMO = "VOID:"  # how QuickBooks marks a voided transaction; TxnVoid leaves no other flag

# The item types this integrator writes, by the element QuickBooks returns them in.
_ITEM_KIND_OF_RET = {
    "ItemServiceRet": ItemKind.SERVICE, "ItemNonInventoryRet": ItemKind.NON_INVENTORY,
    "ItemInventoryRet": ItemKind.INVENTORY,
}  # fmt: skip


@contextmanager
def open_quickbooks(
    transport: Transport, *, account_overrides: Mapping[str, str] | None = None, shorten_long_names: bool = False
) -> Iterator[QuickBooksBooks]:
    """A QuickBooks session as books: the session is always ended."""
    with open_session(transport):
        yield QuickBooksBooks(
            transport,
            read_company_profile(transport),
            account_overrides=account_overrides,
            shortener=Shortener() if shorten_long_names else None,
        )


class QuickBooksBooks:
    """One open QuickBooks company."""

    def __init__(
        self,
        transport: Transport,
        profile: CompanyProfile,
        *,
        account_overrides: Mapping[str, str] | None = None,
        shortener: Shortener | None = None,
    ) -> None:
        self._transport = transport
        self.profile = profile
        self._accounts_override = dict(account_overrides or {})
        self._item_types: dict[str, str] = {}  # ListID -> its Ret element (ItemServiceRet ...), as last read
        self._accounts: ItemAccounts | None = None
        self._shortener = shortener
        self.messages = 0
        self.requests = 0
        us = profile.edition is Edition.US
        self.capabilities = Capabilities(
            name=profile.edition.label,
            customer_name_limit=41,
            item_name_limit=31,
            invoice_number_limit=11,
            per_line_tax_codes=not us,
            write_batch_size=50,
            taxable_code=(profile.default_taxable_code or "Tax") if us else "",
            non_taxable_code=(profile.default_non_taxable_code or "Non") if us else "",
        )

    # -- plumbing ---------------------------------------------------------------------------

    def exchange(
        self, requests: Sequence[Request], *, on_error: str = "continueOnError"
    ) -> list[tuple[Request, Response | None]]:
        """One message out, every request paired with its answer."""
        xml = build_message(
            requests,
            edition=self.profile.edition,
            version=self.profile.version,
            on_error=on_error,
            shortener=self._shortener,
        )
        self.messages += 1
        self.requests += len(requests)
        return pair_responses(requests, parse_message(self._transport.process(xml)))

    def _query_all(self, request: Request) -> list[QBObject]:
        return [o for page in self._query_pages(request) for o in page]

    def _query_pages(self, request: Request) -> Iterator[list[QBObject]]:
        """Each page of an iterator query as it arrives (a page's objects keep its whole document alive)."""
        iterator = "Start"
        iterator_id: str | None = None
        while True:
            page = Request(
                request.name,
                {**request.body, "MaxReturned": PAGE},
                request_id="q",
                iterator=iterator,
                iterator_id=iterator_id,
            )
            ((_, response),) = self.exchange([page])
            if response is None:
                msg = f"QuickBooks did not answer {request.name}."
                raise SyncError(msg)
            error = error_for_status(response.status_code, response.message, f"the {request.name[:-7]} list")
            if error is not None:
                raise error
            yield response.objects
            if not response.iterator_remaining:
                return
            iterator, iterator_id = "Continue", response.iterator_id

    def _query_once(self, request: Request) -> list[QBObject]:
        ((_, response),) = self.exchange([request])
        if response is None:
            return []
        error = error_for_status(response.status_code, response.message, "a query")
        if error is not None and response.status_code != 500:
            raise error
        return response.objects

    # -- reads ------------------------------------------------------------------------------

    def tax_rates(self) -> list[BooksTaxRate]:
        """Tax codes with their rates (CA/UK/AU) or tax items and groups (US)."""
        pairs = self.exchange(tax_requests())
        objects = {request.request_id: (response.objects if response else []) for request, response in pairs}
        codes = read_tax_codes(objects["tax-codes"])
        items = read_tax_items([*objects["tax-items"], *objects["tax-groups"]])
        return [BooksTaxRate(r.key, r.name, r.rate) for r in company_tax_rates(self.profile.edition, codes, items)]

    def customers(self) -> list[BooksCustomer]:
        """Every customer and job, active or not."""
        return [
            BooksCustomer(
                o.text("ListID"),
                o.text("FullName"),
                o.text("EditSequence"),
                o.text("AccountNumber"),
                o.text("Email"),
                active=o.text("IsActive") != "false",
            )
            for o in self._query_all(list_query("CustomerQueryRq"))
        ]

    def items(self) -> list[BooksItem]:
        """Every item of every kind (whose types are kept: an update keeps the type QuickBooks has)."""
        found = self._query_all(list_query("ItemQueryRq"))
        self._item_types = {o.text("ListID"): o.tag for o in found}
        return [BooksItem(o.text("ListID"), o.text("FullName"), o.text("EditSequence")) for o in found]

    def suppliers(self) -> list[BooksSupplier]:
        """Every vendor, active or not."""
        return [
            BooksSupplier(
                o.text("ListID"), o.text("Name"), o.text("EditSequence"), o.text("AccountNumber"), o.text("Email")
            )
            for o in self._query_all(list_query("VendorQueryRq"))
        ]

    def find_purchase_orders(self, numbers: Sequence[str]) -> dict[str, str]:
        """Purchase orders by RefNumber."""
        if not numbers:
            return {}
        objects = self._query_once(txn_query("PurchaseOrderQueryRq", ref_numbers=list(numbers), request_id="find"))
        return {o.text("RefNumber"): o.text("TxnID") for o in objects}

    def write_suppliers(self, writes: Sequence[SupplierWrite]) -> list[WriteResult]:
        """VendorAdd / VendorMod."""
        requests = []
        for n, write in enumerate(writes):
            values = vendor_values(write.supplier)
            label = f"supplier '{write.supplier.name}'"
            if write.books_id:
                body = {"VendorMod": {"ListID": write.books_id, "EditSequence": write.version, **values}}
                requests.append(Request("VendorModRq", body, request_id=str(n), record=label))
            else:
                requests.append(Request("VendorAddRq", {"VendorAdd": values}, request_id=str(n), record=label))
        return self._write(requests, [str(w.supplier.halo_id) for w in writes])

    def write_purchase_orders(self, writes: Sequence[PurchaseOrderWrite]) -> list[WriteResult]:
        """PurchaseOrderAdd."""
        requests = [
            purchase_order_request(
                w.order,
                vendor=Ref(list_id=w.supplier_id),
                items={item: Ref(list_id=books_id) for item, books_id in w.item_ids.items() if item},
                fallback_item=Ref(list_id=w.item_ids[0]) if w.item_ids.get(0) else None,
                ref_number=w.number,
                request_id=str(n),
            )
            for n, w in enumerate(writes)
        ]
        return self._write(requests, [str(w.order.halo_id) for w in writes])

    def find_invoices(self, numbers: Sequence[str]) -> dict[str, BooksInvoice]:
        """Invoices and credit memos by RefNumber."""
        if not numbers:
            return {}
        found: dict[str, BooksInvoice] = {}
        for name, credit in (("InvoiceQueryRq", False), ("CreditMemoQueryRq", True)):
            for o in self._query_once(txn_query(name, ref_numbers=list(numbers), request_id="find")):
                found[o.text("RefNumber")] = _invoice(o, credit)
        return found

    def deleted_invoices(self, since: datetime | None) -> list[BooksDeletion]:
        """TxnDeletedQuery for invoices and credit memos (QuickBooks keeps them for its deleted-list)."""
        body: dict[str, object] = {"TxnDelType": ["Invoice", "CreditMemo"]}
        if since is not None:
            body["DeletedDateRangeFilter"] = {"FromDeletedDate": since}
        return [
            BooksDeletion(books_id=o.text("TxnID"), number=o.text("RefNumber"), deleted_at=o.datetime("TimeDeleted"))
            for o in self._query_once(Request("TxnDeletedQueryRq", body, request_id="deleted"))
        ]

    def payments(self, since: datetime | None) -> list[BooksPayment]:
        """Received payments with what they were applied to."""
        pages = self._query_pages(txn_query("ReceivePaymentQueryRq", modified_since=since, include_lines=True))
        return [  # converted page by page, so only one page's document is held at a time
            BooksPayment(
                books_id=o.text("TxnID"),
                paid_on=o.date("TxnDate"),
                applied=tuple((a.text("TxnID"), a.decimal("Amount") or ZERO) for a in o.children("AppliedToTxnRet")),
                reference=o.text("RefNumber"),
                modified_at=o.datetime("TimeModified"),
            )
            for page in pages
            for o in page
        ]

    # -- writes -----------------------------------------------------------------------------

    def write_customers(self, writes: Sequence[CustomerWrite]) -> list[WriteResult]:
        """CustomerAdd / CustomerMod, one message per batch."""
        requests = []
        for n, write in enumerate(writes):
            values = customer_values(write.customer, tax_code=Ref(full_name=write.tax_code) if write.tax_code else None)
            label = f"customer '{write.customer.name}'"
            if write.books_id:
                body = {"CustomerMod": {"ListID": write.books_id, "EditSequence": write.version, **values}}
                requests.append(Request("CustomerModRq", body, request_id=str(n), record=label))
            else:
                requests.append(Request("CustomerAddRq", {"CustomerAdd": values}, request_id=str(n), record=label))
        return self._write(requests, [str(w.customer.halo_id) for w in writes])

    def write_items(self, writes: Sequence[ItemWrite]) -> list[WriteResult]:
        """Item*Add / Item*Mod."""
        accounts = self._item_accounts()
        refused: dict[int, WriteResult] = {}
        sendable: list[tuple[ItemWrite, Item]] = []
        for n, w in enumerate(writes):
            held_as = self._item_types.get(w.books_id, "") if w.books_id else ""
            if held_as and held_as not in _ITEM_KIND_OF_RET:
                label = f"item '{w.item.name}'"
                msg = (
                    f"QuickBooks holds {label} as a {held_as.removesuffix('Ret')}, which the integrator does not "
                    "update. Link the Halo item to a service, non-inventory or inventory item in the dashboard's "
                    "Mappings, or rename one of the two and unlink it there, so a new one is made."
                )
                refused[n] = WriteResult(str(w.item.halo_id), error=RecordError(msg, record=label))
                continue
            # QuickBooks cannot change an item's type: an update goes as the type it has (an item
            # type mapping changed since applies to the items created from then on).
            kind = _ITEM_KIND_OF_RET.get(held_as, w.item.kind)
            sendable.append((w, replace(w.item, kind=kind)))
        requests = [
            item_request(
                item, accounts, tax_code=Ref(full_name=w.tax_code) if w.tax_code else None,
                list_id=w.books_id or None, edit_sequence=w.version or None, request_id=str(n),
            )
            for n, (w, item) in enumerate(sendable)
        ]  # fmt: skip
        sent = iter(self._write(requests, [str(w.item.halo_id) for w, _ in sendable]) if requests else [])
        return [refused[n] if n in refused else next(sent) for n in range(len(writes))]

    def write_invoices(self, writes: Sequence[InvoiceWrite]) -> list[WriteResult]:
        """InvoiceAdd / CreditMemoAdd."""
        requests = []
        for n, w in enumerate(writes):
            lines = LineRefs(
                items={item: Ref(list_id=books_id) for item, books_id in w.item_ids.items()},
                tax_codes={tax: Ref(full_name=code) for tax, code in w.tax_codes.items()},
                fallback_item=Ref(list_id=w.item_ids.get(0, "")) if 0 in w.item_ids else None,
            )
            requests.append(
                invoice_request(
                    w.invoice, customer=Ref(list_id=w.customer_id), lines=lines, ref_number=w.number,
                    item_sales_tax=Ref(full_name=w.invoice_tax) if w.invoice_tax else None, request_id=str(n),
                )
            )  # fmt: skip
        return self._write(requests, [str(w.invoice.halo_id) for w in writes])

    def void_invoices(self, writes: Sequence[VoidWrite]) -> list[WriteResult]:
        """TxnVoid, one message per batch."""
        requests = [
            Request(
                "TxnVoidRq",
                {"TxnVoidType": "CreditMemo" if w.is_credit else "Invoice", "TxnID": w.books_id},
                request_id=str(n),
                record=f"{'credit note' if w.is_credit else 'invoice'} {w.number}",
            )
            for n, w in enumerate(writes)
        ]
        answers = {req.request_id: resp for req, resp in self.exchange(requests)}
        return [_void_result(r, answers.get(r.request_id), w) for r, w in zip(requests, writes, strict=True)]

    def _write(self, requests: list[Request], halo_ids: list[str]) -> list[WriteResult]:
        rejected: dict[str, SyncError] = {}
        try:
            answers = {req.request_id: resp for req, resp in self.exchange(requests)}
        except RecordError:
            # One record cannot be written in this edition (a name too long, say): send the others.
            sendable = []
            for request in requests:
                try:
                    build_message(
                        [request], edition=self.profile.edition, version=self.profile.version, shortener=self._shortener
                    )
                except RecordError as exc:
                    rejected[request.request_id or ""] = exc
                else:
                    sendable.append(request)
            answers = {req.request_id: resp for req, resp in self.exchange(sendable)} if sendable else {}
        results = []
        for request, halo_id in zip(requests, halo_ids, strict=True):
            error = rejected.get(request.request_id or "")
            if error is not None:
                results.append(WriteResult(halo_id, error=error))
            else:
                results.append(_result(request, answers.get(request.request_id), halo_id))
        return results

    def _item_accounts(self) -> ItemAccounts:
        if self._accounts is None:
            rows = self._query_once(Request("AccountQueryRq", {"ActiveStatus": "ActiveOnly"}, request_id="accounts"))
            by_type: dict[str, list[str]] = {}
            for o in rows:
                by_type.setdefault(o.text("AccountType"), []).append(o.text("FullName"))
            overrides = self._accounts_override

            def pick(kind: str, account_type: str, prefer: str) -> Ref | None:
                if kind in overrides:
                    return Ref(full_name=overrides[kind])
                names = by_type.get(account_type, [])
                preferred = [n for n in names if prefer in n.lower()]
                chosen = preferred or names
                return Ref(full_name=chosen[0]) if chosen else None

            income = pick("income", "Income", "sales")
            if income is None:
                msg = (
                    "The QuickBooks company has no income account for new items. "
                    "Add one in QuickBooks, or choose one with 'halo-accounts mappings set account income NAME'."
                )
                raise ConfigError(msg)
            self._accounts = ItemAccounts(
                income=income,
                cost_of_goods=pick("cogs", "CostOfGoodsSold", "cost"),
                inventory_asset=pick("inventory_asset", "OtherCurrentAsset", "inventory"),
            )
        return self._accounts


def _invoice(o: QBObject, credit: bool) -> BooksInvoice:
    subtotal = o.decimal("Subtotal") or ZERO
    tax = o.decimal("SalesTaxTotal") or ZERO
    total = o.decimal("TotalAmount") if credit and o.get("TotalAmount") is not None else subtotal + tax
    return BooksInvoice(
        books_id=o.text("TxnID"),
        number=o.text("RefNumber"),
        total=-(total or ZERO) if credit else (total or ZERO),
        balance=o.decimal("CreditRemaining" if credit else "BalanceRemaining") or ZERO,
        is_credit=credit,
        version=o.text("EditSequence"),
        voided=o.text("Memo").startswith(VOID_MEMO) and not total,
    )


def _void_result(request: Request, response: Response | None, write: VoidWrite) -> WriteResult:
    if response is None:
        text = f"QuickBooks did not process {request.record}: an earlier request in the same message stopped it."
        return WriteResult(write.halo_id, error=TransientError(text, record=request.record))
    error = error_for_status(response.status_code, response.message, request.record or request.name)
    if error is not None:
        return WriteResult(write.halo_id, error=error)
    fields = response.fields()  # TxnVoidRs carries no EditSequence: the void is its own record
    return WriteResult(write.halo_id, books_id=fields.get("TxnID") or write.books_id, number=write.number)


def _result(request: Request, response: Response | None, halo_id: str) -> WriteResult:
    if response is None:
        text = f"QuickBooks did not process {request.record}: an earlier request in the same message stopped it."
        return WriteResult(halo_id, error=TransientError(text, record=request.record))
    error = error_for_status(response.status_code, response.message, request.record or request.name)
    obj = response.first()
    if error is not None or obj is None:
        text = f"QuickBooks returned nothing for {request.record}; it will be checked on the next run."
        return WriteResult(halo_id, error=error or TransientError(text, record=request.record, uncertain=True))
    ident = obj.text("ListID") or obj.text("TxnID")
    credit = obj.tag == "CreditMemoRet"
    total = _invoice(obj, credit).total if obj.tag in ("InvoiceRet", "CreditMemoRet") else None
    number = obj.text("RefNumber") or obj.text("FullName")
    return WriteResult(halo_id, books_id=ident, version=obj.text("EditSequence"), number=number, total=total)
