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

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from graph.data import files, store

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


@st.cache_resource(show_spinner=False, max_entries=8)
def _fingerprint(folder: str, stamp: tuple) -> str:
    return store.fingerprint(folder)


def data_version(folder: str) -> str:
    """The content hash of the data files, recomputed only when their size or time changes."""
    return _fingerprint(folder, store.stamp(folder))


@st.cache_resource(show_spinner="Loading the graph…", max_entries=2)
def load(folder: str, version: str):
    from graph.data.build import build_graph

    return build_graph(store.load_dataset(folder))


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


def _kept(name: str, version: str, code: tuple[str, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``'s JSON-able result, read from the disk cache when there, else computed and saved."""
    path = cache_dir() / version[:32] / f"{name}-{_code_stamp(*code)}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    result = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        files.write_text_atomic(path, json.dumps(result, ensure_ascii=False, separators=(",", ":")))
    except OSError:
        pass  # a read-only home: compute again next time
    return result


@st.cache_resource(show_spinner=False, max_entries=8)
def layout_memory(folder: str) -> dict:
    """Layouts shown so far for a data folder, kept across reruns and versions (the script's own
    globals start afresh on every rerun): ``whole`` and the filtered views' ``parts``."""
    from graph.picture.layout import LayoutMemory

    return {"whole": None, "parts": LayoutMemory()}


@st.cache_resource(show_spinner="Laying out the graph…", max_entries=2)
def positions(folder: str, version: str) -> dict[str, tuple[float, float]]:
    """The whole graph's layout. After an edit every node keeps its place and a new node goes
    beside its neighbours: the layout people have been looking at is the starting point (and the
    result is kept on disk for this data version, so a restarted server shows the same picture)."""
    memory = layout_memory(folder)

    def compute() -> dict[str, list[float]]:
        from graph.picture.layout import compute_layout, extend_layout

        graph = load(folder, version)
        where = compute_layout(graph) if memory["whole"] is None else extend_layout(graph, memory["whole"])
        return {n: list(xy) for n, xy in where.items()}

    kept = _kept("layout", version, ("graph/picture/layout.py",), compute)
    memory["whole"] = {n: (float(x), float(y)) for n, (x, y) in kept.items()}
    return memory["whole"]


@st.cache_resource(show_spinner=False, max_entries=2)
def communities(folder: str, version: str) -> list[list[str]]:
    def compute() -> list[list[str]]:
        from graph.analysis.communities import communities as find

        return find(load(folder, version))

    return _kept("communities", version, ("graph/analysis",), compute)


@st.cache_resource(show_spinner="Finding gaps…", max_entries=2)
def gap_report(folder: str, version: str) -> dict[str, list[dict[str, Any]]]:
    def compute() -> dict:
        from graph.analysis.gaps import gaps

        return gaps(load(folder, version))

    return _kept("gaps", version, ("graph/analysis",), compute)


@st.cache_resource(show_spinner=False, max_entries=2)
def gap_summary(folder: str, version: str) -> dict[str, dict[str, Any]]:
    """Per kind of gap: how much comes from thin data and what would fill it."""
    from graph.analysis.gaps import gap_summary as summarise

    return summarise(load(folder, version), gap_report(folder, version))


@st.cache_resource(show_spinner=False, max_entries=2)
def gap_map(folder: str, version: str) -> dict:
    def compute() -> dict:
        from graph.analysis.gapmap import evidence_gap_map

        return evidence_gap_map(load(folder, version))

    return _kept("gap-map", version, ("graph/analysis",), compute)


@st.cache_resource(show_spinner=False, max_entries=2)
def gap_map_files(folder: str, version: str) -> dict[str, bytes]:
    """The evidence gap map as downloads: ``{"csv": bytes, "xlsx": bytes}``."""
    from graph.analysis.gapmap import gap_map_csv, gap_map_xlsx

    found = gap_map(folder, version)
    return {"csv": gap_map_csv(found), "xlsx": gap_map_xlsx(found)}


@st.cache_resource(show_spinner=False, max_entries=2)
def node_metrics(folder: str, version: str) -> dict[str, dict[str, float]]:
    def compute() -> dict:
        from graph.analysis.metrics import centrality, consensus

        graph = load(folder, version)
        rows = centrality(graph)
        return {
            "links": {row["id"]: row["degree"] for row in rows},
            "betweenness": {row["id"]: row["betweenness"] for row in rows},
            "consensus": {row["id"]: row["count"] for row in consensus(graph)},
        }

    return _kept("metrics", version, ("graph/analysis",), compute)


@st.cache_resource(show_spinner="Comparing what they do…", max_entries=16)
def overlap_report(folder: str, version: str, node_type: str) -> dict:
    def compute() -> dict:
        from graph.analysis.overlaps import overlaps

        return overlaps(load(folder, version), node_type)

    return _kept(f"overlaps-{node_type}", version, ("graph/analysis",), compute)


@st.cache_resource(show_spinner=False, max_entries=2)
def duplicate_report(folder: str, version: str) -> list[dict]:
    def compute() -> list:
        from graph.analysis.duplicates import duplicates

        return duplicates(load(folder, version))

    return _kept("duplicates", version, ("graph/analysis",), compute)


@st.cache_resource(show_spinner=False, max_entries=2)
def coverage(folder: str, version: str) -> dict:
    def compute() -> dict:
        from graph.analysis.metrics import coverage_matrix

        return coverage_matrix(load(folder, version))

    return _kept("coverage", version, ("graph/analysis",), compute)


# ------------------------------------------------------------------ in memory only (quick)


@st.cache_resource(show_spinner=False, max_entries=2)
def summary(folder: str, version: str) -> dict:
    from graph.analysis.metrics import stats

    return stats(load(folder, version))


@st.cache_resource(show_spinner=False, max_entries=2)
def names(folder: str, version: str) -> dict[str, str]:
    """Every node id -> its unique display name, in label order."""
    from graph.picture.view import node_names

    return node_names(load(folder, version))


@st.cache_resource(show_spinner=False, max_entries=32)
def path_report(folder: str, version: str, source: str, target: str, k: int, avoid: tuple[str, ...] = ()) -> dict:
    from graph.analysis.paths import shortest_paths

    return shortest_paths(load(folder, version), source, target, k=k, avoid=avoid)


@st.cache_resource(show_spinner=False, max_entries=32)
def part_positions(folder: str, version: str, nodes: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """A layout of just these nodes, shaped to fill a landscape pane with labels kept apart; after
    an edit that adds or removes a node, the rest keep their places."""
    return layout_memory(folder)["parts"].layout(load(folder, version).subgraph(nodes))


def drawn_positions(folder: str, version: str, shown: list[str]) -> dict[str, tuple[float, float]]:
    """Where the drawing put these nodes (a part of the graph has a layout of its own)."""
    whole = positions(folder, version)
    inside = tuple(sorted(n for n in shown if n in whole))
    return part_positions(folder, version, inside) if len(inside) < len(whole) else whole
