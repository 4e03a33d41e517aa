import httpx
import pytest

from halo_accounts.connectors.halo.errors import STATUS_TABLE, error_for_response, halo_message, retry_after
from halo_accounts.errors import FatalError, NotFoundError, RecordError, TransientError


def response(status, body=b"", headers=None):
    request = httpx.Request("POST", "https://h.example/api/Invoice?tenant=t")
    return httpx.Response(status, content=body, headers=headers, request=request)


@pytest.mark.parametrize(("status", "rule"), sorted(STATUS_TABLE.items()))
def test_every_status_row_maps_to_its_class_and_names_the_record(status, rule):
    error = error_for_response(response(status, b'{"Message":"Field X is bad"}'), "invoice 'INV-9' (id 9)")
    assert type(error) is rule.error
    assert "invoice 'INV-9' (id 9)" in error.user_message
    assert "tenant" not in (error.detail or "")


def test_unknown_5xx_is_transient_and_unknown_4xx_is_fatal():
    assert isinstance(error_for_response(response(507), "x"), TransientError)
    assert isinstance(error_for_response(response(418), "x"), FatalError)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error":"invalid_client"}', "invalid_client"),
        (b'{"ClassName":"System.Exception","Message":"Boom happened"}', "Boom happened"),
        (b'{"resultCode":1,"errorMessage":"Client name is required"}', "Client name is required"),
        (b"Rate Limit Reached - 300 Requests per rolling 5 minute window", "Rate Limit Reached"),
    ],
)
def test_halo_message_reads_every_known_shape(body, message):
    assert message in halo_message(response(400, body))


def test_halo_message_masks_credentials_and_is_short():
    text = halo_message(response(400, b'{"Message":"bad client_secret=abcdef123 ' + b"x" * 500 + b'"}'))
    assert "abcdef123" not in text
    assert len(text) <= 300


def test_retry_after_header():
    assert retry_after(response(429, headers={"Retry-After": "17"})) == 17.0
    assert retry_after(response(429, headers={"Retry-After": "soon"})) is None
    assert retry_after(response(429)) is None
    assert isinstance(error_for_response(response(404), "customer 5"), NotFoundError)
    assert isinstance(error_for_response(response(400), "customer 5"), RecordError)
