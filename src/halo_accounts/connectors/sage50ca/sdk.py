"""The Sage 50 Canada SDK (``Sage_SA.SDK.dll``, .NET) as the integrator opens and writes with it.

Research sage50.md §2.2. The company is opened through ``SDKInstanceManager.Instance`` in
multi-user mode under the integrator's third-party application name and code, after
``GetDatabaseVersion`` shows the company is of the release the installed SDK is for; alerts go
to :class:`AlertRecorder`, so a ``Post()`` that answers False is explained by Sage's own words;
``CloseDatabase`` always runs. The SDK allows one open company per process, so opening is
serialised process-wide: two companies synced at once in one process take turns.

The SDK is a 32-bit assembly (``32BITREQUIRED``): it loads only into a 32-bit Python, through
pythonnet. :func:`load_instance_manager` checks both and says what to install when either is
missing.
"""

from __future__ import annotations

import struct
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from halo_accounts.connectors.sage50ca.results import sdk_error
from halo_accounts.errors import ConfigError

__all__ = ["APP_CODE", "APP_NAME", "AlertRecorder", "SdkConnector", "alert_text", "load_instance_manager"]

APP_NAME = "Halo Accounts Integrator"
APP_CODE = "HALOAI"  # the SDK takes at most 6 characters
APP_VERSION = 1
SDK_FOLDER = Path(r"C:\Program Files (x86)\Sage 50 Accounting SDK\SDK")
_ONE_COMPANY_PER_PROCESS = threading.Lock()


class AlertRecorder:
    """Sage's alerts, answered without a dialog and kept, so a refused ``Post()`` can be explained."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    @property
    def last(self) -> str:
        """The latest alert's text ("" when none)."""
        return self.texts[-1] if self.texts else ""

    def clear(self) -> None:
        """Forget earlier alerts (before each call whose failure is to be explained)."""
        self.texts.clear()

    def StopAlert(self, text: object, *_: object) -> None:  # noqa: N802 - the SDK's names
        """An error Sage would show."""
        self.texts.append(alert_text(text))

    def StopAlertNotShow(self, text: object, *_: object) -> None:  # noqa: N802
        """An error Sage would not show: kept all the same."""
        self.texts.append(alert_text(text))

    def AskAlert(self, text: object, *_: object) -> bool:  # noqa: N802
        """A question: no, so nothing happens that was not asked for."""
        self.texts.append(alert_text(text))
        return False

    def YNCAlert(self, text: object, *_: object) -> int:  # noqa: N802
        """Yes / No / Cancel: cancel."""
        self.texts.append(alert_text(text))
        return 2

    def AskSaveAlert(self, text: object, *_: object) -> int:  # noqa: N802
        """Save changes? Cancel: the integrator saves explicitly."""
        self.texts.append(alert_text(text))
        return 2


def alert_text(message: object) -> str:
    """The words of an alert: the SDK passes a ``SimplyMessage``, tests and other callers a string."""
    if isinstance(message, str):
        return message
    for name in ("Message", "Text", "MessageText", "Caption"):
        value = getattr(message, name, None)
        if isinstance(value, str) and value:
            return value
    return str(message)


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


class SdkConnector:
    """Opens one company with the SDK for the length of a ``with`` block."""

    def __init__(
        self,
        manager_factory: Callable[[], Any],
        company_file: str,
        user: str,
        password: SecretStr,
        *,
        sdk_version: str = "",
    ) -> None:
        self._manager_factory = manager_factory
        self.company_file = company_file
        self._user = user
        self._password = password
        self._sdk_version = sdk_version  # the release the installed SDK is for, e.g. "32.10"; "" = not checked
        self.alerts = AlertRecorder()

    @contextmanager
    def open(self) -> Iterator[Any]:
        """The instance manager with the company open; closed however the block ends."""
        with _ONE_COMPANY_PER_PROCESS:
            manager = self._manager_factory()
            self._check_version(manager)
            manager.SetAlertImplementation(self.alerts)
            self.alerts.clear()
            ok, result = manager.OpenDatabase(
                self.company_file, self._user, self._password.get_secret_value(), True, APP_NAME, APP_CODE,
                APP_VERSION, None,
            )  # fmt: skip
            if not ok:
                raise sdk_error(str(result), self.alerts.last)
            try:
                yield manager
            finally:
                manager.CloseDatabase()

    def _check_version(self, manager: Any) -> None:
        if not self._sdk_version:
            return
        _, version, release = manager.GetDatabaseVersion(self.company_file, None, None)
        if not version:
            msg = f"Sage 50 cannot read the company file {self.company_file}. Check the company's file setting."
            raise ConfigError(msg)
        if _version_key(str(version)) != _version_key(self._sdk_version):
            msg = (
                f"The company {self.company_file} is Sage 50 release {version}, but the Sage 50 SDK here is for "
                f"{self._sdk_version}. Install the SDK of the company's release (or update the company in Sage 50)."
            )
            raise ConfigError(msg, detail=f"database version {version}, release {release}")


def load_instance_manager(sdk_folder: Path = SDK_FOLDER) -> Callable[[], Any]:
    """``SDKInstanceManager.Instance`` of the installed SDK, through pythonnet (Windows, 32-bit Python)."""
    if sys.platform != "win32":
        msg = "The Sage 50 SDK runs on Windows only. Elsewhere, use the .IMP file transport."
        raise ConfigError(msg)
    if struct.calcsize("P") != 4:  # noqa: PLR2004 - four bytes: a 32-bit process
        msg = (
            "The Sage 50 SDK is 32-bit only, and this Python is 64-bit. Install the 32-bit (x86) Python from "
            'python.org and, with it, "pip install halo-accounts-integrator[sage50ca-sdk]"; or use the .IMP '
            "file transport."
        )
        raise ConfigError(msg)
    try:
        import clr  # type: ignore[import-not-found]  # noqa: PLC0415 - pythonnet, Windows only

        sys.path.append(str(sdk_folder))
        clr.AddReference("Sage_SA.SDK")
        from SimplySDK import SDKInstanceManager  # type: ignore[import-not-found]  # noqa: PLC0415
        from SimplySDK.Support import SDKAlert  # type: ignore[import-not-found]  # noqa: PLC0415
    except Exception as exc:
        msg = (
            f"The Sage 50 SDK could not be loaded from {sdk_folder}: {exc}. Install the Sage 50 Accounting SDK of "
            'the installed Sage 50 release, and pythonnet ("pip install halo-accounts-integrator[sage50ca-sdk]").'
        )
        raise ConfigError(msg) from None

    class DotNetAlert(SDKAlert):  # type: ignore[misc]
        """A .NET ``SDKAlert`` answering every alert the SDK has without a dialog, each kept by the recorder.

        The SDK's default implementation throws on any alert it is not given an answer for, so all
        of them are overridden (names from ``Sage_SA.SDK.XML``): errors and notices are recorded,
        questions are answered "no" / "cancel" so nothing happens that was not asked for.
        """

        __namespace__ = "HaloAccounts"

        def __init__(self, recorder: AlertRecorder) -> None:
            self.recorder = recorder

        def _keep(self, message: object) -> None:
            self.recorder.StopAlert(alert_text(message))

        def StopAlert(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def StopAlertNotShow(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def StopAlertWithLink(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def StopAlertWithLinkURL(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def StopAlertNotShowWithLink(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def StopAlertConfirm(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def InfoAlert(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def WarnAlert(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def AdviceAlert(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def AddToAdviceAlert(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def DestroyAdviceAlert(self, *_: object) -> None:  # noqa: N802
            """Nothing was shown, so nothing to take down."""

        def AlertWithIcon(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def AlertWithLogger(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def SetReadyAlert(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def TestPrintAlert(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def PrintEmailAlert(self, message: object, *_: object) -> None:  # noqa: N802
            self._keep(message)

        def AskAlert(self, message: object, *_: object) -> bool:  # noqa: N802
            return self.recorder.AskAlert(alert_text(message))

        def AskAlertAdvice(self, message: object, *_: object) -> bool:  # noqa: N802
            return self.recorder.AskAlert(alert_text(message))

        def AskAlertWithLink(self, message: object, *_: object) -> bool:  # noqa: N802
            return self.recorder.AskAlert(alert_text(message))

        def AskAlertWithLinkURL(self, message: object, *_: object) -> bool:  # noqa: N802
            return self.recorder.AskAlert(alert_text(message))

        def AskInfoAlertNotShow(self, message: object, *_: object) -> bool:  # noqa: N802
            return self.recorder.AskAlert(alert_text(message))

        def ContinueAlert(self, message: object, *_: object) -> bool:  # noqa: N802
            return self.recorder.AskAlert(alert_text(message))

        def BackupAlert(self, message: object, *_: object) -> bool:  # noqa: N802
            return self.recorder.AskAlert(alert_text(message))

        def YNCAlert(self, message: object, *_: object) -> int:  # noqa: N802
            return self.recorder.YNCAlert(alert_text(message))

        def YesAllNoAlert(self, message: object, *_: object) -> int:  # noqa: N802
            return self.recorder.YNCAlert(alert_text(message))

        def IgnoreRetryAlert(self, message: object, *_: object) -> int:  # noqa: N802
            return self.recorder.YNCAlert(alert_text(message))

        def RetryCancelAlert(self, message: object, *_: object) -> int:  # noqa: N802
            return self.recorder.YNCAlert(alert_text(message))

        def CustomAlert(self, message: object, *_: object) -> int:  # noqa: N802
            return self.recorder.YNCAlert(alert_text(message))

        def AskSaveAlert(self, *_: object) -> int:  # noqa: N802
            return self.recorder.AskSaveAlert("Save changes?")

    class Manager:
        """The SDK's instance manager, taking the recorder as its alert implementation."""

        def __getattr__(self, name: str) -> Any:
            return getattr(SDKInstanceManager.Instance, name)

        def SetAlertImplementation(self, recorder: AlertRecorder) -> None:  # noqa: N802
            SDKInstanceManager.Instance.SetAlertImplementation(DotNetAlert(recorder))

    return Manager
