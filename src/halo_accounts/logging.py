"""Structured logs with one redaction filter for secrets.

The filter removes two kinds of secret from every record before any handler sees it:
values the program registered (the client secret, tokens it received) and anything that
looks like a credential by its shape (``client_secret=...``, ``"access_token": "..."``,
``Authorization: Bearer ...``, passwords). It rewrites the message, its arguments and any
exception text, so a secret cannot leak through ``%s`` formatting or a traceback.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from collections.abc import Iterable
from pathlib import Path

__all__ = ["REDACTED", "RedactingFilter", "configure_logging", "redact"]

REDACTED = "***"

_KEY_NAMES = r"client_secret|access_token|refresh_token|id_token|password|secret|token"
_PATTERNS = (
    # key=value in form bodies, query strings and logfmt
    re.compile(rf"(?i)\b({_KEY_NAMES})=([^&\s\"',;]+)"),
    # "key": "value" in JSON
    re.compile(rf"(?i)(\"(?:{_KEY_NAMES})\"\s*:\s*\")([^\"]*)(\")"),
    # Authorization headers
    re.compile(r"(?i)\b(Bearer|Basic)\s+([A-Za-z0-9\-._~+/=]{8,})"),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Return ``text`` with registered secrets and credential-shaped values masked."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _PATTERNS[0].sub(rf"\1={REDACTED}", text)
    text = _PATTERNS[1].sub(rf"\1{REDACTED}\3", text)
    return _PATTERNS[2].sub(rf"\1 {REDACTED}", text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets; attach it to every handler."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: set[str] = {s for s in secrets if s}

    def add_secret(self, secret: str | None) -> None:
        """Register a value that must never be written (a token received at run time)."""
        if secret:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        """Mask what this filter knows in ``text``."""
        with self._lock:
            known = tuple(self._secrets)
        return redact(text, known)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = self.redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _ConsoleFormatter(logging.Formatter):
    """The console shows a traceback only when asked for detail (``--verbose``); the file always keeps it."""

    def __init__(self, *, tracebacks: bool) -> None:
        super().__init__(_FORMAT)
        self._tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self._tracebacks or not record.exc_text:
            return super().format(record)
        kept, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = kept


def configure_logging(
    level: int = logging.INFO,
    *,
    redactor: RedactingFilter | None = None,
    handler: logging.Handler | None = None,
    log_file: Path | None = None,
) -> RedactingFilter:
    """Send the integrator's logs (and httpx's) to the console and, if given, a rotating file.

    Every handler gets the one redaction filter. The file keeps INFO and above whatever the
    console shows (5 files of 5 MB), so support has the history even of quiet runs.
    """
    redactor = redactor or RedactingFilter()
    handlers: list[logging.Handler] = []
    console = handler or logging.StreamHandler()
    console.setLevel(level)
    handlers.append(console)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        rotating = logging.handlers.RotatingFileHandler(log_file, maxBytes=5 * 2**20, backupCount=5, encoding="utf-8")
        rotating.setLevel(min(level, logging.INFO))
        handlers.append(rotating)
    for each in handlers:
        each.addFilter(redactor)
        each.setFormatter(logging.Formatter(_FORMAT))
    console.setFormatter(_ConsoleFormatter(tracebacks=level <= logging.INFO))
    for name in ("halo_accounts", "httpx"):
        logger = logging.getLogger(name)
        for old in logger.handlers:
            if old not in handlers and isinstance(old, logging.FileHandler):
                old.close()  # reconfiguring (a command asks for the file) must not leak the old file
        logger.setLevel(min(h.level for h in handlers))
        logger.handlers = list(handlers)
        logger.propagate = False
    return redactor
