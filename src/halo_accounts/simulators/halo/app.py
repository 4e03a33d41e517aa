"""The wire layer: a Starlette app that turns HTTP into ``SimRequest`` and back.

Everything Halo-specific lives in ``dispatch`` and below; this adapter only reads the body,
applies the injected latency (outside the simulator lock, so a slow request does not block
the control plane) and writes JSON out.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from halo_accounts.simulators.halo.render import dumps
from halo_accounts.simulators.halo.wire import SimRequest

if TYPE_CHECKING:
    from halo_accounts.simulators.halo.simulator import HaloSimulator

__all__ = ["build_app"]

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
JSON_TYPE = "application/json; charset=utf-8"


def build_app(sim: HaloSimulator) -> Starlette:
    """Build the ASGI app serving ``sim`` (every path goes through one endpoint)."""

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        delay = sim.faults.latency_seconds
        if delay > 0 and not path.lower().startswith("/_sim"):
            await asyncio.sleep(delay)
        answer = sim.handle(
            SimRequest(
                method=request.method,
                path=path,
                query=dict(request.query_params),
                headers={key.lower(): value for key, value in request.headers.items()},
                body=body,
                base_url=str(request.base_url).rstrip("/"),
            )
        )
        return Response(
            content=dumps(answer.payload),
            status_code=answer.status,
            headers=answer.headers,
            media_type=JSON_TYPE,
        )

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=_METHODS)])
