"""Our own JSON: one object with the "nodes" and "edges" lists of data/nodes.json and data/edges.json.

Imports also take nodes.json or edges.json on their own. Numbers are bounded (digits,
finiteness) and nesting is bounded, so hostile JSON ends in a located DataError.
"""

from __future__ import annotations

import json
import math
from typing import Any

import networkx as nx

from graph.data.files import loads_strict
from graph.data.store import dump_model
from graph.errors import Problem
from graph.formats._common import dataset_from_graph, slug_id
from graph.formats.batch import (
    MAX_IMPORT_ELEMENTS,
    MAX_JSON_DEPTH,
    MAX_NUMBER_DIGITS,
    ImportBatch,
    ImportedRow,
    check_element_count,
    file_error,
)

_TOP_LEVEL = frozenset({"nodes", "edges", "$schema"})


class _BadNumber(ValueError):
    pass


def to_json(G: nx.MultiDiGraph) -> str:
    """``{"nodes": [...], "edges": [...]}`` in the shape of data/nodes.json and data/edges.json, sorted.

    >>> from graph.data.build import build_graph
    >>> from graph.schema import Dataset, Node
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> json.loads(to_json(G))["nodes"]
    [{'id': 'topic:t', 'type': 'topic', 'label': 'T', 'refs': ['4']}]
    """
    dataset = dataset_from_graph(G)
    body = {
        "nodes": [dump_model(node) for node in dataset.nodes],
        "edges": [dump_model(edge) for edge in dataset.edges],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def read_json(data: bytes, file: str, max_elements: int = MAX_IMPORT_ELEMENTS) -> ImportBatch:
    """Rows from our JSON (or nodes.json / edges.json alone); values keep their JSON types."""
    document = _parse(data, file)
    if not isinstance(document, dict):
        raise file_error(file, 'expected an object with a "nodes" and/or an "edges" list')
    if "elements" in document:
        raise file_error(file, "this looks like Cytoscape JSON: import GraphML, or this app's own JSON export")
    problems = [Problem(file, "", key, "unknown field") for key in sorted(set(document) - _TOP_LEVEL)]
    lists = {}
    for key in ("nodes", "edges"):
        value = document.get(key, [])
        if not isinstance(value, list):
            raise file_error(file, f"must be a list, not {type(value).__name__}", field=key)
        lists[key] = value
    if not set(document) & {"nodes", "edges"}:
        raise file_error(file, 'expected an object with a "nodes" and/or an "edges" list')
    check_element_count(len(lists["nodes"]) + len(lists["edges"]), max_elements, file)
    nodes = [_node_row(index, raw) for index, raw in enumerate(lists["nodes"])]
    edges = [
        ImportedRow(f"edges[{index}]", dict(raw) if isinstance(raw, dict) else raw)
        for index, raw in enumerate(lists["edges"])
    ]
    return ImportBatch(file, "json", tuple(nodes), tuple(edges), tuple(problems), text_values=False)


def _node_row(index: int, raw: Any) -> ImportedRow:
    element = f"nodes[{index}]"
    if not isinstance(raw, dict):
        return ImportedRow(element, raw)
    data = dict(raw)
    node_id, label = data.get("id"), data.get("label")
    if (node_id is None or node_id == "") and isinstance(label, str) and label.strip():
        node_type = data.get("type") if isinstance(data.get("type"), str) else None
        data["id"] = slug_id(node_type.lower() if node_type else None, label)
        return ImportedRow(element, data, generated_id=True)
    return ImportedRow(element, data)


def _parse(data: bytes, file: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise file_error(file, f"not UTF-8 text (bad byte at offset {error.start})") from None
    try:
        document = loads_strict(text, file, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise file_error(file, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise file_error(file, f"JSON is nested too deeply (the limit is {MAX_JSON_DEPTH} levels)") from None
    except _BadNumber as error:
        raise file_error(file, str(error)) from None
    if _depth_exceeds(document, MAX_JSON_DEPTH):
        raise file_error(file, f"JSON is nested too deeply (the limit is {MAX_JSON_DEPTH} levels)")
    return document


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _BadNumber(f"a number has more than {MAX_NUMBER_DIGITS} digits (the limit): {text[:20]}...")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(f"the number {text[:40]} is too large to store")
    return value


def _constant(text: str) -> float:
    raise _BadNumber(f"{text} is not a number JSON allows")


def _depth_exceeds(document: Any, limit: int) -> bool:
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return False
