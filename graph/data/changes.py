"""Changes as the change log records them: the elements a change touches, before and after.

An element is ("node", id), ("edge", edge key) or ("scene", id); a change maps each element it
touches to (before, after), either side None when the element is added or deleted. The log entry
of a change holds enough to apply it again or to apply its inverse (undo).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from graph.errors import GraphError
from graph.schema import Dataset, Edge, Node, Scene, edge_key

Element = tuple[str, str]
Change = dict[Element, tuple[dict[str, Any] | None, dict[str, Any] | None]]
RawLists = tuple[list[Any], list[Any]]


def apply_change(elements: dict[Element, dict[str, Any]], change: Change) -> dict[Element, dict[str, Any]]:
    result = dict(elements)
    for element, (before, after) in change.items():
        if result.get(element) != before:
            raise GraphError(
                f"Cannot undo: {describe_element(element)} is no longer as that change left it "
                "(the data was changed outside the editor)."
            )
        if after is None:
            del result[element]
        else:
            result[element] = after
    return result


def apply_scene_change(scenes: list[dict[str, Any]], change: Change) -> list[dict[str, Any]]:
    result = list(scenes)
    for (_, scene_id), (before, after) in change.items():
        index = next((i for i, s in enumerate(result) if s["id"] == scene_id), None)
        current = result[index] if index is not None else None
        if current != (before["scene"] if before else None):
            raise GraphError(f"Cannot undo: scene '{scene_id}' is no longer as that change left it.")
        if index is not None:
            del result[index]
        if after is not None:
            result.insert(min(after["index"], len(result)), after["scene"])
    return result


def new_entry(
    who: str, action: str, element: str, fields: dict[str, Any], version: str, extra: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex[:12],
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "editor": who,
        "action": action,
        "element": element,
        **fields,
        **(extra or {}),
        "version_before": version,
        "version_after": None,
    }


def change_fields(element: str, change: Change) -> dict[str, Any]:
    """How a change is written in the log: the element's dicts before and after.

    "node": the node's dicts, plus ``with_edges``, the edges deleted (or restored) with it.
    "edge": the edge's dicts (their keys differ when an update moved the edge).
    "dataset": {"nodes": [...], "edges": [...]} holding only the elements that changed.
    """
    nodes = {k: v for k, v in change.items() if k[0] == "node"}
    edges = {k: v for k, v in change.items() if k[0] == "edge"}
    if element == "node":
        ((key, (before, after)),) = nodes.items()
        fields = {"key": key[1], "before": before, "after": after}
        if edges:
            fields["with_edges"] = [b if a is None else a for b, a in edges.values()]
        return fields
    if element == "edge":
        before = next((b for b, _ in edges.values() if b is not None), None)
        after = next((a for _, a in edges.values() if a is not None), None)
        return {"key": edge_key_of(after or before), "before": before, "after": after}
    return {
        "key": None,
        "before": {
            "nodes": [b for b, _ in nodes.values() if b is not None],
            "edges": [b for b, _ in edges.values() if b is not None],
        },
        "after": {
            "nodes": [a for _, a in nodes.values() if a is not None],
            "edges": [a for _, a in edges.values() if a is not None],
        },
    }


def change_of(entry: dict[str, Any]) -> Change:
    """The change a log entry records (the inverse of change_fields)."""
    element, before, after = entry["element"], entry.get("before"), entry.get("after")
    if element == "session":  # the start of a workshop session: a mark in the log, no change to the data
        return {}
    if element == "scene":
        return {("scene", entry["key"]): (before, after)}
    if element == "dataset":
        change: Change = {}
        for side, kind in (("nodes", "node"), ("edges", "edge")):
            for old in before[side]:
                change[element_of(kind, old)] = (old, None)
            for new in after[side]:
                change[element_of(kind, new)] = (change.get(element_of(kind, new), (None, None))[0], new)
        return change
    if element == "node":
        node = before if before is not None else after
        change = {("node", node["id"]): (before, after)}
        for edge in entry.get("with_edges", []):
            change[element_of("edge", edge)] = (edge, None) if after is None else (None, edge)
        return change
    if before is not None and after is not None and edge_key_of(before) == edge_key_of(after):
        return {element_of("edge", before): (before, after)}
    change = {}
    if before is not None:
        change[element_of("edge", before)] = (before, None)
    if after is not None:
        change[element_of("edge", after)] = (None, after)
    return change


def diff(before: dict[Element, dict[str, Any]], after: dict[Element, dict[str, Any]]) -> Change:
    return {
        element: (before.get(element), after.get(element))
        for element in sorted(before.keys() | after.keys())
        if before.get(element) != after.get(element)
    }


def describe_element(element: Element) -> str:
    kind, key = element
    if kind == "edge":
        source, relation, target = key.split("|")
        return f"the link {source} -{relation}-> {target}"
    return f"{kind} '{key}'"


def as_dict(model: Node | Edge | Scene) -> dict[str, Any]:
    """An element as its data file holds it (so equal dicts mean equal file content)."""
    data = model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    if not isinstance(model, Scene):
        for empty in ("attributes", "aliases"):
            if not data.get(empty):
                data.pop(empty, None)
    return data


def dicts(models: Sequence[Node | Edge]) -> list[dict[str, Any]]:
    return [as_dict(model) for model in models]


def elements(dataset: Dataset) -> dict[Element, dict[str, Any]]:
    found = {("node", n.id): as_dict(n) for n in dataset.nodes}
    found.update({("edge", e.key): as_dict(e) for e in dataset.edges})
    return found


def raw_lists(elements: dict[Element, dict[str, Any]]) -> RawLists:
    nodes = [data for (kind, _), data in elements.items() if kind == "node"]
    return nodes, [data for (kind, _), data in elements.items() if kind == "edge"]


def element_of(kind: str, data: dict[str, Any]) -> Element:
    return (kind, data["id"]) if kind in ("node", "scene") else ("edge", edge_key_of(data))


def edge_key_of(data: dict[str, Any]) -> str:
    return edge_key(data["source"], data["relation"], data["target"])


def scene_side(scenes: list[dict[str, Any]], scene_id: str) -> dict[str, Any] | None:
    index = next((i for i, s in enumerate(scenes) if s["id"] == scene_id), None)
    return None if index is None else {"index": index, "scene": scenes[index]}
