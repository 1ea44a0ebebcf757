"""How two things are connected: shortest paths explained in words, neighbourhoods, common neighbours.

Paths ignore direction (a topic reaches the strand that raised it), but the words keep it:
"Event Coventry raised Trauma", never "Trauma raised Event Coventry". Going through a hub (the
Centre, a stage of the evidence cycle, a level: a node linked to many) costs more than going
through a specific node, so a route says how two things are connected, not only that everything
touches the Centre. A step that rests on a link from outside the report, or imported from a file,
says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from graph.analysis._common import (
    label_of,
    listed,
    neighbours,
    out_links,
    ref,
    relation_between,
    short_label_of,
    type_of,
    undirected_projection,
    verb,
)
from graph.analysis.search import resolve_node
from graph.bases import basis_rule
from graph.errors import GraphError

#: What going through a node costs beyond the step itself: HUB_COST * ln(its number of neighbours),
#: half on the way in and half on the way out. A node with 40 neighbours (the Centre) costs about
#: 5.5 extra steps; one with 4 (a topic) about 2.1; so a route through two specific nodes is
#: preferred to one through a hub.
HUB_COST = 1.5


def shortest_paths(
    G: nx.MultiDiGraph,
    a: str,
    b: str,
    *,
    k: int = 3,
    max_length: int = 8,
    avoid: Iterable[str] = (),
) -> dict[str, Any]:
    """Up to ``k`` short, diverse paths from ``a`` to ``b`` (at most ``max_length`` links each).

    The first path is the cheapest, where each step costs 1 and going through a node costs
    ``HUB_COST * ln(degree)`` more: hubs (the Centre, the stages of the evidence cycle, the levels)
    are gone through only when nothing more specific connects the two. Each further path goes
    around the nodes the earlier paths went through when a path within one more step allows it.
    Nodes in ``avoid`` (ids or names as people type them: "what works centre") are never used. Returns ``{"paths": [[{"id","label"}...]...], "steps": [[{"source","target","relation",
    "verb","basis"}...]...], "lengths": [int...], "avoided": [{"id","label"}...], "explanation": str}``;
    the explanation says each path in short sentences with short labels.

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
    1. Trauma is in the theme Types of abuse. Event Coventry raised Trauma.
    """
    source, target = resolve_node(G, a), resolve_node(G, b)
    avoided = sorted({resolve_node(G, name) for name in avoid})
    for end in (source, target):
        if end in avoided:
            raise GraphError(f"cannot avoid {label_of(G, end)}: it is an end of the path")
    names = f"{label_of(G, source)} and {label_of(G, target)}"
    empty = {"paths": [], "steps": [], "lengths": [], "avoided": [ref(G, n) for n in avoided]}
    if source == target:
        return {
            **empty,
            "paths": [[ref(G, source)]],
            "steps": [[]],
            "lengths": [0],
            "explanation": f"{names} are the same node.",
        }
    found = _paths(G, source, target, k, max_length, set(avoided))
    if not found:
        around = f" without going through {listed([label_of(G, n) for n in avoided], 5)}" if avoided else ""
        return {**empty, "explanation": f"{names} are not connected within {max_length} steps{around}."}
    steps = [[_step(G, u, v) for u, v in pairwise(path)] for path in found]
    return {
        **empty,
        "paths": [[ref(G, node) for node in path] for path in found],
        "steps": steps,
        "lengths": [len(path) - 1 for path in found],
        "explanation": _explain(G, names, found, steps, avoided),
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


def _paths(G: nx.MultiDiGraph, source: str, target: str, k: int, max_length: int, avoided: set[str]) -> list[list[str]]:
    if k <= 0:
        return []
    simple = undirected_projection(G)
    if avoided:
        simple = simple.subgraph(set(simple) - avoided)
    if not _within_reach(simple, source, target, max_length):
        return []
    cost = _hub_cost(simple)
    first = nx.shortest_path(simple, source, target, weight=cost)
    shortest = nx.shortest_path_length(simple, source, target)
    chosen = [first]
    while len(chosen) < k:
        following = _diverse_path(simple, source, target, chosen, shortest + 1, cost) or _next_path(
            simple, source, target, chosen, max_length, cost
        )
        if following is None:
            break
        chosen.append(following)
    # Cheapest first; paths of equal cost by their labels, so the order never depends on the data's.
    return sorted(
        chosen, key=lambda path: (round(_cost_of(path, cost), 6), [label_of(G, node).casefold() for node in path], path)
    )


def _hub_cost(simple: nx.Graph):
    """The weight function of a step: 1, plus half of what going through each end costs."""
    extra = {node: HUB_COST * math.log(max(degree, 1)) / 2 for node, degree in simple.degree()}
    return lambda u, v, _data: 1.0 + extra[u] + extra[v]


def _cost_of(path: list[str], cost) -> float:
    return sum(cost(u, v, None) for u, v in pairwise(path))


def _diverse_path(
    simple: nx.Graph, source: str, target: str, chosen: list[list[str]], most: int, cost
) -> list[str] | None:
    """A path of at most ``most`` links that avoids the intermediates of the paths already chosen:
    all of them if possible, else those every chosen path goes through."""
    inner = [set(path[1:-1]) for path in chosen]
    for around in (set().union(*inner), set.intersection(*inner)):
        if not around:
            continue
        kept = simple.subgraph(set(simple) - around)
        for path in islice(_simple_paths(kept, source, target, cost), len(chosen) + 1):
            if len(path) - 1 > most:
                break
            if path not in chosen:
                return path
    return None


def _next_path(
    simple: nx.Graph, source: str, target: str, chosen: list[list[str]], max_length: int, cost
) -> list[str] | None:
    """The next path not yet chosen (Yen's order, within ``max_length`` links): of the next few of
    the same length, the one going through fewest of the chosen paths' intermediates."""
    used = {node for path in chosen for node in path[1:-1]}
    candidates = []
    for path in islice(_simple_paths(simple, source, target, cost), len(chosen) + _LOOK_AHEAD):
        if len(path) - 1 > max_length:
            break
        if path not in chosen:
            candidates.append(path)
    if not candidates:
        return None
    return min(
        (path for path in candidates if len(path) == len(candidates[0])),
        key=lambda path: (len(used.intersection(path[1:-1])), len(path)),
    )


#: How many further paths (in Yen's order) are weighed when no path avoids the chosen ones.
_LOOK_AHEAD = 10


def _simple_paths(simple: nx.Graph, source: str, target: str, cost=None):
    try:
        yield from nx.shortest_simple_paths(simple, source, target, weight=cost)
    except nx.NetworkXNoPath:
        return


def _within_reach(G: nx.Graph, source: str, target: str, max_length: int) -> bool:
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
            for other in G[node]:
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
        "mark": basis_rule(data.get("basis")).mark,
        "external_source": data.get("external_source"),
    }


def _explain(
    G: nx.MultiDiGraph, names: str, found: list[list[str]], steps: list[list[dict[str, Any]]], avoided: list[str]
) -> str:
    shortest = min(len(path) - 1 for path in found)
    head = f"{names} are {_steps(shortest)} apart"
    if avoided:
        head += f" without going through {listed([short_label_of(G, n) for n in avoided], 5)}"
    lines = [head + "."]
    for number, hops in enumerate(steps, start=1):
        count = f"{_steps(len(hops))}: " if len(found) > 1 else ""
        lines.append(f"{number}. {count}{_sentences(G, hops)}")
    return "\n".join(lines)


def _steps(count: int) -> str:
    return f"{count} step{'s' if count != 1 else ''}"


def _sentences(G: nx.MultiDiGraph, hops: list[dict[str, Any]]) -> str:
    """One short sentence per link, in its true direction: "Event Coventry raised Trauma." """
    said = []
    for hop in hops:
        mark = f" {hop['mark']}" if hop["mark"] else ""
        said.append(f"{short_label_of(G, hop['source'])} {hop['verb']} {short_label_of(G, hop['target'])}{mark}.")
    return " ".join(said)
