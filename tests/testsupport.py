"""Constants and small helpers shared by the tests (importable because pytest puts tests/ on the path)."""

from __future__ import annotations

import os
import re
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"
HALO_OPENAPI = REFERENCE / "halo" / "halo-openapi-2024-09.json"

CLIENT_ID = "test-client"
CLIENT_SECRET = "sup3r-s3cret-value-for-tests"
TENANT = "acme"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


MYSQL_ENV = "HALO_ACCOUNTS_TEST_MYSQL_URL"


@contextmanager
def fresh_mysql_database() -> Iterator[str]:
    """A new, empty database on the server ``HALO_ACCOUNTS_TEST_MYSQL_URL`` names, dropped afterwards."""
    raw = os.environ.get(MYSQL_ENV)
    if not raw:
        pytest.skip(f"{MYSQL_ENV} is not set (CI sets it; point it at a MySQL or MariaDB server to run these)")
    server = make_url(raw).set(drivername="mysql+pymysql")
    admin = create_engine(server)
    name = f"halo_sage_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except SQLAlchemyError as exc:
        admin.dispose()
        pytest.skip(f"MySQL at {server.render_as_string(hide_password=True)} is not usable: {exc}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE {name}"))
        admin.dispose()


def log_in_to_dashboard(browser: Any, password: str, **options: Any) -> Any:
    """Log an ``httpx.Client`` in to the dashboard as a person would: the login page first, for its form token."""
    page = browser.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None, page
    return browser.post("/login", data={"password": password, "csrf": token.group(1)}, **options)
