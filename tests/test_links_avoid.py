"""A link keeps the nodes a path must go around."""

import networkx as nx

from graph.picture.links import read_query, view_query
from graph.schema import View


def _graph():
    # a - hub - b
    G = nx.MultiDiGraph([("a", "hub", "part_of"), ("hub", "b", "part_of")])
    for n in G:
        G.nodes[n].update(type="strand", label=n.upper())
    return G


def test_avoid_travels_in_the_link_and_back():
    view = View(path=["a", "b"], path_avoid=["hub"])
    query = view_query(view)
    assert query["avoid"] == "hub"
    back, notices = read_query(_graph(), query)
    assert back.path_avoid == ["hub"] and notices == []


def test_a_link_cannot_avoid_an_end_of_its_path():
    back, _ = read_query(_graph(), {"from": "a", "to": "b", "avoid": "a,hub"})
    assert back.path_avoid == ["hub"]
