"""How two things are connected: shortest paths explained in words, neighbourhoods, common neighbours.

Paths ignore direction (a topic reaches the strand that raised it), but the words keep it:
"Event Coventry raised Trauma", never "Trauma raised Event Coventry".
"""

from __future__ import annotations

from itertools import islice, pairwise
from typing import Any

import networkx as nx

from graph.analysis._common import (
    label_of,
    neighbours,
    out_links,
    ref,
    relation_between,
    type_of,
    undirected_projection,
    verb,
)
from graph.analysis.search import resolve_node


def shortest_paths(G: nx.MultiDiGraph, a: str, b: str, *, k: int = 3, max_length: int = 8) -> dict[str, Any]:
    """Up to ``k`` shortest simple paths from ``a`` to ``b`` (at most ``max_length`` edges each).

    ``a`` and ``b`` are ids or names (resolved with :func:`resolve_node`). Returns
    ``{"paths": [[{"id","label"}...]...], "steps": [[{"source","target","relation","verb","basis"}...]...],
    "explanation": str}``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("s", type="strand", label="Event Coventry")
    >>> G.add_node("t", type="topic", label="Trauma")
    >>> G.add_node("h", type="theme", label="Types of abuse")
    >>> G.add_edge("s", "t", key="raised", basis="stated")
    'raised'
    >>> G.add_edge("t", "h", key="in_theme", basis="stated")
    'in_theme'
    >>> print(shortest_paths(G, "h", "s")["explanation"])
    Types of abuse and Event Coventry are 2 steps apart.
    1. Trauma is in the theme Types of abuse; Event Coventry raised Trauma.
    """
    source, target = resolve_node(G, a), resolve_node(G, b)
    names = f"{label_of(G, source)} and {label_of(G, target)}"
    if source == target:
        return {"paths": [[ref(G, source)]], "steps": [[]], "explanation": f"{names} are the same node."}
    found = _paths(G, source, target, k, max_length)
    if not found:
        return {"paths": [], "steps": [], "explanation": f"{names} are not connected within {max_length} steps."}
    steps = [[_step(G, u, v) for u, v in pairwise(path)] for path in found]
    return {
        "paths": [[ref(G, node) for node in path] for path in found],
        "steps": steps,
        "explanation": _explain(G, names, found, steps),
    }


def neighbourhood(G: nx.MultiDiGraph, node: str, depth: int = 1) -> dict[str, Any]:
    """The nodes within ``depth`` steps of ``node`` (either direction) and the edges among them.

    >>> G = nx.MultiDiGraph([("a", "b", "raised"), ("b", "c", "in_theme")])
    >>> [(n["id"], n["distance"]) for n in neighbourhood(G, "a")["nodes"]]
    [('a', 0), ('b', 1)]
    """
    centre = resolve_node(G, node)
    distance = {centre: 0}
    frontier = [centre]
    for step in range(1, max(depth, 0) + 1):
        reached = []
        for current in frontier:
            for other in sorted(neighbours(G, current)):
                if other not in distance:
                    distance[other] = step
                    reached.append(other)
        frontier = reached
    nodes = sorted(distance, key=lambda n: (distance[n], label_of(G, n).casefold(), n))
    edges = sorted(
        (u, v, relation)
        for u in distance
        for v, keyed in out_links(G, u).items()
        if v in distance
        for relation in keyed
    )
    return {
        "nodes": [{**ref(G, n), "type": type_of(G, n), "distance": distance[n]} for n in nodes],
        "edges": [{"source": u, "target": v, "relation": relation} for u, v, relation in edges],
    }


def common_neighbours(G: nx.MultiDiGraph, a: str, b: str) -> list[dict[str, str]]:
    """Nodes joined to both ``a`` and ``b`` (either direction), sorted by label.

    >>> G = nx.MultiDiGraph([("s1", "t", "raised"), ("s2", "t", "raised")])
    >>> common_neighbours(G, "s1", "s2")
    [{'id': 't', 'label': 't'}]
    """
    first, second = resolve_node(G, a), resolve_node(G, b)
    shared = (neighbours(G, first) & neighbours(G, second)) - {first, second}
    return [ref(G, node) for node in sorted(shared, key=lambda n: (label_of(G, n).casefold(), n))]


def _paths(G: nx.MultiDiGraph, source: str, target: str, k: int, max_length: int) -> list[list[str]]:
    if k <= 0 or not _within_reach(G, source, target, max_length):
        return []
    simple = undirected_projection(G)
    candidates = nx.shortest_simple_paths(simple, source, target)
    found = [path for path in islice(candidates, k) if len(path) - 1 <= max_length]
    # Yen's algorithm yields paths of equal length in the graph's own order; show them by label.
    return sorted(found, key=lambda path: (len(path), [label_of(G, node).casefold() for node in path], path))


def _within_reach(G: nx.MultiDiGraph, source: str, target: str, max_length: int) -> bool:
    """Breadth-first search from both ends, stopping at ``max_length``: cheap before Yen's algorithm."""
    if max_length < 1:
        return False
    seen = {source: 0}
    ahead = {target: 0}
    front, back = [source], [target]
    for _ in range(max_length):
        if len(front) > len(back):
            front, back, seen, ahead = back, front, ahead, seen
        grown = []
        for node in front:
            for other in neighbours(G, node):
                if other in ahead:
                    return True
                if other not in seen:
                    seen[other] = 1
                    grown.append(other)
        if not grown:
            return False
        front = grown
    return False


def _step(G: nx.MultiDiGraph, u: str, v: str) -> dict[str, Any]:
    """The edge taken between consecutive nodes, in its true direction (stated edges preferred)."""
    source, target, relation, data = min(
        relation_between(G, u, v), key=lambda e: (e[3].get("basis") != "stated", e[0] != u, e[2])
    )
    return {
        "source": source,
        "target": target,
        "relation": relation,
        "verb": verb(relation),
        "basis": data.get("basis"),
    }


def _explain(G: nx.MultiDiGraph, names: str, found: list[list[str]], steps: list[list[dict[str, Any]]]) -> str:
    shortest = len(found[0]) - 1
    head = f"{names} are {shortest} step{'s' if shortest != 1 else ''} apart."
    if len(found) > 1:
        head += f" The {len(found)} shortest connections:"
    lines = [head]
    lines += [f"{number}. {_sentence(G, hops)}" for number, hops in enumerate(steps, start=1)]
    return "\n".join(lines)


def _sentence(G: nx.MultiDiGraph, hops: list[dict[str, Any]]) -> str:
    """ "A raised B, which is in the theme C; D is in the theme C." — true direction throughout."""
    text = ""
    last_named = None
    for hop in hops:
        source, target = hop["source"], hop["target"]
        if last_named == source:
            text += f", which {hop['verb']} {label_of(G, target)}"
        else:
            text += ("; " if text else "") + f"{label_of(G, source)} {hop['verb']} {label_of(G, target)}"
        last_named = target
        if hop["basis"] in ("inferred", "imported"):
            text += f" ({hop['basis']})"
    return text + "."
