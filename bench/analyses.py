"""The analysis and layout measures: each analysis and the layout at every size, against itself at the size before."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

import networkx as nx

from bench.measure import ANALYSIS_MAX_SECONDS, REFERENCE_STEP, SizeRun, Target, near_linear, under

LAYOUT_MAX_SECONDS = 5.0


LAYOUT_TARGET_UP_TO = 10_000


def analysis_section(run: SizeRun) -> None:
    """Every analysis the app and CLI offer, each against itself at the previous size."""
    from graph.analysis import communities, gaps, metrics, paths, search
    from graph.analysis.overlaps import overlaps

    G = run.graph
    if G is None:
        raise RuntimeError("the load section must run first")
    probe = _probes(G)
    reference = Target("(reference)", lambda row: "—", scaling=True)
    if run.measure(REFERENCE_STEP, partial(one_pass, G), target=reference) is not None:
        run.reference_ratio = run.rows[-1].ratio
    target = near_linear(ANALYSIS_MAX_SECONDS)
    for node_type in ("strand", "organisation", "topic"):
        run.measure(f"overlaps({node_type})", partial(overlaps, G, node_type), target=target)
    duplicates = _optional("graph.analysis.duplicates", "duplicates")
    if duplicates is None:
        run.missing("duplicates", "graph.analysis.duplicates.duplicates is not importable")
    else:
        run.measure("duplicates", partial(duplicates, G), target=target)
    # The app finds the communities once per version of the data and hands them to the gaps (and to
    # the drawing's overview): "gaps" is that, and "communities" the finding itself.
    found = run.measure("communities", partial(communities.communities, G, seed=0), target=target)
    if found is None:
        run.missing("gaps", "the communities could not be found")
    else:
        run.measure("gaps", partial(gaps.gaps, G, seed=0, communities=found), target=target)
    run.measure("gaps, finding the communities too", partial(gaps.gaps, G, seed=0), target=target)
    run.measure("shortest_paths(k=3)", partial(paths.shortest_paths, G, *probe["path"], k=3), target=target)
    run.measure("neighbourhood(depth=2)", partial(paths.neighbourhood, G, probe["centre"], 2), target=target)
    run.measure("consensus", partial(metrics.consensus, G), target=target)
    run.measure("centrality", partial(metrics.centrality, G), target=target)
    run.measure("stats", partial(metrics.stats, G), target=target)
    run.measure("coverage_matrix", partial(metrics.coverage_matrix, G), target=target)
    run.measure("search_nodes", partial(search.search_nodes, G, probe["query"]), target=target)
    run.measure("resolve_node(typo)", partial(search.resolve_node, G, probe["typo"]), target=target)


def one_pass(G: nx.MultiDiGraph) -> int:
    """The reference linear step: a breadth-first walk reading every node's and edge's data once.

    How this grows from one size to the next is what "linear" costs on this machine: walking a
    graph jumps around memory, and at 100k nodes (1.6 GB) caches help far less than at 10k, so
    even this grows faster than the node count. The ``÷pass`` column divides each step's growth
    by it.
    """
    seen: set[str] = set()
    touched = 0
    for start in G:
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            node = queue.popleft()
            touched += len(G.nodes[node])
            for other, keyed in G.succ[node].items():
                touched += sum(len(data) for data in keyed.values())
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
            for other in G.pred[node]:
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    return touched


def layout_section(run: SizeRun) -> None:
    """The layout (absolute target up to 10k nodes) and the drawing payload built from it."""
    from graph.picture.layout import compute_layout
    from graph.picture.render import vis_payload

    G = run.graph
    if G is None:
        raise RuntimeError("the load section must run first")
    layout_target = under(LAYOUT_MAX_SECONDS, up_to=LAYOUT_TARGET_UP_TO)
    run.positions = run.measure("compute_layout", partial(compute_layout, G, seed=0), target=layout_target)
    if run.positions is not None:
        run.measure("vis_payload", partial(vis_payload, G, run.positions), target=near_linear(ANALYSIS_MAX_SECONDS))


def _probes(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Deterministic inputs for the steps that take names: far-apart path ends, a query, a typo."""
    by_type: dict[str, list[str]] = {}
    for node, kind in G.nodes(data="type"):
        by_type.setdefault(kind, []).append(node)
    for members in by_type.values():
        members.sort()
    everything = sorted(G)
    start = (by_type.get("quote") or everything)[0]
    end = (by_type.get("barrier") or everything)[-1]
    topics = by_type.get("topic") or everything
    centre = topics[len(topics) // 2]
    words = str(G.nodes[centre].get("label") or centre).split()
    strands = by_type.get("strand") or everything
    name = str(G.nodes[strands[len(strands) // 2]].get("label") or "")
    typo = name[:2] + name[3] + name[2] + name[4:] if len(name) > 4 else name + "x"  # two letters swapped
    return {"path": (start, end), "centre": centre, "query": " ".join(words[:2]), "typo": typo}


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except (ImportError, AttributeError):
        return None
