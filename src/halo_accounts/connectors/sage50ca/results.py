"""The Sage 50 Canada SDK's ``SDKResult`` values as the integrator's errors, each with its fix.

Names and meanings from the SDK's member documentation (``Sage_SA.SDK.XML``, research sage50.md
§2.2). A setting or a right to change stops the run once (``ConfigError``); Sage's own services
not running or busy are tried again later (``TransientError``).
"""

from __future__ import annotations

from halo_accounts.errors import ConfigError, SyncError, TransientError

__all__ = ["SUCCESS_RESULTS", "sdk_error"]

SUCCESS_RESULTS = frozenset({"SUCCESS", "SUCCESS_RETURN_TRUE", "SUCCESS_RETURN_FALSE"})

_CONNECTION_MANAGER = (
    "Sage 50's Connection Manager {what}. Start it on the PC that holds the company (Windows Services, "
    "'Sage 50 Connection Manager'), or restart that PC, then sync again."
)
_CONFIG: dict[str, str] = {
    "FAIL_PATH_NOT_EXIST": "The company file (.SAI) or its folder does not exist. Check the company's file setting.",
    "FAIL_CONNECTIONMGR_AUTH": "Sage 50's Connection Manager refused the integrator. Reinstall the SDK to match.",
    "FAIL_CONNECTIONMGR_VER": (
        "Sage 50's Connection Manager is another version than the SDK here. Install the SDK of the installed "
        "Sage 50 release."
    ),
    "FAIL_FILEREADONLY": (
        "The company's files or folders are read-only, or this Windows user may not write to them. Give the "
        "service's user write access to the company folder."
    ),
    "FAIL_INVALID_SECURITY_DETAILS": (
        "Sage 50 refused the security settings given. Check the Sage user and password set for this company."
    ),
    "FAIL_USER_LOGON_FAILED": (
        "Sage 50 refused the log-on: the password is wrong, or the user has no third-party access. In Sage 50, "
        "Setup > Set Up Users, give the integration user 'Read and write data' for third-party products, and "
        "set its password again with 'halo-accounts company password NAME'."
    ),
    "FAIL_NOT_REMOTE_DATA_ACCESS_DATABASE": "This is not a Remote Data Access company. Point at the local .SAI file.",
    "FAIL_RDA_DATABASE_READONLY_MODE": (
        "The Remote Data Access company is open read-only. Open it in multi-user mode from Sage 50, or use the "
        "local company file."
    ),
    "FAIL_NO_SAGEID_SIGNIN": "Remote Data Access needs a Sage ID sign-in. Sign in from Sage 50 on this PC, then sync.",
}
_TRANSIENT: dict[str, str] = {
    "FAIL": "Sage 50 could not complete the action. It is tried again on the next run.",
    "FAIL_FILENOTFOUND_LOSTSHARE": "The network share with the company is not reachable. It is tried again next run.",
    "FAIL_CONNECTIONMGR_NONE": _CONNECTION_MANAGER.format(what="is not running"),
    "FAIL_CONNECTIONMGR_INIT": _CONNECTION_MANAGER.format(what="did not answer"),
    "FAIL_CONNECTIONMGR_TOOMANY": "Sage 50 has as many connections as it allows. The sync tries again later.",
    "FAIL_CONNECTIONMGR_NOPORTS": "Sage 50's Connection Manager has no free port. The sync tries again later.",
    "FAIL_MYSQL_INIT": _CONNECTION_MANAGER.format(what="could not start the company's database"),
    "FAIL_MYSQL_MEM": "The company's PC ran out of memory starting its database. Free some; it is tried again.",
    "FAIL_MYSQL_NOTRUNNING": _CONNECTION_MANAGER.format(what="lost the company's database"),
    "FAIL_MYSQL_TIMEOUT": "The company's database did not answer in time. It is tried again on the next run.",
    "FAIL_MYSQL_CLOSE": "The company's database did not close cleanly. It is tried again on the next run.",
    "FAIL_ANOTHER_DATABASE_IS_OPEN": (
        "The SDK already has another company open in this process (it allows one). The sync tries again once "
        "it is closed."
    ),
    "FAIL_DATABASE_CONNECTION_FAILED": "The company's database could not be reached. It is tried again next run.",
    "FAIL_INIT_REMOTE_DATA_ACCESS": "Remote Data Access could not connect. It is tried again on the next run.",
}


def sdk_error(result: str, alert: str = "") -> SyncError:
    """The error for a failed SDK call; ``alert`` is the last alert Sage raised (why a Post() failed)."""
    detail = f"SDKResult {result}" + (f"; Sage said: {alert}" if alert else "")
    if result in _CONFIG:
        return ConfigError(_CONFIG[result], detail=detail, code=result)
    message = _TRANSIENT.get(result, f"Sage 50 answered {result}. It is tried again on the next run.")
    return TransientError(message, detail=detail, code=result)
