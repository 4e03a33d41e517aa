"""Shared fixtures: Halo's reference files, and a Halo simulator served on real loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from halo_accounts.simulators.halo import HaloSimulator
from halo_accounts.simulators.serving import RunningServer, serve_in_thread

from testsupport import CLIENT_ID, CLIENT_SECRET, HALO_OPENAPI, TENANT


@pytest.fixture(autouse=True, scope="session")
def _private_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Logs and data that commands write go to a temporary folder, never the user's own."""
    import os

    folder = tmp_path_factory.mktemp("user")
    saved = {k: os.environ.get(k) for k in ("XDG_STATE_HOME", "XDG_DATA_HOME", "LOCALAPPDATA")}
    os.environ.update(
        {
            "XDG_STATE_HOME": str(folder / "state"),
            "XDG_DATA_HOME": str(folder / "data"),
            "LOCALAPPDATA": str(folder / "local"),
        }
    )
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def halo_openapi() -> dict[str, Any]:
    """Halo's own OpenAPI file; tests that need it skip when the reference folder is absent."""
    if not HALO_OPENAPI.exists():
        pytest.skip(f"Halo's OpenAPI file is not at {HALO_OPENAPI} (the shared reference folder is absent)")
    return json.loads(HALO_OPENAPI.read_text(encoding="utf-8"))


class SwitchableApp:
    """One loopback server for the session; each test points it at its own simulator."""

    def __init__(self) -> None:
        self.target: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await self.target(scope, receive, send)


@pytest.fixture(scope="session")
def loopback() -> Iterator[tuple[SwitchableApp, RunningServer]]:
    app = SwitchableApp()
    with serve_in_thread(app) as server:
        yield app, server


@pytest.fixture
def halo_sim() -> HaloSimulator:
    return HaloSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, tenant=TENANT, rate_limit=None)


@pytest.fixture
def halo_url(loopback: tuple[SwitchableApp, RunningServer], halo_sim: HaloSimulator) -> str:
    """The base URL of ``halo_sim`` served over real HTTP on 127.0.0.1."""
    app, server = loopback
    app.target = halo_sim.app
    return server.url


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self):
        super().__init__()
        self.passwords = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        del self.passwords[(service, username)]


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)
