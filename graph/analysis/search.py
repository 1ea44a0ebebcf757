"""Finding nodes by name: exact id, then label (any case), then fuzzy match."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import networkx as nx
from rapidfuzz import fuzz, process

from graph.analysis._common import node_data
from graph.errors import AmbiguousNode, NodeNotFound

#: A fuzzy match at least this good (0-100) is taken as the name the user meant...
ACCEPT_SCORE = 90.0
#: ...unless another node scores within this margin of it: then the name is ambiguous.
AMBIGUITY_MARGIN = 3.0
#: Suggestions offered after "did you mean" score at least this.
SUGGEST_SCORE = 50.0
#: A fuzzy match is taken as the node only if the whole name is this close to the whole label
#: (a misspelling), not just a part of it: "Traumatic burnout" must not silently mean "Trauma".
WHOLE_NAME_SCORE = 85.0


_PUNCTUATION = re.compile(r"[^\w\s]")


@lru_cache(maxsize=1 << 18)
def normalise(text: str) -> str:
    """Case-folded words without punctuation, for comparing names.

    Remembered for the most recent ~260k texts, so that a search over a big graph does not
    clean every label again on every query.

    >>> normalise("  Event  COVENTRY! ")
    'event coventry'
    """
    return " ".join(_PUNCTUATION.sub(" ", text.casefold().replace("&", " and ")).split())


def resolve_node(G: nx.MultiDiGraph, name: str) -> str:
    """The id of the node ``name`` means: an id, a label in any case, or a close fuzzy match.

    Raises NodeNotFound (with "did you mean ..." suggestions) or AmbiguousNode.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("strand:event-coventry", type="strand", label="Event Coventry")
    >>> G.add_node("organisation:wwc", type="organisation", label="What Works Centre for Children's Social Care")
    >>> resolve_node(G, "event coventry"), resolve_node(G, "Event Coventy"), resolve_node(G, "what works centre")
    ('strand:event-coventry', 'strand:event-coventry', 'organisation:wwc')
    """
    if name in G:
        return name
    wanted = name.strip().casefold()
    by_id = [node for node in G if str(node).casefold() == wanted]
    if len(by_id) == 1:
        return by_id[0]
    key = normalise(name)
    if not key:
        raise NodeNotFound(f"No node matches '{name}'.")
    by_label = sorted(node for node, label in G.nodes(data="label") if normalise(str(label or "")) == key)
    if len(by_label) == 1:
        return by_label[0]
    if len(by_label) > 1:
        raise AmbiguousNode(name, [(node, _label(G, node)) for node in by_label])
    starting = _starting_with(G, key)
    if len(starting) == 1:  # "what works centre" for "What Works Centre for Children's Social Care"
        return starting[0]
    matches = _fuzzy(G, key, limit=5, cutoff=SUGGEST_SCORE)
    if matches and matches[0][1] >= ACCEPT_SCORE and _whole(G, key, matches[0][0]) >= WHOLE_NAME_SCORE:
        close = [
            node
            for node, score in matches
            if score >= ACCEPT_SCORE
            and matches[0][1] - score <= AMBIGUITY_MARGIN
            and _whole(G, key, node) >= WHOLE_NAME_SCORE
        ]
        if len(close) == 1:
            return close[0]
        raise AmbiguousNode(name, [(node, _label(G, node)) for node in close])
    error = NodeNotFound(_not_found(G, name, [node for node, _ in matches[:3]]))
    error.suggestions = [node for node, _ in matches[:3]]  # type: ignore[attr-defined]
    raise error


def _starting_with(G: nx.MultiDiGraph, key: str) -> list[str]:
    """Nodes whose label begins with the whole words of ``key``, as people type a long name."""
    if len(key) < 4:
        return []
    return sorted(
        node for node, label in G.nodes(data="label") if (normalise(str(label or "")) + " ").startswith(key + " ")
    )


def search_nodes(
    G: nx.MultiDiGraph, query: str, *, limit: int = 10, types: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Nodes whose label (or id) best matches ``query``, best first: ``{"id","label","type","score"}``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("topic:trauma", type="topic", label="Trauma")
    >>> G.add_node("topic:neglect", type="topic", label="Neglect")
    >>> [hit["id"] for hit in search_nodes(G, "traum")]
    ['topic:trauma']
    """
    key = normalise(query)
    if not key or limit <= 0:
        return []
    kinds = None if types is None else set(types)
    hits = _fuzzy(G, key, limit=None, cutoff=SUGGEST_SCORE, kinds=kinds)
    return [
        {"id": node, "label": _label(G, node), "type": node_data(G, node).get("type"), "score": round(score, 1)}
        for node, score in hits[:limit]
    ]


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return str(node_data(G, node).get("label") or node)


def _fuzzy(
    G: nx.MultiDiGraph, key: str, *, limit: int | None, cutoff: float, kinds: set[str] | None = None
) -> list[tuple[str, float]]:
    """(node, score) of labels and ids matching ``key``, best first, ties by label then id."""
    nodes = [node for node, kind in G.nodes(data="type") if kinds is None or kind in kinds]
    best: dict[str, float] = {}
    for choices in (
        [normalise(_label(G, node)) for node in nodes],
        [normalise(str(node).replace(":", " ").replace("-", " ")) for node in nodes],
    ):
        for _, score, index in process.extract(key, choices, scorer=fuzz.WRatio, score_cutoff=cutoff, limit=None):
            node = nodes[index]
            best[node] = max(score, best.get(node, 0.0))
    ranked = sorted(best.items(), key=lambda item: (-item[1], _label(G, item[0]).casefold(), item[0]))
    return ranked if limit is None else ranked[:limit]


def _whole(G: nx.MultiDiGraph, key: str, node: str) -> float:
    """How close the whole name is to the node's whole label or id (not a part of either)."""
    return max(
        fuzz.ratio(key, normalise(_label(G, node))),
        fuzz.ratio(key, normalise(str(node).replace(":", " ").replace("-", " "))),
    )


def _not_found(G: nx.MultiDiGraph, name: str, suggestions: list[str]) -> str:
    if not suggestions:
        return f"No node matches '{name}'."
    listed = "; ".join(f"{_label(G, node)} ({node})" for node in suggestions)
    return f"No node matches '{name}'. Did you mean: {listed}?"
