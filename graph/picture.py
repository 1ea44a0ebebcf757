"""A still picture of the graph (PNG at projector resolution) for slides and handouts.

Drawn with matplotlib from the same positions, colours and shapes as the interactive view,
so a picture matches what the room saw. Labels come from the data and are drawn as plain
text (matplotlib's maths markup is switched off for them).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import matplotlib

matplotlib.use("Agg")  # no screen: render straight to PNG bytes

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from graph.render import NODE_STYLES
from graph.schema import NodeType

_MARKERS = {
    "dot": "o",
    "ellipse": "o",
    "circle": "o",
    "square": "s",
    "box": "s",
    "triangle": "^",
    "triangleDown": "v",
    "diamond": "D",
    "star": "*",
    "hexagon": "h",
    "database": "p",
    "text": "P",
}


def _plain(text: str, limit: int = 40) -> str:
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return text.replace("$", r"\$")


def render_png(
    graph: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]],
    *,
    node_ids: Iterable[str] | None = None,
    highlight: Iterable[str] = (),
    title: str = "",
    caption: str = "",
    width: int = 1920,
    height: int = 1080,
    labels: int = 40,
) -> bytes:
    """Draw the graph (or the ``node_ids`` part of it) to PNG bytes of ``width`` x ``height`` pixels.

    The ``labels`` best-connected nodes, and every highlighted node, are labelled.
    """
    nodes = [n for n in (graph.nodes if node_ids is None else node_ids) if n in graph and n in positions]
    chosen = set(nodes)
    lit = {n for n in highlight if n in chosen}
    dpi = 100
    figure = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    try:
        axes = figure.add_axes((0.01, 0.04, 0.80, 0.88))
        axes.set_axis_off()
        segments = [(positions[u], positions[v]) for u, v in graph.edges(chosen) if v in chosen and u != v]
        axes.add_collection(LineCollection(segments, colors="#B0B0B0", linewidths=0.5, zorder=1))
        handles = []
        for node_type, style in NODE_STYLES.items():
            members = [n for n in nodes if graph.nodes[n].get("type") == node_type.value]
            if not members:
                continue
            marker = _MARKERS.get(style["shape"], "o")
            xs = [positions[n][0] for n in members]
            ys = [positions[n][1] for n in members]
            faded = bool(lit)
            axes.scatter(
                xs,
                ys,
                s=70,
                marker=marker,
                c=style["color"],
                edgecolors="#333333",
                linewidths=0.6,
                alpha=0.35 if faded else 1.0,
                zorder=2,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=marker,
                    linestyle="",
                    markersize=11,
                    markerfacecolor=style["color"],
                    markeredgecolor="#333333",
                    label=style["label"],
                )
            )
        if lit:
            lit_nodes = sorted(lit)
            axes.scatter(
                [positions[n][0] for n in lit_nodes],
                [positions[n][1] for n in lit_nodes],
                s=160,
                c=[_colour(graph, n) for n in lit_nodes],
                edgecolors="#000000",
                linewidths=1.6,
                zorder=3,
            )
        ranked = sorted(nodes, key=lambda n: (-graph.degree(n), n))[:labels]
        for node in sorted(set(ranked) | lit):
            x, y = positions[node]
            axes.annotate(
                _plain(str(graph.nodes[node].get("label", node))),
                (x, y),
                xytext=(6, 6),
                textcoords="offset points",
                fontsize=11,
                color="#111111",
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
            )
        axes.autoscale()
        axes.invert_yaxis()  # the interactive canvas draws y downwards
        axes.set_aspect("equal", adjustable="datalim")
        if title:
            figure.text(0.01, 0.965, _plain(title, 120), fontsize=26, weight="bold", color="#111111", va="center")
        if caption:
            figure.text(0.01, 0.015, _plain(caption, 200), fontsize=16, color="#222222", va="bottom")
        figure.legend(handles=handles, loc="center right", frameon=False, fontsize=14, title="Key", title_fontsize=15)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _colour(graph: nx.MultiDiGraph, node: str) -> str:
    try:
        return NODE_STYLES[NodeType(graph.nodes[node].get("type"))]["color"]
    except ValueError:
        return "#BBBBBB"
