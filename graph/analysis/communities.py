"""Communities of the graph (Louvain modularity, seeded) and their names in the team's words.

A community is named from what dominates it: the level and themes of its topics ("Frontline
topics: types of abuse"), else its commonest types and what it is about: its topics' themes, or
its member most linked inside it, said whole ("Messages and initiatives about the Share stage of
the evidence cycle"). Names are never cut. Pure functions: the graph is never changed, and the
random numbers come from a generator made for each call.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.analysis._common import (
    Projection,
    label_of,
    node_data,
    out_links,
    project,
    themes_of,
    type_of,
    without_gc,
)

#: Louvain looks at each node at most this many times per level, so a level never costs more than a
#: few passes over the graph (on the benchmark's 100k-node graph, modularity 0.756 with 3, 0.759 with 4 or 6).
MAX_SWEEPS = 3
#: A level or theme "dominates" when more than this share of the topics has it; topics dominate a
#: community when at least this share of its members are topics.
DOMINANT_SHARE = 0.5

_LEVEL_WORDS = {"frontline": "Frontline", "organisation": "Organisational", "system": "System"}


@without_gc
def communities(G: nx.MultiDiGraph, *, seed: int = 0) -> list[list[str]]:
    """Communities of the undirected simple projection (Louvain, seeded), largest first.

    Members are sorted; ties in size are ordered by their first member. The same graph and seed
    always give the same answer.

    >>> G = nx.MultiDiGraph([("a", "b", "r"), ("b", "c", "r"), ("c", "a", "r"),
    ...                      ("x", "y", "r"), ("y", "z", "r"), ("z", "x", "r"), ("c", "x", "r")])
    >>> communities(G)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    projection = project(G)
    return [[projection.nodes[i] for i in members] for members in _communities(projection, seed)]


def named_communities(G: nx.MultiDiGraph, *, seed: int = 0) -> list[dict[str, Any]]:
    """Every community with a name: ``{"id", "label", "size", "members", "by_type"}``, largest first.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("h", type="theme", label="Understanding families (types of abuse)", level="frontline")
    >>> for t in ("Trauma", "Neglect", "FGM"):
    ...     G.add_node(t, type="topic", label=t, level="frontline"); _ = G.add_edge(t, "h", key="in_theme")
    >>> [c["label"] for c in named_communities(G)]
    ['Frontline topics: types of abuse']
    """
    found = communities(G, seed=seed)
    names = unique_names(G, found)
    return [
        {
            "id": f"community:{number}",
            "label": name,
            "size": len(members),
            "members": members,
            "by_type": dict(Counter(type_of(G, n) for n in members).most_common()),
        }
        for number, (members, name) in enumerate(zip(found, names, strict=True))
    ]


def community_name(G: nx.MultiDiGraph, members: Iterable[str]) -> str:
    """A community's name in the team's words, from its dominant types, levels and themes.

    Mostly topics: "<Level> topics: <theme>" (the level when most topics share it; the one or two
    themes most of them are in). Otherwise its one or two commonest types, and its topics' main
    theme if it has some, else its member most linked inside it.
    """
    members = list(members)
    if not members:
        return "Nothing"
    inside = set(members)
    types = Counter(type_of(G, n) for n in members)
    topics = [n for n in members if type_of(G, n) == "topic"]
    themes = _theme_words(G, topics)
    if len(topics) >= DOMINANT_SHARE * len(members):
        levels = Counter(str(node_data(G, t).get("level") or "") for t in topics)
        level, count = levels.most_common(1)[0]
        head = (
            f"{_LEVEL_WORDS[level]} topics"
            if level in _LEVEL_WORDS and count > DOMINANT_SHARE * len(topics)
            else "Topics"
        )
        return f"{head}: {themes}" if themes else head
    kinds = [kind for kind, _ in sorted(types.items(), key=lambda item: (-item[1], item[0]))[:2]]
    head = " and ".join(_plural(kind) for kind in kinds)
    head = head[0].upper() + head[1:]
    if themes and len(topics) >= 2:
        return f"{head}: {themes}"
    central = max(members, key=lambda n: (_links_inside(G, n, inside), -len(label_of(G, n)), n))
    return f"{head} about {about(G, central)}"


def about(G: nx.MultiDiGraph, node: str) -> str:
    """A node as the subject of a name, whole: "the Share stage of the evidence cycle", "the Access barrier"."""
    kind, label = type_of(G, node), " ".join(label_of(G, node).split())
    if kind == "stage":
        return f"the {label} stage of the evidence cycle"
    if kind == "barrier":
        return f"the {label} barrier"
    if kind == "level":
        return f"the {label[0].lower() + label[1:]} level"
    return label


def unique_names(G: nx.MultiDiGraph, groups: list[list[str]]) -> list[str]:
    """:func:`community_name` of each group; a name two groups share gets "(about …)" to tell them apart."""
    names = [community_name(G, members) for members in groups]
    repeated = {name for name, count in Counter(names).items() if count > 1}
    for index, members in enumerate(groups):
        if names[index] in repeated:
            inside = set(members)
            central = max(members, key=lambda n: (_links_inside(G, n, inside), -len(label_of(G, n)), n))
            names[index] += f" (about {about(G, central)})"
    return names


def _theme_words(G: nx.MultiDiGraph, topics: list[str]) -> str:
    """The one theme most topics are in, or the two commonest: "types of abuse and types of families"."""
    themes = Counter(theme for topic in topics for theme in themes_of(G, topic))
    if not themes:
        return ""
    ranked = sorted(themes.items(), key=lambda item: (-item[1], label_of(G, item[0])))
    words = [theme_words(label_of(G, theme)) for theme, _ in ranked[:2]]
    if ranked[0][1] > DOMINANT_SHARE * len(topics) or len(ranked) == 1:
        return words[0]
    return f"{words[0]} and {words[1]}"


def theme_words(label: str) -> str:
    """A theme's label as words in a sentence: its bracketed part when that says what it is.

    >>> theme_words("Understanding families (types of abuse)")
    'types of abuse'
    >>> theme_words("Understanding children, young people and families (methods)")
    'understanding children, young people and families (methods)'
    """
    text = " ".join(label.split())
    if text.endswith(")") and " (" in text:
        inner = text[text.rindex(" (") + 2 : -1]
        if len(inner.split()) >= 2:
            return inner
    return text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _plural(kind: str) -> str:
    return f"{kind or 'node'}s"


def _links_inside(G: nx.MultiDiGraph, node: str, inside: set[str]) -> int:
    return sum(1 for n in out_links(G, node) if n in inside) + sum(1 for n in G._pred[node] if n in inside)


# --- Louvain ----------------------------------------------------------------------------------


def _communities(projection: Projection, seed: int) -> list[list[int]]:
    """Louvain communities as lists of node numbers, largest first, then by first member's id."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for node, community in enumerate(_louvain(projection, seed)):
        grouped[community].append(node)
    nodes = projection.nodes
    found = [sorted(members, key=nodes.__getitem__) for members in grouped.values()]
    return sorted(found, key=lambda members: (-len(members), nodes[members[0]]))


def _louvain(projection: Projection, seed: int) -> list[int]:
    """Louvain modularity communities: the community number of each node. Deterministic for a seed.

    A compact version of the method (Blondel et al. 2008) on integer arrays, with the queue-based
    local moving of Leiden (Traag et al. 2019): after the first sweep only nodes whose neighbours
    moved are looked at again, and each node at most ``MAX_SWEEPS`` times per level.
    networkx's own Louvain took ~30 s on a 100k-node graph; this one takes ~7 s. Its random
    numbers come from a ``random.Random(seed)`` of its own: no process-wide state is touched.
    """
    count = len(projection.nodes)
    level = _Level(projection.neighbours, None, [0.0] * count)
    membership = list(range(count))
    rng = random.Random(seed)
    while True:
        local, merged = _one_level(level, rng)
        if not merged:
            break
        membership = [local[c] for c in membership]
        level = _aggregate(level, local)
    return membership


@dataclass
class _Level:
    """A weighted graph on nodes 0..n-1: neighbour lists, their weights (None: all 1), self-loop weights.

    A self-loop weight is the total strength inside an aggregated community (each link counted twice).
    """

    neighbours: list[list[int]]
    weights: list[list[float]] | None
    self_loops: list[float]


def _one_level(level: _Level, rng: random.Random) -> tuple[list[int], bool]:
    """Move nodes between communities while modularity rises; returns (community per node, merged any)."""
    neighbours, weights = level.neighbours, level.weights
    count = len(neighbours)
    if weights is None:
        strength = [float(len(nbrs)) for nbrs in neighbours]
    else:
        strength = [sum(w) + loop for w, loop in zip(weights, level.self_loops, strict=True)]
    total = sum(strength)
    community = list(range(count))
    if not total:
        return community, False
    community_strength = strength[:]
    order = list(range(count))
    rng.shuffle(order)
    queue = deque(order)
    queued = [True] * count
    budget = MAX_SWEEPS * count
    while queue and budget:
        budget -= 1
        node = queue.popleft()
        queued[node] = False
        own = community[node]
        towards: dict[int, float] = {}
        weight_of = towards.get
        if weights is None:
            for other in neighbours[node]:
                c = community[other]
                towards[c] = weight_of(c, 0.0) + 1.0
        else:
            for other, w in zip(neighbours[node], weights[node], strict=True):
                c = community[other]
                towards[c] = weight_of(c, 0.0) + w
        share = strength[node] / total
        community_strength[own] -= strength[node]
        best, best_gain = own, towards.get(own, 0.0) - community_strength[own] * share
        for candidate, w in towards.items():
            gain = w - community_strength[candidate] * share
            if gain > best_gain + 1e-12:
                best, best_gain = candidate, gain
        community_strength[best] += strength[node]
        if best != own:
            community[node] = best
            for other in neighbours[node]:
                if not queued[other] and community[other] != best:
                    queued[other] = True
                    queue.append(other)
    renumber: dict[int, int] = {}
    for c in community:
        renumber.setdefault(c, len(renumber))
    return [renumber[c] for c in community], len(renumber) < count


def _aggregate(level: _Level, community: list[int]) -> _Level:
    """One node per community; weights summed, links inside a community kept as its self-loop."""
    size = max(community, default=-1) + 1
    rows: list[dict[int, float]] = [{} for _ in range(size)]
    self_loops = [0.0] * size
    for node, nbrs in enumerate(level.neighbours):
        cu = community[node]
        row = rows[cu]
        self_loops[cu] += level.self_loops[node]
        for position, other in enumerate(nbrs):
            w = 1.0 if level.weights is None else level.weights[node][position]
            cv = community[other]
            if cv == cu:
                self_loops[cu] += w
            else:
                row[cv] = row.get(cv, 0.0) + w
    return _Level([list(row) for row in rows], [list(row.values()) for row in rows], self_loops)
