"""Reading a Sage 50 Canada company's MySQL database: customers, tax codes, recorded invoices. Never writing.

Sage 50 Canada keeps each company in a MySQL database its Connection Manager serves (default port
13540, database ``simply``); a user with "Read data" rights for third-party products may read
it (research sage50.md §2.1, §2.3). Every session here is set read-only, so not even a bug can
write. Table and column names as the research gives them: ``tcustomr``, ``ttaxcode``, ``titrec``
(``sSource1`` is the invoice number). A tax code's rates are read from its description, as a
public client does ("GST @ 5%; QST @ 9.975%", "HST @ 13%, included").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, bindparam, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from halo_accounts.errors import ConfigError, TransientError
from halo_accounts.ports.books import BooksCustomer, BooksInvoice

__all__ = ["CodeRate", "SageCanadaDatabase", "parse_tax_description"]

SALES_JOURNAL = 11  # titrec.nJournal of the sales journal (assumed, as the simulator writes it)
_PART = re.compile(r"(?P<name>[A-Za-z][A-Za-z .]*?)\s*@?\s*(?P<rate>\d+(?:\.\d+)?)\s*%")


@dataclass(frozen=True)
class CodeRate:
    """One authority of a tax code, with its rate."""

    authority: str
    rate: Decimal


def parse_tax_description(description: str) -> tuple[tuple[CodeRate, ...], bool]:
    """The authorities and rates a code's description names, and whether tax is included."""
    parts = tuple(CodeRate(m["name"].strip(), Decimal(m["rate"])) for m in _PART.finditer(description))
    return parts, "included" in description.casefold()


class SageCanadaDatabase:
    """Read-only access to one company's database (``mysql+pymysql://user:password@host:13540/simply``)."""

    def __init__(self, url: str) -> None:
        try:
            self._engine = create_engine(url, pool_pre_ping=True)
        except ImportError:
            msg = 'Reading Sage 50 Canada needs PyMySQL: pip install "halo-accounts-integrator[sage50ca]"'
            raise ConfigError(msg) from None

        @event.listens_for(self._engine, "connect")
        def _read_only(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
            cursor.close()

    def close(self) -> None:
        """Let go of the connections."""
        self._engine.dispose()

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            text_ = str(getattr(exc, "orig", None) or exc)
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

    def customers(self) -> list[BooksCustomer]:
        """Every customer, keyed by its name (Sage's key)."""
        query = text("SELECT sName, sEmail, bInactive FROM tcustomr ORDER BY sName")
        with self._connection() as connection:
            rows = connection.execute(query).all()
        return [BooksCustomer(r.sName, r.sName, "", "", r.sEmail or "", active=not r.bInactive) for r in rows]

    def tax_codes(self) -> dict[str, tuple[tuple[CodeRate, ...], bool]]:
        """Code -> (its authorities and rates, tax included) for every code in use."""
        query = text("SELECT sCode, sDesc FROM ttaxcode WHERE bHidden = 0 ORDER BY sCode")
        with self._connection() as connection:
            rows = connection.execute(query).all()
        return {r.sCode: parse_tax_description(r.sDesc or "") for r in rows}

    def invoices(self, numbers: Sequence[str]) -> dict[str, BooksInvoice]:
        """Recorded sales invoices by number (reversed ones left out)."""
        wanted = list(dict.fromkeys(numbers))
        if not wanted:
            return {}
        query = text(
            "SELECT lId, sSource1, dInvAmt FROM titrec WHERE nJournal = :journal AND bReversed = 0 "
            "AND sSource1 IN :numbers"
        ).bindparams(bindparam("numbers", expanding=True))
        found: dict[str, BooksInvoice] = {}
        with self._connection() as connection:
            for row in connection.execute(query, {"journal": SALES_JOURNAL, "numbers": wanted}):
                total = Decimal(row.dInvAmt)
                found[row.sSource1] = BooksInvoice(str(row.lId), row.sSource1, total, is_credit=total < 0)
        return found
