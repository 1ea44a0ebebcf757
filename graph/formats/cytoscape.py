"""Cytoscape.js JSON (also what Cytoscape desktop imports as 'Cytoscape.js JSON').

Shaped so ``networkx.cytoscape_graph`` reads it back as a MultiDiGraph: node ``value`` is
the id, edge ``key`` is the relation. Cytoscape desktop shows ``name`` (the label) and
``interaction`` (the relation); ``color`` and ``shape`` hold the node type's colour and
shape for a passthrough style mapping. The document carries a Cytoscape.js ``style`` block
(as ``cy.json()`` writes it), so Cytoscape.js draws each type in its colour and shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.bases import BASES, LINES
from graph.formats._common import edge_rows, node_colour, node_position, node_rows, node_size, renamed

_NODE_RESERVED = frozenset({"id", "value", "name", "label", "color", "shape", "size"})
#: The drawing's vis-network shapes as Cytoscape.js node shapes.
CYTOSCAPE_SHAPES = {
    "database": "barrel",
    "ellipse": "ellipse",
    "dot": "ellipse",
    "circle": "ellipse",
    "square": "rectangle",
    "box": "round-rectangle",
    "triangle": "triangle",
    "triangleDown": "vee",
    "diamond": "diamond",
    "star": "star",
    "hexagon": "hexagon",
    "text": "round-rectangle",
}
_EDGE_RESERVED = frozenset({"id", "source", "target", "key", "interaction", "name"})


def to_cytoscape(
    G: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]] | None = None,
    styles: Mapping[str, Mapping[str, Any]] | None = None,
    sizes: Mapping[str, float] | None = None,
) -> str:
    """Cytoscape.js JSON: ``{"elements": {...}, "style": [...]}`` with positions, colours, shapes and sizes.

    >>> from graph.data.build import build_graph
    >>> from graph.schema import Dataset, Node
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> json.loads(to_cytoscape(G))["elements"]["nodes"][0]["data"]["name"]
    'T'
    """
    nodes = []
    for row in node_rows(G):
        data: dict[str, Any] = {"id": row.id, "value": row.id, "name": row.label, "label": row.label, "type": row.type}
        if row.description is not None:
            data["description"] = row.description
        data["refs"] = list(row.refs)
        data.update({renamed(k, _NODE_RESERVED): v for k, v in row.attributes.items()})
        colour = node_colour(styles, row.type)
        if colour:
            data["color"] = "#{:02x}{:02x}{:02x}".format(*colour)
        shape = _shape(styles, row.type)
        if shape:
            data["shape"] = shape
        size = node_size(sizes, row.id)
        if size:
            data["size"] = size
        element: dict[str, Any] = {"data": data}
        position = node_position(positions, row.id)
        if position:
            element["position"] = {"x": position[0], "y": position[1]}
        nodes.append(element)
    edges = []
    for row in edge_rows(G):
        data = {
            "id": row.key,
            "source": row.source,
            "target": row.target,
            "key": row.relation,
            "interaction": row.relation,
            "relation": row.relation,
            "basis": row.basis,
            "refs": list(row.refs),
        }
        if row.rationale is not None:
            data["rationale"] = row.rationale
        data.update({renamed(k, _EDGE_RESERVED): v for k, v in row.attributes.items()})
        edges.append({"data": data})
    document = {
        "data": {"name": "Children's social care engagement knowledge graph"},
        "directed": True,
        "multigraph": True,
        "elements": {"nodes": nodes, "edges": edges},
        "style": cytoscape_style(styles),
        # Cytoscape.js runs the 'null' layout (every node at 0, 0) unless told to keep the positions.
        "layout": {"name": "preset"},
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def cytoscape_style(styles: Mapping[str, Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """A Cytoscape.js stylesheet: each node type in its colour and shape, labels, sized nodes, arrows.

    >>> cytoscape_style({"topic": {"color": "#88CCEE", "shape": "dot"}})[1]
    {'selector': 'node[type = "topic"]', 'style': {'background-color': '#88ccee', 'shape': 'ellipse'}}
    """
    sheet: list[dict[str, Any]] = [
        {
            "selector": "node",
            "style": {"label": "data(name)", "font-size": 10, "text-wrap": "wrap", "text-max-width": 120},
        }
    ]
    for node_type, style in (styles or {}).items():
        name = getattr(node_type, "value", node_type)
        rule: dict[str, Any] = {}
        colour = node_colour(styles, node_type)
        if colour:
            rule["background-color"] = "#{:02x}{:02x}{:02x}".format(*colour)
        shape = CYTOSCAPE_SHAPES.get(str(style.get("shape")))
        if shape:
            rule["shape"] = shape
        if rule:
            sheet.append({"selector": f'node[type = "{name}"]', "style": rule})
    sheet += [
        {"selector": "node[size]", "style": {"width": "data(size)", "height": "data(size)"}},
        {
            "selector": "edge",
            "style": {"curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1, "line-color": "#999999"},
        },
    ]
    for basis, rule in BASES.items():  # each basis drawn as the app draws it
        dashes, line_style = LINES[rule.line]
        if dashes:
            look = {"line-style": line_style, "line-dash-pattern": dashes}
            sheet.append({"selector": f'edge[basis = "{basis.value}"]', "style": look})
    return sheet


def _shape(styles: Mapping[str, Mapping[str, Any]] | None, node_type: str) -> str | None:
    if not styles:
        return None
    return CYTOSCAPE_SHAPES.get(str((styles.get(node_type) or {}).get("shape")))
