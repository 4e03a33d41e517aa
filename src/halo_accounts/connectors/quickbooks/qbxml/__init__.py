"""qbXML without I/O: request rules per edition, building, parsing, status codes, tax models.

Nothing here opens a socket or a COM object; transports carry the strings this package makes.
"""

from halo_accounts.connectors.quickbooks.qbxml.build import Ref, Request, Shortener, Shortening, build_message, escape
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version, choose_version
from halo_accounts.connectors.quickbooks.qbxml.host import CompanyProfile, negotiate_version, read_profile
from halo_accounts.connectors.quickbooks.qbxml.parse import QBObject, Response, parse_message
from halo_accounts.connectors.quickbooks.qbxml.status import Action, error_for_hresult, error_for_status

__all__ = [
    "Action",
    "CompanyProfile",
    "Edition",
    "QBObject",
    "Ref",
    "Request",
    "Response",
    "Shortener",
    "Shortening",
    "Version",
    "build_message",
    "choose_version",
    "error_for_hresult",
    "error_for_status",
    "escape",
    "negotiate_version",
    "parse_message",
    "read_profile",
]
