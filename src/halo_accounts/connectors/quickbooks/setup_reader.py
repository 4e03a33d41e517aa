"""A read-only conversation: what a company file holds that the sync's mappings need.

It reads the tax codes, tax items and groups, accounts, terms and classes (none of which take
iterators) in one message and returns a summary. ``serve`` runs it as the Web Connector's
first update of a company, which proves the whole path (Web Connector, QuickBooks, company
file, qbXML version) before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from halo_accounts.connectors.quickbooks.conversations import Answer, Batch, Conversation, ConversationFactory
from halo_accounts.connectors.quickbooks.qbxml.build import Request
from halo_accounts.connectors.quickbooks.qbxml.host import CompanyProfile
from halo_accounts.connectors.quickbooks.qbxml.status import error_for_status
from halo_accounts.connectors.quickbooks.qbxml.tax import (
    BooksTaxRate,
    company_tax_rates,
    read_tax_codes,
    read_tax_items,
    tax_requests,
)
from halo_accounts.errors import SyncError

__all__ = ["CompanySetup", "read_company_setup"]


@dataclass
class CompanySetup:
    """What was read."""

    profile: CompanyProfile | None = None
    tax_rates: list[BooksTaxRate] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (ListID, FullName, AccountType)
    terms: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    errors: list[SyncError] = field(default_factory=list)


def read_company_setup(on_done: Callable[[CompanySetup], None] | None = None) -> ConversationFactory:
    """A conversation factory that reads the company's set-up and hands it to ``on_done``."""

    def conversation(profile: CompanyProfile) -> Conversation:
        setup = CompanySetup(profile=profile)
        requests = [
            *tax_requests(),
            Request("AccountQueryRq", {"ActiveStatus": "All"}, request_id="accounts"),
            Request("TermsQueryRq", {"ActiveStatus": "All"}, request_id="terms"),
            Request("ClassQueryRq", {"ActiveStatus": "All"}, request_id="classes"),
        ]
        answer: Answer | None = yield Batch(requests, on_error="continueOnError", progress=99)
        if answer is None or answer.failure is not None:
            error = answer.failure if answer and answer.failure else None
            if error is not None:
                setup.errors.append(error)
            if on_done:
                on_done(setup)
            return f"Could not read the company's set-up: {error.user_message if error else 'no answer'}"
        objects = {}
        for request, response in answer.pairs:
            if response is None:
                continue
            problem = error_for_status(response.status_code, response.message, f"the {request.request_id} list")
            if problem is not None:
                setup.errors.append(problem)
            objects[request.request_id] = response.objects
        codes = read_tax_codes(objects.get("tax-codes", []))
        items = read_tax_items([*objects.get("tax-items", []), *objects.get("tax-groups", [])])
        setup.tax_rates = company_tax_rates(profile.edition, codes, items)
        accounts = objects.get("accounts", [])
        setup.accounts = [(o.text("ListID"), o.text("FullName"), o.text("AccountType")) for o in accounts]
        setup.terms = [o.text("Name") for o in objects.get("terms", [])]
        setup.classes = [o.text("FullName") for o in objects.get("classes", [])]
        if on_done:
            on_done(setup)
        return (
            f"Read {profile.company_name or 'the company'} ({profile.edition.label}, {profile.product_name}): "
            f"{len(setup.tax_rates)} tax rates, {len(setup.accounts)} accounts, {len(setup.terms)} terms."
        )

    return conversation
