"""A faithful, moto-style fake of Halo's REST API (HaloPSA / HaloITSM), for tests and demos.

    sim = HaloSimulator(client_id="demo-client", client_secret="demo-secret", tenant="demo")
    seed_tenant(sim, seed=1)
    client = starlette.testclient.TestClient(sim.app)   # or serving.serve_in_thread(sim.app)

Module map: ``permissions`` (scopes and the agent ∩ app ∩ token rule), ``fields`` and
``schemas`` (the Halo field names per entity and how input is read), ``resources`` (per
entity rules), ``state`` (tables, counters, tokens, request log), ``invoices`` (totals and
payments), ``hooks`` and ``writes`` (POST/DELETE semantics), ``listing`` (filters and
paging), ``render`` (JSON in and out), ``auth`` (token endpoint), ``faults`` (knobs and the
rate limiter), ``wire`` (transport-neutral request, response and ``ApiError``), ``dispatch``
(the request pipeline), ``rest`` (the verbs), ``admin`` (the ``/_sim`` control plane),
``app`` (Starlette glue), ``simulator`` (``HaloSimulator``), ``seed`` and ``seed_data``
(reproducible tenants).

This package never imports ``halo_accounts.connectors``: it is an independent
implementation of Halo that the real client is tested against.
"""

from __future__ import annotations

from halo_accounts.simulators.halo.faults import Faults
from halo_accounts.simulators.halo.permissions import KNOWN_SCOPES
from halo_accounts.simulators.halo.resources import ENTITIES
from halo_accounts.simulators.halo.seed import seed_tenant
from halo_accounts.simulators.halo.simulator import HaloSimulator
from halo_accounts.simulators.halo.state import RequestRecord

__all__ = [
    "ENTITIES",
    "KNOWN_SCOPES",
    "Faults",
    "HaloSimulator",
    "RequestRecord",
    "seed_tenant",
]
