"""Export then import gives a plan with nothing to add or change: the formats carry the whole graph."""

from __future__ import annotations

import json

import pytest

from graph.data.build import build_graph
from graph.formats import parse_import, plan_merge, to_csv, to_cytoscape, to_gexf, to_graphml, to_json, to_kumu_xlsx
from graph.schema import Dataset, Edge, Node


def _assert_unchanged(plan, dataset: Dataset, nodes: bool = True, edges: bool = True) -> None:
    assert plan.problems == ()
    assert (plan.added_nodes, plan.changed_nodes, plan.added_edges, plan.changed_edges) == ((), (), (), ())
    assert len(plan.unchanged_nodes) == (len(dataset.nodes) if nodes else 0)
    assert len(plan.unchanged_edges) == (len(dataset.edges) if edges else 0)
    assert not plan.has_changes
    assert plan.merged == dataset


@pytest.mark.parametrize(
    ("export", "name"),
    [
        (lambda G: to_json(G).encode(), "graph.json"),
        (to_kumu_xlsx, "graph.xlsx"),
        (to_graphml, "graph.graphml"),
        (to_gexf, "graph.gexf"),
    ],
)
def test_export_then_import_changes_nothing(dataset, graph, export, name):
    _assert_unchanged(plan_merge(dataset, parse_import(export(graph), name)), dataset)


def test_csv_export_then_import_of_each_table_changes_nothing(dataset, graph):
    tables = to_csv(graph)
    _assert_unchanged(
        plan_merge(dataset, parse_import(tables["nodes.csv"].encode(), "nodes.csv")), dataset, edges=False
    )
    _assert_unchanged(
        plan_merge(dataset, parse_import(tables["edges.csv"].encode(), "edges.csv")), dataset, nodes=False
    )


@pytest.mark.parametrize("name", ["graph.json", "graph.xlsx"])
def test_exported_file_imported_into_empty_data_rebuilds_the_graph(dataset, graph, name):
    data = to_json(graph).encode() if name.endswith(".json") else to_kumu_xlsx(graph)
    plan = plan_merge(Dataset((), ()), parse_import(data, name))
    assert sorted(plan.added_nodes, key=lambda n: n.id) == sorted(dataset.nodes, key=lambda n: n.id)
    assert sorted(plan.added_edges, key=lambda e: e.key) == sorted(dataset.edges, key=lambda e: e.key)


def test_csv_tables_imported_into_empty_data_rebuild_the_graph(dataset, graph):
    tables = to_csv(graph)
    with_nodes = plan_merge(Dataset((), ()), parse_import(tables["nodes.csv"].encode(), "nodes.csv")).merged
    rebuilt = plan_merge(with_nodes, parse_import(tables["edges.csv"].encode(), "edges.csv")).merged
    assert sorted(rebuilt.edges, key=lambda e: e.key) == sorted(dataset.edges, key=lambda e: e.key)
    assert sorted(rebuilt.nodes, key=lambda n: n.id) == sorted(dataset.nodes, key=lambda n: n.id)


@pytest.mark.parametrize(
    ("export", "name"),
    [
        (to_json, "e.json"),
        (to_kumu_xlsx, "e.xlsx"),
        (to_graphml, "e.graphml"),
        (to_gexf, "e.gexf"),
        (lambda G: to_csv(G)["nodes.csv"], "nodes.csv"),
        (lambda G: to_csv(G)["edges.csv"], "edges.csv"),
    ],
)
def test_empty_graph_round_trips_to_an_empty_plan(empty_graph, export, name):
    data = export(empty_graph)
    plan = plan_merge(Dataset((), ()), parse_import(data.encode() if isinstance(data, str) else data, name))
    assert plan.ok and not plan.has_changes and plan.merged == Dataset((), ())


def _awkward_names() -> Dataset:
    """Attribute names that the formats keep for themselves (Gephi's x/size/weight, Kumu's From, ...)."""
    nodes = (
        Node(
            id="organisation:a",
            type="organisation",
            label="A",
            refs=["1"],
            attributes={"x": "left", "size": 2, "from": "Ofsted", "name": "n"},
        ),
        Node(
            id="organisation:b", type="organisation", label="B", refs=["1"], attributes={"color": "red", "value": "v"}
        ),
    )
    edge = Edge(
        source="organisation:a",
        target="organisation:b",
        relation="funds",
        refs=["1"],
        basis="stated",
        attributes={"weight": 2, "direction": "up", "key": "k", "interaction": "i", "to": "t"},
    )
    return Dataset(nodes, (edge,))


@pytest.mark.parametrize("name", ["a.json", "a.xlsx", "a.graphml", "a.gexf", "nodes.csv"])
def test_attributes_named_like_a_formats_own_fields_survive_the_round_trip(name):
    dataset = _awkward_names()
    G = build_graph(dataset)
    exports = {
        "a.json": lambda: to_json(G).encode(),
        "a.xlsx": lambda: to_kumu_xlsx(G),
        "a.graphml": lambda: to_graphml(G),
        "a.gexf": lambda: to_gexf(G),
        "nodes.csv": lambda: to_csv(G)["nodes.csv"].encode(),
    }
    plan = plan_merge(dataset, parse_import(exports[name](), name))
    _assert_unchanged(plan, dataset, edges=name != "nodes.csv")
    if name == "nodes.csv":
        edges = to_csv(G)["edges.csv"].encode()
        _assert_unchanged(plan_merge(dataset, parse_import(edges, "edges.csv")), dataset, nodes=False)


def test_cytoscape_keeps_attributes_named_like_its_own_fields():
    document = json.loads(to_cytoscape(build_graph(_awkward_names())))
    node = document["elements"]["nodes"][0]["data"]
    edge = document["elements"]["edges"][0]["data"]
    assert (node["name"], node["attribute_name"]) == ("A", "n")
    assert (edge["key"], edge["attribute_key"], edge["attribute_interaction"]) == ("funds", "k", "i")


REFS = ["Appendix 1 / System", "3.1, 3.3", "Section 6.1 (barriers): 'access'", "p. 12 — \"Key messages\"", "=1+1"]


@pytest.mark.parametrize(
    ("export", "name"),
    [
        (lambda G: to_json(G).encode(), "r.json"),
        (to_kumu_xlsx, "r.xlsx"),
        (to_graphml, "r.graphml"),
        (to_gexf, "r.gexf"),
        (lambda G: to_csv(G)["nodes.csv"].encode(), "nodes.csv"),
    ],
)
def test_every_reference_the_schema_allows_comes_back_as_it_was(export, name):
    dataset = Dataset((Node(id="topic:x", type="topic", label="X", refs=REFS),), ())
    _assert_unchanged(plan_merge(dataset, parse_import(export(build_graph(dataset)), name)), dataset, edges=False)
