"""GEXF export (Gephi) and import."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import networkx as nx

from graph.formats import parse_import, to_gexf

VIZ = "{http://www.gexf.net/1.2draft/viz}"


def _read(data: bytes) -> nx.MultiDiGraph:
    return nx.read_gexf(io.BytesIO(data))


def test_round_trip_through_networkx_keeps_nodes_edges_types_and_relations(graph):
    back = _read(to_gexf(graph))
    assert isinstance(back, nx.MultiDiGraph)
    assert {n: d["type"] for n, d in back.nodes(data=True)} == {n: d["type"] for n, d in graph.nodes(data=True)}
    relations = sorted((u, v, d["relation"]) for u, v, d in back.edges(data=True))
    assert relations == sorted((u, v, k) for u, v, k in graph.edges(keys=True))
    assert back.number_of_edges("organisation:centre", "initiative:guide") == 2


def test_relation_is_the_edge_label_and_ids_are_unique(graph):
    back = _read(to_gexf(graph))
    labels = {d["id"]: d["label"] for _, _, d in back.edges(data=True)}
    assert labels["organisation:centre|runs|initiative:guide"] == "runs"
    assert len(labels) == graph.number_of_edges()


def test_viz_colour_size_and_mirrored_position_for_gephi(graph, positions, styles):
    root = ET.fromstring(to_gexf(graph, positions=positions, styles=styles, sizes={"topic:trauma": 20.5}))
    node = next(n for n in root.iter("{http://www.gexf.net/1.2draft}node") if n.get("id") == "topic:trauma")
    colour = node.find(f"{VIZ}color")
    position = node.find(f"{VIZ}position")
    assert (colour.get("r"), colour.get("g"), colour.get("b"), colour.get("a")) == ("255", "128", "0", None)
    x, y = positions["topic:trauma"]
    assert (float(position.get("x")), float(position.get("y"))) == (x, -y)  # y up, as Gephi draws
    assert node.find(f"{VIZ}size").get("value") == "20.5"
    back = _read(to_gexf(graph, positions=positions, styles=styles))
    assert back.nodes["topic:trauma"]["viz"]["color"] == {"r": 255, "g": 128, "b": 0, "a": 1.0}  # opaque by default


def test_values_keep_their_types_and_text_is_escaped(graph, injection, unicode_label):
    back = _read(to_gexf(graph))
    assert back.nodes["message:want"]["count"] == 3
    assert back.nodes["message:want"]["label"] == injection
    assert back.nodes["place:coventry"]["label"] == unicode_label
    assert back.nodes["topic:trauma"]["refs"] == "Appendix 1 / Frontline"


def test_no_date_stamp_so_the_same_graph_gives_the_same_bytes(graph):
    data = to_gexf(graph)
    assert b"lastmodifieddate" not in data
    assert data == to_gexf(graph)


def test_empty_graph_is_valid_gexf(empty_graph):
    assert _read(to_gexf(empty_graph)).number_of_nodes() == 0


def test_import_reads_our_gexf_without_the_viz_data(graph, positions, styles):
    batch = parse_import(to_gexf(graph, positions, styles), "graph.gexf")
    trauma = next(row.data for row in batch.nodes if row.data["id"] == "topic:trauma")
    assert trauma["label"] == "Trauma-informed practice"
    assert "viz" not in trauma and "viz" not in trauma.get("attributes", {})
    assert sorted(row.data["relation"] for row in batch.edges) == sorted(k for _, _, k in graph.edges(keys=True))
