"""The Sage 50 Canada SDK in a worker process of its own, spoken to in JSON lines over its stdin and stdout.

Why a process: the SDK is 32-bit (it loads only into a 32-bit Python, while the integrator
usually runs in a 64-bit one), it allows one open company per process (so each company gets its
own worker and several sync side by side), and a crash inside .NET then ends the worker, not
the integrator. Research sage50.md §2.2 recommends this shape.

The conversation: the client sends ``{"open": {...}}`` first (the company, the Sage user and its
password: on the pipe, never on a command line another user could read), then one request per
line, ``{"op": "parties" | "items" | "sales" | "orders", "args": ...}``; the worker answers each
line with ``{"results": [...]}`` or ``{"error": {...}}``. End of input closes the company and
ends the worker. Run ``python -m halo_accounts.connectors.sage50ca.worker`` (with the 32-bit
Python that has pythonnet) for the real SDK.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import IO, Any

from pydantic import SecretStr, TypeAdapter

from halo_accounts.connectors.sage50ca.books import SDK_CAPABILITIES, PartyWrite, SdkWriter
from halo_accounts.connectors.sage50ca.sales import Sale
from halo_accounts.connectors.sage50ca.sdk import SdkConnector, load_instance_manager
from halo_accounts.errors import ConfigError, RecordError, SyncError, TransientError
from halo_accounts.ports.books import ItemWrite, PurchaseOrderWrite, WriteResult

__all__ = ["OpenRequest", "SdkWorkerClient", "serve"]

_ERRORS: dict[str, type[SyncError]] = {"config": ConfigError, "transient": TransientError, "record": RecordError}
_ARGS: dict[str, TypeAdapter[Any]] = {
    "parties": TypeAdapter(tuple[str, list[PartyWrite]]),
    "items": TypeAdapter(list[tuple[ItemWrite, str]]),
    "sales": TypeAdapter(list[tuple[str, str, Sale]]),
    "orders": TypeAdapter(list[PurchaseOrderWrite]),
}


@dataclass(frozen=True)
class OpenRequest:
    """What the worker opens: the company (.SAI), as whom, and the SDK release it must be."""

    company_file: str
    user: str
    password: str = field(repr=False)  # never in a log or a traceback
    sdk_version: str = ""


def _error_out(error: SyncError) -> dict[str, Any]:
    kind = next((k for k, cls in _ERRORS.items() if isinstance(error, cls)), "record")
    return {"kind": kind, "message": error.user_message, "detail": error.detail, "code": error.code}


def _error_in(raw: dict[str, Any]) -> SyncError:
    return _ERRORS.get(raw.get("kind", ""), RecordError)(raw["message"], detail=raw.get("detail"), code=raw.get("code"))


def _result_out(result: WriteResult) -> dict[str, Any]:
    return {
        "halo_id": result.halo_id, "books_id": result.books_id, "version": result.version, "number": result.number,
        "total": None if result.total is None else str(result.total),
        "error": None if result.error is None else _error_out(result.error),
    }  # fmt: skip


def _result_in(raw: dict[str, Any]) -> WriteResult:
    total = raw.get("total")
    return WriteResult(
        raw["halo_id"], raw.get("books_id", ""), raw.get("version", ""), raw.get("number", ""),
        None if total is None else Decimal(total), None if raw.get("error") is None else _error_in(raw["error"]),
    )  # fmt: skip


def serve(stdin: IO[str], stdout: IO[str], open_writer: Callable[[OpenRequest], SdkWriter]) -> int:
    """The worker's loop; ``open_writer`` makes the writer for the company the first line names."""
    first = stdin.readline()
    if not first:
        return 0
    writer: SdkWriter | None = None
    refused: SyncError | None = None
    try:
        writer = open_writer(OpenRequest(**json.loads(first)["open"]))
    except SyncError as exc:  # the SDK cannot be loaded here: every request is told why
        refused = exc
    try:
        for line in stdin:
            request = json.loads(line)
            try:
                if writer is None:
                    raise refused or ConfigError("The Sage 50 SDK is not available.")
                args = _ARGS[request["op"]].validate_python(request["args"])
                op = request["op"]
                if op == "parties":
                    results = writer.write_parties(*args)
                elif op == "items":
                    results = writer.write_items(args)
                elif op == "sales":
                    results = writer.write_sales(args)
                else:
                    results = writer.write_orders(args)
                answer: dict[str, Any] = {"results": [_result_out(r) for r in results]}
            except SyncError as exc:
                answer = {"error": _error_out(exc)}
            stdout.write(json.dumps(answer) + "\n")
            stdout.flush()
    finally:
        if writer is not None:
            writer.close()
    return 0


class SdkWorkerClient:
    """The writer interface of :class:`SdkWriter`, carried out by a worker process (started at the first write)."""

    capabilities = SDK_CAPABILITIES

    def __init__(self, command: Sequence[str], request: OpenRequest) -> None:
        self._command = list(command)
        self._request = request
        self._process: subprocess.Popen[str] | None = None

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None:
            try:
                self._process = subprocess.Popen(  # noqa: S603 - our own worker, with its own arguments
                    self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    text=True, encoding="utf-8",
                )  # fmt: skip
            except OSError as exc:
                msg = (
                    f"The Sage 50 SDK worker could not start ({self._command[0]}): {exc}. Set the 32-bit Python "
                    "that has pythonnet (company add --sdk-python PATH)."
                )
                raise ConfigError(msg) from None
            self._send({"open": asdict(self._request)})
        return self._process

    def _send(self, message: dict[str, Any]) -> None:
        pipe = self._process.stdin if self._process is not None else None
        if pipe is None:
            return
        try:
            pipe.write(json.dumps(message) + "\n")
            pipe.flush()
        except (BrokenPipeError, OSError):
            pass  # the worker is gone: reading its answer says why

    def _ask(self, op: str, args: Any) -> list[WriteResult]:
        process = self._started()
        self._send({"op": op, "args": _ARGS[op].dump_python(args, mode="json")})
        assert process.stdout is not None  # noqa: S101 - a pipe
        line = process.stdout.readline()
        if not line:
            said = self._ended()
            msg = f"The Sage 50 SDK worker stopped: {said or 'it said nothing'}"
            # Whatever it was doing may have reached Sage: the engine looks before writing again.
            raise TransientError(msg, detail=said, uncertain=True)
        answer = json.loads(line)
        if "error" in answer:
            raise _error_in(answer["error"])
        return [_result_in(raw) for raw in answer["results"]]

    def _ended(self) -> str:
        process = self._process
        self._process = None
        if process is None:
            return ""
        try:
            _, err = process.communicate(timeout=30)  # closes its input first: the worker's cue to end
        except (subprocess.TimeoutExpired, OSError, ValueError):
            process.kill()
            process.wait()
            return ""
        return (err or "").strip()[-2000:]

    def write_parties(self, kind: str, writes: Sequence[PartyWrite]) -> list[WriteResult]:
        """Customers or vendors, in the worker."""
        return self._ask("parties", (kind, list(writes)))

    def write_items(self, writes: Sequence[tuple[ItemWrite, str]]) -> list[WriteResult]:
        """Items, in the worker."""
        return self._ask("items", list(writes))

    def write_sales(self, sales: Sequence[tuple[str, str, Sale]]) -> list[WriteResult]:
        """Invoices and credits, in the worker."""
        return self._ask("sales", list(sales))

    def write_orders(self, writes: Sequence[PurchaseOrderWrite]) -> list[WriteResult]:
        """Purchase orders, in the worker."""
        return self._ask("orders", list(writes))

    def close(self) -> None:
        """End of input: the worker closes the company and ends."""
        self._ended()


def _real_writer(request: OpenRequest) -> SdkWriter:
    connector = SdkConnector(
        load_instance_manager(), request.company_file, request.user, SecretStr(request.password),
        sdk_version=request.sdk_version,
    )  # fmt: skip
    return SdkWriter(connector)


if __name__ == "__main__":
    sys.exit(serve(sys.stdin, sys.stdout, _real_writer))
