"""GraphML export (Gephi) and import."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graph.data.build import build_graph
from graph.errors import DataError
from graph.formats import parse_import, to_graphml
from graph.schema import Dataset, Node, NodeType

NS = "{http://graphml.graphdrawing.org/xmlns}"


def _read(data: bytes) -> nx.MultiDiGraph:
    return nx.read_graphml(io.BytesIO(data), force_multigraph=True)


def test_round_trip_through_networkx_keeps_nodes_edges_types_and_relations(graph):
    back = _read(to_graphml(graph))
    assert set(back.nodes) == set(graph.nodes)
    assert {n: d["type"] for n, d in back.nodes(data=True)} == {n: d["type"] for n, d in graph.nodes(data=True)}
    relations = sorted((u, v, d["relation"]) for u, v, d in back.edges(data=True))
    assert relations == sorted((u, v, k) for u, v, k in graph.edges(keys=True))


def test_two_relations_between_the_same_pair_stay_two_edges(graph):
    back = _read(to_graphml(graph))
    assert back.number_of_edges("organisation:centre", "initiative:guide") == 2


def test_refs_are_joined_and_missing_values_dropped(graph):
    back = _read(to_graphml(graph))
    assert back.nodes["strand:coventry"]["refs"] == "2.1; Appendix 1"
    assert "description" not in back.nodes["strand:coventry"]
    assert back.nodes["topic:trauma"]["tags"] == "practice; trauma"
    assert back.nodes["message:want"]["count"] == 3


def test_edge_ids_are_unique_name_tokens(graph):
    root = ET.fromstring(to_graphml(graph))
    ids = [edge.get("id") for edge in root.iter(f"{NS}edge")]
    assert len(ids) == len(set(ids)) == graph.number_of_edges()
    assert "organisation:centre..funds..initiative:guide" in ids
    assert not any("|" in edge_id for edge_id in ids)


def test_gephi_reads_label_and_relation_as_labels_and_no_key_is_named_d3_or_d7(graph):
    root = ET.fromstring(to_graphml(graph))
    keys = {(key.get("for"), key.get("attr.name")): key.get("id") for key in root.iter(f"{NS}key")}
    assert ("node", "label") in keys and ("edge", "label") in keys
    assert not {"d3", "d7"} & set(keys.values())
    back = _read(to_graphml(graph))
    assert back.edges["strand:coventry", "topic:trauma", "strand:coventry..raised..topic:trauma"]["label"] == "raised"


def test_positions_and_colours_are_gephi_attributes(graph, positions, styles):
    back = _read(to_graphml(graph, positions=positions, styles=styles))
    trauma = back.nodes["topic:trauma"]
    assert (trauma["r"], trauma["g"], trauma["b"]) == (255, 128, 0)
    x, y = positions["topic:trauma"]
    assert (trauma["x"], trauma["y"]) == (x, -y)  # y up, as Gephi and Gephi Lite draw
    assert (back.nodes["strand:coventry"]["r"], back.nodes["strand:coventry"]["b"]) == (0, 255)
    assert "r" not in back.nodes["theme:workforce"]  # its colour was not a hex colour


def test_markup_and_unicode_in_labels_stay_plain_text(graph, injection, unicode_label):
    back = _read(to_graphml(graph))
    assert back.nodes["message:want"]["label"] == injection
    assert back.nodes["place:coventry"]["label"] == unicode_label
    assert back.nodes["topic:trauma"]["description"] == 'Working with "trauma" <in> practice & care'


def test_characters_xml_cannot_carry_are_replaced_not_written(dataset):
    G = build_graph(Dataset((Node(id="topic:x", type="topic", label="bell\x07here", refs=["1"]),), ()))
    assert _read(to_graphml(G)).nodes["topic:x"]["label"] == "bell\ufffdhere"


def test_empty_graph_is_valid_graphml(empty_graph):
    back = _read(to_graphml(empty_graph))
    assert back.number_of_nodes() == 0


def test_the_same_graph_gives_the_same_bytes(graph, positions):
    assert to_graphml(graph, positions) == to_graphml(graph, positions)


def test_import_reads_our_graphml(graph):
    batch = parse_import(to_graphml(graph), "graph.graphml")
    trauma = next(row.data for row in batch.nodes if row.data["id"] == "topic:trauma")
    assert trauma["refs"] == ["Appendix 1 / Frontline"]
    assert trauma["attributes"] == {"level": "frontline", "tags": "practice; trauma"}
    raised = next(row.data for row in batch.edges if row.data.get("relation") == "raised")
    assert raised == {
        "basis": "stated",
        "refs": ["Appendix 1"],
        "attributes": {"qualifier": "Families"},
        "source": "strand:coventry",
        "target": "topic:trauma",
        "relation": "raised",
    }


def test_import_of_malformed_graphml_names_line_and_column():
    with pytest.raises(DataError) as caught:
        parse_import(b"<graphml>\n<graph><node id='a'></graph>", "bad.graphml")
    assert "not well-formed XML at line 2" in str(caught.value)


def test_styles_keyed_by_node_type_with_uppercase_hex_work(graph):
    back = _read(to_graphml(graph, styles={NodeType.TOPIC: {"color": "#88CCEE", "shape": "dot"}}))
    assert (back.nodes["topic:trauma"]["r"], back.nodes["topic:trauma"]["g"], back.nodes["topic:trauma"]["b"]) == (
        136,
        204,
        238,
    )
