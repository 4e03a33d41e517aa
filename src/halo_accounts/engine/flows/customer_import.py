"""Customers, books → Halo: the books' customers that no Halo client matches become Halo clients.

On when the customers flow is ``from_books`` or ``both``; it runs after the Halo → books
customers, so everything that can be matched is linked first. Only active top-level customers are
brought in (QuickBooks jobs, ``Parent:Job``, are left alone). A books customer is linked, not
created, when a Halo client already carries its books id (``accountsid``: also how a create whose
answer was lost is found on the next run) or, on the first sync, its exact name. A new client is
created with the books id set, and bound with the content hash the other direction computes, so it
does not echo back to the books as a change.
"""

from __future__ import annotations

from halo_accounts.connectors.halo.resources import CLIENT, ClientRecord
from halo_accounts.engine.context import FlowContext
from halo_accounts.engine.flows.customers import SPEC
from halo_accounts.engine.lists import name_key
from halo_accounts.errors import RecordError, TransientError
from halo_accounts.mapping.halo import content_hash, customer_from_halo
from halo_accounts.ports.books import BooksCustomer
from halo_accounts.store.state import Binding

FLOW = "customers_from_books"
ENTITY = "customer"


def _digest(record: ClientRecord) -> str:
    return content_hash(customer_from_halo(record), ignore=SPEC.ignore)


def run(ctx: FlowContext) -> None:
    """Link or create a Halo client for every active top-level books customer not bound yet."""
    state = ctx.state
    bound_books_ids = {b.books_id for b in state.bindings(ENTITY).values()}
    # The list the customers flow matched against, if it read one: customers it created since are bound.
    customers = ctx.read_once("books customer", ctx.books.customers)
    waiting = [c for c in customers if c.active and ":" not in c.name and c.books_id not in bound_books_ids]
    if not waiting:
        return  # nothing to look for: Halo is not read at all
    clients = list(ctx.halo.iterate(CLIENT, includeinactive=True))
    by_ref = {c.accountsid: c for c in clients if c.accountsid}
    bound_halo_ids = set(state.bindings(ENTITY))
    by_name: dict[str, list[ClientRecord]] = {}
    for client in clients:
        if str(client.id) not in bound_halo_ids:
            by_name.setdefault(name_key(client.name or ""), []).append(client)
    links: list[Binding] = []
    new: list[BooksCustomer] = []
    for customer in waiting:
        label = f"customer '{customer.name}' (books {customer.books_id})"
        same_name = by_name.get(name_key(customer.name), [])
        match = by_ref.get(customer.books_id) or (same_name[0] if len(same_name) == 1 else None)
        if match is not None and str(match.id) not in bound_halo_ids:
            ctx.report.note(FLOW, "link", label, f"already in Halo as client {match.id}")
            links.append(Binding(ENTITY, str(match.id), customer.books_id, customer.version, "", _digest(match)))
            bound_halo_ids.add(str(match.id))
        elif len(same_name) > 1:
            reason = f"{len(same_name)} Halo clients are named '{customer.name}'; link one with its books id."
            ctx.report.note(FLOW, "review", label, reason)
            if not ctx.dry_run:
                state.add_review(ENTITY, f"books:{customer.books_id}", reason, [str(c.id) for c in same_name])
        else:
            ctx.report.note(FLOW, "create", label, "not in Halo")
            new.append(customer)
    if ctx.dry_run:
        return
    state.bind_many(links)
    size = ctx.halo.batch_size
    for start in range(0, len(new), size):
        _create(ctx, new[start : start + size])


def _create(ctx: FlowContext, customers: list[BooksCustomer]) -> None:
    """One Halo batch; a refused batch becomes an error on each of its customers, the rest go on."""
    records = [
        ClientRecord(name=c.name, accountsid=c.books_id, accountsemailaddress=c.email or None) for c in customers
    ]
    try:
        saved = ctx.halo.save(CLIENT, records)
    except (RecordError, TransientError) as exc:
        for customer in customers:
            ctx.report.failed(FLOW, f"customer '{customer.name}' (books {customer.books_id})", exc)
        ctx.state.record_errors(ENTITY, [(f"books:{c.books_id}", exc) for c in customers])
        return
    # Bound at once, by the books id Halo now holds; a crash before this is linked on the next run.
    versions = {c.books_id: c.version for c in customers}
    ctx.state.bind_many(
        [
            Binding(ENTITY, str(s.id), s.accountsid, versions[s.accountsid], "", _digest(s))
            for s in saved
            if s.id is not None and s.accountsid in versions
        ]
    )
