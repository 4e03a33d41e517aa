"""Per-entity field tables: which Halo field names the simulator stores and renders.

Every name here exists in the matching schema of Halo's OpenAPI file (Sep 2024), whose
objects all declare ``additionalProperties: false``; ``tests/unit/simulators/halo`` checks
the names and kinds against that file. Halo objects are huge (``Area`` has 446 properties);
only the fields an accounts sync touches are modelled.
"""

from __future__ import annotations

from halo_accounts.simulators.halo.fields import FieldTable, Kind

__all__ = [
    "CLIENT",
    "COMPANY",
    "INTEGRATION_ERROR",
    "INVOICE_DETAIL",
    "INVOICE_HEADER",
    "INVOICE_PAYMENT",
    "ITEM",
    "SCHEMA_NAMES",
    "SITE",
    "SUPPLIER_ORDER_DETAIL",
    "SUPPLIER_ORDER_HEADER",
    "TAX",
]

S, N, B, D, T, A, L = (  # text, integer, bool, decimal, date-time, address, lines
    Kind.STR,
    Kind.INT,
    Kind.BOOL,
    Kind.DEC,
    Kind.DATETIME,
    Kind.ADDRESS,
    Kind.LINES,
)

CLIENT: FieldTable = {
    "id": N,
    "name": S,
    "inactive": B,
    "toplevel_id": N,
    "toplevel_name": S,
    "ref": S,
    "accountsid": S,
    "accountsemailaddress": S,
    "accountsccemailaddress": S,
    "accountsfirstname": S,
    "accountslastname": S,
    "main_phonenumber": S,
    "main_invoice_address": A,
    "main_delivery_address": A,
    "main_site_id": N,
    "main_site_name": S,
    "tax_number": S,
    "taxable": B,
    "paymentterms": N,
    "currencyisocode": S,
    "website": S,
    "notes": S,
    "excludefrominvoicesync": B,
    "item_tax_code": N,
    "service_tax_code": N,
    "datecreated": T,
    "alastupdate": T,
}

SITE: FieldTable = {
    "id": N,
    "name": S,
    "client_id": N,  # the schema says double; integral values render as integers
    "client_name": S,
    "inactive": B,
    "ref": S,
    "accountsid": S,
    "accountsfirstname": S,
    "accountslastname": S,
    "accountsemailaddress": S,
    "invoice_address": A,
    "delivery_address": A,
    "isinvoicesite": B,
    "phonenumber": S,
    "datecreated": T,
    "slastupdate": T,
}

# Item has no "inactive"; its int "status" is the only state flag (0 = active here).
ITEM: FieldTable = {
    "id": N,
    "name": S,
    "description": S,
    "type": N,
    "status": N,
    "baseprice": D,
    "costprice": D,
    "taxcode": N,
    "taxcode_name": S,
    "taxcodeother": N,
    "accountsid": S,
    "third_party_id": S,
    "nominalcode": S,
    "purchasenominalcode": S,
    "internalreference": S,
    "externalreference": S,
    "supplier_part_code": S,
    "supplier_id": N,
    "supplier_name": S,
    "dont_track_stock": B,
    "quantity_in_stock": D,
    "datecreated": T,
    "lastmodified": T,
}

TAX: FieldTable = {
    "id": N,
    "name": S,
    "code": S,
    "value": D,
    "third_party_id": S,
    "third_party_desc": S,
    "is_composite": B,
    "onseparateline": B,
}

INVOICE_DETAIL: FieldTable = {
    "id": N,
    "ihid": N,
    "_itemid": N,
    "item_code": S,
    "item_shortdescription": S,
    "item_longdescription": S,
    "nominal_code": S,
    "sequenceid": N,
    "qty_order": D,
    "unit_price": D,
    "unit_cost": D,
    "item_tax_code": N,
    "tax_code": S,
    "tax_name": S,
    "tax_rate": D,
    "net_amount": D,
    "tax_amount": D,
    "total_price": D,
}

INVOICE_HEADER: FieldTable = {
    "id": N,
    "invoicenumber": S,
    "thirdpartyinvoicenumber": S,
    "reference": S,
    "cust_order_number": S,
    "client_id": N,
    "client_name": S,
    "sitenumber": N,
    "site_name": S,
    "invoice_date": T,
    "duedate": T,
    "paymentterms": N,
    "date_created": T,
    "last_modified": T,
    "last_synced": T,
    "posted": B,
    "dateposted": T,
    "datepaid": T,
    "accountsid": S,
    "voided": B,
    "requires_approval": B,
    "creditlinkedtoinvoiceid": N,
    "lines": L,
    "total": D,
    "tax_total": D,
    "amountpaid": D,
    "amountdue": D,
    "paymentstatus": N,
    "payments": L,
    "_validateonly": B,
}

INVOICE_PAYMENT: FieldTable = {
    "id": N,
    "invoice_id": N,
    "invoice_invoicenumber": S,
    "client_id": N,
    "client_name": S,
    "date": T,
    "amount": D,
    "method": N,
    "status": N,
    "thirdpartyid": S,
    "sage50_reference": S,
}

COMPANY: FieldTable = {
    "id": N,
    "name": S,
    "inactive": B,
    "toplevel_id": N,
    "accounts_id": S,
    "contact_name": S,
    "email_address": S,
    "phone_number": S,
    "address": S,  # one string, unlike Client addresses
    "website": S,
    "notes": S,
    "purchase_tax_code": N,
    "ignore_from_accounting_sync": B,
    "datecreated": T,
    "last_modified": T,
}

# The schema has no quantity on PO lines; ``net_total`` carries the line amount.
SUPPLIER_ORDER_DETAIL: FieldTable = {
    "id": N,
    "purchaseorder_id": N,
    "sort_seq": N,
    "item_id": N,
    "item_code": S,
    "name": S,
    "accounts_code": S,
    "baseprice": D,
    "net_total": D,
    "total_tax": D,
    "total_price": D,
    "tax_name": S,
    "quantity_received": D,
}

SUPPLIER_ORDER_HEADER: FieldTable = {
    "id": N,
    "po_ref": S,
    "status": N,
    "supplier_id": N,
    "supplier_name": S,
    "client_id": N,
    "date": T,
    "duedate": T,
    "accounts_ref": S,
    "third_party_id": S,
    "last_synced": T,
    "lines": L,
    "price": D,
    "tax_total": D,
    "total": D,
    "_validateonly": B,
}

INTEGRATION_ERROR: FieldTable = {
    "id": N,
    "module_id": N,
    "detail_id": N,
    "entity_type": S,
    "entity_id": N,
    "entity_name": S,
    "endpoint": S,
    "error": S,
    "date": T,
}

# Which OpenAPI schema each table mirrors (used by the contract unit test).
SCHEMA_NAMES: dict[str, str] = {
    "Client": "Area",
    "Site": "Site",
    "Item": "Item",
    "Tax": "Tax",
    "Invoice": "InvoiceHeader",
    "InvoiceDetail": "InvoiceDetail",
    "InvoicePayment": "InvoicePayment_List",
    "Supplier": "Company",
    "PurchaseOrder": "SupplierOrderHeader",
    "SupplierOrderDetail": "SupplierOrderDetail",
    "IntegrationError": "IntegrationError",
    "AddressStore": "AddressStore",
}
