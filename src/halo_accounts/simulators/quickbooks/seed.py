"""``seed_company``: a reproducible, realistic MSP company file of any edition.

Everything is created through qbXML requests (``QuickBooksCompany.process_trusted``), so
seeded invoices carry the same tax maths, balances and links as ones an integrator creates,
and payments really are ``ReceivePaymentAdd``s. The same ``seed`` and clock give the same
company: classes, vendors, customers with jobs, service/non-inventory/inventory items, open
invoices of 1-5 lines over the last four months, payments (full and partial), a few credit
memos and purchase orders.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Union

from lxml import etree

from halo_accounts.simulators.quickbooks.seed_data import (
    CUSTOMER_FORMS,
    CUSTOMER_TRADES,
    CUSTOMER_WORDS,
    EDITION_SEEDS,
    FIRST_NAMES,
    JOBS,
    LAST_NAMES,
    STREETS,
    EditionSeed,
)

if TYPE_CHECKING:
    from halo_accounts.simulators.quickbooks.company import QuickBooksCompany

__all__ = ["seed_company"]

Spec = Sequence[tuple[str, Union[str, "Spec"]]]
_BATCH = 250


def _build(parent: etree._Element, spec: Spec) -> None:
    for name, value in spec:
        child = etree.SubElement(parent, name)
        if isinstance(value, str):
            child.text = value
        else:
            _build(child, value)


def _send(company: QuickBooksCompany, requests: list[tuple[str, Spec]]) -> list[etree._Element]:
    """Send requests in batches; return the ``*Ret`` of each, in order. A failure is a seed bug."""
    rets: list[etree._Element] = []
    for start in range(0, len(requests), _BATCH):
        root = etree.Element("QBXML")
        messages = etree.SubElement(root, "QBXMLMsgsRq", onError="stopOnError")
        for tag, spec in requests[start : start + _BATCH]:
            request = etree.SubElement(messages, f"{tag}Rq")
            _build(etree.SubElement(request, tag), spec)
        text = '<?xml version="1.0"?><?qbxml version="13.0"?>' + etree.tostring(root, encoding="unicode")
        answer = etree.fromstring(company.process_trusted(text).encode("utf-8"))
        for response in answer.iter("*"):
            if response.get("statusCode") not in (None, "0"):
                msg = f"seed request failed: {response.tag} {response.get('statusMessage')}"
                raise RuntimeError(msg)
        responses = answer.find("QBXMLMsgsRs")
        rets.extend(response[0] for response in (responses if responses is not None else []) if len(response))
    return rets


def _ref(name: str) -> Spec:
    return [("FullName", name)]


def _address(rng: random.Random, data: EditionSeed, addressee: str) -> Spec:
    city, region, postcode = rng.choice(data.cities)
    street = f"{rng.randint(1, 399)} {rng.choice(STREETS)}"
    return [("Addr1", addressee), ("Addr2", street), ("City", city), ("State", region), ("PostalCode", postcode)]


def _customer_names(rng: random.Random, count: int, suffix: str) -> list[str]:
    names = ["Søren O'Brien & Co"]
    seen = {names[0].casefold()}
    while len(names) < count:
        name = f"{rng.choice(CUSTOMER_WORDS)} {rng.choice(CUSTOMER_TRADES)} {rng.choice(CUSTOMER_FORMS)}"
        if rng.random() < 0.3:
            name = f"{name} {suffix}"
        if name.casefold() not in seen and len(name) <= 41:
            seen.add(name.casefold())
            names.append(name)
    return names[:count]


def _customers(company: QuickBooksCompany, rng: random.Random, data: EditionSeed, count: int) -> list[str]:
    requests: list[tuple[str, Spec]] = []
    us = company.profile.code == "US"
    for name in _customer_names(rng, count, company.profile.legal_suffix):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = "accounts@" + "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())[:20] + ".example"
        spec: list[tuple[str, str | Spec]] = [("Name", name), ("CompanyName", name)]
        spec += [("FirstName", first), ("LastName", last), ("BillAddress", _address(rng, data, name))]
        spec += [("Phone", f"555-{rng.randint(1000, 9999)}"), ("Email", email)]
        spec.append(("TermsRef", _ref(rng.choice(("Net 30", "Net 30", "Net 15", "Due on receipt")))))
        spec.append(("SalesTaxCodeRef", _ref(rng.choice(data.customer_codes))))
        if us:
            spec.append(("ItemSalesTaxRef", _ref(rng.choice(data.customer_tax_items))))
        requests.append(("CustomerAdd", spec))
    rets = _send(company, requests)
    full_names = [ret.findtext("FullName") or "" for ret in rets]
    jobs: list[tuple[str, Spec]] = []
    for parent in full_names[1 : 1 + max(1, count // 5)]:
        job = f"{rng.choice(JOBS)} {rng.randint(2023, 2025)}"
        jobs.append(("CustomerAdd", [("Name", job), ("ParentRef", _ref(parent)), ("JobStatus", "InProgress")]))
    return full_names + [ret.findtext("FullName") or "" for ret in _send(company, jobs)]


def _catalogue(data: EditionSeed) -> list[tuple[str, str, str, str, str]]:
    """(kind, name, description, price, cost)."""
    return [
        ("ItemService", "Managed Services", "Managed IT services", "0.00", ""),
        ("ItemService", "Managed Services:Per User", "Managed services per user per month", "45.00", ""),
        ("ItemService", "Managed Services:Per Server", "Server monitoring and patching", "150.00", ""),
        ("ItemService", "Onsite Support", "Onsite support, per hour", "135.00", ""),
        ("ItemService", "Remote Support", "Remote support, per hour", "110.00", ""),
        ("ItemService", f"Project {data.labour}", f"Project {data.labour.lower()}, per hour", "150.00", ""),
        ("ItemService", "After Hours Support", "After-hours support, per hour", "185.00", ""),
        ("ItemService", "Backup Monitoring", "Backup monitoring per device", "25.00", ""),
        ("ItemNonInventory", "Microsoft 365 Business Premium", "M365 Business Premium, monthly", "26.40", "22.00"),
        ("ItemNonInventory", "Microsoft 365 Business Basic", "M365 Business Basic, monthly", "7.20", "6.00"),
        (
            "ItemNonInventory",
            f"Antivirus {data.licence}",
            f"Endpoint protection {data.licence.lower()}",
            "6.50",
            "3.10",
        ),
        ("ItemNonInventory", "Domain Renewal", "Domain name renewal, 1 year", "29.00", "14.00"),
        ("ItemNonInventory", "Cloud Backup 1TB", "Cloud backup storage, 1 TB", "49.00", "21.00"),
        ("ItemInventory", "Dell Latitude 5440", 'Dell Latitude 5440 14" laptop', "1499.00", "1180.00"),
        ("ItemInventory", "Dell OptiPlex 7010", "Dell OptiPlex 7010 desktop", "1099.00", "860.00"),
        ("ItemInventory", "UniFi U6-Pro Access Point", "Ubiquiti UniFi U6-Pro wireless AP", "229.00", "159.00"),
        ("ItemInventory", "Cat6 Patch Cable 2m", "Cat6 patch cable, 2 m", "6.50", "1.90"),
        ("ItemInventory", "APC Back-UPS 1500VA", "APC Back-UPS Pro 1500VA", "289.00", "205.00"),
    ]


def _items(company: QuickBooksCompany, rng: random.Random, data: EditionSeed, count: int) -> list[str]:
    requests: list[tuple[str, Spec]] = []
    names: list[str] = []
    catalogue = _catalogue(data)
    variants = [entry for entry in catalogue if ":" not in entry[1] and entry[3] != "0.00"]
    for index in range(max(count, 1)):
        if index < len(catalogue):
            kind, full_name, desc, price, cost = catalogue[index]
        else:
            extra = index - len(catalogue)
            kind, base, desc, price, cost = variants[extra % len(variants)]
            full_name = f"{base[:26]} #{extra // len(variants) + 2}"
        parent, _, name = full_name.rpartition(":")
        spec: list[tuple[str, str | Spec]] = [("Name", name)]
        if parent:
            spec.append(("ParentRef", _ref(parent)))
        code = data.service_code if kind == "ItemService" else data.product_code
        spec.append(("SalesTaxCodeRef", _ref(code)))
        if kind == "ItemInventory":
            spec += [("SalesDesc", desc), ("SalesPrice", price), ("IncomeAccountRef", _ref("Hardware Sales"))]
            spec += [("PurchaseDesc", desc), ("PurchaseCost", cost), ("COGSAccountRef", _ref("Cost of Goods Sold"))]
            spec += [("AssetAccountRef", _ref("Inventory Asset")), ("QuantityOnHand", str(rng.randint(0, 40)))]
        elif cost:
            sales: Spec = [
                ("SalesDesc", desc),
                ("SalesPrice", price),
                ("IncomeAccountRef", _ref("Software Subscriptions")),
            ]
            spec.append(
                (
                    "SalesAndPurchase",
                    [
                        *sales,
                        ("PurchaseDesc", desc),
                        ("PurchaseCost", cost),
                        ("ExpenseAccountRef", _ref("Software Costs")),
                    ],
                )
            )
        else:
            income = "Managed Services Income" if full_name.startswith("Managed") else "Project Income"
            spec.append(("SalesOrPurchase", [("Desc", desc), ("Price", price), ("AccountRef", _ref(income))]))
        requests.append((f"{kind}Add", spec))
        names.append(full_name)
    _send(company, requests)
    return [name for name in names if name != "Managed Services"]


def _lines(rng: random.Random, items: list[str], tag: str, code: str | None) -> list[tuple[str, Spec]]:
    lines: list[tuple[str, Spec]] = []
    for item in rng.sample(items, k=min(len(items), rng.randint(1, 5))):
        line: list[tuple[str, str | Spec]] = [
            ("ItemRef", _ref(item)),
            ("Quantity", str(rng.choice((1, 1, 2, 3, 5, 10, 12)))),
        ]
        if code is not None:
            line.append(("SalesTaxCodeRef", _ref(code)))
        lines.append((tag, line))
    return lines


def _sales(company: QuickBooksCompany, rng: random.Random, customers: list[str], items: list[str], count: int) -> None:
    today = company.now().date()
    per_code = company.profile.uses_rate_per_code
    codes = {
        record["FullName"]: (record.get("SalesTaxCodeRef") or {}).get("FullName")
        for record in company.list_records("Customer")
    }
    invoices: list[tuple[str, Spec]] = []
    for number in range(count):
        customer = rng.choice(customers)
        txn_date = today - timedelta(days=rng.randint(0, 120))
        code = codes.get(customer) if per_code else None
        spec: list[tuple[str, str | Spec]] = [("CustomerRef", _ref(customer))]
        if company.profile.class_tracking:
            spec.append(("ClassRef", _ref(rng.choice(("Managed Services", "Projects", "Projects:Migrations")))))
        spec.append(("TxnDate", txn_date.isoformat()))
        spec += [("RefNumber", str(1001 + number)), ("PONumber", f"PO-{rng.randint(10000, 99999)}")]
        spec += _lines(rng, items, "InvoiceLineAdd", code)
        invoices.append(("InvoiceAdd", spec))
    payments: list[tuple[str, Spec]] = []
    for ret in _send(company, invoices):
        balance = Decimal(ret.findtext("BalanceRemaining") or "0")
        roll = rng.random()
        if balance <= 0 or roll > 0.6:
            continue
        amount = balance if roll < 0.45 else (balance / 2).quantize(Decimal("0.01"))
        paid_on = max(ret.findtext("TxnDate") or "", (today - timedelta(days=rng.randint(0, 30))).isoformat())
        applied: Spec = [("TxnID", ret.findtext("TxnID") or ""), ("PaymentAmount", str(amount))]
        spec = [("CustomerRef", [("ListID", ret.findtext("CustomerRef/ListID") or "")]), ("TxnDate", paid_on)]
        spec += [
            ("RefNumber", f"CHK{rng.randint(1000, 9999)}"),
            ("TotalAmount", str(amount)),
            ("AppliedToTxnAdd", applied),
        ]
        payments.append(("ReceivePaymentAdd", spec))
    _send(company, payments)
    credits: list[tuple[str, Spec]] = []
    for _ in range(max(1, count // 20)):
        customer = rng.choice(customers)
        code = codes.get(customer) if per_code else None
        credits.append(
            ("CreditMemoAdd", [("CustomerRef", _ref(customer)), *_lines(rng, items, "CreditMemoLineAdd", code)])
        )
    _send(company, credits)


def seed_company(
    company: QuickBooksCompany, *, seed: int = 1, customers: int = 50, items: int = 30, invoices: int = 100
) -> None:
    """Fill ``company`` with a reproducible MSP company of its edition.

    ``customers`` top-level customers are created, and about one in five of them gets a job
    on top; ``items`` sale items (a "Managed Services" parent with sub-items, services,
    non-inventory subscriptions and inventory hardware); ``invoices`` invoices, about 60% of
    them then paid in full or in part, one credit memo per twenty invoices and one purchase
    order per ten (at least three).
    """
    rng = random.Random(seed)
    data = EDITION_SEEDS[company.profile.code]
    classes = ("Managed Services", "Projects", "Hardware")
    class_requests: list[tuple[str, Spec]] = [("ClassAdd", [("Name", name)]) for name in classes]
    class_requests.append(("ClassAdd", [("Name", "Migrations"), ("ParentRef", _ref("Projects"))]))
    _send(company, class_requests)
    vendor_requests: list[tuple[str, Spec]] = [
        ("VendorAdd", [("Name", name), ("CompanyName", name), ("TermsRef", _ref("Net 30"))]) for name in data.vendors
    ]
    _send(company, vendor_requests)
    item_names = _items(company, rng, data, items)
    customer_names = _customers(company, rng, data, customers)
    if customer_names and item_names:
        _sales(company, rng, customer_names, item_names, invoices)
    orders: list[tuple[str, Spec]] = []
    products = [name for name in item_names if name.startswith(("Dell", "UniFi", "Cat6", "APC"))] or item_names
    for _ in range(max(3, invoices // 10) if products else 0):
        picked = rng.sample(products, k=min(len(products), rng.randint(1, 3)))
        lines: list[tuple[str, Spec]] = [
            ("PurchaseOrderLineAdd", [("ItemRef", _ref(item)), ("Quantity", str(rng.randint(1, 10)))])
            for item in picked
        ]
        orders.append(("PurchaseOrderAdd", [("VendorRef", _ref(rng.choice(data.vendors))), *lines]))
    _send(company, orders)
