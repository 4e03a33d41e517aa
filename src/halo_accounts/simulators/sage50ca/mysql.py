"""A simulated Sage 50 Canada company written into a real SQL database, as Sage keeps it in MySQL.

Table and column names from research sage50.md §2.3 (the columns a public client maps, and the
SDK samples' queries): ``tcustomr`` and ``tvendor`` (keyed by a unique name), ``ttaxauth``,
``ttaxcode`` (a code of up to 2 characters whose description reads "GST @ 5%; QST @ 9.975%"),
``titrec``/``titrline`` (recorded invoices and their lines; ``sSource1`` is the invoice number,
``nJournal`` says sales or purchases), ``tcompoth`` (``nActNumLen``). The research does not
name every table the integrator reads, so these are assumed, by Sage's naming: ``tinvent``
(items), ``tpurordr`` (purchase orders), ``trcpthdr``/``trcptln`` (receipts and the invoices
they pay). Enough of Sage's schema for the integrator's reads; the tables are written anew each
time. The server is MariaDB in the tests; the demo, which has no server, uses a SQLite file.

:class:`LiveCopy` keeps such a database in step with the company, as Sage writes to its database
as it goes: before each read the connector makes, the copy is rewritten if the company changed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Engine,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    create_engine,
    insert,
)

from halo_accounts.connectors.sage50ca.imp import Party
from halo_accounts.simulators.sage50ca.company import PURCHASE_ORDERS, SALES, CanadaCompany, load_company

__all__ = ["PURCHASES_JOURNAL", "SALES_JOURNAL", "LiveCopy", "materialise"]

SALES_JOURNAL, PURCHASES_JOURNAL = 11, 21  # nJournal values (assumed: the research names the column only)

_metadata = MetaData()


def _party_table(name: str) -> Table:
    return Table(
        name, _metadata,
        Column("lId", Integer, primary_key=True), Column("sName", String(52), unique=True, nullable=False),
        Column("sCntcName", String(30)), Column("sStreet1", String(50)), Column("sStreet2", String(50)),
        Column("sCity", String(35)), Column("sProvState", String(20)), Column("sCountry", String(30)),
        Column("sPostalZip", String(9)), Column("sPhone1", String(25)), Column("sPhone2", String(25)),
        Column("sFax", String(25)), Column("sEmail", String(50)), Column("sWebSite", String(50)),
        Column("lTaxCode", Integer), Column("bInactive", SmallInteger, default=0),
    )  # fmt: skip


customers = _party_table("tcustomr")
vendors = _party_table("tvendor")
company_settings = Table(
    "tcompoth", _metadata, Column("lId", Integer, primary_key=True), Column("nActNumLen", SmallInteger)
)
authorities = Table(
    "ttaxauth", _metadata,
    Column("lId", Integer, primary_key=True), Column("sName", String(20), nullable=False),
    Column("sTaxId", String(20)), Column("bTaxable", SmallInteger, default=0),
)  # fmt: skip
tax_codes = Table(
    "ttaxcode", _metadata,
    Column("lId", Integer, primary_key=True), Column("sCode", String(2), nullable=False),
    Column("sDesc", String(50)), Column("bUsed", SmallInteger, default=1), Column("bHidden", SmallInteger, default=0),
)  # fmt: skip
items = Table(
    "tinvent", _metadata,
    Column("lId", Integer, primary_key=True), Column("sPartCode", String(52), unique=True, nullable=False),
    Column("sName", String(52)), Column("bServType", SmallInteger, default=0),
    Column("bInactive", SmallInteger, default=0),
)  # fmt: skip
invoices = Table(
    "titrec", _metadata,
    Column("lId", Integer, primary_key=True), Column("lVenCusId", Integer, nullable=False),
    Column("nJournal", SmallInteger, nullable=False), Column("dtJournal", Date), Column("sComment", String(100)),
    Column("sSource1", String(20)), Column("dInvAmt", Numeric(15, 2)), Column("dFreight", Numeric(15, 2)),
    Column("bReversed", SmallInteger, default=0),
)  # fmt: skip
invoice_lines = Table(
    "titrline", _metadata,
    Column("lITRecId", Integer, primary_key=True), Column("nLineNum", SmallInteger, primary_key=True),
    Column("sItem", String(52)), Column("dQty", Numeric(15, 4)), Column("dPrice", Numeric(15, 4)),
    Column("dAmt", Numeric(15, 2)),
)  # fmt: skip
purchase_orders = Table(
    "tpurordr", _metadata,
    Column("lId", Integer, primary_key=True), Column("lVenId", Integer, nullable=False),
    Column("sPONum", String(20)), Column("dtOrder", Date), Column("dTotal", Numeric(15, 2)),
)  # fmt: skip
receipts = Table(
    "trcpthdr", _metadata,
    Column("lId", Integer, primary_key=True), Column("lCusId", Integer, nullable=False), Column("dtDate", Date),
    Column("sChequeNo", String(20)), Column("dAmount", Numeric(15, 2)),
    Column("dtASDate", Date),
)  # fmt: skip
receipt_lines = Table(
    "trcptln", _metadata,
    Column("lRcptId", Integer, primary_key=True), Column("nLineNum", SmallInteger, primary_key=True),
    Column("lInvId", Integer, nullable=False), Column("dAmtPaid", Numeric(15, 2)),
)  # fmt: skip

_PARTY_COLUMNS = {"sName": "name", "sCntcName": "contact", "sStreet1": "street1", "sStreet2": "street2",
                  "sCity": "city", "sProvState": "province", "sCountry": "country", "sPostalZip": "postal",
                  "sPhone1": "phone1", "sPhone2": "phone2", "sFax": "fax", "sEmail": "email"}  # fmt: skip


def _describe(company: CanadaCompany, code: str) -> str:
    parts = [f"{name} @ {company.authorities[name].rate.normalize()}%" for name in company.tax_codes[code].authorities]
    text = "; ".join(parts) or "No Tax"
    return f"{text}, included" if company.tax_codes[code].included else text


def _money(value: Decimal) -> str:
    return str(value)  # as text: exact on every server (SQLite has no decimal type)


def _party_rows(ledger: dict[str, Party]) -> list[dict[str, Any]]:
    return [
        {"lId": n, "bInactive": 0, **{column: getattr(p, attr) for column, attr in _PARTY_COLUMNS.items()}}
        for n, p in enumerate(ledger.values(), start=1)
    ]


def _rows(company: CanadaCompany) -> dict[Table, list[dict[str, Any]]]:
    customer_ids = {p.name: n for n, p in enumerate(company.customers.values(), start=1)}
    vendor_ids = {p.name: n for n, p in enumerate(company.vendors.values(), start=1)}
    rows: dict[Table, list[dict[str, Any]]] = {
        customers: _party_rows(company.customers),
        vendors: _party_rows(company.vendors),
        company_settings: [{"lId": 1, "nActNumLen": company.account_digits}],
        authorities: [{"lId": n, "sName": a.name, "bTaxable": int(bool(a.charged_on))}
                      for n, a in enumerate(company.authorities.values(), start=1)],  # fmt: skip
        tax_codes: [{"lId": n, "sCode": code, "sDesc": _describe(company, code)}
                    for n, code in enumerate(company.tax_codes, start=1)],  # fmt: skip
        items: [{"lId": n, "sPartCode": i.number, "sName": i.name, "bServType": int(i.service)}
                for n, i in enumerate(company.items.values(), start=1)],  # fmt: skip
        invoices: [], invoice_lines: [], purchase_orders: [], receipts: [], receipt_lines: [],
    }  # fmt: skip
    invoice_ids: dict[str, int] = {}
    for number, invoice in enumerate(company.invoices, start=1):
        if invoice.journal == PURCHASE_ORDERS:
            rows[purchase_orders].append(
                {
                    "lId": number,
                    "lVenId": vendor_ids[invoice.party],
                    "sPONum": invoice.number,
                    "dtOrder": invoice.entry_date,
                    "dTotal": _money(invoice.total),
                }  # fmt: skip
            )
            continue
        sale = invoice.journal == SALES
        if sale:
            invoice_ids[invoice.number] = number
        rows[invoices].append(
            {
                "lId": number,
                "lVenCusId": (customer_ids if sale else vendor_ids)[invoice.party],
                "nJournal": SALES_JOURNAL if sale else PURCHASES_JOURNAL,
                "dtJournal": invoice.entry_date,
                "sSource1": invoice.number,
                "dInvAmt": _money(invoice.total),
                "dFreight": "0",
                "bReversed": int(invoice.reversed),
            }  # fmt: skip
        )
        rows[invoice_lines] += [
            {
                "lITRecId": number,
                "nLineNum": line,
                "sItem": d.item,
                "dQty": str(d.quantity),
                "dPrice": str(d.price),
                "dAmt": _money(d.amount),
            }  # fmt: skip
            for line, d in enumerate(invoice.details, start=1)
        ]
    for receipt in company.receipts:
        rows[receipts].append(
            {
                "lId": receipt.number,
                "lCusId": customer_ids[receipt.customer],
                "dtDate": receipt.day,
                "sChequeNo": receipt.cheque,
                "dAmount": _money(sum((a for _, a in receipt.applied), Decimal(0))),
                "dtASDate": receipt.entered,
            }  # fmt: skip
        )
        rows[receipt_lines] += [
            {"lRcptId": receipt.number, "nLineNum": line, "lInvId": invoice_ids[number], "dAmtPaid": _money(amount)}
            for line, (number, amount) in enumerate(receipt.applied, start=1)
        ]
    return rows


def _write(company: CanadaCompany, engine: Engine) -> None:
    _metadata.drop_all(engine)
    _metadata.create_all(engine)
    with engine.begin() as connection:
        for table, rows in _rows(company).items():
            if rows:
                connection.execute(insert(table), rows)


def materialise(company: CanadaCompany, url: str) -> None:
    """Write ``company`` into the database at ``url`` (``mysql+pymysql://...``), replacing Sage's tables."""
    engine = create_engine(url)
    try:
        _write(company, engine)
    finally:
        engine.dispose()


class LiveCopy:
    """The company's database, rewritten whenever the company has changed since it was last written.

    ``source`` is the company itself, or the file it is kept in (another process, such as the
    simulated importer, may change it there).
    """

    def __init__(self, source: CanadaCompany | Path, url: str) -> None:
        self.source = source
        self.url = url
        self._engine = create_engine(url)
        self._written: object = None

    def refresh(self) -> None:
        """Bring the database up to date with the company (nothing to do when it is)."""
        if isinstance(self.source, Path):
            stat = self.source.stat()
            seen: object = (stat.st_mtime_ns, stat.st_size)
            if seen != self._written:
                _write(load_company(self.source), self._engine)
                self._written = seen
        elif self._written != self.source.revision:
            _write(self.source, self._engine)
            self._written = self.source.revision

    def close(self) -> None:
        """Let go of the connections."""
        self._engine.dispose()
