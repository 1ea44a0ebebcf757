"""Whole-dataset validation: every problem, located."""

from graph.validate import parse_edges, parse_nodes

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
