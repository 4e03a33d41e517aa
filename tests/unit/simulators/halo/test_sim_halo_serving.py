"""Real loopback HTTP: serve_in_thread, the /_sim control plane, and the ``sim halo`` command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from halo_accounts.cli.sim import sim_app
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.serving import serve_in_thread

FORM = {
    "grant_type": "client_credentials",
    "client_id": "demo-client",
    "client_secret": "demo-secret",
    "scope": "all admin",
}


async def hello_app(scope, receive, send):
    """The smallest ASGI app: proves serve_in_thread is not tied to the Halo simulator."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hello"})


def test_serves_any_asgi_app_on_a_free_port_and_stops():
    with serve_in_thread(hello_app) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert not server.url.endswith(":0")
        assert httpx.get(server.url + "/anything").text == "hello"
        assert server.running
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "/anything", timeout=2)


def test_a_taken_port_fails_loudly():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match="stopped during startup"):
            serve_in_thread(hello_app, port=port, log_level="critical")


@pytest.fixture
def live():
    sim = HaloSimulator(rate_limit=4)
    seed_tenant(sim, seed=2, customers=6, items=6, invoices=10)
    with serve_in_thread(sim.app) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        yield sim, http, server.url


def test_halo_over_real_http(live):
    sim, http, url = live
    assert http.get("/api/authinfo").json() == {"auth_url": f"{url}/auth", "tenant_id": "demo"}
    token = http.post("/auth/token", params={"tenant": "demo"}, data=FORM).json()["access_token"]
    clients = http.get("/api/Client", headers={"Authorization": f"Bearer {token}"}, params={"count": "2"})
    assert clients.status_code == 200
    assert clients.json()["record_count"] == sum(not c["inactive"] for c in sim.tables["Client"].values())
    assert [r.status for r in sim.requests] == [200, 200, 200]


def test_control_plane_drives_a_running_server(live):
    sim, http, _ = live
    state = http.get("/_sim/state").json()
    assert state["counts"]["Client"] == 6
    assert state["counts"]["Invoice"] == 10
    assert state["requests"] == 0
    token = http.post("/auth/token", data=FORM).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    answer = http.post("/_sim/faults", json={"rate_limit_burst": 1, "server_errors": 1, "server_error_status": 502})
    assert answer.json()["pending_faults"] == [429, 502]
    assert http.get("/api/Item", headers=headers).status_code == 429
    assert http.get("/api/Item", headers=headers).status_code == 502
    assert http.get("/api/Item", headers=headers).status_code == 200
    http.post("/_sim/faults", json={"expire_tokens": True})
    assert http.get("/api/Item", headers=headers).status_code == 401  # the 4th counted request
    assert http.get("/api/authinfo").status_code == 429  # the limiter (4) is full...
    for _ in range(5):
        assert http.get("/_sim/state").status_code == 200  # ...but never applies to /_sim
    logged = http.get("/_sim/requests").json()
    assert [row["status"] for row in logged] == [200, 429, 502, 200, 401, 429]
    assert logged[1]["path"] == "/api/Item"


def test_control_plane_permissions_latency_seed_and_reset(live):
    sim, http, _ = live
    answer = http.post("/_sim/permissions", json={"app": "read:items, read:customers"})
    assert answer.json()["app"] == ["read:customers", "read:items"]
    assert sim.app_permissions == {"read:items", "read:customers"}
    assert http.post("/_sim/permissions", json={"agent": ["read:sites"]}).status_code == 400
    http.post("/_sim/faults", json={"latency_seconds": 0.2})
    started = time.perf_counter()
    http.get("/api/authinfo")
    assert time.perf_counter() - started >= 0.2
    assert http.post("/_sim/reset").status_code == 200
    assert http.get("/_sim/state").json()["counts"]["Client"] == 0
    assert sim.faults.latency_seconds == 0
    seeded = http.post("/_sim/seed", json={"seed": 5, "customers": 3, "items": 3, "invoices": 4}).json()
    assert seeded["counts"]["Client"] == 3
    assert seeded["counts"]["Invoice"] == 4
    assert http.post("/_sim/faults", json=["not", "an", "object"]).status_code == 400
    assert http.get("/_sim/nothing").status_code == 404


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sim_halo_command_serves_until_interrupted():
    port = _free_port()
    command = [
        sys.executable, "-c", "from halo_accounts.cli.sim import sim_app; sim_app()",
        "halo", "--port", str(port), "--customers", "4", "--items", "3", "--invoices", "5",
        "--client-id", "cli-client", "--client-secret", "cli-secret", "--tenant", "cli",
        "--scopes", "read:customers,read:invoices", "--rate-limit", "0", "--forbidden-status", "403",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # noqa: S603
    try:
        first = process.stdout.readline()
        url = f"http://127.0.0.1:{port}"
        assert first.strip() == f"Halo simulator: {url}"
        printed = "".join(process.stdout.readline() for _ in range(7))
        assert "cli-client" in printed
        assert "cli-secret" not in printed
        assert "Tenant:        cli" in printed
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"{url}/api/authinfo", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.05)
        form = {"grant_type": "client_credentials", "client_id": "cli-client", "client_secret": "cli-secret",
                "scope": "all"}  # fmt: skip
        token = httpx.post(f"{url}/auth/token", params={"tenant": "cli"}, data=form).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/api/Client", headers=headers).json()["record_count"] >= 3
        assert httpx.get(f"{url}/api/Item", headers=headers).status_code == 403
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


@pytest.mark.parametrize(
    ("args", "complaint"),
    [(["--forbidden-status", "402"], "401 or 403"), (["--scopes", "all read:sites"], "read:sites")],
)
def test_sim_halo_command_refuses_bad_options(args, complaint):
    result = CliRunner().invoke(sim_app, ["halo", "--port", "0", *args])
    assert result.exit_code == 2
    assert complaint in result.output


def test_sim_halo_command_prints_its_built_in_secret_so_a_new_user_can_connect():
    command = [sys.executable, "-c", "from halo_accounts.cli.sim import sim_app; sim_app()",
               "halo", "--port", str(_free_port()), "--customers", "2", "--items", "2", "--invoices", "2"]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env) as process:  # noqa: S603
        try:
            printed = "".join(process.stdout.readline() for _ in range(3))
        finally:
            process.kill()
    assert "Client ID:     demo-client" in printed
    assert "Client secret: demo-secret" in printed  # the default anyone can read in --help
