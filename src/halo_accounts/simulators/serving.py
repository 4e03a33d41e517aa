"""Serve any ASGI app on loopback from a background thread, or call it in-process.

``serve_in_thread(app)`` starts uvicorn in a daemon thread, waits until it is listening and
returns a ``RunningServer`` with the real ``url`` (port 0 picks a free port, read back from
the bound socket). ``stop()`` asks uvicorn to finish and joins the thread; the object is
also a context manager. Signal handlers stay with the main thread (uvicorn only installs
them there), so Ctrl+C still reaches the program.

``SyncASGITransport(app)`` is the in-process alternative for synchronous ``httpx.Client``
code: each request runs the app to completion on a private event loop, with no socket and
no thread. (Starlette's ``TestClient`` is deprecated with httpx as of Starlette 1.x.)
"""

from __future__ import annotations

import asyncio
import threading
import time
from types import TracebackType
from typing import Any

import httpx
import uvicorn

__all__ = ["RunningServer", "SyncASGITransport", "serve_in_thread"]


class SyncASGITransport(httpx.BaseTransport):
    """An ``httpx`` transport that hands each request straight to an ASGI app."""

    def __init__(self, app: Any, *, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        self._transport = httpx.ASGITransport(app=app, client=client)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the app for one request on a fresh event loop and return the whole answer."""
        content = request.read()
        replayable = httpx.Request(request.method, request.url, headers=request.headers, content=content)

        async def call() -> tuple[int, httpx.Headers, bytes]:
            response = await self._transport.handle_async_request(replayable)
            body = await response.aread()
            return response.status_code, response.headers, body

        status, headers, body = asyncio.run(call())
        return httpx.Response(status, headers=headers, content=body, request=request)


class RunningServer:
    """A uvicorn server running in a background thread."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, url: str) -> None:
        self._server = server
        self._thread = thread
        self.url = url

    @property
    def running(self) -> bool:
        """Whether the server thread is still alive."""
        return self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        """Shut the server down cleanly and wait for its thread (idempotent)."""
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _bound_port(server: uvicorn.Server) -> int:
    for listener in server.servers:
        for sock in listener.sockets:
            port: int = sock.getsockname()[1]
            return port
    msg = "uvicorn started without a listening socket"
    raise RuntimeError(msg)


def _run(server: uvicorn.Server, failures: list[BaseException]) -> None:
    try:
        server.run()
    except (SystemExit, Exception) as exc:  # uvicorn exits when it cannot bind: report, not crash
        failures.append(exc)


def serve_in_thread(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    startup_timeout: float = 10.0,
    log_level: str = "warning",
) -> RunningServer:
    """Start ``app`` under uvicorn in a daemon thread and return once it accepts requests."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        ws="none",
        lifespan="auto",
    )
    server = uvicorn.Server(config)
    failures: list[BaseException] = []
    thread = threading.Thread(target=_run, args=(server, failures), name=f"uvicorn-{host}:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            msg = f"the server on {host}:{port} stopped during startup (is the port in use?)"
            raise RuntimeError(msg) from (failures[0] if failures else None)
        if time.monotonic() > deadline:
            server.should_exit = True
            msg = f"the server on {host}:{port} did not start within {startup_timeout} s"
            raise RuntimeError(msg)
        time.sleep(0.01)
    shown = f"[{host}]" if ":" in host else host
    return RunningServer(server, thread, f"http://{shown}:{_bound_port(server)}")
