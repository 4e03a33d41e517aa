"""Who may use the dashboard: a login with the dashboard password, and a CSRF token on every form.

The password is set with ``halo-accounts dashboard-password``, ``init``, or on the set-up page
with the one-time token ``serve`` prints, and kept only as a salted hash in the settings. Until
one is set, nobody logs in. Password checks run one at a time, off the event loop, and a wrong
one holds the next attempt back, so guessing stays at about one try a second however many are
sent at once, and nothing else the server does waits for them. Sessions live in a cookie signed
with a key made when the server starts (a restart logs everyone out), ``SameSite=Strict`` and
HTTP-only; a session is tied to the password it logged in with (changing it logs everyone out)
and logging out revokes it. Every POST carries the session's CSRF token; one without it, or with
another, changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import verify_password

__all__ = [
    "FAILED_LOGIN_DELAY", "MIN_PASSWORD", "csrf_token", "is_logged_in", "log_in", "log_out", "password_mark",
    "session_valid", "valid_csrf",
]  # fmt: skip

FAILED_LOGIN_DELAY = 1.0  # seconds a wrong password waits: guessing stays slow
MIN_PASSWORD = 10  # characters of a dashboard password
_USER = "user"
_CSRF = "csrf"
_SID = "sid"
_MARK = "password"


def is_logged_in(request: Request) -> bool:
    """Whether this session has logged in."""
    return request.session.get(_USER) == "admin"


_ONE_AT_A_TIME = threading.Lock()
_REVOKED: set[str] = set()  # sessions logged out since the server started


def _checked(password: str, stored_hash: str) -> bool:
    with _ONE_AT_A_TIME:
        if stored_hash and verify_password(password, stored_hash):
            return True
        time.sleep(FAILED_LOGIN_DELAY)  # inside the lock: the next guess waits too
        return False


def password_mark(stored_hash: str) -> str:
    """A short fingerprint of the password hash a session logged in with."""
    return hashlib.sha256(stored_hash.encode()).hexdigest()[:16]


async def log_in(request: Request, password: str, stored_hash: str) -> bool:
    """Log the session in when ``password`` is the dashboard's."""
    if not await run_in_threadpool(_checked, password, stored_hash):
        return False
    request.session.clear()  # a new session on login: no fixation
    request.session.update(
        {_USER: "admin", _CSRF: secrets.token_urlsafe(32), _SID: secrets.token_urlsafe(16),
         _MARK: password_mark(stored_hash)}
    )  # fmt: skip
    return True


def session_valid(request: Request, stored_hash: str) -> bool:
    """Logged in, with the password as it is now, and not logged out since."""
    session = request.session
    return (
        session.get(_USER) == "admin" and session.get(_SID) not in _REVOKED
        and session.get(_MARK) == password_mark(stored_hash) and bool(stored_hash)
    )  # fmt: skip


def log_out(request: Request) -> None:
    """Forget the session, and refuse its cookie from now on."""
    sid = request.session.get(_SID)
    if sid:
        _REVOKED.add(str(sid))
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get(_CSRF)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[_CSRF] = token
    return str(token)


def valid_csrf(request: Request, submitted: object) -> bool:
    """Whether a form's token is this session's."""
    expected = request.session.get(_CSRF)
    return isinstance(submitted, str) and bool(expected) and hmac.compare_digest(submitted, str(expected))
