"""Constants and small helpers shared by the tests (importable because pytest puts tests/ on the path)."""

from __future__ import annotations

import socket
from pathlib import Path

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
