"""Cytoscape.js JSON (also what Cytoscape desktop imports as 'Cytoscape.js JSON').

Shaped so ``networkx.cytoscape_graph`` reads it back as a MultiDiGraph: node ``value`` is
the id, edge ``key`` is the relation. Cytoscape desktop shows ``name`` (the label) and
``interaction`` (the relation); ``color`` holds the node type's colour for a style mapping.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.formats._common import edge_rows, node_colour, node_position, node_rows, renamed

_NODE_RESERVED = frozenset({"id", "value", "name", "label", "color"})
_EDGE_RESERVED = frozenset({"id", "source", "target", "key", "interaction", "name"})


def to_cytoscape(
    G: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]] | None = None,
    styles: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """Cytoscape.js JSON: ``{"elements": {"nodes": [...], "edges": [...]}}`` with positions and colours.

    >>> from graph.build import build_graph
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
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
