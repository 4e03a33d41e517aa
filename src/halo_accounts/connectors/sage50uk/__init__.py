"""Sage 50 UK: the books over Sage Data Objects (COM)."""

from halo_accounts.connectors.sage50uk.books import Sage50UKBooks
from halo_accounts.connectors.sage50uk.sdo import SdoConnector, dispatch_engine

__all__ = ["Sage50UKBooks", "SdoConnector", "dispatch_engine"]
