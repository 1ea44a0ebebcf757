"""Small helpers shared by the analysis modules: node references, refs, voices and wording."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache, wraps
from typing import Any

import networkx as nx
import numpy as np

from graph.data.files import gc_paused
from graph.schema import LEVELS, RELATIONS, Relation

#: The voices a strand can carry, in the order the report counts them (section 2).
VOICES = (
    "children and young people",
    "families",
    "practitioners",
    "leaders",
    "partners",
    "national organisations",
)
#: The voices of people who use services; a theme no one of these raised lacks their voice.
SERVICE_USER_VOICES = ("children and young people", "families")

# Words a qualifier may use for a voice (Appendix 1 writes "Families", "SWs", "strategic leaders").
_QUALIFIER_VOICES = {
    "children and young people": "children and young people",
    "young people": "children and young people",
    "children": "children and young people",
    "cyp": "children and young people",
    "young person": "children and young people",
    "families": "families",
    "family": "families",
    "parents": "families",
    "sws": "practitioners",
    "sw": "practitioners",
    "social workers": "practitioners",
    "practitioners": "practitioners",
    "managers": "practitioners",
    "leaders": "leaders",
    "strategic leaders": "leaders",
    "service leaders": "leaders",
    "senior leaders": "leaders",
    "partners": "partners",
    "national organisations": "national organisations",
}

_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}

# The helpers below read networkx's own dicts (``G._node``, ``G._succ``, ``G._pred``, as networkx's
# algorithms do) rather than the read-only views, which wrap every access: ~3x faster on big
# graphs. Nothing here writes to them.


def ref(G: nx.MultiDiGraph, node: str) -> dict[str, str]:
    """The short reference to a node that every result uses: ``{"id", "label"}``."""
    return {"id": node, "label": label_of(G, node)}


def label_of(G: nx.MultiDiGraph, node: str) -> str:
    return str(G._node[node].get("label") or node)


def type_of(G: nx.MultiDiGraph, node: str) -> str:
    return str(G._node[node].get("type") or "")


def nodes_of_type(G: nx.MultiDiGraph, node_type: str) -> list[str]:
    """Nodes of one type, in the graph's own order."""
    return [node for node, kind in G.nodes(data="type") if kind == node_type]


def out_links(G: nx.MultiDiGraph, node: str) -> dict[str, dict[str, dict[str, Any]]]:
    """``{target: {relation: edge data}}`` for the edges leaving ``node`` (read only)."""
    return G._succ[node]


def in_links(G: nx.MultiDiGraph, node: str) -> dict[str, dict[str, dict[str, Any]]]:
    """``{source: {relation: edge data}}`` for the edges arriving at ``node`` (read only)."""
    return G._pred[node]


def node_data(G: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """The node's data: ``type``, ``label``, ``refs``, ``description`` and its attributes (read only)."""
    return G._node[node]


def also_listed(G: nx.MultiDiGraph, topic: str) -> list[str]:
    """The other listings of a topic listed under more than one level or theme (``also_listed_as``)."""
    others = {n for n, keyed in G._succ[topic].items() if Relation.ALSO_LISTED_AS in keyed}
    others |= {n for n, keyed in G._pred[topic].items() if Relation.ALSO_LISTED_AS in keyed}
    return sorted(others)


def neighbours(G: nx.MultiDiGraph, node: str) -> set[str]:
    """Every node joined to ``node`` by an edge in either direction."""
    return G._succ[node].keys() | G._pred[node].keys()


def undirected_projection(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph on the same nodes: one edge per pair of joined nodes."""
    simple = nx.Graph()
    simple.add_nodes_from(G)
    simple.add_edges_from(G.edges())
    return simple


class Projection:
    """The undirected simple projection on integer ids: ``nodes[i]`` and its sorted ``neighbours[i]``.

    The adjacency is held in compressed sparse row form: the neighbours of ``i`` are
    ``indices[indptr[i]:indptr[i + 1]]``. ``neighbours`` (Python lists) is built only when asked
    for: a list per node is costly on a big graph, where numpy does the work instead.
    """

    def __init__(self, nodes: list[str], indptr: np.ndarray, indices: np.ndarray) -> None:
        self.nodes = nodes
        self.indptr = indptr
        self.indices = indices

    @cached_property
    def neighbours(self) -> list[list[int]]:
        flat = self.indices.tolist()
        bounds = self.indptr.tolist()
        return [flat[bounds[i] : bounds[i + 1]] for i in range(len(self.nodes))]

    @cached_property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)


def project(G: nx.MultiDiGraph) -> Projection:
    """The undirected simple projection as integer adjacency (cheaper than a networkx Graph).

    The pairs are gathered in one pass and sorted and deduplicated by numpy, not node by node.
    """
    nodes = list(G)
    count = len(nodes)
    number = {node: i for i, node in enumerate(nodes)}.__getitem__
    succ = G._succ
    targets: list[int] = []
    out_degree = []
    for node in nodes:
        linked = succ[node]
        out_degree.append(len(linked))
        targets.extend(map(number, linked))
    heads = np.asarray(targets, dtype=np.int64)
    tails = np.repeat(np.arange(count, dtype=np.int64), out_degree)
    rows = np.concatenate([tails, heads])
    cols = np.concatenate([heads, tails])
    loop = rows == cols
    pairs = np.sort(rows[~loop] * count + cols[~loop])
    if len(pairs):  # each pair once (np.unique is much slower than sorting here)
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    rows, indices = np.divmod(pairs, max(count, 1))
    indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=count), out=indptr[1:])
    return Projection(nodes, indptr, indices)


EdgesByRelation = dict[str, list[tuple[str, str, dict[str, Any]]]]


def relation_index(G: nx.MultiDiGraph) -> EdgesByRelation:
    """Every edge as ``(source, target, data)``, grouped by relation, in one pass over the graph.

    Analyses that look at several relations build this once instead of scanning every edge per relation.
    """
    index: EdgesByRelation = defaultdict(list)
    for source, targets in G._succ.items():
        for target, keyed in targets.items():
            for relation, data in keyed.items():
                index[relation].append((source, target, data))
    return index


def edges_of(G: nx.MultiDiGraph, relations: Iterable[str]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """``(source, target, relation, data)`` for every edge whose relation is one of ``relations``."""
    wanted = set(relations)
    for source, targets in G._succ.items():
        for target, keyed in targets.items():
            for relation, data in keyed.items():
                if relation in wanted:
                    yield source, target, relation, data


def relation_between(G: nx.MultiDiGraph, u: str, v: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Every edge joining ``u`` and ``v`` in either direction, as ``(source, target, relation, data)``."""
    found = [(u, v, rel, data) for rel, data in G._succ[u].get(v, {}).items()]
    found += [(v, u, rel, data) for rel, data in G._succ[v].get(u, {}).items()]
    return found


def verb(relation: str) -> str:
    """How a relation reads in a sentence ("works on"); unknown relations read as themselves."""
    try:
        return RELATIONS[Relation(relation)].verb
    except ValueError:
        return relation.replace("_", " ")


def plural_verb(phrase: str) -> str:
    """The verb phrase for a plural subject: "works on" -> "work on", "is in" -> "are in"."""
    first, _, rest = phrase.partition(" ")
    irregular = {"is": "are", "was": "were", "has": "have", "does": "do"}
    if first in irregular:
        first = irregular[first]
    elif first.endswith(("sses", "shes", "ches", "xes", "oes")):
        first = first[:-2]
    elif first.endswith("s") and not first.endswith("ss"):
        first = first[:-1]
    return f"{first} {rest}".strip()


def plural_type(node_type: str, count: int) -> str:
    return node_type if count == 1 else f"{node_type}s"


def listed(labels: list[str], most: int = 3) -> str:
    """ "A, B, C…" — the first ``most`` labels, with an ellipsis if there are more."""
    shown = ", ".join(labels[:most])
    if len(labels) <= most:
        return shown
    return shown + (", …" if shown.endswith("…") else "…")  # a cut label already ends in "…"


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key that puts "6.2" before "6.10" and "Appendix 1" after "6.1"."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text))


def merge_refs(*ref_lists: Iterable[str]) -> list[str]:
    """The distinct report references of several items, in natural order."""
    return sorted({r for refs in ref_lists for r in refs}, key=natural_key)


def refs_of(G: nx.MultiDiGraph, *nodes: str) -> list[str]:
    return merge_refs(*(G._node[node].get("refs") or () for node in nodes))


def level_rank(level: object) -> int:
    return _LEVEL_RANK.get(str(level), len(LEVELS))


def themes_of(G: nx.MultiDiGraph, topic: str) -> list[str]:
    """The themes a topic is listed under (``in_theme`` targets), sorted by label."""
    found = [target for target, keyed in G._succ[topic].items() if Relation.IN_THEME in keyed]
    return found if len(found) < 2 else sorted(found, key=lambda node: (label_of(G, node), node))


def theme_label(G: nx.MultiDiGraph, topic: str) -> str | None:
    """The topic's theme label(s), joined with "; " when it has more than one."""
    themes = themes_of(G, topic)
    return "; ".join(label_of(G, theme) for theme in themes) or None


def qualifier_voices(qualifier: object) -> tuple[str, ...]:
    """The voices a qualifier names ("Families, SWs" -> families, practitioners); () if none.

    >>> qualifier_voices("Families, SWs")
    ('families', 'practitioners')
    >>> qualifier_voices("reduce turnover")
    ()
    """
    return _voices_named(qualifier) if isinstance(qualifier, str) else ()


@lru_cache(maxsize=4096)
def _voices_named(qualifier: str) -> tuple[str, ...]:
    named = set()
    for part in re.split(r",|;|/|&|\band\b", qualifier.casefold()):
        voice = _QUALIFIER_VOICES.get(" ".join(part.split()))
        if voice:
            named.add(voice)
    return tuple(voice for voice in VOICES if voice in named)


def raised_voices(G: nx.MultiDiGraph, strand: str, data: dict[str, Any]) -> tuple[str, ...]:
    """The voices a ``raised`` edge carries: those its qualifier names, else its strand's voices."""
    named = qualifier_voices(data.get("qualifier"))
    if named:
        return named
    strand_voices = G._node[strand].get("voices") or ()
    if isinstance(strand_voices, str):
        strand_voices = (strand_voices,)
    return tuple(str(voice) for voice in strand_voices)


#: Where a long label may be cut to its first clause ("Models of supervision, including ...").
_CLAUSE_BREAKS = (" (", "? ", ". ", " – ", " - ", ", including", ", e.g.", "; ")
#: A first clause up to this long is a short label; otherwise words are cut at ``SHORT_LABEL``.
_CLAUSE_MOST = 60
SHORT_LABEL = 45


@lru_cache(maxsize=65536)
def short_label(text: str, most: int = SHORT_LABEL) -> str:
    """A label short enough for a sentence: its first clause, else its first words and "…".

    >>> short_label("Models of supervision, including 'live supervision', group supervision")
    'Models of supervision'
    >>> short_label("How to measure/understand outcomes for CYP&F – not just KPIs, including longer term outcomes")
    'How to measure/understand outcomes for CYP&F'
    >>> short_label("Information and tools to help children, young people and families take ownership")
    'Information and tools to help children, young…'
    """
    flat = " ".join(str(text).split())
    if len(flat) <= most:
        return flat
    cuts = [flat.index(mark) + (1 if mark == "? " else 0) for mark in _CLAUSE_BREAKS if mark in flat]
    if cuts and 12 <= min(cuts) <= _CLAUSE_MOST:
        return flat[: min(cuts)].rstrip(" ,;:")
    head = flat[: most + 1].rsplit(" ", 1)[0] if " " in flat[:most] else flat[:most]
    return head.rstrip(" ,;:–-") + "…"


def short_label_of(G: nx.MultiDiGraph, node: str) -> str:
    return short_label(label_of(G, node))


def without_gc(analysis):
    """Run an analysis with the cyclic garbage collector paused (``graph.data.files.gc_paused``).

    An analysis of a large graph allocates hundreds of thousands of small objects that all live until
    it returns, and none of them form cycles; each allocation counts towards the collector's
    thresholds, so it kept walking the whole heap for nothing (1.3 s of the 3.3 s the gaps took at
    100k nodes). Reference counting still frees everything at once.
    """

    @wraps(analysis)
    def run(*args, **kwargs):
        with gc_paused():
            return analysis(*args, **kwargs)

    return run
