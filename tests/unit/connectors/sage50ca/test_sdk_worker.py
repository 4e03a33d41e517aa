"""The SDK's worker process: the same answers as in-process, its failures typed, its secrets off the command line."""

from __future__ import annotations

import sys

import pytest

from halo_accounts.connectors.sage50ca.books import PartyWrite
from halo_accounts.connectors.sage50ca.imp import Party
from halo_accounts.connectors.sage50ca.worker import OpenRequest, SdkWorkerClient
from halo_accounts.errors import ConfigError, TransientError
from halo_accounts.simulators.sage50ca import load_company, save_company, seed_company

PASSWORD = "worker-s3cret"


def request(company_file: str = r"C:\Sage\Acme.SAI") -> OpenRequest:
    return OpenRequest(company_file, "HALOSYNC", PASSWORD)


def test_the_simulated_worker_saves_customers_and_refuses_a_namesake_record_by_record(tmp_path):
    kept = tmp_path / "company.json"
    save_company(seed_company("BC"), kept)
    worker = SdkWorkerClient([sys.executable, "-m", "halo_accounts.simulators.sage50ca.sdk_worker"], request(str(kept)))
    try:
        results = worker.write_parties(
            "customer",
            [PartyWrite("1", Party("Kelowna Dental"), "", "customer 'Kelowna Dental'"),
             PartyWrite("2", Party("Kelowna Dental"), "", "customer 'Kelowna Dental'")],
        )  # fmt: skip
    finally:
        worker.close()
    assert [r.ok for r in results] == [True, False]
    assert "already exists" in results[1].error.user_message
    assert "Kelowna Dental" in load_company(kept).customers  # saved by the worker, as Sage saves at once
    assert all(PASSWORD not in part for part in worker._command)  # noqa: SLF001 - on the pipe, never the command line


def test_off_windows_the_real_worker_says_the_sdk_runs_on_windows_only():
    worker = SdkWorkerClient([sys.executable, "-m", "halo_accounts.connectors.sage50ca.worker"], request())
    try:
        with pytest.raises(ConfigError, match="Windows only"):
            worker.write_parties("customer", [PartyWrite("1", Party("A"), "", "customer 'A'")])
    finally:
        worker.close()


def test_a_worker_that_dies_mid_write_is_a_retry_that_looks_first_with_what_it_said():
    crash = "import sys; sys.stdin.readline(); sys.stdin.readline(); sys.stderr.write('CLR crashed'); sys.exit(3)"
    worker = SdkWorkerClient([sys.executable, "-c", crash], request())
    with pytest.raises(TransientError, match="CLR crashed") as caught:
        worker.write_parties("customer", [PartyWrite("1", Party("A"), "", "customer 'A'")])
    assert caught.value.uncertain  # the write may have reached Sage: the engine looks before sending again
    worker.close()


def test_a_worker_that_cannot_start_names_the_setting():
    worker = SdkWorkerClient([r"C:\Python32\no-such-python.exe"], request())
    with pytest.raises(ConfigError, match="--sdk-python"):
        worker.write_parties("customer", [])
