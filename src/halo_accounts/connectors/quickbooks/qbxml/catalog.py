"""Every request the integrator can send, by its ``*Rq`` element name."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from halo_accounts.connectors.quickbooks.qbxml import (
    catalog_items,
    catalog_lists,
    catalog_queries,
    catalog_transactions,
)
from halo_accounts.connectors.quickbooks.qbxml.catalog_queries import ITERATOR_QUERIES
from halo_accounts.connectors.quickbooks.qbxml.spec import Node

__all__ = ["ITERATOR_QUERIES", "REQUEST_SPECS"]

REQUEST_SPECS: Mapping[str, Node] = MappingProxyType(
    {
        **catalog_queries.QUERIES,
        **catalog_lists.REQUESTS,
        **catalog_items.REQUESTS,
        **catalog_transactions.REQUESTS,
    }
)
