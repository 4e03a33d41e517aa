"""Pair each request of a batch with its answer by ``requestID``.

QuickBooks echoes ``requestID`` on every ``*Rs``; with ``stopOnError`` it stops at the first
failure and the requests after it get no answer at all. :func:`pair_responses` makes both
cases explicit: every request gets its response or ``None`` (not processed), never a guess by
position when ids are there.
"""

from __future__ import annotations

from collections.abc import Sequence

from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.qbxml.parse import Response
from halo_accounts.errors import FatalError

__all__ = ["pair_responses"]


def pair_responses(requests: Sequence[Request], responses: Sequence[Response]) -> list[tuple[Request, Response | None]]:
    """``(request, response or None)`` for every request, in request order."""
    if all(r.request_id for r in requests):
        ids = [r.request_id for r in requests]
        if len(set(ids)) != len(ids):
            msg = "Two requests in one qbXML batch share a requestID; answers could not be told apart."
            raise FatalError(msg)
        by_id = {response.request_id: response for response in responses}
        unknown = set(by_id) - set(ids)
        if unknown:
            msg = f"QuickBooks answered requestID {sorted(str(u) for u in unknown)[0]}, which was not asked."
            raise FatalError(msg)
        return [(request, by_id.get(request.request_id)) for request in requests]
    # Without ids QuickBooks still answers in order; anything after the last answer was not processed.
    if len(responses) > len(requests):
        msg = "QuickBooks sent more answers than requests."
        raise FatalError(msg)
    paired: list[tuple[Request, Response | None]] = []
    for position, request in enumerate(requests):
        response = responses[position] if position < len(responses) else None
        if response is not None and response.request_name != request.name:
            msg = f"QuickBooks answered {request.name} with {response.name}."
            raise FatalError(msg)
        paired.append((request, response))
    return paired
