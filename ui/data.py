"""The app's data: the graph, and every result that depends only on the data, computed once per
data version.

Results live in memory (``st.cache_resource``: read-only, so every rerun gets the same object
without copying). What takes long (the layout, communities, gaps, metrics, overlaps) is also
kept on disk, beside the data's fingerprint, so a restarted server's first page does not
compute it again: under ``KG_CACHE_DIR`` if set, else the user's cache folder
(``$XDG_CACHE_HOME`` or ``~/.cache``)/``kg-explorer``, never inside the data folder. The key
also holds a hash of the code that computes each result, so a changed algorithm is not
served from an old file. A cache that cannot be read or written is simply skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from graph.data import files
from graph.data import store as store_files
from graph.data.folder import FolderStore
from graph.data.stores import Handle, Store, configured_store
from graph.errors import GraphError
from graph.schema import Dataset

ROOT = Path(__file__).resolve().parent.parent
CACHE_SETTING = "KG_CACHE_DIR"


def data_dir() -> Path:
    """The data folder: ``KG_DATA_DIR``, else the project's data/."""
    return Path(os.environ.get("KG_DATA_DIR") or ROOT / "data")


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_SETTING)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kg-explorer"


def store() -> Store:
    """The configured store: the PostgreSQL database in ``KG_DATABASE_URL`` when set, else the data
    folder (``KG_DATA_DIR``, else the project's data/)."""
    return configured_store(default_folder=data_dir())


@st.cache_resource(show_spinner=False, max_entries=8)
def _fingerprint(where: Store, stamp: tuple) -> str:
    return where.version()


def _version(where: Store) -> str:
    """The version of the committed data: recomputed only when a file, or the change log, was touched."""
    if isinstance(where, FolderStore):
        return _fingerprint(where, store_files.stamp(where.folder))
    return where.version()


def current_version(where: Store) -> str:
    """The version of the store's committed data now, cheap enough to poll every second."""
    return _version(where)


#: How often a run takes the version afresh when a change was committed while it read; then it shows
#: the last state it read (a whole committed state) under that state's own version. Each try reads
#: the whole graph (seconds at 100k nodes), so a page under a stream of writes does not wait long.
HANDLE_ATTEMPTS = 3


class _Moved(Exception):
    """The data changed between reading its version and reading it: nothing is cached, read again."""

    def __init__(self, dataset: Dataset, read: str):
        super().__init__(read)
        self.read = (dataset, read)


def handle() -> Handle:
    """The store and the version of its data now, with that data loaded: made once per run and passed
    to every panel. The version is the version of the data actually read, never of files beside it."""
    where = store()
    moved = None
    for _attempt in range(HANDLE_ATTEMPTS):
        version = _version(where)
        try:
            _loaded(where, version)
        except _Moved as error:
            _fingerprint.clear()  # a writer committed meanwhile: take the version afresh
            moved = error
            continue
        return Handle(where, version)
    # Writers kept committing while it was read: show the last committed state read, under its own version.
    _loaded(where, moved.read[1], _read=moved.read)
    return Handle(where, moved.read[1])


@st.cache_resource(show_spinner="Loading the graph…", max_entries=2)
def _loaded(where: Store, version: str, _read: tuple[Dataset, str] | None = None):
    """The dataset and graph of ``version``; ``_read``: that version's data, already read (not part of
    the cache's key)."""
    from graph.data.build import build_graph

    dataset, read = _read if _read is not None else where.read()
    if read != version:
        raise _Moved(dataset, read)  # an exception is not cached: no graph is kept under a version it is not
    return dataset, build_graph(dataset)


def load(handle: Handle):
    """The graph of this handle's version."""
    return _loaded(handle.store, handle.version)[1]


def dataset(handle: Handle) -> Dataset:
    """The validated models of this handle's version."""
    return _loaded(handle.store, handle.version)[0]


# ------------------------------------------------------------------ kept on disk


@st.cache_resource(show_spinner=False)
def _code_stamp(*modules: str) -> str:
    digest = hashlib.sha256()
    for module in modules:
        path = ROOT / module
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def _kept(
    name: str,
    handle: Handle,
    code: tuple[str, ...],
    compute: Callable[[], Any],
    also: Callable[[Any], bool] = lambda _: True,
) -> Any:
    """``compute()``'s JSON-able result, read from the disk cache when there, else computed and saved.

    A kept file is used only when it is whole (its header's digest matches), was written for this name
    and data version, and has the shape its callers expect (``SHAPES``, and ``also``). Anything else is
    deleted and computed again: one bad file never breaks a page, not even after a restart.
    """
    path = cache_dir() / handle.version[:32] / f"{name}-{_code_stamp(*code)}.json"
    kept = _read_kept(path, name, handle.version)
    shape = SHAPES["overlaps" if name.startswith("overlaps-") else name]
    if kept is not _NOTHING and fits(kept, shape) and also(kept):
        return kept
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
    result = compute()
    payload = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = {"kind": name, "version": handle.version, "sha256": hashlib.sha256(payload).hexdigest()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        files.write_bytes_atomic(path, json.dumps(header).encode("utf-8") + b"\n" + payload)
    except OSError:
        pass  # a read-only home: compute again next time
    return result


_NOTHING = object()


def _read_kept(path: Path, name: str, version: str) -> Any:
    """The value kept in ``path`` when it is whole and was written for ``name`` at ``version``, else _NOTHING."""
    try:
        head, _, payload = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        if header != {"kind": name, "version": version, "sha256": hashlib.sha256(payload).hexdigest()}:
            return _NOTHING
        return json.loads(payload)
    except (OSError, ValueError):
        return _NOTHING


@dataclass(frozen=True)
class _Each:
    """An object with any keys, each value of ``shape``."""

    shape: Any


# What each kept result must look like, checked on every read from disk: a type (or a tuple of types),
# [shape] for a list of items, {key: shape} for an object with at least these keys, _Each(shape).
_NUMBER = (int, float)
_GAP_KINDS = ("unraised_topics", "unaddressed_topics", "unaddressed_barriers", "missing_voices", "isolated_nodes")
SHAPES: dict[str, Any] = {
    "layout": _Each([_NUMBER]),
    "communities": [[str]],
    "gaps": {kind: [{"id": str, "label": str}] for kind in (*_GAP_KINDS, "structural_gaps")},
    "gap-map": {
        "columns": [{"id": str, "label": str}],
        "groups": [{"rows": [{"id": str, "cells": _Each(str)}]}],
        "column_totals": _Each(int),
        "column_not_priority": _Each(int),
        "total": int,
        "topics": int,
    },
    "metrics": {"links": _Each(_NUMBER), "betweenness": _Each(_NUMBER), "consensus": _Each(_NUMBER)},
    "overlaps": {
        "type": str,
        "kind": str,
        "counts": _Each(int),
        "left_out": _Each(int),
        "pairs": [{"a": str, "b": str}],
    },
    "duplicates": [{"nodes": [{"id": str, "label": str}], "score": _NUMBER, "reason": str, "kind": str}],
    "coverage": {"rows": [{"id": str}], "columns": [{"id": str}], "cells": [{"row": str, "column": str}]},
}


def fits(value: Any, shape: Any) -> bool:
    """Whether parsed JSON has ``shape`` (see SHAPES).

    >>> fits({"a": [1, 2.5]}, _Each([_NUMBER])), fits({"a": "x"}, _Each([_NUMBER])), fits([], {"a": int})
    (True, False, False)
    """
    if isinstance(shape, list):
        return isinstance(value, list) and all(fits(item, shape[0]) for item in value)
    if isinstance(shape, dict):
        return isinstance(value, dict) and all(key in value and fits(value[key], inner) for key, inner in shape.items())
    if isinstance(shape, _Each):
        return isinstance(value, dict) and all(fits(item, shape.shape) for item in value.values())
    return isinstance(value, shape) and (shape is bool or not isinstance(value, bool))


@st.cache_resource(show_spinner=False, max_entries=8)
def layout_memory(where: Store) -> dict:
    """Layouts shown so far for a store, kept across reruns and versions (the script's own
    globals start afresh on every rerun): ``whole`` and the filtered views' ``parts`` (made when first
    needed: the layout code, and scipy with it, is not needed when the layout is on disk)."""
    return {"whole": None, "parts": None, "loose": set()}


@st.cache_resource(show_spinner="Laying out the graph…", max_entries=2)
def positions(handle: Handle) -> dict[str, tuple[float, float]]:
    """The whole graph's layout. After an edit every node keeps its place and a new node goes
    beside its neighbours: the layout people have been looking at is the starting point (and the
    result is kept on disk for this data version, so a restarted server shows the same picture)."""
    memory = layout_memory(handle.store)

    def compute() -> dict[str, list[float]]:
        from graph.picture.layout import compute_layout, extend_layout

        graph = load(handle)
        if memory["whole"] is None:
            where = compute_layout(graph)
        else:  # a node added without links moves beside its neighbours once its first links arrive
            where = extend_layout(graph, memory["whole"], loose=memory["loose"])
        return {n: list(xy) for n, xy in where.items()}

    nodes = load(handle).nodes

    def places_every_node(found: dict) -> bool:  # exactly this version's nodes, each at an (x, y)
        return found.keys() == nodes.keys() and all(len(xy) == 2 for xy in found.values())

    kept = _kept("layout", handle, ("graph/picture/layout.py",), compute, places_every_node)
    memory["whole"] = {n: (float(x), float(y)) for n, (x, y) in kept.items()}
    graph = load(handle)
    memory["loose"] = {n for n in graph if graph.degree(n) == 0}
    return memory["whole"]


@st.cache_resource(show_spinner=False, max_entries=2)
def communities(handle: Handle) -> list[list[str]]:
    def compute() -> list[list[str]]:
        from graph.analysis.communities import communities as find

        return find(load(handle))

    nodes = load(handle).nodes

    def every_node_once(found: list[list[str]]) -> bool:
        members = [node for community in found for node in community]
        return len(members) == len(nodes) and set(members) == nodes.keys()

    return _kept("communities", handle, ("graph/analysis",), compute, every_node_once)


@st.cache_resource(show_spinner="Finding gaps…", max_entries=2)
def gap_report(handle: Handle) -> dict[str, list[dict[str, Any]]]:
    def compute() -> dict:
        from graph.analysis.gaps import gaps

        return gaps(load(handle), communities=communities(handle))

    return _kept("gaps", handle, ("graph/analysis",), compute)


@st.cache_resource(show_spinner=False, max_entries=2)
def gap_summary(handle: Handle) -> dict[str, dict[str, Any]]:
    """Per kind of gap: how much comes from thin data and what would fill it."""
    from graph.analysis.gaps import gap_summary as summarise

    return summarise(load(handle), gap_report(handle))


@st.cache_resource(show_spinner=False, max_entries=2)
def gap_map(handle: Handle) -> dict:
    def compute() -> dict:
        from graph.analysis.gapmap import evidence_gap_map

        return evidence_gap_map(load(handle))

    return _kept("gap-map", handle, ("graph/analysis",), compute)


@st.cache_resource(show_spinner=False, max_entries=2)
def gap_map_files(handle: Handle) -> dict[str, bytes]:
    """The evidence gap map as downloads: ``{"csv": bytes, "xlsx": bytes}``."""
    from graph.analysis.gapmap import gap_map_csv, gap_map_xlsx

    found = gap_map(handle)
    return {"csv": gap_map_csv(found), "xlsx": gap_map_xlsx(found)}


@st.cache_resource(show_spinner=False, max_entries=2)
def node_metrics(handle: Handle) -> dict[str, dict[str, float]]:
    def compute() -> dict:
        from graph.analysis.metrics import centrality, consensus

        graph = load(handle)
        rows = centrality(graph)
        return {
            "links": {row["id"]: row["degree"] for row in rows},
            "betweenness": {row["id"]: row["betweenness"] for row in rows},
            "consensus": {row["id"]: row["count"] for row in consensus(graph)},
        }

    return _kept("metrics", handle, ("graph/analysis",), compute)


@st.cache_resource(show_spinner="Comparing what they do…", max_entries=16)
def overlap_report(handle: Handle, node_type: str) -> dict:
    def compute() -> dict:
        from graph.analysis.overlaps import overlaps

        return overlaps(load(handle), node_type)

    return _kept(f"overlaps-{node_type}", handle, ("graph/analysis",), compute)


@st.cache_resource(show_spinner=False, max_entries=2)
def duplicate_report(handle: Handle) -> list[dict]:
    def compute() -> list:
        from graph.analysis.duplicates import duplicates

        return duplicates(load(handle))

    return _kept("duplicates", handle, ("graph/analysis",), compute)


@st.cache_resource(show_spinner=False, max_entries=2)
def coverage(handle: Handle) -> dict:
    def compute() -> dict:
        from graph.analysis.metrics import coverage_matrix

        return coverage_matrix(load(handle))

    return _kept("coverage", handle, ("graph/analysis",), compute)


# ------------------------------------------------------------------ in memory only (quick)


@st.cache_resource(show_spinner=False, max_entries=2)
def summary(handle: Handle) -> dict:
    from graph.analysis.metrics import stats

    return stats(load(handle))


@st.cache_resource(show_spinner=False, max_entries=2)
def names(handle: Handle) -> dict[str, str]:
    """Every node id -> its unique display name, in label order."""
    from graph.picture.view import node_names

    return node_names(load(handle))


@st.cache_resource(show_spinner=False, max_entries=32)
def path_report(handle: Handle, source: str, target: str, k: int, avoid: tuple[str, ...] = ()) -> dict:
    from graph.analysis.paths import shortest_paths

    return shortest_paths(load(handle), source, target, k=k, avoid=avoid)


@st.cache_resource(show_spinner=False, max_entries=32)
def part_positions(handle: Handle, nodes: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """A layout of just these nodes, shaped to fill a landscape pane with labels kept apart; after
    an edit that adds or removes a node, the rest keep their places."""
    memory = layout_memory(handle.store)
    if memory["parts"] is None:
        from graph.picture.layout import LayoutMemory

        memory["parts"] = LayoutMemory()
    return memory["parts"].layout(load(handle).subgraph(nodes))


def drawn_positions(handle: Handle, shown: list[str]) -> dict[str, tuple[float, float]]:
    """Where the drawing put these nodes (a part of the graph has a layout of its own)."""
    whole = positions(handle)
    inside = tuple(sorted(n for n in shown if n in whole))
    return part_positions(handle, inside) if len(inside) < len(whole) else whole


# ------------------------------------------------------------------ the change log: versions, sessions, what changed


def log_stamp(where: Store) -> tuple:
    """Changes whenever the change log does (a session begun, a scene saved) as well as the data."""
    if isinstance(where, FolderStore):
        return store_files.stamp(where.folder)
    return (where.version(), where.scenes_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _changelog(where: Store, stamp: tuple) -> list[dict[str, Any]]:
    return where.changelog()


def changelog(handle: Handle) -> list[dict[str, Any]]:
    """Every logged change, oldest first (read again only when the log changed)."""
    return _changelog(handle.store, log_stamp(handle.store))


def data_number(handle: Handle) -> int:
    """The data version people read: how many data changes the log holds."""
    from graph.data.history import data_version

    return data_version(changelog(handle))


def session(handle: Handle):
    """The current workshop session (``graph.data.history.Session``), or None."""
    from graph.data.history import current_session

    return current_session(changelog(handle))


def since_view(handle: Handle, text: str):
    """What changed since ``text`` (``graph.picture.changes.SinceChanges``), or the GraphError saying why not."""
    return _since_view(handle, text, log_stamp(handle.store))


@st.cache_resource(show_spinner=False, max_entries=8)
def _since_view(handle: Handle, text: str, stamp: tuple):
    from graph.picture.changes import since_changes

    try:
        return since_changes(dataset(handle), load(handle), changelog(handle), text)
    except GraphError as error:
        return error


def briefing(handle: Handle, text: str) -> str | GraphError:
    """The session briefing of what changed since ``text`` (markdown), or why it cannot be made."""
    return _briefing(handle, text, log_stamp(handle.store))


@st.cache_resource(show_spinner="Writing the briefing…", max_entries=4)
def _briefing(handle: Handle, text: str, stamp: tuple) -> str | GraphError:
    from graph.analysis.session import changes_since, session_markdown

    try:
        report = changes_since(dataset(handle), changelog(handle), text)
    except GraphError as error:
        return error
    found = report["session"]
    title = f"What the room changed: {found['name']}, {found['date']}" if found else "What changed"
    return session_markdown(report, title=title)
