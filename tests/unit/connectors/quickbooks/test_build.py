"""Building qbXML messages: envelope, attributes, schema order, edition and version rules, lengths, values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from lxml import etree

from halo_accounts.connectors.quickbooks.qbxml.build import Ref, Request, Shortener, Shortening, build_message, escape
from halo_accounts.connectors.quickbooks.qbxml.catalog import REQUEST_SPECS
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version
from halo_accounts.errors import FatalError, RecordError

V13 = Version(13, 0)


def build(*requests: Request, edition: Edition = Edition.US, version: Version = V13, **options) -> str:
    return build_message(list(requests), edition=edition, version=version, **options)


def tree(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


def customer(record: str = "customer 'Acme Ltd'", request_id: str | None = None, **fields) -> Request:
    return Request(
        "CustomerAddRq", {"CustomerAdd": {"Name": "Acme Ltd", **fields}}, request_id=request_id, record=record
    )


def invoice_line(**fields) -> Request:
    line = {"ItemRef": Ref(full_name="Consulting"), "Quantity": Decimal(1), "Rate": Decimal(1), **fields}
    return Request(
        "InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": Ref(list_id="80000001-1446673838"), "InvoiceLineAdd": [line]}}
    )


def line_text(xml: str, name: str) -> str:
    found = tree(xml).find(f".//InvoiceLineAdd/{name}")
    assert found is not None, f"{name} missing in {xml}"
    return found.text


# --- envelope ---------------------------------------------------------------------------------------------


def test_the_envelope():
    xml = build(customer())
    assert xml.startswith('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n')
    assert xml.index("<?qbxml") < xml.index('<QBXML>\n<QBXMLMsgsRq onError="stopOnError">\n<CustomerAddRq>')
    assert xml.endswith("</QBXMLMsgsRq>\n</QBXML>\n")
    root = tree(xml)
    assert root.tag == "QBXML"
    assert [child.tag for child in root] == ["QBXMLMsgsRq"]
    assert [child.tag for child in root[0]] == ["CustomerAddRq"]


def test_the_version_instruction_follows_the_version():
    assert '<?qbxml version="8.0"?>' in build(customer(), version=Version(8, 0))


def test_continue_on_error_is_carried():
    assert '<QBXMLMsgsRq onError="continueOnError">' in build(customer(), on_error="continueOnError")


@pytest.mark.parametrize("on_error", ["rollbackOnError", "ignore", ""])
def test_other_on_error_values_are_refused(on_error):
    with pytest.raises(FatalError, match="does not roll back"):
        build(customer(), on_error=on_error)


def test_requests_stay_in_the_order_given():
    xml = build(
        Request("InvoiceQueryRq", {"RefNumber": ["INV-1"]}, request_id="3"),
        customer(request_id="1"),
        Request("CustomerQueryRq", {"FullName": ["Acme Ltd"]}, request_id="2"),
    )
    assert [(rq.tag, rq.get("requestID")) for rq in tree(xml)[0]] == [
        ("InvoiceQueryRq", "3"),
        ("CustomerAddRq", "1"),
        ("CustomerQueryRq", "2"),
    ]


def test_an_unknown_request_is_a_bug():
    with pytest.raises(FatalError, match="no rules for the qbXML request JournalEntryAddRq"):
        build(Request("JournalEntryAddRq", {}))


# --- attributes -------------------------------------------------------------------------------------------


def test_the_request_id_is_carried_and_escaped():
    assert tree(build(customer(request_id="batch-7/inv-42")))[0][0].get("requestID") == "batch-7/inv-42"
    xml = build(customer(request_id='a"b&c'))
    assert 'requestID="a&quot;b&amp;c"' in xml
    assert tree(xml)[0][0].get("requestID") == 'a"b&c'


def test_no_request_id_means_no_attribute():
    assert "<CustomerAddRq>" in build(customer())


def test_the_request_id_may_have_50_characters_not_51():
    assert f'requestID="{"r" * 50}"' in build(customer(request_id="r" * 50))
    with pytest.raises(FatalError, match="1 to 50 characters"):
        build(customer(request_id="r" * 51))
    with pytest.raises(FatalError, match="1 to 50 characters"):
        build(customer(request_id=""))


def test_iterator_attributes_on_an_iterator_query():
    start = build(Request("CustomerQueryRq", {"MaxReturned": 100}, request_id="c", iterator="Start"))
    assert '<CustomerQueryRq requestID="c" iterator="Start"><MaxReturned>100</MaxReturned></CustomerQueryRq>' in start
    assert "iteratorID" not in start
    more = build(
        Request(
            "InvoiceQueryRq",
            {"MaxReturned": 100},
            iterator="Continue",
            iterator_id="{84ff5521-205d-46b6-9d44-7b6b9acb7165}",
        )
    )
    rq = tree(more)[0][0]
    assert rq.get("iterator") == "Continue"
    assert rq.get("iteratorID") == "{84ff5521-205d-46b6-9d44-7b6b9acb7165}"


def test_queries_without_an_iterator_carry_no_iterator_attribute():
    assert "iterator" not in build(Request("AccountQueryRq", {"ActiveStatus": "All"}))


@pytest.mark.parametrize(
    "name", ["AccountQueryRq", "ClassQueryRq", "TermsQueryRq", "SalesTaxCodeQueryRq", "HostQueryRq"]
)
def test_iterators_are_refused_where_quickbooks_refuses_them(name):
    with pytest.raises(FatalError, match=f"{name} does not accept iterators"):
        build(Request(name, {}, iterator="Start"))


# --- order ------------------------------------------------------------------------------------------------


def test_children_follow_schema_order_whatever_the_dict_order():
    fields = {
        "Email": "ap@acme.example",
        "TermsRef": Ref(full_name="Net 30"),
        "BillAddress": {"PostalCode": "06268", "City": "Storrs", "Addr1": "134 Stonemill Road"},
        "CompanyName": "Acme Ltd",
        "IsActive": True,
        "Name": "Acme Ltd",
        "Phone": "860-634-1602",
    }
    reversed_fields = dict(reversed(list(fields.items())))
    xml = build(Request("CustomerAddRq", {"CustomerAdd": reversed_fields}))
    add = tree(xml).find(".//CustomerAdd")
    assert [child.tag for child in add] == [
        "Name",
        "IsActive",
        "CompanyName",
        "BillAddress",
        "Phone",
        "Email",
        "TermsRef",
    ]
    assert [child.tag for child in add.find("BillAddress")] == ["Addr1", "City", "PostalCode"]
    assert xml == build(Request("CustomerAddRq", {"CustomerAdd": fields}))


def test_the_rq_level_follows_schema_order_too():
    xml = build(
        Request("CustomerAddRq", {"IncludeRetElement": ["ListID", "EditSequence"], "CustomerAdd": {"Name": "A"}})
    )
    assert [child.tag for child in tree(xml)[0][0]] == ["CustomerAdd", "IncludeRetElement", "IncludeRetElement"]


# --- editions and versions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edition", "present"), [(Edition.US, True), (Edition.AU, True), (Edition.CA, False), (Edition.UK, False)]
)
def test_item_sales_tax_on_a_customer_exists_in_us_and_au_only(edition, present):
    xml = build(customer(ItemSalesTaxRef=Ref(full_name="State Tax")), edition=edition)
    assert ("<ItemSalesTaxRef><FullName>State Tax</FullName></ItemSalesTaxRef>" in xml) is present
    assert "<Name>Acme Ltd</Name>" in xml  # the rest of the record is still sent


@pytest.mark.parametrize("edition", list(Edition))
def test_line_tax_amounts_exist_in_australia_only(edition):
    xml = build(invoice_line(TaxAmount=Decimal("0.10")), edition=edition)
    assert ("<TaxAmount>0.10</TaxAmount>" in xml) is (edition is Edition.AU)


@pytest.mark.parametrize("edition", list(Edition))
def test_tax_included_prices_do_not_exist_in_the_us(edition):
    xml = build(
        Request(
            "ItemServiceAddRq",
            {
                "ItemServiceAdd": {
                    "Name": "Consulting",
                    "IsTaxIncluded": True,
                    "SalesOrPurchase": {"Price": Decimal(95)},
                }
            },
        ),
        edition=edition,
    )
    assert ("<IsTaxIncluded>true</IsTaxIncluded>" in xml) is (edition is not Edition.US)
    assert "<Price>95</Price>" in xml


@pytest.mark.parametrize("edition", list(Edition))
def test_tax_registration_number_does_not_exist_in_the_us(edition):
    xml = build(customer(TaxRegistrationNumber="123456789RT0001", SalesTaxCountry="Canada"), edition=edition)
    assert ("<TaxRegistrationNumber>123456789RT0001</TaxRegistrationNumber>" in xml) is (edition is not Edition.US)
    assert ("<SalesTaxCountry>Canada</SalesTaxCountry>" in xml) is (edition is not Edition.US)


def test_a_field_newer_than_the_version_is_left_out():
    with_class = customer(ClassRef=Ref(full_name="Support"))
    assert "<ClassRef>" not in build(with_class, version=Version(11, 0))
    assert "<ClassRef><FullName>Support</FullName></ClassRef>" in build(with_class, version=Version(12, 0))
    guid = "{84ff5521-205d-46b6-9d44-7b6b9acb7165}"
    invoice = Request("InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": Ref(full_name="Acme Ltd"), "ExternalGUID": guid}})
    assert "ExternalGUID" not in build(invoice, version=Version(8, 0))
    assert f"<ExternalGUID>{guid}</ExternalGUID>" in build(invoice, version=Version(9, 0))


def test_a_required_field_absent_from_the_edition_is_not_demanded():
    # SalesTaxCodeRef on VendorAdd does not exist in the US, so leaving it out there is fine everywhere
    vendor = Request("VendorAddRq", {"VendorAdd": {"Name": "Northwind", "SalesTaxCodeRef": Ref(full_name="S")}})
    assert "SalesTaxCodeRef" not in build(vendor, edition=Edition.US)
    assert "<SalesTaxCodeRef><FullName>S</FullName></SalesTaxCodeRef>" in build(vendor, edition=Edition.UK)


# --- lengths ----------------------------------------------------------------------------------------------


def test_over_length_text_is_a_record_error_naming_field_limit_edition_and_record():
    name = "Acme International Holdings and Subsidiaries"  # 44 characters
    with pytest.raises(RecordError) as caught:
        build(Request("CustomerAddRq", {"CustomerAdd": {"Name": name}}, record="customer 'Acme International'"))
    error = caught.value
    assert "at most 41 characters in Name" in error.user_message
    assert "QuickBooks Desktop (US)" in error.user_message
    assert "customer 'Acme International'" in error.user_message
    assert "has 44" in error.user_message
    assert "Shorten it in Halo, or turn on name shortening" in error.user_message
    assert error.record == "customer 'Acme International'"
    assert error.detail == "CustomerAddRq/CustomerAdd/Name"


def test_without_a_record_label_the_request_is_named():
    with pytest.raises(RecordError) as caught:
        build(Request("CustomerAddRq", {"CustomerAdd": {"Name": "x" * 42}}))
    assert caught.value.record == "CustomerAddRq"


def test_exactly_the_limit_is_fine():
    assert f"<Name>{'x' * 41}</Name>" in build(customer(Name="x" * 41))


def test_limits_differ_by_edition():
    resale = "R" * 20  # ResaleNumber: 15 in the US, 21 elsewhere
    assert f"<ResaleNumber>{resale}</ResaleNumber>" in build(customer(ResaleNumber=resale), edition=Edition.CA)
    with pytest.raises(RecordError, match=r"at most 15 characters in ResaleNumber \(QuickBooks Desktop \(US\)\)"):
        build(customer(ResaleNumber=resale), edition=Edition.US)


def test_australia_allows_six_character_tax_codes_the_us_refuses():
    request = customer(SalesTaxCodeRef=Ref(full_name="CAPGST"))
    assert "<SalesTaxCodeRef><FullName>CAPGST</FullName></SalesTaxCodeRef>" in build(request, edition=Edition.AU)
    with pytest.raises(RecordError, match=r"at most 3 characters in FullName \(QuickBooks Desktop \(US\)\)"):
        build(request, edition=Edition.US)


def test_length_is_counted_before_escaping_and_after_dropping_control_characters():
    name = "A&B" + "x" * 38  # 41 characters, 45 once escaped
    assert "<Name>A&amp;B" in build(customer(Name=name))
    assert f"<Name>{'y' * 41}</Name>" in build(customer(Name="y" * 20 + "\x01" + "y" * 21))


# --- shortening -------------------------------------------------------------------------------------------

LONG_A = "Northwind Traders International Holdings Alpha"  # 47 characters
LONG_B = "Northwind Traders International Holdings Bravo"  # same first 41 characters


def shortened_name(name: str, shortener: Shortener) -> str:
    xml = build(customer(Name=name, request_id="c-1"), shortener=shortener)
    return tree(xml).find(".//CustomerAdd/Name").text


def test_shortening_fits_the_limit_and_is_recorded():
    assert LONG_A[:41] == LONG_B[:41]
    shortener = Shortener()
    short = shortened_name(LONG_A, shortener)
    assert len(short) == 41
    assert short.startswith("Northwind Traders International")
    assert shortener.applied == [Shortening("c-1", "CustomerAddRq/CustomerAdd/Name", LONG_A, short)]


def test_shortening_is_deterministic():
    assert shortened_name(LONG_A, Shortener()) == shortened_name(LONG_A, Shortener())


def test_shortening_keeps_names_with_a_common_start_apart():
    shortener = Shortener()
    a, b = shortened_name(LONG_A, shortener), shortened_name(LONG_B, shortener)
    assert a != b
    assert len(a) == len(b) == 41
    assert [s.original for s in shortener.applied] == [LONG_A, LONG_B]


def test_values_within_the_limit_are_not_shortened():
    shortener = Shortener()
    assert shortened_name("Acme Ltd", shortener) == "Acme Ltd"
    assert shortener.applied == []


def test_a_code_too_short_for_a_suffix_is_refused_rather_than_overflowed():
    shortener = Shortener()
    with pytest.raises(RecordError, match="at most 3 characters"):
        build(customer(SalesTaxCodeRef=Ref(full_name="GSTX")), edition=Edition.UK, shortener=shortener)
    assert shortener.applied == []


# --- text ---------------------------------------------------------------------------------------------------


def test_markup_characters_are_escaped_and_read_back():
    name = 'Smith & Sons <"Best">'
    xml = build(customer(Name=name, Notes="it's fine"))
    assert "<Name>Smith &amp; Sons &lt;&quot;Best&quot;&gt;</Name>" in xml
    assert "<Notes>it's fine</Notes>" in xml  # apostrophes are left alone, as consolibyte does
    assert tree(xml).find(".//Name").text == name


def test_control_characters_are_dropped_but_line_breaks_kept():
    xml = build(customer(Name="Acme\x01 Ltd\x0b", Notes="line one\nline two\ttabbed\x1f\x00"))
    assert "<Name>Acme Ltd</Name>" in xml
    assert tree(xml).find(".//Notes").text == "line one\nline two\ttabbed"


def test_escape_on_its_own():
    assert escape('a&b<c>d"e\x0cf') == "a&amp;b&lt;c&gt;d&quot;ef"


# --- numbers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("5"), "5.00"),
        (5, "5.00"),
        (Decimal("1.005"), "1.01"),  # half up, not banker's rounding
        (Decimal("1.015"), "1.02"),
        (Decimal("-1.005"), "-1.01"),  # half away from zero
        (Decimal("-0"), "0.00"),
        (Decimal("-0.001"), "0.00"),
        (Decimal("1E+2"), "100.00"),
        (Decimal("9999999999999.99"), "9999999999999.99"),
    ],
)
def test_amounts_have_exactly_two_decimals(value, text):
    assert line_text(build(invoice_line(Amount=value)), "Amount") == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("150.5"), "150.5"),
        (Decimal("12.50000"), "12.5"),
        (Decimal("0.123456"), "0.12346"),
        (Decimal("0.000005"), "0.00001"),  # half up, like amounts
        (Decimal("1E+2"), "100"),
        (Decimal("1E-5"), "0.00001"),
        (Decimal("-0.000001"), "0"),
        (Decimal("9999999999.12345"), "9999999999.12345"),
    ],
)
def test_prices_and_quantities_have_up_to_five_decimals_and_no_exponent(value, text):
    xml = build(invoice_line(Rate=value, Quantity=value))
    assert line_text(xml, "Rate") == text
    assert line_text(xml, "Quantity") == text
    assert "E" not in line_text(xml, "Rate")


@pytest.mark.parametrize(
    "value", [Decimal("12345678901234"), Decimal("9999999999999.995"), Decimal("1E+30"), Decimal("-1E+40")]
)
def test_an_amount_over_13_digits_fails_the_record(value):
    request = invoice_line(Amount=value)
    request = Request(request.name, request.body, record="invoice INV-1042")
    with pytest.raises(RecordError, match="Amount of invoice INV-1042 is .*13 digits") as caught:
        build(request)
    assert caught.value.record == "invoice INV-1042"
    assert caught.value.detail == "InvoiceAddRq/InvoiceAdd/InvoiceLineAdd/Amount"


def test_a_quantity_over_10_digits_fails_the_record():
    with pytest.raises(RecordError, match=r"Quantity of .*\(10 digits\)"):
        build(invoice_line(Quantity=Decimal("12345678901")))


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")])
def test_a_number_that_is_not_finite_is_a_bug(value):
    with pytest.raises(FatalError, match="finite"):
        build(invoice_line(Amount=value))
    with pytest.raises(FatalError, match="finite"):
        build(invoice_line(Rate=value))


# --- other value types ------------------------------------------------------------------------------------


def test_dates_booleans_and_integers():
    pacific = timezone(timedelta(hours=-8))
    xml = build(
        Request("InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": Ref(full_name="A"), "TxnDate": date(2024, 3, 31)}}),
        Request(
            "CustomerQueryRq",
            {"MaxReturned": 100, "FromModifiedDate": datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=pacific)},
        ),
        customer(IsActive=False),
    )
    assert "<TxnDate>2024-03-31</TxnDate>" in xml
    assert "<FromModifiedDate>2024-03-01T09:30:15-08:00</FromModifiedDate>" in xml
    assert "<MaxReturned>100</MaxReturned>" in xml
    assert "<IsActive>false</IsActive>" in xml


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (invoice_line(Amount=1.5), "needs a Decimal"),
        (invoice_line(Amount=True), "needs a Decimal"),
        (invoice_line(Amount="1.50"), "needs a Decimal"),
        (customer(Name=42), "needs a str"),
        (customer(IsActive="true"), "needs a bool"),
        (customer(IsActive=1), "needs a bool"),
        (Request("CustomerQueryRq", {"MaxReturned": True}), "needs a int"),
        (Request("CustomerQueryRq", {"MaxReturned": "100"}), "needs a int"),
        (Request("CustomerQueryRq", {"FromModifiedDate": "2024-03-01"}), "needs a datetime"),
        (
            Request(
                "InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": Ref("1"), "TxnDate": datetime(2024, 3, 1, tzinfo=UTC)}}
            ),
            "needs a date",
        ),
        (customer(BillAddress="1 High Street"), "needs a mapping"),
        (customer(Name=["Acme"]), "needs a str"),
    ],
)
def test_a_wrong_python_type_is_a_bug(request_, message):
    with pytest.raises(FatalError, match=message):
        build(request_)


def test_an_unknown_element_is_a_bug():
    with pytest.raises(FatalError, match="CustomerAddRq/CustomerAdd has no element Nickname"):
        build(customer(Nickname="Ace"))
    with pytest.raises(FatalError, match="BillAddress has no element Addr6"):
        build(customer(BillAddress={"Addr6": "x"}))


def test_an_enum_value_quickbooks_does_not_know_is_a_bug():
    with pytest.raises(FatalError, match="ActiveStatus cannot be 'Everything'; QuickBooks accepts ActiveOnly"):
        build(Request("CustomerQueryRq", {"ActiveStatus": "Everything"}))


def test_guids_must_be_braced_or_zero():
    guid = "{84ff5521-205d-46b6-9d44-7b6b9acb7165}"
    assert f"<ExternalGUID>{guid}</ExternalGUID>" in build(customer(ExternalGUID=guid))
    assert "<OwnerID>0</OwnerID>" in build(Request("CustomerQueryRq", {"OwnerID": ["0"]}))
    with pytest.raises(FatalError, match="GUID in braces"):
        build(customer(ExternalGUID=guid.strip("{}")))


# --- required fields --------------------------------------------------------------------------------------


def test_a_customer_without_a_name_fails_the_record():
    with pytest.raises(RecordError) as caught:
        build(Request("CustomerAddRq", {"CustomerAdd": {"CompanyName": "Acme"}}, record="customer 'Acme'"))
    expected = "QuickBooks needs Name for customer 'Acme', and it is empty. Fill it in in Halo."
    assert caught.value.user_message == expected
    assert caught.value.record == "customer 'Acme'"
    assert caught.value.detail == "CustomerAddRq/CustomerAdd/Name"


def test_a_missing_aggregate_and_a_missing_reference_fail_the_record():
    with pytest.raises(RecordError, match="needs CustomerAdd"):
        build(Request("CustomerAddRq", {}))
    with pytest.raises(RecordError, match="needs CustomerRef"):
        build(Request("InvoiceAddRq", {"InvoiceAdd": {"RefNumber": "INV-1"}}))
    with pytest.raises(RecordError, match="needs CustomerRef"):
        build(Request("InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": Ref()}}))  # names nothing
    with pytest.raises(RecordError, match="needs EditSequence"):
        build(Request("CustomerModRq", {"CustomerMod": {"ListID": "80000001-1446673838", "Name": "A"}}))


# --- references and repeats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "xml"),
    [
        (Ref(list_id="80000001-1446673838", full_name="Acme Ltd"), "<ListID>80000001-1446673838</ListID>"),
        (Ref(list_id="80000001-1446673838"), "<ListID>80000001-1446673838</ListID>"),
        (Ref(full_name="Acme Ltd"), "<FullName>Acme Ltd</FullName>"),
        (Ref(list_id="", full_name="Acme Ltd"), "<FullName>Acme Ltd</FullName>"),
        (Ref("80000001-1446673838"), "<ListID>80000001-1446673838</ListID>"),
    ],
)
def test_a_reference_sends_the_list_id_alone_when_it_has_one(ref, xml):
    built = build(Request("InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": ref}}))
    assert f"<CustomerRef>{xml}</CustomerRef>" in built


def test_a_reference_may_also_be_given_as_a_mapping():
    built = build(Request("InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": {"FullName": "Acme Ltd:Job 1"}}}))
    assert "<CustomerRef><FullName>Acme Ltd:Job 1</FullName></CustomerRef>" in built


def test_repeated_elements_are_written_once_each_and_an_empty_list_not_at_all():
    xml = build(Request("CustomerQueryRq", {"ListID": ["80000001-1", "80000002-1"], "IncludeRetElement": []}))
    assert "<ListID>80000001-1</ListID><ListID>80000002-1</ListID>" in xml
    assert "IncludeRetElement" not in xml


def test_none_values_are_left_out():
    xml = build(customer(Email=None, Phone=None, TermsRef=None))
    assert [child.tag for child in tree(xml).find(".//CustomerAdd")] == ["Name"]


def test_every_catalogued_request_builds_with_an_empty_or_minimal_body():
    minimal = {
        "CustomerAddRq": {"CustomerAdd": {"Name": "A"}},
        "VendorAddRq": {"VendorAdd": {"Name": "A"}},
        "ListDeletedQueryRq": {"ListDelType": ["Customer"]},
        "TxnDeletedQueryRq": {"TxnDelType": ["Invoice"]},
    }
    for name in REQUEST_SPECS:
        if name in minimal or name.endswith("QueryRq"):
            xml = build(Request(name, minimal.get(name, {})))
            assert tree(xml)[0][0].tag == name


def test_references_are_never_shortened_only_refused():
    from halo_accounts.connectors.quickbooks.qbxml import Edition, Ref, Request, Shortener, Version, build_message
    from halo_accounts.errors import RecordError

    shortener = Shortener()
    long_name = "A" * 300
    with pytest.raises(RecordError):
        build_message(
            [Request("InvoiceAddRq", {"InvoiceAdd": {"CustomerRef": Ref(full_name=long_name), "RefNumber": "1"}})],
            edition=Edition.US,
            version=Version(13, 0),
            shortener=shortener,
        )
    assert shortener.applied == []
