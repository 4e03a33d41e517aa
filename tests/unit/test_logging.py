import logging

from halo_accounts.logging import REDACTED, RedactingFilter, configure_logging, redact


def test_redact_masks_credentials_by_shape():
    text = (
        "grant_type=client_credentials&client_id=abc&client_secret=s3cr3t-VALUE "
        '{"access_token": "tok-123456789", "refresh_token":"r-987654321"} '
        "Authorization: Bearer abcdefghijklmnop password=hunter22"
    )
    out = redact(text)
    for secret in ("s3cr3t-VALUE", "tok-123456789", "r-987654321", "abcdefghijklmnop", "hunter22"):
        assert secret not in out
    assert "client_id=abc" in out
    assert out.count(REDACTED) == 5


def test_registered_secrets_are_masked_wherever_they_appear():
    assert redact("connecting with plainvalue42 now", ["plainvalue42"]) == f"connecting with {REDACTED} now"


def test_filter_masks_arguments_and_tracebacks(caplog):
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    redactor = configure_logging(logging.DEBUG, handler=handler)
    redactor.add_secret("the-client-secret")
    log = logging.getLogger("halo_accounts.test")
    log.info("secret is %s", "the-client-secret")
    try:
        raise ValueError("failed with the-client-secret inside")
    except ValueError:
        log.exception("boom")
    rendered = [handler.format(r) for r in records]
    assert len(rendered) == 2
    assert all("the-client-secret" not in line for line in rendered)
    assert "failed with ***" in rendered[1]


def test_filter_never_drops_records():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "hello world"
