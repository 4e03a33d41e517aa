"""The project's own encoding of qbXML rules agrees with Intuit's annotated sample, element by element."""

from __future__ import annotations

import pytest

from halo_accounts.connectors.quickbooks.qbxml.catalog import REQUEST_SPECS
from halo_accounts.connectors.quickbooks.qbxml.editions import Edition, Version
from halo_accounts.connectors.quickbooks.qbxml.spec import Kind, Node
from qbxml_reference import QBXML_OPS, intuit_rules

pytestmark = pytest.mark.skipif(not QBXML_OPS.exists(), reason=f"Intuit's annotated sample is not at {QBXML_OPS}")


def walk(node: Node, path: str):
    yield node, path
    for child in node.children:
        yield from walk(child, f"{path}/{child.name}")


ALL_NODES = [(node, path) for spec in REQUEST_SPECS.values() for node, path in walk(spec, spec.name)]


def test_every_request_we_can_send_is_in_intuits_sample():
    rules = intuit_rules()
    missing = [path for _, path in ALL_NODES if path not in rules]
    assert missing == []
    assert len(ALL_NODES) > 600


@pytest.mark.parametrize("name", sorted(REQUEST_SPECS))
def test_children_are_in_intuits_order(name):
    rules = intuit_rules()
    for node, path in walk(REQUEST_SPECS[name], name):
        if not node.children:
            continue
        theirs = rules[path].children
        positions = [theirs.index(child.name) for child in node.children]
        assert positions == sorted(positions), f"{path}: {[c.name for c in node.children]} vs {theirs}"


def test_editions_versions_and_lengths_match_intuit():
    rules = intuit_rules()
    problems = []
    for node, path in ALL_NODES:
        rule = rules[path]
        ours_absent = {edition.name for edition in node.absent_in}
        if ours_absent != rule.absent_in:
            problems.append(f"{path}: absent in {sorted(ours_absent)}, Intuit says {sorted(rule.absent_in)}")
        theirs_since = Version(*rule.since) if rule.since else Version(1, 0)
        if node.since != theirs_since:
            problems.append(f"{path}: since {node.since}, Intuit says {theirs_since}")
        if node.kind is Kind.TEXT:
            for edition in Edition:
                if edition.name in rule.absent_in:
                    continue
                ours = node.limit(edition)
                theirs = rule.max_length.get(edition.name)
                if theirs is not None and ours != theirs:
                    problems.append(f"{path}: {edition.name} limit {ours}, Intuit says {theirs}")
    assert problems == []


def test_tax_code_names_are_three_characters_but_six_in_australia():
    node = REQUEST_SPECS["CustomerAddRq"].child("CustomerAdd").child("SalesTaxCodeRef").child("FullName")
    assert [node.limit(e) for e in (Edition.US, Edition.CA, Edition.UK, Edition.AU)] == [3, 3, 3, 6]
