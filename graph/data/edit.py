"""Editing the graph and the workshop scenes: validated, versioned, logged and undoable changes.

Every write takes the data folder's lock, settles any change a killed or failed writer left
(``graph.data.journal``), checks the caller's version (interactive edits) or reads the data under the
same lock (``merge_batch``), validates the whole result with the same rules as the data files,
and commits it with ``graph.data.journal.commit``: the files are replaced in an order that keeps every
state in between valid, and the change counts once its entry is in ``changes.jsonl``.
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.data import files, journal, store
from graph.data.journal import read_changelog
from graph.data.validate import parse_edges, parse_nodes, raw_ids
from graph.errors import ConflictError, DataError, GraphError, NodeNotFound, Problem
from graph.schema import Dataset, Edge, Node, Scene, edge_key

__all__ = [
    "CONFLICT_MESSAGE",
    "EditResult",
    "GateAnswer",
    "PasscodeGate",
    "add_edge",
    "add_node",
    "add_scene",
    "apply_batch",
    "check_passcode",
    "delete_edge",
    "delete_node",
    "delete_scene",
    "edges_of",
    "editing_enabled",
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

# An element is ("node", id), ("edge", edge key) or ("scene", id); a change maps each element it
# touches to (before, after), either side None when the element is added or deleted.
Element = tuple[str, str]
Change = dict[Element, tuple[dict[str, Any] | None, dict[str, Any] | None]]
RawLists = tuple[list[Any], list[Any]]


@dataclass(frozen=True)
class EditResult:
    """What a write did: the new version (the next ``expected_version``) and its change-log entry.

    ``entry_id`` is None when the edit changed nothing, so nothing was written or logged.
    """

    version: str
    entry_id: str | None


# ---- reading


def snapshot(data_dir: Path | str) -> tuple[Dataset, str]:
    """The dataset and its version, read together under the lock (an interrupted change is finished first)."""
    with _editing(Path(data_dir)):
        return store.load_dataset(data_dir), store.fingerprint(data_dir)


def scenes_snapshot(data_dir: Path | str) -> tuple[list[Scene], str]:
    """The scenes in presentation order and their version, read together under the lock."""
    with _editing(Path(data_dir)):
        return store.load_scenes(data_dir), store.scenes_fingerprint(data_dir)


def recover(data_dir: Path | str) -> bool:
    """Finish a change that a crashed or killed writer left half written; True if there was one.

    A change whose entry reached the change log is kept; any other is rolled back. Every write
    does this first, so calling it is only needed to tidy up without editing.
    """
    with journal.data_lock(data_dir):
        return journal.recover(data_dir)


def edges_of(dataset: Dataset, node_id: str) -> list[Edge]:
    """The edges that join a node: what ``delete_node`` deletes with it (ask before deleting).

    >>> a = Node(id="strand:a", type="strand", label="A", refs=["2"])
    >>> t = Node(id="topic:t", type="topic", label="T", refs=["4"])
    >>> e = Edge(source="strand:a", target="topic:t", relation="raised", refs=["4"], basis="stated")
    >>> [edge.key for edge in edges_of(Dataset((a, t), (e,)), "topic:t")]
    ['strand:a|raised|topic:t']
    """
    return sorted((e for e in dataset.edges if node_id in (e.source, e.target)), key=store.edge_sort_key)


# ---- the passcode gate


def editing_enabled(configured: str | None) -> bool:
    """Editing is possible only when a (non-blank) passcode is configured.

    >>> editing_enabled(None), editing_enabled("  "), editing_enabled("tea-and-biscuits")
    (False, False, True)
    """
    return bool(configured and configured.strip())


def check_passcode(given: str, configured: str | None) -> bool:
    """Whether ``given`` is the configured passcode (constant-time compare); False when none is configured.

    >>> check_passcode("tea", "tea"), check_passcode("Tea", "tea"), check_passcode("tea", None)
    (True, False, False)
    """
    if configured is None or not editing_enabled(configured) or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), configured.encode("utf-8"))


@dataclass(frozen=True)
class GateAnswer:
    """What the gate said: ``opened``, or not; ``wait`` seconds before the next try is even looked at."""

    opened: bool
    wait: float = 0.0
    refused_unchecked: bool = False  # the try came during a wait or lockout, so it was not compared


class PasscodeGate:
    """A limit on wrong passcodes for the whole process (every browser session of the app shares it).

    The first ``free_tries`` wrong passcodes in a row cost nothing; each one after that makes the next
    try wait twice as long (2 s, 4 s, 8 s...); ``lockout_after`` in a row lock the gate for
    ``lockout_seconds``, and every further wrong one locks it again, until the right one is given.
    A try during a wait is refused without being compared. Wrong tries are logged, never the guess.
    Sessions already unlocked stay unlocked.

    >>> now = [0.0]
    >>> gate = PasscodeGate(clock=lambda: now[0])
    >>> [gate.attempt("guess", "tea").wait for _ in range(4)]
    [0.0, 0.0, 0.0, 2.0]
    >>> gate.attempt("tea", "tea").opened  # within the wait: not even compared
    False
    >>> now[0] = 2.0
    >>> gate.attempt("tea", "tea").opened
    True
    """

    def __init__(
        self,
        *,
        free_tries: int = 3,
        lockout_after: int = 10,
        lockout_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.free_tries, self.lockout_after, self.lockout_seconds = free_tries, lockout_after, lockout_seconds
        self.clock = clock
        self._guard = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._guard:
            self._wrong = 0
            self._not_before = -math.inf

    def attempt(self, given: str, configured: str | None) -> GateAnswer:
        """Compare ``given`` with the configured passcode, if the gate is taking tries now."""
        with self._guard:
            now = self.clock()
            if now < self._not_before:
                return GateAnswer(False, self._not_before - now, refused_unchecked=True)
            if check_passcode(given, configured):
                self._wrong, self._not_before = 0, -math.inf
                return GateAnswer(True)
            self._wrong += 1
            if self._wrong >= self.lockout_after:
                wait = self.lockout_seconds
            elif self._wrong > self.free_tries:
                wait = 2.0 ** (self._wrong - self.free_tries)
            else:
                wait = 0.0
            self._not_before = now + wait
            _GATE_LOG.warning(
                "wrong facilitator passcode (%d in a row); the next try is taken in %g s", self._wrong, wait
            )
            return GateAnswer(False, wait)


_GATE_LOG = logging.getLogger("graph.gate")


# ---- nodes and edges


def add_node(data_dir: Path | str, node: dict[str, Any], *, editor: str, expected_version: str) -> EditResult:
    """Add one node (raw fields as in nodes.json)."""

    def build(before: Dataset) -> RawLists:
        return [*_dicts(before.nodes), dict(node)], _dicts(before.edges)

    return _edit_data(data_dir, editor, expected_version, "add_node", "node", build)


def update_node(
    data_dir: Path | str, node_id: str, changes: dict[str, Any], *, editor: str, expected_version: str
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
        updated = _merged(_as_dict(current), changes)
        return [updated if n.id == node_id else _as_dict(n) for n in before.nodes], _dicts(before.edges)

    return _edit_data(data_dir, editor, expected_version, "update_node", "node", build)


def delete_node(data_dir: Path | str, node_id: str, *, editor: str, expected_version: str) -> EditResult:
    """Delete a node and every edge that joins it (``edges_of`` lists them)."""

    def build(before: Dataset) -> RawLists:
        _find_node(before, node_id)
        nodes = [_as_dict(n) for n in before.nodes if n.id != node_id]
        return nodes, [_as_dict(e) for e in before.edges if node_id not in (e.source, e.target)]

    return _edit_data(data_dir, editor, expected_version, "delete_node", "node", build)


def add_edge(data_dir: Path | str, edge: dict[str, Any], *, editor: str, expected_version: str) -> EditResult:
    """Add one edge (raw fields as in edges.json): the link between two nodes."""

    def build(before: Dataset) -> RawLists:
        return _dicts(before.nodes), [*_dicts(before.edges), dict(edge)]

    return _edit_data(data_dir, editor, expected_version, "add_edge", "edge", build)


def update_edge(
    data_dir: Path | str, key: str, changes: dict[str, Any], *, editor: str, expected_version: str
) -> EditResult:
    """Change some fields of the edge with this key (a field set to None is removed).

    Changing source, relation or target gives the edge a new key; that is allowed (nothing refers to edges).
    """

    def build(before: Dataset) -> RawLists:
        current = _find_edge(before, key)
        updated = _merged(_as_dict(current), changes)
        return _dicts(before.nodes), [updated if e.key == key else _as_dict(e) for e in before.edges]

    return _edit_data(data_dir, editor, expected_version, "update_edge", "edge", build)


def delete_edge(data_dir: Path | str, key: str, *, editor: str, expected_version: str) -> EditResult:
    """Delete the edge with this key (graph.schema.edge_key(source, relation, target))."""

    def build(before: Dataset) -> RawLists:
        _find_edge(before, key)
        return _dicts(before.nodes), [_as_dict(e) for e in before.edges if e.key != key]

    return _edit_data(data_dir, editor, expected_version, "delete_edge", "edge", build)


def apply_batch(
    data_dir: Path | str, dataset_after: Dataset, *, editor: str, action: str, expected_version: str
) -> EditResult:
    """Replace the whole dataset with ``dataset_after`` (an import the user previewed): all or nothing.

    ``action`` names it in the change log, e.g. "import kumu.xlsx". Refused with a ConflictError
    when the data is no longer at ``expected_version`` (the version the preview was made from).
    """
    name = _action(action)

    def build(before: Dataset) -> RawLists:
        return _dicts(dataset_after.nodes), _dicts(dataset_after.edges)

    return _edit_data(data_dir, editor, expected_version, name, "dataset", build)


def merge_batch(
    data_dir: Path | str,
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
    data_dir = Path(data_dir)
    with _editing(data_dir, timeout=wait):
        before = store.load_dataset(data_dir)
        after = merge(before)
        if after is None:
            return EditResult(store.fingerprint(data_dir), None)

        def build(_: Dataset) -> RawLists:
            return _dicts(after.nodes), _dicts(after.edges)

        return _commit_data(data_dir, who, None, name, "dataset", build, before=before)


def _action(action: str) -> str:
    if not isinstance(action, str) or not action.strip() or action.strip() == "undo":
        raise GraphError("Name the batch change (action), e.g. 'import kumu.xlsx'.")
    return action.strip()[:200]


# ---- scenes


def add_scene(
    data_dir: Path | str,
    scene: dict[str, Any] | Scene,
    *,
    position: int | None = None,
    editor: str,
    expected_version: str,
) -> EditResult:
    """Add a scene at ``position`` (0 = first; None = last). ``expected_version`` is the scenes version."""

    def build(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
        index = len(before) if position is None else max(0, min(position, len(before)))
        raw = _as_dict(scene) if isinstance(scene, Scene) else scene
        scene_id = str(raw.get("id", "")).strip() if isinstance(raw, dict) else ""
        return [*before[:index], dict(raw) if isinstance(raw, dict) else raw, *before[index:]], scene_id

    return _edit_scenes(data_dir, editor, expected_version, "add_scene", build)


def update_scene(
    data_dir: Path | str, scene_id: str, changes: dict[str, Any], *, editor: str, expected_version: str
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

    return _edit_scenes(data_dir, editor, expected_version, "update_scene", build)


def delete_scene(data_dir: Path | str, scene_id: str, *, editor: str, expected_version: str) -> EditResult:
    """Delete a scene."""

    def build(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
        index = _find_scene(before, scene_id)
        return [*before[:index], *before[index + 1 :]], scene_id

    return _edit_scenes(data_dir, editor, expected_version, "delete_scene", build)


def move_scene(data_dir: Path | str, scene_id: str, position: int, *, editor: str, expected_version: str) -> EditResult:
    """Move a scene to ``position`` in the presentation (0 = first; beyond the end = last)."""

    def build(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
        index = _find_scene(before, scene_id)
        rest = [*before[:index], *before[index + 1 :]]
        target = max(0, min(position, len(rest)))
        return [*rest[:target], before[index], *rest[target:]], scene_id

    return _edit_scenes(data_dir, editor, expected_version, "move_scene", build)


# ---- undo


def undo(data_dir: Path | str, entry_id: str | None = None, *, editor: str, expected_version: str) -> EditResult:
    """Revert one logged change by applying its inverse, logged as action "undo" with ``undoes``.

    With no ``entry_id``: the latest node/edge/batch change not yet undone, so repeated undos walk back
    through history. Scene changes are undone by id, with the scenes version as ``expected_version``.
    Refused when a later change (not itself undone) touched the same element.
    """
    data_dir = Path(data_dir)
    who = _editor(editor)
    with _editing(data_dir):
        entries = read_changelog(data_dir)
        target = _undo_target(entries, entry_id)
        _check_version(_version(data_dir, target["element"]), expected_version)
        inverse = {element: (after, before) for element, (before, after) in _change_of(target).items()}
        _refuse_if_touched_later(entries, target, set(inverse))
        extra = {"undoes": target["id"]}
        if target["element"] == "scene":
            ((_, scene_id),) = inverse

            def build_scenes(before: list[dict[str, Any]]) -> tuple[list[Any], str]:
                return _apply_scene_change(before, inverse), scene_id

            return _commit_scenes(data_dir, who, expected_version, "undo", build_scenes, extra)

        def build(before: Dataset) -> RawLists:
            return _raw_lists(_apply_change(_elements(before), inverse))

        return _commit_data(data_dir, who, expected_version, "undo", target["element"], build, extra)


def undo_target(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The change ``undo`` reverts when given no id: the latest graph change not yet undone."""
    undone = {e.get("undoes") for e in entries if e.get("action") == "undo"}
    for entry in reversed(entries):
        if entry.get("action") != "undo" and entry.get("id") not in undone and entry.get("element") != "scene":
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
        shared = sorted(set(_change_of(entry)) & touched) if entry["id"] not in cancelled else []
        if shared:
            raise GraphError(
                f"Cannot undo: a later change ({entry['action']} by {entry['editor']} at {entry['time']}) "
                f"also changed {_describe(shared[0])}. Undo that change first."
            )


def _apply_change(elements: dict[Element, dict[str, Any]], change: Change) -> dict[Element, dict[str, Any]]:
    result = dict(elements)
    for element, (before, after) in change.items():
        if result.get(element) != before:
            raise GraphError(
                f"Cannot undo: {_describe(element)} is no longer as that change left it "
                "(the data was changed outside the editor)."
            )
        if after is None:
            del result[element]
        else:
            result[element] = after
    return result


def _apply_scene_change(scenes: list[dict[str, Any]], change: Change) -> list[dict[str, Any]]:
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


# ---- the write path shared by every change


@contextmanager
def _editing(data_dir: Path, timeout: float | None = None) -> Iterator[None]:
    with journal.data_lock(data_dir, timeout):
        journal.recover(data_dir)
        yield


def _edit_data(
    data_dir: Path | str,
    editor: str,
    expected_version: str,
    action: str,
    element: str,
    build: Callable[[Dataset], RawLists],
) -> EditResult:
    who = _editor(editor)
    with _editing(Path(data_dir)):
        return _commit_data(Path(data_dir), who, expected_version, action, element, build)


def _commit_data(
    data_dir: Path,
    who: str,
    expected_version: str | None,
    action: str,
    element: str,
    build: Callable[[Dataset], RawLists],
    extra: dict[str, Any] | None = None,
    *,
    before: Dataset | None = None,
) -> EditResult:
    """Check the version, build and validate the whole new dataset, write it. Call holding the lock.

    ``expected_version`` None: the caller read ``before`` under this same lock, so there is nothing to check.
    """
    version = store.fingerprint(data_dir)
    if expected_version is not None:
        _check_version(version, expected_version)
    if before is None:
        before = store.load_dataset(data_dir)
    after = _validated(*build(before))
    change = _diff(_elements(before), _elements(after))
    if not change:
        return EditResult(version, None)
    entry = _new_entry(who, action, element, _change_fields(element, change), version, extra)
    steps = _data_steps(before, after)
    entry["version_after"] = _version_after(data_dir, steps)
    journal.commit(data_dir, steps, entry)
    return EditResult(entry["version_after"], entry["id"])


def _edit_scenes(
    data_dir: Path | str,
    editor: str,
    expected_version: str,
    action: str,
    build: Callable[[list[dict[str, Any]]], tuple[list[Any], str]],
) -> EditResult:
    who = _editor(editor)
    with _editing(Path(data_dir)):
        return _commit_scenes(Path(data_dir), who, expected_version, action, build)


def _commit_scenes(
    data_dir: Path,
    who: str,
    expected_version: str,
    action: str,
    build: Callable[[list[dict[str, Any]]], tuple[list[Any], str]],
    extra: dict[str, Any] | None = None,
) -> EditResult:
    version = _check_version(store.scenes_fingerprint(data_dir), expected_version)
    before = [_as_dict(s) for s in store.load_scenes(data_dir)]
    raw_after, scene_id = build(before)
    scenes, problems = store.parse_scenes(raw_after, files.SCENES_FILE)
    if problems:
        raise DataError(problems)
    after = [_as_dict(s) for s in scenes]
    if before == after:
        return EditResult(version, None)
    # Only the scene edited is logged, with its place: moving one shifts the others' places, not them.
    fields = {"key": scene_id, "before": _scene_side(before, scene_id), "after": _scene_side(after, scene_id)}
    entry = _new_entry(who, action, "scene", fields, version, extra)
    text = store.dump_scenes(scenes)
    entry["version_after"] = store.scenes_fingerprint_of(text.encode("utf-8"))
    journal.commit(data_dir, [(files.SCENES_FILE, text)], entry)
    return EditResult(entry["version_after"], entry["id"])


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


def _data_steps(before: Dataset, after: Dataset) -> list[tuple[str, str]]:
    """The file replacements that take the data from ``before`` to ``after``, every state between them valid.

    Edges that would dangle, or break a relation rule, while nodes.json changes are first taken out
    of edges.json; then nodes.json is replaced; then edges.json gets its final content. Replaying the
    steps from the start (crash recovery) passes only through valid states too.
    """
    old_types = {n.id: n.type for n in before.nodes}
    new_types = {n.id: n.type for n in after.nodes}
    final_keys = {e.key for e in after.edges}

    def safe_throughout(edge: Edge) -> bool:
        ends = (edge.source, edge.target)
        return edge.key in final_keys and all(end in new_types and old_types.get(end) == new_types[end] for end in ends)

    bridge = tuple(e for e in before.edges if safe_throughout(e))
    current = {files.NODES_FILE: store.dump_nodes(before.nodes), files.EDGES_FILE: store.dump_edges(before.edges)}
    steps = []
    for file_name, text in (
        (files.EDGES_FILE, store.dump_edges(bridge)),
        (files.NODES_FILE, store.dump_nodes(after.nodes)),
        (files.EDGES_FILE, store.dump_edges(after.edges)),
    ):
        if current[file_name] != text:
            steps.append((file_name, text))
            current[file_name] = text
    return steps


def _version(data_dir: Path, element: str) -> str:
    return store.scenes_fingerprint(data_dir) if element == "scene" else store.fingerprint(data_dir)


def _version_after(data_dir: Path, steps: list[tuple[str, str]]) -> str:
    """The data's version once ``steps`` are done: a file they leave alone keeps its bytes."""
    contents: dict[str, bytes | None] = {}
    for name in (files.NODES_FILE, files.EDGES_FILE):
        try:
            contents[name] = (data_dir / name).read_bytes()
        except OSError:
            contents[name] = None
    contents.update({name: text.encode("utf-8") for name, text in steps})
    return store.fingerprint_of(contents)


# ---- change-log entries


def _new_entry(
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


def _change_fields(element: str, change: Change) -> dict[str, Any]:
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
        return {"key": _edge_key_of(after or before), "before": before, "after": after}
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


def _change_of(entry: dict[str, Any]) -> Change:
    """The change a log entry records (the inverse of _change_fields)."""
    element, before, after = entry["element"], entry.get("before"), entry.get("after")
    if element == "scene":
        return {("scene", entry["key"]): (before, after)}
    if element == "dataset":
        change: Change = {}
        for side, kind in (("nodes", "node"), ("edges", "edge")):
            for old in before[side]:
                change[_element_of(kind, old)] = (old, None)
            for new in after[side]:
                change[_element_of(kind, new)] = (change.get(_element_of(kind, new), (None, None))[0], new)
        return change
    if element == "node":
        node = before if before is not None else after
        change = {("node", node["id"]): (before, after)}
        for edge in entry.get("with_edges", []):
            change[_element_of("edge", edge)] = (edge, None) if after is None else (None, edge)
        return change
    if before is not None and after is not None and _edge_key_of(before) == _edge_key_of(after):
        return {_element_of("edge", before): (before, after)}
    change = {}
    if before is not None:
        change[_element_of("edge", before)] = (before, None)
    if after is not None:
        change[_element_of("edge", after)] = (None, after)
    return change


def _diff(before: dict[Element, dict[str, Any]], after: dict[Element, dict[str, Any]]) -> Change:
    return {
        element: (before.get(element), after.get(element))
        for element in sorted(before.keys() | after.keys())
        if before.get(element) != after.get(element)
    }


def _describe(element: Element) -> str:
    kind, key = element
    if kind == "edge":
        source, relation, target = key.split("|")
        return f"the link {source} -{relation}-> {target}"
    return f"{kind} '{key}'"


# ---- small helpers


def _editor(editor: str) -> str:
    name = editor.strip() if isinstance(editor, str) else ""
    if not name:
        raise GraphError("Say who is making the change: the editor's name is empty.")
    return name[:100]


def _as_dict(model: Node | Edge | Scene) -> dict[str, Any]:
    """An element as its data file holds it (so equal dicts mean equal file content)."""
    data = model.model_dump(mode="json", exclude_none=True)
    if not isinstance(model, Scene) and not data.get("attributes"):
        data.pop("attributes", None)
    return data


def _dicts(models: Sequence[Node | Edge]) -> list[dict[str, Any]]:
    return [_as_dict(model) for model in models]


def _elements(dataset: Dataset) -> dict[Element, dict[str, Any]]:
    found = {("node", n.id): _as_dict(n) for n in dataset.nodes}
    found.update({("edge", e.key): _as_dict(e) for e in dataset.edges})
    return found


def _raw_lists(elements: dict[Element, dict[str, Any]]) -> RawLists:
    nodes = [data for (kind, _), data in elements.items() if kind == "node"]
    return nodes, [data for (kind, _), data in elements.items() if kind == "edge"]


def _element_of(kind: str, data: dict[str, Any]) -> Element:
    return (kind, data["id"]) if kind in ("node", "scene") else ("edge", _edge_key_of(data))


def _edge_key_of(data: dict[str, Any]) -> str:
    return edge_key(data["source"], data["relation"], data["target"])


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


def _scene_side(scenes: list[dict[str, Any]], scene_id: str) -> dict[str, Any] | None:
    index = next((i for i, s in enumerate(scenes) if s["id"] == scene_id), None)
    return None if index is None else {"index": index, "scene": scenes[index]}
