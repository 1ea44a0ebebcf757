"""Overlaps: pairs of nodes of one type that share neighbours (the same topics, strands, barriers).

Scored by the Jaccard similarity of their neighbourhoods (edges in both directions). Pairs are
found through an inverted index (neighbour -> nodes of the type), so only pairs that share a
neighbour are ever scored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from graph.analysis._common import in_links, label_of, listed, out_links, plural_type, plural_verb, ref, type_of, verb

#: Most pair co-occurrences the inverted index may generate. Neighbours shared by so many nodes
#: that pairing them all would pass this budget ("hubs", e.g. a theme holding thousands of topics)
#: are left out of the comparison, largest first, as a search engine leaves out stop-words: the
#: score and the shared list then cover the remaining neighbours. No neighbour in the report's own
#: graph comes near the budget, so there nothing is left out.
MAX_CANDIDATE_PAIRS = 3_000_000
#: With ``limit=None`` at most this many pairs are returned (the best): a big graph can have
#: millions of pairs sharing something, too many to describe or show.
MAX_RESULTS = 10_000


def overlaps(
    G: nx.MultiDiGraph,
    node_type: str,
    *,
    relations: Iterable[str] | None = None,
    min_shared: int = 1,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Pairs of ``node_type`` nodes ranked by how much of their neighbourhoods they share.

    Each result: ``{"a", "b", "score", "shared", "reason"}``; ``score`` is the Jaccard index
    |shared| / |union| of the two neighbourhoods, counting edges in both directions whose relation
    is in ``relations`` (all relations if None). Highest score first; ties by number shared, then
    ids. Only pairs sharing at least ``max(min_shared, 1)`` neighbours are listed, at most
    ``limit`` of them (``MAX_RESULTS`` if ``limit`` is None).

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("s1", {"type": "strand", "label": "Bristol"}),
    ...                   ("s2", {"type": "strand", "label": "Leeds"}),
    ...                   ("t", {"type": "topic", "label": "Trauma"})])
    >>> G.add_edge("s1", "t", key="raised"); G.add_edge("s2", "t", key="raised")
    'raised'
    'raised'
    >>> [(o["a"]["label"], o["b"]["label"], o["score"], o["reason"]) for o in overlaps(G, "strand")]
    [('Bristol', 'Leeds', 1.0, 'Both raised the same topic: Trauma')]
    """
    wanted = None if relations is None else set(relations)
    members = sorted(node for node, kind in G.nodes(data="type") if kind == node_type)
    hood = {node: _neighbourhood(G, node, wanted) for node in members}
    index: dict[str, list[int]] = defaultdict(list)
    for row, node in enumerate(members):
        for neighbour in hood[node]:
            index[neighbour].append(row)
    hubs = _hubs(index)
    if hubs:
        hood = {node: neighbours - hubs for node, neighbours in hood.items()}
    limit = MAX_RESULTS if limit is None else limit
    ranked = _ranked_pairs(members, hood, [rows for n, rows in index.items() if n not in hubs], min_shared, limit)
    return [_result(G, members[i], members[j], score, hood, wanted) for score, i, j in ranked]


def _ranked_pairs(
    members: list[str], hood: dict[str, set[str]], columns: list[list[int]], min_shared: int, limit: int
) -> list[tuple[float, int, int]]:
    """(score, row a, row b) for every pair sharing a neighbour, best first.

    The co-occurrence counts come from one sparse product (incidence x its transpose), so the
    work is proportional to the number of pairs that share something, never all pairs.
    """
    if not columns:
        return []
    rows = np.concatenate([np.asarray(column, dtype=np.int64) for column in columns])
    cols = np.repeat(np.arange(len(columns)), [len(column) for column in columns])
    incidence = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(len(members), len(columns))
    )
    together = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    shared = together.data.astype(np.int64)
    keep = shared >= max(min_shared, 1)
    a, b, shared = together.row[keep], together.col[keep], shared[keep]
    sizes = np.array([len(hood[node]) for node in members], dtype=np.int64)
    scores = shared / (sizes[a] + sizes[b] - shared)
    order = np.lexsort((b, a, -shared, -scores))[: max(limit, 0)]
    return [(float(scores[k]), int(a[k]), int(b[k])) for k in order]


def _neighbourhood(G: nx.MultiDiGraph, node: str, wanted: set[str] | None) -> set[str]:
    if wanted is None:
        return set(out_links(G, node)) | set(in_links(G, node))
    found = {target for target, keyed in out_links(G, node).items() if not wanted.isdisjoint(keyed)}
    found |= {source for source, keyed in in_links(G, node).items() if not wanted.isdisjoint(keyed)}
    return found


def _hubs(index: dict[str, list[int]]) -> set[str]:
    """Neighbours too widely shared to pair up within the budget, the most shared first."""
    pairs = {neighbour: len(sharing) * (len(sharing) - 1) // 2 for neighbour, sharing in index.items()}
    total = sum(pairs.values())
    hubs: set[str] = set()
    for neighbour in sorted(pairs, key=lambda n: (-pairs[n], n)):
        if total <= MAX_CANDIDATE_PAIRS:
            break
        hubs.add(neighbour)
        total -= pairs[neighbour]
    return hubs


def _result(
    G: nx.MultiDiGraph, a: str, b: str, score: float, hood: dict[str, set[str]], wanted: set[str] | None
) -> dict[str, Any]:
    shared = sorted(hood[a] & hood[b], key=lambda node: (label_of(G, node).casefold(), node))
    return {
        "a": ref(G, a),
        "b": ref(G, b),
        "score": round(score, 4),
        "shared": [ref(G, node) for node in shared],
        "reason": _reason(G, a, b, shared, wanted),
    }


def _links(G: nx.MultiDiGraph, node: str, neighbour: str, wanted: set[str] | None) -> set[tuple[str, str]]:
    """How ``node`` is joined to ``neighbour``: ``{("out"|"in", relation)}``."""
    found = {("out", rel) for rel in out_links(G, node).get(neighbour, {})}
    found |= {("in", rel) for rel in in_links(G, node).get(neighbour, {})}
    return {link for link in found if wanted is None or link[1] in wanted}


def _reason(G: nx.MultiDiGraph, a: str, b: str, shared: list[str], wanted: set[str] | None) -> str:
    """ "Both work on 3 of the same topics: A, B, C" — one clause per way of being joined."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for neighbour in shared:
        common = _links(G, a, neighbour, wanted) & _links(G, b, neighbour, wanted)
        direction, relation = min(common) if common else ("", "")
        groups[(direction, relation, type_of(G, neighbour))].append(label_of(G, neighbour))
    own_type = type_of(G, a)
    clauses = sorted(
        (-len(labels), _clause(direction, relation, kind, own_type, labels))
        for (direction, relation, kind), labels in groups.items()
    )
    return "; ".join(clause for _, clause in clauses)


def _clause(direction: str, relation: str, kind: str, own_type: str, labels: list[str]) -> str:
    """One way of sharing, in words; ``kind`` is the shared nodes' type, ``own_type`` the pair's."""
    count = len(labels)
    what = f"the same {kind}" if count == 1 else f"{count} of the same {plural_type(kind, count)}"
    if direction == "out":
        # "is in the theme" + "the same theme" would say "theme" twice.
        phrase = _drop_suffix(plural_verb(verb(relation)), f" the {kind}")
        return f"Both {phrase} {what}: {listed(labels)}"
    if direction == "in":
        phrase = verb(relation) if count == 1 else plural_verb(verb(relation))
        return f"{what[0].upper()}{what[1:]} {_drop_suffix(phrase, f' the {own_type}')} both: {listed(labels)}"
    return f"Both are linked to {what}: {listed(labels)}"


def _drop_suffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)] if text.endswith(suffix) else text
