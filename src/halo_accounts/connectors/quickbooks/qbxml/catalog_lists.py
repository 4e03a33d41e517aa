"""Customers and vendors: the add and modify requests of the name lists.

Element order, lengths, editions and versions as in Intuit's qbXML 13.0 (checked by tests against
Intuit's XSD and annotated samples). Only the elements the integrator may send are listed.
"""

from __future__ import annotations

from halo_accounts.connectors.quickbooks.qbxml.spec import (
    Node,
    address,
    aggregate,
    boolean,
    enum_of,
    guid,
    ident,
    per_edition,
    ref,
    text,
)

CUSTOMER_ADD = aggregate(
    "CustomerAddRq",
    aggregate(
        "CustomerAdd",
        text("Name", 41, required=True),
        boolean("IsActive"),
        ref("ClassRef", 159, since="12.0"),
        ref("ParentRef"),
        text("CompanyName", 41),
        text("FirstName", 25),
        text("LastName", 25),
        address("BillAddress"),
        address("ShipAddress"),
        text("Phone", 21),
        text("AltPhone", 21),
        text("Fax", 21),
        text("Email", 1023),
        text("Contact", 41),
        ref("TermsRef", 31),
        ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6)),
        ref("ItemSalesTaxRef", 31, absent_in="CA UK"),
        enum_of("SalesTaxCountry", "Australia", "Canada", "UK", "US", absent_in="US", since="6.0"),
        text("ResaleNumber", per_edition(US=15, CA=21, UK=21, AU=21)),
        text("AccountNumber", 99),
        text("Notes", 4095, since="3.0"),
        guid("ExternalGUID", since="8.0"),
        text("TaxRegistrationNumber", 30, absent_in="US", since="8.0"),
        ref("CurrencyRef", 64, since="8.0"),
        required=True,
    ),  # /CustomerAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

CUSTOMER_MOD = aggregate(
    "CustomerModRq",
    aggregate(
        "CustomerMod",
        ident("ListID", required=True),
        text("EditSequence", 16, required=True),
        text("Name", 41),
        boolean("IsActive", since="3.0"),
        ref("ClassRef", 159, since="12.0"),
        ref("ParentRef", since="3.0"),
        text("CompanyName", 41),
        text("FirstName", 25),
        text("LastName", 25),
        address("BillAddress"),
        address("ShipAddress"),
        text("Phone", 21),
        text("AltPhone", 21),
        text("Fax", 21),
        text("Email", 1023),
        text("Contact", 41),
        ref("TermsRef", 31, since="3.0"),
        ref("SalesTaxCodeRef", per_edition(US=3, CA=3, UK=3, AU=6), since="3.0"),
        ref("ItemSalesTaxRef", 31, absent_in="CA UK", since="3.0"),
        enum_of("SalesTaxCountry", "Australia", "Canada", "UK", "US", absent_in="US", since="6.0"),
        text("ResaleNumber", per_edition(US=15, CA=21, UK=21, AU=21), since="3.0"),
        text("AccountNumber", 99),
        text("Notes", 4095, since="3.0"),
        text("TaxRegistrationNumber", 30, absent_in="US", since="8.0"),
        ref("CurrencyRef", 64, since="8.0"),
        required=True,
    ),  # /CustomerMod
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

VENDOR_ADD = aggregate(
    "VendorAddRq",
    aggregate(
        "VendorAdd",
        text("Name", 41, required=True),
        boolean("IsActive"),
        ref("ClassRef", 159, since="12.0"),
        text("CompanyName", 41),
        text("FirstName", 25),
        text("LastName", 25),
        address("VendorAddress"),
        address("ShipAddress", since="11.0"),
        text("Phone", 21),
        text("AltPhone", 21),
        text("Fax", 21),
        text("Email", 1023),
        text("Contact", 41),
        text("AccountNumber", 99),
        text("Notes", 4095, since="3.0"),
        ref("TermsRef", 31),
        guid("ExternalGUID", since="8.0"),
        ref("SalesTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="8.0"),
        enum_of("SalesTaxCountry", "Australia", "Canada", "UK", "US", absent_in="US", since="8.0"),
        text("TaxRegistrationNumber", 30, absent_in="US", since="8.0"),
        ref("CurrencyRef", 64, since="8.0"),
        required=True,
    ),  # /VendorAdd
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

VENDOR_MOD = aggregate(
    "VendorModRq",
    aggregate(
        "VendorMod",
        ident("ListID", required=True),
        text("EditSequence", 16, required=True),
        text("Name", 41),
        boolean("IsActive", since="3.0"),
        ref("ClassRef", 159, since="12.0"),
        text("CompanyName", 41),
        text("FirstName", 25),
        text("LastName", 25),
        address("VendorAddress"),
        address("ShipAddress", since="11.0"),
        text("Phone", 21),
        text("AltPhone", 21),
        text("Fax", 21),
        text("Email", 1023),
        text("Contact", 41),
        text("AccountNumber", 99),
        text("Notes", 4095, since="3.0"),
        ref("TermsRef", 31, since="3.0"),
        ref("SalesTaxCodeRef", per_edition(CA=3, UK=3, AU=6), absent_in="US", since="8.0"),
        enum_of("SalesTaxCountry", "Australia", "Canada", "UK", "US", absent_in="US", since="8.0"),
        text("TaxRegistrationNumber", 30, absent_in="US", since="8.0"),
        ref("CurrencyRef", 64, since="8.0"),
        required=True,
    ),  # /VendorMod
    text("IncludeRetElement", 50, since="4.0", repeats=True),
)

REQUESTS: dict[str, Node] = {node.name: node for node in (CUSTOMER_ADD, CUSTOMER_MOD, VENDOR_ADD, VENDOR_MOD)}
