"""Who may use the dashboard: a login with the dashboard password, and a CSRF token on every form.

The password is set with ``halo-accounts dashboard-password`` (or ``init``) and kept only as a
salted hash in the settings. Until one is set, the dashboard lets nobody in and says how to set
it. Sessions live in a cookie signed with a key made when the server starts (a restart logs
everyone out), ``SameSite=Strict`` and HTTP-only. Every POST carries the session's CSRF token;
one without it, or with another, changes nothing.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets

from starlette.requests import Request

from halo_accounts.connectors.quickbooks.transports.webconnector.passwords import verify_password

__all__ = ["FAILED_LOGIN_DELAY", "MIN_PASSWORD", "csrf_token", "is_logged_in", "log_in", "log_out", "valid_csrf"]

FAILED_LOGIN_DELAY = 1.0  # seconds a wrong password waits: guessing stays slow
MIN_PASSWORD = 10  # characters of a dashboard password
_USER = "user"
_CSRF = "csrf"


def is_logged_in(request: Request) -> bool:
    """Whether this session has logged in."""
    return request.session.get(_USER) == "admin"


async def log_in(request: Request, password: str, stored_hash: str) -> bool:
    """Log the session in when ``password`` is the dashboard's; a wrong one waits first."""
    if stored_hash and verify_password(password, stored_hash):
        request.session.clear()  # a new session on login: no fixation
        request.session[_USER] = "admin"
        request.session[_CSRF] = secrets.token_urlsafe(32)
        return True
    await asyncio.sleep(FAILED_LOGIN_DELAY)
    return False


def log_out(request: Request) -> None:
    """Forget the session."""
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
