"""The only module that opens, reads and writes data files.

Reads report every problem with its file, element and field. Writes are deterministic
(stable order, UTF-8, 2-space indent, trailing newline) and atomic (temporary file in the
same directory, fsync, rename), so a crash leaves the old file or the new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from graph.errors import DataError, Problem
from graph.schema import Dataset, Edge, Node
from graph.validate import parse_edges, parse_nodes, raw_ids

NODES_FILE = "nodes.json"
EDGES_FILE = "edges.json"
NODES_SCHEMA_FILE = "nodes.schema.json"
EDGES_SCHEMA_FILE = "edges.schema.json"
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_json(path: Path) -> Any:
    """Parse one JSON file, turning every failure into a located DataError."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataError([Problem(name, "", "", "file not found")]) from None
    except OSError as error:
        raise DataError([Problem(name, "", "", f"cannot read the file ({error.strerror})")]) from None
    if size > MAX_FILE_BYTES:
        raise DataError([Problem(name, "", "", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError([Problem(name, "", "", f"not UTF-8 text (bad byte at offset {error.start})")]) from None
    return parse_json_text(text, name)


def parse_json_text(text: str, name: str) -> Any:
    """Parse JSON text; errors name the line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            [Problem(name, "", "", f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")]
        ) from None
    except RecursionError:
        raise DataError([Problem(name, "", "", "JSON is nested too deeply")]) from None


def _list_in(document: Any, key: str, name: str) -> tuple[list[Any], list[Problem]]:
    if isinstance(document, list):
        return document, []
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        return [], [Problem(name, "", key, f"expected an object with a '{key}' list")]
    extra = sorted(set(document) - {key, "$schema"})
    problems = [Problem(name, "", field, "unknown field") for field in extra]
    return document[key], problems


def load_dataset(data_dir: Path | str) -> Dataset:
    """Read and validate nodes.json and edges.json in ``data_dir``.

    Raises DataError listing every problem in both files.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    documents: dict[str, Any] = {}
    for file_name, key in ((NODES_FILE, "nodes"), (EDGES_FILE, "edges")):
        path = data_dir / file_name
        try:
            documents[key], found = _list_in(read_json(path), key, str(path))
            problems.extend(found)
        except DataError as error:
            problems.extend(error.problems)
            documents[key] = None
    dataset, found = parse_dataset(documents["nodes"], documents["edges"], data_dir / NODES_FILE, data_dir / EDGES_FILE)
    problems.extend(found)
    if problems:
        raise DataError(problems)
    return dataset


def parse_dataset(
    raw_nodes: list | None, raw_edges: list | None, nodes_name: Path | str, edges_name: Path | str
) -> tuple[Dataset, list[Problem]]:
    """Validate raw nodes and edges together (edges need the nodes to check their endpoints)."""
    nodes, problems = parse_nodes(raw_nodes or [], str(nodes_name))
    edges: list[Edge] = []
    if raw_edges is not None and raw_nodes is not None:
        edges, found = parse_edges(raw_edges, nodes, str(edges_name), known_ids=raw_ids(raw_nodes))
        problems.extend(found)
    return Dataset(tuple(nodes), tuple(edges)), problems


def node_sort_key(node: Node) -> str:
    return node.id


def edge_sort_key(edge: Edge) -> tuple[str, str, str]:
    return (edge.source, edge.relation.value, edge.target)


def dump_nodes(nodes: list[Node] | tuple[Node, ...]) -> str:
    """nodes.json text: sorted by id, UTF-8, 2-space indent, trailing newline."""
    body = {"$schema": f"./{NODES_SCHEMA_FILE}", "nodes": [_dump(n) for n in sorted(nodes, key=node_sort_key)]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def dump_edges(edges: list[Edge] | tuple[Edge, ...]) -> str:
    """edges.json text: sorted by (source, relation, target)."""
    body = {"$schema": f"./{EDGES_SCHEMA_FILE}", "edges": [_dump(e) for e in sorted(edges, key=edge_sort_key)]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _dump(model: Node | Edge) -> dict[str, Any]:
    data = model.model_dump(mode="json", exclude_none=True)
    if not data.get("attributes"):
        data.pop("attributes", None)
    return data


def save_dataset(data_dir: Path | str, dataset: Dataset) -> None:
    """Write both data files atomically (each file is replaced whole or not at all)."""
    data_dir = Path(data_dir)
    write_text_atomic(data_dir / NODES_FILE, dump_nodes(dataset.nodes))
    write_text_atomic(data_dir / EDGES_FILE, dump_edges(dataset.edges))


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory, fsync, then rename over ``path``."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(path.parent)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Binary twin of write_text_atomic (exports such as xlsx and png)."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fingerprint(data_dir: Path | str) -> str:
    """A hash of the data files' content: a cache key that changes when the data does."""
    digest = hashlib.sha256()
    for file_name in (NODES_FILE, EDGES_FILE):
        path = Path(data_dir) / file_name
        digest.update(file_name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def write_schema_files(data_dir: Path | str) -> list[Path]:
    """Write the JSON Schema of both data files, generated from the models."""
    from graph.schema import EdgesFile, NodesFile

    data_dir = Path(data_dir)
    written = []
    for file_name, model, title in (
        (NODES_SCHEMA_FILE, NodesFile, "Nodes of the children's social care knowledge graph"),
        (EDGES_SCHEMA_FILE, EdgesFile, "Edges of the children's social care knowledge graph"),
    ):
        schema = model.model_json_schema(by_alias=True)
        schema["title"] = title
        path = data_dir / file_name
        write_text_atomic(path, json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        written.append(path)
    return written
