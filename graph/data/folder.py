"""The data folder as a store: nodes.json, edges.json and scenes.json, with changes.jsonl as the log.

One writer at a time holds the folder's file lock; each change is committed through the journal
(``graph.data.journal``), so readers see it whole or not at all. Made for one laptop in one room,
offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.data import files, journal, store
from graph.schema import Dataset, Edge, Scene


@dataclass(frozen=True)
class FolderStore:
    """The graph in a data folder."""

    folder: Path

    def describe(self) -> str:
        return str(self.folder)

    # ---- reading: no lock, committed data only

    def version(self) -> str:
        return store.fingerprint(self.folder)

    def read(self) -> tuple[Dataset, str]:
        return store.read_dataset(self.folder)

    def scenes_version(self) -> str:
        return store.scenes_fingerprint(self.folder)

    def read_scenes(self) -> list[Scene]:
        return store.load_scenes(self.folder)

    def changelog(self) -> list[dict[str, Any]]:
        return journal.read_changelog(self.folder)

    # ---- writing

    @contextmanager
    def writing(self, timeout: float | None = None) -> Iterator[None]:
        with journal.data_lock(self.folder, timeout):
            journal.recover(self.folder)
            yield

    def recover(self) -> bool:
        with journal.data_lock(self.folder):
            return journal.recover(self.folder)

    def commit_data(self, before: Dataset, after: Dataset, entry: dict[str, Any]) -> str:
        steps = _data_steps(before, after)
        entry["version_after"] = _version_after(self.folder, steps)
        journal.commit(self.folder, steps, entry)
        return entry["version_after"]

    def commit_scenes(self, scenes: list[Scene], entry: dict[str, Any]) -> str:
        text = store.dump_scenes(scenes)
        entry["version_after"] = store.scenes_fingerprint_of(text.encode("utf-8"))
        journal.commit(self.folder, [(files.SCENES_FILE, text)], entry)
        return entry["version_after"]


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
