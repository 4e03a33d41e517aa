"""The Sage 50 SDK worker over a simulated company kept in a file: the worker protocol, end to end, anywhere.

``python -m halo_accounts.simulators.sage50ca.sdk_worker`` speaks exactly as the real worker
(:mod:`halo_accounts.connectors.sage50ca.worker`) does; the company it opens is the JSON file its
``open`` request names, saved after every change. The Sage user is whoever the request names:
the file keeps no passwords.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import SecretStr

from halo_accounts.connectors.sage50ca.books import SdkWriter
from halo_accounts.connectors.sage50ca.sdk import SdkConnector
from halo_accounts.connectors.sage50ca.worker import OpenRequest, serve
from halo_accounts.simulators.sage50ca.company import load_company
from halo_accounts.simulators.sage50ca.sdk import FakeSDKInstanceManager, SdkUser

__all__ = ["open_simulated"]


def open_simulated(request: OpenRequest) -> SdkWriter:
    """The writer over the company kept in ``request.company_file``."""
    kept = Path(request.company_file)
    company = load_company(kept)
    company.autosave = kept
    manager = FakeSDKInstanceManager({request.company_file: company}, {request.user: SdkUser(request.password)})
    password = SecretStr(request.password)
    connector = SdkConnector(
        lambda: manager, request.company_file, request.user, password, sdk_version=request.sdk_version
    )
    return SdkWriter(connector)


if __name__ == "__main__":
    sys.exit(serve(sys.stdin, sys.stdout, open_simulated))
