"""Reading a Sage 50 Canada company's MySQL database: customers, tax codes, recorded invoices. Never writing.

Sage 50 Canada keeps each company in a MySQL database its Connection Manager serves (default port
13540, database ``simply``); a user with "Read data" rights for third-party products may read
it (research sage50.md §2.1, §2.3). Every session here is set read-only, so not even a bug can
write. Table and column names as the research gives them: ``tcustomr``, ``tvendor``,
``ttaxcode``, ``titrec`` (``sSource1`` is the invoice number); and, assumed by Sage's naming
where the research names none, ``tinvent`` (items), ``tpurordr`` (purchase orders) and
``trcpthdr``/``trcptln`` (receipts and the invoices they pay). A tax code's rates are read from
its description, as a public client does ("GST @ 5%; QST @ 9.975%", "HST @ 13%, included").

Sage keys customers and vendors by name, items by part number and invoices by number, so those
are the books ids; a receipt is ``R<its id>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from halo_accounts.errors import ConfigError, TransientError
from halo_accounts.ports.books import BooksCustomer, BooksInvoice, BooksItem, BooksPayment, BooksSupplier, BooksTaxRate

__all__ = ["CodeRate", "SageCanadaDatabase", "parse_tax_description"]

SALES_JOURNAL = 11  # titrec.nJournal of the sales journal (assumed, as the simulator writes it)
_CENT = Decimal("0.01")
_PART = re.compile(r"(?P<name>[A-Za-z][A-Za-z .]*?)\s*@?\s*(?P<rate>\d+(?:[.,]\d+)?)\s*%")


@dataclass(frozen=True)
class CodeRate:
    """One authority of a tax code, with its rate."""

    authority: str
    rate: Decimal


def parse_tax_description(description: str, authorities: Sequence[str] = ()) -> tuple[tuple[CodeRate, ...], bool]:
    """The authorities and rates a code's description names, and whether tax is included.

    With the company's ``authorities`` (``ttaxauth.sName``), only those names are looked for, so
    linking words ("and", "plus") are never taken for a tax; decimal commas are read too ("9,975%").
    """
    included = "included" in description.casefold()
    if authorities:
        found: list[tuple[int, int, CodeRate]] = []
        for name in sorted(authorities, key=len, reverse=True):  # "HST ON" before "HST"
            match = re.search(
                rf"(?<![A-Za-z]){re.escape(name)}\s*@?\s*(?P<rate>\d+(?:[.,]\d+)?)\s*%", description, re.I
            )
            if match and not any(match.start() < end and start < match.end() for start, end, _ in found):
                found.append((match.start(), match.end(), CodeRate(name, Decimal(match["rate"].replace(",", ".")))))
        return tuple(part for _, _, part in sorted(found)), included
    parts = tuple(
        CodeRate(m["name"].strip(), Decimal(m["rate"].replace(",", "."))) for m in _PART.finditer(description)
    )
    return parts, included


class SageCanadaDatabase:
    """Read-only access to one company's database (``mysql+pymysql://user:password@host:13540/simply``).

    ``before_read`` runs before every read (a simulated company brings its copy up to date there).
    """

    def __init__(self, url: str, *, before_read: Callable[[], None] | None = None) -> None:
        try:
            self._engine = create_engine(url, pool_pre_ping=True)
        except ImportError:
            msg = 'Reading Sage 50 Canada needs PyMySQL: pip install "halo-accounts-integrator[sage50ca]"'
            raise ConfigError(msg) from None
        self._before_read = before_read
        sqlite = self._engine.dialect.name == "sqlite"

        @event.listens_for(self._engine, "connect")
        def _read_only(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA query_only = ON" if sqlite else "SET SESSION TRANSACTION READ ONLY")
            cursor.close()

    def close(self) -> None:
        """Let go of the connections."""
        self._engine.dispose()

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        if self._before_read is not None:
            self._before_read()
        try:
            with self._engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            text_ = str(getattr(exc, "orig", None) or exc)
            if "doesn't exist" in text_ or "no such table" in text_ or "Unknown column" in text_:
                msg = (
                    "Sage 50's database does not have the tables or columns the integrator reads: point "
                    "--database-url at the company's own database ('simply' on Sage's Connection Manager)."
                )
                raise ConfigError(msg, detail=text_) from None
            if "Access denied" in text_:
                msg = (
                    "Sage 50's database refused the user. In Sage 50, Setup > Set Up Users, give the integration "
                    "user 'Read data' (or 'Read and write data') for third-party products, and check its password."
                )
                raise ConfigError(msg, detail=text_) from None
            msg = (
                "Sage 50's database could not be reached. Sage's Connection Manager must be running on the PC "
                "that holds the company (it serves the database, by default on port 13540)."
            )
            raise TransientError(msg, detail=text_) from None

    def _all(self, query: str, **params: object) -> list[Any]:
        with self._connection() as connection:
            return list(connection.execute(text(query), params).all())

    def customers(self) -> list[BooksCustomer]:
        """Every customer, keyed by its name (Sage's key)."""
        rows = self._all("SELECT sName, sEmail, bInactive FROM tcustomr ORDER BY sName")
        return [BooksCustomer(r.sName, r.sName, "", "", r.sEmail or "", active=not r.bInactive) for r in rows]

    def suppliers(self) -> list[BooksSupplier]:
        """Every vendor, keyed by its name."""
        rows = self._all("SELECT sName, sEmail FROM tvendor ORDER BY sName")
        return [BooksSupplier(r.sName, r.sName, "", "", r.sEmail or "") for r in rows]

    def items(self) -> list[BooksItem]:
        """Every inventory and service item, keyed by its part number; its name is what Halo's match on."""
        rows = self._all("SELECT sPartCode, sName FROM tinvent WHERE bInactive = 0 ORDER BY sPartCode")
        return [BooksItem(r.sPartCode, r.sName or r.sPartCode) for r in rows]

    def account_digits(self) -> int:
        """How many digits the company's account numbers have (4 to 8)."""
        rows = self._all("SELECT nActNumLen FROM tcompoth")
        return int(rows[0].nActNumLen) if rows and rows[0].nActNumLen else 4

    def tax_codes(self) -> dict[str, tuple[tuple[CodeRate, ...], bool]]:
        """Code -> (its authorities and rates, tax included) for every code in use.

        A code whose description names a rate the integrator cannot tie to one of the company's
        authorities is a setting to fix, said once, rather than a line taxed wrongly.
        """
        names = [str(r.sName) for r in self._all("SELECT sName FROM ttaxauth")]
        rows = self._all("SELECT sCode, sDesc FROM ttaxcode WHERE bHidden = 0 ORDER BY sCode")
        codes = {}
        for row in rows:
            description = row.sDesc or ""
            parts, included = parse_tax_description(description, names)
            if len(parts) != description.count("%"):
                msg = (
                    f"Sage 50's tax code '{row.sCode}' reads '{description}', and the integrator cannot tell each of "
                    f"its taxes from it (the company's taxes are {', '.join(names) or 'none'}). In Sage 50, Setup > "
                    "Settings > Taxes > Tax Codes, give it a description such as 'GST @ 5%; QST @ 9.975%'."
                )
                raise ConfigError(msg)
            codes[row.sCode] = (parts, included)
        return codes

    def tax_rates(self) -> list[BooksTaxRate]:
        """Each tax code as one rate: its authorities' rates added up ("GQ": 14.975%)."""
        descriptions = {r.sCode: r.sDesc for r in self._all("SELECT sCode, sDesc FROM ttaxcode WHERE bHidden = 0")}
        return [
            BooksTaxRate(code, descriptions[code] or code, sum((p.rate for p in parts), Decimal(0)))
            for code, (parts, _included) in sorted(self.tax_codes().items())
        ]

    def invoices(self, numbers: Sequence[str]) -> dict[str, BooksInvoice]:
        """Recorded sales invoices (credits are negative ones) by number, with what is still owed."""
        wanted = list(dict.fromkeys(numbers))
        if not wanted:
            return {}
        query = text(
            "SELECT r.sSource1, r.dInvAmt, r.bReversed, "
            "(SELECT COALESCE(SUM(l.dAmtPaid), 0) FROM trcptln l WHERE l.lInvId = r.lId) AS dPaid "
            "FROM titrec r WHERE r.nJournal = :journal AND r.sSource1 IN :numbers ORDER BY r.bReversed DESC, r.lId"
        ).bindparams(bindparam("numbers", expanding=True))
        found: dict[str, BooksInvoice] = {}
        with self._connection() as connection:
            for row in connection.execute(query, {"journal": SALES_JOURNAL, "numbers": wanted}):
                total = _money(row.dInvAmt)
                found[row.sSource1] = BooksInvoice(
                    row.sSource1, row.sSource1, total, balance=total - _money(row.dPaid), is_credit=total < 0,
                    voided=bool(row.bReversed),
                )  # fmt: skip
        return found

    def purchase_orders(self, numbers: Sequence[str]) -> dict[str, str]:
        """Purchase orders by number: number -> books id (the number too: unique among purchase orders)."""
        wanted = list(dict.fromkeys(numbers))
        if not wanted:
            return {}
        query = text("SELECT sPONum FROM tpurordr WHERE sPONum IN :numbers").bindparams(
            bindparam("numbers", expanding=True)
        )
        with self._connection() as connection:
            return {row.sPONum: row.sPONum for row in connection.execute(query, {"numbers": wanted})}

    def payments(self, since: datetime | None) -> list[BooksPayment]:
        """Receipts entered since ``since`` (all when ``None``), with the invoices each paid.

        By the day Sage recorded them (its audit date), not the cheque's date, which is often
        earlier; from the day before, since the audit date has no time (a receipt seen twice is
        recorded in Halo once: its key says so).
        """
        query = (
            "SELECT h.lId, h.dtDate, h.sChequeNo, r.sSource1, l.dAmtPaid FROM trcpthdr h "
            "JOIN trcptln l ON l.lRcptId = h.lId JOIN titrec r ON r.lId = l.lInvId "
            "WHERE h.dtASDate >= :since ORDER BY h.lId, l.nLineNum"
        )
        rows = self._all(query, since=since.date() - timedelta(days=1) if since else date(1900, 1, 1))
        receipts: dict[int, tuple[date, str, list[tuple[str, Decimal]]]] = {}
        for row in rows:
            day = row.dtDate if isinstance(row.dtDate, date) else date.fromisoformat(str(row.dtDate))
            receipts.setdefault(row.lId, (day, row.sChequeNo or "", []))[2].append((row.sSource1, _money(row.dAmtPaid)))
        return [
            BooksPayment(f"R{number}", day, tuple(applied), reference)
            for number, (day, reference, applied) in receipts.items()
        ]


def _money(value: object) -> Decimal:
    # Through str: SQLite hands back floats, whose shortest form is the 2-decimal amount stored.
    return Decimal(str(value)).quantize(_CENT)
