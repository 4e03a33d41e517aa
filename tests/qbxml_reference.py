"""Intuit's qbXML reference files, read for tests: the XSD and the edition rules in the annotated sample.

Intuit's ``qbxmlops130.xml`` shows every request with a comment per element, e.g.
``<!-- opt, max length = 3 for QBD|QBCA|QBUK, max length = 6 for QBAU, not in QBOE, v6.0 -->``.
:func:`intuit_rules` turns those comments into a rule per element path, an independent source
against which the project's own encoding and every request it builds are checked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from lxml import etree

from testsupport import REFERENCE

QBXML_XSD = REFERENCE / "qbxml" / "13.0" / "qbxmlops130.xsd"
QBXML_OPS = REFERENCE / "qbxml" / "ops" / "qbxmlops130.xml"
EDITION_TAGS = {"QBD": "US", "QBCA": "CA", "QBUK": "UK", "QBAU": "AU"}


@dataclass
class IntuitRule:
    """What Intuit's comment says about one element."""

    max_length: dict[str, int] = field(default_factory=dict)  # edition name -> limit
    absent_in: set[str] = field(default_factory=set)  # edition names
    since: tuple[int, int] | None = None
    children: list[str] = field(default_factory=list)  # child names in order


def _annotation(element: etree._Element) -> str:
    if len(element) and isinstance(element[0], etree._Comment):
        return element[0].text or ""
    following = element.getnext()
    if isinstance(following, etree._Comment) and "\n" not in (element.tail or ""):
        return following.text or ""
    return ""


def _rule(text: str) -> IntuitRule:
    rule = IntuitRule()
    for match in re.finditer(r"max length = (\d+)(?: for ([A-Z|]+))?", text):
        tags = match.group(2).split("|") if match.group(2) else list(EDITION_TAGS)
        for tag in tags:
            if tag in EDITION_TAGS:
                rule.max_length[EDITION_TAGS[tag]] = int(match.group(1))
    absent = re.search(r"not in ([A-Z|]+)", text)
    if absent:
        rule.absent_in = {EDITION_TAGS[t] for t in absent.group(1).split("|") if t in EDITION_TAGS}
    since = re.search(r"\bv(\d+)\.(\d+)", text)
    if since:
        rule.since = (int(since.group(1)), int(since.group(2)))
    return rule


@functools.cache
def intuit_rules() -> dict[str, IntuitRule]:
    """Rules by path (``CustomerAddRq/CustomerAdd/Name``) for every request in Intuit's sample."""
    parser = etree.XMLParser(remove_comments=False, recover=True, huge_tree=True, resolve_entities=False)
    root = etree.parse(str(QBXML_OPS), parser).getroot()
    rules: dict[str, IntuitRule] = {}

    def walk(element: etree._Element, path: str) -> None:
        rule = rules.setdefault(path, _rule(_annotation(element)))
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag not in rule.children:
                rule.children.append(child.tag)
            walk(child, f"{path}/{child.tag}")

    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.endswith("Rq") and element.tag not in rules:
            walk(element, element.tag)
    return rules


@functools.cache
def qbxml_schema() -> etree.XMLSchema:
    """Intuit's qbXML 13.0 schema (loads in about a second)."""
    return etree.XMLSchema(etree.parse(str(QBXML_XSD)))


def edition_violations(xml: str, edition: str, version: tuple[int, int]) -> list[str]:
    """Every element of a built message that Intuit's rules forbid for ``edition`` and ``version``."""
    rules = intuit_rules()
    problems: list[str] = []
    root = etree.fromstring(xml.encode("utf-8"))
    for request in root.find("QBXMLMsgsRq"):

        def walk(element: etree._Element, path: str) -> None:
            rule = rules.get(path)
            if rule is None:
                problems.append(f"{path}: not an element of {path.split('/')[0]} in Intuit's sample")
                return
            if edition in rule.absent_in:
                problems.append(f"{path}: not in {edition}")
            if rule.since and rule.since > version:
                problems.append(f"{path}: needs qbXML {rule.since}, message is {version}")
            limit = rule.max_length.get(edition)
            if limit is not None and len(element) == 0 and len(element.text or "") > limit:
                problems.append(f"{path}: {len(element.text or '')} > {limit} characters in {edition}")
            for child in element:
                walk(child, f"{path}/{child.tag}")

        walk(request, request.tag)
    return problems
