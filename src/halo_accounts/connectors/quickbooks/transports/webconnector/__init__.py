"""The QuickBooks Web Connector server: SOAP endpoint, service logic, WSDL and ``.qwc`` files."""

from halo_accounts.connectors.quickbooks.transports.webconnector.app import webconnector_app
from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import hash_password, verify_password
from halo_accounts.connectors.quickbooks.transports.webconnector.service import (
    CompanyEndpoint,
    WebConnectorService,
    WorkSource,
)

__all__ = [
    "CompanyEndpoint",
    "WebConnectorService",
    "WorkSource",
    "hash_password",
    "verify_password",
    "webconnector_app",
]
