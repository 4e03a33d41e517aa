"""A person's mappings: what each kind maps, checked before it is kept, and what a new one sets going.

``tax``: a Halo tax rate id → a books tax code (QuickBooks US: a sales tax item). ``account``:
which books account new items use, by role (``income``, ``cogs``, ``inventory_asset``:
QuickBooks), or a Halo nominal code → Sage 50 UK's, where the two charts of accounts differ.
``item_type``: a Halo item type id → how the books hold such items (``service``,
``non_inventory``, ``inventory``). Saving a mapping sends every record waiting for it back to
the sync at once, so a tax rate mapped once releases every invoice that needed it.
"""

from __future__ import annotations

from halo_accounts.domain import ItemKind
from halo_accounts.engine.lists import requeue
from halo_accounts.errors import ConfigError
from halo_accounts.mapping.halo import DEFAULT_ITEM_KINDS
from halo_accounts.store.state import SyncState

__all__ = ["ACCOUNT_ROLES", "MAPPING_KINDS", "apply_mapping", "item_kinds", "remove_mapping"]

MAPPING_KINDS = ("tax", "account", "item_type")
ACCOUNT_ROLES = ("income", "cogs", "inventory_asset")


def _known(kind: str) -> None:
    """``ConfigError`` unless ``kind`` is a person's mapping (not one of the store's own tables)."""
    if kind not in MAPPING_KINDS:
        msg = f"There is no '{kind}' mapping: choose one of {', '.join(MAPPING_KINDS)}."
        raise ConfigError(msg)


def _checked(kind: str, halo_key: str, books_key: str) -> tuple[str, str]:
    """The mapping's two sides, trimmed; ``ConfigError`` saying what each side must be."""
    halo_key, books_key = halo_key.strip(), books_key.strip()
    _known(kind)
    if not halo_key or not books_key:
        msg = f"A {kind} mapping needs both sides: the Halo side and the books side."
        raise ConfigError(msg)
    if kind in ("tax", "item_type") and not halo_key.isdigit():
        what = "tax rate" if kind == "tax" else "item type"
        msg = f"The Halo side of a {kind} mapping is the Halo {what}'s number (e.g. 7), not '{halo_key}'."
        raise ConfigError(msg)
    # An account mapping is a role (QuickBooks: income → an account's full name) or a Halo nominal
    # code, whatever Halo holds (4000-A, SALES), to Sage 50 UK's, which is digits.
    if kind == "account" and halo_key not in ACCOUNT_ROLES and not _nominal(books_key):
        msg = (
            f"An account mapping is for one of {', '.join(ACCOUNT_ROLES)} (QuickBooks), or maps a Halo nominal "
            f"code to Sage's, up to 8 digits (Sage 50 UK): '{halo_key}' → '{books_key}' is neither."
        )
        raise ConfigError(msg)
    if kind == "item_type" and books_key not in {k.value for k in ItemKind}:
        msg = f"Items are held as {', '.join(k.value for k in ItemKind)} in the books, not '{books_key}'."
        raise ConfigError(msg)
    return halo_key, books_key


def _nominal(code: str) -> bool:
    return code.isdigit() and len(code) <= 8  # noqa: PLR2004 - Sage 50 UK's nominal codes


def apply_mapping(state: SyncState, kind: str, halo_key: str, books_key: str) -> int:
    """Check and set a mapping, and send every record waiting for it back to the sync; how many waited."""
    halo_key, books_key = _checked(kind, halo_key, books_key)
    state.set_mapping(kind, halo_key, books_key)
    waiting = state.reviews_waiting_for(f"{kind}:{halo_key}")
    for entity, halo_id in waiting:
        requeue(state, entity, halo_id)
    return len(waiting)


def remove_mapping(state: SyncState, kind: str, halo_key: str) -> None:
    """Forget one of a person's mappings (never the store's own tables: rates seen, decisions)."""
    _known(kind)
    state.delete_mapping(kind, halo_key.strip())


def item_kinds(state: SyncState) -> dict[int, ItemKind]:
    """How each Halo item type is held in the books: the defaults, as a person mapped them."""
    kinds = dict(DEFAULT_ITEM_KINDS)
    for halo_key, books_key in state.mappings("item_type").items():
        if halo_key.isdigit() and books_key in {k.value for k in ItemKind}:
            kinds[int(halo_key)] = ItemKind(books_key)
    return kinds
