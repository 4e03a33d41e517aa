"""Halo Accounts Integrator."""
