"""GraphML for Gephi (and anything else that reads GraphML), and GraphML imports.

Gephi reads node data named 'label', 'x', 'y', 'r', 'g', 'b' as the label, position and
colour, and edge data named 'label' as the edge's label (here: the relation). It also takes
the key ids 'd3' and 'd7' as labels (yEd's habit), so keys here are named 'n0', 'e0'...
Edge ids are the edge keys written as XML name tokens ('source..relation..target'), as the
GraphML 1.0 schema requires (the '|' of our keys is not allowed there): unique and readable.
Positions are mirrored (y up), as Gephi and Gephi Lite draw them; colours are 'r', 'g',
'b' integers, which Gephi and graphology-graphml (Gephi Lite's reader) both turn into the colour.
"""

from __future__ import annotations

import re
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
from graph.formats.batch import MAX_IMPORT_ELEMENTS, ImportBatch, file_error

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
# What an xs:NMTOKEN may not hold (GraphML 1.0 types ids and attr.name so); non-ASCII letters may stay.
_NOT_NMTOKEN = re.compile(r"[^\w.:\-]")
# Names Gephi's GraphML importer treats as visual properties (by key title or id).
_NODE_RESERVED = frozenset({"label", "x", "y", "z", "xpos", "ypos", "size", "r", "g", "b", "color", "d3"})
_EDGE_RESERVED = frozenset({"label", "edgelabel", "weight", "Edge Weight", "id", "edgeid", "r", "g", "b", "d7"})


def to_graphml(
    G: nx.MultiDiGraph,
    positions: Mapping[str, tuple[float, float]] | None = None,
    styles: Mapping[str, Mapping[str, Any]] | None = None,
    sizes: Mapping[str, float] | None = None,
) -> bytes:
    """GraphML 1.0 that opens in Gephi and Gephi Lite: labels, types, references, colours, sizes, positions.

    >>> from graph.data.build import build_graph
    >>> from graph.schema import Dataset, Node
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> b'<data key="n0">T</data>' in to_graphml(G)
    True
    """
    nodes = [(row.id, _node_data(row, positions, styles, sizes)) for row in node_rows(G)]
    rows = edge_rows(G)
    edges = [(edge_id, _edge_data(row)) for edge_id, row in zip(_edge_ids(rows), rows, strict=True)]
    root = ET.Element(
        "graphml",
        {
            "xmlns": GRAPHML_NS,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": f"{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd",
        },
    )
    node_keys = _declare(
        root, "node", "n", nodes, ("label", "type", "description", "refs"), ("x", "y", "size", "r", "g", "b")
    )
    edge_keys = _declare(root, "edge", "e", edges, ("label", "relation", "basis", "refs", "rationale"))
    graph = ET.SubElement(root, "graph", {"id": "G", "edgedefault": "directed"})
    for node_id, data in nodes:
        _add_data(ET.SubElement(graph, "node", {"id": node_id}), data, node_keys)
    for (edge_id, data), row in zip(edges, rows, strict=True):
        element = ET.SubElement(graph, "edge", {"id": edge_id, "source": row.source, "target": row.target})
        _add_data(element, data, edge_keys)
    return serialise(root)


def read_graphml(data: bytes, file: str, max_elements: int = MAX_IMPORT_ELEMENTS) -> ImportBatch:
    """Rows from a GraphML file (ours, or Gephi's 'label'/'type'/'refs' data)."""
    root = parse_untrusted(data, file, max_elements, ("node", "edge"))
    expect_root(root, file, "graphml", "GraphML")
    if root.find(f"{{{GRAPHML_NS}}}graph") is None:
        raise file_error(
            file, f"not a GraphML file that can be read: no <graph> in the GraphML namespace ({GRAPHML_NS})"
        )
    graph = read_with_networkx(lambda: nx.parse_graphml(data, force_multigraph=True), file, "GraphML")
    return batch_from_graph(
        graph,
        file,
        "graphml",
        node_ignored=_NODE_RESERVED - {"label"},
        node_reserved=_NODE_RESERVED,
        edge_ignored=frozenset({"id", "edgeid", "edgelabel", "weight", "Edge Weight", "r", "g", "b", "d7", "key"}),
        edge_reserved=_EDGE_RESERVED,
    )


def _edge_ids(rows: list[EdgeRow]) -> list[str]:
    """An XML name token per edge, unique: 'strand:a..raised..topic:t'."""
    ids: list[str] = []
    taken: set[str] = set()
    for row in rows:
        base = _NOT_NMTOKEN.sub("_", f"{row.source}..{row.relation}..{row.target}") or "e"
        edge_id, number = base, 2
        while edge_id in taken:
            edge_id, number = f"{base}.{number}", number + 1
        taken.add(edge_id)
        ids.append(edge_id)
    return ids


def _node_data(row: NodeRow, positions: Any, styles: Any, sizes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"label": row.label, "type": row.type}
    if row.description is not None:
        data["description"] = row.description
    data["refs"] = joined(row.refs)
    data.update({renamed(k, _NODE_RESERVED): joined(v) for k, v in row.attributes.items()})
    position = gephi_position(positions, row.id)
    if position:
        data["x"], data["y"] = position
    size = node_size(sizes, row.id)
    if size:
        data["size"] = size
    colour = node_colour(styles, row.type)
    if colour:
        data["r"], data["g"], data["b"] = colour
    return data


def _edge_data(row: EdgeRow) -> dict[str, Any]:
    data: dict[str, Any] = {
        "label": row.relation,
        "relation": row.relation,
        "basis": row.basis,
        "refs": joined(row.refs),
    }
    if row.rationale is not None:
        data["rationale"] = row.rationale
    data.update({renamed(k, _EDGE_RESERVED): joined(v) for k, v in row.attributes.items()})
    return data


def _declare(
    root: ET.Element, scope: str, prefix: str, items: list[Item], first: tuple[str, ...], last: tuple[str, ...] = ()
) -> dict[str, tuple[str, str]]:
    keys = {}
    for index, (name, declared) in enumerate(attribute_table(items, _TYPES, first, last)):
        key_id = f"{prefix}{index}"
        attrs = {"id": key_id, "for": scope, "attr.name": _NOT_NMTOKEN.sub("_", name), "attr.type": declared}
        ET.SubElement(root, "key", attrs)
        keys[name] = (key_id, declared)
    return keys


def _add_data(element: ET.Element, data: dict[str, Any], keys: dict[str, tuple[str, str]]) -> None:
    for name, value in data.items():
        key_id, declared = keys[name]
        ET.SubElement(element, "data", {"key": key_id}).text = xml_value(value, declared)
