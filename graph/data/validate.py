"""Checks raw data (as parsed from JSON) against the schema and the relation rules.

Pure: no file access. Every problem is collected, each with file, element and field,
so a user sees all that is wrong at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from graph.errors import Problem
from graph.schema import RELATIONS, Edge, Node, Scene

# Whole-list validators: one call into pydantic-core for a list is much cheaper than one call
# per item. They are only a fast path: when a batch fails, every item is validated again on its
# own, so each problem is still reported with its element.
_NODE_LIST = TypeAdapter(list[Node])
_EDGE_LIST = TypeAdapter(list[Edge])
#: The node-type pairs each relation may join, keyed by the relation's plain string.
_PAIRS = {relation.value: rule.pairs for relation, rule in RELATIONS.items()}

_FRIENDLY = {
    "extra_forbidden": "unknown field",
    "missing": "is required",
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
}


def _message(detail: dict[str, Any]) -> str:
    kind = detail["type"]
    if kind == "enum":
        expected = detail.get("ctx", {}).get("expected", "")
        return f"{detail.get('input')!r} is not allowed; use one of {expected}"
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    message = detail["msg"]
    return message.removeprefix("Value error, ")


def _element(kind: str, index: int, raw: Any) -> str:
    ident = f"id '{raw.get('id')}'" if isinstance(raw, dict) and raw.get("id") else None
    if kind == "edges" and isinstance(raw, dict):
        ident = f"{raw.get('source')} -{raw.get('relation')}-> {raw.get('target')}"
    return f"{kind}[{index}]" + (f" ({ident})" if ident else "")


def _problems_from(error: ValidationError, file: str, element: str) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        field = ".".join(str(part) for part in detail["loc"])
        problems.append(Problem(file, element, field, _message(detail)))
    return problems


# Characters that are not shown but change how text reads: C0/C1 controls (tab, line feed and
# carriage return are fine in text), bidirectional embeddings and overrides, and isolates.
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# How they look in repr(): repr escapes every one of them, so a repr without these holds none.
_UNSAFE_IN_REPR = re.compile(r"\\x[0189]|\\x7f|\\u20(?:2[a-e]|6[6-9])")


def unsafe_text(raw_items: Sequence[Any], kind: str, file: str) -> dict[int, list[Problem]]:
    """Control characters and bidi overrides in any text of each raw item (keys too), by item index.

    >>> found = unsafe_text([{"id": "topic:t", "label": "Tr\u202eauma"}], "nodes", "nodes.json")
    >>> print(found[0][0])
    nodes.json: nodes[0] (id 'topic:t'): field 'label': contains a bidirectional override (U+202E), which makes text show in a different order from how it is stored; remove it
    """
    if not _UNSAFE_IN_REPR.search(repr(raw_items)):  # one fast look at everything; the walk is exact
        return {}
    found: dict[int, list[Problem]] = {}
    for index, raw in enumerate(raw_items):
        for field, char in _unsafe_in(raw, ""):
            found.setdefault(index, []).append(Problem(file, _element(kind, index, raw), field, _unsafe_message(char)))
    return found


def _unsafe_in(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        match = _UNSAFE_TEXT.search(value)
        return [(path, match.group())] if match else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += _unsafe_in(key, where) + _unsafe_in(item, where)
        return found
    if isinstance(value, (list, tuple)):
        return [hit for i, item in enumerate(value) for hit in _unsafe_in(item, f"{path}.{i}" if path else str(i))]
    return []


def _unsafe_message(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return (
            f"contains a bidirectional override ({code}), which makes text show in a different order "
            "from how it is stored; remove it"
        )
    return f"contains a control character ({code}), which is not shown but changes the text; remove it"


def parse_nodes(
    raw_nodes: Sequence[Any], file: str = "nodes.json", *, text_checked: bool = False
) -> tuple[list[Node], list[Problem]]:
    """Validate each raw node; return the valid ones and the problems (duplicate ids and unsafe text included).

    ``text_checked``: the caller knows no text holds a control character or bidi override (skip that look).
    """
    nodes, problems = _parse_nodes(raw_nodes, file)
    return nodes, problems + ([] if text_checked else _flatten(unsafe_text(raw_nodes, "nodes", file)))


def _flatten(found: dict[int, list[Problem]]) -> list[Problem]:
    return [problem for index in sorted(found) for problem in found[index]]


def _parse_nodes(raw_nodes: Sequence[Any], file: str) -> tuple[list[Node], list[Problem]]:
    validated = _validate_all(_NODE_LIST, raw_nodes)
    if validated is not None:
        first_seen = {node.id: index for index, node in enumerate(validated)}
        if len(first_seen) == len(validated):  # no duplicate ids: nothing to report
            return validated, []
    nodes: list[Node] = []
    problems: list[Problem] = []
    first_seen = {}
    for index, raw in enumerate(raw_nodes):
        if validated is not None:
            node = validated[index]
        else:
            if not isinstance(raw, dict):
                element = _element("nodes", index, raw)
                problems.append(Problem(file, element, "", f"must be an object, not {type(raw).__name__}"))
                continue
            try:
                node = Node.model_validate(raw)
            except ValidationError as error:
                problems.extend(_problems_from(error, file, _element("nodes", index, raw)))
                continue
        if node.id in first_seen:
            problems.append(
                Problem(
                    file,
                    _element("nodes", index, raw),
                    "id",
                    f"duplicate id '{node.id}' (first at nodes[{first_seen[node.id]}])",
                )
            )
            continue
        first_seen[node.id] = index
        nodes.append(node)
    return nodes, problems


def _validate_all(adapter: TypeAdapter, raws: Sequence[Any]) -> list | None:
    """Every item validated in one call, or None when any item is not a valid object.

    Items that are not dicts (a model instance included) are left to the per-item path,
    which reports them as it always has.
    """
    if not all(type(raw) is dict for raw in raws):
        return None
    try:
        return adapter.validate_python(raws if isinstance(raws, list) else list(raws))
    except ValidationError:
        return None


def parse_edges(
    raw_edges: Sequence[Any],
    nodes: Sequence[Node],
    file: str = "edges.json",
    *,
    known_ids: set[str] | None = None,
    text_checked: bool = False,
) -> tuple[list[Edge], list[Problem]]:
    """Validate each raw edge, its endpoints and the relation rule for its endpoint types.

    ``known_ids`` are ids that exist but failed validation: edges to them are not reported
    as dangling, so one bad node does not bury the report in follow-on errors.
    """
    edges, problems = _parse_edges(raw_edges, nodes, file, known_ids)
    return edges, problems + ([] if text_checked else _flatten(unsafe_text(raw_edges, "edges", file)))


def _parse_edges(
    raw_edges: Sequence[Any], nodes: Sequence[Node], file: str, known_ids: set[str] | None
) -> tuple[list[Edge], list[Problem]]:
    types = {node.id: node.type for node in nodes}
    known = known_ids or set()
    pairs = _PAIRS
    edges: list[Edge] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    validated = _validate_all(_EDGE_LIST, raw_edges)
    for index, raw in enumerate(raw_edges):
        # the element's label is built only when there is a problem to report
        if validated is not None:
            edge = validated[index]
        else:
            if not isinstance(raw, dict):
                element = _element("edges", index, raw)
                problems.append(Problem(file, element, "", f"must be an object, not {type(raw).__name__}"))
                continue
            try:
                edge = Edge.model_validate(raw)
            except ValidationError as error:
                problems.extend(_problems_from(error, file, _element("edges", index, raw)))
                continue
        source, target, relation = edge.source, edge.target, edge.relation
        source_type = types.get(source)
        target_type = types.get(target)
        if source_type is None or target_type is None or (source_type, target_type) not in pairs[relation]:
            # the slow path, only for an edge that has a problem: find and word it
            found = _endpoint_problems(edge, types, known, file, _element("edges", index, raw))
            if found:
                problems.extend(found)
                continue
        key = f"{source}|{relation.value}|{target}"  # == edge.key, computed once
        seen = first_seen.get(key)
        if seen is not None:
            problems.append(
                Problem(file, _element("edges", index, raw), "", f"duplicate edge (first at edges[{seen}])")
            )
            continue
        first_seen[key] = index
        edges.append(edge)
    return edges, problems


def _endpoint_problems(edge: Edge, types: dict, known: set[str], file: str, element: str) -> list[Problem]:
    problems = []
    for end in ("source", "target"):
        node_id = getattr(edge, end)
        if node_id not in types and node_id not in known:
            problems.append(Problem(file, element, end, f"no node has the id '{node_id}'"))
    if problems or edge.source not in types or edge.target not in types:
        return problems or [Problem(file, element, "", "joins a node that is itself invalid")]
    pair = (types[edge.source], types[edge.target])
    rule = RELATIONS[edge.relation]
    if pair not in rule.pairs:
        allowed = ", ".join(sorted(f"{s.value}->{t.value}" for s, t in rule.pairs))
        problems.append(
            Problem(
                file,
                element,
                "relation",
                f"'{edge.relation.value}' may not join {pair[0].value} -> {pair[1].value} (allowed: {allowed})",
            )
        )
    return problems


def raw_ids(raw_nodes: Sequence[Any]) -> set[str]:
    """Ids present in raw nodes, valid or not."""
    return {raw["id"].strip() for raw in raw_nodes if isinstance(raw, dict) and isinstance(raw.get("id"), str)}


def parse_scenes(raw_scenes: Sequence[Any], file: str = "scenes.json") -> tuple[list[Scene], list[Problem]]:
    """Validate each raw scene (duplicate ids included); return the valid ones, in order, and the problems."""
    scenes: list[Scene] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(raw_scenes):
        element = _element("scenes", index, raw)
        if not isinstance(raw, dict):
            problems.append(Problem(file, element, "", f"must be an object, not {type(raw).__name__}"))
            continue
        try:
            scene = Scene.model_validate(raw)
        except ValidationError as error:
            problems.extend(_problems_from(error, file, element))
            continue
        if scene.id in first_seen:
            problems.append(
                Problem(file, element, "id", f"duplicate id '{scene.id}' (first at scenes[{first_seen[scene.id]}])")
            )
            continue
        first_seen[scene.id] = index
        scenes.append(scene)
    return scenes, problems + _flatten(unsafe_text(raw_scenes, "scenes", file))
