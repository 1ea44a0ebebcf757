"""Near-duplicate warnings in the import preview, and the merge-or-keep-both answer."""

from __future__ import annotations

import pytest

from graph.formats import near_duplicates, parse_import, plan_merge
from graph.schema import Dataset, Edge, Node

RIP = Node(id="organisation:rip", type="organisation", label="Research in Practice (RiP)", refs=["2.2"])
WAVE = Node(id="initiative:wave-1", type="initiative", label="Pioneer Partners Wave 1", refs=["6.2"])
ABUSE = Node(id="topic:abuse", type="topic", label="Understanding families (types of abuse)", refs=["A1"])
WORKFORCE = Node(id="theme:workforce", type="theme", label="Workforce", refs=["4"])
EXISTING = Dataset((RIP, WAVE, ABUSE, WORKFORCE), ())


def _warnings(sheet: str) -> list[tuple[str, str, int]]:
    plan = plan_merge(EXISTING, parse_import(sheet.encode(), "kumu.csv"))
    assert plan.problems == ()
    return [(d.new.label, d.existing.id, d.distance) for d in near_duplicates(plan, EXISTING)]


@pytest.mark.parametrize(
    ("label", "distance"),
    [
        ("Research in Practice", 0),  # the case from the report: the bracketed short name set aside
        ("research in practice", 0),
        ("Reserch in Practise", 2),  # two typos
        ("RiP", 0),  # the short name in brackets
    ],
)
def test_a_label_a_small_edit_from_an_existing_node_of_the_same_type_is_caught(label, distance):
    assert _warnings(f"Label,Type\n{label},organisation\n") == [(label, "organisation:rip", distance)]


@pytest.mark.parametrize(
    ("label", "node_type"),
    [
        ("Research in Practice", "initiative"),  # another type
        ("Pioneer Partners Wave 2", "initiative"),  # numbers differ
        ("Understanding families (types of families)", "topic"),  # each has its own bracketed part
        ("Research Practice Network", "organisation"),  # more than a few edits
    ],
)
def test_different_things_are_not_flagged(label, node_type):
    assert _warnings(f"Label,Type\n{label},{node_type}\n") == []


def test_the_reason_says_why_in_words():
    plan = plan_merge(EXISTING, parse_import(b"Label,Type\nRiP,organisation\n", "k.csv"))
    (warning,) = near_duplicates(plan, EXISTING)
    assert warning.reason == "'RiP' is the short name in brackets of 'Research in Practice (RiP)'"


def test_merge_makes_the_row_the_existing_node_which_keeps_its_label_and_refs():
    sheet = b"Label,Type,Description\nResearch in Practice,organisation,Supports evidence use\nWorkforce,theme,\n"
    existing = EXISTING
    nodes_plan = plan_merge(existing, parse_import(sheet, "kumu.csv"))
    (new,) = nodes_plan.added_nodes
    merged_plan = plan_merge(existing, parse_import(sheet, "kumu.csv"), same_as={new.id: RIP.id})
    assert merged_plan.added_nodes == ()
    (change,) = merged_plan.changed_nodes
    assert change.after.label == RIP.label and change.after.refs == RIP.refs
    assert change.after.description == "Supports evidence use"


def test_a_link_in_the_same_file_as_a_merged_row_joins_the_existing_node():
    batch = parse_import(b"From,To,Type\nResearch in Practice,Workforce,works on\n", "links.csv")
    rows = parse_import(b"Label,Type\nResearch in Practice,organisation\n", "k.csv")
    new_id = plan_merge(EXISTING, rows).added_nodes[0].id
    both = type(batch)(batch.file, batch.format, rows.nodes, batch.edges)
    plan = plan_merge(EXISTING, both, same_as={new_id: RIP.id})
    assert plan.problems == () and plan.added_nodes == ()
    assert [e.source for e in plan.added_edges] == [RIP.id]


def test_keep_both_adds_the_new_node_as_planned():
    plan = plan_merge(EXISTING, parse_import(b"Label,Type\nResearch in Practice,organisation\n", "k.csv"))
    assert [n.label for n in plan.added_nodes] == ["Research in Practice"]
    assert plan.merged.nodes[-1].refs == ["Imported from k.csv"]


def test_edges_are_untouched_by_the_check():
    data = Dataset(
        (RIP, WORKFORCE), (Edge(source=RIP.id, target=WORKFORCE.id, relation="works_on", refs=["2"], basis="stated"),)
    )
    plan = plan_merge(data, parse_import(b"Label,Type\nResearch in Practice,organisation\n", "k.csv"))
    assert [d.existing.id for d in near_duplicates(plan, data)] == [RIP.id]
