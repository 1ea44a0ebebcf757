"""Editing the graph and the workshop scenes: validated, versioned, logged and undoable changes.

Every write takes the store's write lock (``Store.writing``: a killed writer's change is settled
first), checks the caller's version (interactive edits) or reads the data under the same lock
(``merge_batch``), validates the whole result with the same rules as the data files, and commits it
with its change-log entry in one step (``Store.commit_data``). Each function takes the store, or a
data folder's path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.data import files
from graph.data.changes import (
    Element,
    RawLists,
    apply_change,
    apply_scene_change,
    as_dict,
    change_fields,
    change_of,
    describe_element,
    dicts,
    diff,
    elements,
    new_entry,
    raw_lists,
    scene_side,
)
from graph.data.history import DATA_ELEMENTS
from graph.data.journal import read_changelog
from graph.data.store import edge_sort_key
from graph.data.stores import Store, open_store
from graph.data.validate import parse_edges, parse_nodes, parse_scenes, raw_ids
from graph.errors import ConflictError, DataError, GraphError, NodeNotFound, Problem
from graph.schema import Dataset, Edge, Node, Scene

__all__ = [
    "CONFLICT_MESSAGE",
    "EditResult",
    "add_edge",
    "add_node",
    "add_scene",
    "apply_batch",
    "delete_edge",
    "delete_node",
    "delete_scene",
    "edges_of",
    "merge_batch",
    "move_scene",
    "read_changelog",
    "recover",
    "scenes_snapshot",
    "snapshot",
    "undo",
    "update_edge",
    "update_node",
    "update_scene",
]

CONFLICT_MESSAGE = "The data changed since you loaded it (someone else saved a change). Reload and try again."
#: How long a non-interactive change (an import from the command line) waits for other writers.
BATCH_WAIT_SECONDS = 120.0


@dataclass(frozen=True)
class EditResult:
    """What a write did: the new version (the next ``expected_version``) and its change-log entry.

    ``entry_id`` is None when the edit changed nothing, so nothing was written or logged.
    """

    version: str
    entry_id: str | None


# ---- reading


def snapshot(where: Store | Path | str) -> tuple[Dataset, str]:
    """The dataset and its version, read together under the lock (an interrupted change is finished first)."""
    place = open_store(where)
    with place.writing():
        return place.read()


def scenes_snapshot(where: Store | Path | str) -> tuple[list[Scene], str]:
    """The scenes in presentation order and their version, read together under the lock."""
    place = open_store(where)
    with place.writing():
        return place.read_scenes(), place.scenes_version()


def recover(where: Store | Path | str) -> bool:
    """Finish a change that a crashed or killed writer left half written; True if there was one.

    A change whose entry reached the change log is kept; any other is rolled back. Every write
    does this first, so calling it is only needed to tidy up without editing.
    """
    return open_store(where).recover()


def edges_of(dataset: Dataset, node_id: str) -> list[Edge]:
    """The edges that join a node: what ``delete_node`` deletes with it (ask before deleting).

    >>> a = Node(id="strand:a", type="strand", label="A", refs=["2"])
    >>> t = Node(id="topic:t", type="topic", label="T", refs=["4"])
    >>> e = Edge(source="strand:a", target="topic:t", relation="raised", refs=["4"], basis="stated")
    >>> [edge.key for edge in edges_of(Dataset((a, t), (e,)), "topic:t")]
    ['strand:a|raised|topic:t']
    """
    return sorted((e for e in dataset.edges if node_id in (e.source, e.target)), key=edge_sort_key)


# ---- the passcode gate


# ---- nodes and edges


def add_node(where: Store | Path | str, node: dict[str, Any], *, editor: str, expected_version: str) -> EditResult:
    """Add one node (raw fields as in nodes.json)."""

    def build(before: Dataset) -> RawLists:
        return [*dicts(before.nodes), dict(node)], dicts(before.edges)

    return _edit_data(where, editor, expected_version, "add_node", "node", build)


def update_node(
    where: Store | Path | str, node_id: str, changes: dict[str, Any], *, editor: str, expected_version: str
) -> EditResult:
    """Change some fields of a node; a field set to None is removed. Ids are stable: renaming is refused."""

    def build(before: Dataset) -> RawLists:
        current = _find_node(before, node_id)
        if "id" in changes and str(changes["id"]).strip() != node_id:
            raise DataError(
                [
                    Problem(
                        files.NODES_FILE,
                        _where_node(before, node_id),
                        "id",
                        "ids are stable and cannot be changed; add a node with the new id, "
                        "link it, then delete this one",
                    )
                ]
            )
        updated = _merged(as_dict(current), changes)
        return [updated if n.id == node_id else as_dict(n) for n in before.nodes], dicts(before.edges)

    return _edit_data(where, editor, expected_version, "update_node", "node", build)


def delete_node(where: Store | Path | str, node_id: str, *, editor: str, expected_version: str) -> EditResult:
    """Delete a node and every edge that joins it (``edges_of`` lists them)."""

    def build(before: Dataset) -> RawLists:
        _find_node(before, node_id)
        nodes = [as_dict(n) for n in before.nodes if n.id != node_id]
        return nodes, [as_dict(e) for e in before.edges if node_id not in (e.source, e.target)]

    return _edit_data(where, editor, expected_version, "delete_node", "node", build)


def add_edge(where: Store | Path | str, edge: dict[str, Any], *, editor: str, expected_version: str) -> EditResult:
    """Add one edge (raw fields as in edges.json): the link between two nodes."""

    def build(before: Dataset) -> RawLists:
        return dicts(before.nodes), [*dicts(before.edges), dict(edge)]

    return _edit_data(where, editor, expected_version, "add_edge", "edge", build)


def update_edge(
    where: Store | Path | str, key: str, changes: dict[str, Any], *, editor: str, expected_version: str
) -> EditResult:
    """Change some fields of the edge with this key (a field set to None is removed).

    Changing source, relation or target gives the edge a new key; that is allowed (nothing refers to edges).
    """

    def build(before: Dataset) -> RawLists:
        current = _find_edge(before, key)
        updated = _merged(as_dict(current), changes)
        return dicts(before.nodes), [updated if e.key == key else as_dict(e) for e in before.edges]

    return _edit_data(where, editor, expected_version, "update_edge", "edge", build)


def delete_edge(where: Store | Path | str, key: str, *, editor: str, expected_version: str) -> EditResult:
    """Delete the edge with this key (graph.schema.edge_key(source, relation, target))."""

    def build(before: Dataset) -> RawLists:
        _find_edge(before, key)
        return dicts(before.nodes), [as_dict(e) for e in before.edges if e.key != key]

    return _edit_data(where, editor, expected_version, "delete_edge", "edge", build)


def apply_batch(
    where: Store | Path | str, dataset_after: Dataset, *, editor: str, action: str, expected_version: str
) -> EditResult:
    """Replace the whole dataset with ``dataset_after`` (an import the user previewed): all or nothing.

    ``action`` names it in the change log, e.g. "import kumu.xlsx". Refused with a ConflictError
    when the data is no longer at ``expected_version`` (the version the preview was made from).
    """
    name = _action(action)

    def build(before: Dataset) -> RawLists:
        return dicts(dataset_after.nodes), dicts(dataset_after.edges)

    return _edit_data(where, editor, expected_version, name, "dataset", build)


def merge_batch(
    where: Store | Path | str,
    merge: Callable[[Dataset], Dataset | None],
    *,
    editor: str,
    action: str,
    wait: float = BATCH_WAIT_SECONDS,
) -> EditResult:
    """A change nobody previewed (an import from the command line): read, plan, validate and write under one lock.

    ``merge`` gets the data as it is now and returns the whole dataset after the change, or None to
    write nothing. Writers queue for the lock (up to ``wait`` seconds) instead of conflicting, so
    concurrent imports all land, each once.
    """
    name, who = _action(action), _editor(editor)
    place = open_store(where)
    with place.writing(timeout=wait):
        before, version = place.read()
        after = merge(before)
        if after is None:
            return EditResult(version, None)

        def build(_: Dataset) -> RawLists:
            return dicts(after.nodes), dicts(after.edges)

        return _commit_data(place, who, None, name, "dataset", build, read=(before, version))


def _action(action: str) -> str:
    if not isinstance(action, str) or not action.strip() or action.strip() == "undo":
        raise GraphError("Name the batch change (action), e.g. 'import kumu.xlsx'.")
    return action.strip()[:200]


# ---- scenes


def add_scene(
    where: Store | Path | str,
    scene: dict[str, Any] | Scene,
    *,
    position: int | None = None,
    editor: str,
    expected_version: str,
) -> EditResult:
    """Add a scene at ``position`` (0 = first; None = last). ``expected_version`` is the scenes version."""

    def build(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
        index = len(before) if position is None else max(0, min(position, len(before)))
        raw = as_dict(scene) if isinstance(scene, Scene) else scene
        scene_id = str(raw.get("id", "")).strip() if isinstance(raw, dict) else ""
        return [*before[:index], dict(raw) if isinstance(raw, dict) else raw, *before[index:]], scene_id

    return _edit_scenes(where, editor, expected_version, "add_scene", build)


def update_scene(
    where: Store | Path | str, scene_id: str, changes: dict[str, Any], *, editor: str, expected_version: str
) -> EditResult:
    """Change some fields of a scene (title, caption, view, refs). Scene ids are stable."""

    def build(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
        index = _find_scene(before, scene_id)
        if "id" in changes and str(changes["id"]).strip() != scene_id:
            raise DataError(
                [Problem(files.SCENES_FILE, f"scenes[{index}] (id '{scene_id}')", "id", "scene ids cannot be changed")]
            )
        updated = _merged(before[index], changes)
        return [*before[:index], updated, *before[index + 1 :]], scene_id

    return _edit_scenes(where, editor, expected_version, "update_scene", build)


def delete_scene(where: Store | Path | str, scene_id: str, *, editor: str, expected_version: str) -> EditResult:
    """Delete a scene."""

    def build(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
        index = _find_scene(before, scene_id)
        return [*before[:index], *before[index + 1 :]], scene_id

    return _edit_scenes(where, editor, expected_version, "delete_scene", build)


def move_scene(
    where: Store | Path | str, scene_id: str, position: int, *, editor: str, expected_version: str
) -> EditResult:
    """Move a scene to ``position`` in the presentation (0 = first; beyond the end = last)."""

    def build(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
        index = _find_scene(before, scene_id)
        rest = [*before[:index], *before[index + 1 :]]
        target = max(0, min(position, len(rest)))
        return [*rest[:target], before[index], *rest[target:]], scene_id

    return _edit_scenes(where, editor, expected_version, "move_scene", build)


# ---- undo


def undo(
    where: Store | Path | str,
    entry_id: str | None = None,
    *,
    editor: str,
    expected_version: str | None,
    only_if_latest: bool = False,
) -> EditResult:
    """Revert one logged change by applying its inverse, logged as action "undo" with ``undoes``.

    With no ``entry_id``: the latest node/edge/batch change not yet undone, so repeated undos walk back
    through history. Scene changes are undone by id, with the scenes version as ``expected_version``.
    Refused when a later change (not itself undone) touched the same element. ``expected_version`` None
    (with an ``entry_id``, e.g. one's own change after others saved): only that refusal applies.
    ``only_if_latest=True``: refused unless ``entry_id`` is still the latest change (as a page showed it).
    """
    if expected_version is None and entry_id is None:
        raise ValueError("undoing 'the latest change' needs the version it was chosen at")
    place, who = open_store(where), _editor(editor)
    with place.writing():
        entries = place.changelog()
        target, latest = _undo_target(entries, entry_id), undo_target(entries)
        if only_if_latest and latest is not None and latest["id"] != target["id"]:
            raise GraphError(
                f"Another change was saved after the one this page offered to undo ({latest.get('action')} by "
                f"{latest.get('editor')} at {latest.get('time')}). Nothing was undone: look again at what Undo "
                "would revert now."
            )
        current = place.scenes_version() if target["element"] == "scene" else place.version()
        if expected_version is not None:
            _check_version(current, expected_version)
        inverse = {element: (after, before) for element, (before, after) in change_of(target).items()}
        _refuse_if_touched_later(entries, target, set(inverse))
        extra = {"undoes": target["id"]}
        if target["element"] == "scene":
            ((_, scene_id),) = inverse

            def build_scenes(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
                return apply_scene_change(before, inverse), scene_id

            return _commit_scenes(place, who, current, "undo", build_scenes, extra)

        def build(before: Dataset) -> RawLists:
            return raw_lists(apply_change(elements(before), inverse))

        return _commit_data(place, who, expected_version, "undo", target["element"], build, extra)


def undo_target(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The change ``undo`` reverts when given no id: the latest graph change not yet undone."""
    undone = {e.get("undoes") for e in entries if e.get("action") == "undo"}
    for entry in reversed(entries):
        if entry.get("action") != "undo" and entry.get("id") not in undone and entry.get("element") in DATA_ELEMENTS:
            return entry
    return None


def _undo_target(entries: list[dict[str, Any]], entry_id: str | None) -> dict[str, Any]:
    undone = {e.get("undoes") for e in entries if e.get("action") == "undo"}
    if entry_id is None:
        latest = undo_target(entries)
        if latest is None:
            raise GraphError("There is no change to undo.")
        return latest
    target = next((e for e in entries if e["id"] == entry_id), None)
    if target is None:
        raise GraphError(f"No change with the id '{entry_id}' is in the change log.")
    if target.get("action") == "undo":
        raise GraphError("That change is itself an undo; make the change again instead of undoing the undo.")
    if entry_id in undone:
        raise GraphError("That change has already been undone.")
    return target


def _refuse_if_touched_later(entries: list[dict[str, Any]], target: dict[str, Any], touched: set[Element]) -> None:
    later = entries[next(i for i, e in enumerate(entries) if e["id"] == target["id"]) + 1 :]
    later_ids = {e["id"] for e in later}
    # A later change and the later undo of it cancel out; neither stands in the way.
    cancelled = set()
    for entry in later:
        if entry.get("action") == "undo" and entry.get("undoes") in later_ids:
            cancelled |= {entry["id"], entry["undoes"]}
    for entry in later:
        shared = sorted(set(change_of(entry)) & touched) if entry["id"] not in cancelled else []
        if shared:
            raise GraphError(
                f"Cannot undo: a later change ({entry['action']} by {entry['editor']} at {entry['time']}) "
                f"also changed {describe_element(shared[0])}. Undo that change first."
            )


# ---- the write path shared by every change


def _edit_data(
    where: Store | Path | str,
    editor: str,
    expected_version: str,
    action: str,
    element: str,
    build: Callable[[Dataset], RawLists],
) -> EditResult:
    who = _editor(editor)
    place = open_store(where)
    with place.writing():
        return _commit_data(place, who, expected_version, action, element, build)


def _commit_data(
    place: Store,
    who: str,
    expected_version: str | None,
    action: str,
    element: str,
    build: Callable[[Dataset], RawLists],
    extra: dict[str, Any] | None = None,
    *,
    read: tuple[Dataset, str] | None = None,
) -> EditResult:
    """Check the version, build and validate the whole new dataset, write it. Call holding the lock.

    ``expected_version`` None: the caller read the data (``read``) under this same lock, so there is
    nothing to check.
    """
    before, version = read if read is not None else place.read()
    if expected_version is not None:
        _check_version(version, expected_version)
    after = _validated(*build(before))
    change = diff(elements(before), elements(after))
    if not change:
        return EditResult(version, None)
    entry = new_entry(who, action, element, change_fields(element, change), version, extra)
    return EditResult(place.commit_data(before, after, entry), entry["id"])


def _edit_scenes(
    where: Store | Path | str,
    editor: str,
    expected_version: str,
    action: str,
    build: Callable[[list[dict[str, Any]]], tuple[list[Any], str]],
) -> EditResult:
    who = _editor(editor)
    place = open_store(where)
    with place.writing():
        return _commit_scenes(place, who, expected_version, action, build)


def _commit_scenes(
    place: Store,
    who: str,
    expected_version: str,
    action: str,
    build: Callable[[list[dict[str, Any]]], tuple[list[Any], str]],
    extra: dict[str, Any] | None = None,
) -> EditResult:
    version = _check_version(place.scenes_version(), expected_version)
    before = [as_dict(s) for s in place.read_scenes()]
    raw_after, scene_id = build(before)
    scenes, problems = parse_scenes(raw_after, files.SCENES_FILE)
    if problems:
        raise DataError(problems)
    after = [as_dict(s) for s in scenes]
    if before == after:
        return EditResult(version, None)
    # Only the scene edited is logged, with its place: moving one shifts the others' places, not them.
    fields = {"key": scene_id, "before": scene_side(before, scene_id), "after": scene_side(after, scene_id)}
    entry = new_entry(who, action, "scene", fields, version, extra)
    return EditResult(place.commit_scenes(scenes, entry), entry["id"])


def _check_version(current: str, expected: str) -> str:
    if current != expected:
        raise ConflictError(CONFLICT_MESSAGE)
    return current


def _validated(raw_nodes: list[Any], raw_edges: list[Any]) -> Dataset:
    """Validate the whole dataset as the data files would be; problems name the element's place in the file."""
    raw_nodes = sorted(raw_nodes, key=lambda raw: str(raw.get("id", "")) if isinstance(raw, dict) else "")
    raw_edges = sorted(raw_edges, key=_raw_edge_order)
    nodes, problems = parse_nodes(raw_nodes, files.NODES_FILE)
    edges, found = parse_edges(raw_edges, nodes, files.EDGES_FILE, known_ids=raw_ids(raw_nodes))
    problems.extend(found)
    if problems:
        raise DataError(problems)
    return Dataset(tuple(nodes), tuple(edges))


def _raw_edge_order(raw: Any) -> tuple[str, str, str]:
    if not isinstance(raw, dict):
        return ("", "", "")
    return (str(raw.get("source", "")), str(raw.get("relation", "")), str(raw.get("target", "")))


# ---- change-log entries


# ---- small helpers


def _editor(editor: str) -> str:
    name = editor.strip() if isinstance(editor, str) else ""
    if not name:
        raise GraphError("Say who is making the change: the editor's name is empty.")
    return name[:100]


def _merged(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = {**current, **changes}
    return {field: value for field, value in merged.items() if value is not None}


def _find_node(dataset: Dataset, node_id: str) -> Node:
    node = next((n for n in dataset.nodes if n.id == node_id), None)
    if node is None:
        raise NodeNotFound(f"No node has the id '{node_id}'.")
    return node


def _where_node(dataset: Dataset, node_id: str) -> str:
    index = sorted(n.id for n in dataset.nodes).index(node_id)
    return f"nodes[{index}] (id '{node_id}')"


def _find_edge(dataset: Dataset, key: str) -> Edge:
    edge = next((e for e in dataset.edges if e.key == key), None)
    if edge is None:
        raise GraphError(f"No link {key!r} is in the data (it may have been deleted).")
    return edge


def _find_scene(scenes: list[dict[str, Any]], scene_id: str) -> int:
    index = next((i for i, s in enumerate(scenes) if s["id"] == scene_id), None)
    if index is None:
        raise GraphError(f"No scene has the id '{scene_id}'.")
    return index
