"""Benchmark: the Halo client reading a large tenant and writing back, against the in-process simulator.

Prints one JSON line: Halo requests used and the minimum the page and batch sizes allow, records
per second, peak memory, and the wall time modelled under hosted Halo's limit of 300 requests
per rolling 5 minutes beside a naive one-request-per-record integrator.

    python benchmarks/halo_client.py --customers 2000 --items 500 --invoices 10000
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from measure import peak_rss_mb
from pydantic import SecretStr

from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.client import HaloClient
from halo_accounts.connectors.halo.resources import CLIENT, INVOICE, ITEM, SITE, InvoiceRecord
from halo_accounts.simulators.halo import HaloSimulator, seed_tenant
from halo_accounts.simulators.serving import SyncASGITransport

HALO_LIMIT, HALO_WINDOW = 300, 300.0


def modelled_seconds(requests: int) -> float:
    """Wall time forced by a rolling window: the first window is free, then one per second."""
    return max(0.0, (requests - HALO_LIMIT) * HALO_WINDOW / HALO_LIMIT)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--invoices", type=int, default=10000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args(argv)

    sim = HaloSimulator(client_id="bench", client_secret="bench-secret", tenant="bench", rate_limit=None)
    seed_tenant(sim, seed=1, customers=args.customers, items=args.items, invoices=args.invoices)
    counts = {name: len(sim.tables[name]) for name in ("Client", "Site", "Item", "Invoice")}
    auth = ClientCredentialsAuth(
        base_url="http://halo.bench",
        client_id="bench",
        client_secret=SecretStr("bench-secret"),
        scopes=["edit:customers", "edit:items", "edit:invoices"],
        tenant="bench",
    )
    client = HaloClient(
        base_url="http://halo.bench",
        auth=auth,
        transport=SyncASGITransport(sim.app),
        rate_limit=None,
        page_size=args.page_size,
        batch_size=args.batch_size,
    )
    started = time.perf_counter()
    read = {
        "Client": sum(1 for _ in client.iterate(CLIENT, includeinactive=True)),
        "Site": sum(1 for _ in client.iterate(SITE, includeinactive=True)),
        "Item": sum(1 for _ in client.iterate(ITEM, includeinactive=True)),
        "Invoice": 0,
    }
    write_backs = []
    for invoice in client.iterate(INVOICE, includelines=True, includecredits=True):
        read["Invoice"] += 1
        write_backs.append(InvoiceRecord(id=invoice.id, posted=True, accountsid=f"TXN-{invoice.id}"))
    client.save(INVOICE, write_backs)
    elapsed = time.perf_counter() - started
    client.close()

    assert read == counts, (read, counts)
    records = sum(read.values())
    minimum = (
        2 + sum(math.ceil(n / args.page_size) for n in read.values()) + math.ceil(len(write_backs) / args.batch_size)
    )
    naive = records + len(write_backs)  # one GET per record, one POST per write-back
    print(
        json.dumps(
            {
                "benchmark": "halo_client",
                "records_read": records,
                "records_written": len(write_backs),
                "halo_requests": client.request_count,
                "halo_requests_minimum": minimum,
                "records_per_second": round((records + len(write_backs)) / elapsed),
                "seconds": round(elapsed, 2),
                "peak_rss_mb": peak_rss_mb(),
                "modelled_wall_seconds_under_halo_limit": modelled_seconds(client.request_count),
                "modelled_wall_seconds_naive": modelled_seconds(naive),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
