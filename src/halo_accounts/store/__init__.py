"""The integrator's own state: SQLite by default, PostgreSQL by URL, versioned migrations."""

from halo_accounts.store.database import Store, default_store_url, open_store, stored_utc

__all__ = ["Store", "default_store_url", "open_store", "stored_utc"]
