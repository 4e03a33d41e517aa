"""The project's own encoding of qbXML element rules: order, types, lengths, editions, versions.

Each request aggregate is a tree of :class:`Node`. Children are listed in schema order, which
QuickBooks enforces (a misplaced element fails the whole message with 0x80040400). A node says
how its value is written (``Kind``), its maximum length (one for all editions, or per edition),
the editions it does not exist in, and the qbXML version that introduced it. Tests check this
encoding against Intuit's XSD and annotated samples; the facts come from there, the format is ours.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version

__all__ = [
    "Kind",
    "Node",
    "address",
    "aggregate",
    "amount",
    "boolean",
    "date",
    "datetime",
    "enum_of",
    "guid",
    "ident",
    "integer",
    "per_edition",
    "percent",
    "price",
    "quantity",
    "ref",
    "text",
]


class Kind(enum.Enum):
    """How a value is written in qbXML (Intuit's type names in comments)."""

    TEXT = "STRTYPE"
    ID = "IDTYPE"
    BOOL = "BOOLTYPE"
    AMOUNT = "AMTTYPE"  # 2 decimals
    PRICE = "PRICETYPE"  # up to 5 decimals
    QUANTITY = "QUANTYPE"  # up to 5 decimals
    PERCENT = "PERCENTTYPE"
    DATE = "DATETYPE"
    DATETIME = "DATETIMETYPE"
    INT = "INTTYPE"
    ENUM = "ENUMTYPE"
    GUID = "GUIDTYPE"
    AGGREGATE = "aggregate"


@dataclass(frozen=True, slots=True)
class Node:
    """One element: its rules and, for an aggregate, its children in schema order."""

    name: str
    kind: Kind
    max_length: int | Mapping[Edition, int] | None = None
    absent_in: frozenset[Edition] = frozenset()
    since: Version = Version(1, 0)
    required: bool = False
    repeats: bool = False
    children: tuple[Node, ...] = ()
    values: tuple[str, ...] = ()  # allowed values of an ENUM
    one_of: tuple[str, ...] = ()  # children of which exactly one must be given (an OR group)
    # Derived once, for the builder's hot path: child by name with its position, required children.
    positions: Mapping[str, tuple[int, Node]] = field(default_factory=dict, repr=False, compare=False)
    required_children: tuple[Node, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "positions", {child.name: (i, child) for i, child in enumerate(self.children)})
        object.__setattr__(self, "required_children", tuple(c for c in self.children if c.required))

    def child(self, name: str) -> Node | None:
        """The child called ``name``, if this aggregate has one."""
        entry = self.positions.get(name)
        return entry[1] if entry else None

    def limit(self, edition: Edition) -> int | None:
        """The maximum length of this text in ``edition``."""
        if isinstance(self.max_length, Mapping):
            return self.max_length.get(edition)
        return self.max_length

    def exists_in(self, edition: Edition, version: Version) -> bool:
        """Whether QuickBooks of this edition, speaking ``version``, knows this element."""
        return edition not in self.absent_in and version >= self.since


def _editions(absent_in: str) -> frozenset[Edition]:
    return frozenset(Edition[name] for name in absent_in.split()) if absent_in else frozenset()


def _since(text: str) -> Version:
    return Version.parse(text)


def text(
    name: str,
    max_length: int | Mapping[Edition, int] | None = None,
    *,
    absent_in: str = "",
    since: str = "1.0",
    required: bool = False,
    repeats: bool = False,
) -> Node:
    """A string element."""
    return Node(name, Kind.TEXT, max_length, _editions(absent_in), _since(since), required, repeats)


def per_edition(**lengths: int) -> Mapping[Edition, int]:
    """Maximum lengths that differ by edition, e.g. ``per_edition(US=3, CA=3, UK=3, AU=6)``."""
    return MappingProxyType({Edition[name]: length for name, length in lengths.items()})


def _leaf(kind: Kind) -> Callable[..., Node]:
    def make(
        name: str, *, absent_in: str = "", since: str = "1.0", required: bool = False, repeats: bool = False
    ) -> Node:
        return Node(name, kind, None, _editions(absent_in), _since(since), required, repeats)

    make.__doc__ = f"A {kind.value} element."
    return make


ident = _leaf(Kind.ID)
boolean = _leaf(Kind.BOOL)
amount = _leaf(Kind.AMOUNT)
price = _leaf(Kind.PRICE)
quantity = _leaf(Kind.QUANTITY)
percent = _leaf(Kind.PERCENT)
date = _leaf(Kind.DATE)
datetime = _leaf(Kind.DATETIME)
integer = _leaf(Kind.INT)
guid = _leaf(Kind.GUID)


def enum_of(
    name: str, *values: str, absent_in: str = "", since: str = "1.0", required: bool = False, repeats: bool = False
) -> Node:
    """An element whose text is one of ``values``."""
    return Node(name, Kind.ENUM, None, _editions(absent_in), _since(since), required, repeats, values=values)


def aggregate(
    name: str,
    *children: Node,
    absent_in: str = "",
    since: str = "1.0",
    required: bool = False,
    repeats: bool = False,
    one_of: tuple[str, ...] = (),
) -> Node:
    """An element made of child elements, listed in schema order."""
    return Node(
        name,
        Kind.AGGREGATE,
        None,
        _editions(absent_in),
        _since(since),
        required,
        repeats,
        tuple(children),
        one_of=one_of,
    )


def ref(
    name: str,
    full_name_max: int | Mapping[Edition, int] | None = None,
    *,
    absent_in: str = "",
    since: str = "1.0",
    required: bool = False,
    repeats: bool = False,
) -> Node:
    """A reference to a list object by ``ListID`` or ``FullName`` (ListID wins when both are given)."""
    return aggregate(
        name,
        Node("ListID", Kind.ID),
        Node("FullName", Kind.TEXT, full_name_max),
        absent_in=absent_in,
        since=since,
        required=required,
        repeats=repeats,
    )


def address(name: str, *, since: str = "1.0") -> Node:
    """A postal address aggregate (Addr1..5, City, State, PostalCode, Country, Note)."""
    return aggregate(
        name,
        text("Addr1", 41),
        text("Addr2", 41),
        text("Addr3", 41),
        text("Addr4", 41, since="2.0"),
        text("Addr5", 41, since="6.0"),
        text("City", 31),
        text("State", 21),
        text("PostalCode", 13),
        text("Country", 31),
        text("Note", 41, since="6.0"),
        since=since,
    )
