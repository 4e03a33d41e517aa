"""QuickBooks' two tax models, read from parsed answers: US tax items, and CA/UK/AU codes pointing to items."""

from __future__ import annotations

from decimal import Decimal

import pytest

from halo_accounts.connectors.quickbooks.qbxml.build import build_message
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version
from halo_accounts.connectors.quickbooks.qbxml.parse import QBObject, parse_message
from halo_accounts.connectors.quickbooks.qbxml.tax import (
    BooksTaxRate,
    TaxCode,
    TaxItem,
    company_tax_rates,
    read_tax_codes,
    read_tax_items,
    tax_requests,
)

STAMP = (
    "<TimeCreated>2015-11-04T13:50:38-08:00</TimeCreated><TimeModified>2015-11-04T13:50:38-08:00</TimeModified>"
    "<EditSequence>1446673838</EditSequence>"
)


def answer(rs: str, *rets: str) -> list[QBObject]:
    document = (
        '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>'
        f'<{rs} requestID="t" statusCode="0" statusSeverity="Info" statusMessage="Status OK">'
        + "".join(rets)
        + f"</{rs}></QBXMLMsgsRs></QBXML>"
    )
    (response,) = parse_message(document)
    return response.objects


def code(list_id: str, name: str, *, taxable: bool, desc: str = "", item: str = "", active: bool = True) -> str:
    ref = f"<ItemSalesTaxRef><ListID>{item}</ListID><FullName>x</FullName></ItemSalesTaxRef>" if item else ""
    purchase = ref.replace("ItemSalesTaxRef", "ItemPurchaseTaxRef")
    return (
        f"<SalesTaxCodeRet><ListID>{list_id}</ListID>{STAMP}<Name>{name}</Name>"
        f"<IsActive>{str(active).lower()}</IsActive><IsTaxable>{str(taxable).lower()}</IsTaxable>"
        f"{f'<Desc>{desc}</Desc>' if desc else ''}{purchase}{ref}</SalesTaxCodeRet>"
    )


def tax_item(list_id: str, name: str, rate: str, *, desc: str = "", active: bool = True) -> str:
    return (
        f"<ItemSalesTaxRet><ListID>{list_id}</ListID>{STAMP}<Name>{name}</Name>"
        f"<IsActive>{str(active).lower()}</IsActive>{f'<ItemDesc>{desc}</ItemDesc>' if desc else ''}"
        f"<TaxRate>{rate}</TaxRate><TaxVendorRef><ListID>80000050-1446673838</ListID>"
        "<FullName>Receiver General</FullName></TaxVendorRef></ItemSalesTaxRet>"
    )


def tax_group(list_id: str, name: str, *members: str, desc: str = "") -> str:
    refs = "".join(f"<ItemSalesTaxRef><ListID>{m}</ListID><FullName>m</FullName></ItemSalesTaxRef>" for m in members)
    return (
        f"<ItemSalesTaxGroupRet><ListID>{list_id}</ListID>{STAMP}<Name>{name}</Name><IsActive>true</IsActive>"
        f"{f'<ItemDesc>{desc}</ItemDesc>' if desc else ''}{refs}</ItemSalesTaxGroupRet>"
    )


def items_of(*rets_by_query: tuple[str, list[str]]) -> list[TaxItem]:
    objects = [o for rs, rets in rets_by_query for o in answer(rs, *rets)]
    return read_tax_items(objects)


# --- reading ----------------------------------------------------------------------------------------------


def test_tax_codes_are_read_with_their_item():
    codes = read_tax_codes(
        answer(
            "SalesTaxCodeQueryRs",
            code("80000003-1", "G", taxable=True, desc="GST", item="80000010-1"),
            code("80000004-1", "E", taxable=False, desc="Exempt"),
            code("80000005-1", "X", taxable=True, active=False),
        )
    )
    assert codes == [
        TaxCode("80000003-1", "G", True, "GST", True, "80000010-1"),
        TaxCode("80000004-1", "E", False, "Exempt", True, ""),
        TaxCode("80000005-1", "X", True, "", False, ""),
    ]


def test_only_sales_tax_code_rows_are_codes():
    objects = answer("ItemSalesTaxQueryRs", tax_item("80000010-1", "GST", "5.0"))
    assert read_tax_codes(objects) == []


def test_a_group_rate_is_the_sum_of_its_members():
    items = items_of(
        (
            "ItemSalesTaxQueryRs",
            [tax_item("80000010-1", "GST", "5.0", desc="GST 5%"), tax_item("80000011-1", "QST", "9.975")],
        ),
        ("ItemSalesTaxGroupQueryRs", [tax_group("80000020-1", "GST/QST", "80000010-1", "80000011-1", desc="QC")]),
    )
    by_name = {item.name: item for item in items}
    assert by_name["GST"] == TaxItem("80000010-1", "GST", Decimal("5.0"), "GST 5%", True, ())
    assert by_name["QST"].rate == Decimal("9.975")
    group = by_name["GST/QST"]
    assert group.rate == Decimal("14.975")
    assert str(group.rate) == "14.975"  # exact, no float noise
    assert group.members == ("80000010-1", "80000011-1")
    assert group.description == "QC"
    assert [item.name for item in items] == ["GST", "QST", "GST/QST"]  # singles first, then groups


def test_a_tax_item_without_a_rate_reads_as_zero():
    objects = answer(
        "ItemSalesTaxQueryRs",
        f"<ItemSalesTaxRet><ListID>80000012-1</ListID>{STAMP}<Name>Pending</Name></ItemSalesTaxRet>",
    )
    (item,) = read_tax_items(objects)
    assert item.rate == Decimal(0)
    assert item.is_active is True  # absent IsActive means active


# --- US: rates are the tax items and groups ---------------------------------------------------------------


@pytest.fixture
def us_books() -> tuple[list[TaxCode], list[TaxItem]]:
    codes = read_tax_codes(
        answer(
            "SalesTaxCodeQueryRs",
            code("80000001-1", "Tax", taxable=True, desc="Taxable Sales"),
            code("80000002-1", "Non", taxable=False, desc="Non-Taxable Sales"),
        )
    )
    items = items_of(
        (
            "ItemSalesTaxQueryRs",
            [
                tax_item("80000010-1", "State Tax", "6.25", desc="Massachusetts state tax"),
                tax_item("80000011-1", "County Tax", "1.0"),
                tax_item("80000012-1", "Old Tax", "5.0", active=False),
            ],
        ),
        ("ItemSalesTaxGroupQueryRs", [tax_group("80000020-1", "Combined", "80000010-1", "80000011-1")]),
    )
    return codes, items


def test_us_rates_are_the_tax_items_and_groups(us_books):
    codes, items = us_books
    rates = company_tax_rates(Edition.US, codes, items)
    assert rates == [
        BooksTaxRate("State Tax", "Massachusetts state tax", Decimal("6.25"), "80000010-1", is_code=False),
        BooksTaxRate("County Tax", "County Tax", Decimal("1.0"), "80000011-1", is_code=False),
        BooksTaxRate("Combined", "Combined", Decimal("7.25"), "80000020-1", is_code=False),
    ]


def test_us_codes_tax_and_non_are_not_rates(us_books):
    codes, items = us_books
    keys = {rate.key for rate in company_tax_rates(Edition.US, codes, items)}
    assert "Tax" not in keys
    assert "Non" not in keys
    assert "Old Tax" not in keys  # inactive
    assert company_tax_rates(Edition.US, codes, []) == []


# --- CA, UK, AU: each code with its item's rate ---------------------------------------------------------


def test_canada_codes_carry_their_items_rate():
    codes = read_tax_codes(
        answer(
            "SalesTaxCodeQueryRs",
            code("80000003-1", "G", taxable=True, desc="GST", item="80000010-1"),
            code("80000004-1", "H", taxable=True, desc="HST ON", item="80000012-1"),
            code("80000005-1", "GQ", taxable=True, desc="GST/QST", item="80000020-1"),
            code("80000006-1", "E", taxable=False, desc="Exempt", item="80000010-1"),
            code("80000007-1", "Z", taxable=True, desc="Zero-rated", item="80000013-1"),
            code("80000008-1", "P", taxable=True, desc="Old PST", item="80000014-1", active=False),
        )
    )
    items = items_of(
        (
            "ItemSalesTaxQueryRs",
            [
                tax_item("80000010-1", "GST", "5.0"),
                tax_item("80000011-1", "QST", "9.975"),
                tax_item("80000012-1", "HST ON", "13.0"),
                tax_item("80000013-1", "Zero", "0.0"),
                tax_item("80000014-1", "PST", "7.0"),
            ],
        ),
        ("ItemSalesTaxGroupQueryRs", [tax_group("80000020-1", "GST/QST", "80000010-1", "80000011-1")]),
    )
    rates = company_tax_rates(Edition.CA, codes, items)
    assert [(r.key, r.name, r.rate, r.is_code) for r in rates] == [
        ("G", "GST", Decimal("5.0"), True),
        ("H", "HST ON", Decimal("13.0"), True),
        ("GQ", "GST/QST", Decimal("14.975"), True),
        ("E", "Exempt", Decimal(0), True),  # non-taxable: 0 whatever item it points to
        ("Z", "Zero-rated", Decimal("0.0"), True),
    ]
    assert rates[0].list_id == "80000003-1"


def test_uk_codes_carry_their_items_rate():
    codes = read_tax_codes(
        answer(
            "SalesTaxCodeQueryRs",
            code("80000003-1", "S", taxable=True, desc="Standard", item="80000010-1"),
            code("80000004-1", "R", taxable=True, desc="Reduced", item="80000011-1"),
            code("80000005-1", "Z", taxable=True, desc="Zero", item="80000012-1"),
            code("80000006-1", "E", taxable=False, desc="Exempt"),
            code("80000007-1", "O", taxable=False, desc="Outside the scope"),
        )
    )
    items = items_of(
        (
            "ItemSalesTaxQueryRs",
            [
                tax_item("80000010-1", "20.0% S", "20.0"),
                tax_item("80000011-1", "5.0% R", "5.0"),
                tax_item("80000012-1", "0.0% Z", "0.0"),
            ],
        ),
    )
    rates = company_tax_rates(Edition.UK, codes, items)
    assert {r.key: r.rate for r in rates} == {
        "S": Decimal("20.0"),
        "R": Decimal("5.0"),
        "Z": Decimal("0.0"),
        "E": Decimal(0),
        "O": Decimal(0),
    }
    assert all(r.is_code for r in rates)
    assert "20.0% S" not in {r.key for r in rates}  # the items themselves are not offered


def test_australian_six_character_codes_are_kept_whole():
    codes = read_tax_codes(
        answer(
            "SalesTaxCodeQueryRs",
            code("80000003-1", "GST", taxable=True, desc="Goods &amp; Services Tax", item="i1"),
            code("80000004-1", "CAPGST", taxable=True, desc="GST on capital acquisitions", item="i1"),
            code("80000005-1", "FRE", taxable=True, desc="GST free", item="i2"),
            code("80000006-1", "N-T", taxable=False, desc="Not reportable"),
        )
    )
    items = items_of(("ItemSalesTaxQueryRs", [tax_item("i1", "GST", "10.0"), tax_item("i2", "GST Free", "0")]))
    rates = company_tax_rates(Edition.AU, codes, items)
    assert [(r.key, r.rate) for r in rates] == [
        ("GST", Decimal("10.0")),
        ("CAPGST", Decimal("10.0")),
        ("FRE", Decimal(0)),
        ("N-T", Decimal(0)),
    ]
    assert rates[0].name == "Goods & Services Tax"


def test_a_code_pointing_to_an_unknown_item_offers_a_zero_rate():
    codes = [TaxCode("80000003-1", "S", True, "Standard", True, "80000099-1")]
    (rate,) = company_tax_rates(Edition.UK, codes, [])
    assert rate.rate == Decimal(0)


def test_the_tax_queries_read_everything_active_or_not():
    requests = tax_requests()
    assert [r.name for r in requests] == ["SalesTaxCodeQueryRq", "ItemSalesTaxQueryRq", "ItemSalesTaxGroupQueryRq"]
    assert all(r.body == {"ActiveStatus": "All"} for r in requests)
    xml = build_message(requests, edition=Edition.AU, version=Version(13, 0))
    assert xml.count("<ActiveStatus>All</ActiveStatus>") == 3
