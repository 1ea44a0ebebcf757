"""A still picture of a view (PNG at projector resolution) for slides and handouts.

The picture follows the same rules as the screen: shapes, colours and sizes from the one
style table (``graph.picture.style``), the highlight drawn the same way (the rest faded), and labels
placed by the same priority, at a projector's size (never under 18 px), never overlapping
one another or a node. ``plan_picture`` works out where everything goes (plain data, so tests
can check it); ``render_png`` draws that plan with matplotlib. Labels come from the data and
are drawn as plain text (matplotlib's maths markup is switched off for them).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # no screen: render straight to PNG bytes

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.collections import LineCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from graph.picture import style
from graph.picture.render import label_ranks, short_label

_FONT = "DejaVu Sans"  # ships with matplotlib, so the picture looks the same everywhere
_CHAR = 0.6  # DejaVu Sans's average character width, as a share of the font size
_LINE = 1.18
_TITLE_PX, _CAPTION_PX, _KEY_PX = 34, 22, 19
_REACH = {"ellipse": (1.45, 0.8), "box": (1.5, 0.75), "cylinder": (1.0, 0.95), "diamond": (1.2, 1.2)}


@dataclass
class PictureNode:
    id: str
    type: str
    x: float  # pixels from the left
    y: float  # pixels from the top
    radius: float  # the style's size, in pixels
    fill: str
    border: str
    faded: bool


@dataclass
class PictureLabel:
    id: str
    text: str
    px: float
    left: float
    top: float
    width: float
    height: float
    faded: bool = False
    lead: tuple[float, float] | None = None  # the node a far-out label points to


@dataclass
class Picture:
    """Everything the PNG shows, in pixels (y down, as on the screen)."""

    width: int
    height: int
    nodes: list[PictureNode] = field(default_factory=list)
    edges: list[tuple[tuple[float, float], tuple[float, float], str, float]] = field(default_factory=list)
    labels: list[PictureLabel] = field(default_factory=list)
    key: list[dict] = field(default_factory=list)
    frame: tuple[float, float, float, float] = (0, 0, 0, 0)  # left, top, right, bottom of the drawing


def plan_picture(
    graph: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]],
    *,
    node_ids: Iterable[str] | None = None,
    highlight: Iterable[str] = (),
    focus: str | None = None,
    title: str = "",
    caption: str = "",
    width: int = 1920,
    height: int = 1080,
) -> Picture:
    """Where every node, edge, label and key entry of the picture goes."""
    nodes = [n for n in (graph.nodes if node_ids is None else node_ids) if n in graph and n in positions]
    chosen = set(nodes)
    lit = {n for n in highlight if n in chosen} | ({focus} if focus in chosen else set())
    top = (
        20 + (_TITLE_PX * 1.5 if title else 0) + (_CAPTION_PX * 1.4 * _caption_lines(caption, width) if caption else 0)
    )
    present = [t for t in style.STYLES if any(graph.nodes[n].get("type") == t.value for n in nodes)]
    key_rows = -(-len(present) // max(1, int((width - 40) // 330))) if present else 0
    bottom = height - 16 - key_rows * _KEY_PX * 1.7
    frame = (20.0, top, width - 20.0, bottom)
    picture = Picture(width, height, frame=frame)
    if not nodes:
        return picture
    place = _fit(nodes, positions, graph, frame)
    scale = place["scale"]
    for node in nodes:
        kind = style.style_of(str(graph.nodes[node].get("type", "")))
        faded = bool(lit) and node not in lit
        x, y = place["at"](positions[node])
        picture.nodes.append(
            PictureNode(
                node,
                str(graph.nodes[node].get("type", "")),
                x,
                y,
                kind.size * scale,
                style.FADED_FILL if faded else kind.color,
                style.FADED_BORDER if faded else style.darker(kind.color),
                faded,
            )
        )
    by_id = {node.id: node for node in picture.nodes}
    for source, target, data in graph.edges(data=True):
        if source in chosen and target in chosen and source != target:
            faint = data.get("relation") in ("raised", "not_prioritised")
            colour, width_px = (style.FAINT_EDGE if faint else style.EDGE_COLOUR), 1.0
            if lit:
                both = source in lit and target in lit
                colour, width_px = (style.LIT_EDGE, 2.0) if both else (style.FADED_EDGE, 1.0)
            a, b = by_id[source], by_id[target]
            picture.edges.append(((a.x, a.y), (b.x, b.y), colour, width_px))
    picture.labels = _place_labels(graph, picture, lit, focus)
    picture.key = [
        {
            "type": t.value,
            "label": style.STYLES[t].label,
            "color": style.STYLES[t].color,
            "shape": style.STYLES[t].shape,
        }
        for t in present
    ]
    return picture


def render_png(
    graph: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]],
    *,
    node_ids: Iterable[str] | None = None,
    highlight: Iterable[str] = (),
    focus: str | None = None,
    title: str = "",
    caption: str = "",
    width: int = 1920,
    height: int = 1080,
) -> bytes:
    """Draw the view (the ``node_ids`` part of the graph, ``highlight`` lit) to PNG bytes of
    ``width`` x ``height`` pixels, with its key."""
    picture = plan_picture(
        graph,
        positions,
        node_ids=node_ids,
        highlight=highlight,
        focus=focus,
        title=title,
        caption=caption,
        width=width,
        height=height,
    )
    dpi = 100
    figure = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    try:
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(0, width)
        axes.set_ylim(height, 0)  # y down, as on the screen
        axes.set_axis_off()
        points = 72 / dpi  # matplotlib sizes text and lines in points
        if picture.edges:
            axes.add_collection(
                LineCollection(
                    [(a, b) for a, b, _, _ in picture.edges],
                    colors=[c for _, _, c, _ in picture.edges],
                    linewidths=[w * points for _, _, _, w in picture.edges],
                    zorder=1,
                )
            )
        for node in sorted(picture.nodes, key=lambda n: not n.faded):
            kind = style.style_of(node.type)
            axes.add_patch(
                PathPatch(
                    _shape_path(kind.shape, node.x, node.y, node.radius),
                    facecolor=node.fill,
                    edgecolor=node.border,
                    linewidth=1.2 * points,
                    zorder=3 if not node.faded else 2,
                )
            )
        leads = [
            (label.lead, (min(max(label.lead[0], label.left), label.left + label.width),
                          min(max(label.lead[1], label.top), label.top + label.height)))
            for label in picture.labels
            if label.lead
        ]  # fmt: skip
        if leads:
            axes.add_collection(LineCollection(leads, colors="#3C3C3C", linewidths=points, alpha=0.75, zorder=4))
        for label in picture.labels:
            for i, line in enumerate(label.text.split("\n")):
                axes.text(
                    label.left + 3,
                    label.top + 1 + (i + 0.5) * label.px * _LINE,
                    line,
                    fontsize=label.px * points,
                    family=_FONT,
                    color=style.FADED_LABEL if label.faded else style.LABEL_COLOUR,
                    va="center",
                    ha="left",
                    zorder=5,
                    parse_math=False,
                )
        if picture.labels:  # a white halo under the text, as on the screen
            import matplotlib.patheffects as effects

            for text in axes.texts:
                text.set_path_effects([effects.withStroke(linewidth=3.5 * points * 2, foreground="white")])
        _draw_heading(figure, axes, picture, title, caption, points)
        _draw_key(axes, picture, points)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        return buffer.getvalue()
    finally:
        plt.close(figure)


# --- placing ----------------------------------------------------------------------------


def _fit(nodes: list[str], positions: Mapping, graph: nx.Graph, frame: tuple) -> dict:
    """Scale and centre the layout in the frame, leaving room for labels at the sides."""
    xs = [positions[n][0] for n in nodes]
    ys = [positions[n][1] for n in nodes]
    left, top, right, bottom = frame
    margin_x, margin_y = 100.0, 40.0
    span_x, span_y = max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)
    scale = min((right - left - 2 * margin_x) / span_x, (bottom - top - 2 * margin_y) / span_y, 2.5)
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    mid_x, mid_y = (left + right) / 2, (top + bottom) / 2
    return {
        "scale": scale,
        "at": lambda p: (mid_x + (p[0] - centre_x) * scale, mid_y + (p[1] - centre_y) * scale),
    }


def _place_labels(graph: nx.Graph, picture: Picture, lit: set[str], focus: str | None) -> list[PictureLabel]:
    """Greedy placement by priority, as on the screen: the focus, the lit nodes, then by rank."""
    ranks = label_ranks(graph, [n.id for n in picture.nodes])
    order = sorted(picture.nodes, key=lambda n: (n.id != focus, n.id not in lit, n.faded, ranks[n.id]))
    left, top, right, bottom = picture.frame
    taken: list[tuple[float, float, float, float]] = []
    for node in picture.nodes:  # shapes are obstacles
        rx, ry = _REACH.get(style.style_of(node.type).shape, (1.0, 1.0))
        if max(rx, ry) * node.radius >= 5 and not node.faded:
            taken.append(
                (node.x - rx * node.radius, node.y - ry * node.radius, 2 * rx * node.radius, 2 * ry * node.radius)
            )
    placed: list[PictureLabel] = []
    for node in order:
        kind = style.style_of(node.type)
        px = max(kind.font * style.PRESENTATION_SCALE, style.MIN_PRESENTATION_PX)
        text = short_label(str(graph.nodes[node.id].get("label") or node.id))
        lines = text.split("\n")
        w = max(len(line) for line in lines) * px * _CHAR + 6
        h = len(lines) * px * _LINE + 2
        rx, ry = _REACH.get(kind.shape, (1.0, 1.0))
        sx, sy = rx * node.radius, ry * node.radius
        candidates = [
            (node.x - w / 2, node.y + sy + 3),
            (node.x - w / 2, node.y - sy - 3 - h),
            (node.x + sx + 3, node.y - h / 2),
            (node.x - sx - 3 - w, node.y - h / 2),
            (node.x + sx * 0.7, node.y + sy * 0.7),
            (node.x - sx * 0.7 - w, node.y + sy * 0.7),
            (node.x + sx * 0.7, node.y - sy * 0.7 - h),
            (node.x - sx * 0.7 - w, node.y - sy * 0.7 - h),
        ]
        leads = [False] * len(candidates)
        if node.id in lit or len(picture.nodes) <= 80:  # as on the screen: further out, with a line
            for radius in (1.6, 2.4, 3.4, 4.6, 6, 8, 10.5):
                for k in range(16):
                    angle = k / 16 * 2 * math.pi + (radius % 2) * 0.2
                    cx = node.x + math.cos(angle) * radius * (sx + h)
                    cy = node.y + math.sin(angle) * radius * (sy + h)
                    candidates.append((cx - w / 2, cy - h / 2))
                    leads.append(True)
        for (x, y), lead in zip(candidates, leads, strict=True):
            if x < left or y < top or x + w > right or y + h > bottom:
                continue
            if any(x < a + c and a < x + w and y < b + d and b < y + h for a, b, c, d in taken):
                continue
            taken.append((x, y, w, h))
            placed.append(PictureLabel(node.id, text, px, x, y, w, h, node.faded, (node.x, node.y) if lead else None))
            break
    return placed


def _caption_lines(caption: str, width: int) -> int:
    per_line = max(20, int((width - 40) / (_CAPTION_PX * _CHAR)))
    return min(3, -(-len(caption) // per_line))


# --- drawing ----------------------------------------------------------------------------

_CODES = {"M": Path.MOVETO, "L": Path.LINETO, "C": Path.CURVE4, "Z": Path.CLOSEPOLY}


def _shape_path(shape: str, x: float, y: float, radius: float) -> Path:
    """A style-table outline at (x, y), ``radius`` pixels per unit."""
    vertices, codes = [], []
    for command, numbers in style.path_commands(shape):
        if command == "Z":
            vertices.append(vertices[-1] if vertices else (x, y))
            codes.append(Path.CLOSEPOLY)
            continue
        for k in range(0, len(numbers), 2):
            vertices.append((x + numbers[k] * radius, y + numbers[k + 1] * radius))
            codes.append(_CODES[command])
    return Path(vertices, codes)


def _draw_heading(figure, axes, picture: Picture, title: str, caption: str, points: float) -> None:
    import textwrap

    y = 20.0
    if title:
        axes.text(20, y, _clip(title, 110), fontsize=_TITLE_PX * points, weight="bold", family=_FONT,
                  color="#111111", va="top", parse_math=False)  # fmt: skip
        y += _TITLE_PX * 1.5
    if caption:
        per_line = max(20, int((picture.width - 40) / (_CAPTION_PX * _CHAR)))
        lines = textwrap.wrap(" ".join(caption.split()), per_line)[:3]
        axes.text(20, y, "\n".join(lines), fontsize=_CAPTION_PX * points, family=_FONT, color="#222222",
                  va="top", linespacing=1.25, parse_math=False)  # fmt: skip


def _draw_key(axes, picture: Picture, points: float) -> None:
    per_row = max(1, int((picture.width - 40) // 330))
    base = picture.frame[3] + 10
    for i, entry in enumerate(picture.key):
        x = 30 + (i % per_row) * 330
        y = base + (i // per_row) * _KEY_PX * 1.7 + _KEY_PX * 0.8
        axes.add_patch(
            PathPatch(
                _shape_path(entry["shape"], x, y, _KEY_PX * 0.5),
                facecolor=entry["color"],
                edgecolor=style.darker(entry["color"]),
                linewidth=1.2 * points,
            )
        )
        axes.text(x + _KEY_PX * 1.1, y, entry["label"], fontsize=_KEY_PX * points, family=_FONT,
                  color="#111111", va="center", parse_math=False)  # fmt: skip


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
