"""Fixtures for the QuickBooks simulator tests: a fixed clock, companies per edition, a qbXML helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from halo_accounts.simulators.quickbooks import QuickBooksComError, QuickBooksCompany

from testsupport import REFERENCE

QBXML_13 = REFERENCE / "qbxml" / "13.0"
OPS_FILE = REFERENCE / "qbxml" / "ops" / "qbxmlops130.xml"


class FakeClock:
    """A clock tests move by hand (1 May 2024, 19:00 UTC = noon in Los Angeles)."""

    def __init__(self) -> None:
        self.moment = datetime(2024, 5, 1, 19, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def message(*requests: str, on_error: str = "stopOnError", version: str = "13.0") -> str:
    """A request document around the given ``*Rq`` elements."""
    body = "".join(requests)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><?qbxml version="{version}"?>'
        f'<QBXML><QBXMLMsgsRq onError="{on_error}">{body}</QBXMLMsgsRq></QBXML>'
    )


class Harness:
    """One company with an open session, and shortcuts to send requests and read answers."""

    def __init__(self, company: QuickBooksCompany, clock: FakeClock) -> None:
        self.company = company
        self.clock = clock
        self.ticket = company.begin_session()

    message = staticmethod(message)

    def refused(self, text: str) -> QuickBooksComError:
        """The COM error ``process`` raises for ``text`` (the test fails if it answers instead)."""
        with pytest.raises(QuickBooksComError) as caught:
            self.company.process(self.ticket, text)
        return caught.value

    def raw(self, *requests: str, on_error: str = "stopOnError", version: str = "13.0") -> str:
        return self.company.process(self.ticket, message(*requests, on_error=on_error, version=version))

    def send(self, *requests: str, on_error: str = "stopOnError") -> list[etree._Element]:
        root = etree.fromstring(self.raw(*requests, on_error=on_error).encode("utf-8"))
        return list(root.find("QBXMLMsgsRs"))

    def one(self, request: str) -> etree._Element:
        (response,) = self.send(request)
        return response

    def ok(self, request: str) -> etree._Element:
        """The single ``*Ret`` of a request that must succeed."""
        response = self.one(request)
        assert response.get("statusCode") == "0", response.get("statusMessage")
        return response[0]

    def add_customer(self, name: str, extra: str = "") -> etree._Element:
        return self.ok(f"<CustomerAddRq><CustomerAdd><Name>{name}</Name>{extra}</CustomerAdd></CustomerAddRq>")

    def add_service(self, name: str, price: str, code: str, account: str = "Project Income") -> etree._Element:
        return self.ok(
            f"<ItemServiceAddRq><ItemServiceAdd><Name>{name}</Name><SalesTaxCodeRef><FullName>{code}</FullName>"
            f"</SalesTaxCodeRef><SalesOrPurchase><Desc>{name}</Desc><Price>{price}</Price><AccountRef><FullName>"
            f"{account}</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>"
        )

    def invoice(self, customer: str, lines: str, extra: str = "") -> etree._Element:
        return self.ok(
            f"<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>{customer}</FullName></CustomerRef>{extra}"
            f"{lines}</InvoiceAdd></InvoiceAddRq>"
        )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_company(clock: FakeClock) -> Iterator[Callable[..., QuickBooksCompany]]:
    made: list[QuickBooksCompany] = []

    def build(edition: str = "US", **options: object) -> QuickBooksCompany:
        company = QuickBooksCompany(edition=edition, clock=clock, **options)  # type: ignore[arg-type]
        made.append(company)
        return company

    yield build
    for company in made:
        company.close()


@pytest.fixture
def harness(make_company: Callable[..., QuickBooksCompany], clock: FakeClock) -> Callable[..., Harness]:
    def build(edition: str = "US", **options: object) -> Harness:
        return Harness(make_company(edition, **options), clock)

    return build


@pytest.fixture
def us(harness: Callable[..., Harness]) -> Harness:
    return harness("US")


@pytest.fixture
def xsd_dir() -> Path:
    if not (QBXML_13 / "qbxmlops130.xsd").is_file():
        pytest.skip(f"Intuit's qbXML 13.0 XSD is not at {QBXML_13} (the shared reference folder is absent)")
    return QBXML_13


@pytest.fixture
def ops_file() -> Path:
    if not OPS_FILE.is_file():
        pytest.skip(f"Intuit's annotated qbxmlops130.xml is not at {OPS_FILE} (the shared reference folder is absent)")
    return OPS_FILE
