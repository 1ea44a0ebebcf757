"""Our own JSON export and import."""

from __future__ import annotations

import json

import pytest

from graph.data.store import dump_edges, dump_nodes
from graph.errors import DataError
from graph.formats import parse_import, to_json


def test_same_shape_as_the_data_files(graph, dataset):
    document = json.loads(to_json(graph))
    assert document["nodes"] == json.loads(dump_nodes(dataset.nodes))["nodes"]
    assert document["edges"] == json.loads(dump_edges(dataset.edges))["edges"]


def test_empty_graph(empty_graph):
    assert json.loads(to_json(empty_graph)) == {"nodes": [], "edges": []}


def test_import_keeps_json_types_and_locates_rows(graph):
    batch = parse_import(to_json(graph).encode(), "graph.json")
    assert batch.text_values is False
    want = next(row for row in batch.nodes if row.data["id"] == "message:want")
    assert want.element == "nodes[1]" and want.data["attributes"] == {"count": 3, "kind": "want"}


def test_import_takes_a_nodes_file_alone(dataset):
    batch = parse_import(dump_nodes(dataset.nodes).encode(), "nodes.json")
    assert len(batch.nodes) == len(dataset.nodes) and batch.edges == ()


def test_a_node_without_an_id_gets_one_from_type_and_label():
    batch = parse_import(b'{"nodes": [{"type": "Topic", "label": "Trauma", "refs": ["4"]}]}', "x.json")
    assert batch.nodes[0].data["id"] == "topic:trauma" and batch.nodes[0].generated_id


def test_unknown_top_level_fields_are_problems():
    batch = parse_import(b'{"nodes": [], "extra": 1}', "x.json")
    assert [(p.field, p.message) for p in batch.problems] == [("extra", "unknown field")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"nodes": [', "invalid JSON at line 1, column 12"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"nodes": [[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]}', "nested too deeply (the limit is 20 levels)"),
        (b'{"nodes": [{"count": ' + b"9" * 5000 + b"}]}", "more than 20 digits"),
        (b'{"nodes": [{"count": 1e999}]}', "too large to store"),
        (b'{"nodes": [{"count": NaN}]}', "NaN is not a number JSON allows"),
        (b'"just a string"', 'expected an object with a "nodes"'),
        (b'{"nodes": {"a": 1}}', "must be a list"),
        (b'{"elements": {"nodes": []}}', "looks like Cytoscape JSON"),
        (b"\xff\xfe\x00junk", "not UTF-8 text"),
    ],
)
def test_hostile_or_broken_json_is_one_clear_error(data, message):
    with pytest.raises(DataError) as caught:
        parse_import(data, "x.json")
    assert message in str(caught.value)
    assert caught.value.problems[0].file == "x.json"
