"""The faster code paths: the projection's sparse form and igraph's Louvain on big graphs."""

import random
import sys

import networkx as nx
import pytest

from graph.analysis import gaps as gaps_module
from graph.analysis._common import project
from graph.analysis.gaps import communities, structural_gaps
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


def _cliques(count, size, seed=0):
    """``count`` cliques of ``size`` nodes, each joined to the next by one link."""
    G = nx.MultiDiGraph()
    for c in range(count):
        members = [f"c{c}-{i}" for i in range(size)]
        G.add_edges_from((a, b, "r") for i, a in enumerate(members) for b in members[i + 1 :])
        if c:
            G.add_edge(f"c{c - 1}-0", f"c{c}-1", "r")
    return G


@pytest.fixture
def with_igraph(monkeypatch):
    pytest.importorskip("igraph")
    monkeypatch.setattr(gaps_module, "IGRAPH_FROM_NODES", 0)


def test_igraph_communities_are_the_cliques(with_igraph):
    found = communities(_cliques(6, 5))
    assert sorted(map(sorted, found)) == sorted(sorted(f"c{c}-{i}" for i in range(5)) for c in range(6))


@pytest.mark.parametrize("seed", [0, 3])
def test_igraph_communities_are_deterministic_for_a_seed(with_igraph, seed):
    G = _random_multigraph(seed, nodes=300, edges=900)
    first = communities(G, seed=seed)
    random.random()  # igraph's generator is its own, whatever the global one has done
    assert communities(G, seed=seed) == first
    assert sorted(n for c in first for n in c) == sorted(G)
    assert [len(c) for c in first] == sorted((len(c) for c in first), reverse=True)
    assert structural_gaps(G, seed=seed) == structural_gaps(G, seed=seed)


def test_igraph_is_given_back_the_random_module(with_igraph):
    import igraph

    communities(_cliques(3, 4), seed=1)
    drawn = []
    for _ in range(2):
        random.seed(5)  # igraph draws from the random module again, so this seeds it
        drawn.append(igraph.Graph.Erdos_Renyi(n=30, m=40).get_edgelist())
    assert drawn[0] == drawn[1]


def test_without_igraph_the_pure_louvain_answers(monkeypatch):
    monkeypatch.setattr(gaps_module, "IGRAPH_FROM_NODES", 0)
    monkeypatch.setitem(sys.modules, "igraph", None)  # import igraph now raises ImportError
    G = _cliques(4, 5)
    with_fallback = communities(G, seed=2)
    monkeypatch.setattr(gaps_module, "IGRAPH_FROM_NODES", 10**9)
    assert communities(G, seed=2) == with_fallback


def test_small_graphs_keep_the_pure_louvain(monkeypatch):
    called = []
    monkeypatch.setattr(gaps_module, "_igraph_louvain", lambda *args: called.append(args))
    communities(_cliques(3, 4))
    assert not called


def test_normalise_is_remembered_and_unchanged():
    assert normalise("Fish & Chips!") == "fish and chips"
    assert normalise("Fish & Chips!") == "fish and chips"
    assert normalise.cache_info().hits >= 1
    assert normalise("  A  b ") == "a b"
