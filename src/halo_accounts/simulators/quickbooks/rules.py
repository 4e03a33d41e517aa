"""The per-edition field rules the XSD lacks: which fields an edition refuses, and lengths.

Intuit's XSD is the union of all editions and carries US lengths (research §0.5, §3): it
accepts ``IsTaxIncluded`` on a US file and refuses a 6-character Australian tax code. The
annotated ops file (``qbxmlops130.xml``) says, per field, "not in QBD", "max length = 3 for
QBD|QBCA|QBUK, max length = 6 for QBAU" and so on. This table is the project's own encoding
of the fields the simulator supports; a unit test checks every row against the ops file.

Paths are relative to the ``*Rq`` element and use ElementTree path syntax. A request that
breaks a rule is refused like any other malformed message: HRESULT 0x80040400.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

__all__ = ["RULES", "FieldRule", "edition_violation"]

ALL = frozenset({"QBD", "QBCA", "QBUK", "QBAU"})
NOT_US = frozenset({"QBD"})
NOT_CA_UK = frozenset({"QBCA", "QBUK"})
AU_ONLY = frozenset({"QBD", "QBCA", "QBUK"})
TAX_CODE = {"QBD": 3, "QBCA": 3, "QBUK": 3, "QBAU": 6}


def _same(length: int) -> dict[str, int]:
    return dict.fromkeys(sorted(ALL), length)


@dataclass(frozen=True)
class FieldRule:
    """One field of one request: the editions that refuse it, and its length per edition."""

    request: str  # the *Rq element, e.g. "CustomerAddRq"
    path: str  # below the *Rq element, e.g. "CustomerAdd/ItemSalesTaxRef"
    not_in: frozenset[str] = frozenset()
    max_length: Mapping[str, int] = field(default_factory=dict)


def _rules() -> list[FieldRule]:
    rules: list[FieldRule] = []
    for verb in ("Add", "Mod"):
        customer = f"Customer{verb}"
        rules += [
            FieldRule(f"{customer}Rq", f"{customer}/Name", max_length=_same(41)),
            FieldRule(f"{customer}Rq", f"{customer}/SalesTaxCodeRef/FullName", max_length=TAX_CODE),
            FieldRule(f"{customer}Rq", f"{customer}/ItemSalesTaxRef", not_in=NOT_CA_UK),
            FieldRule(f"{customer}Rq", f"{customer}/SalesTaxCountry", not_in=NOT_US),
            FieldRule(f"{customer}Rq", f"{customer}/TaxRegistrationNumber", not_in=NOT_US),
        ]
        vendor = f"Vendor{verb}"
        rules.append(FieldRule(f"{vendor}Rq", f"{vendor}/Name", max_length=_same(41)))
        rules.append(FieldRule(f"{vendor}Rq", f"{vendor}/IsVendorEligibleFor1099", not_in=NOT_CA_UK))
        for name in ("SalesTaxCodeRef", "SalesTaxCountry", "IsSalesTaxAgency", "TaxRegistrationNumber"):
            rules.append(FieldRule(f"{vendor}Rq", f"{vendor}/{name}", not_in=NOT_US))
        for kind in ("ItemService", "ItemNonInventory", "ItemInventory"):
            item = f"{kind}{verb}"
            rules += [
                FieldRule(f"{item}Rq", f"{item}/Name", max_length=_same(31)),
                FieldRule(f"{item}Rq", f"{item}/IsTaxIncluded", not_in=NOT_US),
                FieldRule(f"{item}Rq", f"{item}/SalesTaxCodeRef/FullName", max_length=TAX_CODE),
            ]
        suffix = "" if verb == "Add" else "Mod"
        for kind in ("ItemService", "ItemNonInventory"):
            item = f"{kind}{verb}"
            purchase = f"{item}/SalesAndPurchase{suffix}/PurchaseTaxCodeRef"
            rules.append(FieldRule(f"{item}Rq", purchase, not_in=NOT_US))
        rules.append(FieldRule(f"ItemInventory{verb}Rq", f"ItemInventory{verb}/PurchaseTaxCodeRef", not_in=NOT_US))
    for txn, line in (
        ("InvoiceAdd", "InvoiceLineAdd"),
        ("InvoiceMod", "InvoiceLineMod"),
        ("CreditMemoAdd", "CreditMemoLineAdd"),
    ):
        rules += [
            FieldRule(f"{txn}Rq", f"{txn}/RefNumber", max_length=_same(11)),
            FieldRule(f"{txn}Rq", f"{txn}/IsTaxIncluded", not_in=NOT_US),
            FieldRule(f"{txn}Rq", f"{txn}/CustomerSalesTaxCodeRef/FullName", max_length=TAX_CODE),
            FieldRule(f"{txn}Rq", f"{txn}/{line}/TaxAmount", not_in=AU_ONLY),
            FieldRule(f"{txn}Rq", f"{txn}/{line}/SalesTaxCodeRef/FullName", max_length=TAX_CODE),
        ]
    rules += [
        FieldRule("PurchaseOrderAddRq", "PurchaseOrderAdd/RefNumber", max_length=_same(11)),
        FieldRule("PurchaseOrderAddRq", "PurchaseOrderAdd/IsTaxIncluded", not_in=NOT_US),
        FieldRule("PurchaseOrderAddRq", "PurchaseOrderAdd/SalesTaxCodeRef", not_in=NOT_US),
        FieldRule("PurchaseOrderAddRq", "PurchaseOrderAdd/PurchaseOrderLineAdd/TaxAmount", not_in=AU_ONLY),
        FieldRule("ReceivePaymentAddRq", "ReceivePaymentAdd/RefNumber", max_length=_same(20)),
    ]
    return rules


RULES: tuple[FieldRule, ...] = tuple(_rules())
_BY_REQUEST: dict[str, list[FieldRule]] = {}
for _rule in RULES:
    _BY_REQUEST.setdefault(_rule.request, []).append(_rule)


def edition_violation(requests: Iterable[etree._Element], sdk_code: str) -> str | None:
    """The first rule the message breaks for this edition, described; ``None`` when it keeps them all."""
    for request in requests:
        for rule in _BY_REQUEST.get(str(request.tag), ()):
            for found in request.iterfind(rule.path):
                if sdk_code in rule.not_in:
                    return f"{request.tag}/{rule.path} is not in {sdk_code}"
                limit = rule.max_length.get(sdk_code)
                if limit is not None and len(found.text or "") > limit:
                    return f"{request.tag}/{rule.path} is longer than {limit} characters in {sdk_code}"
    return None
