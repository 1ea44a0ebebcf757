"""XML both ways for GraphML and GEXF: typed attribute tables for export; safe parsing and rows for import.

Untrusted XML is parsed with defusedxml and any DOCTYPE is refused, so entity expansion
("billion laughs") and external entities never reach a parser.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from graph.errors import Problem
from graph.formats._common import is_finite, original_name, split_values, value_type, xml_safe
from graph.formats.batch import ImportBatch, ImportedRow, check_element_count, file_error

Item = tuple[str, dict[str, Any]]


def attribute_table(
    items: Iterable[Item], type_names: dict[type, str], first: tuple[str, ...] = (), last: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(name, declared type) for every data name in ``items``: ``first`` names, the rest A-Z, ``last`` names."""
    values: dict[str, list[Any]] = {}
    for _, data in items:
        for name, value in data.items():
            values.setdefault(name, []).append(value)

    def place(name: str) -> tuple[int, int, str]:
        if name in first:
            return (0, first.index(name), "")
        if name in last:
            return (2, last.index(name), "")
        return (1, 0, name)

    return [(name, type_names[value_type(values[name])]) for name in sorted(values, key=place)]


def xml_value(value: Any, declared: str) -> str:
    """Text for one value of an attribute declared as ``declared``."""
    if isinstance(value, float) and declared in ("double", "float"):
        return repr(value)
    return xml_safe(value)


def serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def parse_untrusted(data: bytes, file: str, max_elements: int, counted: tuple[str, ...]) -> ET.Element:
    """Parse XML that may be hostile; count the elements named in ``counted`` against the limit."""
    try:
        root = defused_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise file_error(
            file, "XML with a DOCTYPE or entities is not accepted (they can expand without limit)"
        ) from None
    except ET.ParseError as error:
        line, column = error.position
        raise file_error(file, f"not well-formed XML at line {line}, column {column}") from None
    count = sum(1 for element in root.iter() if local_name(element.tag) in counted)
    check_element_count(count, max_elements, file)
    return root


_KINDS_BY_ROOT = {
    "graphml": "GraphML (.graphml)",
    "gexf": "GEXF (.gexf)",
    "html": "a web page",
    "svg": "an SVG picture",
}


def expect_root(root: ET.Element, file: str, name: str, kind: str) -> None:
    """Refuse, in one line, XML whose root element is not ``name`` (a file that is not GraphML, say)."""
    found = local_name(root.tag)
    if found != name:
        seems = _KINDS_BY_ROOT.get(found.lower())
        hint = f"; it looks like {seems}" if seems else ""
        raise file_error(file, f"not a {kind} file: its root element is <{found}>, not <{name}>{hint}")


def local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_with_networkx(reader: Callable[[], nx.Graph], file: str, kind: str) -> nx.Graph:
    # networkx raises many kinds of error on malformed input (KeyError, ValueError, NetworkXError...);
    # whatever it raises here is about the file, so each becomes one located problem.
    try:
        return reader()
    except Exception as error:
        detail = str(error) or type(error).__name__
        raise file_error(file, f"not a {kind} file that can be read: {detail}") from None


def batch_from_graph(
    G: nx.Graph,
    file: str,
    kind: str,
    *,
    node_ignored: frozenset[str],
    node_reserved: frozenset[str],
    edge_ignored: frozenset[str],
    edge_reserved: frozenset[str],
) -> ImportBatch:
    """Rows in our schema's shape from a graph networkx read (GraphML or GEXF)."""
    problems: list[Problem] = []
    nodes = []
    for node_id, data in G.nodes(data=True):
        element = f"node '{node_id}'"
        raw = _fields(
            data,
            ("type", "label", "description", "basis", "external_source"),
            node_ignored,
            node_reserved,
            file,
            element,
            problems,
        )
        raw["id"] = str(node_id)
        nodes.append(ImportedRow(element, raw))
    edges = []
    for source, target, data in G.edges(data=True):
        data = dict(data)
        element = f"edge '{data['id']}'" if data.get("id") else f"edge {source} -> {target}"
        relation = data.pop("relation", None) or data.get("label")
        raw = _fields(
            data,
            ("basis", "rationale", "external_source"),
            edge_ignored | {"label"},
            edge_reserved,
            file,
            element,
            problems,
        )
        raw.update(source=str(source), target=str(target))
        if relation is not None:
            raw["relation"] = str(relation).strip()
        edges.append(ImportedRow(element, raw))
    return ImportBatch(file, kind, tuple(nodes), tuple(edges), tuple(problems))


def _fields(
    data: dict[str, Any],
    text_fields: tuple[str, ...],
    ignored: frozenset[str],
    reserved: frozenset[str],
    file: str,
    element: str,
    problems: list[Problem],
) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for name, value in data.items():
        if name in ignored or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not is_finite(value):
            problems.append(Problem(file, element, name, f"{value} is not a number that can be stored"))
        elif name in text_fields:
            raw[name] = str(value).strip()
        elif name == "refs":
            raw["refs"] = split_values(str(value))
        else:
            attributes[original_name(name, reserved)] = value
    if attributes:
        raw["attributes"] = attributes
    return raw
