"""Sage 50 UK's import file layouts: the columns, in order, with their limits (research sage50.md §1.4).

Customer and Supplier Records (columns A-AE), Product Records (A-R) and Audit Trail Transactions (A-O), as
Sage's "data fields you can import" articles list them. Files have no header row and one record
per line; dates are DD/MM/YYYY, money has two decimals, tax codes are written ``T0``-``T99``.
Sage's File > Export writes the same layouts, so the same tables read its exports back.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AUDIT_TRAIL", "CUSTOMER_RECORDS", "IMPORTABLE_TYPES", "PRODUCT_RECORDS", "SUPPLIER_RECORDS", "Column", "Layout",
]  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column: its name in Sage's layout, and the most characters it takes (0: not text)."""

    name: str
    limit: int = 0


@dataclass(frozen=True)
class Layout:
    """One import file's columns, A first."""

    name: str
    columns: tuple[Column, ...]

    def index(self, name: str) -> int:
        """The position of a column, 0 for A."""
        return next(n for n, column in enumerate(self.columns) if column.name == name)


CUSTOMER_RECORDS = Layout(
    "Customer Records",
    (
        Column("A/C", 8), Column("Name", 60), Column("Address Line 1", 60), Column("Address Line 2", 60),
        Column("Address Line 3", 60), Column("Address Line 4", 60), Column("Address Line 5", 60),
        Column("Contact Name", 30), Column("Telephone", 30), Column("Fax", 30), Column("Analysis 1", 30),
        Column("Analysis 2", 30), Column("Analysis 3", 30), Column("Department"), Column("VAT Number", 30),
        Column("M.T.D."), Column("Y.T.D."), Column("Prior Y.T.D."), Column("Credit Limit"),
        Column("Trading Terms Text", 30), Column("Settlement Due Days"), Column("Sett. Discount %"),
        Column("Default Nominal Code", 8), Column("Default Tax Code"), Column("Trade Contact", 30),
        Column("Telephone 2", 30), Column("E-mail", 255), Column("WWW", 255), Column("Discount Rate"),
        Column("Payment Due Days"), Column("Terms Agreed"),
    ),
)  # fmt: skip

# Supplier Records take the same columns as Customer Records (Sage's templates share them; assumed
# from the record layout, the KB article lists the customer one).
SUPPLIER_RECORDS = Layout("Supplier Records", CUSTOMER_RECORDS.columns)

PRODUCT_RECORDS = Layout(
    "Product Records",
    (
        Column("Stock Code", 30), Column("Description", 60), Column("Tax Code"), Column("Sales Price"),
        Column("Last Cost Price"), Column("Unit of Sale", 8), Column("Location", 16),
        Column("Nominal A/C Ref", 8), Column("Stock Category"), Column("Bar Code", 60), Column("Department"),
        Column("Supplier A/C", 8), Column("Supplier Part No", 16), Column("Re-order Level"),
        Column("Com. Code Desc", 30), Column("Weight"), Column("Stock Take Date"), Column("Re-order Qty"),
    ),
)  # fmt: skip

AUDIT_TRAIL = Layout(
    "Audit Trail Transactions",
    (
        Column("Type", 2), Column("Account", 8), Column("Nominal Code", 8), Column("Department"), Column("Date"),
        Column("Reference", 30), Column("Details", 60), Column("Net"), Column("T/C"), Column("Tax"),
        Column("Exchange Rate"), Column("Ex.Ref", 30), Column("User Name", 32), Column("Project Ref", 12),
        Column("Cost Code Ref", 8),
    ),
)  # fmt: skip

# What File > Import takes in an audit trail file; receipts (SR) and supplier payments (PP),
# among others, it refuses ("what you can import").
IMPORTABLE_TYPES = frozenset(
    {"BP", "BR", "CP", "CR", "VP", "VR", "JC", "JD", "SI", "SC", "SA", "SP", "PI", "PC", "PA", "PR"}
)
