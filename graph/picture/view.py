"""What part of the graph a view shows, what it highlights, and how it is drawn. Pure functions.

A view (graph.schema.View) filters by node type, level, theme, strand and relation, and may
select a node, a path, an overlap pair, candidate duplicates, a gap or a community.
``apply_view`` turns it into plain sets of node ids and edge keys (what is shown, what is
highlighted, and a sentence saying which); ``plan_drawing`` decides what of that can be drawn
readably (every node, the best-connected, one community, or an overview of communities).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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
    #: The selected node (drawn, and the centre of the highlight), if the view has one.
    focus: str | None = None
    #: One sentence saying what the highlight is ("" when only the focus is highlighted).
    caption: str = ""

    def highlight(self) -> dict[str, Any]:
        """The highlight as the drawing component takes it: node ids, edge triples, the focus."""
        return {
            "nodes": sorted(self.highlight_nodes),
            "edges": [list(e) for e in sorted(self.highlight_edges)],
            "focus": self.focus,
        }


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


def edges_among(
    graph: nx.MultiDiGraph, nodes: set[str], relations: Iterable[str] = (), bases: Iterable[str] = ()
) -> set[EdgeKey]:
    """Edges with both ends in ``nodes`` (and of the given relations and bases, if any are given)."""
    wanted = {str(r) for r in relations}
    kinds = {str(b) for b in bases}
    return {
        (u, v, k)
        for u, v, k, basis in graph.edges(nodes, keys=True, data="basis")
        if v in nodes and (not wanted or k in wanted) and (not kinds or basis in kinds)
    }


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
    communities: list[list[str]] | None = None,
    gap_report: dict[str, list[dict[str, Any]]] | None = None,
    paths: dict[str, Any] | None = None,
    highlight: Iterable[str] = (),
    highlight_edges: Iterable[EdgeKey] = (),
) -> Shown:
    """Turn a view into the nodes and edges to draw and highlight.

    Everything the view selects is highlighted: the focus node's neighbourhood (to
    ``view.depth``), the paths between ``view.path`` (or only path ``view.path_pick``), an
    overlap pair and what both link to, candidate duplicates, a gap, a community. What is
    highlighted is always drawn, even where a filter would hide it. ``communities``,
    ``gap_report`` and ``paths`` are the analyses' results if the caller has them (cached);
    otherwise they are computed here when the view needs them. ``highlight`` and
    ``highlight_edges`` add more (e.g. from a caller's own analysis).
    """
    relations = [r.value for r in view.relations]
    bases = [b.value for b in view.bases]
    nodes = filter_nodes(graph, view)
    if relations or bases:
        edges = edges_among(graph, nodes, relations, bases)
        ends = {u for u, _, _ in edges} | {v for _, v, _ in edges}
        said = {n for n in nodes if "room" in bases and graph.nodes[n].get("session")}  # added in the room
        nodes = ends | said
    picked_nodes, picked_edges, caption = selection_highlight(
        graph, view, communities=communities, gap_report=gap_report, paths=paths
    )
    extra = {n for n in (*highlight, *picked_nodes) if n in graph}
    lit_nodes = set(extra)
    lit_edges = {e for e in (*highlight_edges, *picked_edges) if graph.has_edge(*e)}
    lit_nodes |= {n for e in lit_edges for n in e[:2]}  # a highlighted link is read with its two ends
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
    edges = edges_among(graph, nodes, relations, bases) | lit_edges
    if focus:
        ring = {e for e in edges if e[0] in lit_nodes and e[1] in lit_nodes}
        lit_edges |= {e for e in ring if focus in e[:2]} if view.depth == 1 else ring
    return Shown(
        frozenset(nodes),
        frozenset(edges),
        frozenset(lit_nodes),
        frozenset(lit_edges),
        tuple(notes),
        focus=focus,
        caption=caption,
    )


def selection_highlight(
    graph: nx.MultiDiGraph,
    view: View,
    *,
    communities: list[list[str]] | None = None,
    gap_report: dict[str, list[dict[str, Any]]] | None = None,
    paths: dict[str, Any] | None = None,
) -> tuple[set[str], set[EdgeKey], str]:
    """The nodes and edges lit by the view's path, overlap pair, duplicates, gap or community
    (the first of these the view has), and a sentence saying which."""
    if len(view.path) == 2 and all(n in graph for n in view.path) and view.path[0] != view.path[1]:
        if paths is None:
            from graph.analysis.paths import shortest_paths

            avoid = [n for n in view.path_avoid if n in graph and n not in view.path]
            paths = shortest_paths(graph, view.path[0], view.path[1], k=view.path_count, avoid=avoid)
        found = [[step["id"] for step in p] for p in paths.get("paths", [])]
        if view.path_pick is not None and view.path_pick < len(found):
            found = [found[view.path_pick]]
            caption = f"Highlighted: path {view.path_pick + 1} between the two nodes chosen under Paths."
        else:
            caption = "Highlighted: the paths between the two nodes chosen under Paths."
        if found:
            return {n for p in found for n in p}, {e for p in found for e in path_edges(graph, p)}, caption
    if len(view.overlap) == 2 and all(n in graph for n in view.overlap):
        from graph.analysis.overlaps import overlap_highlight

        nodes, edges = overlap_highlight(graph, *view.overlap)
        return nodes, edges, "Highlighted: an overlapping pair and what they both do."
    duplicates = [n for n in view.duplicate if n in graph]
    if duplicates:
        return set(duplicates), edges_among(graph, set(duplicates)), "Highlighted: candidate duplicates."
    if view.gap:
        kind, _, item_id = view.gap.partition(":")
        if gap_report is None:
            from graph.analysis.gaps import gaps

            gap_report = gaps(graph)
        item = next((i for i in gap_report.get(kind, []) if i.get("id") == item_id), None)
        if item is not None:
            members = {n for n in gap_members(item) if n in graph}
            return members, set(), "Highlighted: the gap chosen under Gaps."
    if view.community is not None:
        if communities is None:
            from graph.analysis.communities import communities as find_communities

            communities = find_communities(graph)
        if view.community < len(communities):
            group = communities[view.community]
            return set(group), set(), f"Highlighted: community {view.community + 1} ({len(group):,} nodes)."
    return set(), set(), ""


def gap_members(item: dict[str, Any]) -> list[str]:
    """The node ids a gap is about: the node itself, or two communities and the nodes bridging them."""
    if item.get("communities"):
        members = [m for c in item["communities"] for m in c.get("members", [])]
        return members + [b["id"] for b in item.get("bridges", [])]
    return [item["id"]] if item.get("id") else []


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


# ------------------------------------------------------------------ the drawing plan


@dataclass(frozen=True)
class Drawing:
    """What of a shown view is drawn: its nodes, or an overview of communities instead."""

    #: Node ids to draw (sorted); empty when ``overview`` is drawn instead.
    nodes: tuple[str, ...]
    #: One node per community, when the view is too big to draw readably.
    overview: nx.MultiDiGraph | None
    #: Sentences saying what was left out and why.
    notes: tuple[str, ...]
    #: How many nodes and links the drawing holds.
    node_count: int
    edge_count: int


def plan_drawing(
    graph: nx.MultiDiGraph,
    view: View,
    shown: Shown,
    communities: list[list[str]] | None,
    *,
    max_nodes: int = MAX_DRAWN_NODES,
) -> Drawing:
    """Decide what to draw of ``shown``: everything if it fits under ``max_nodes``; else the
    view's community if it chose one; else an overview of communities (when ``communities``
    are given); failing that, the ``max_nodes`` best-connected nodes.

    >>> G = nx.MultiDiGraph([("a", "b", "r"), ("b", "c", "r")])
    >>> plan = plan_drawing(G, View(), apply_view(G, View()), None, max_nodes=2)
    >>> plan.nodes, plan.notes[0]
    (('a', 'b'), 'Drawing the 2 best-connected of 3 nodes; filter to see the rest.')
    """
    nodes = set(shown.nodes)
    notes: list[str] = []
    if len(nodes) > max_nodes and communities:
        if view.community is not None and view.community < len(communities):
            nodes &= set(communities[view.community])
            notes.append(f"Drawing community {view.community + 1} only ({len(nodes):,} nodes).")
        else:
            overview = community_overview(graph, nodes, communities)
            notes.append(
                f"This view has {len(nodes):,} nodes, more than can be drawn readably ({max_nodes:,}), "
                f"so it shows {overview.number_of_nodes():,} communities instead. Click one to draw its nodes, "
                "or narrow the view with the filters."
            )
            return Drawing((), overview, tuple(notes), overview.number_of_nodes(), overview.number_of_edges())
    if len(nodes) > max_nodes:
        ranked = sorted(nodes, key=lambda n: (-graph.degree(n), n))[:max_nodes]
        notes.append(f"Drawing the {max_nodes:,} best-connected of {len(nodes):,} nodes; filter to see the rest.")
        nodes = set(ranked)
    edge_count = sum(1 for e in shown.edges if e[0] in nodes and e[1] in nodes)
    return Drawing(tuple(sorted(nodes)), None, tuple(notes), len(nodes), edge_count)


def overview_community(node_id: str | None) -> int | None:
    """The community a node of the overview stands for (``community:3`` -> 3), else None."""
    if node_id and node_id.startswith("community:") and node_id.removeprefix("community:").isdigit():
        return int(node_id.removeprefix("community:"))
    return None


def node_names(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Every node id -> a unique display name ('Label (type)'), in label order.

    Two nodes with the same label and type are told apart by their level, or failing that their id.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("t:1", label="Trauma", type="topic", level="system")
    >>> G.add_node("t:2", label="Trauma", type="topic", level="frontline")
    >>> node_names(G)
    {'t:1': 'Trauma (topic, system)', 't:2': 'Trauma (topic, frontline)'}
    """
    ordered = sorted(graph.nodes, key=lambda n: (str(graph.nodes[n].get("label", n)).lower(), n))
    names = {n: f"{graph.nodes[n].get('label', n)} ({graph.nodes[n].get('type', '')})" for n in ordered}
    counts = Counter(names.values())
    for node, name in names.items():
        if counts[name] > 1:
            level = graph.nodes[node].get("level")
            names[node] = f"{name[:-1]}, {level})" if level else f"{name[:-1]}, {node})"
    if len(set(names.values())) < len(names):
        names = {node: f"{name[:-1]}, {node})" if counts[name] > 1 else name for node, name in names.items()}
    return names


def stretch(where: dict[str, tuple[float, float]], *, width: float, height: float) -> dict[str, tuple[float, float]]:
    """Positions scaled to fill a ``width`` x ``height`` box centred on 0 (a projector's shape).

    >>> stretch({"a": (0.0, 0.0), "b": (1.0, 2.0)}, width=100.0, height=50.0)
    {'a': (-50.0, -25.0), 'b': (50.0, 25.0)}
    """
    xs = [x for x, _ in where.values()] or [0.0]
    ys = [y for _, y in where.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        n: ((x - min(xs)) / span_x * width - width / 2, (y - min(ys)) / span_y * height - height / 2)
        for n, (x, y) in where.items()
    }


def community_name(graph: nx.MultiDiGraph, members: list[str]) -> str:
    """A community's name in the team's words ("Frontline topics: types of abuse"): see
    ``graph.analysis.communities.community_name``."""
    from graph.analysis.communities import community_name as name

    return name(graph, members)
