"""Fixtures of the end-to-end tests."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from halo_accounts.cli.app import app
from halo_accounts.simulators.halo import seed_tenant

from testsupport import CLIENT_ID, CLIENT_SECRET, TENANT


@pytest.fixture
def cli(tmp_path, halo_url, halo_sim):
    """``halo-accounts`` as a user runs it: a seeded Halo simulator, a simulated UK company 'acme', a SQLite store.

    ``cli(*args)`` runs one command; ``cli.store``, ``cli.books``, ``cli.sim`` and ``cli.env`` are its parts.
    """
    seed_tenant(halo_sim, seed=21, customers=6, items=5, invoices=12)
    config, store, books = tmp_path / "config.toml", f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "books.sqlite"
    env = {
        "HALO_URL": halo_url,
        "HALO_CLIENT_ID": CLIENT_ID,
        "HALO_CLIENT_SECRET": CLIENT_SECRET,
        "HALO_TENANT": TENANT,
        "COLUMNS": "250",
    }

    def invoke(*args, stdin=None):
        return CliRunner().invoke(app, ["--config", str(config), *args], env=env, input=stdin)

    added = invoke(
        "company", "add", "acme", "--transport", "simulator", "--company-file", str(books), "--edition", "UK"
    )
    assert added.exit_code == 0, added.output
    invoke.store, invoke.books, invoke.sim, invoke.env = store, books, halo_sim, env
    return invoke
