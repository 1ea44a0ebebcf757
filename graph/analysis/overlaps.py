"""Overlaps: organisations or initiatives that do the same work (possible duplication), and
agreement: strands or stakeholders that raised the same things.

Two organisations or initiatives overlap when they share what they *do*: the topics and themes
they work on, the barriers they address, the stages of the evidence cycle they contribute to,
the initiatives or bodies they run or fund, and the topics that name them as an example. Being
consulted by the same strand (``involved``) is who the Centre talked to, not duplication of
work, and never counts.

Whether a pair shares more than chance is tested with the stochastic degree sequence model
(``graph.analysis.sdsm``): given how much each does and how many do each thing, how likely is
it to share this much? Each pair has a p-value and a Benjamini–Hochberg q-value over all the
pairs tested. A pair is *strong* or *moderate* only when it is significant (q <= 0.05) and at
least 3 (strong) or 2 (moderate) of the things it shares are first-hand for both: stated in the
report, or said in the room (a workshop, where the sector says what it does: the report says little);
a pair resting on inference or outside knowledge says so and is *weak*. The Adamic–Adar score
(each shared thing weighs ``1 / ln(k)``, ``k`` how many do it) orders pairs of equal standing.
A pair must share at least ``min_shared`` things (2 by default) to be listed. Pairs are found
through an inverted index (thing -> nodes doing it), so only pairs that share something are
ever scored.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from graph.analysis._common import (
    also_listed,
    in_links,
    label_of,
    merge_refs,
    out_links,
    ref,
    short_label_of,
    type_of,
    verb,
    without_gc,
)
from graph.analysis.overlap_words import caveat, differs, reason
from graph.analysis.overlap_words import summary as summary_of
from graph.analysis.sdsm import ALPHA, benjamini_hochberg, expected_shared, pair_p_values, solve
from graph.bases import BASES, basis_rule, basis_strength
from graph.schema import Relation

#: Most pair co-occurrences the inverted index may generate. Things shared by so many nodes that
#: pairing them all would pass this budget ("hubs", e.g. a theme holding thousands of topics) are
#: left out of the comparison, largest first, as a search engine leaves out stop-words. No thing in
#: the report's own graph comes near the budget.
MAX_CANDIDATE_PAIRS = 3_000_000
#: With ``limit=None`` at most this many pairs are returned (the best).
MAX_RESULTS = 10_000
#: At most this many of the things only one of a pair does are listed (``only_a_count`` says how many).
MAX_DIFFERENCES = 20
#: The links behind at most this many shared things are spelt out in ``evidence``.
MAX_EVIDENCED = 10
#: A shared thing is *specific* when at most this many organisations and initiatives do it.
SPECIFIC_AT_MOST = 3

#: What an organisation or initiative does: relations leaving it, and relations arriving at it.
ACTIVITY_OUT = frozenset(
    {
        Relation.WORKS_ON.value,
        Relation.ADDRESSES.value,
        Relation.CONTRIBUTES_TO.value,
        Relation.RUNS.value,
        Relation.FUNDS.value,
        Relation.FRAMES.value,
    }
)
ACTIVITY_IN = frozenset({Relation.MENTIONS.value})
#: Being consulted: never evidence of doing the same work.
CONSULTED = frozenset({Relation.INVOLVED.value})
#: Links that make two nodes one family of work (a wave of a programme, a wave built on another).
_FAMILY = frozenset({Relation.PART_OF.value, Relation.BASED_ON.value})
#: Direct links that make a pair one body's work rather than two bodies doing the same thing.
_DIRECT = frozenset({Relation.RUNS.value, Relation.FUNDS.value, *_FAMILY})

DOERS = ("organisation", "initiative")
AGREEING = ("strand", "stakeholder")

Link = tuple[str, str, str]  # (source, target, relation) of one supporting edge


@without_gc
def overlaps(
    G: nx.MultiDiGraph,
    node_type: str = "organisation",
    *,
    relations: Iterable[str] | None = None,
    min_shared: int = 2,
    specific_at_most: int = SPECIFIC_AT_MOST,
    include_related: bool = False,
    limit: int | None = None,
) -> dict[str, Any]:
    """Pairs of ``node_type`` nodes that share what they do, with a strength and the reasons.

    For organisations and initiatives the finding is possible *duplication*; for strands and
    stakeholders it is *agreement* (they raised the same topics, face the same barriers); for
    other types a plain *overlap* of neighbours. Returns ``{"type", "kind", "min_shared",
    "pairs", "counts", "left_out", "summary", "to_add"}``. Each pair: ``a``, ``b``, ``strength``
    (strong or moderate: more than chance, q <= 0.05, on 3 or 2 first-hand things for both; else
    weak), ``p_value``, ``q_value``, ``significant``, ``expected`` (shared by chance on average),
    ``rests_on`` (shared things by basis), ``caveat``, ``duplication``, ``score`` (Adamic–Adar),
    ``shared`` (each with ``done_by``: how many do it), ``specific``, ``only_a`` and ``only_b`` (the first ``MAX_DIFFERENCES``, with ``only_a_count``
    and ``only_b_count``),
    ``reason``, ``differs``, ``evidence`` (the links behind it, with basis and refs), ``refs`` and
    ``related`` (why a pair is one family of work, else None). Best first.

    ``relations`` restricts what counts; ``include_related`` keeps pairs where one is part of,
    builds on, runs or funds the other (left out by default: that is one body's work).

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {"type": "initiative", "label": "Frontline"}),
    ...                   ("b", {"type": "initiative", "label": "Step Up"}),
    ...                   ("t", {"type": "topic", "label": "Recruitment"}),
    ...                   ("u", {"type": "topic", "label": "Training"})])
    >>> for doer in "ab":
    ...     G.add_edge(doer, "t", key="works_on"); G.add_edge("u", doer, key="mentions")
    'works_on'
    'mentions'
    'works_on'
    'mentions'
    >>> [(p["a"]["label"], p["b"]["label"], p["strength"]) for p in overlaps(G, "initiative")["pairs"]]
    [('Frontline', 'Step Up', 'weak')]
    """
    kind = _kind(node_type)
    wanted = None if relations is None else {str(r) for r in relations}
    members = sorted(node for node, kind_ in G.nodes(data="type") if kind_ == node_type)
    peers = _peers(G, node_type, members)
    canonical: dict[str, str] = {}
    doing = {node: _features(G, node, node_type, wanted, canonical) for node in peers}
    done_by = Counter(feature for node in peers for feature in doing[node])
    hood = {node: set(doing[node]) for node in members}
    degree = np.array([len(hood[node]) for node in members], dtype=np.int64)
    model = solve([len(doing[node]) for node in peers], list(done_by.values()))
    index: dict[str, list[int]] = defaultdict(list)
    for row, node in enumerate(members):
        for feature in hood[node]:
            index[feature].append(row)
    hubs = _hubs(index)
    if hubs:
        hood = {node: features - hubs for node, features in hood.items()}
    features = [f for f in index if f not in hubs]
    weights = np.array([_weight(done_by[f]) for f in features])
    stated = {(node, f) for node in members for f in hood[node] if _first_hand(G, doing[node][f])}
    shared, score, n_stated, rows, cols = _candidate_pairs(len(members), features, index, weights, members, stated)
    sharing = rows * max(len(members), 1) + cols  # every pair that shares something they do
    p_value = pair_p_values(model, degree[rows], degree[cols], shared)
    active = int((degree > 0).sum())
    q_value = np.array(benjamini_hochberg(p_value.tolist(), tests=active * (active - 1) // 2))
    enough = shared >= max(min_shared, 1)
    single = int((~enough).sum())
    shared, score, n_stated, rows, cols, p_value, q_value = (
        a[enough] for a in (shared, score, n_stated, rows, cols, p_value, q_value)
    )
    significant = q_value <= ALPHA
    strength = np.where(significant & (n_stated >= 3), 0, np.where(significant & (n_stated >= 2), 1, 2))
    related = _related_pairs(G, members, rows, cols) if kind == "duplication" else np.zeros(len(rows), dtype=bool)
    kept = ~related if not include_related else np.ones(len(rows), dtype=bool)
    counts = np.bincount(strength[kept], minlength=3)
    order = np.flatnonzero(kept)[
        np.lexsort((cols[kept], rows[kept], -shared[kept], -score[kept], p_value[kept], strength[kept]))
    ]
    limit = MAX_RESULTS if limit is None else max(limit, 0)
    family = _families(G, members) if kind == "duplication" else {}
    found = []
    ordering = _by_label(G, hood)
    for k in order[:limit]:
        a, b = members[rows[k]], members[cols[k]]
        why_related = _related(G, a, b, family) if related[k] else None
        chance = {
            "p_value": float(p_value[k]),
            "q_value": float(q_value[k]),
            "significant": bool(significant[k]),
            "expected": expected_shared(model, int(degree[rows[k]]), int(degree[cols[k]])),
        }
        found.append(
            _finding(G, a, b, float(score[k]), hood, doing, done_by, specific_at_most, why_related, chance, *ordering)
        )
    consulted_only = _consulted_only(G, members, sharing) if kind == "duplication" else 0
    tested = {"pairs": active * (active - 1) // 2, "significant": int((significant & kept).sum())}
    summary = summary_of(
        node_type, kind, min_shared, single, int(related.sum()), consulted_only, counts.tolist(), tested
    )
    return {**summary, "pairs": found[:limit]}


def agreement(G: nx.MultiDiGraph, node_type: str = "strand", **options: Any) -> dict[str, Any]:
    """Strands (or stakeholders) that raised the same topics: agreement, not duplication.

    The same as :func:`overlaps` for ``strand`` or ``stakeholder``.

    >>> G = nx.MultiDiGraph()
    >>> for s in ("Bristol", "Leeds"):
    ...     G.add_node(s, type="strand", label=s)
    ...     for t in ("Trauma", "Neglect"):
    ...         G.add_node(t, type="topic", label=t); _ = G.add_edge(s, t, key="raised", basis="stated")
    >>> result = agreement(G)
    >>> result["kind"], result["pairs"][0]["reason"]
    ('agreement', 'Both raised 2 of the same topics: Neglect, Trauma')
    """
    if node_type not in AGREEING:
        raise ValueError(f"agreement compares strands or stakeholders, not {node_type}")
    return overlaps(G, node_type, **options)


def overlap_highlight(G: nx.MultiDiGraph, a: str, b: str) -> tuple[set[str], set[Link]]:
    """What to light up for a pair: the two nodes, what they both do, and the links that say so.

    For organisations and initiatives only what they do counts (never who consulted them); for
    strands and stakeholders what they raised or face; otherwise every shared neighbour.

    >>> G = nx.MultiDiGraph([("s", "a", "involved"), ("s", "b", "involved"), ("a", "t", "works_on"),
    ...                      ("b", "t", "works_on")])
    >>> for n, kind in (("a", "organisation"), ("b", "organisation"), ("s", "strand"), ("t", "topic")):
    ...     G.nodes[n]["type"] = kind
    >>> sorted(overlap_highlight(G, "a", "b")[0])
    ['a', 'b', 't']
    """
    doing_a, doing_b = _features(G, a, type_of(G, a), None), _features(G, b, type_of(G, b), None)
    links = {link for thing in doing_a.keys() & doing_b.keys() for link in (*doing_a[thing], *doing_b[thing])}
    return {a, b} | {end for link in links for end in link[:2]}, links


# --- what a node does --------------------------------------------------------------------------


def _kind(node_type: str) -> str:
    if node_type in DOERS:
        return "duplication"
    if node_type in AGREEING:
        return "agreement"
    return "overlap"


def _peers(G: nx.MultiDiGraph, node_type: str, members: list[str]) -> list[str]:
    """Whose work counts in ``done_by``: all organisations and initiatives, else the compared nodes."""
    if node_type in DOERS:
        return sorted(node for node, kind in G.nodes(data="type") if kind in DOERS)
    return members


def _features(
    G: nx.MultiDiGraph, node: str, node_type: str, wanted: set[str] | None, canonical: dict[str, str] | None = None
) -> dict[str, list[Link]]:
    """What ``node`` does, as ``{thing: [supporting links]}``; a topic listed twice is one thing.

    ``canonical`` remembers, across calls, which listing stands for each topic listed twice.
    """
    found: dict[str, list[Link]] = defaultdict(list)
    canonical = {} if canonical is None else canonical

    def add(thing: str, link: Link) -> None:
        if wanted is None or link[2] in wanted:
            if thing not in canonical:
                canonical[thing] = _canonical(G, thing)
            found[canonical[thing]].append(link)

    if node_type in DOERS:
        for target, keyed in out_links(G, node).items():
            for relation in keyed.keys() & ACTIVITY_OUT:
                add(target, (node, target, relation))
        for source, keyed in in_links(G, node).items():
            for relation in keyed.keys() & ACTIVITY_IN:
                add(source, (source, node, relation))
    elif node_type == "strand":
        for target, keyed in out_links(G, node).items():
            if Relation.RAISED in keyed:
                add(target, (node, target, Relation.RAISED.value))
    elif node_type == "stakeholder":
        for target, keyed in out_links(G, node).items():
            if Relation.FACES in keyed:
                add(target, (node, target, Relation.FACES.value))
        for quote, keyed in in_links(G, node).items():
            if Relation.ATTRIBUTED_TO in keyed:
                for target, said in out_links(G, quote).items():
                    if Relation.SPEAKS_TO in said:
                        add(target, (quote, target, Relation.SPEAKS_TO.value))
    else:
        for target, keyed in out_links(G, node).items():
            for relation in keyed.keys() - CONSULTED:
                add(target, (node, target, relation))
        for source, keyed in in_links(G, node).items():
            for relation in keyed.keys() - CONSULTED:
                add(source, (source, node, relation))
    found.pop(node, None)
    return dict(found)


def _canonical(G: nx.MultiDiGraph, thing: str) -> str:
    if type_of(G, thing) != "topic":
        return thing
    return min([thing, *also_listed(G, thing)])


def _weight(done_by: int) -> float:
    """Adamic–Adar: a thing done by k nodes weighs 1 / ln(k) (k >= 2 when shared)."""
    return 1.0 / math.log(max(done_by, 2))


def _hubs(index: dict[str, list[int]]) -> set[str]:
    """Things too widely shared to pair up within the budget, the most shared first."""
    pairs = {thing: len(sharing) * (len(sharing) - 1) // 2 for thing, sharing in index.items()}
    total = sum(pairs.values())
    hubs: set[str] = set()
    for thing in sorted(pairs, key=lambda n: (-pairs[n], n)):
        if total <= MAX_CANDIDATE_PAIRS:
            break
        hubs.add(thing)
        total -= pairs[thing]
    return hubs


def _candidate_pairs(
    count: int,
    features: list[str],
    index: dict[str, list[int]],
    weights: np.ndarray,
    members: list[str],
    stated: set[tuple[str, str]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every pair sharing something: (things shared, Adamic–Adar score, things shared that
    both are stated to do, row a, row b), as arrays.

    Three sparse products (incidence x its transpose: plain, weighted, stated links only) with
    the same pattern: the work grows with the pairs that share something, never with all pairs.
    """
    empty = np.zeros(0, dtype=np.int64)
    if not features:
        return empty, np.zeros(0), empty, empty, empty
    columns = [index[f] for f in features]
    rows = np.concatenate([np.asarray(column, dtype=np.int64) for column in columns])
    cols = np.repeat(np.arange(len(columns)), [len(column) for column in columns])
    said = np.array([(members[r], features[c]) in stated for r, c in zip(rows.tolist(), cols.tolist(), strict=True)])
    # A tiny value on every cell keeps each product's pattern that of the plain one.
    plain = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(count, len(columns)))
    told = sparse.csr_matrix((said + 1e-9, (rows, cols)), shape=(count, len(columns)))
    products = [
        sparse.triu(left @ right.T, k=1).tocoo()
        for left, right in ((plain, plain), (plain @ sparse.diags(weights), plain), (told, told))
    ]
    together, scored, both_told = (sparse.coo_matrix((p.data, (p.row, p.col)), shape=p.shape).tocsr() for p in products)
    for matrix in (together, scored, both_told):
        matrix.sort_indices()
    pairs = together.tocoo()
    return (
        np.rint(pairs.data).astype(np.int64),
        scored.tocoo().data,
        np.rint(both_told.tocoo().data).astype(np.int64),
        pairs.row.astype(np.int64),
        pairs.col.astype(np.int64),
    )


def _first_hand(G: nx.MultiDiGraph, links: list[Link]) -> bool:
    """Whether one side of a shared thing rests on first-hand evidence: the report's statement, or the room's."""
    return any(basis_rule(G._succ[s][t][r].get("basis")).first_hand for s, t, r in links)


def _strongest(G: nx.MultiDiGraph, links: list[Link]) -> int:
    """The strongest basis among the links behind one side of a shared thing (0 = stated)."""
    return min(basis_strength(G._succ[s][t][r].get("basis")) for s, t, r in links)


def _related_pairs(G: nx.MultiDiGraph, members: list[str], rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Which pairs are one family of work: parts of one programme, or one runs or funds the other."""
    family = _families(G, members)
    number = {node: i for i, node in enumerate(members)}
    root = np.array([number[family[node]] for node in members], dtype=np.int64)
    related = root[rows] == root[cols]
    direct = set()
    for node in members:
        for target, keyed in out_links(G, node).items():
            if target in number and target != node and not _DIRECT.isdisjoint(keyed):
                direct.add((min(number[node], number[target]), max(number[node], number[target])))
    if direct:
        pairs = rows * len(members) + cols
        wanted = np.array([a * len(members) + b for a, b in direct], dtype=np.int64)
        related |= np.isin(pairs, wanted)
    return related


# --- one finding ---------------------------------------------------------------------------------


def _finding(
    G: nx.MultiDiGraph,
    a: str,
    b: str,
    score: float,
    hood: dict[str, set[str]],
    doing: dict[str, dict[str, list[Link]]],
    done_by: Counter[str],
    specific_at_most: int,
    related: str | None,
    chance: dict[str, Any],
    ordered: Callable[[str], list[str]],
    label_key: Callable[[str], tuple[str, str]],
) -> dict[str, Any]:
    both = hood[a] & hood[b]
    shared = sorted(both, key=label_key)
    # Each shared thing rests on the weaker of the two sides' strongest links.
    basis_of = {t: list(BASES)[max(_strongest(G, doing[a][t]), _strongest(G, doing[b][t]))].value for t in shared}
    rests_on = dict(Counter(basis_of.values()))
    # Only the first few differences are listed: walk each sorted list no further than needed.
    only_a = list(islice((n for n in ordered(a) if n not in both), MAX_DIFFERENCES))
    only_b = list(islice((n for n in ordered(b) if n not in both), MAX_DIFFERENCES))
    count_a, count_b = len(hood[a]) - len(both), len(hood[b]) - len(both)
    specific = sum(done_by[thing] <= specific_at_most for thing in shared)
    n_stated = sum(n for basis, n in rests_on.items() if basis_rule(basis).first_hand)
    strength = "weak"
    if chance["significant"] and n_stated >= 2:
        strength = "strong" if n_stated >= 3 else "moderate"
    # The links behind the first few shared things are spelt out; the report sections cover them all.
    links = sorted({link for thing in shared for node in (a, b) for link in doing[node][thing]})
    spelt = sorted({link for thing in shared[:MAX_EVIDENCED] for node in (a, b) for link in doing[node][thing]})
    evidence = [_evidence(G, link) for link in spelt]
    return {
        "a": ref(G, a),
        "b": ref(G, b),
        "strength": strength,
        "duplication": strength != "weak" and type_of(G, a) in DOERS,
        "p_value": float(f"{chance['p_value']:.3g}"),
        "q_value": float(f"{chance['q_value']:.3g}"),
        "significant": chance["significant"],
        "expected": round(chance["expected"], 2),
        "rests_on": rests_on,
        "caveat": caveat(len(shared), rests_on, chance),
        "score": round(score, 3),
        "shared": [{**ref(G, n), "type": type_of(G, n), "done_by": done_by[n], "basis": basis_of[n]} for n in shared],
        "specific": specific,
        "only_a": [ref(G, n) for n in only_a],
        "only_b": [ref(G, n) for n in only_b],
        "only_a_count": count_a,
        "only_b_count": count_b,
        "reason": reason(G, a, b, shared, doing, basis_of),
        "differs": differs(G, a, b, only_a, only_b),
        "evidence": evidence,
        "refs": merge_refs(*(G._succ[s][t][r].get("refs") or () for s, t, r in links)),
        "related": related,
    }


def _by_label(
    G: nx.MultiDiGraph, hood: dict[str, set[str]]
) -> tuple[Callable[[str], list[str]], Callable[[str], tuple[str, str]]]:
    """``ordered(node)``: what ``node`` does, sorted by label, each list made once; and the sort key."""
    keys: dict[str, tuple[str, str]] = {}
    lists: dict[str, list[str]] = {}

    def key(thing: str) -> tuple[str, str]:
        if thing not in keys:
            keys[thing] = (label_of(G, thing).casefold(), thing)
        return keys[thing]

    def ordered(node: str) -> list[str]:
        if node not in lists:
            lists[node] = sorted(hood[node], key=key)
        return lists[node]

    return ordered, key


def _evidence(G: nx.MultiDiGraph, link: Link) -> dict[str, Any]:
    source, target, relation = link
    data = G._succ[source][target][relation]
    return {
        "source": ref(G, source),
        "target": ref(G, target),
        "relation": relation,
        "text": f"{short_label_of(G, source)} {verb(relation)} {short_label_of(G, target)}",
        "basis": data.get("basis"),
        "mark": basis_rule(data.get("basis")).mark,
        "refs": list(data.get("refs") or ()),
        "rationale": data.get("rationale"),
        "external_source": data.get("external_source"),
    }


def _families(G: nx.MultiDiGraph, members: list[str]) -> dict[str, str]:
    """Each node's family of work: nodes joined by ``part_of`` or ``based_on``, named by its root."""
    parent = {node: node for node in members}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for node in members:
        for target, keyed in out_links(G, node).items():
            if target in parent and not _FAMILY.isdisjoint(keyed):
                parent[root(node)] = root(target)
    return {node: root(node) for node in members}


def _related(G: nx.MultiDiGraph, a: str, b: str, family: dict[str, str]) -> str | None:
    """Why ``a`` and ``b`` are one family of work (a runs b, both parts of c), or None."""
    for source, target in ((a, b), (b, a)):
        direct = sorted(out_links(G, source).get(target, {}).keys() & _DIRECT)
        if direct:
            return f"{label_of(G, source)} {verb(direct[0])} {label_of(G, target)}"
    if family.get(a) is not None and family.get(a) == family.get(b):
        return f"Both are part of {label_of(G, family[a])}"
    return None


def _consulted_only(G: nx.MultiDiGraph, members: list[str], sharing: np.ndarray) -> int:
    """How many pairs were consulted by the same strand but share nothing they do.

    ``sharing`` holds the pairs that share something (``row a * len(members) + row b``). The
    strands that consulted too many to pair within the budget are left out, as hubs are above.
    """
    number = {node: i for i, node in enumerate(members)}
    index: dict[str, list[int]] = defaultdict(list)
    for node in members:
        for source, keyed in in_links(G, node).items():
            if not CONSULTED.isdisjoint(keyed):
                index[source].append(number[node])
    hubs = _hubs(index)
    columns = [rows for source, rows in index.items() if source not in hubs and len(rows) > 1]
    if not columns:
        return 0
    rows = np.concatenate([np.asarray(column, dtype=np.int64) for column in columns])
    cols = np.repeat(np.arange(len(columns)), [len(column) for column in columns])
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(members), len(columns)))
    together = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    pairs = together.row.astype(np.int64) * len(members) + together.col
    return int((~np.isin(pairs, sharing)).sum())
