"""Cytoscape.js JSON export."""

from __future__ import annotations

import json

import networkx as nx

from graph.formats import to_cytoscape


def test_networkx_reads_it_back_as_a_multidigraph_keyed_by_relation(graph):
    back = nx.cytoscape_graph(json.loads(to_cytoscape(graph)))
    assert back.is_directed() and back.is_multigraph()
    assert set(back.nodes) == set(graph.nodes)
    assert sorted(back.edges(keys=True)) == sorted(graph.edges(keys=True))
    assert back.nodes["topic:trauma"]["type"] == "topic"


def test_positions_colours_and_names_for_cytoscape(graph, positions, styles):
    document = json.loads(to_cytoscape(graph, positions=positions, styles=styles))
    trauma = next(n for n in document["elements"]["nodes"] if n["data"]["id"] == "topic:trauma")
    assert trauma["position"] == {"x": positions["topic:trauma"][0], "y": positions["topic:trauma"][1]}
    assert trauma["data"]["color"] == "#ff8000"
    assert trauma["data"]["name"] == "Trauma-informed practice"
    assert trauma["data"]["refs"] == ["Appendix 1 / Frontline"]
    edge = next(e for e in document["elements"]["edges"] if e["data"]["key"] == "raised")
    assert edge["data"]["interaction"] == "raised" and edge["data"]["qualifier"] == "Families"


def test_edge_ids_are_unique(graph):
    edges = json.loads(to_cytoscape(graph))["elements"]["edges"]
    assert len({e["data"]["id"] for e in edges}) == len(edges) == graph.number_of_edges()


def test_text_is_kept_as_written(graph, injection, unicode_label):
    nodes = {n["data"]["id"]: n["data"] for n in json.loads(to_cytoscape(graph))["elements"]["nodes"]}
    assert nodes["message:want"]["label"] == injection
    assert nodes["place:coventry"]["name"] == unicode_label


def test_no_positions_means_no_position_keys(graph):
    nodes = json.loads(to_cytoscape(graph))["elements"]["nodes"]
    assert all("position" not in n for n in nodes)


def test_empty_graph(empty_graph):
    back = nx.cytoscape_graph(json.loads(to_cytoscape(empty_graph)))
    assert back.number_of_nodes() == 0
