"""Whole-dataset validation: every problem, located."""

from graph.data.validate import parse_edges, parse_nodes

GOOD_NODES = [
    {"id": "strand:a", "type": "strand", "label": "A", "refs": ["2"]},
    {"id": "topic:t", "type": "topic", "label": "T", "refs": ["4"]},
]


def _edge(**overrides):
    return {
        "source": "strand:a",
        "target": "topic:t",
        "relation": "raised",
        "refs": ["4"],
        "basis": "stated",
        **overrides,
    }


def test_good_nodes_have_no_problems():
    nodes, problems = parse_nodes(GOOD_NODES)
    assert [n.id for n in nodes] == ["strand:a", "topic:t"] and problems == []


def test_all_node_problems_are_reported_at_once():
    raw = [{"id": "x", "type": "topc", "label": "", "refs": []}, "not an object"]
    _, problems = parse_nodes(raw, "nodes.json")
    fields = {(p.element, p.field) for p in problems}
    assert ("nodes[0] (id 'x')", "type") in fields
    assert ("nodes[0] (id 'x')", "label") in fields
    assert ("nodes[0] (id 'x')", "refs") in fields
    assert any(p.element == "nodes[1]" and "must be an object" in p.message for p in problems)


def test_duplicate_id_names_the_first_occurrence():
    _, problems = parse_nodes([*GOOD_NODES, GOOD_NODES[1]])
    assert len(problems) == 1
    assert problems[0].element == "nodes[2] (id 'topic:t')"
    assert "duplicate id 'topic:t' (first at nodes[1])" in problems[0].message


def test_dangling_endpoint_is_named():
    nodes, _ = parse_nodes(GOOD_NODES)
    _, problems = parse_edges([_edge(target="topic:missing")], nodes)
    assert [(p.field, p.message) for p in problems] == [("target", "no node has the id 'topic:missing'")]


def test_relation_between_wrong_types_is_rejected():
    nodes, _ = parse_nodes(GOOD_NODES)
    _, problems = parse_edges([_edge(source="topic:t", target="strand:a")], nodes)
    assert len(problems) == 1 and problems[0].field == "relation"
    assert "'raised' may not join topic -> strand" in problems[0].message
    assert "strand->topic" in problems[0].message


def test_unknown_relation_is_rejected():
    nodes, _ = parse_nodes(GOOD_NODES)
    _, problems = parse_edges([_edge(relation="loves")], nodes)
    assert problems[0].field == "relation" and "'loves' is not allowed" in problems[0].message


def test_duplicate_edge_is_rejected():
    nodes, _ = parse_nodes(GOOD_NODES)
    edges, problems = parse_edges([_edge(), _edge()], nodes)
    assert len(edges) == 1 and "duplicate edge (first at edges[0])" in problems[0].message


def test_wrong_field_type_is_located():
    nodes, _ = parse_nodes(GOOD_NODES)
    _, problems = parse_edges([_edge(refs="4")], nodes)
    assert problems[0].element == "edges[0] (strand:a -raised-> topic:t)" and problems[0].field == "refs"


def test_edge_to_an_invalid_node_is_not_reported_as_dangling():
    raw = [*GOOD_NODES, {"id": "topic:bad", "type": "topic", "label": "", "refs": ["4"]}]
    nodes, node_problems = parse_nodes(raw)
    _, problems = parse_edges([_edge(target="topic:bad")], nodes, known_ids={"topic:bad", *[n.id for n in nodes]})
    assert len(node_problems) == 1
    assert problems[0].message == "joins a node that is itself invalid"


# ---- text that would read differently from how it is stored is refused, located


def test_a_bidi_override_in_a_label_is_refused_at_its_node_and_field():
    raw = [GOOD_NODES[0], {**GOOD_NODES[1], "label": "Trauma \u202egnp.exe"}]
    _, problems = parse_nodes(raw, "nodes.json")
    ((file, element, field, message),) = [(p.file, p.element, p.field, p.message) for p in problems]
    assert (file, element, field) == ("nodes.json", "nodes[1] (id 'topic:t')", "label")
    assert message.startswith("contains a bidirectional override (U+202E)")


def test_control_characters_are_refused_anywhere_in_an_element_but_tabs_and_newlines_are_text():
    raw = [
        {**GOOD_NODES[0], "description": "line one\nline two\r\n\tindented"},
        {**GOOD_NODES[1], "refs": ["4", "5\x07"], "attributes": {"note\x1b": "x", "level": "frontline"}},
    ]
    _, problems = parse_nodes(raw, "nodes.json")
    assert sorted((p.element, p.field) for p in problems) == [
        ("nodes[1] (id 'topic:t')", "attributes.note\x1b"),
        ("nodes[1] (id 'topic:t')", "refs.1"),
    ]
    assert all("control character" in p.message for p in problems)


def test_an_isolate_in_an_edge_rationale_is_refused():
    nodes, _ = parse_nodes(GOOD_NODES)
    _, problems = parse_edges([_edge(basis="inferred", rationale="because \u2067x\u2069")], nodes, "edges.json")
    assert [(p.element, p.field) for p in problems] == [("edges[0] (strand:a -raised-> topic:t)", "rationale")]


def test_a_backslash_that_only_looks_like_an_escape_is_fine():
    _, problems = parse_nodes([{**GOOD_NODES[0], "label": r"C:\x07\u202e"}])
    assert problems == []


def test_an_edit_with_a_bidi_override_writes_nothing(data_dir):
    import pytest

    from graph.data.edit import add_node
    from graph.data.store import fingerprint
    from graph.errors import DataError

    before = fingerprint(data_dir)
    with pytest.raises(DataError) as caught:
        node = {"id": "topic:x", "type": "topic", "label": "\u202eevil", "refs": ["2"]}
        add_node(data_dir, node, editor="Sam", expected_version=before)
    assert caught.value.problems[0].field == "label" and fingerprint(data_dir) == before
