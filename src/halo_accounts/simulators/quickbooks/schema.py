"""Intuit's qbXML 13.0 XSD, found beside the project and adjusted per edition, in memory only.

The XSD files are Intuit's and stay out of the repository (research §3): the simulator reads
them from ``<repo>/../shared/reference/qbxml/13.0`` when that folder exists, or from the
folder it is given, and otherwise skips schema checks (the edition rules still apply).

The XSD carries US lengths. For the other editions the schema is built with the lengths the
ops file gives for them (research §2.4/§2.5): sales tax code names and refs are 6 characters
on QBAU, ``ResaleNumber`` is 21 outside the US. The four files are merged into one document
(``xsd:include`` inlined) so those limits can be changed before lxml compiles it; nothing is
written back to disk. Compiled schemas are cached per folder and edition: compiling takes a
tenth of a second and a test suite builds hundreds of companies.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import cast

from lxml import etree

__all__ = ["SCHEMA_FILE", "default_schema_dir", "load_schema"]

SCHEMA_FILE = "qbxmlops130.xsd"
_XSD = "http://www.w3.org/2001/XMLSchema"
_NS = {"xsd": _XSD}

# (XPath to xsd:maxLength facets, editions they change in, new length): our encoding of the
# ops file's per-edition lengths for fields whose XSD length is the US one.
_LENGTHS: tuple[tuple[str, frozenset[str], int], ...] = (
    (
        "//xsd:group[@name='SalesTaxCodeListRef']//xsd:element[@name='FullName']//xsd:maxLength",
        frozenset({"QBAU"}),
        6,
    ),
    (
        "//xsd:element[@name='SalesTaxCodeRet' or @name='SalesTaxCodeAdd' or @name='SalesTaxCodeMod']"
        "/xsd:complexType/xsd:sequence/xsd:element[@name='Name']//xsd:maxLength",
        frozenset({"QBAU"}),
        6,
    ),
    ("//xsd:element[@name='ResaleNumber']//xsd:maxLength", frozenset({"QBCA", "QBUK", "QBAU"}), 21),
)


def default_schema_dir() -> Path | None:
    """``<repo>/../shared/reference/qbxml/13.0`` when this is a source checkout that has it."""
    repo = Path(__file__).resolve().parents[4]
    candidate = (repo.parent / "shared" / "reference" / "qbxml" / "13.0").resolve()
    return candidate if (candidate / SCHEMA_FILE).is_file() else None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)


def _inline_includes(root: etree._Element, folder: Path, seen: set[str]) -> None:
    for include in root.findall(f"{{{_XSD}}}include"):
        location = include.get("schemaLocation") or ""
        position = root.index(include)
        root.remove(include)
        if location in seen:
            continue
        seen.add(location)
        included = etree.parse(str(folder / location), _parser()).getroot()
        _inline_includes(included, folder, seen)
        for offset, child in enumerate(list(included)):
            root.insert(position + offset, child)


@functools.lru_cache(maxsize=16)
def load_schema(folder: str, sdk_code: str) -> etree.XMLSchema:
    """The compiled qbXML 13.0 schema in ``folder`` with ``sdk_code``'s lengths applied."""
    path = Path(folder)
    root = etree.parse(str(path / SCHEMA_FILE), _parser()).getroot()
    _inline_includes(root, path, set())
    for xpath, editions, length in _LENGTHS:
        if sdk_code in editions:
            for facet in cast(list[etree._Element], root.xpath(xpath, namespaces=_NS)):
                facet.set("value", str(length))
    return etree.XMLSchema(root)
