"""Counts and tables: consensus on topics, centrality, the Appendix 1 matrix, the barrier matrix, totals."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from graph.analysis._common import (
    Projection,
    also_listed,
    edges_of,
    label_of,
    level_rank,
    natural_key,
    node_data,
    nodes_of_type,
    project,
    ref,
    theme_label,
    themes_of,
)
from graph.schema import Relation

#: Above this many nodes, betweenness is estimated from a seeded sample of source nodes.
EXACT_BETWEENNESS_NODES = 2000
#: How many sampled source nodes estimate betweenness on a larger graph.
BETWEENNESS_SAMPLE = 64
#: Sources handled together in one sparse matrix product (memory ~ 4 x nodes x BATCH x 8 bytes).
BATCH = 32

# Columns of the barrier matrix, in this order: the stages of the cycle, then messages, initiatives, bodies.
_BARRIER_COLUMN_TYPES = ("stage", "message", "initiative", "organisation")


def consensus(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Every topic with the distinct strands that raised it, most-raised first (ties by label).

    'Not priority' entries (``not_prioritised``) never count.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("s1", {"type": "strand", "label": "Bristol"}),
    ...                   ("s2", {"type": "strand", "label": "Advisory group"}),
    ...                   ("t", {"type": "topic", "label": "Supervision", "level": "organisation"})])
    >>> G.add_edge("s1", "t", key="raised"); G.add_edge("s2", "t", key="not_prioritised")
    'raised'
    'not_prioritised'
    >>> [(row["label"], row["count"]) for row in consensus(G)]
    [('Supervision', 1)]
    """
    raised_by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for strand, topic, _, data in edges_of(G, [Relation.RAISED]):
        raised_by[topic].append({**ref(G, strand), "qualifier": data.get("qualifier")})
    rows = []
    for topic in nodes_of_type(G, "topic"):
        strands = sorted(
            raised_by.get(topic, []), key=lambda s: (_column_key(G, s["id"]), s["label"].casefold(), s["id"])
        )
        rows.append(
            {
                **ref(G, topic),
                "level": node_data(G, topic).get("level"),
                "theme": theme_label(G, topic),
                "count": len(strands),
                "strands": strands,
                "also_listed_as": [ref(G, other) for other in also_listed(G, topic)],
            }
        )
    rows.sort(key=lambda row: (-row["count"], row["label"].casefold(), row["id"]))
    return rows


def centrality(G: nx.MultiDiGraph, *, top: int | None = None, seed: int = 0) -> list[dict[str, Any]]:
    """Degree (distinct neighbours) and betweenness of every node, most between first.

    Betweenness is that of the undirected simple projection, normalised as networkx does
    (``nx.betweenness_centrality(..., normalized=True)``) and equal to it. Above
    ``EXACT_BETWEENNESS_NODES`` nodes it is estimated from ``BETWEENNESS_SAMPLE`` source nodes
    drawn with ``seed`` (the same sample networkx would draw); each row then says
    ``"betweenness_sample": k`` (else None).

    >>> G = nx.MultiDiGraph([("a", "hub", "raised"), ("hub", "b", "in_theme")])
    >>> [(row["id"], row["degree"], row["betweenness"]) for row in centrality(G)]
    [('hub', 2, 1.0), ('a', 1, 0.0), ('b', 1, 0.0)]
    """
    projection = project(G)
    nodes = projection.nodes
    count = len(nodes)
    sample = None
    if count > EXACT_BETWEENNESS_NODES:
        sample = min(count, BETWEENNESS_SAMPLE)
    sources = random.Random(seed).sample(range(count), sample) if sample else list(range(count))
    between = _betweenness(projection, sources, sampled=sample is not None).tolist()
    degree = np.diff(projection.indptr).tolist()
    rows = [
        {
            **ref(G, node),
            "type": node_data(G, node).get("type"),
            "degree": int(degree[i]),
            "betweenness": round(float(between[i]), 6),
            "betweenness_sample": sample,
        }
        for i, node in enumerate(nodes)
    ]
    rows.sort(key=lambda row: (-row["betweenness"], -row["degree"], row["label"].casefold(), row["id"]))
    return rows if top is None else rows[: max(top, 0)]


def _betweenness(projection: Projection, sources: list[int], *, sampled: bool) -> np.ndarray:
    """Brandes' algorithm run for a batch of sources at once with sparse matrix products.

    One breadth-first search per source would cost a Python loop over every edge; here each BFS
    level of ``BATCH`` sources is one sparse-times-dense product, so the loops run in C.
    """
    count = len(projection.nodes)
    total = np.zeros(count)
    if count < 3:
        return total
    indices = projection.indices
    adjacency = sparse.csr_matrix((np.ones(len(indices)), indices, projection.indptr), shape=(count, count))
    for start in range(0, len(sources), BATCH):
        batch = np.asarray(sources[start : start + BATCH], dtype=np.int64)
        total += _dependencies(adjacency, batch)
    # Normalise like networkx (endpoints excluded): by the (s, t) pairs that could pass through v.
    if not sampled:
        return total / ((count - 1) * (count - 2))
    k = len(sources)
    scale = np.full(count, 1 / (k * (count - 2)))
    scale[np.asarray(sources)] = 1 / ((k - 1) * (count - 2)) if k > 1 else 0.0
    return total * scale


def _dependencies(adjacency: sparse.csr_matrix, batch: np.ndarray) -> np.ndarray:
    """Sum over the batch's sources s of Brandes' dependency delta_s(v), for every node v."""
    count, width = adjacency.shape[0], len(batch)
    columns = np.arange(width)
    distance = np.full((count, width), -1, dtype=np.int32)
    paths = np.zeros((count, width))
    distance[batch, columns] = 0
    paths[batch, columns] = 1.0
    frontier = paths.copy()
    depth = 0
    while True:
        reached = adjacency @ frontier
        new = (distance < 0) & (reached > 0)
        if not new.any():
            break
        depth += 1
        distance[new] = depth
        paths[new] = reached[new]
        frontier = np.where(new, paths, 0.0)
    dependency = np.zeros((count, width))
    safe_paths = np.where(paths > 0, paths, 1.0)
    for level in range(depth, 0, -1):
        share = np.where(distance == level, (1.0 + dependency) / safe_paths, 0.0)
        dependency += np.where(distance == level - 1, paths * (adjacency @ share), 0.0)
    dependency[batch, columns] = 0.0
    return dependency.sum(axis=1)


def coverage_matrix(
    G: nx.MultiDiGraph, *, row_type: str = "topic", column_type: str = "strand", relation: str = "raised"
) -> dict[str, Any]:
    """Appendix 1 as data: rows × columns with a cell wherever ``relation`` joins them.

    For strand columns only strands with an ``appendix_column`` are shown, in that order.
    With ``relation="raised"`` a cell reads "✓", "✓ (qualifier)" or "Not priority". Rows follow
    the node's ``order`` attribute if it has one, else level, theme and label. Cells are sparse:
    empty cells are left out.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("s", {"type": "strand", "label": "CYP panel", "appendix_column": 1}),
    ...                   ("t", {"type": "topic", "label": "Recruitment", "level": "system"})])
    >>> G.add_edge("s", "t", key="raised", qualifier="reduce turnover")
    'raised'
    >>> coverage_matrix(G)["cells"]
    [{'row': 't', 'column': 's', 'value': '✓ (reduce turnover)'}]
    """
    rows = sorted(nodes_of_type(G, row_type), key=lambda n: _row_order(G, n))
    if column_type == "strand":
        columns = sorted(
            (n for n in nodes_of_type(G, "strand") if _column(G, n) is not None), key=lambda n: (_column(G, n), n)
        )
    else:
        columns = sorted(nodes_of_type(G, column_type), key=lambda n: _row_order(G, n))
    relations = [relation, Relation.NOT_PRIORITISED] if relation == Relation.RAISED else [relation]
    return _matrix(G, rows, columns, relations)


def barrier_matrix(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Which messages, initiatives, organisations and stages address each barrier (section 6.1).

    Same shape as :func:`coverage_matrix`; columns are only those that address some barrier,
    grouped by type. A cell reads "✓", or "✓ (inferred)" when the link is a curator's reading.
    """
    rows = sorted(nodes_of_type(G, "barrier"), key=lambda n: _row_order(G, n))
    sources = {source for source, _, _, _ in edges_of(G, [Relation.ADDRESSES])}
    columns = sorted(
        (n for n in sources if node_data(G, n).get("type") in _BARRIER_COLUMN_TYPES),
        key=lambda n: (_BARRIER_COLUMN_TYPES.index(node_data(G, n)["type"]), *_row_order(G, n)),
    )
    return _matrix(G, rows, columns, [Relation.ADDRESSES])


def stats(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Headline counts: nodes, edges, by type, relation and basis, weak components, density.

    Density is that of the undirected simple projection (joined pairs / possible pairs).

    >>> stats(nx.MultiDiGraph([("a", "b", "raised")]))["by_relation"]
    {'raised': 1}
    """
    by_relation: Counter[str] = Counter()
    by_basis: Counter[str] = Counter()
    pairs = 0
    succ = G._succ  # networkx's own adjacency: much faster than the views on big graphs
    for u, targets in succ.items():
        for v, keyed in targets.items():
            for relation, data in keyed.items():
                by_relation[relation] += 1
                by_basis[data.get("basis") or "unknown"] += 1
            # a pair joined both ways is counted once, from its smaller end
            if u != v and not (u in succ[v] and v < u):
                pairs += 1
    nodes = G.number_of_nodes()
    return {
        "nodes": nodes,
        "edges": G.number_of_edges(),
        "by_type": dict(sorted(Counter(kind or "unknown" for _, kind in G.nodes(data="type")).items())),
        "by_relation": dict(sorted(by_relation.items())),
        "by_basis": dict(sorted(by_basis.items())),
        "components": nx.number_weakly_connected_components(G) if nodes else 0,
        "density": round(2 * pairs / (nodes * (nodes - 1)), 6) if nodes > 1 else 0.0,
    }


def _matrix(G: nx.MultiDiGraph, rows: list[str], columns: list[str], relations: list[str]) -> dict[str, Any]:
    row_set, column_set = set(rows), set(columns)
    values: dict[tuple[str, str], str] = {}
    for source, target, relation, data in edges_of(G, relations):
        if source in column_set and target in row_set:
            row, column = target, source
        elif source in row_set and target in column_set:
            row, column = source, target
        else:
            continue
        # A tick outranks "Not priority" if the data ever has both for one cell.
        if values.get((row, column), "").startswith("✓"):
            continue
        values[(row, column)] = _cell(relation, data)
    row_index = {n: i for i, n in enumerate(rows)}
    column_index = {n: i for i, n in enumerate(columns)}
    return {
        "rows": [
            {
                **ref(G, n),
                "level": node_data(G, n).get("level"),
                "theme": theme_label(G, n) if themes_of(G, n) else None,
            }
            for n in rows
        ],
        "columns": [{**ref(G, n), "type": node_data(G, n).get("type")} for n in columns],
        "cells": [
            {"row": row, "column": column, "value": value}
            for (row, column), value in sorted(
                values.items(), key=lambda i: (row_index[i[0][0]], column_index[i[0][1]])
            )
        ],
    }


def _cell(relation: str, data: dict[str, Any]) -> str:
    if relation == Relation.NOT_PRIORITISED:
        return "Not priority"
    note = data.get("qualifier") if relation == Relation.RAISED else None
    if note is None and data.get("basis") == "inferred":
        note = "inferred"
    return f"✓ ({note})" if note else "✓"


def _row_order(G: nx.MultiDiGraph, node: str) -> tuple[Any, ...]:
    data = node_data(G, node)
    order = data.get("order")
    if isinstance(order, int | float) and not isinstance(order, bool):
        return (0, order, 0, "", "", node)
    theme = theme_label(G, node) or ""
    return (1, 0, level_rank(data.get("level")), natural_key(theme), natural_key(label_of(G, node)), node)


def _column(G: nx.MultiDiGraph, strand: str) -> int | None:
    column = node_data(G, strand).get("appendix_column")
    return column if isinstance(column, int) and not isinstance(column, bool) else None


def _column_key(G: nx.MultiDiGraph, strand: str) -> tuple[int, int]:
    column = _column(G, strand)
    return (0, column) if column is not None else (1, 0)
