"""The local dashboard ``serve`` shows in a browser: see, fix and approve the sync."""

from halo_accounts.web.app import SettingsFile, SettingsInMemory, dashboard_app

__all__ = ["SettingsFile", "SettingsInMemory", "dashboard_app"]
