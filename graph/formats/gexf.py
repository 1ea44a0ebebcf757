"""GEXF 1.2 for Gephi and Gephi Lite, with viz colours, sizes and positions, and GEXF imports.

Written here rather than by networkx's writer so the file is byte-for-byte the same on
every run (networkx stamps the date) and every attribute keeps one declared type.
Edge labels are the relation; edge ids are the edge keys ('source|relation|target').

Colours carry no alpha, as Gephi itself writes them for opaque nodes: Gephi Lite reads
``viz:color`` with an alpha as ``rgba(r,g,b,a)`` and accepts only a one-digit alpha, so
``a="1.0"`` turned every node grey. Positions are mirrored (y up), as Gephi and sigma.js
draw them, so the map opens the same way up as in the app.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.formats._common import (
    EdgeRow,
    NodeRow,
    edge_rows,
    gephi_position,
    joined,
    node_colour,
    node_rows,
    node_size,
    renamed,
)
from graph.formats._xml import (
    Item,
    attribute_table,
    batch_from_graph,
    expect_root,
    parse_untrusted,
    read_with_networkx,
    serialise,
    xml_value,
)
from graph.formats.batch import MAX_IMPORT_ELEMENTS, ImportBatch

GEXF_NS = "http://www.gexf.net/1.2draft"
VIZ_NS = "http://www.gexf.net/1.2draft/viz"
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
# Data names networkx's GEXF reader and the format itself give a meaning of their own.
_NODE_RESERVED = frozenset({"id", "label", "pid", "start", "end", "viz", "parents", "spells", "slices"})
_EDGE_RESERVED = frozenset({"id", "label", "weight", "type", "start", "end", "networkx_key", "key", "spells", "slices"})


def to_gexf(
    G: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]] | None = None,
    styles: Mapping[str, Mapping[str, Any]] | None = None,
    sizes: Mapping[str, float] | None = None,
) -> bytes:
    """GEXF 1.2 that opens in Gephi and Gephi Lite with colours, sizes and positions (y mirrored).

    >>> from graph.data.build import build_graph
    >>> from graph.schema import Dataset, Node
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> b'<node id="topic:t" label="T">' in to_gexf(G)
    True
    """
    node_list = node_rows(G)
    edge_list = edge_rows(G)
    nodes = [(row.id, _node_data(row)) for row in node_list]
    edges = [(row.key, _edge_data(row)) for row in edge_list]
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "xmlns:viz": VIZ_NS, "version": "1.2"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "csc-knowledge-graph"
    ET.SubElement(meta, "description").text = "Knowledge graph of the children's social care engagement report"
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static"})
    node_attrs = _declare(graph, "node", nodes, ("type", "description", "refs"))
    edge_attrs = _declare(graph, "edge", edges, ("relation", "basis", "refs", "rationale"))
    node_parent = ET.SubElement(graph, "nodes")
    for row, (_, data) in zip(node_list, nodes, strict=True):
        element = ET.SubElement(node_parent, "node", {"id": row.id, "label": xml_value(row.label, "string")})
        _add_values(element, data, node_attrs)
        _add_viz(element, node_colour(styles, row.type), gephi_position(positions, row.id), node_size(sizes, row.id))
    edge_parent = ET.SubElement(graph, "edges")
    for row, (edge_id, data) in zip(edge_list, edges, strict=True):
        attrs = {"id": edge_id, "source": row.source, "target": row.target, "label": row.relation}
        _add_values(ET.SubElement(edge_parent, "edge", attrs), data, edge_attrs)
    return serialise(root)


def read_gexf(data: bytes, file: str, max_elements: int = MAX_IMPORT_ELEMENTS) -> ImportBatch:
    """Rows from a GEXF file (ours or Gephi's): node label, type, refs, description and attributes."""
    expect_root(parse_untrusted(data, file, max_elements, ("node", "edge")), file, "gexf", "GEXF")
    graph = read_with_networkx(lambda: nx.read_gexf(io.BytesIO(data)), file, "GEXF")
    return batch_from_graph(
        graph,
        file,
        "gexf",
        node_ignored=_NODE_RESERVED - {"label"},
        node_reserved=_NODE_RESERVED,
        edge_ignored=_EDGE_RESERVED - {"label"},
        edge_reserved=_EDGE_RESERVED,
    )


def _node_data(row: NodeRow) -> dict[str, Any]:
    data: dict[str, Any] = {"type": row.type}
    if row.description is not None:
        data["description"] = row.description
    data["refs"] = joined(row.refs)
    data.update({renamed(k, _NODE_RESERVED): joined(v) for k, v in row.attributes.items()})
    return data


def _edge_data(row: EdgeRow) -> dict[str, Any]:
    data: dict[str, Any] = {"relation": row.relation, "basis": row.basis, "refs": joined(row.refs)}
    if row.rationale is not None:
        data["rationale"] = row.rationale
    data.update({renamed(k, _EDGE_RESERVED): joined(v) for k, v in row.attributes.items()})
    return data


def _declare(graph: ET.Element, scope: str, items: list[Item], first: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    table = attribute_table(items, _TYPES, first)
    declared = {}
    if table:
        element = ET.SubElement(graph, "attributes", {"class": scope, "mode": "static"})
        for index, (name, kind) in enumerate(table):
            ET.SubElement(element, "attribute", {"id": str(index), "title": name, "type": kind})
            declared[name] = (str(index), kind)
    return declared


def _add_values(element: ET.Element, data: dict[str, Any], declared: dict[str, tuple[str, str]]) -> None:
    if not data:
        return
    values = ET.SubElement(element, "attvalues")
    for name, value in data.items():
        attr_id, kind = declared[name]
        ET.SubElement(values, "attvalue", {"for": attr_id, "value": xml_value(value, kind)})


def _add_viz(
    element: ET.Element,
    colour: tuple[int, int, int] | None,
    position: tuple[float, float] | None,
    size: float | None,
) -> None:
    # Gephi's own order: size, position, colour.
    if size:
        ET.SubElement(element, "viz:size", {"value": repr(size)})
    if position:
        x, y = position
        ET.SubElement(element, "viz:position", {"x": repr(x), "y": repr(y), "z": "0.0"})
    if colour:
        r, g, b = colour
        ET.SubElement(element, "viz:color", {"r": str(r), "g": str(g), "b": str(b)})
