"""compute_layout: deterministic, complete, finite, uncrowded, and fast enough for 10k nodes."""

from __future__ import annotations

import itertools
import math
import random
import time

import networkx as nx
import pytest

from graph.build import build_graph
from graph.layout import NODE_SPACING, compute_layout
from graph.schema import Dataset, Edge, Node


def _node(node_id: str) -> Node:
    return Node(id=node_id, type=node_id.split(":")[0], label=node_id, refs=["2"])


def _edge(source: str, relation: str, target: str) -> Edge:
    return Edge(source=source, target=target, relation=relation, refs=["2"], basis="stated")


def _themes_and_strands(seed: int = 1) -> nx.MultiDiGraph:
    """3 themes x 6 topics; 4 strands each raising topics across the themes; 2 loose nodes.

    strand:i -raised-> topic:t-k -in_theme-> theme:t      place:x   place:y
    """
    rng = random.Random(seed)
    themes = [f"theme:{t}" for t in range(3)]
    topics = [f"topic:{t}-{k}" for t in range(3) for k in range(6)]
    strands = [f"strand:{i}" for i in range(4)]
    nodes = [_node(n) for n in [*themes, *topics, *strands, "place:x", "place:y"]]
    edges = [_edge(topic, "in_theme", f"theme:{topic.split(':')[1][0]}") for topic in topics]
    edges += [_edge(strand, "raised", topic) for strand in strands for topic in rng.sample(topics, 7)]
    return build_graph(Dataset(tuple(nodes), tuple(edges)))


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def test_same_graph_and_seed_give_the_same_positions():
    G = _themes_and_strands()

    assert compute_layout(G, seed=3) == compute_layout(G, seed=3)


def test_positions_do_not_depend_on_the_order_nodes_were_added():
    G = _themes_and_strands()
    reordered = nx.MultiDiGraph()
    reordered.add_nodes_from(reversed(list(G.nodes(data=True))))
    reordered.add_edges_from(reversed(list(G.edges(keys=True, data=True))))

    assert compute_layout(reordered) == compute_layout(G)


def test_a_different_seed_gives_a_different_picture():
    G = _themes_and_strands()

    assert compute_layout(G, seed=0) != compute_layout(G, seed=1)


def test_every_node_is_placed_at_finite_coordinates():
    G = _themes_and_strands()

    positions = compute_layout(G)

    assert set(positions) == set(G.nodes)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in positions.values())


def test_empty_graph_has_no_positions():
    assert compute_layout(nx.MultiDiGraph()) == {}


def test_single_node_is_placed():
    G = nx.MultiDiGraph()
    G.add_node("topic:alone", type="topic")

    assert list(compute_layout(G)) == ["topic:alone"]


def test_layout_leaves_the_graph_unchanged():
    G = _themes_and_strands()
    before = (list(G.nodes(data=True)), list(G.edges(keys=True, data=True)))

    compute_layout(G)

    assert (list(G.nodes(data=True)), list(G.edges(keys=True, data=True))) == before


def test_no_two_nodes_sit_on_top_of_each_other():
    # a -- b, and a crowd of 40 leaves on one hub, which the forces squeeze together
    G = nx.star_graph(40)
    G.add_edge("a", "b")

    positions = list(compute_layout(G).values())

    closest = min(_distance(p, q) for p, q in itertools.combinations(positions, 2))
    assert closest >= 0.45 * NODE_SPACING


def test_topics_sit_nearer_their_theme_than_the_strands_that_raised_them():
    G = _themes_and_strands()
    positions = compute_layout(G)

    def mean_length(relation: str) -> float:
        lengths = [_distance(positions[u], positions[v]) for u, v, k in G.edges(keys=True) if k == relation]
        return sum(lengths) / len(lengths)

    assert mean_length("in_theme") < 0.8 * mean_length("raised")


def test_unconnected_nodes_are_packed_beside_the_main_component():
    G = _themes_and_strands()
    positions = compute_layout(G)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]

    assert max(xs) - min(xs) < 40 * NODE_SPACING
    assert max(ys) - min(ys) < 40 * NODE_SPACING


def test_many_small_components_are_all_placed_apart():
    G = nx.disjoint_union_all([nx.path_graph(4) for _ in range(30)] + [nx.empty_graph(10)])

    positions = list(compute_layout(G).values())

    assert len(positions) == 130
    assert min(_distance(p, q) for p, q in itertools.combinations(positions, 2)) >= 0.45 * NODE_SPACING


def test_ten_thousand_nodes_take_under_five_seconds():
    G = nx.powerlaw_cluster_graph(10_000, 2, 0.3, seed=1)

    started = time.perf_counter()
    positions = compute_layout(G)
    elapsed = time.perf_counter() - started

    assert len(positions) == 10_000
    assert elapsed < 5.0


@pytest.mark.parametrize("graph_type", [nx.Graph, nx.DiGraph, nx.MultiGraph])
def test_plain_networkx_graphs_are_laid_out_too(graph_type):
    G = nx.path_graph(6, create_using=graph_type)

    assert len(compute_layout(G)) == 6
