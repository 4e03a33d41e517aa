"""Connectors to the outside systems: Halo, and each accounting package."""
