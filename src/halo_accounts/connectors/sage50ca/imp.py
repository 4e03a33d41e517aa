"""Sage 50 Canada's transaction import file (.IMP), written and read exactly per Sage's layout.

Source: Sage Software Canada, *Software Development Kit: Import File Layout* (research sage50.md
§2.4). A file is a ``<Version>`` block ("version", "country code"), then transactions, each in
case-insensitive tags: ``<customers>`` and ``<vendors>`` (one party line each), ``<SalInvoice>``,
``<SalOrder>`` and ``<PurInvoice>`` (a party line, an option line, then detail lines; a field the
layout gives another transaction only, such as a quote's ship date, is left out, not left empty). Fields are comma
separated, strings in double quotes, an empty field is left empty; lines starting ``<!`` are
comments. Dates are mm-dd-yyyy, amounts 2 decimals, quantities and prices 4. Each tax authority
of a line's tax code adds a block: name, included, refundable, rate, amount. Home currency only.

Values are checked against Sage's limits before anything is written: a value too long, a double
quote (the format cannot escape one) or a character outside Windows-1252 fails with the field
named; control characters are dropped, so each line stays one line. :func:`parse` reads the
same format back (Sage's importer in the simulator, round trips).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from halo_accounts.errors import RecordError

__all__ = [
    "ENCODING",
    "ImpDocument",
    "ImpFormatError",
    "Party",
    "PurchaseInvoice",
    "SalesDetail",
    "SalesInvoice",
    "SalesOrder",
    "Tax",
    "check_party",
    "parse",
    "render",
]

ENCODING = "cp1252"
DEFAULT_VERSION = "32101"  # Sage 50 Canada 2025 (the layout's own sample says 12001, the 2005 format)
COUNTRIES = {1: "Canada", 2: "USA", 3: "French", 5: "Australia", 7: "International"}
_CENT, _FOUR = Decimal("0.01"), Decimal("0.0001")
PAID_BY = {0: "pay later", 1: "cash", 2: "cheque", 3: "credit card"}

# Party line fields and their limits, in order (name is compulsory).
PARTY_FIELDS: tuple[tuple[str, int], ...] = (
    ("name", 52), ("one_time", 1), ("contact", 30), ("street1", 50), ("street2", 50), ("city", 35),
    ("province", 20), ("postal", 9), ("country", 30), ("phone1", 25), ("phone2", 25), ("fax", 25), ("email", 50),
)  # fmt: skip


class ImpFormatError(RecordError):
    """A value the import format cannot carry, or a file that is not in it."""


@dataclass(frozen=True)
class Party:
    """A customer or vendor line."""

    name: str
    one_time: bool = False
    contact: str = ""
    street1: str = ""
    street2: str = ""
    city: str = ""
    province: str = ""
    postal: str = ""  # unformatted: letters and digits only
    country: str = ""
    phone1: str = ""
    phone2: str = ""
    fax: str = ""
    email: str = ""


@dataclass(frozen=True)
class Tax:
    """One tax authority of a tax code on a line: GST, HST, PST, QST ..."""

    name: str
    rate: Decimal
    amount: Decimal
    included: bool = False
    refundable: bool = False


@dataclass(frozen=True)
class SalesDetail:
    """A detail line: an item (part or service number), quantity, price, amount, and its taxes."""

    item: str
    quantity: Decimal
    price: Decimal
    amount: Decimal
    taxes: tuple[Tax, ...] = ()


@dataclass(frozen=True)
class SalesInvoice:
    """``<SalInvoice>``: the customer, the options, the details."""

    customer: Party
    entry_date: date
    details: tuple[SalesDetail, ...]
    invoice_number: str = ""  # blank: Sage uses its next number
    order_number: str = ""
    paid_by: int = 0  # PAID_BY
    paid_by_source: str = ""
    freight: Decimal = Decimal(0)
    freight_taxes: tuple[Tax, ...] = ()

    @property
    def total(self) -> Decimal:
        """Amounts and freight, with every tax not already included in them."""
        return _total(self.details, self.freight, self.freight_taxes)


@dataclass(frozen=True)
class SalesOrder:
    """``<SalOrder>``: the customer, the options (order number and ship date compulsory), the details.

    Sage recalculates a sales order's amounts from its own tax rates.
    """

    customer: Party
    order_number: str
    entry_date: date
    ship_date: date
    details: tuple[SalesDetail, ...]
    freight: Decimal = Decimal(0)
    freight_taxes: tuple[Tax, ...] = ()

    @property
    def total(self) -> Decimal:
        """Amounts and freight, with every tax not already included in them."""
        return _total(self.details, self.freight, self.freight_taxes)


@dataclass(frozen=True)
class PurchaseInvoice:
    """``<PurInvoice>``: the vendor, the options, the details."""

    vendor: Party
    entry_date: date
    details: tuple[SalesDetail, ...]
    invoice_number: str = ""
    order_number: str = ""
    discount_rate: Decimal = Decimal(0)
    discount_days: int = 0
    net_days: int = 0
    freight: Decimal = Decimal(0)
    freight_taxes: tuple[Tax, ...] = ()

    @property
    def total(self) -> Decimal:
        """Amounts and freight, with every tax not already included in them."""
        return _total(self.details, self.freight, self.freight_taxes)


def _total(details: Sequence[SalesDetail], freight: Decimal, freight_taxes: Sequence[Tax]) -> Decimal:
    taxes = [t for d in details for t in d.taxes] + list(freight_taxes)
    extra = sum((t.amount for t in taxes if not t.included), Decimal(0))
    return sum((d.amount for d in details), Decimal(0)) + freight + extra


@dataclass
class ImpDocument:
    """One import file."""

    version: str = DEFAULT_VERSION
    country: int = 1
    customers: list[Party] = field(default_factory=list)
    vendors: list[Party] = field(default_factory=list)
    sales_invoices: list[SalesInvoice] = field(default_factory=list)
    sales_orders: list[SalesOrder] = field(default_factory=list)
    purchase_invoices: list[PurchaseInvoice] = field(default_factory=list)


# -- writing --------------------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _text(value: str, limit: int, what: str, record: str, *, quotes: bool = False) -> str:
    value = _CONTROL.sub("", value)  # tabs, form feeds and the like: a line of the file must stay one line
    if len(value) > limit:
        msg = f"{record}: its {what} is {len(value)} characters; Sage 50 takes {limit}. Shorten it in Halo."
        raise ImpFormatError(msg, record=record)
    if '"' in value and not quotes:
        msg = f"{record}: its {what} has a double quote, which Sage's import file cannot carry. Change it in Halo."
        raise ImpFormatError(msg, record=record)
    try:
        value.encode(ENCODING)
    except UnicodeEncodeError:
        msg = f"{record}: its {what} has characters Sage 50 cannot store ({value!r}). Change them in Halo."
        raise ImpFormatError(msg, record=record) from None
    return value


def _quoted(values: Sequence[str | None]) -> str:
    """Sage's style: every value in quotes, an absent one left empty."""
    return ",".join("" if v is None else f'"{v}"' for v in values)


def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def _four(value: Decimal) -> str:
    return str(value.quantize(_FOUR, rounding=ROUND_HALF_UP))


def _day(value: date) -> str:
    return value.strftime("%m-%d-%Y")


def _party(party: Party, record: str, *, quotes: bool = False) -> str:
    values: list[str | None] = []
    for name, limit in PARTY_FIELDS:
        raw = getattr(party, name)
        if name == "one_time":
            values.append("1" if raw else "0")
            continue
        if name == "postal":
            raw = "".join(ch for ch in raw if ch.isalnum())  # "unformatted"
        if name == "name" and not raw:
            msg = f"{record}: Sage 50 needs a name."
            raise ImpFormatError(msg, record=record)
        values.append(_text(raw, limit, name, record, quotes=quotes) or None)
    return _quoted(values)


def check_party(party: Party, record: str, *, quotes: bool = False) -> None:
    """Raise :class:`ImpFormatError`, naming the field and the fix, when Sage would refuse ``party``.

    ``quotes``: double quotes are fine (the SDK takes them; only the import file cannot).
    """
    _party(party, record, quotes=quotes)


def _taxes(taxes: Sequence[Tax], record: str) -> list[str | None]:
    values: list[str | None] = []
    for tax in taxes:
        values += [
            _text(tax.name, 20, "tax name", record), "1" if tax.included else "0", "1" if tax.refundable else "0",
            _money(tax.rate), _money(tax.amount),
        ]  # fmt: skip
    return values


def _details(details: Sequence[SalesDetail], record: str) -> Iterator[str]:
    for detail in details:
        item = _text(detail.item, 52, "item number", record)
        if not item:
            msg = f"{record}: a line has no item number, which Sage 50 needs."
            raise ImpFormatError(msg, record=record)
        yield _quoted(
            [item, _four(detail.quantity), _four(detail.price), _money(detail.amount), *_taxes(detail.taxes, record)]
        )


def _within(value: Decimal | int, low: int, high: Decimal | int, what: str, record: str) -> None:
    if not low <= value <= high:
        msg = f"{record}: its {what} is {value}; Sage's import takes {low} to {high}."
        raise ImpFormatError(msg, record=record)


def _sales(invoice: SalesInvoice) -> list[str]:
    record = f"sales invoice {invoice.invoice_number or '(next number)'}"
    _within(invoice.paid_by, 0, 3, "paid-by type", record)
    options = [
        str(len(invoice.details)), _text(invoice.order_number, 20, "order number", record) or None,
        _text(invoice.invoice_number, 20, "invoice number", record), _day(invoice.entry_date), str(invoice.paid_by),
        _text(invoice.paid_by_source, 20, "paid-by source", record) or None, _money(invoice.total),
        _money(invoice.freight), *_taxes(invoice.freight_taxes, record),
    ]  # fmt: skip
    return [_party(invoice.customer, record), _quoted(options), *_details(invoice.details, record)]


def _sales_order(order: SalesOrder) -> list[str]:
    record = f"sales order {order.order_number}"
    if not order.order_number:
        msg = f"{record}: a sales order needs its order number."
        raise ImpFormatError(msg, record=record)
    options = [
        str(len(order.details)), _text(order.order_number, 20, "order number", record), _day(order.entry_date),
        _day(order.ship_date), _money(order.total), _money(order.freight), *_taxes(order.freight_taxes, record),
    ]  # fmt: skip
    return [_party(order.customer, record), _quoted(options), *_details(order.details, record)]


def _purchase(invoice: PurchaseInvoice) -> list[str]:
    record = f"purchase invoice {invoice.invoice_number or invoice.order_number}"
    _within(invoice.discount_rate, 0, Decimal("99.99"), "discount rate", record)
    _within(invoice.discount_days, 0, 999, "discount days", record)
    _within(invoice.net_days, 0, 99, "net days", record)
    # Ship Date is a quote's field only: an invoice's line goes from the entry date to the total.
    options = [
        str(len(invoice.details)), _text(invoice.order_number, 20, "order number", record) or None,
        _text(invoice.invoice_number, 20, "invoice number", record) or None, _day(invoice.entry_date),
        _money(invoice.total), _money(invoice.discount_rate), str(invoice.discount_days), str(invoice.net_days),
        _money(invoice.freight), *_taxes(invoice.freight_taxes, record),
    ]  # fmt: skip
    return [_party(invoice.vendor, record), _quoted(options), *_details(invoice.details, record)]


def render(document: ImpDocument) -> str:
    """The file's text (CRLF lines); encode it with :data:`ENCODING`."""
    lines = ["<Version>", _quoted([document.version, str(document.country)]), "</Version>"]
    if document.customers:
        lines += ["<customers>", *(_party(p, f"customer '{p.name}'") for p in document.customers), "</customers>"]
    if document.vendors:
        lines += ["<vendors>", *(_party(p, f"vendor '{p.name}'") for p in document.vendors), "</vendors>"]
    for sale in document.sales_invoices:
        lines += ["<SalInvoice>", *_sales(sale), "</SalInvoice>"]
    for order in document.sales_orders:
        lines += ["<SalOrder>", *_sales_order(order), "</SalOrder>"]
    for purchase in document.purchase_invoices:
        lines += ["<PurInvoice>", *_purchase(purchase), "</PurInvoice>"]
    return "\r\n".join(lines) + "\r\n"


# -- reading --------------------------------------------------------------------------------


def _fields(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line), skipinitialspace=True), [])


def _decimal(value: str, what: str, line: int) -> Decimal:
    try:
        return Decimal(value.strip() or "0")
    except InvalidOperation:
        msg = f"Line {line}: {what} '{value}' is not a number."
        raise ImpFormatError(msg) from None


def _date(value: str, line: int) -> date:
    try:
        return datetime.strptime(value.strip(), "%m-%d-%Y").date()  # noqa: DTZ007 - a day, no time
    except ValueError:
        msg = f"Line {line}: '{value}' is not an mm-dd-yyyy date."
        raise ImpFormatError(msg) from None


def _read_party(values: list[str]) -> Party:
    values = (values + [""] * len(PARTY_FIELDS))[: len(PARTY_FIELDS)]
    fields = {name: value.strip() for (name, _), value in zip(PARTY_FIELDS, values, strict=True)}
    return Party(**{**fields, "one_time": fields["one_time"] == "1"})  # type: ignore[arg-type]


def _read_taxes(values: list[str], line: int) -> tuple[Tax, ...]:
    values = list(values)
    while values and not values[-1].strip():
        values.pop()  # a trailing comma leaves an empty field
    if len(values) % 5:
        left = len(values) % 5
        msg = f"Line {line}: a tax block is name, included, refundable, rate, amount; {left} field(s) are left."
        raise ImpFormatError(msg)
    return tuple(
        Tax(
            values[n].strip(),
            _decimal(values[n + 3], "tax rate", line),
            _decimal(values[n + 4], "tax amount", line),
            values[n + 1].strip() == "1",
            values[n + 2].strip() == "1",
        )  # fmt: skip
        for n in range(0, len(values), 5)
    )


def _read_details(lines: list[tuple[int, list[str]]]) -> tuple[SalesDetail, ...]:
    return tuple(
        SalesDetail(
            v[0].strip(),
            _decimal(v[1], "quantity", n),
            _decimal(v[2], "price", n),
            _decimal(v[3], "amount", n),
            _read_taxes(v[4:], n),
        )  # fmt: skip
        for n, v in lines
    )


def _blocks(text: str) -> Iterator[tuple[str, list[tuple[int, list[str]]]]]:
    tag: str | None = None
    body: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(re.split(r"\r?\n", text), start=1):
        line = raw.strip()
        if not line or line.startswith("<!"):
            continue
        if line.startswith("</"):
            if tag is None or line[2:-1].lower() != tag:
                msg = f"Line {number}: {line} closes nothing that is open."
                raise ImpFormatError(msg)
            yield tag, body
            tag, body = None, []
        elif line.startswith("<") and line.endswith(">"):
            if tag is not None:
                msg = f"Line {number}: <{tag}> is still open."
                raise ImpFormatError(msg)
            tag = line[1:-1].lower()
        elif tag is None:
            msg = f"Line {number}: a line outside any <tag>."
            raise ImpFormatError(msg)
        else:
            body.append((number, _fields(line)))
    if tag is not None:
        msg = f"<{tag}> is never closed."
        raise ImpFormatError(msg)


def parse(text: str) -> ImpDocument:
    """Read an import file (as Sage does: tags case-insensitive, comments skipped)."""
    document = ImpDocument()
    for tag, body in _blocks(text):
        try:
            if tag == "version":
                (_, (version, country, *_)), *_ = body
                document.version, document.country = version.strip(), int(country.strip() or 1)
            elif tag in ("customers", "vendors"):
                parties = [_read_party(values) for _, values in body]
                (document.customers if tag == "customers" else document.vendors).extend(parties)
            elif tag == "salinvoice":
                (_, party), (n, options), *details = body
                document.sales_invoices.append(
                    SalesInvoice(
                        customer=_read_party(party),
                        order_number=options[1].strip(),
                        invoice_number=options[2].strip(),
                        entry_date=_date(options[3], n),
                        paid_by=int(options[4].strip() or 0),
                        paid_by_source=options[5].strip(),
                        freight=_decimal(options[7], "freight", n),
                        freight_taxes=_read_taxes(options[8:], n),
                        details=_read_details(details),
                    )  # fmt: skip
                )
                _check_count(options[0], details, n)
            elif tag == "salorder":
                (_, party), (n, options), *details = body
                document.sales_orders.append(
                    SalesOrder(
                        customer=_read_party(party),
                        order_number=options[1].strip(),
                        entry_date=_date(options[2], n),
                        ship_date=_date(options[3], n),
                        freight=_decimal(options[5], "freight", n),
                        freight_taxes=_read_taxes(options[6:], n),
                        details=_read_details(details),
                    )  # fmt: skip
                )
                _check_count(options[0], details, n)
            elif tag == "purinvoice":
                (_, party), (n, options), *details = body
                document.purchase_invoices.append(
                    PurchaseInvoice(
                        vendor=_read_party(party),
                        order_number=options[1].strip(),
                        invoice_number=options[2].strip(),
                        entry_date=_date(options[3], n),
                        discount_rate=_decimal(options[5], "discount rate", n),
                        discount_days=int(options[6].strip() or 0),
                        net_days=int(options[7].strip() or 0),
                        freight=_decimal(options[8], "freight", n),
                        freight_taxes=_read_taxes(options[9:], n),
                        details=_read_details(details),
                    )  # fmt: skip
                )
                _check_count(options[0], details, n)
            # Other transactions (<PurQuote>, <Timeslip>) are not the integrator's: skipped.
        except (ValueError, IndexError) as exc:  # a short line, text where a number belongs
            where = body[0][0] if body else 0
            msg = f"Line {where}: this <{tag}> is not in Sage's layout ({exc})."
            raise ImpFormatError(msg) from None
    return document


def _check_count(declared: str, details: list[tuple[int, list[str]]], line: int) -> None:
    if int(declared.strip() or 0) != len(details):
        msg = f"Line {line}: the option line says {declared.strip()} detail line(s), there are {len(details)}."
        raise ImpFormatError(msg)
