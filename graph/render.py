"""Graph -> what a reader sees: the node-type palette, vis-network payloads, standalone HTML.

Colour is never the only cue: every node type has its own shape, and the colours come
from Paul Tol's colour-blind-safe "muted" scheme. Text from the data is only ever shown
as text: tooltips are plain strings (vis-network shows a string ``title`` as text), and the
standalone page escapes every string it writes into HTML.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any

import networkx as nx
from jinja2 import ChoiceLoader, DictLoader, Environment
from pyvis.network import Network

from graph.errors import NodeNotFound
from graph.schema import RELATIONS, NodeType, Relation, edge_key

#: How each node type is drawn: a colour (Paul Tol "muted"), a vis-network shape and the
#: name shown in the legend. No two types share both colour and shape; only message and
#: barrier share a colour (a hexagon and a labelled box).
NODE_STYLES: dict[NodeType, dict[str, str]] = {
    NodeType.LEVEL: {"color": "#332288", "shape": "database", "label": "Level"},
    NodeType.THEME: {"color": "#44AA99", "shape": "ellipse", "label": "Theme"},
    NodeType.TOPIC: {"color": "#88CCEE", "shape": "dot", "label": "Topic"},
    NodeType.STRAND: {"color": "#DDCC77", "shape": "square", "label": "Strand of engagement"},
    NodeType.STAKEHOLDER: {"color": "#CC6677", "shape": "triangle", "label": "Stakeholder"},
    NodeType.QUOTE: {"color": "#999933", "shape": "triangleDown", "label": "Quote"},
    NodeType.ORGANISATION: {"color": "#117733", "shape": "diamond", "label": "Organisation"},
    NodeType.INITIATIVE: {"color": "#AA4499", "shape": "star", "label": "Initiative"},
    NodeType.MESSAGE: {"color": "#882255", "shape": "hexagon", "label": "Key message"},
    NodeType.BARRIER: {"color": "#882255", "shape": "box", "label": "Barrier"},
    NodeType.STAGE: {"color": "#DDDDDD", "shape": "circle", "label": "Stage of the evidence cycle"},
    NodeType.PLACE: {"color": "#555555", "shape": "text", "label": "Place"},
}

#: A character that looks like each vis-network shape, for text legends.
SHAPE_SYMBOLS = {
    "database": "▤",
    "ellipse": "▬",
    "dot": "●",
    "square": "■",
    "triangle": "▲",
    "triangleDown": "▼",
    "diamond": "◆",
    "star": "★",
    "hexagon": "⬢",
    "box": "▭",
    "circle": "◯",
    "text": "Aa",
}

_LABEL_INSIDE = {"database", "ellipse", "box", "circle", "text"}
_UNKNOWN_TYPE = {"color": "#BBBBBB", "shape": "dot", "label": "Other"}
_FADED = {"background": "#EEEEEE", "border": "#D0D0D0"}
_FADED_FONT = "#B8B8B8"
_EDGE_COLOUR = "#A8A8A8"
_FAINT_EDGE = "#D4D4D4"
#: Relations that cut across the clusters in great numbers; drawn fainter so the structure shows.
_FAINT_RELATIONS = {Relation.RAISED.value, Relation.NOT_PRIORITISED.value}
_FONT_SIZE = 14
_NODE_SIZE = 12
_LABEL_WIDTH = 22  # characters per label line on the canvas; the tooltip has the full text
_LABEL_LINES = 2
_TOOLTIP_TEXT = 400  # characters of a description shown in a tooltip
_LARGE = 2000  # edges above which the canvas hides edges while dragging and zooming
#: Larger labels for the few nodes that give the picture its structure, so they can be read
#: when the whole graph is in view (smaller labels appear as one zooms in).
_FONT_BOOST = {NodeType.LEVEL: 1.6, NodeType.THEME: 1.3, NodeType.STAGE: 1.3, NodeType.BARRIER: 1.2}


def legend() -> list[dict[str, str]]:
    """One entry per node type, in NODE_STYLES order: type, label, colour, shape, symbol and
    ``svg``, a small inline picture of the shape built only from the constants above.

    >>> [entry["type"] for entry in legend()][:3]
    ['level', 'theme', 'topic']
    """
    return [
        {
            "type": node_type.value,
            "label": style["label"],
            "color": style["color"],
            "shape": style["shape"],
            "symbol": SHAPE_SYMBOLS[style["shape"]],
            "svg": _shape_svg(style["shape"], style["color"]),
        }
        for node_type, style in NODE_STYLES.items()
    ]


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
    """The ``{"nodes", "edges", "options"}`` a vis-network needs to draw ``G`` with physics off.

    ``node_ids`` limits the drawing to those nodes (and the edges between them).
    ``highlight`` keeps those nodes (and edges between them) in colour and greys the rest.
    ``size_by`` sizes nodes: ``"degree"`` or a mapping of node id -> value (e.g. a
    centrality); ``metric`` names that value in the tooltips. ``label_scale`` enlarges the
    labels (for a projector). Node types are vis-network ``groups`` defined once in the
    options, so each node carries little more than its id, label, tooltip and position.
    The output depends only on the inputs, so it can be cached and compared.

    >>> from graph.schema import Node, Edge, Dataset
    >>> from graph.build import build_graph
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> payload = vis_payload(G, {"topic:t": (0.0, 0.0)})
    >>> payload["nodes"][0]["group"], payload["options"]["physics"]["enabled"]
    ('topic', False)
    """
    shown = _checked_ids(G, node_ids) if node_ids is not None else list(G.nodes)
    shown_set = set(shown)
    lit = set(_checked_ids(G, highlight)) if highlight is not None else None
    values, metric_name = _size_values(G, shown, size_by, metric)
    top = max((abs(v) for v in values.values()), default=0.0) or 1.0
    nodes = [_vis_node(G, node, positions.get(node), values.get(node), top, metric_name, lit) for node in shown]
    edges = [
        _vis_edge(G, source, target, key, data, lit)
        for source, target, key, data in G.edges(keys=True, data=True)
        if source in shown_set and target in shown_set
    ]
    return {"nodes": nodes, "edges": edges, "options": _options(len(edges), label_scale)}


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
) -> str:
    """A single self-contained HTML page that draws the graph with no network at all
    (it opens from a USB stick): vis-network is inlined by pyvis, nothing is fetched.

    The page exposes the drawn network as ``window.kgNetwork``. pyvis's template is used
    with three changes: its Bootstrap CDN links are removed, the heading is escaped, and
    its "tooltip link" popup (which writes a title into ``innerHTML`` whenever any title
    contains "href") is switched off, so tooltips stay plain text.
    """
    payload = vis_payload(
        G, positions, node_ids=node_ids, highlight=highlight, size_by=size_by, metric=metric, label_scale=label_scale
    )
    net = Network(height="calc(100vh - 9rem)", width="100%", directed=True, cdn_resources="in_line", heading=title)
    # pyvis's add_node/add_edge check membership in lists (quadratic on large graphs) and
    # would add defaults we don't want; the payload is already in vis-network's format.
    net.nodes = payload["nodes"]
    net.edges = payload["edges"]
    net.options = payload["options"]
    net.templateEnv = _safe_template_environment(net.templateEnv)
    net.path = _TEMPLATE_NAME
    page = net.generate_html()
    page = page.replace("</head>", f"<style>{_STANDALONE_CSS}</style>\n</head>", 1)
    page = re.sub(r"<body>", lambda _: "<body>\n" + _legend_html(), page, count=1)
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
    lit: set[str] | None,
) -> dict[str, Any]:
    data = G.nodes[node]
    node_type = str(data.get("type", ""))
    style = _style(node_type)
    entry: dict[str, Any] = {
        "id": node,
        "label": _short_label(str(data.get("label") or node)),
        "title": _node_title(node, data, style, value, metric),
        "group": node_type if node_type in _GROUP_NAMES else "other",
    }
    if position is not None:
        entry["x"], entry["y"] = float(position[0]), float(position[1])
    if value is not None and style["shape"] not in _LABEL_INSIDE:  # those are sized by their label
        entry["size"] = round(_NODE_SIZE * (0.7 + 1.6 * (abs(value) / top) ** 0.5), 1)
    if lit is not None:
        if node in lit:
            entry["borderWidth"] = 3
        else:
            entry["color"] = {**_FADED, "highlight": _FADED, "hover": _FADED}
            entry["font"] = {**entry.get("font", {}), "color": _FADED_FONT}
    return entry


def _vis_edge(
    G: nx.Graph, source: str, target: str, key: str, data: Mapping[str, Any], lit: set[str] | None
) -> dict[str, Any]:
    relation = str(data.get("relation") or key)
    entry: dict[str, Any] = {
        "id": edge_key(source, relation, target),
        "from": source,
        "to": target,
        "title": _edge_title(G, source, target, relation, data),
    }
    if relation in _FAINT_RELATIONS:
        entry["color"] = {"color": _FAINT_EDGE}  # highlight and hover come from the options
    if relation == Relation.NOT_PRIORITISED:
        entry["dashes"] = [2, 5]
    elif data.get("basis") == "inferred":
        entry["dashes"] = [8, 5]
    elif data.get("basis") == "imported":
        entry["dashes"] = [1, 4]
    if lit is not None:
        if source in lit and target in lit:
            entry["color"] = {"color": "#333333", "highlight": "#000000", "hover": "#000000"}
            entry["width"] = 2
        else:
            entry["color"] = {"color": "#E4E4E4", "highlight": "#E4E4E4", "hover": "#E4E4E4"}
    return entry


def _style(node_type: str) -> dict[str, str]:
    try:
        return NODE_STYLES[NodeType(node_type)]
    except ValueError:
        return _UNKNOWN_TYPE


def _short_label(label: str) -> str:
    """At most two short lines for the canvas; the tooltip carries the full label."""
    lines = textwrap.wrap(" ".join(label.split()), _LABEL_WIDTH) or [label]
    if len(lines) > _LABEL_LINES:
        lines = lines[:_LABEL_LINES]
        lines[-1] = lines[-1].rstrip(" ,.;:") + "…"
    return "\n".join(lines)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _node_title(
    node: str, data: Mapping[str, Any], style: Mapping[str, str], value: float | None, metric: str | None
) -> str:
    """The tooltip, as plain text (vis-network shows a string title as text, never HTML)."""
    lines = [str(data.get("label") or node), f"{style['label']} · {node}"]
    if data.get("description"):
        lines.append(_clip(str(data["description"]), _TOOLTIP_TEXT))
    refs = data.get("refs") or []
    if refs:
        lines.append("Report: " + "; ".join(str(ref) for ref in refs))
    if value is not None:
        lines.append(f"{metric}: {value:.3g}")
    return "\n".join(lines)


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
    basis = data.get("basis")
    if basis == "inferred":
        lines.append("Inferred: " + str(data.get("rationale") or "a curator's reading"))
    elif basis == "imported":
        lines.append("Imported from a file, not from the report")
    elif basis:
        lines.append("Stated in the report")
    refs = data.get("refs") or []
    if refs:
        lines.append("Report: " + "; ".join(str(ref) for ref in refs))
    return "\n".join(lines)


# --- options ------------------------------------------------------------------------------

_GROUP_NAMES = {node_type.value for node_type in NODE_STYLES}


def _darker(colour: str, factor: float = 0.7) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02X}{:02X}{:02X}".format(*(round(c * factor) for c in (red, green, blue)))


def _text_colour_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (WCAG relative luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"


def _group(style: Mapping[str, str], label_scale: float, boost: float = 1.0) -> dict[str, Any]:
    colour, shape = style["color"], style["shape"]
    size = round(_FONT_SIZE * label_scale * boost, 1)
    border = _darker(colour)
    group: dict[str, Any] = {
        "shape": shape,
        "color": {
            "background": colour,
            "border": border,
            "highlight": {"background": colour, "border": "#000000"},
            "hover": {"background": colour, "border": "#000000"},
        },
    }
    if shape == "text":
        group["font"] = {"color": colour, "size": size}
    elif shape in _LABEL_INSIDE:
        group["font"] = {"color": _text_colour_on(colour), "strokeWidth": 0, "size": size}
        group["margin"] = 8
        group["widthConstraint"] = {"maximum": 150}
    elif boost != 1.0:
        group["font"] = {"size": size}
    return group


def _options(edge_count: int, label_scale: float) -> dict[str, Any]:
    large = edge_count > _LARGE
    groups = {
        node_type.value: _group(style, label_scale, _FONT_BOOST.get(node_type, 1.0))
        for node_type, style in NODE_STYLES.items()
    }
    groups["other"] = _group(_UNKNOWN_TYPE, label_scale)
    return {
        "autoResize": True,
        "physics": {
            "enabled": False,
            "stabilization": {"enabled": False},
            "barnesHut": {"gravitationalConstant": -4000, "springLength": 110, "avoidOverlap": 0.3},
        },
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
        "nodes": {
            "size": _NODE_SIZE,
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "font": {
                "size": round(_FONT_SIZE * label_scale, 1),
                "face": "Arial, Helvetica, sans-serif",
                "color": "#222222",
                "strokeWidth": 3,
                "strokeColor": "#FFFFFF",
            },
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "color": {"color": _EDGE_COLOUR, "highlight": "#222222", "hover": "#222222", "inherit": False},
            "smooth": False,
            "width": 1,
            "selectionWidth": 1.5,
        },
        "groups": groups,
    }


# --- standalone page ----------------------------------------------------------------------

_TEMPLATE_NAME = "kg_standalone.html"

# pyvis's template, and what to change in it: (pattern, replacement, how many times expected).
_TEMPLATE_PATCHES: tuple[tuple[str, str, int], ...] = (
    # The Bootstrap stylesheet and script come from a CDN and the page does not need them.
    (r'<link\s+href="https://cdn\.jsdelivr\.net/[^>]*>', "", 1),
    (r'<script\s+src="https://cdn\.jsdelivr\.net/[^>]*>\s*</script>', "", 1),
    # The "tooltip link" popup puts a title into innerHTML when any title contains "href".
    (r"\{%\s*if\s+tooltip_link\s*%\}", "{% if false %}", 2),
    # The template writes the heading twice (once inside <head>) and unescaped.
    (r"<center>\s*<h1>\{\{heading\}\}</h1>\s*</center>", "", 1),
    (r"\{\{\s*heading\s*\}\}", "{{ heading|e }}", 1),
    (r'<meta charset="utf-8">', '<meta charset="utf-8">\n<title>{{ heading|e }}</title>', 1),
    (r"drawGraph\(\);", "drawGraph();\n              window.kgNetwork = network;", 1),
)

_STANDALONE_CSS = """
body { font-family: Arial, Helvetica, sans-serif; margin: 0.5rem 1rem; color: #222; }
h1 { font-size: 1.4rem; margin: 0.4rem 0; }
#mynetwork { float: none; border: 1px solid #ccc; }
div.vis-tooltip { white-space: pre-wrap; max-width: 28rem; font-family: Arial, Helvetica, sans-serif; }
.kg-legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin: 0.3rem 0 0.6rem; font-size: 0.85rem;
  list-style: none; padding: 0; }
.kg-legend li { display: flex; align-items: center; gap: 0.3rem; }
.kg-legend svg { width: 1.1rem; height: 1.1rem; }
"""


def _safe_template_environment(pyvis_env: Environment) -> Environment:
    source, _, _ = pyvis_env.loader.get_source(pyvis_env, "template.html")
    for pattern, replacement, expected in _TEMPLATE_PATCHES:
        found = len(re.findall(pattern, source))
        if found < expected:
            raise RuntimeError(f"pyvis's template has changed: expected {pattern!r} {expected} time(s), found {found}")
        source = re.sub(pattern, lambda _, r=replacement: r, source, count=expected)
    loader = ChoiceLoader([DictLoader({_TEMPLATE_NAME: source}), pyvis_env.loader])
    return Environment(loader=loader)


def _legend_html() -> str:
    items = "".join(f"<li>{entry['svg']}<span>{html.escape(entry['label'])}</span></li>" for entry in legend())
    return f'<ul class="kg-legend" aria-label="Node types">{items}</ul>\n'


def _check_standalone(page: str) -> None:
    """Refuse to hand out a page that would fetch from the network or run pyvis's HTML popup."""
    external = external_references(page)
    if external:
        raise RuntimeError(f"standalone page refers to other machines: {external[:3]}")
    if "popup.innerHTML" in page or "window.kgNetwork = network" not in page:
        raise RuntimeError("standalone page template was not patched as expected")


_SHAPE_PATHS = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "circle": '<circle cx="8" cy="8" r="6.5"/>',
    "square": '<rect x="2" y="2" width="12" height="12"/>',
    "box": '<rect x="1" y="4" width="14" height="8" rx="2"/>',
    "ellipse": '<ellipse cx="8" cy="8" rx="7" ry="4.5"/>',
    "database": '<path d="M2 4 a6 2 0 0 1 12 0 v8 a6 2 0 0 1 -12 0 z"/>',
    "triangle": '<polygon points="8,1.5 15,14 1,14"/>',
    "triangleDown": '<polygon points="1,2 15,2 8,14.5"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "star": '<polygon points="8,1 10,6 15,6 11,9.5 12.5,15 8,11.5 3.5,15 5,9.5 1,6 6,6"/>',
    "hexagon": '<polygon points="4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8"/>',
    "text": '<text x="8" y="12.5" font-size="11" font-weight="bold" text-anchor="middle">Aa</text>',
}


def _shape_svg(shape: str, colour: str) -> str:
    stroke = _darker(colour)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" aria-hidden="true" '
        f'fill="{colour}" stroke="{stroke}" stroke-width="1">{_SHAPE_PATHS[shape]}</svg>'
    )


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
