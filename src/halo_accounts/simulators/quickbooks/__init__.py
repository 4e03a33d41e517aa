"""A faithful QuickBooks Desktop company file behind QuickBooks' request processor, for tests and demos.

    company = QuickBooksCompany(edition="UK")
    seed_company(company, seed=1)
    ticket = company.begin_session()
    response_xml = company.process(ticket, request_xml)     # or QuickBooksComError(hresult, message)
    company.end_session(ticket)

It checks each request message against Intuit's qbXML 13.0 XSD (when ``../shared/reference``
is present) and always against the edition rules, and answers as QuickBooks does: status
codes per request, COM HRESULTs for whole messages, iterators, EditSequence, tax per edition,
payments driving invoice balances, fault knobs (``company.faults``).

Module map: ``company`` (sessions, locking, the public object), ``processor`` (one message),
``registry`` (request → handler), ``lists``/``sales``/``payments``/``purchases``/``deletes``/
``company_info`` (the handlers), ``queries`` (filters and iterators), ``fields`` (refs and
values), ``present``/``render``/``orders`` (responses), ``tax``, ``transactions``, ``model``
(records and indexes), ``store`` (memory or SQLite), ``editions``/``rules``/``schema`` (what
each edition accepts), ``errors``, ``faults``, ``setup``/``seed``/``seed_data`` (companies).

This package never imports ``halo_accounts.connectors``: it is an independent
implementation of QuickBooks that the connector is tested against.
"""

from __future__ import annotations

from halo_accounts.simulators.quickbooks.company import QuickBooksCompany
from halo_accounts.simulators.quickbooks.editions import EDITIONS, EditionProfile
from halo_accounts.simulators.quickbooks.errors import QuickBooksComError
from halo_accounts.simulators.quickbooks.faults import QuickBooksFaults
from halo_accounts.simulators.quickbooks.seed import seed_company

__all__ = [
    "EDITIONS",
    "EditionProfile",
    "QuickBooksComError",
    "QuickBooksCompany",
    "QuickBooksFaults",
    "seed_company",
]
