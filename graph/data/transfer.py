"""A whole graph moved between stores: a data folder into a database (``init-db``), and any store out
to a data folder (``export --format json -o DIR/``) holding exactly the files the data folder keeps,
so the round trip folder -> database -> folder gives the same bytes.

What moves: the nodes and edges, scenes.json as it is, and the change log (so undo and history carry
over). Nodes and edges are written in the data files' canonical form (sorted, 2-space indent); a
folder written by this tool is already in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.data import files, store
from graph.data.folder import FolderStore
from graph.data.journal import CHANGELOG_FILE, READ_ATTEMPTS
from graph.data.stores import Store
from graph.errors import DataError, GraphError, Problem
from graph.schema import Dataset

#: The files that make a data folder hold a graph: an export never writes over them.
DATA_FILES = (files.NODES_FILE, files.EDGES_FILE, files.SCENES_FILE, CHANGELOG_FILE)


@dataclass(frozen=True)
class Contents:
    """Everything a store holds: the graph, scenes.json's text (None: no scenes file), the change log."""

    dataset: Dataset
    version: str
    scenes_text: str | None
    entries: list[dict[str, Any]]


def contents_of(source: Store) -> Contents:
    """The store's graph, scenes and change log, from one committed state (read again if a writer
    committed in between)."""
    for _attempt in range(READ_ATTEMPTS):
        marks = (source.version(), source.scenes_version())
        entries = source.changelog()
        dataset, version = source.read()
        scenes_text = _scenes_text(source)
        if (version, source.scenes_version()) == (marks[0], marks[1]) and len(source.changelog()) == len(entries):
            return Contents(dataset, version, scenes_text, entries)
    raise GraphError(f"The data in {source.describe()} kept changing while it was read; try again in a moment.")


def _scenes_text(source: Store) -> str | None:
    """scenes.json as the store keeps it, checked by the models (a folder's file keeps its own bytes)."""
    if isinstance(source, FolderStore):
        path = source.folder / files.SCENES_FILE
        if not path.exists():
            return None
        source.read_scenes()  # every problem, located, before anything is loaded
        data = files.read_data_bytes(path)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DataError(
                [Problem(str(path), "", "", f"not UTF-8 text (bad byte at offset {error.start})")]
            ) from None
    text_of = getattr(source, "scenes_text", None)
    if text_of is not None:
        source.read_scenes()
        return text_of()
    scenes = source.read_scenes()
    return store.dump_scenes(scenes) if scenes else None


def write_folder(source: Store, folder: Path | str) -> tuple[Contents, list[Path]]:
    """Write the store's graph as a data folder (nodes.json, edges.json, scenes.json, changes.jsonl and
    the two schema files), each file atomically. Refused when the folder already holds a graph."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise GraphError(f"cannot write a data folder at {folder}: it is a file")
    held = [name for name in DATA_FILES if (folder / name).exists()]
    if held:
        raise GraphError(
            f"{folder} already holds a data folder ({', '.join(held)}); nothing was written: give a new or empty folder"
        )
    contents = contents_of(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GraphError(f"cannot make the folder {folder}: {error.strerror or error}") from None
    written = []
    texts = {
        files.NODES_FILE: store.dump_nodes(contents.dataset.nodes),
        files.EDGES_FILE: store.dump_edges(contents.dataset.edges),
        files.SCENES_FILE: contents.scenes_text,
        CHANGELOG_FILE: "".join(changelog_line(entry) for entry in contents.entries) or None,
    }
    for name, text in texts.items():
        if text is not None:
            files.write_text_atomic(folder / name, text)
            written.append(folder / name)
    written += store.write_schema_files(folder)
    return contents, written


def changelog_line(entry: dict[str, Any]) -> str:
    """An entry as changes.jsonl holds it (graph.data.journal.append_changelog writes the same)."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"


def load_folder(target: Any, folder: Path | str, *, replace: bool) -> Contents:
    """Load a data folder into a database store (``target.install``): all of it in one transaction.

    The folder is read as a reader reads it (committed data only, no lock taken, nothing written there).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise GraphError(f"{folder} is not a folder: give the data folder to load (it holds nodes.json and edges.json)")
    contents = contents_of(FolderStore(folder))
    target.install(contents.dataset, contents.scenes_text, contents.entries, replace=replace)
    return contents
