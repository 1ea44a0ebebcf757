"""The faster code paths: the projection's sparse form, remembered normalisation."""

import random

import networkx as nx
import pytest

from graph.analysis._common import project
from graph.analysis.search import normalise


def _slow_projection(G):
    nodes = list(G)
    number = {node: i for i, node in enumerate(nodes)}
    return [sorted(number[n] for n in (set(G.successors(node)) | set(G.predecessors(node))) - {node}) for node in nodes]


def _random_multigraph(seed, nodes=60, edges=250):
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    G.add_nodes_from(f"n{i}" for i in range(nodes))
    for _ in range(edges):
        G.add_edge(f"n{rng.randrange(nodes + 5)}", f"n{rng.randrange(nodes + 5)}", key=rng.choice("ab"))
    return G


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_projection_is_the_undirected_simple_graph(seed):
    G = _random_multigraph(seed)
    projection = project(G)
    assert projection.nodes == list(G)
    assert projection.neighbours == _slow_projection(G)
    for i, nbrs in enumerate(projection.neighbours):
        assert projection.indices[projection.indptr[i] : projection.indptr[i + 1]].tolist() == nbrs


def test_projection_drops_self_loops_and_repeated_links():
    G = nx.MultiDiGraph([("a", "a", "r"), ("a", "b", "r"), ("b", "a", "s"), ("a", "b", "s")])
    projection = project(G)
    assert projection.neighbours == [[1], [0]]
    assert projection.indptr.tolist() == [0, 1, 2]


def test_projection_of_nothing():
    projection = project(nx.MultiDiGraph())
    assert projection.nodes == [] and projection.neighbours == [] and projection.indptr.tolist() == [0]


def test_normalise_is_remembered_and_unchanged():
    assert normalise("Fish & Chips!") == "fish and chips"
    assert normalise("Fish & Chips!") == "fish and chips"
    assert normalise.cache_info().hits >= 1
    assert normalise("  A  b ") == "a b"
