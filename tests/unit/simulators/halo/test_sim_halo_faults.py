"""The rolling-window rate limiter, injected faults, the request log and reset."""

from __future__ import annotations

import time

import pytest

from halo_accounts.simulators.halo.faults import rate_limit_message

LIMIT_BODY = {"error": "Rate Limit Reached - 3 Requests per rolling 5 minute window"}


def test_rate_limit_counts_token_calls_and_answers_halos_429(make_sim, client_for, token_form):
    http = client_for(make_sim(rate_limit=3))
    token = http.post("/auth/token", data=token_form()).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get("/api/Client", headers=headers).status_code == 200
    assert http.get("/api/authinfo").status_code == 200
    refused = http.get("/api/Client", headers=headers)
    assert refused.status_code == 429
    assert refused.json() == LIMIT_BODY
    assert "retry-after" not in refused.headers
    assert http.post("/auth/token", data=token_form()).status_code == 429


def test_window_rolls_and_refused_requests_do_not_count(make_sim, client_for, clock):
    http = client_for(make_sim(rate_limit=2, rate_window_seconds=60))
    assert http.get("/api/authinfo").status_code == 200  # t=0
    clock.advance(30)
    assert http.get("/api/authinfo").status_code == 200  # t=30
    for _ in range(5):
        clock.advance(5)
        assert http.get("/api/authinfo").status_code == 429  # t=35..55, not counted
    clock.advance(5)  # t=60: the first request leaves the window
    assert http.get("/api/authinfo").status_code == 200
    assert http.get("/api/authinfo").status_code == 429
    clock.advance(30)  # t=90: the t=30 request leaves; the refused ones never counted
    assert http.get("/api/authinfo").status_code == 200


def test_rate_limit_none_disables_the_limiter(make_sim, client_for):
    http = client_for(make_sim(rate_limit=None))
    assert all(http.get("/api/authinfo").status_code == 200 for _ in range(40))


def test_message_uses_the_configured_numbers():
    assert rate_limit_message(300, 300.0) == "Rate Limit Reached - 300 Requests per rolling 5 minute window"
    assert rate_limit_message(100, 90.0) == "Rate Limit Reached - 100 Requests per rolling 1.5 minute window"


def test_retry_after_is_sent_only_when_asked(make_sim, client_for):
    sim = make_sim(rate_limit=1)
    http = client_for(sim)
    http.get("/api/authinfo")
    sim.faults.send_retry_after = 7.0
    assert http.get("/api/authinfo").headers["retry-after"] == "7"
    sim.faults.send_retry_after = 2.5
    assert http.get("/api/authinfo").headers["retry-after"] == "2.5"


def test_rate_limit_burst_hits_api_calls_not_the_token_endpoint(sim, http, auth, token_form):
    headers = auth()
    sim.faults.rate_limit_burst(2)
    first = http.get("/api/Client", headers=headers)
    assert first.status_code == 429
    assert first.json() == {"error": "Rate Limit Reached - 300 Requests per rolling 5 minute window"}
    assert http.post("/auth/token", data={"grant_type": "client_credentials"}).status_code == 401
    assert http.get("/api/authinfo").status_code == 200
    assert http.get("/api/Item", headers=headers).status_code == 429
    assert http.get("/api/Item", headers=headers).status_code == 200


def test_server_errors_then_recovery_in_injection_order(sim, http, auth):
    headers = auth()
    sim.faults.rate_limit_burst(1)
    sim.faults.server_errors(2, status=503)
    sim.faults.server_errors(1)
    assert sim.faults.pending == [429, 503, 503, 500]
    statuses = [http.get("/api/Client", headers=headers).status_code for _ in range(5)]
    assert statuses == [429, 503, 503, 500, 200]
    assert sim.faults.pending == []


def test_server_errors_need_a_5xx(sim):
    with pytest.raises(ValueError, match="5xx"):
        sim.faults.server_errors(1, status=404)


def test_latency_slows_every_request(sim, http):
    sim.faults.latency_seconds = 0.15
    started = time.perf_counter()
    assert http.get("/api/authinfo").status_code == 200
    assert time.perf_counter() - started >= 0.15
    sim.faults.latency_seconds = 0.0
    started = time.perf_counter()
    http.get("/api/authinfo")
    assert time.perf_counter() - started < 0.15


def test_expire_all_tokens_forces_a_new_token(sim, http, auth):
    headers = auth()
    assert http.get("/api/Client", headers=headers).status_code == 200
    sim.faults.expire_all_tokens()
    assert http.get("/api/Client", headers=headers).status_code == 401
    assert http.get("/api/Client", headers=auth()).status_code == 200


@pytest.mark.parametrize("revoke", [False, True])
def test_rotate_secret(sim, http, auth, token_form, revoke):
    headers = auth()
    sim.faults.rotate_secret("new-secret", revoke_tokens=revoke)
    old = http.post("/auth/token", data=token_form())
    assert old.status_code == 401
    assert old.json() == {"error": "invalid_client"}
    assert http.post("/auth/token", data=token_form(client_secret="new-secret")).status_code == 200
    assert http.get("/api/Client", headers=headers).status_code == (401 if revoke else 200)


def test_request_log_records_every_call(sim, http, auth):
    headers = auth()
    http.get("/api/Client", params={"pageinate": "true", "page_size": "5"}, headers=headers)
    http.get("/api/Nope", headers=headers)
    http.get("/_sim/state")
    assert [(r.method, r.path, r.status) for r in sim.requests] == [
        ("POST", "/auth/token", 200),
        ("GET", "/api/Client", 200),
        ("GET", "/api/Nope", 404),
    ]
    assert sim.requests[1].query == {"pageinate": "true", "page_size": "5"}


def test_reset_clears_everything_but_configuration(make_sim, client_for, token_form):
    sim = make_sim(rate_limit=6)
    http = client_for(sim)
    headers = {"Authorization": f"Bearer {http.post('/auth/token', data=token_form()).json()['access_token']}"}
    http.post("/api/Client", headers=headers, json=[{"name": "Acme"}])
    sim.faults.server_errors(3)
    sim.faults.latency_seconds = 1.0
    sim.faults.rotate_secret("rotated")
    sim.set_permissions(app={"all"})
    sim.reset()
    assert all(not rows for rows in sim.tables.values())
    assert sim.requests == []
    assert sim.faults.pending == []
    assert sim.faults.latency_seconds == 0.0
    assert sim.state.tokens == {}
    assert http.get("/api/Client", headers=headers).status_code == 401
    fresh = http.post("/auth/token", data=token_form())  # the original secret is back
    assert fresh.status_code == 200
    assert sim.app_permissions == {"all"}
    created = http.post(
        "/api/Client", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"}, json=[{"name": "B"}]
    )
    assert created.json()["id"] == 1  # counters restart
    for _ in range(3):  # the rate window was emptied too: 6 requests since the reset
        assert http.get("/api/authinfo").status_code == 200
    assert http.get("/api/authinfo").status_code == 429
