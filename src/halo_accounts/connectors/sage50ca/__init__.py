"""Sage 50 Canada: the portable .IMP import format (the SDK and MySQL transports follow)."""
