"""A simulated Sage 50 Canada company written into a real MySQL-compatible database, as Sage keeps it.

Table and column names from research sage50.md §2.3 (the columns a public client maps, and the
SDK samples' queries): ``tcustomr`` and ``tvendor`` (keyed by a unique name), ``ttaxauth``,
``ttaxcode`` (a code of up to 2 characters whose description reads "GST @ 5%; QST @ 9.975%"),
``titrec``/``titrline`` (recorded invoices and their lines; ``sSource1`` is the invoice number,
``nJournal`` says sales or purchases). Enough of Sage's schema for the integrator's reads; the
tables are created anew each time.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    create_engine,
    insert,
)

from halo_accounts.simulators.sage50ca.company import CanadaCompany

__all__ = ["SALES_JOURNAL", "PURCHASES_JOURNAL", "materialise"]

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


def _describe(company: CanadaCompany, code: str) -> str:
    parts = [f"{name} @ {company.authorities[name].rate.normalize()}%" for name in company.tax_codes[code].authorities]
    text = "; ".join(parts) or "No Tax"
    return f"{text}, included" if company.tax_codes[code].included else text


def materialise(company: CanadaCompany, url: str) -> None:
    """Write ``company`` into the database at ``url`` (``mysql+pymysql://...``), replacing Sage's tables."""
    engine = create_engine(url)
    try:
        _metadata.drop_all(engine)
        _metadata.create_all(engine)
        ids = {}
        with engine.begin() as connection:
            for number, party in enumerate(company.customers.values(), start=1):
                ids[party.name] = number
                connection.execute(insert(customers).values(_party_row(number, party)))
            for number, party in enumerate(company.vendors.values(), start=1):
                ids.setdefault(f"vendor:{party.name}", number)
                connection.execute(insert(vendors).values(_party_row(number, party)))
            for number, authority in enumerate(company.authorities.values(), start=1):
                connection.execute(insert(authorities).values(lId=number, sName=authority.name))
            for number, code in enumerate(company.tax_codes, start=1):
                connection.execute(insert(tax_codes).values(lId=number, sCode=code, sDesc=_describe(company, code)))
            for number, invoice in enumerate(company.invoices, start=1):
                party_id = ids[invoice.party] if invoice.journal == "sales" else ids[f"vendor:{invoice.party}"]
                journal = SALES_JOURNAL if invoice.journal == "sales" else PURCHASES_JOURNAL
                connection.execute(
                    insert(invoices).values(
                        lId=number,
                        lVenCusId=party_id,
                        nJournal=journal,
                        dtJournal=invoice.entry_date,
                        sSource1=invoice.number,
                        dInvAmt=invoice.total,
                        dFreight=0,
                        bReversed=0,
                    )  # fmt: skip
                )
                for line, detail in enumerate(invoice.details, start=1):
                    connection.execute(
                        insert(invoice_lines).values(
                            lITRecId=number,
                            nLineNum=line,
                            sItem=detail.item,
                            dQty=detail.quantity,
                            dPrice=detail.price,
                            dAmt=detail.amount,
                        )  # fmt: skip
                    )
    finally:
        engine.dispose()


def _party_row(number: int, party: object) -> dict[str, object]:
    fields = {"sName": "name", "sCntcName": "contact", "sStreet1": "street1", "sStreet2": "street2", "sCity": "city",
              "sProvState": "province", "sCountry": "country", "sPostalZip": "postal", "sPhone1": "phone1",
              "sPhone2": "phone2", "sFax": "fax", "sEmail": "email"}  # fmt: skip
    return {"lId": number, "bInactive": 0, **{column: getattr(party, name) for column, name in fields.items()}}
