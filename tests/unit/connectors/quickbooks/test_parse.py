"""Parsing QuickBooks' answers: realistic responses read leniently, hostile documents refused or left inert."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from halo_accounts.connectors.quickbooks.qbxml import parse
from halo_accounts.connectors.quickbooks.qbxml.parse import parse_message
from halo_accounts.connectors.quickbooks.qbxml.status import error_for_status
from halo_accounts.errors import FatalError, RecordError

PACIFIC = timezone(timedelta(hours=-8))

# The shape of a real CustomerQueryRs: iterator attributes on the Rs, an enum value Intuit's XSD lacks
# (PreferredDeliveryMethod "Mail") and an element newer than any schema we know.
CUSTOMER_QUERY_RS = """<?xml version="1.0" ?>
<QBXML>
<QBXMLMsgsRs>
<CustomerQueryRs requestID="customers-1" statusCode="0" statusSeverity="Info" statusMessage="Status OK" \
iteratorRemainingCount="3" iteratorID="{84ff5521-205d-46b6-9d44-7b6b9acb7165}">
<CustomerRet>
<ListID>80000001-1446673838</ListID>
<TimeCreated>2015-11-04T13:50:38-08:00</TimeCreated>
<TimeModified>2015-11-04T14:39:10-08:00</TimeModified>
<EditSequence>1446676750</EditSequence>
<Name>Acme &amp; Sons</Name>
<FullName>Acme &amp; Sons</FullName>
<IsActive>true</IsActive>
<Sublevel>0</Sublevel>
<CompanyName>Acme &amp; Sons Ltd</CompanyName>
<BillAddress>
<Addr1>Acme &amp; Sons Ltd</Addr1>
<Addr2>134 Stonemill Road</Addr2>
<City>Storrs-Mansfield</City>
<State>CT</State>
<PostalCode>06268</PostalCode>
<Country>United States</Country>
</BillAddress>
<Phone>860-634-1602</Phone>
<Email>accounts@acme.example</Email>
<Balance>1250.10</Balance>
<TotalBalance>1250.10</TotalBalance>
<SalesTaxCodeRef>
<ListID>80000002-1446673700</ListID>
<FullName>Tax</FullName>
</SalesTaxCodeRef>
<JobStatus>None</JobStatus>
<PreferredDeliveryMethod>Mail</PreferredDeliveryMethod>
<LoyaltyTierFromTheFuture>Gold</LoyaltyTierFromTheFuture>
</CustomerRet>
<!-- QuickBooks never sends comments, but a proxy might -->
<CustomerRet>
<ListID>80000002-1446673901</ListID>
<TimeCreated>2015-11-04T13:51:41-08:00</TimeCreated>
<TimeModified>2015-11-05T09:02:17-08:00</TimeModified>
<EditSequence>1446742937</EditSequence>
<Name>Caf\u00e9 M\u00fcller</Name>
<FullName>Caf\u00e9 M\u00fcller</FullName>
<IsActive>false</IsActive>
<Sublevel>0</Sublevel>
<Balance>0.20</Balance>
<TotalBalance>0.20</TotalBalance>
<JobStatus>None</JobStatus>
<PreferredDeliveryMethod>Email</PreferredDeliveryMethod>
</CustomerRet>
</CustomerQueryRs>
</QBXMLMsgsRs>
</QBXML>
"""

NAME_IN_USE_RS = """<?xml version="1.0" ?>
<QBXML>
<QBXMLMsgsRs>
<CustomerAddRs requestID="customer-17" statusCode="3100" statusSeverity="Error" \
statusMessage="The name &quot;Acme &amp; Sons&quot; of the list element is already in use." />
</QBXMLMsgsRs>
</QBXML>
"""

NO_MATCH_RS = """<?xml version="1.0" ?>
<QBXML>
<QBXMLMsgsRs>
<InvoiceQueryRs requestID="by-ref" statusCode="1" statusSeverity="Info" \
statusMessage="A query request did not find a matching object in QuickBooks" />
</QBXMLMsgsRs>
</QBXML>
"""

INVOICE_RET = """
<InvoiceRet>
<TxnID>1A2C-1446674000</TxnID>
<TimeCreated>2015-11-04T14:40:00-08:00</TimeCreated>
<TimeModified>2015-11-04T14:40:00-08:00</TimeModified>
<EditSequence>1446676800</EditSequence>
<TxnNumber>17</TxnNumber>
<CustomerRef>
<ListID>80000001-1446673838</ListID>
<FullName>Acme &amp; Sons</FullName>
</CustomerRef>
<ARAccountRef>
<ListID>80000009-1446673600</ListID>
<FullName>Accounts Receivable</FullName>
</ARAccountRef>
<TxnDate>2015-11-04</TxnDate>
<RefNumber>INV-1042</RefNumber>
<IsPending>false</IsPending>
<IsFinanceCharge>false</IsFinanceCharge>
<DueDate>2015-12-04</DueDate>
<ShipDate>2015-11-04</ShipDate>
<Subtotal>301.10</Subtotal>
<ItemSalesTaxRef>
<ListID>80000005-1446673700</ListID>
<FullName>State Tax</FullName>
</ItemSalesTaxRef>
<SalesTaxPercentage>6.35</SalesTaxPercentage>
<SalesTaxTotal>19.12</SalesTaxTotal>
<AppliedAmount>0.00</AppliedAmount>
<BalanceRemaining>320.22</BalanceRemaining>
<Memo>Halo invoice 1042</Memo>
<IsPaid>false</IsPaid>
<IsToBePrinted>false</IsToBePrinted>
<IsToBeEmailed>false</IsToBeEmailed>
<CustomerSalesTaxCodeRef>
<ListID>80000002-1446673700</ListID>
<FullName>Tax</FullName>
</CustomerSalesTaxCodeRef>
<InvoiceLineRet>
<TxnLineID>1A2E-1446674000</TxnLineID>
<ItemRef>
<ListID>80000010-1446673900</ListID>
<FullName>Managed Services</FullName>
</ItemRef>
<Desc>Managed services, November</Desc>
<Quantity>2</Quantity>
<Rate>150.55</Rate>
<Amount>301.10</Amount>
<SalesTaxCodeRef>
<ListID>80000002-1446673700</ListID>
<FullName>Tax</FullName>
</SalesTaxCodeRef>
</InvoiceLineRet>
<InvoiceLineRet>
<TxnLineID>1A2F-1446674000</TxnLineID>
<Desc>Thank you for your business.</Desc>
</InvoiceLineRet>
</InvoiceRet>
"""


def message(*responses: str) -> str:
    body = "\n".join(responses)
    return f'<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n{body}\n</QBXMLMsgsRs>\n</QBXML>\n'


def test_a_customer_query_page_with_its_iterator():
    (rs,) = parse_message(CUSTOMER_QUERY_RS)
    assert rs.name == "CustomerQueryRs"
    assert rs.request_name == "CustomerQueryRq"
    assert rs.request_id == "customers-1"
    assert (rs.status_code, rs.severity, rs.message) == (0, "Info", "Status OK")
    assert rs.ok
    assert rs.iterator_id == "{84ff5521-205d-46b6-9d44-7b6b9acb7165}"
    assert rs.iterator_remaining == 3
    assert [o.tag for o in rs.objects] == ["CustomerRet", "CustomerRet"]  # the comment is not an object


def test_customer_fields_are_read_with_their_types():
    acme, cafe = parse_message(CUSTOMER_QUERY_RS)[0].objects
    assert acme.text("ListID") == "80000001-1446673838"
    assert acme.text("EditSequence") == "1446676750"
    assert acme.text("Name") == "Acme & Sons"
    assert acme.datetime("TimeModified") == datetime(2015, 11, 4, 14, 39, 10, tzinfo=PACIFIC)
    assert acme.datetime("TimeModified") == datetime(2015, 11, 4, 22, 39, 10, tzinfo=UTC)
    assert acme.boolean("IsActive") is True
    assert cafe.boolean("IsActive") is False
    assert acme.integer("Sublevel") == 0
    assert acme.ref("SalesTaxCodeRef") == ("80000002-1446673700", "Tax")
    address = acme.child("BillAddress")
    assert address is not None
    assert (address.text("City"), address.text("PostalCode")) == ("Storrs-Mansfield", "06268")
    assert acme.text("BillAddress/Addr2") == "134 Stonemill Road"
    assert cafe.text("Name") == "Caf\u00e9 M\u00fcller"


def test_an_enum_value_the_xsd_lacks_and_an_unknown_element_are_kept_as_text():
    acme, cafe = parse_message(CUSTOMER_QUERY_RS)[0].objects
    assert acme.text("PreferredDeliveryMethod") == "Mail"
    assert cafe.text("PreferredDeliveryMethod") == "Email"
    assert acme.text("LoyaltyTierFromTheFuture") == "Gold"


def test_absent_fields_give_defaults_not_errors():
    cafe = parse_message(CUSTOMER_QUERY_RS)[0].objects[1]
    assert cafe.text("Email") == ""
    assert cafe.text("Email", "none") == "none"
    assert cafe.get("Email") is None
    assert cafe.decimal("CreditLimit") is None
    assert cafe.boolean("IsStatementWithParent") is None
    assert cafe.datetime("JobStartDate") is None
    assert cafe.ref("SalesTaxCodeRef") == ("", "")
    assert cafe.child("BillAddress") is None
    assert cafe.children("Contacts") == []


def test_amounts_are_exact_decimals():
    acme, cafe = parse_message(CUSTOMER_QUERY_RS)[0].objects
    assert acme.decimal("Balance") == Decimal("1250.10")
    assert str(acme.decimal("Balance")) == "1250.10"
    assert cafe.decimal("Balance") == Decimal("0.20")
    assert acme.decimal("Balance") + cafe.decimal("Balance") == Decimal("1250.30")  # no float noise


def test_the_same_page_as_bytes_reads_the_same():
    from_text = parse_message(CUSTOMER_QUERY_RS)[0].objects[1]
    from_bytes = parse_message(CUSTOMER_QUERY_RS.encode("utf-8"))[0].objects[1]
    assert from_bytes.text("Name") == from_text.text("Name") == "Caf\u00e9 M\u00fcller"


def test_a_name_in_use_error_has_no_rows_and_maps_to_a_record_error():
    (rs,) = parse_message(NAME_IN_USE_RS)
    assert rs.name == "CustomerAddRs"
    assert rs.request_id == "customer-17"
    assert rs.status_code == 3100
    assert rs.severity == "Error"
    assert rs.message == 'The name "Acme & Sons" of the list element is already in use.'
    assert not rs.ok
    assert rs.objects == []
    assert rs.first() is None
    error = error_for_status(rs.status_code, rs.message, "customer 'Acme & Sons'")
    assert type(error) is RecordError
    assert "already in use" in error.user_message


def test_no_match_is_an_empty_answer_not_a_failure():
    (rs,) = parse_message(NO_MATCH_RS)
    assert rs.status_code == 1
    assert rs.ok
    assert rs.objects == []
    assert rs.first() is None
    assert rs.iterator_id is None
    assert rs.iterator_remaining is None


def test_a_warning_is_not_ok():
    (rs,) = parse_message(
        message(
            '<CustomerQueryRs requestID="x" statusCode="500" statusSeverity="Warn" '
            'statusMessage="The query request has not been fully completed. There was a required element '
            '(&quot;80000099-1446673838&quot;) that could not be found in QuickBooks." />'
        )
    )
    assert rs.status_code == 500
    assert rs.severity == "Warn"
    assert not rs.ok


def test_an_unreadable_status_code_is_not_ok():
    (rs,) = parse_message(message('<CustomerAddRs statusCode="abc" statusSeverity="Error" statusMessage="?" />'))
    assert rs.status_code == -1
    assert not rs.ok
    assert isinstance(error_for_status(rs.status_code, rs.message, "customer 'X'"), RecordError)


def test_several_answers_come_back_in_request_order():
    responses = parse_message(
        message(
            f'<InvoiceAddRs requestID="inv-1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">'
            f"{INVOICE_RET}</InvoiceAddRs>",
            '<CustomerAddRs requestID="cust-2" statusCode="3100" statusSeverity="Error" '
            'statusMessage="The name &quot;Acme&quot; of the list element is already in use." />',
            '<InvoiceQueryRs requestID="q-3" statusCode="1" statusSeverity="Info" '
            'statusMessage="A query request did not find a matching object in QuickBooks" />',
            '<CustomerQueryRs requestID="q-4" statusCode="0" statusSeverity="Info" statusMessage="Status OK" '
            'retCount="1" iteratorRemainingCount="0" iteratorID="{11111111-2222-3333-4444-555555555555}">'
            "<CustomerRet><ListID>80000003-1446673999</ListID><Name>Zed</Name></CustomerRet></CustomerQueryRs>",
        )
    )
    assert [(r.name, r.request_id, r.status_code) for r in responses] == [
        ("InvoiceAddRs", "inv-1", 0),
        ("CustomerAddRs", "cust-2", 3100),
        ("InvoiceQueryRs", "q-3", 1),
        ("CustomerQueryRs", "q-4", 0),
    ]
    assert [r.ok for r in responses] == [True, False, True, True]
    assert responses[3].iterator_remaining == 0
    assert responses[3].first().text("Name") == "Zed"


def test_invoice_lines_are_read_through_children():
    (rs,) = parse_message(
        message(
            f'<InvoiceQueryRs requestID="i" statusCode="0" statusSeverity="Info" statusMessage="Status OK">'
            f"{INVOICE_RET}</InvoiceQueryRs>"
        )
    )
    invoice = rs.first()
    assert invoice is not None
    assert invoice.tag == "InvoiceRet"
    assert invoice.text("TxnID") == "1A2C-1446674000"
    assert invoice.text("RefNumber") == "INV-1042"
    assert invoice.date("TxnDate") == date(2015, 11, 4)
    assert invoice.boolean("IsPaid") is False
    assert invoice.ref("ItemSalesTaxRef") == ("80000005-1446673700", "State Tax")
    lines = invoice.children("InvoiceLineRet")
    assert [line.text("TxnLineID") for line in lines] == ["1A2E-1446674000", "1A2F-1446674000"]
    first, note = lines
    assert first.ref("ItemRef") == ("80000010-1446673900", "Managed Services")
    assert first.decimal("Quantity") == Decimal("2")
    assert first.decimal("Rate") == Decimal("150.55")
    assert first.decimal("Amount") == Decimal("301.10")
    assert first.text("SalesTaxCodeRef/FullName") == "Tax"
    assert note.get("ItemRef") is None  # a description-only line
    assert note.decimal("Amount") is None
    assert sum(line.decimal("Amount") or Decimal(0) for line in lines) == invoice.decimal("Subtotal")
    assert invoice.decimal("Subtotal") + invoice.decimal("SalesTaxTotal") == invoice.decimal("BalanceRemaining")
    assert invoice.decimal("SalesTaxPercentage") == Decimal("6.35")


def test_a_malformed_number_or_date_reads_as_absent():
    (rs,) = parse_message(
        message(
            '<InvoiceQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK"><InvoiceRet>'
            "<Subtotal>12,50</Subtotal><TxnDate>yesterday</TxnDate><TxnNumber>seventeen</TxnNumber>"
            "<TimeModified>soon</TimeModified></InvoiceRet></InvoiceQueryRs>"
        )
    )
    invoice = rs.objects[0]
    assert invoice.decimal("Subtotal") is None
    assert invoice.date("TxnDate") is None
    assert invoice.integer("TxnNumber") is None
    assert invoice.datetime("TimeModified") is None


# --- hostile input ---------------------------------------------------------------------------------------


def external_entity_document(uri: str) -> str:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "{uri}">]>\n'
        '<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK">'
        "<CustomerRet><ListID>1</ListID><Name>&e;</Name><Notes>before &e; after</Notes></CustomerRet>"
        "</CustomerQueryRs></QBXMLMsgsRs></QBXML>"
    )


def test_an_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    for uri in ("file:///etc/passwd", secret.as_uri()):
        responses, refusal = parse_or_refusal(external_entity_document(uri))
        if refusal is not None:
            continue  # refusing the document outright is also safe
        customer = responses[0].objects[0]
        assert customer.text("ListID") == "1"
        for field in ("Name", "Notes"):
            assert "TOP-SECRET-MARKER" not in customer.text(field)
            assert "root:" not in customer.text(field)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n' for n in range(1, 10))
    + "]>\n"
    '<QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK">'
    "<CustomerRet><Name>&lol9;</Name></CustomerRet></CustomerQueryRs></QBXMLMsgsRs></QBXML>"
)


def parse_or_refusal(document: str):
    try:
        return parse_message(document), None
    except FatalError as error:
        return None, error


def test_a_billion_laughs_document_does_not_expand():
    assert BILLION_LAUGHS.count("<!ENTITY") == 10
    responses, refusal = parse_or_refusal(BILLION_LAUGHS)
    if refusal is not None:
        assert "not well-formed" in refusal.user_message
    else:
        assert "lollol" not in responses[0].objects[0].text("Name")


@pytest.mark.parametrize(
    "document",
    [
        '<?xml version="1.0" ?><html><body>Service Unavailable</body></html>',
        '<?xml version="1.0" ?><QBXMLMsgsRs><CustomerQueryRs statusCode="0" /></QBXMLMsgsRs>',
    ],
    ids=["html", "no-envelope"],
)
def test_a_document_that_is_not_qbxml_is_fatal(document):
    with pytest.raises(FatalError, match="not <QBXML>"):
        parse_message(document)


@pytest.mark.parametrize(
    "document",
    [
        "",
        "QuickBooks found an error when parsing the provided XML text stream.",
        '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><CustomerQueryRs statusCode="0">',
        '<QBXML><QBXMLMsgsRs><CustomerAddRs statusCode="0"></CustomerQueryRs></QBXMLMsgsRs></QBXML>',
    ],
    ids=["empty", "plain-text", "truncated", "mismatched-tags"],
)
def test_malformed_xml_is_fatal(document):
    with pytest.raises(FatalError, match="not well-formed XML") as caught:
        parse_message(document)
    assert caught.value.detail  # the parser's own words, for the log


def test_an_oversized_answer_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(parse, "MAX_RESPONSE_BYTES", 512)
    assert len(NO_MATCH_RS.encode()) < 512
    assert parse_message(NO_MATCH_RS)[0].status_code == 1
    assert len(CUSTOMER_QUERY_RS.encode()) > 512
    with pytest.raises(FatalError, match="lower the page size"):
        parse_message(CUSTOMER_QUERY_RS)
    with pytest.raises(FatalError, match="lower the page size"):
        parse_message(CUSTOMER_QUERY_RS.encode())


def test_the_size_limit_counts_bytes_not_characters(monkeypatch):
    accented = "\u00e9" * 200  # two bytes each in UTF-8
    document = message(
        '<CustomerQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK">'
        f"<CustomerRet><Name>{accented}</Name></CustomerRet></CustomerQueryRs>"
    )
    monkeypatch.setattr(parse, "MAX_RESPONSE_BYTES", len(document) + 100)
    assert len(document.encode("utf-8")) > len(document) + 100
    with pytest.raises(FatalError):
        parse_message(document)
