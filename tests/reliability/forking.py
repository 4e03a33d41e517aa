"""A warm fork server for the kill-and-restart tests: each worker run is a fresh forked process.

``kill_worker.py --fork-server`` reads one JSON argument list per line; this side starts a run,
kills it with SIGKILL a chosen time after it says ``ready``, and returns its exit code and output.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("kill_worker.py")


class ForkServer:
    """``kill_worker.py --fork-server``: starts each worker run in a fresh forked process, imports warm."""

    def __init__(self, log: Path) -> None:
        self.log = log
        with log.open("a", encoding="utf-8") as sink:
            self.process = subprocess.Popen(
                [sys.executable, str(WORKER), "--fork-server"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=sink,
            )
        self._buffer = b""
        self.ready_at = 0.0

    def _line(self, deadline: float | None) -> str | None:
        """The next line of output, or None if ``deadline`` (monotonic) passes first."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([fd], [], [], timeout)
            if not readable:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                pytest.fail(f"the fork server died: {self.log.read_text(encoding='utf-8')}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8")

    def run(self, argv: list[str], kill_after: float | None) -> tuple[int, list[str]]:
        """Run one worker, SIGKILL it ``kill_after`` seconds after it is ready; (exit code, output lines)."""
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(argv) + "\n").encode("utf-8"))
        self.process.stdin.flush()
        pid: int | None = None
        kill_at: float | None = None
        lines: list[str] = []
        while True:
            line = self._line(kill_at if pid is not None else None)
            if line is None:
                assert pid is not None
                os.kill(pid, signal.SIGKILL)  # (a worker that just finished is a zombie: no effect, exit 0)
                kill_at = None
                continue
            if exit_ := re.search(r"exit (\d+) (-?\d+)$", line):  # a killed worker may leave half a line
                assert int(exit_.group(1)) == pid
                return int(exit_.group(2)), lines
            if line.startswith("started "):
                pid = int(line.split()[1])
            elif line == "ready":
                self.ready_at = time.monotonic()
                if kill_after is not None:
                    kill_at = self.ready_at + kill_after
            else:
                lines.append(line)

    def close(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()  # the fork server ends at end of input, once its worker has
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
