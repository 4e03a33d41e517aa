"""``seed_tenant``: a realistic, reproducible MSP tenant.

The same seed and clock date give the same tables. Everything is written through the same
code path as ``POST /api/...`` (so totals, payment state and computed names are Halo's), with
the simulator clock pinned to each record's invented moment, so timestamps depend on the seed
and the clock's date only.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from halo_accounts.domain.money import quantize_cents
from halo_accounts.simulators.halo import seed_data as data
from halo_accounts.simulators.halo.resources import RESOURCES
from halo_accounts.simulators.halo.state import Record
from halo_accounts.simulators.halo.writes import save_array

if TYPE_CHECKING:
    from halo_accounts.simulators.halo.simulator import HaloSimulator

__all__ = ["seed_tenant"]

_COUNTRY_WEIGHTS = (("UK", 6), ("US", 2), ("CA", 1), ("AU", 1))
_SERVICE_QUANTITIES = ("0.5", "1", "1", "1.5", "2", "3", "4", "8")


class _Seeder:
    def __init__(self, sim: HaloSimulator, rng: random.Random, country: str | None = None) -> None:
        self.sim = sim
        self.rng = rng
        self.country = country
        self.today = sim.state.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.taxes: dict[str, list[Record]] = {}
        self.items: list[Record] = []
        self.clients: list[tuple[Record, str]] = []

    @contextmanager
    def _at(self, moment: datetime) -> Iterator[None]:
        state = self.sim.state
        original = state.clock
        state.clock = lambda: moment
        try:
            yield
        finally:
            state.clock = original

    def post(self, entity: str, objects: list[dict[str, Any]], moment: datetime) -> list[Record]:
        with self._at(moment):
            return save_array(self.sim.state, RESOURCES[entity], objects)

    def days_ago(self, low: int, high: int) -> datetime:
        minutes = self.rng.randint(8 * 60, 18 * 60)
        return self.today - timedelta(days=self.rng.randint(low, high)) + timedelta(minutes=minutes)

    def pick_country(self) -> str:
        if self.country:
            return self.country
        names = [name for name, _ in _COUNTRY_WEIGHTS]
        weights = [weight for _, weight in _COUNTRY_WEIGHTS]
        return self.rng.choices(names, weights)[0]

    def tax_for(self, country: str) -> Record:
        rates = self.taxes[country]
        return rates[0] if self.rng.random() < 0.75 else self.rng.choice(rates)

    def seed_taxes(self) -> None:
        objects = [
            {"name": name, "code": code, "value": Decimal(rate), "third_party_id": None}
            for name, code, rate, _ in data.TAXES
        ]
        saved = self.post("Tax", objects, self.today - timedelta(days=400))
        for record, (_, _, _, country) in zip(saved, data.TAXES, strict=True):
            self.taxes.setdefault(country, []).append(record)

    def seed_items(self, count: int) -> None:
        standard = self.taxes["UK"][0]["id"]
        for index in range(count):
            name, kind, sell, cost, sku = data.CATALOGUE[index % len(data.CATALOGUE)]
            if index >= len(data.CATALOGUE):
                name, sku = f"{name} ({index // len(data.CATALOGUE) + 1})", f"{sku}-{index}"
            item = {
                "name": name,
                "description": f"{name} — supplied and supported by your MSP",
                "type": kind,
                "baseprice": Decimal(sell),
                "costprice": Decimal(cost),
                "taxcode": standard,
                "internalreference": sku,
                "nominalcode": ("4000", "4010", "4020")[kind],
                "dont_track_stock": kind != 2,
                "status": 1 if index >= 3 and self.rng.random() < 0.08 else 0,
            }
            if kind == 2:
                item["quantity_in_stock"] = Decimal(self.rng.randint(0, 40))
            self.items.extend(self.post("Item", [item], self.days_ago(200, 700)))

    def _customer_names(self, count: int) -> list[tuple[str, str]]:
        names: list[tuple[str, str]] = []
        seen: set[str] = set()
        specials = list(data.SPECIAL_CUSTOMERS)
        while len(names) < count:
            if specials and len(names) % 8 == 3:  # every 8th, so small tenants have some
                name, country = specials.pop(0)
                country = self.country or country
            else:
                country = self.pick_country()
                suffix = self.rng.choice(data.SUFFIXES[country])
                parts = [self.rng.choice(data.PLACES), self.rng.choice(data.TRADES), suffix]
                name = " ".join(part for part in parts if part)
            if name in seen:
                name = f"{name} ({len(names) + 1})"
            seen.add(name)
            names.append((name, country))
        return names

    def _address(self, country: str) -> dict[str, str]:
        places = data.COUNTRIES[country]
        town, region, postcode = self.rng.choice(places["towns"]).split("|")
        street = f"{self.rng.randint(1, 250)} {self.rng.choice(places['streets'])}"
        return {
            "line1": street,
            "line2": town,
            "line3": region,
            "line4": places["country"][0],
            "postcode": postcode,
        }

    def seed_clients(self, count: int) -> None:
        for index, (name, country) in enumerate(self._customer_names(count)):
            first = self.rng.choice(data.FIRST_NAMES)
            last = self.rng.choice(data.LAST_NAMES)
            slug = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
            domain = "".join(c for c in name.lower() if c.isascii() and c.isalnum())[:20]
            phone = data.COUNTRIES[country]["phone"][0].format(n=self.rng.randint(0, 999))
            client: dict[str, Any] = {
                "name": name,
                "inactive": index > 2 and self.rng.random() < 0.05,
                "accountsfirstname": first,
                "accountslastname": last,
                "accountsemailaddress": f"{slug.decode().lower().replace(chr(39), '')}@{domain}.example",
                "main_phonenumber": phone,
                "main_invoice_address": self._address(country),
                "paymentterms": self.rng.choice((14, 30, 30, 30, 60)),
                "website": f"https://www.{domain}.example",
                "currencyisocode": {"UK": "GBP", "US": "USD", "CA": "CAD", "AU": "AUD"}[country],
            }
            if country != "US":
                client["tax_number"] = f"{'GB' if country == 'UK' else ''}{self.rng.randint(10**8, 10**9 - 1)}"
            moment = self.days_ago(150, 900)
            saved = self.post("Client", [client], moment)[0]
            if self.rng.random() < 0.2:
                branch = {
                    "name": "Branch Office",
                    "client_id": saved["id"],
                    "invoice_address": self._address(country),
                    "phonenumber": phone,
                }
                self.post("Site", [branch], moment + timedelta(hours=1))
            if not saved["inactive"]:
                self.clients.append((saved, country))

    def _line(self, item: Record, tax: Record, sign: int) -> dict[str, Any]:
        if item["type"] == 0:
            quantity = Decimal(self.rng.choice(_SERVICE_QUANTITIES))
        else:
            quantity = Decimal(self.rng.randint(1, 10))
        return {
            "_itemid": item["id"],
            "item_code": item.get("internalreference"),
            "item_shortdescription": item["name"],
            "nominal_code": item.get("nominalcode"),
            "qty_order": quantity * sign,
            "unit_price": item["baseprice"],
            "item_tax_code": tax["id"],
            "tax_code": tax.get("code"),
        }

    def seed_invoices(self, count: int) -> None:
        active_items = [item for item in self.items if item.get("status") == 0]
        if not self.clients or not active_items or count <= 0:
            return
        ages = sorted((self.rng.randint(0, 119) for _ in range(count)), reverse=True)
        issued: dict[int, list[Record]] = {}
        for age in ages:
            client, country = self.rng.choice(self.clients)
            when = self.today - timedelta(days=age)
            earlier = issued.get(client["id"], [])
            credit_of = self.rng.choice(earlier) if earlier and self.rng.random() < 0.08 else None
            if credit_of is not None:
                lines = [{**line, "qty_order": -line["qty_order"]} for line in self._credit_lines(credit_of)]
            else:
                picks = self.rng.sample(active_items, k=min(len(active_items), self.rng.randint(1, 5)))
                tax = self.tax_for(country)  # one tax jurisdiction per invoice, as MSPs bill
                lines = [self._line(item, tax, 1) for item in picks]
            header: dict[str, Any] = {
                "client_id": client["id"],
                "invoice_date": when.isoformat(),
                "lines": lines,
                "creditlinkedtoinvoiceid": credit_of["id"] if credit_of else None,
            }
            if age > 90 and self.rng.random() < 0.3:
                header["posted"] = True
                header["dateposted"] = (when + timedelta(days=1, hours=9)).isoformat()
            saved = self.post("Invoice", [header], when + timedelta(hours=self.rng.randint(8, 17)))
            invoice = saved[0]
            if credit_of is None:
                issued.setdefault(client["id"], []).append(invoice)
                self._maybe_pay(invoice, age)

    def _credit_lines(self, invoice: Record) -> list[dict[str, Any]]:
        chosen = self.rng.sample(invoice["lines"], k=min(2, len(invoice["lines"])))
        keep = ("_itemid", "item_code", "item_shortdescription", "nominal_code", "qty_order",
                "unit_price", "item_tax_code", "tax_code")  # fmt: skip
        return [{name: line.get(name) for name in keep} for line in chosen]

    def _maybe_pay(self, invoice: Record, age: int) -> None:
        if age < 14 or invoice["total"] <= 0:
            return
        roll = self.rng.random()
        if roll < 0.35:
            amount = invoice["total"]
        elif roll < 0.5:
            amount = quantize_cents(invoice["total"] * Decimal(self.rng.randint(30, 70)) / 100)
        else:
            return
        paid_on = invoice["invoice_date"] + timedelta(days=self.rng.randint(3, min(60, age)))
        payment = {
            "invoice_id": invoice["id"],
            "amount": amount,
            "date": paid_on.isoformat(),
            "method": self.rng.choice((1, 2, 3)),
        }
        self.post("InvoicePayment", [payment], paid_on)

    def seed_suppliers_and_orders(self, count: int) -> None:
        products = [item for item in self.items if item["type"] in (1, 2)]
        for name, contact, country in data.SUPPLIERS[:count]:
            domain = "".join(c for c in name.lower() if c.isascii() and c.isalnum())
            address = self._address(country)
            supplier = {
                "name": name,
                "contact_name": contact,
                "email_address": f"orders@{domain}.example",
                "phone_number": data.COUNTRIES[country]["phone"][0].format(n=self.rng.randint(0, 999)),
                "address": ", ".join(address.values()),
            }
            saved = self.post("Supplier", [supplier], self.days_ago(300, 800))[0]
            for _ in range(self.rng.randint(1, 3) if products else 0):
                self._order(saved, products)

    def _order(self, supplier: Record, products: list[Record]) -> None:
        lines = []
        for item in self.rng.sample(products, k=min(len(products), self.rng.randint(1, 4))):
            quantity = Decimal(self.rng.randint(1, 12))
            net = quantize_cents(item["costprice"] * quantity)
            lines.append(
                {
                    "item_id": item["id"],
                    "item_code": item.get("internalreference"),
                    "name": item["name"],
                    "baseprice": item["costprice"],
                    "net_total": net,
                    "total_tax": quantize_cents(net * Decimal("0.2")),
                    "tax_name": self.taxes["UK"][0]["name"],
                }
            )
        moment = self.days_ago(0, 60)
        order = {
            "supplier_id": supplier["id"],
            "date": moment.isoformat(),
            "duedate": (moment + timedelta(days=14)).isoformat(),
            "lines": lines,
        }
        self.post("PurchaseOrder", [order], moment)


def seed_tenant(
    sim: HaloSimulator,
    seed: int = 1,
    customers: int = 50,
    items: int = 30,
    invoices: int = 200,
    country: str | None = None,
) -> None:
    """Fill ``sim`` with a realistic MSP tenant; the same seed gives the same tables.

    ``country`` (UK, US, CA, AU) makes every customer, and so every invoice's tax, that
    country's; by default they are spread over all four.

    Tax rates of four countries, ``items`` items of every type, ``customers`` customers
    (each with an invoice site and address, some inactive, some with a second site),
    ``invoices`` invoices and credit notes dated in the last 120 days with payments, and a
    few suppliers with purchase orders. Dates hang off the simulator clock's current date.
    """
    rng = random.Random(seed)
    with sim.lock:
        seeder = _Seeder(sim, rng, country)
        seeder.seed_taxes()
        seeder.seed_items(items)
        seeder.seed_clients(customers)
        seeder.seed_invoices(invoices)
        seeder.seed_suppliers_and_orders(max(3, min(len(data.SUPPLIERS), customers // 10)))
