"""``--trace-dir``: every Halo exchange and every qbXML message written as numbered files, for support.

Secrets never reach a trace: Authorization headers and token bodies are masked by the same
redaction as the logs, and the registered secrets (client secret, tokens) are replaced
wherever they appear.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from pathlib import Path

import httpx

from halo_accounts.connectors.quickbooks.transports.base import Transport
from halo_accounts.logging import RedactingFilter

__all__ = ["TraceWriter", "TracingHttpTransport", "TracingQuickBooksTransport"]


class TraceWriter:
    """Numbered files in one folder; one writer is shared by every tracer of a run."""

    def __init__(self, folder: Path, redactor: RedactingFilter | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._redactor = redactor or RedactingFilter()
        self._lock = threading.Lock()
        self._count = itertools.count(1)

    def write(self, kind: str, text: str) -> Path:
        """Write one numbered, redacted file."""
        with self._lock:
            number = next(self._count)
        path = self.folder / f"{number:05d}-{kind}.txt"
        path.write_text(self._redactor.redact(text), encoding="utf-8")
        return path


class TracingHttpTransport(httpx.BaseTransport):
    """Records each Halo request and response."""

    def __init__(self, inner: httpx.BaseTransport, writer: TraceWriter) -> None:
        self._inner = inner
        self._writer = writer

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, and trace both directions."""
        headers = "\n".join(f"{k}: {'***' if k.lower() == 'authorization' else v}" for k, v in request.headers.items())
        body = request.read().decode("utf-8", errors="replace")
        self._writer.write("halo-request", f"{request.method} {request.url}\n{headers}\n\n{body}")
        response = self._inner.handle_request(request)
        content = response.read().decode("utf-8", errors="replace")
        self._writer.write("halo-response", f"HTTP {response.status_code}\n\n{content}")
        return response

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


class TracingQuickBooksTransport:
    """Records each qbXML message and QuickBooks' answer."""

    def __init__(self, inner: Transport, writer: TraceWriter) -> None:
        self._inner = inner
        self._writer = writer

    def begin_session(self) -> None:
        """Open the wrapped session."""
        self._inner.begin_session()

    def supported_versions(self) -> Sequence[str]:
        """The wrapped session's versions."""
        return self._inner.supported_versions()

    def process(self, qbxml: str) -> str:
        """Send one message and trace it and its answer."""
        self._writer.write("qbxml-request", qbxml)
        answer = self._inner.process(qbxml)
        self._writer.write("qbxml-response", answer)
        return answer

    def end_session(self) -> None:
        """End the wrapped session."""
        self._inner.end_session()
