"""List objects: ids, edit sequences, names, references, hierarchy, text, and list queries."""

from __future__ import annotations

import re

from lxml import etree


def customer_mod(list_id: str, edit_sequence: str, body: str) -> str:
    return (
        f"<CustomerModRq><CustomerMod><ListID>{list_id}</ListID><EditSequence>{edit_sequence}</EditSequence>"
        f"{body}</CustomerMod></CustomerModRq>"
    )


def test_add_gives_real_looking_ids_times_and_edit_sequence(us):
    ret = us.add_customer("Acme")
    assert re.fullmatch(r"8[0-9A-F]{7}-1714590000", ret.findtext("ListID"))
    assert ret.findtext("TimeCreated") == "2024-05-01T12:00:00-07:00"  # the company's Pacific offset, with DST
    assert ret.findtext("TimeModified") == ret.findtext("TimeCreated")
    assert ret.findtext("EditSequence") == "1714590000"
    assert ret.findtext("FullName") == "Acme"
    assert ret.findtext("Sublevel") == "0"
    assert ret.findtext("IsActive") == "true"
    assert ret.findtext("Balance") == "0.00"


def test_every_modify_changes_the_edit_sequence_even_within_a_second(us):
    ret = us.add_customer("Acme")
    first = ret.findtext("EditSequence")
    second = us.ok(customer_mod(ret.findtext("ListID"), first, "<Phone>555-0100</Phone>")).findtext("EditSequence")
    third = us.ok(customer_mod(ret.findtext("ListID"), second, "<Phone>555-0101</Phone>")).findtext("EditSequence")
    assert int(first) < int(second) < int(third)


def test_stale_edit_sequence_is_3200(us):
    ret = us.add_customer("Acme")
    stale = ret.findtext("EditSequence")
    us.ok(customer_mod(ret.findtext("ListID"), stale, "<Phone>1</Phone>"))
    response = us.one(customer_mod(ret.findtext("ListID"), stale, "<Phone>2</Phone>"))
    assert response.get("statusCode") == "3200"
    assert response.get("statusMessage") == f'The provided edit sequence "{stale}" is out-of-date.'
    assert us.company.list_records("Customer")[0]["Phone"] == "1"


def test_mod_of_unknown_list_id_is_3120(us):
    response = us.one(customer_mod("80000999-1714590000", "1", "<Phone>1</Phone>"))
    assert response.get("statusCode") == "3120"
    assert "80000999-1714590000" in response.get("statusMessage")


def test_names_are_unique_case_insensitively_across_customers_and_vendors(us):
    us.add_customer("Acme")
    response = us.one("<CustomerAddRq><CustomerAdd><Name>ACME</Name></CustomerAdd></CustomerAddRq>")
    assert response.get("statusCode") == "3100"
    assert response.get("statusMessage") == 'The name "ACME" of the list element is already in use.'
    vendor = us.one("<VendorAddRq><VendorAdd><Name>acme</Name></VendorAdd></VendorAddRq>")
    assert vendor.get("statusCode") == "3100"
    item = us.one(
        "<ItemServiceAddRq><ItemServiceAdd><Name>Acme</Name><SalesOrPurchase><Price>1</Price><AccountRef>"
        "<FullName>Project Income</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>"
    )
    assert item.get("statusCode") == "0"  # items have their own name space


def test_dangling_reference_is_3140(us):
    response = us.one(
        "<CustomerAddRq><CustomerAdd><Name>Acme</Name><TermsRef><FullName>Net 99</FullName></TermsRef>"
        "</CustomerAdd></CustomerAddRq>"
    )
    assert response.get("statusCode") == "3140"
    assert response.get("statusMessage").startswith('There is an invalid reference to QuickBooks Terms "Net 99" in the')
    assert us.company.list_records("Customer") == []


def test_list_id_wins_over_full_name_in_a_ref(us):
    net15 = next(t for t in us.company.list_records("StandardTerms") if t["Name"] == "Net 15")
    ret = us.add_customer("Acme", f"<TermsRef><ListID>{net15['ListID']}</ListID><FullName>Net 30</FullName></TermsRef>")
    assert ret.findtext("TermsRef/FullName") == "Net 15"


def test_jobs_have_parent_full_names_and_renames_cascade(us):
    parent = us.add_customer("Acme")
    job = us.add_customer("Office Move", "<ParentRef><FullName>Acme</FullName></ParentRef>")
    assert job.findtext("FullName") == "Acme:Office Move"
    assert job.findtext("Sublevel") == "1"
    again = us.one(
        "<CustomerAddRq><CustomerAdd><Name>Office Move</Name><ParentRef><FullName>Acme</FullName></ParentRef>"
        "</CustomerAdd></CustomerAddRq>"
    )
    assert again.get("statusCode") == "3100"
    us.ok(customer_mod(parent.findtext("ListID"), parent.findtext("EditSequence"), "<Name>Acme Group</Name>"))
    found = us.ok(f"<CustomerQueryRq><ListID>{job.findtext('ListID')}</ListID></CustomerQueryRq>")
    assert found.findtext("FullName") == "Acme Group:Office Move"
    assert found.findtext("ParentRef/FullName") == "Acme Group"


def test_text_round_trips_escaped_and_unicode(us):
    name = "Søren O&apos;Brien &amp; Co"
    ret = us.add_customer(name, "<CompanyName>&lt;Søren&gt; &quot;Ltd&quot;</CompanyName>")
    assert ret.findtext("Name") == "Søren O'Brien & Co"
    assert ret.findtext("CompanyName") == '<Søren> "Ltd"'
    raw = us.raw("<CustomerQueryRq><FullName>Søren O'Brien &amp; Co</FullName></CustomerQueryRq>")
    assert "Søren O'Brien &amp; Co" in raw
    assert "&lt;Søren&gt;" in raw


def test_values_are_echoed_in_quickbooks_formats(us):
    ret = us.add_customer("Acme", "<CreditLimit>2500</CreditLimit>")
    assert ret.findtext("CreditLimit") == "2500.00"
    item = us.add_service("Onsite", "135", "Non")
    assert item.findtext("SalesOrPurchase/Price") == "135.00"
    assert item.findtext("SalesOrPurchase/AccountRef/FullName") == "Project Income"


def test_clearing_a_field_with_an_empty_element(us):
    ret = us.add_customer("Acme", "<Phone>555</Phone><Fax>556</Fax>")
    mod = us.ok(customer_mod(ret.findtext("ListID"), ret.findtext("EditSequence"), "<Phone></Phone>"))
    assert mod.find("Phone") is None
    assert mod.findtext("Fax") == "556"


def test_query_by_unknown_id_is_500_and_known_ones_still_come_back(us):
    ret = us.add_customer("Acme")
    response = us.one(
        f"<CustomerQueryRq><ListID>{ret.findtext('ListID')}</ListID><ListID>80000999-1</ListID></CustomerQueryRq>"
    )
    assert response.get("statusCode") == "500"
    assert response.get("statusMessage") == (
        'The query request has not been fully completed. There was a required element ("80000999-1") that could not'
        " be found in QuickBooks."
    )
    assert [r.findtext("Name") for r in response] == ["Acme"]


def test_active_status_defaults_to_active_only(us):
    ret = us.add_customer("Acme")
    us.add_customer("Beta")
    us.ok(customer_mod(ret.findtext("ListID"), ret.findtext("EditSequence"), "<IsActive>false</IsActive>"))
    names = lambda status: [r.findtext("Name") for r in us.one(f"<CustomerQueryRq>{status}</CustomerQueryRq>")]  # noqa: E731
    assert names("") == ["Beta"]
    assert names("<ActiveStatus>All</ActiveStatus>") == ["Acme", "Beta"]
    assert names("<ActiveStatus>InactiveOnly</ActiveStatus>") == ["Acme"]


def test_from_modified_date_is_inclusive(us):
    us.add_customer("Early")
    us.clock.advance(60)
    boundary = us.add_customer("Boundary").findtext("TimeModified")
    us.clock.advance(1)
    us.add_customer("Late")
    response = us.one(f"<CustomerQueryRq><FromModifiedDate>{boundary}</FromModifiedDate></CustomerQueryRq>")
    assert [r.findtext("Name") for r in response] == ["Boundary", "Late"]
    response = us.one(f"<CustomerQueryRq><ToModifiedDate>{boundary}</ToModifiedDate></CustomerQueryRq>")
    assert [r.findtext("Name") for r in response] == ["Boundary", "Early"]
    utc = "2024-05-01T19:01:00+00:00"  # the same instant as Boundary, written in UTC
    response = us.one(f"<CustomerQueryRq><FromModifiedDate>{utc}</FromModifiedDate></CustomerQueryRq>")
    assert [r.findtext("Name") for r in response] == ["Boundary", "Late"]


def test_filter_that_matches_nothing_is_status_1(us):
    us.add_customer("Acme")
    response = us.one("<CustomerQueryRq><FromModifiedDate>2030-01-01</FromModifiedDate></CustomerQueryRq>")
    assert (response.get("statusCode"), len(response)) == ("1", 0)


def test_name_filters_and_max_returned(us):
    for name in ("Alpha", "Beta", "Alphabet", "Gamma"):
        us.add_customer(name)
    starts = us.one(
        "<CustomerQueryRq><NameFilter><MatchCriterion>StartsWith</MatchCriterion><Name>alp</Name></NameFilter>"
        "</CustomerQueryRq>"
    )
    assert [r.findtext("Name") for r in starts] == ["Alpha", "Alphabet"]
    limited = us.one("<CustomerQueryRq><MaxReturned>2</MaxReturned></CustomerQueryRq>")
    assert [r.findtext("Name") for r in limited] == ["Alpha", "Alphabet"]
    ranged = us.one(
        "<CustomerQueryRq><NameRangeFilter><FromName>B</FromName><ToName>C</ToName></NameRangeFilter></CustomerQueryRq>"
    )
    assert [r.findtext("Name") for r in ranged] == ["Beta"]


def test_item_query_returns_the_union_of_item_types_in_name_order(us):
    us.add_service("Zeta Support", "10", "Non")
    us.ok(
        "<ItemNonInventoryAddRq><ItemNonInventoryAdd><Name>Antivirus</Name><SalesOrPurchase><Price>5</Price>"
        "<AccountRef><FullName>Software Subscriptions</FullName></AccountRef></SalesOrPurchase>"
        "</ItemNonInventoryAdd></ItemNonInventoryAddRq>"
    )
    us.ok(
        "<ItemInventoryAddRq><ItemInventoryAdd><Name>Laptop</Name><SalesPrice>1499</SalesPrice><IncomeAccountRef>"
        "<FullName>Hardware Sales</FullName></IncomeAccountRef><COGSAccountRef><FullName>Cost of Goods Sold</FullName>"
        "</COGSAccountRef><AssetAccountRef><FullName>Inventory Asset</FullName></AssetAccountRef>"
        "</ItemInventoryAdd></ItemInventoryAddRq>"
    )
    tags = [(r.tag, r.findtext("Name")) for r in us.one("<ItemQueryRq/>")]
    assert ("ItemNonInventoryRet", "Antivirus") in tags
    assert ("ItemInventoryRet", "Laptop") in tags
    assert ("ItemServiceRet", "Zeta Support") in tags
    assert ("ItemSalesTaxRet", "NYC Sales Tax") in tags
    assert ("ItemSalesTaxGroupRet", "NYC Combined") in tags
    names = [name.casefold() for _, name in tags]
    assert names == sorted(names)
    services = us.one("<ItemServiceQueryRq/>")
    assert [r.tag for r in services] == ["ItemServiceRet"]


def test_item_mod_switches_and_merges_sales_info(us):
    item = us.add_service("Onsite", "135", "Non")
    mod = us.ok(
        f"<ItemServiceModRq><ItemServiceMod><ListID>{item.findtext('ListID')}</ListID><EditSequence>"
        f"{item.findtext('EditSequence')}</EditSequence><SalesOrPurchaseMod><Price>150</Price></SalesOrPurchaseMod>"
        "</ItemServiceMod></ItemServiceModRq>"
    )
    assert mod.findtext("SalesOrPurchase/Price") == "150.00"
    assert mod.findtext("SalesOrPurchase/Desc") == "Onsite"


def test_include_ret_element_limits_the_answer(us):
    us.add_customer("Acme", "<Phone>555</Phone>")
    (ret,) = us.one(
        "<CustomerQueryRq><IncludeRetElement>ListID</IncludeRetElement><IncludeRetElement>Name</IncludeRetElement>"
        "</CustomerQueryRq>"
    )
    assert [child.tag for child in ret] == ["ListID", "Name"]


def test_reference_lists_are_queryable(us):
    account = us.one("<AccountQueryRq><AccountType>AccountsReceivable</AccountType></AccountQueryRq>")
    assert [r.findtext("Name") for r in account] == ["Accounts Receivable"]
    terms = us.one("<TermsQueryRq/>")
    assert {r.tag for r in terms} == {"StandardTermsRet"}
    assert "Net 30" in [r.findtext("Name") for r in terms]
    codes = us.one("<SalesTaxCodeQueryRq/>")
    assert sorted(r.findtext("Name") for r in codes) == ["Non", "Tax"]
    assert all(r.find("ItemSalesTaxRef") is None for r in codes)  # not in QBD
    assert etree.tostring(codes).count(b"<IsTaxable>") == 2
