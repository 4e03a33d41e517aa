"""QuickBooks' two failure channels: COM HRESULTs for a whole message, statusCodes per request.

A message QuickBooks cannot accept at all (bad XML, schema violation, unsupported version,
bad ticket, QuickBooks closed) never gets a response document: the request processor raises
a COM error carrying an HRESULT (research §1.4, §6). Everything else rides on a well-formed
response as ``statusCode``/``statusSeverity``/``statusMessage`` on each ``*Rs`` (research
§2.1, §2.3). Texts follow Intuit's status table and the real responses quoted in research;
where the research has no wording, the text is ours and says the same thing plainly.
"""

from __future__ import annotations

__all__ = [
    "HRESULT_ACCESS_NOT_GRANTED",
    "HRESULT_BAD_TICKET",
    "HRESULT_NOT_RUNNING",
    "HRESULT_PARSE",
    "HRESULT_SINGLE_USER",
    "HRESULT_UNEXPECTED",
    "HRESULT_VERSION",
    "MSG_ACCESS_NOT_GRANTED",
    "MSG_BAD_TICKET",
    "MSG_NOT_RUNNING",
    "MSG_PARSE",
    "MSG_SINGLE_USER",
    "MSG_UNEXPECTED",
    "MSG_VERSION",
    "QuickBooksComError",
    "StatusError",
    "severity",
    "status_message",
]

HRESULT_PARSE = 0x80040400
MSG_PARSE = "QuickBooks found an error when parsing the provided XML text stream."
# Intuit's samples show the version text (research §2.5) but no HRESULT; QuickBooks reports
# it while reading the message, so it shares the parse HRESULT here.
HRESULT_VERSION = 0x80040400
MSG_VERSION = "The version of QBXML that was requested is not supported or is unknown."
HRESULT_UNEXPECTED = 0x80040402
MSG_UNEXPECTED = "Unexpected error. Check the qbsdklog.txt file for possible, additional information."
HRESULT_BAD_TICKET = 0x8004040D
MSG_BAD_TICKET = "The ticket parameter is invalid."
HRESULT_NOT_RUNNING = 0x80040416
MSG_NOT_RUNNING = (
    'If the QuickBooks company data file is not open, a call to the "BeginSession" method must include'
    " the name of the data file."
)
HRESULT_ACCESS_NOT_GRANTED = 0x80040418
MSG_ACCESS_NOT_GRANTED = (
    "This application has not accessed this QuickBooks company data file before. Only the QuickBooks"
    " Administrator can grant permission for an application to access a QuickBooks company data file"
    " for the first time."
)
HRESULT_SINGLE_USER = 0x80040422
MSG_SINGLE_USER = (
    "This application requires Single User file access mode and there is already another application"
    " sharing data with this QuickBooks company data file."
)


class QuickBooksComError(Exception):
    """What ``QBXMLRP2.RequestProcessor`` raises: an HRESULT and QuickBooks' text.

    ``detail`` says what the simulator objected to (QuickBooks writes that to qbsdklog.txt,
    never to the caller); it is for people debugging a request, not for routing.
    """

    def __init__(self, hresult: int, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.hresult = hresult
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} (HRESULT 0x{self.hresult:08X})"


class StatusError(Exception):
    """A request-level failure: becomes the ``*Rs`` status attributes, with no ``*Ret``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def severity(code: int) -> str:
    """Intuit's ranges (research §2.3): 0-499 Info, 500-999 Warn, 1000 and up Error."""
    if code < 500:
        return "Info"
    if code < 1000:
        return "Warn"
    return "Error"


def status_message(code: int, *args: str) -> str:
    """The statusMessage QuickBooks sends for ``code``, filled in with ``args``."""
    template = _MESSAGES[code]
    return template.format(*args)


# One row per code the simulator answers with. Sources: research §2.3 (Intuit's OSR table and
# the real responses cited there); the 3391 text is from a real QBWC report of an expired
# iterator (consolibyte/quickbooks-php issue 183).
_MESSAGES: dict[int, str] = {
    0: "Status OK",
    1: "A query request did not find a matching object in QuickBooks",
    500: (
        'The query request has not been fully completed. There was a required element ("{0}") that'
        " could not be found in QuickBooks."
    ),
    1030: "This request is not supported by this implementation.",
    1060: 'The request ID "{0}" is invalid, possibly too long. (The maximum is 50 characters.)',
    3100: 'The name "{0}" of the list element is already in use.',
    3120: 'Object "{0}" specified in the request cannot be found.',
    3140: (
        'There is an invalid reference to QuickBooks {0} "{1}" in the {2}.  QuickBooks error message:'
        " Invalid argument.  The specified record does not exist in the list."
    ),
    3150: 'There is a missing element: "{0}".',
    3170: (
        'There was an error when modifying a(n) {0} "{1}".  QuickBooks error message: This object is in use'
        " by another user."
    ),
    3171: (
        "An error occurred when saving a(n) {0}.  QuickBooks error message: The transaction date is on or"
        " before the closing date ({1})."
    ),
    3175: (
        'There was an error when saving a(n) {0} "{1}".  QuickBooks error message: This record is in use by'
        " another user and could not be locked."
    ),
    3176: (
        'There was an error when deleting a(n) {0} "{1}".  QuickBooks error message: It is in use by'
        " transactions or other list elements."
    ),
    3180: "There was an error when saving a(n) {0}.  QuickBooks error message: {1}",
    3200: 'The provided edit sequence "{0}" is out-of-date.',
    3210: 'The "{0}" field has an invalid value "{1}".  QuickBooks error message: {2}',
    3250: "This feature is not enabled or not available in this version of QuickBooks: {0}.",
    3260: "Insufficient permission level to perform this action.",
    3391: 'The iteratorID "{0}" is not valid.',
}
