"""Tax rates, books → Halo: import the books' rates into Halo and keep the mapping both ways.

Each books rate is matched to a Halo tax rate by code, then name, then (when unique) rate; the
rest are created in Halo, which needs Halo's Admin permission. The mapping (Halo tax id →
books tax key) is what every later flow uses to put the right tax code on each line.
"""

from __future__ import annotations

import re

from halo_accounts.connectors.halo.resources import TAX, TaxRecord
from halo_accounts.engine.context import FlowContext
from halo_accounts.errors import ConfigError, PermissionMissingError
from halo_accounts.mapping.halo import tax_from_halo

FLOW = "tax_rates"
MAPPING = "tax"
# Each side's rates as last read ("<rate>|<name>" by Halo id / books key), kept for showing only.
SEEN_HALO, SEEN_BOOKS = "tax_seen_halo", "tax_seen_books"


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[^a-z0-9]+", text.casefold()) if len(word) >= 3}


def run(ctx: FlowContext) -> None:
    """Match or create a Halo tax rate for every books rate."""
    halo_rates = [tax_from_halo(record) for record in ctx.halo.iterate(TAX)]
    books_rates = ctx.books.tax_rates()
    if not ctx.dry_run:  # both sides' names and rates, for the dashboard to show beside each mapping
        ctx.state.set_mappings(SEEN_HALO, {str(h.halo_id): f"{h.rate}|{h.name}" for h in halo_rates})
        ctx.state.set_mappings(SEEN_BOOKS, {b.key: f"{b.rate}|{b.name}" for b in books_rates})
    mapping = ctx.state.mappings(MAPPING)
    mapped_keys = set(mapping.values())
    missing: list[TaxRecord] = []
    for rate in books_rates:
        label = f"tax rate {rate.key} ({rate.rate}%)"
        if rate.key in mapped_keys:
            ctx.report.note(FLOW, "skip", label, "already mapped")
            continue
        # The rate is the fact that matters: a code or a name only identifies a rate of the same value.
        same_rate = [h for h in halo_rates if h.rate == rate.rate and str(h.halo_id) not in mapping]
        match = next((h for h in same_rate if h.code and h.code.casefold() == rate.key.casefold()), None)
        names = (rate.name.casefold(), rate.key.casefold())
        match = match or next((h for h in same_rate if h.name.casefold() in names), None)
        if match is None and len(same_rate) > 1:  # several at this rate: the one whose name shares a word wins
            words = _words(rate.name) | _words(rate.key)
            same_rate = [h for h in same_rate if _words(h.name) & words] or same_rate
        if match is None and len(same_rate) == 1:
            match = same_rate[0]
        if match is not None:
            ctx.report.note(FLOW, "link", label, f"Halo tax rate '{match.name}'")
            mapping[str(match.halo_id)] = rate.key  # taken: a second books rate of the same value gets its own
            if not ctx.dry_run:
                ctx.state.set_mapping(MAPPING, str(match.halo_id), rate.key)
            continue
        ctx.report.note(FLOW, "create", label, "not in Halo")
        missing.append(TaxRecord(name=rate.name[:50], code=rate.key, value=rate.rate, third_party_id=rate.key))
    if ctx.dry_run or not missing:
        return
    try:
        created = ctx.halo.save(TAX, missing)  # one POST per batch, not one per rate
    except PermissionMissingError as exc:
        msg = (
            "Importing tax rates into Halo needs Halo's Admin permission, which is not granted. "
            "Tick 'Admin' on the API application's Permissions tab for this first import, or create the "
            "rates in Halo and map them with 'halo-accounts mappings'."
        )
        raise ConfigError(msg, detail=exc.detail) from None
    for wanted, record in zip(missing, created, strict=False):
        if record.id is not None and wanted.third_party_id:
            ctx.state.set_mapping(MAPPING, str(record.id), wanted.third_party_id)
