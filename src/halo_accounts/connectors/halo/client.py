"""The Halo API client: paging, batched saves, rate limiting, retries and error mapping.

One ``httpx.Client`` carries the client-credentials auth flow and a rate-limited transport, so
every request (token calls included) is counted against Halo's rolling window. Retries follow
one rule: repeat only what cannot duplicate data. A 429 was refused before it was processed,
so it is always repeated after a pause; reads, deletes and updates (objects with an ``id``)
are repeated after 5xx answers and timeouts; a create that timed out or failed with a 5xx is
reported as *uncertain* and left to the engine, which checks before it tries again.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import SecretStr, ValidationError

from halo_accounts.config import Settings
from halo_accounts.connectors.halo.auth import ClientCredentialsAuth
from halo_accounts.connectors.halo.errors import error_for_response, retry_after
from halo_accounts.connectors.halo.permissions import (
    ADMIN,
    how_to_grant,
    operation_for,
    operations_for_flows,
    scopes_for,
)
from halo_accounts.connectors.halo.ratelimit import RateLimitedTransport, RollingWindowLimiter
from halo_accounts.connectors.halo.resources import HaloRecord, Resource
from halo_accounts.domain.money import as_json_number
from halo_accounts.errors import ConfigError, PermissionMissingError, TransientError

__all__ = ["HaloClient", "default_scopes"]

log = logging.getLogger(__name__)
R = TypeVar("R", bound=HaloRecord)
APPLICATION_PERMISSIONS = (
    "Configuration > Integrations > Halo API > View Applications > (this application) > Permissions"
)


def default_scopes(settings: Settings, *, include_admin: bool = False) -> list[str]:
    """The configured scopes, or the least-privilege set for the enabled flows."""
    if settings.halo.scopes:
        return list(settings.halo.scopes)
    operations = operations_for_flows(settings.flows.enabled(), include_admin=include_admin)
    return scopes_for(operations)


class HaloClient:
    """Reads and writes Halo records through its REST API."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: ClientCredentialsAuth,
        transport: httpx.BaseTransport | None = None,
        rate_limit: int | None = 300,
        rate_window_seconds: float = 300.0,
        page_size: int = 100,
        batch_size: int = 100,
        timeout_seconds: float = 30.0,
        max_attempts: int = 8,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            msg = f"The Halo URL '{base_url}' must start with https:// (set halo.url or HALO_URL)."
            raise ConfigError(msg)
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.limiter = RollingWindowLimiter(rate_limit, rate_window_seconds, clock=clock, sleep=sleep)
        inner = transport or httpx.HTTPTransport(retries=0)
        self._http = httpx.Client(
            auth=auth,
            transport=RateLimitedTransport(inner, self.limiter),
            timeout=timeout_seconds,
            headers={"Accept": "application/json"},
            follow_redirects=False,
        )
        self.page_size = page_size
        self.batch_size = batch_size
        self._max_attempts = max_attempts
        self._sleep = sleep
        self.unreadable: list[tuple[str, object, str]] = []

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        client_secret: SecretStr | None,
        *,
        scopes: Sequence[str] | None = None,
        transport: httpx.BaseTransport | None = None,
        on_token: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> HaloClient:
        """Build a client from settings; raises ``ConfigError`` naming what is missing."""
        halo = settings.halo
        missing = [name for name, value in (("halo.url", halo.url), ("halo.client_id", halo.client_id)) if not value]
        if client_secret is None:
            missing.append("the client secret")
        if missing:
            msg = (
                f"Halo is not configured: {', '.join(missing)} missing. Run 'halo-accounts config set' "
                "and 'halo-accounts config set-secret', or set HALO_URL, HALO_CLIENT_ID and HALO_CLIENT_SECRET."
            )
            raise ConfigError(msg)
        assert client_secret is not None
        auth = ClientCredentialsAuth(
            base_url=halo.url,
            client_id=halo.client_id,
            client_secret=client_secret,
            scopes=list(scopes) if scopes is not None else default_scopes(settings),
            tenant=halo.tenant,
            auth_url=halo.auth_url,
            on_token=on_token,
        )
        return cls(
            base_url=halo.url,
            auth=auth,
            transport=transport,
            rate_limit=halo.rate_limit or None,
            rate_window_seconds=halo.rate_window_seconds,
            page_size=halo.page_size,
            batch_size=halo.batch_size,
            timeout_seconds=halo.timeout_seconds,
            sleep=sleep,
        )

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far, token calls and retries included."""
        return self.limiter.acquired

    def close(self) -> None:
        """Close connections."""
        self._http.close()

    def __enter__(self) -> HaloClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------

    def iterate(self, resource: Resource[R], **filters: object) -> Iterator[R]:
        """Every record matching ``filters``, fetched page by page as the caller iterates."""
        params = {key: _param(value) for key, value in filters.items() if value is not None}
        if not resource.pageable:
            body = self._get_json(resource, f"/api/{resource.name}", params)
            yield from self._parse_rows(resource, _list_of(body, resource.list_key))
            return
        page_no = 1
        seen: set[object] = set()
        while True:
            page_params = {**params, "pageinate": "true", "page_size": str(self.page_size), "page_no": str(page_no)}
            body = self._get_json(resource, f"/api/{resource.name}", page_params)
            rows = _list_of(body, resource.list_key)
            # Skip rows already given on an earlier page (records inserted while paging shift pages).
            fresh = [row for row in rows if not (isinstance(row, dict) and row.get("id") in seen)]
            seen.update(row.get("id") for row in fresh if isinstance(row, dict))
            yield from self._parse_rows(resource, fresh)
            if len(rows) > self.page_size:
                return  # the server ignored paging and sent everything at once
            total = body.get("record_count") if isinstance(body, dict) else None
            if isinstance(total, int | Decimal):
                if page_no * self.page_size >= total or not rows:
                    return
            elif len(rows) < self.page_size:
                return
            page_no += 1

    def first(self, resource: Resource[R], **filters: object) -> R | None:
        """The first matching record or ``None``, in one small request (a cheap probe)."""
        params = {key: _param(value) for key, value in filters.items() if value is not None}
        if resource.pageable:
            params.update({"pageinate": "true", "page_size": "1", "page_no": "1"})
        rows = _list_of(self._get_json(resource, f"/api/{resource.name}", params), resource.list_key)
        return next(self._parse_rows(resource, rows[:1]), None)

    def login(self) -> None:
        """Fetch a token now, so that login problems show before any data is touched."""
        flow = self.auth.fetch_token_flow()
        try:
            request = next(flow)
            while True:
                response = self._send_raw(request)
                request = flow.send(response)
        except StopIteration:
            return

    def get(self, resource: Resource[R], record_id: int, **params: object) -> R:
        """One record by id; ``NotFoundError`` when Halo has no such record."""
        query = {key: _param(value) for key, value in params.items() if value is not None}
        body = self._get_json(resource, f"/api/{resource.name}/{record_id}", query, what=f"{resource.noun} {record_id}")
        return resource.model.model_validate(body)

    # -- writing -------------------------------------------------------------------------

    def save(self, resource: Resource[R], records: Sequence[R]) -> list[R]:
        """Create (no ``id``) or update (with ``id``) records, ``batch_size`` per POST.

        Returns Halo's saved records in the order given. Only the fields set on each record
        are sent.
        """
        saved: list[R] = []
        for start in range(0, len(records), self.batch_size):
            batch = records[start : start + self.batch_size]
            bodies = [record.to_body() for record in batch]
            updates_only = all(isinstance(body.get("id"), int) and body["id"] > 0 for body in bodies)
            response = self._send(
                "POST",
                f"/api/{resource.name}",
                resource=resource,
                write=True,
                content=_encode(bodies),
                what=_describe(resource, bodies),
                repeatable=updates_only,
            )
            payload = _decode(response)
            rows = payload if isinstance(payload, list) else [payload]
            saved.extend(resource.model.model_validate(row) for row in rows if isinstance(row, dict))
        return saved

    def delete(self, resource: Resource[R], record_id: int, **params: object) -> None:
        """Delete one record; deleting what is already gone counts as done."""
        query = {key: _param(value) for key, value in params.items() if value is not None}
        response = self._send(
            "DELETE",
            f"/api/{resource.name}/{record_id}",
            resource=resource,
            write=True,
            params=query,
            what=f"{resource.noun} {record_id}",
            repeatable=True,
            missing_ok=True,
        )
        del response

    # -- plumbing ------------------------------------------------------------------------

    def _get_json(self, resource: Resource[Any], path: str, params: Mapping[str, str], what: str | None = None) -> Any:
        response = self._send(
            "GET",
            path,
            resource=resource,
            write=False,
            params=params,
            what=what or f"the {resource.noun} list",
            repeatable=True,
        )
        return _decode(response)

    def _send_raw(self, request: httpx.Request) -> httpx.Response:
        """Send a request outside the auth flow (the auth flow's own token calls)."""
        try:
            response = self._http.send(request, auth=None)
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from None
        response.read()
        return response

    def _unreachable(self, exc: Exception) -> TransientError:
        msg = f"Cannot connect to Halo at {self.base_url} ({type(exc).__name__}). Check halo.url and the network."
        return TransientError(msg, detail=type(exc).__name__)

    def _parse_rows(self, resource: Resource[R], rows: list[Any]) -> Iterator[R]:
        for row in rows:
            try:
                yield resource.model.model_validate(row)
            except ValidationError as exc:
                record_id = row.get("id") if isinstance(row, dict) else None
                reason = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                self.unreadable.append((resource.name, record_id, reason))
                log.warning("Skipped unreadable Halo %s %s: %s", resource.noun, record_id, reason)

    def _send(
        self,
        method: str,
        path: str,
        *,
        resource: Resource[Any],
        write: bool,
        what: str,
        repeatable: bool,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
        missing_ok: bool = False,
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json; charset=utf-8"} if content is not None else None
        for attempt in range(1, self._max_attempts + 1):
            last = attempt == self._max_attempts
            try:
                response = self._http.request(
                    method, self.base_url + path, params=params, content=content, headers=headers
                )
            except httpx.ConnectError as exc:
                # Nothing reached Halo, so repeating is always safe.
                if last:
                    raise self._unreachable(exc) from None
                self._sleep(_backoff(attempt, base=1.0, cap=30.0))
                continue
            except httpx.TransportError as exc:
                if repeatable and not last:
                    self._sleep(_backoff(attempt, base=1.0, cap=30.0))
                    continue
                msg = f"Halo did not answer in time while saving {what}; it may or may not have been saved."
                if repeatable:
                    msg = f"Halo did not answer in time for {what}; it will be tried again on the next run."
                raise TransientError(msg, record=what, detail=type(exc).__name__, uncertain=not repeatable) from None
            status = response.status_code
            if status < 300 or (missing_ok and status == 404):
                return response
            if status in (401, 403):
                raise self._permission_error(resource, write, method, path)
            if status == 429 and not last:
                self.limiter.hold_off(retry_after(response) or _backoff(attempt, base=5.0, cap=60.0))
                continue
            if status >= 500 and repeatable and not last:
                self._sleep(retry_after(response) or _backoff(attempt, base=1.0, cap=30.0))
                continue
            error = error_for_response(response, what)
            if status >= 500 and not repeatable and isinstance(error, TransientError):
                error.uncertain = True
            raise error
        msg = f"Halo kept refusing {what}."  # pragma: no cover - the loop always returns or raises
        raise TransientError(msg)

    def _permission_error(self, resource: Resource[Any], write: bool, method: str, path: str) -> PermissionMissingError:
        operation = operation_for(resource.name, write=write)
        scopes = set(self.auth.scopes)
        requested = (
            operation.scope in scopes
            or (operation.scope.startswith("read:") and f"edit:{operation.scope[5:]}" in scopes)
            or (operation.scope != ADMIN and bool(scopes & {"all", "all:standard"}))
        )
        if requested:
            fix = how_to_grant(operation)
        else:
            fix = (
                f"The integrator did not ask for scope '{operation.scope}': "
                "add it to halo.scopes or leave halo.scopes empty."
            )
        msg = f"Halo refused to {operation.purpose}: permission '{operation.permission}' is missing. {fix}"
        return PermissionMissingError(
            msg, scope=operation.scope, permission=operation.permission, detail=f"{method} {path} -> 401/403"
        )


def _backoff(attempt: int, *, base: float, cap: float) -> float:
    return float(min(cap, base * 2 ** (attempt - 1)))


def _param(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(_param(v) for v in value)
    return str(value)


def _json_default(value: object) -> object:
    # Halo's schema declares RFC 3339 date-times, so bodies carry an explicit UTC offset.
    if isinstance(value, Decimal):
        return as_json_number(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    msg = f"cannot send {type(value).__name__} to Halo"
    raise TypeError(msg)


def _encode(bodies: list[dict[str, Any]]) -> bytes:
    return json.dumps(bodies, default=_json_default, ensure_ascii=False).encode("utf-8")


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return json.loads(response.text, parse_float=Decimal)
    except ValueError:
        msg = (
            f"Halo answered {response.request.method} {response.request.url.path} with something that is not "
            "JSON. Check halo.url: it must be the Halo address itself, not a login or proxy page."
        )
        raise ConfigError(msg) from None


def _list_of(body: Any, key: str) -> list[Any]:
    """Rows of a list answer: Halo's envelope ``{record_count, <key>: [...]}`` or a bare array."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        rows = body.get(key)
        if isinstance(rows, list):
            return rows
        # An envelope under a key we did not expect: take its one list of objects.
        lists = [v for v in body.values() if isinstance(v, list) and all(isinstance(r, dict) for r in v)]
        if len(lists) == 1:
            return lists[0]
        if not lists:
            return []
    msg = f"Halo's list answer has an unexpected shape (expected a '{key}' array)."
    raise ConfigError(msg)


def _describe(resource: Resource[Any], bodies: list[dict[str, Any]]) -> str:
    if len(bodies) == 1:
        body = bodies[0]
        label = body.get("name") or body.get("invoicenumber") or body.get("po_ref")
        ident = f"id {body['id']}" if body.get("id") else "new"
        return f"{resource.noun} '{label}' ({ident})" if label else f"{resource.noun} ({ident})"
    ids = [str(b["id"]) for b in bodies if b.get("id")]
    shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
    return f"{len(bodies)} {resource.noun} records" + (f" (ids {shown})" if ids else "")
