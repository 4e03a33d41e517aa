"""Every ``SDKResult`` of the Sage 50 Canada SDK is a typed error with its fix (or a success)."""

from __future__ import annotations

import re

import pytest

from halo_accounts.connectors.sage50ca.results import SUCCESS_RESULTS, sdk_error
from halo_accounts.errors import ConfigError, TransientError

from testsupport import REFERENCE

SDK_DOC = REFERENCE / "sage50ca" / "Sage_SA.SDK.XML"
# The values research sage50.md §2.2 lists, so the test runs without the SDK's documentation too.
KNOWN = [
    "FAIL", "FAIL_PATH_NOT_EXIST", "FAIL_FILENOTFOUND_LOSTSHARE", "FAIL_CONNECTIONMGR_NONE", "FAIL_CONNECTIONMGR_INIT",
    "FAIL_CONNECTIONMGR_AUTH", "FAIL_CONNECTIONMGR_TOOMANY", "FAIL_CONNECTIONMGR_NOPORTS", "FAIL_CONNECTIONMGR_VER",
    "FAIL_MYSQL_INIT", "FAIL_MYSQL_MEM", "FAIL_MYSQL_NOTRUNNING", "FAIL_MYSQL_TIMEOUT", "FAIL_MYSQL_CLOSE",
    "FAIL_FILEREADONLY", "FAIL_ANOTHER_DATABASE_IS_OPEN", "FAIL_DATABASE_CONNECTION_FAILED",
    "FAIL_INVALID_SECURITY_DETAILS", "FAIL_USER_LOGON_FAILED", "FAIL_NO_SAGEID_SIGNIN",
]  # fmt: skip


def documented_results() -> list[str]:
    text = SDK_DOC.read_text(encoding="utf-8", errors="replace")
    return sorted(set(re.findall(r'name="F:SimplySDK\.SDKInstanceManager\.SDKResult\.(\w+)"', text)))


@pytest.mark.skipif(not SDK_DOC.exists(), reason="the SDK's member documentation is not in ../shared/reference")
def test_every_result_the_sdk_documents_is_known():
    failures = [r for r in documented_results() if r not in SUCCESS_RESULTS]
    assert failures
    for result in failures:
        error = sdk_error(result)
        assert error.code == result
        assert isinstance(error, ConfigError) or "again" in error.user_message
        assert f"answered {result}" not in error.user_message, f"{result} has no message of its own"


@pytest.mark.parametrize("result", KNOWN)
def test_each_failure_is_a_typed_error_with_a_fix(result):
    error = sdk_error(result, alert="The invoice number has already been used.")
    assert isinstance(error, ConfigError | TransientError)
    assert "Sage said: The invoice number has already been used." in error.detail
    assert result not in error.user_message  # plain words, not Sage's code


def test_a_refused_logon_says_which_right_to_grant():
    error = sdk_error("FAIL_USER_LOGON_FAILED")
    assert isinstance(error, ConfigError)
    assert "Setup > Set Up Users" in error.user_message
    assert "'Read and write data' for third-party products" in error.user_message
    assert isinstance(sdk_error("FAIL_CONNECTIONMGR_NONE"), TransientError)
    assert "Connection Manager is not running" in sdk_error("FAIL_CONNECTIONMGR_NONE").user_message
