"""The graph's structure as gaps: loose ends (nodes linked to one node or none, or cut off), and
communities less linked to each other than their sizes would suggest, with the nodes that could
bridge them.

Every item names itself (``id``, ``label``), says why it is a gap (``reason``) and where in the
report it comes from (``refs``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from graph.analysis._common import (
    Projection,
    in_links,
    label_of,
    listed,
    out_links,
    project,
    ref,
    refs_of,
    short_label_of,
    type_of,
    verb,
)
from graph.analysis.communities import _communities, unique_names
from graph.bases import basis_rule, basis_strength

#: Only this many of the largest communities are compared pairwise for structural gaps.
MAX_COMMUNITIES_COMPARED = 30


#: Communities smaller than this are too small to say anything about.
MIN_COMMUNITY_SIZE = 3


#: How many structural gaps (most under-linked pairs) to report.
MAX_STRUCTURAL_GAPS = 10


#: How many possible bridges to name for each structural gap.
MAX_BRIDGES = 5


def isolated_nodes(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Loose ends: nodes linked to nothing or to one node, and nodes cut off from the main graph."""
    return isolated_in(G, project(G))


def isolated_in(G: nx.MultiDiGraph, projection: Projection) -> list[dict[str, Any]]:
    nodes, degree = projection.nodes, projection.degree.tolist()
    component = _components(projection)
    sizes = Counter(component)
    largest = min(sizes, key=lambda c: (-sizes[c], c)) if sizes else -1
    items = []
    for i, node in enumerate(nodes):
        links = degree[i]
        cut_off = component[i] != largest
        if links > 1 and not cut_off:
            continue
        size = sizes[component[i]]
        items.append(
            {
                **ref(G, node),
                "type": type_of(G, node),
                "degree": links,
                "component_size": size,
                "reason": _isolation_reason(G, node, links, size, cut_off),
                "refs": refs_of(G, node),
            }
        )
    items.sort(key=lambda i: (i["degree"] > 0, i["component_size"], i["degree"], i["type"], i["label"], i["id"]))
    return items


def _components(projection: Projection) -> list[int]:
    """The weakly connected component of each node, numbered by its first node."""
    count = len(projection.nodes)
    if not count:
        return []
    adjacency = sparse.csr_matrix(
        (np.ones(len(projection.indices), dtype=np.int8), projection.indices, projection.indptr), shape=(count, count)
    )
    _, label = csgraph.connected_components(adjacency, directed=False)
    first = np.full(label.max() + 1, count, dtype=np.int64)
    np.minimum.at(first, label, np.arange(count))
    return first[label].tolist()


def structural_gaps(G: nx.MultiDiGraph, *, seed: int = 0) -> list[dict[str, Any]]:
    """Pairs of communities with fewer links between them than their sizes and degrees would give.

    Expected links between communities A and B, were edges placed at random keeping every node's
    degree: ``deg(A) * deg(B) / 2m``. Pairs are ranked by links / expected (lowest first), among
    the largest ``MAX_COMMUNITIES_COMPARED`` communities and pairs expected to share at least one link.
    Each gap names nodes that could bridge the two: nodes already linked to both, or failing
    that, the member of each community most linked outside it.
    """
    return structural_gaps_in(G, project(G), seed)


def structural_gaps_in(
    G: nx.MultiDiGraph, projection: Projection, seed: int, communities: list[list[str]] | None = None
) -> list[dict[str, Any]]:
    arcs = _Arcs.of(projection)
    total_degree = int(arcs.degree.sum())
    if not total_degree:
        return []
    if communities is None:
        groups = _communities(projection, seed)
    else:
        number = {node: i for i, node in enumerate(projection.nodes)}
        groups = [[number[node] for node in members if node in number] for members in communities]
    compared = [(number, members) for number, members in enumerate(groups) if len(members) >= MIN_COMMUNITY_SIZE]
    compared = compared[:MAX_COMMUNITIES_COMPARED]
    community = np.full(len(projection.nodes), -1, dtype=np.int64)
    for index, (_, members) in enumerate(compared):
        community[members] = index
    source, target = community[arcs.rows], community[arcs.cols]
    # A community's total degree is the number of arcs leaving its members.
    weight = np.bincount(source[source >= 0], minlength=len(compared))
    between = (source >= 0) & (target >= 0) & (source < target)
    links = np.zeros((len(compared), len(compared)), dtype=np.int64)
    np.add.at(links, (source[between], target[between]), 1)
    inside = np.bincount(arcs.rows[(source >= 0) & (source == target)], minlength=len(projection.nodes))
    names = unique_names(G, [[projection.nodes[i] for i in members] for _, members in compared])
    described = [
        _describe(G, projection, arcs, inside, number, members, name)
        for (number, members), name in zip(compared, names, strict=True)
    ]
    candidates = []
    for a in range(len(compared)):
        for b in range(a + 1, len(compared)):
            expected = float(weight[a] * weight[b] / total_degree)
            if expected >= 1.0:
                candidates.append((int(links[a, b]) / expected, -expected, a, b))
    candidates.sort()
    return [
        _structural_gap(G, projection, arcs, target, described, (a, b), int(links[a, b]), -neg_expected)
        for _, neg_expected, a, b in candidates[:MAX_STRUCTURAL_GAPS]
    ]


def _isolation_reason(G: nx.MultiDiGraph, node: str, links: int, size: int, cut_off: bool) -> str:
    if links == 0:
        return "Not linked to anything."
    if links == 1:
        (other,) = set(out_links(G, node)) | set(in_links(G, node))
        relation = next(iter(out_links(G, node).get(other) or in_links(G, node).get(other)))
        outgoing = other in out_links(G, node)
        said = (
            f"{label_of(G, node)} {verb(relation)} {label_of(G, other)}"
            if outgoing
            else f"{label_of(G, other)} {verb(relation)} {label_of(G, node)}"
        )
        text = f"Linked to one node only ({said})."
    else:
        text = f"Linked to {links} nodes."
    if cut_off:
        text += f" Part of a separate group of {size} node{'s' if size != 1 else ''}, cut off from the main graph."
    return text


@dataclass
class _Arcs:
    """The projection as arrays: one arc per direction of every link, and each node's degree."""

    rows: np.ndarray
    cols: np.ndarray
    degree: np.ndarray

    @classmethod
    def of(cls, projection: Projection) -> _Arcs:
        degree = projection.degree
        rows = np.repeat(np.arange(len(degree)), degree)
        return cls(rows, projection.indices, degree)


def _links(count: int) -> str:
    return f"{count} link{'s' if count != 1 else ''}"


def _describe(
    G: nx.MultiDiGraph,
    projection: Projection,
    arcs: _Arcs,
    inside: np.ndarray,
    number: int,
    members: list[int],
    name: str,
) -> dict[str, Any]:
    """A community for display, with its name in the team's words and its most central member."""
    central = _first_by_label(G, projection, members, -inside[members], -arcs.degree[members])
    return {
        "id": f"community:{number}",
        "label": name,
        "size": len(members),
        "members": [projection.nodes[i] for i in members],
        "central": central,
        "member_ids": np.asarray(members, dtype=np.int64),
    }


def _first_by_label(
    G: nx.MultiDiGraph, projection: Projection, candidates: list[int] | np.ndarray, *keys: np.ndarray
) -> int:
    """The candidate with the smallest keys (compared in order), ties broken by label then id."""
    candidates = np.asarray(candidates, dtype=np.int64)
    best = np.ones(len(candidates), dtype=bool)
    for key in keys:
        best &= key == key[best].min()
    nodes = projection.nodes
    return int(min(candidates[best], key=lambda i: (label_of(G, nodes[i]), nodes[i])))


def _link_words(G: nx.MultiDiGraph, node: str, members: list[str]) -> str:
    """One link from ``node`` into a community, in the report's words: the sentence, its sections,
    and the report's words behind it when it is a reading ("Practice insights raised Trauma (Appendix 1)")."""
    inside = set(members)
    links = [
        (node, other, relation, data)
        for other, keyed in out_links(G, node).items()
        if other in inside
        for relation, data in keyed.items()
    ]
    links += [
        (other, node, relation, data)
        for other, keyed in in_links(G, node).items()
        if other in inside
        for relation, data in keyed.items()
    ]
    source, target, relation, data = min(
        links, key=lambda e: (basis_strength(e[3].get("basis")), label_of(G, e[0] if e[1] == node else e[1]))
    )
    mark = basis_rule(data.get("basis")).mark
    words = f"{label_of(G, source)} {verb(relation)} {label_of(G, target)}"
    refs = "; ".join(data.get("refs") or ())
    said = f" ({refs})" if refs else ""
    if data.get("basis") != "stated" and data.get("rationale"):
        said = f" ({mark.strip('()')}, {refs}: {data['rationale']})"
    more = len(links) - 1
    return words + said + (f", and {more} more link{'s' if more != 1 else ''} there" if more > 0 else "")


def _structural_gap(
    G: nx.MultiDiGraph,
    projection: Projection,
    arcs: _Arcs,
    target_community: np.ndarray,
    described: list[dict[str, Any]],
    pair: tuple[int, int],
    count: int,
    expected: float,
) -> dict[str, Any]:
    a, b = pair
    first, second = described[a], described[b]
    nodes = projection.nodes
    size = len(nodes)
    to_a = np.bincount(arcs.rows[target_community == a], minlength=size)
    to_b = np.bincount(arcs.rows[target_community == b], minlength=size)
    both = np.nonzero((to_a > 0) & (to_b > 0))[0]
    if len(both):
        ranked = sorted(
            both.tolist(),
            key=lambda i: (-min(to_a[i], to_b[i]), -arcs.degree[i], label_of(G, nodes[i]), nodes[i]),
        )
        bridges = ranked[:MAX_BRIDGES]
        reasons = [
            f"{_link_words(G, nodes[i], first['members'])}; and {_link_words(G, nodes[i], second['members'])}"
            for i in bridges
        ]
        bridge_text = f"{listed([short_label_of(G, nodes[i]) for i in bridges])} already link to both"
    else:
        bridges = [
            _first_by_label(G, projection, members, -(arcs.degree[members] - own[members]), -arcs.degree[members])
            for members, own in ((first["member_ids"], to_a), (second["member_ids"], to_b))
        ]
        reasons = [
            f"the member of '{c['label']}' most linked outside it ({_links(int(arcs.degree[i] - own[i]))}): "
            f"a link from it to '{other['label']}' would join them"
            for i, c, other, own in ((bridges[0], first, second, to_a), (bridges[1], second, first, to_b))
        ]
        bridge_text = (
            f"nothing links to both; {short_label_of(G, nodes[bridges[0]])} and "
            f"{short_label_of(G, nodes[bridges[1]])} are the members most linked outside their own communities"
        )
    return {
        "id": f"{first['id']}~{second['id']}",
        "label": f"{first['label']} ↔ {second['label']}",
        "communities": [{key: c[key] for key in ("id", "label", "size", "members")} for c in (first, second)],
        "links": count,
        "expected": round(expected, 2),
        "bridges": [
            {
                **ref(G, nodes[i]),
                "type": type_of(G, nodes[i]),
                "links_to_a": int(to_a[i]),
                "links_to_b": int(to_b[i]),
                "reason": reason,
            }
            for i, reason in zip(bridges, reasons, strict=True)
        ],
        "reason": f"'{first['label']}' ({first['size']} nodes) and '{second['label']}' ({second['size']} nodes) "
        f"share {count} direct link{'s' if count != 1 else ''} where about {expected:.1f} would be expected from their "
        f"sizes and degrees; {bridge_text}.",
        "refs": refs_of(G, nodes[first["central"]], nodes[second["central"]]),
    }
