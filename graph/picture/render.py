"""Graph -> what a reader sees: the drawing's payload and the standalone web page.

Shapes, colours and label rules come from the one style table (``graph.picture.style``): every
node type has its own shape, so colour is never the only cue. Text from the data is only ever shown
as text: tooltips are plain strings (vis-network shows a string ``title`` as text), and the
standalone page escapes every string it writes into HTML.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx

from graph.bases import LINES, basis_rule, room_of
from graph.errors import NodeNotFound
from graph.picture import style
from graph.picture.style import STYLES
from graph.schema import RELATIONS, NodeType, Relation, edge_key

#: How each node type is drawn (colour, shape, name in the key), from the one style table.
NODE_STYLES: dict[NodeType, dict[str, str]] = {
    node_type: {"color": s.color, "shape": s.shape, "label": s.label} for node_type, s in STYLES.items()
}
#: A character that looks like each shape, for text legends.
SHAPE_SYMBOLS = style.SHAPE_SYMBOLS

_FAINT_RELATIONS = {Relation.RAISED.value, Relation.NOT_PRIORITISED.value}
_TOOLTIP_TEXT = 400  # characters of a description shown in a tooltip
_LARGE = 2000  # edges above which the canvas hides edges while dragging and zooming
#: Where the drawing code and vis-network live (served to the app, inlined into pages).
STATIC = Path(__file__).resolve().parents[2] / "static"
#: The drawing code, in the order it loads: the drawing, then its parts (labels, marks).
DRAWING_FILES = ("kg-draw.js", "kg-labels.js", "kg-marks.js")


def legend() -> list[dict[str, str]]:
    """One entry per node type, in the style table's order: type, label, colour, shape,
    symbol and ``svg``, a small picture drawn from the same outline as the graph.

    >>> [entry["type"] for entry in legend()][:3]
    ['level', 'theme', 'strand']
    """
    return style.legend()


def vis_payload(
    G: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]],
    *,
    node_ids: Iterable[str] | None = None,
    highlight: Iterable[str] | None = None,
    size_by: str | Mapping[str, float] | None = None,
    metric: str | None = None,
    label_scale: float = 1.0,
) -> dict[str, Any]:
    """What the drawing (``static/kg-draw.js``) needs to draw ``G`` with physics off:
    ``nodes``, ``edges``, the vis-network ``options``, and the style table (``styles``,
    ``shapes``) every node is drawn from.

    ``node_ids`` limits the drawing to those nodes (and the edges between them).
    ``size_by`` sizes nodes: ``"degree"`` or a mapping of node id -> value (e.g. a
    centrality); ``metric`` names that value in the tooltips. ``label_scale`` enlarges the
    labels (1.5 and above: the projector's rules, labels never under 18 px).
    Each node carries a ``rank``: the order in which labels get room (levels, themes,
    strands, barriers, organisations, ..., the best connected first within a type), its whole
    name as ``text`` (the drawing wraps it to the room there is; see ``drawn_names``) and, as
    ``label``, that name cut to two short lines (for drawings that do not wrap).

    Highlights are not drawn into the payload, so a view's payload stays the same while the
    selection changes (the component restyles in place). ``highlight`` is only checked and
    handed on as ``payload["highlight"]`` (the nodes and the links between them), for callers
    that have not moved to ``graph_view(highlight=...)`` yet.
    The output depends only on the inputs, so it can be cached and compared.

    >>> from graph.schema import Node, Edge, Dataset
    >>> from graph.data.build import build_graph
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> payload = vis_payload(G, {"topic:t": (0.0, 0.0)})
    >>> payload["nodes"][0]["type"], payload["options"]["physics"]["enabled"]
    ('topic', False)
    """
    shown = _checked_ids(G, node_ids) if node_ids is not None else list(G.nodes)
    shown_set = set(shown)
    values, metric_name = _size_values(G, shown, size_by, metric)
    top = max((abs(v) for v in values.values()), default=0.0) or 1.0
    ranks = label_ranks(G, shown)
    names = drawn_names(G, shown)
    nodes = [
        _vis_node(G, node, positions.get(node), values.get(node), top, metric_name, ranks[node], names[node])
        for node in shown
    ]
    edges = [
        _vis_edge(G, source, target, key, data)
        for source, target, key, data in G.edges(keys=True, data=True)
        if source in shown_set and target in shown_set
    ]
    payload: dict[str, Any] = {
        "nodes": nodes,
        "edges": edges,
        "options": _options(len(edges), label_scale),
        "styles": style.drawing_styles(),
        "shapes": dict(style.SHAPES),
    }
    if highlight is not None:
        lit = set(_checked_ids(G, highlight)) & shown_set
        payload["highlight"] = {
            "nodes": sorted(lit),
            "edges": sorted(edge["id"] for edge in edges if edge["from"] in lit and edge["to"] in lit),
        }
    return payload


def label_ranks(G: nx.Graph, nodes: Iterable[str]) -> dict[str, int]:
    """Each node's place in the queue for a label: by the style table's tier (levels first),
    then the best connected, then by label. 0 is labelled first.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("t", type="topic", label="T"); G.add_node("l", type="level", label="L")
    >>> label_ranks(G, ["t", "l"])
    {'l': 0, 't': 1}
    """
    ordered = sorted(
        nodes,
        key=lambda n: (
            style.style_of(str(G.nodes[n].get("type", ""))).tier,
            -G.degree(n),
            str(G.nodes[n].get("label", n)),
            n,
        ),
    )
    return {node: rank for rank, node in enumerate(ordered)}


def drawn_names(G: nx.Graph, nodes: Iterable[str]) -> dict[str, str]:
    """Each node's whole name as the drawing shows it. Two nodes of one drawing with the same
    name are told apart: a topic by its level (Appendix 1 lists some topics at two levels),
    anything else by its type.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", type="topic", label="Supervision", level="frontline")
    >>> G.add_node("b", type="topic", label="Supervision", level="organisation")
    >>> G.add_node("c", type="strand", label="Families"); G.add_node("d", type="stakeholder", label="Families")
    >>> drawn_names(G, ["a", "b", "c", "d"])["b"], drawn_names(G, ["c", "d"])["c"], drawn_names(G, ["a"])["a"]
    ('Supervision (organisation level)', 'Families (strand)', 'Supervision')
    """
    nodes = list(nodes)
    names = {node: " ".join(str(G.nodes[node].get("label") or node).split()) for node in nodes}
    seen: dict[str, list[str]] = {}
    for node, name in names.items():
        seen.setdefault(name.casefold(), []).append(node)
    for same in (group for group in seen.values() if len(group) > 1):
        for node in same:
            data = G.nodes[node]
            level = data.get("level") if data.get("type") == "topic" else None
            names[node] += f" ({level} level)" if level else f" ({str(data.get('type', '')).replace('_', ' ')})"
        if len({names[node].casefold() for node in same}) < len(same):  # the same type too: say which
            for node in same:
                names[node] = names[node][:-1] + f", {node})"
    return names


def highlight_edge_ids(edges: Iterable[Iterable[str]]) -> list[str]:
    """The drawing's ids of highlighted edges given as ``[source, target, relation]``.

    >>> highlight_edge_ids([["a", "b", "raised"]])
    ['a|raised|b']
    """
    return sorted(edge_key(str(s), str(r), str(t)) for s, t, r in (tuple(edge)[:3] for edge in edges))


def standalone_html(
    G: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]],
    *,
    title: str,
    node_ids: Iterable[str] | None = None,
    highlight: Iterable[str] | None = None,
    size_by: str | Mapping[str, float] | None = None,
    metric: str | None = None,
    label_scale: float = 1.0,
    focus: str | None = None,
) -> str:
    """A single self-contained HTML page that draws the view as the app does (the same shapes,
    colours, key and label rules, the same code) with no network at all: it opens from a USB
    stick. vis-network and the drawing code are inlined; the data is JSON inside a script,
    with every ``<`` escaped so no text from the data can end the script or become markup.
    ``highlight`` (and ``focus``) are drawn as on the screen: the rest fades; an empty or
    missing highlight fades nothing. The page exposes the network as ``window.kgNetwork``.
    """
    payload = vis_payload(G, positions, node_ids=node_ids, size_by=size_by, metric=metric, label_scale=label_scale)
    shown = {node["id"] for node in payload["nodes"]}
    lit = sorted(n for n in (highlight or ()) if n in shown)
    if focus in shown and focus not in lit:
        lit.append(focus)
    lit_set = set(lit)
    state = {
        "nodes": lit,
        "edges": [edge["id"] for edge in payload["edges"] if edge["from"] in lit_set and edge["to"] in lit_set],
        "focus": focus if focus in shown else None,
    }
    script = (
        f"var payload = {_script_json(payload)};\n"
        f"var highlight = {_script_json(state)};\n"
        f"var presentation = {'true' if label_scale >= style.PRESENTATION_SCALE else 'false'};\n" + _STANDALONE_START
    )
    page = _STANDALONE_PAGE.format(
        title=html.escape(title),
        css=_STANDALONE_CSS,
        legend=_legend_html({node["type"] for node in payload["nodes"]}),
        count=len(payload["nodes"]),
        vis=(STATIC / "vis-network.min.js").read_text(encoding="utf-8"),
        draw="\n".join((STATIC / name).read_text(encoding="utf-8") for name in DRAWING_FILES),
        script=script,
    )
    _check_standalone(page)
    return page


def external_references(page: str) -> list[str]:
    """Every URL the page would fetch from another machine: ``src``/``href``-like
    attributes and CSS ``url()``/``@import`` that are absolute (``http:``, ``https:``, ``//``).
    Text inside scripts is not markup, so it is not looked at.

    >>> external_references('<img src="https://example.org/x.png"><p>https://example.org</p>')
    ['https://example.org/x.png']
    """
    finder = _ReferenceFinder()
    finder.feed(page)
    finder.close()
    return finder.found


# --- nodes and edges -------------------------------------------------------------------


def _checked_ids(G: nx.Graph, ids: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(ids))
    missing = [node for node in wanted if node not in G]
    if missing:
        raise NodeNotFound(f"no node with id {', '.join(repr(m) for m in missing[:5])} in the graph")
    return wanted


def _size_values(
    G: nx.Graph, shown: list[str], size_by: str | Mapping[str, float] | None, metric: str | None
) -> tuple[dict[str, float], str | None]:
    if size_by is None:
        return {}, metric
    if isinstance(size_by, str):
        if size_by != "degree":
            raise ValueError(f"size_by must be 'degree' or a mapping of node id -> value, not {size_by!r}")
        return {node: float(G.degree(node)) for node in shown}, metric or "Connections"
    return {node: float(size_by[node]) for node in shown if node in size_by}, metric or "Value"


def _vis_node(
    G: nx.Graph,
    node: str,
    position: tuple[float, float] | None,
    value: float | None,
    top: float,
    metric: str | None,
    rank: int,
    name: str,
) -> dict[str, Any]:
    data = G.nodes[node]
    node_type = str(data.get("type", ""))
    kind = style.style_of(node_type)
    entry: dict[str, Any] = {
        "id": node,
        "label": short_label(name),
        "text": name,
        "title": _node_title(node, data, kind.label, value, metric),
        "type": node_type if kind is not style.OTHER else "other",
        "group": node_type if kind is not style.OTHER else "other",
        "rank": rank,
    }
    if data.get("ghost"):  # removed since the point a view compares with: drawn hollow, where it was
        entry["ghost"] = True
        entry["title"] = "Removed: " + entry["title"]
    if position is not None:
        entry["x"], entry["y"] = float(position[0]), float(position[1])
    if value is not None:
        entry["size"] = round(kind.size * (0.7 + 1.3 * (abs(value) / top) ** 0.5), 1)
    return entry


def _vis_edge(G: nx.Graph, source: str, target: str, key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    relation = str(data.get("relation") or key)
    entry: dict[str, Any] = {
        "id": edge_key(source, relation, target),
        "from": source,
        "to": target,
        "title": _edge_title(G, source, target, relation, data),
    }
    if relation in _FAINT_RELATIONS:
        entry["faint"] = True
    dashes = LINES[basis_rule(data["basis"]).line][0] if data.get("basis") else None
    if relation == Relation.NOT_PRIORITISED:
        entry["dashes"] = [2, 5]
    elif dashes:
        entry["dashes"] = dashes
    if data.get("ghost"):
        entry["ghost"], entry["faint"], entry["dashes"] = True, True, [2, 6]
        entry["title"] = "Removed: " + entry["title"]
    return entry


def short_label(label: str) -> str:
    """At most two short lines for the drawing; the tooltip carries the full label.

    >>> short_label("Recruitment, retention and resilience of the workforce")
    'Recruitment, retention\\nand resilience of the…'
    """
    lines = textwrap.wrap(" ".join(label.split()), style.LABEL_WIDTH) or [label]
    if len(lines) > style.LABEL_LINES:
        lines = lines[: style.LABEL_LINES]
        lines[-1] = lines[-1].rstrip(" ,.;:") + "…"
    return "\n".join(lines)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _node_title(node: str, data: Mapping[str, Any], type_name: str, value: float | None, metric: str | None) -> str:
    """The tooltip, as plain text (vis-network shows a string title as text, never HTML)."""
    lines = [str(data.get("label") or node), f"{type_name} · {node}"]
    if data.get("description"):
        lines.append(_clip(str(data["description"]), _TOOLTIP_TEXT))
        if data.get("basis") not in (None, "stated"):
            lines.append(_clip(basis_line(data, "Described"), _TOOLTIP_TEXT))
    room = room_of(data)
    if room:
        lines.append(f"Added in the room: {room['session']}, {room['session_date']} (captured by {room['editor']})")
    refs = data.get("refs") or []
    if refs:
        lines.append("Report: " + "; ".join(str(ref) for ref in refs))
    if value is not None:
        lines.append(f"{metric}: {value:.3g}")
    return "\n".join(lines)


def basis_line(data: Mapping[str, Any], what: str = "") -> str:
    """Where a link (or, with ``what="Described"``, a description; ``what="Added"``, a node) comes from, in one line.

    >>> basis_line({"basis": "external", "rationale": "Ofsted inspects", "external_source": "Ofsted, About us"})
    'From outside the report: Ofsted inspects (source: Ofsted, About us)'
    >>> basis_line({"basis": "room", "session": "Leeds workshop", "session_date": "2026-12-03", "editor": "Sam"})
    'Said in the room: Leeds workshop, 2026-12-03 (captured by Sam)'
    """
    rule = basis_rule(data.get("basis"))
    head = f"{what} {rule.label}" if what else rule.label[0].upper() + rule.label[1:]
    text = f"{head}: {data['rationale']}" if data.get("rationale") else head
    if data.get("external_source"):
        text += f" (source: {data['external_source']})"
    room = room_of(data)
    if room:
        text += f": {room['session']}, {room['session_date']} (captured by {room['editor']})"
    return text


def _edge_title(G: nx.Graph, source: str, target: str, relation: str, data: Mapping[str, Any]) -> str:
    try:
        verb = RELATIONS[Relation(relation)].verb
    except ValueError:
        verb = relation.replace("_", " ")
    source_label = G.nodes[source].get("label") or source
    target_label = G.nodes[target].get("label") or target
    lines = [f"{source_label} {verb} {target_label}"]
    if data.get("qualifier"):
        lines.append(f"Note: {data['qualifier']}")
    if data.get("basis"):
        lines.append(basis_line(data))
    refs = data.get("refs") or []
    if refs:
        lines.append("Report: " + "; ".join(str(ref) for ref in refs))
    return "\n".join(lines)


# --- options ------------------------------------------------------------------------------


def _options(edge_count: int, label_scale: float) -> dict[str, Any]:
    large = edge_count > _LARGE
    presentation = label_scale >= style.PRESENTATION_SCALE
    return {
        "autoResize": True,
        "physics": {"enabled": False, "stabilization": {"enabled": False}},
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            # Arrow keys pan and +/- zoom while the drawing has focus; Tab moves on as usual.
            # No autoFocus: it would take the focus away from other widgets on hover.
            "keyboard": {"enabled": True, "bindToWindow": False, "autoFocus": False},
            "navigationButtons": False,
            "multiselect": False,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
        },
        "nodes": {"borderWidth": 1, "borderWidthSelected": 3, "font": {"size": 0}},  # kg-draw.js draws labels
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "color": {"color": style.EDGE_COLOUR, "highlight": "#222222", "hover": "#222222", "inherit": False},
            "smooth": False,
            "width": 1,
            "selectionWidth": 1.5,
        },
        # Read by kg-draw.js, never by vis-network.
        "kg": {
            "edge": style.EDGE_COLOUR,
            "faint_edge": style.FAINT_EDGE,
            "lit_edge": style.LIT_EDGE,
            "faded_edge": style.FADED_EDGE,
            "faded_fill": style.FADED_FILL,
            "faded_border": style.FADED_BORDER,
            "labels": {
                "min_px": style.MIN_PRESENTATION_PX if presentation else style.MIN_LABEL_PX,
                "presentation_min_px": style.MIN_PRESENTATION_PX,
                "presentation_scale": style.PRESENTATION_SCALE,
                "scale": round(label_scale, 3),
                "font": style.LABEL_FONT,
                "colour": style.LABEL_COLOUR,
                "faded": style.FADED_LABEL,
                "line_em": style.LABEL_LINE_EM,
            },
            "presentation_edges": {
                "edge": style.PRESENTATION_EDGE,
                "faint_edge": style.PRESENTATION_FAINT_EDGE,
                "lit_edge": style.PRESENTATION_LIT_EDGE,
                "faded_edge": style.PRESENTATION_FADED_EDGE,
                "width": style.PRESENTATION_EDGE_PX,
                "lit_width": style.PRESENTATION_LIT_EDGE_PX,
                "screen": True,
            },
        },
    }


# --- standalone page ----------------------------------------------------------------------


def _script_json(value: Any) -> str:
    """JSON that can sit inside a <script>: no text from the data can close it or open markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_STANDALONE_START = """
(function () {
  var drawing = window.KGDraw.create(document.getElementById("kg-graph"), window.vis, payload,
    {key: "graph", presentation: presentation});
  drawing.setHighlight(highlight);
  drawing.frame(false);
  window.kgNetwork = drawing.network;
  document.getElementById("kg-fit").onclick = function () { drawing.touched = false; drawing.frame(true); };
})();
"""

_STANDALONE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header><h1>{title}</h1>
<p class="kg-note">{count} nodes. Scroll to zoom, drag to move; point at a node for its details and to label its
neighbours. <button type="button" id="kg-fit">Fit to view</button></p>
{legend}</header>
<div id="kg-graph" role="img" aria-label="Graph drawing of {count} nodes"></div>
<script>{vis}</script>
<script>{draw}</script>
<script>{script}</script>
</body>
</html>
"""

_STANDALONE_CSS = """
html, body { height: 100%; }
body { font-family: Arial, Helvetica, sans-serif; margin: 0; padding: 0.5rem 1rem; box-sizing: border-box;
  color: #222; display: flex; flex-direction: column; }
h1 { font-size: 1.4rem; margin: 0.2rem 0; }
.kg-note { margin: 0.2rem 0; font-size: 0.9rem; }
#kg-graph { flex: 1 1 auto; min-height: 420px; border: 1px solid #ccc; position: relative; }
div.vis-tooltip { position: absolute; white-space: pre-wrap; max-width: 28rem; padding: 0.4rem 0.55rem;
  font-family: Arial, Helvetica, sans-serif; font-size: 0.85rem; background: #fffff4; border: 1px solid #808074; }
.kg-legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin: 0.3rem 0 0.6rem; font-size: 0.9rem;
  list-style: none; padding: 0; }
.kg-legend li { display: flex; align-items: center; gap: 0.3rem; }
"""


def _legend_html(types: set[str]) -> str:
    """The key to the types drawn on the page, from the style table's own outlines."""
    items = "".join(
        f"<li>{entry['svg']}<span>{html.escape(entry['label'])}</span></li>"
        for entry in legend()
        if entry["type"] in types
    )
    return f'<ul class="kg-legend" aria-label="Key to node types">{items}</ul>\n'


def _check_standalone(page: str) -> None:
    """Refuse to hand out a page that would fetch from the network."""
    external = external_references(page)
    if external:
        raise RuntimeError(f"standalone page refers to other machines: {external[:3]}")


class _ReferenceFinder(HTMLParser):
    _URL_ATTRIBUTES = frozenset({"src", "href", "srcset", "poster", "data", "action", "formaction", "background"})
    _ABSOLUTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
    _CSS_URL = re.compile(r"""url\(\s*['"]?\s*((?:[a-z][a-z0-9+.-]*:)?//[^'")\s]*)|@import\s+['"]?([^'";\s]+)""", re.I)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in self._URL_ATTRIBUTES and self._ABSOLUTE.match(value):
                self.found.append(value)
            elif name == "style":
                self._css(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)

    def _css(self, text: str) -> None:
        for match in self._CSS_URL.finditer(text):
            self.found.append(match.group(1) or match.group(2))
