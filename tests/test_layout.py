"""compute_layout: deterministic, complete, finite, uncrowded, and fast enough for 10k nodes."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from graph.data.build import build_graph
from graph.picture.layout import NODE_SPACING, compute_layout
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


def test_ten_thousand_nodes_are_all_placed_apart():
    # How long it takes is the benchmark's to say (python -m bench.run), not a timed assertion here.
    G = nx.powerlaw_cluster_graph(10_000, 2, 0.3, seed=1)

    positions = compute_layout(G)

    assert len(positions) == 10_000
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in positions.values())
    assert len(set(positions.values())) == 10_000


@pytest.mark.parametrize("graph_type", [nx.Graph, nx.DiGraph, nx.MultiGraph])
def test_plain_networkx_graphs_are_laid_out_too(graph_type):
    G = nx.path_graph(6, create_using=graph_type)

    assert len(compute_layout(G)) == 6


# --- room for words, fresh views, edits ---------------------------------------------------


def test_no_two_labels_overlap_at_full_size_in_the_shipped_graph():
    from graph.data.store import load_dataset
    from graph.picture.layout import label_boxes
    from tests.conftest import DATA_DIR

    G = build_graph(load_dataset(DATA_DIR))
    where = compute_layout(G)
    nodes = list(where)
    boxes = dict(zip(nodes, label_boxes(G, nodes), strict=True))
    clashes = [
        (a, b)
        for a, b in itertools.combinations(nodes, 2)
        if abs(where[a][0] - where[b][0]) < (boxes[a][0] + boxes[b][0]) / 2 - 1
        and abs(where[a][1] - where[b][1]) < (boxes[a][1] + boxes[b][1]) / 2 - 1
    ]
    assert clashes == []


def test_a_filtered_view_is_laid_out_afresh_in_the_panes_shape():
    from graph.picture.layout import fill_layout

    G = _themes_and_strands()
    part = G.subgraph([n for n in G if n.startswith(("topic:0", "theme:0", "topic:1", "theme:1"))])
    where = fill_layout(part, aspect=16 / 10)

    xs = [x for x, _ in where.values()]
    ys = [y for _, y in where.values()]
    assert set(where) == set(part)
    assert (max(xs) - min(xs)) / (max(ys) - min(ys)) > 1.0  # landscape, like the pane


def test_an_edit_keeps_every_position_and_puts_the_new_node_beside_its_neighbours():
    from graph.picture.layout import extend_layout

    G = _themes_and_strands()
    before = compute_layout(G)
    G.add_node("topic:new", type="topic", label="A new topic")
    G.add_edge("topic:new", "theme:1", key="in_theme", relation="in_theme")
    after = extend_layout(G, before)

    assert {node: after[node] for node in before} == before
    spread = max(_distance(p, q) for p, q in itertools.combinations(before.values(), 2))
    assert _distance(after["topic:new"], after["theme:1"]) < 0.25 * spread
    assert min(_distance(after["topic:new"], p) for p in before.values()) > 10


def test_a_remembered_part_survives_an_added_node():
    from graph.picture.layout import LayoutMemory

    G = _themes_and_strands()
    memory = LayoutMemory()
    part = [n for n in G if n.startswith(("topic:0", "theme:0"))]
    first = memory.layout(G.subgraph(part))
    G.add_node("topic:0-new", type="topic", label="Another")
    G.add_edge("topic:0-new", "theme:0", key="in_theme", relation="in_theme")
    second = memory.layout(G.subgraph([*part, "topic:0-new"]))

    assert {node: second[node] for node in first} == first
    assert memory.layout(G.subgraph(part)) is first  # the same view again: the same picture
