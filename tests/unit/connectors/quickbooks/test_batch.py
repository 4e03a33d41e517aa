import pytest

from halo_accounts.connectors.quickbooks.qbxml.batch import pair_responses
from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.qbxml.parse import parse_message
from halo_accounts.errors import FatalError


def answer(*rs):
    body = "".join(rs)
    return parse_message(f"<QBXML><QBXMLMsgsRs>{body}</QBXMLMsgsRs></QBXML>")


def rs(name, request_id=None, code=0):
    rid = f' requestID="{request_id}"' if request_id else ""
    return f'<{name}Rs{rid} statusCode="{code}" statusSeverity="{"Info" if code == 0 else "Error"}" statusMessage="x"/>'


def test_pairs_by_request_id_whatever_the_order():
    requests = [Request("CustomerAddRq", request_id="a"), Request("InvoiceAddRq", request_id="b")]
    pairs = pair_responses(requests, answer(rs("InvoiceAdd", "b"), rs("CustomerAdd", "a")))
    assert [(q.request_id, r.request_id) for q, r in pairs] == [("a", "a"), ("b", "b")]


def test_requests_after_a_stop_get_no_answer():
    requests = [Request("CustomerAddRq", request_id=str(i)) for i in range(3)]
    pairs = pair_responses(requests, answer(rs("CustomerAdd", "0"), rs("CustomerAdd", "1", code=3100)))
    assert [r.status_code if r else None for _, r in pairs] == [0, 3100, None]


def test_without_ids_answers_go_in_order():
    requests = [Request("HostQueryRq"), Request("CompanyQueryRq")]
    pairs = pair_responses(requests, answer(rs("HostQuery")))
    assert [r.name if r else None for _, r in pairs] == ["HostQueryRs", None]
    with pytest.raises(FatalError):
        pair_responses(requests, answer(rs("CompanyQuery"), rs("HostQuery")))


def test_duplicate_or_unknown_ids_are_refused():
    with pytest.raises(FatalError, match="share a requestID"):
        pair_responses([Request("HostQueryRq", request_id="x")] * 2, [])
    with pytest.raises(FatalError, match="not asked"):
        pair_responses([Request("HostQueryRq", request_id="x")], answer(rs("HostQuery", "y")))
