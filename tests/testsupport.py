"""Constants and small helpers shared by the tests (importable because pytest puts tests/ on the path)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"
HALO_OPENAPI = REFERENCE / "halo" / "halo-openapi-2024-09.json"

CLIENT_ID = "test-client"
CLIENT_SECRET = "sup3r-s3cret-value-for-tests"
TENANT = "acme"
