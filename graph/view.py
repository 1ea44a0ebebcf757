"""What part of the graph a view shows, and what it highlights. Pure functions over the graph.

A view (graph.schema.View) filters by node type, level, theme, strand and relation, and may
focus on a node, a path, an overlap pair, a gap or a community. ``apply_view`` turns it into
plain sets of node ids and edge keys for the renderer, and a sentence saying what is shown.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph.schema import View

EdgeKey = tuple[str, str, str]


@dataclass(frozen=True)
class Shown:
    """The result of applying a view: what to draw and what to highlight."""

    nodes: frozenset[str]
    edges: frozenset[EdgeKey]
    highlight_nodes: frozenset[str] = frozenset()
    highlight_edges: frozenset[EdgeKey] = frozenset()
    notes: tuple[str, ...] = field(default_factory=tuple)


def filter_nodes(graph: nx.MultiDiGraph, view: View) -> set[str]:
    """Node ids that pass the view's type, level, theme and strand filters.

    The rule (the app's help and the README say the same):

    - Level, theme and strand filters choose *topics*: a topic is chosen when it sits at one of the
      chosen levels, is in one of the chosen themes and was raised by one of the chosen strands
      (each filter that is set). The view then shows those topics, their themes and levels, and the
      strands that raised them (only the chosen strands, if strands are chosen). A chosen level or
      theme is shown even where none of its topics is chosen. Nothing else is shown: no
      organisations, quotes or messages.
    - The type filter then keeps only nodes of the chosen types.

    >>> from graph.schema import View
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("t1", type="topic", level="frontline"); G.add_node("t2", type="topic", level="system")
    >>> G.add_node("s", type="strand"); G.add_node("o", type="organisation")
    >>> _ = G.add_edge("s", "t2", key="raised"); _ = G.add_edge("o", "t2", key="works_on")
    >>> sorted(filter_nodes(G, View(levels=["system"])))
    ['s', 't2']
    """
    types = {t.value for t in view.types}
    levels, themes, strands = set(view.levels), set(view.themes), set(view.strands)
    chosen = levels or themes or strands
    keep = _chosen_topics_and_context(graph, levels, themes, strands) if chosen else set(graph)
    if types:
        keep = {node for node in keep if graph.nodes[node].get("type") in types}
    return keep


def _chosen_topics_and_context(
    graph: nx.MultiDiGraph, levels: set[str], themes: set[str], strands: set[str]
) -> set[str]:
    """The topics the level, theme and strand filters choose, with their themes, levels and strands."""
    kind = dict(graph.nodes(data="type"))
    topics: set[str] = set()
    for node, data in graph.nodes(data=True):
        if data.get("type") != "topic" or (levels and data.get("level") not in levels):
            continue
        if themes and not _has_neighbour(graph.out_edges(node, keys=True), themes, "in_theme"):
            continue
        if strands and not _raised_by(graph, node, strands):
            continue
        topics.add(node)
    keep = set(topics)
    for topic in topics:
        keep |= {t for _, t, k in graph.out_edges(topic, keys=True) if k == "in_theme"}
        keep |= {s for s, _, k in graph.in_edges(topic, keys=True) if k == "raised" and (not strands or s in strands)}
    keep |= {node for node, data in graph.nodes(data=True) if _chosen_itself(node, data, levels, themes, strands)}
    for theme in [n for n in keep if kind.get(n) == "theme"]:
        keep |= {level for _, level, k in graph.out_edges(theme, keys=True) if k == "at_level"}
    return keep


def _chosen_itself(node: str, data: dict, levels: set[str], themes: set[str], strands: set[str]) -> bool:
    """A level, theme or strand the filters name (a theme at a chosen level, when no theme is chosen)."""
    kind = data.get("type")
    if kind == "theme":
        return node in themes or (not themes and bool(levels) and data.get("level") in levels)
    if kind == "level":
        return data.get("level") in levels
    return kind == "strand" and node in strands


def _has_neighbour(out_edges: Iterable[EdgeKey], targets: set[str], relation: str) -> bool:
    return any(key == relation and target in targets for _, target, key in out_edges)


def _raised_by(graph: nx.MultiDiGraph, topic: str, strands: set[str]) -> bool:
    return any(key == "raised" and source in strands for source, _, key in graph.in_edges(topic, keys=True))


def edges_among(graph: nx.MultiDiGraph, nodes: set[str], relations: Iterable[str] = ()) -> set[EdgeKey]:
    """Edges with both ends in ``nodes`` (and of the given relations, if any are given)."""
    wanted = {str(r) for r in relations}
    return {(u, v, k) for u, v, k in graph.edges(nodes, keys=True) if v in nodes and (not wanted or k in wanted)}


def neighbourhood(graph: nx.MultiDiGraph, centre: str, depth: int, allowed: set[str] | None = None) -> set[str]:
    """Nodes within ``depth`` links of ``centre`` (either direction), staying inside ``allowed``."""
    seen = {centre}
    frontier = {centre}
    for _ in range(depth):
        following = set()
        for node in frontier:
            for other in (*graph.successors(node), *graph.predecessors(node)):
                if other not in seen and (allowed is None or other in allowed):
                    following.add(other)
        seen |= following
        frontier = following
    return seen


def apply_view(
    graph: nx.MultiDiGraph,
    view: View,
    *,
    highlight: Iterable[str] = (),
    highlight_edges: Iterable[EdgeKey] = (),
) -> Shown:
    """Turn a view into the nodes and edges to draw and highlight.

    ``highlight`` and ``highlight_edges`` come from an analysis result (an overlap pair and its
    shared neighbours, a path, a gap): they are always drawn, even where a filter would hide them.
    The focus node's neighbourhood (to ``view.depth``) is highlighted too.
    """
    relations = [r.value for r in view.relations]
    nodes = filter_nodes(graph, view)
    if relations:
        edges = edges_among(graph, nodes, relations)
        nodes = {u for u, _, _ in edges} | {v for _, v, _ in edges}
    extra = {n for n in highlight if n in graph}
    lit_nodes = set(extra)
    lit_edges = {e for e in highlight_edges if graph.has_edge(*e)}
    notes = []
    focus = view.focus if view.focus in graph else None
    if focus:
        around = neighbourhood(graph, focus, view.depth, nodes | extra | {focus})
        lit_nodes |= around
        if view.only_neighbourhood:
            nodes = around
            notes.append(f"Showing only what lies within {view.depth} link(s) of the selected node.")
        nodes.add(focus)
    nodes |= extra | {n for e in lit_edges for n in e[:2]}
    edges = edges_among(graph, nodes, relations) | lit_edges
    if focus:
        ring = {e for e in edges if e[0] in lit_nodes and e[1] in lit_nodes}
        lit_edges |= {e for e in ring if focus in e[:2]} if view.depth == 1 else ring
    return Shown(frozenset(nodes), frozenset(edges), frozenset(lit_nodes), frozenset(lit_edges), tuple(notes))


def path_edges(graph: nx.MultiDiGraph, path: list[str]) -> set[EdgeKey]:
    """The edges that join consecutive nodes of a path (either direction)."""
    keys = set()
    for a, b in itertools.pairwise(path):
        keys |= {(a, b, k) for k in graph.get_edge_data(a, b, default={})}
        keys |= {(b, a, k) for k in graph.get_edge_data(b, a, default={})}
    return keys


#: Above this many nodes a view is drawn as an overview of communities instead (see
#: ``community_overview``): the browser still draws more, but nobody can read it, and the
#: payload alone takes seconds to send (measured: see the README's benchmark section).
MAX_DRAWN_NODES = 2500


def community_overview(graph: nx.MultiDiGraph, nodes: set[str], groups: list[list[str]]) -> nx.MultiDiGraph:
    """A small graph with one node per community (of those among ``nodes``) and one link per
    pair of communities that are linked, counting the links between them.

    Each community node is named after its best-connected member, typed by its commonest
    type (so it keeps that type's colour and shape), and says what it holds.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("a", {"type": "topic", "label": "A"}), ("b", {"type": "topic", "label": "B"}),
    ...                   ("c", {"type": "strand", "label": "C"})])
    >>> G.add_edge("a", "b", "in_theme"); G.add_edge("c", "a", "raised")
    'in_theme'
    'raised'
    >>> O = community_overview(G, {"a", "b", "c"}, [["a", "b"], ["c"]])
    >>> sorted(O.nodes(data="label")), O.number_of_edges()
    ([('community:0', 'A and 1 more'), ('community:1', 'C')], 1)
    """
    member_of: dict[str, int] = {}
    overview = nx.MultiDiGraph()
    for index, group in enumerate(groups):
        members = [n for n in group if n in nodes]
        if not members:
            continue
        for member in members:
            member_of[member] = index
        best = max(members, key=lambda n: (graph.degree(n), n))
        kinds = Counter(str(graph.nodes[n].get("type", "")) for n in members)
        name = str(graph.nodes[best].get("label", best))
        overview.add_node(
            f"community:{index}",
            type=kinds.most_common(1)[0][0],
            label=name if len(members) == 1 else f"{name} and {len(members) - 1:,} more",
            refs=[],
            description=f"{len(members):,} nodes: "
            + ", ".join(f"{count:,} {kind}" for kind, count in kinds.most_common()),
            members=len(members),
        )
    links: Counter[tuple[int, int]] = Counter()
    for source, target in graph.edges(member_of):
        if target in member_of and member_of[source] != member_of[target]:
            links[(member_of[source], member_of[target])] += 1
    for (a, b), count in sorted(links.items()):
        overview.add_edge(
            f"community:{a}",
            f"community:{b}",
            "links",
            relation="links",
            refs=[],
            basis="stated",
            qualifier=f"{count:,} link{'s' if count != 1 else ''} between them",
            count=count,
        )
    return overview
