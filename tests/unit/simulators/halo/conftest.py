"""Fixtures for the Halo simulator tests: a settable clock, a simulator, in-process HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from halo_accounts.simulators.halo import HaloSimulator
from halo_accounts.simulators.serving import SyncASGITransport

START = datetime(2024, 9, 2, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _token_form(scope: str | None = "all admin", **overrides: str) -> dict[str, str]:
    form = {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"}
    if scope is not None:
        form["scope"] = scope
    form.update(overrides)
    return form


@pytest.fixture
def token_form() -> Callable[..., dict[str, str]]:
    """Build a token-call form: ``token_form(scope, **field_overrides)``."""
    return _token_form


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client_for() -> Iterator[Callable[[HaloSimulator], httpx.Client]]:
    """Make an in-process HTTP client for any simulator (closed after the test)."""
    made: list[httpx.Client] = []

    def make(simulator: HaloSimulator) -> httpx.Client:
        client = httpx.Client(transport=SyncASGITransport(simulator.app), base_url="http://halo.test")
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def make_sim(clock: FakeClock) -> Callable[..., HaloSimulator]:
    def make(**options: Any) -> HaloSimulator:
        options.setdefault("clock", clock)
        return HaloSimulator(**options)

    return make


@pytest.fixture
def sim(make_sim: Callable[..., HaloSimulator]) -> HaloSimulator:
    return make_sim()


@pytest.fixture
def http(sim: HaloSimulator, client_for: Callable[[HaloSimulator], httpx.Client]) -> httpx.Client:
    return client_for(sim)


def bearer(client: httpx.Client, scope: str | None = "all admin") -> dict[str, str]:
    response = client.post("/auth/token", data=_token_form(scope))
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def auth(http: httpx.Client) -> Callable[..., dict[str, str]]:
    """``auth(scope)`` fetches a token from ``http`` and returns the bearer header."""

    def headers(scope: str | None = "all admin", client: httpx.Client | None = None) -> dict[str, str]:
        return bearer(client or http, scope)

    return headers


@pytest.fixture
def api(http: httpx.Client, auth: Callable[..., dict[str, str]]) -> httpx.Client:
    """``http`` already carrying an all + admin bearer token."""
    http.headers.update(auth())
    return http
