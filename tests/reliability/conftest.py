"""Reliability tests: the ``long`` ones run only when asked for (CI runs the short versions).

Asked for means ``HALO_ACCOUNTS_LONG=1`` in the environment, or a marker expression that
selects them (``pytest -m long``). Otherwise they are skipped with a reason, so a plain
``pytest`` stays quick.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from reliability.forking import ForkServer

LONG_REASON = "long reliability run: set HALO_ACCOUNTS_LONG=1 or select it with -m long (CI runs the short version)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    expression = str(config.getoption("markexpr", "") or "")
    if os.environ.get("HALO_ACCOUNTS_LONG") == "1" or ("long" in expression and "not long" not in expression):
        return
    skip = pytest.mark.skip(reason=LONG_REASON)
    for item in items:
        if item.get_closest_marker("long") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def fork_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForkServer]:
    """One warm fork server per test module (POSIX only: SIGKILL and fork)."""
    if sys.platform == "win32":
        pytest.skip("SIGKILL and fork are POSIX-only")
    server = ForkServer(tmp_path_factory.mktemp("kill") / "workers.log")
    yield server
    server.close()
