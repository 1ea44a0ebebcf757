"""Metrics: consensus, centrality, the Appendix 1 and barrier matrices, headline stats."""

import random

import networkx as nx
import pytest

from graph.analysis import metrics as metrics_module
from graph.analysis.metrics import barrier_matrix, centrality, consensus, coverage_matrix, stats


def test_consensus_counts_distinct_strands_and_never_not_priority(appendix):
    rows = {row["id"]: row for row in consensus(appendix)}
    supervision = rows["topic:supervision-org"]
    assert supervision["count"] == 1
    assert [s["id"] for s in supervision["strands"]] == ["strand:pi"]
    assert supervision["also_listed_as"] == [{"id": "topic:supervision-sys", "label": "Models of supervision"}]
    assert rows["topic:standards"]["count"] == 0


def test_consensus_order_ties_by_label_and_strands_by_appendix_column(appendix):
    rows = consensus(appendix)
    assert [(r["label"], r["count"]) for r in rows] == [
        ("Recruitment, retention and resilience", 2),
        ("Voice of the child", 2),
        ("Life story work", 1),
        ("Models of supervision", 1),
        ("Models of supervision", 1),
        ("Standards of evidence", 0),
    ]
    assert rows[0]["strands"] == [
        {"id": "strand:cyp", "label": "CYP panel", "qualifier": "reduce turnover"},
        {"id": "strand:pi", "label": "Practice insights", "qualifier": None},
    ]
    assert (rows[0]["level"], rows[0]["theme"]) == ("system", "Supportive system")


def test_consensus_of_an_empty_graph():
    assert consensus(nx.MultiDiGraph()) == []


def test_centrality_of_a_path(make):
    # a - hub - b
    g = make().edge("strand:a", "raised", "topic:hub").edge("topic:hub", "in_theme", "theme:b").graph()
    rows = centrality(g)
    assert [(r["id"], r["degree"], r["betweenness"], r["betweenness_sample"]) for r in rows] == [
        ("topic:hub", 2, 1.0, None),
        ("strand:a", 1, 0.0, None),
        ("theme:b", 1, 0.0, None),
    ]
    assert [r["id"] for r in centrality(g, top=1)] == ["topic:hub"]


def _random_graph(seed: int) -> tuple[nx.MultiDiGraph, nx.Graph]:
    simple = nx.gnm_random_graph(40, 70, seed=seed)
    simple.add_nodes_from([40, 41, 42])  # two lone nodes and a pair apart
    simple.add_edge(41, 42)
    g = nx.MultiDiGraph()
    for n in simple:
        g.add_node(f"n{n:02d}", type="topic", label=f"n{n:02d}")
    rng = random.Random(seed)
    for u, v in simple.edges():
        # direction and doubled relations must not matter
        a, b = (f"n{u:02d}", f"n{v:02d}") if rng.random() < 0.5 else (f"n{v:02d}", f"n{u:02d}")
        g.add_edge(a, b, key="echoes")
        if rng.random() < 0.2:
            g.add_edge(b, a, key="speaks_to")
    return g, nx.relabel_nodes(simple, {n: f"n{n:02d}" for n in simple})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_betweenness_equals_networkx(seed):
    g, simple = _random_graph(seed)
    expected = nx.betweenness_centrality(simple)
    for row in centrality(g):
        assert row["betweenness"] == pytest.approx(expected[row["id"]], abs=1e-6)


def test_large_graphs_sample_sources_as_networkx_would(monkeypatch):
    g, simple = _random_graph(4)
    monkeypatch.setattr(metrics_module, "EXACT_BETWEENNESS_NODES", 10)
    monkeypatch.setattr(metrics_module, "BETWEENNESS_SAMPLE", 12)
    expected = nx.betweenness_centrality(simple.subgraph(list(g)).copy(), k=12, seed=7)
    rows = centrality(g, seed=7)
    assert {row["betweenness_sample"] for row in rows} == {12}
    for row in rows:
        assert row["betweenness"] == pytest.approx(expected[row["id"]], abs=1e-6)


def test_coverage_matrix_is_appendix_1(appendix):
    matrix = coverage_matrix(appendix)
    assert [c["label"] for c in matrix["columns"]] == ["CYP panel", "Practice insights", "Advisory group"]
    assert [r["id"] for r in matrix["rows"]] == [
        "topic:voice",
        "topic:life-story",
        "topic:supervision-org",
        "topic:standards",
        "topic:supervision-sys",
        "topic:recruitment",
    ]
    assert matrix["rows"][0] == {
        "id": "topic:voice",
        "label": "Voice of the child",
        "level": "frontline",
        "theme": "Methods",
    }
    cells = {(c["row"], c["column"]): c["value"] for c in matrix["cells"]}
    assert cells == {
        ("topic:voice", "strand:cyp"): "✓",
        ("topic:voice", "strand:pi"): "✓ (Families)",
        ("topic:life-story", "strand:pi"): "✓",
        ("topic:supervision-org", "strand:pi"): "✓",
        ("topic:supervision-org", "strand:advisory"): "Not priority",
        ("topic:supervision-sys", "strand:pi"): "✓ (strategic leaders)",
        ("topic:recruitment", "strand:cyp"): "✓ (reduce turnover)",
        ("topic:recruitment", "strand:pi"): "✓",
    }
    assert [(c["row"], c["column"]) for c in matrix["cells"]][:2] == [
        ("topic:voice", "strand:cyp"),
        ("topic:voice", "strand:pi"),
    ]


def test_coverage_matrix_of_another_relation(appendix):
    matrix = coverage_matrix(appendix, row_type="topic", column_type="initiative", relation="works_on")
    assert [c["id"] for c in matrix["columns"]] == ["initiative:library", "initiative:wave-1"]
    assert matrix["cells"] == [{"row": "topic:supervision-sys", "column": "initiative:wave-1", "value": "✓ (inferred)"}]


def test_barrier_matrix(appendix):
    matrix = barrier_matrix(appendix)
    assert [r["id"] for r in matrix["rows"]] == ["barrier:access", "barrier:interest"]
    assert matrix["columns"] == [{"id": "initiative:library", "label": "Library of experts", "type": "initiative"}]
    assert matrix["cells"] == [{"row": "barrier:access", "column": "initiative:library", "value": "✓ (inferred)"}]


def test_stats(make):
    # a -raised-> b (stated) ; c -works_on-> b (inferred) ; d alone
    m = make().edge("strand:a", "raised", "topic:b").edge("initiative:c", "works_on", "topic:b", rationale="r")
    g = m.node("topic:d").graph()
    assert stats(g) == {
        "nodes": 4,
        "edges": 2,
        "by_type": {"initiative": 1, "strand": 1, "topic": 2},
        "by_relation": {"raised": 1, "works_on": 1},
        "by_basis": {"inferred": 1, "stated": 1},
        "components": 2,
        "density": round(2 * 2 / (4 * 3), 6),
    }


def test_stats_of_an_empty_graph():
    assert stats(nx.MultiDiGraph()) == {
        "nodes": 0,
        "edges": 0,
        "by_type": {},
        "by_relation": {},
        "by_basis": {},
        "components": 0,
        "density": 0.0,
    }


def test_density_counts_a_pair_joined_both_ways_once(make):
    # a -echoes-> b and b -echoes-> a ; c alone: 1 joined pair of 3 possible
    m = make().node("message:a").node("message:b").node("message:c")
    g = m.edge("message:a", "echoes", "message:b").edge("message:b", "echoes", "message:a").graph()
    assert stats(g)["density"] == round(1 / 3, 6)
