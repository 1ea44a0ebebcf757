"""The data folder's graph: nodes.json, edges.json and scenes.json read (committed data only) and written.

Reads report every problem with its file, element and field, and see a change whole or not at all
(``graph.data.journal`` says which file holds the committed text). Writes are deterministic: stable
order, UTF-8, 2-space indent, trailing newline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.data.files import (
    EDGES_FILE,
    NODES_FILE,
    SCENES_FILE,
    check_data_folder,
    decode_text,
    gc_paused,
    parse_json_text,
    read_data_bytes,
    read_json,
    write_text_atomic,
)
from graph.data.journal import CHANGELOG_FILE, PENDING_FILE, read_committed
from graph.data.validate import parse_edges, parse_nodes, parse_scenes, raw_ids
from graph.errors import DataError, Problem
from graph.schema import Dataset, Edge, Node, Relation, Scene

NODES_SCHEMA_FILE = "nodes.schema.json"
EDGES_SCHEMA_FILE = "edges.schema.json"


def _plainly_safe(text: str) -> bool:
    """True when JSON text cannot hold a control character or bidi override: ASCII, and no escape
    that could write one (\\u, \\b, \\f). Lets a large file skip the exact look (validate.unsafe_text)."""
    return text.isascii() and "\\u" not in text and "\\b" not in text and "\\f" not in text


def _list_in(document: Any, key: str, name: str) -> tuple[list[Any], list[Problem]]:
    if isinstance(document, list):
        return document, []
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        return [], [Problem(name, "", key, f"expected an object with a '{key}' list")]
    extra = sorted(set(document) - {key, "$schema"})
    problems = [Problem(name, "", field, "unknown field") for field in extra]
    return document[key], problems


def load_dataset(data_dir: Path | str) -> Dataset:
    """Read and validate nodes.json and edges.json in ``data_dir`` (committed data only).

    Raises DataError listing every problem in both files.
    """
    return read_dataset(data_dir)[0]


def read_dataset(data_dir: Path | str) -> tuple[Dataset, str]:
    """The committed dataset and its version: the ``fingerprint`` of exactly the bytes read."""
    with gc_paused():
        return _read_dataset(Path(data_dir))


def _read_dataset(data_dir: Path) -> tuple[Dataset, str]:
    check_data_folder(data_dir)
    contents = _committed_bytes(data_dir)
    problems: list[Problem] = []
    documents: dict[str, Any] = {}
    safe = True
    for file_name, key in ((NODES_FILE, "nodes"), (EDGES_FILE, "edges")):
        path = data_dir / file_name
        try:
            data = contents[file_name]
            if isinstance(data, DataError):
                raise data
            text = decode_text(data, str(path))
            safe = safe and _plainly_safe(text)
            documents[key], found = _list_in(parse_json_text(text, str(path)), key, str(path))
            problems.extend(found)
        except DataError as error:
            problems.extend(error.problems)
            documents[key] = None
    dataset, found = parse_dataset(
        documents["nodes"], documents["edges"], data_dir / NODES_FILE, data_dir / EDGES_FILE, text_checked=safe
    )
    problems.extend(found)
    if problems:
        raise DataError(problems)
    return dataset, fingerprint_of(contents)


def _committed_bytes(data_dir: Path) -> dict[str, Any]:
    """Both data files' committed bytes, from one committed state; a file that cannot be read gives its
    DataError in its place (so both files' problems are reported together)."""

    def read(path: Path) -> Any:
        try:
            return read_data_bytes(path)
        except DataError as error:
            if path.name.startswith("."):  # a backup: let the journal fall back to the file itself
                raise
            return error

    return read_committed(data_dir, (NODES_FILE, EDGES_FILE), read)


def parse_dataset(
    raw_nodes: list | None,
    raw_edges: list | None,
    nodes_name: Path | str,
    edges_name: Path | str,
    *,
    text_checked: bool = False,
) -> tuple[Dataset, list[Problem]]:
    """Validate raw nodes and edges together (edges need the nodes to check their endpoints).

    ``text_checked``: the caller knows no text holds a control character or bidi override.
    """
    with gc_paused():
        return _parse_dataset(raw_nodes, raw_edges, nodes_name, edges_name, text_checked)


def _parse_dataset(
    raw_nodes: list | None, raw_edges: list | None, nodes_name: Path | str, edges_name: Path | str, text_checked: bool
) -> tuple[Dataset, list[Problem]]:
    nodes, problems = parse_nodes(raw_nodes or [], str(nodes_name), text_checked=text_checked)
    edges: list[Edge] = []
    if raw_edges is not None and raw_nodes is not None:
        edges, found = parse_edges(
            raw_edges, nodes, str(edges_name), known_ids=raw_ids(raw_nodes), text_checked=text_checked
        )
        problems.extend(found)
    return Dataset(tuple(nodes), tuple(edges)), problems


def node_sort_key(node: Node) -> str:
    return node.id


_RELATION_TEXT = {relation: relation.value for relation in Relation}  # cheaper than .value in a sort


def edge_sort_key(edge: Edge) -> tuple[str, str, str]:
    return (edge.source, _RELATION_TEXT[edge.relation], edge.target)


def dump_nodes(nodes: list[Node] | tuple[Node, ...]) -> str:
    """nodes.json text: sorted by id, UTF-8, 2-space indent, trailing newline."""
    with gc_paused():  # see gc_paused: every element becomes a dict that lives until the end
        body = {"$schema": f"./{NODES_SCHEMA_FILE}", "nodes": [dump_model(n) for n in sorted(nodes, key=node_sort_key)]}
        return dumps_indented(body) + "\n"


def dump_edges(edges: list[Edge] | tuple[Edge, ...]) -> str:
    """edges.json text: sorted by (source, relation, target)."""
    with gc_paused():
        body = {"$schema": f"./{EDGES_SCHEMA_FILE}", "edges": [dump_model(e) for e in sorted(edges, key=edge_sort_key)]}
        return dumps_indented(body) + "\n"


_encode_str = json.encoder.encode_basestring  # the ensure_ascii=False string encoder (C when available)
_INDENT = "  "


class _Unsupported(Exception):
    """A value dumps_indented does not write itself (json.dumps then writes the whole document)."""


def dumps_indented(value: Any) -> str:
    """The same text as ``json.dumps(value, indent=2, ensure_ascii=False)``, about twice as fast.

    With an indent, json.dumps uses its pure-Python encoder, one generator per container;
    this writes the same bytes (the same separators, escapes and number forms) in one pass.
    Anything beyond JSON's own types (str, int, float, bool, None, list, tuple, dict with
    str keys) is left to json.dumps itself, so the output never differs.
    """
    parts: list[str] = []
    try:
        _write(value, parts, "\n")
    except (_Unsupported, RecursionError):  # json.dumps then writes it, or raises its own error
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def _write(value: Any, parts: list[str], newline: str) -> None:
    """Append ``value``'s JSON to ``parts``; ``newline`` is the line break plus the current indent."""
    # the order of the checks is json's own (bool before int, str subclasses as str)
    if isinstance(value, str):
        parts.append(_encode_str(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float_text(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = newline + _INDENT
        separator = "[" + inner
        for item in value:
            if type(item) is str:
                parts.append(separator + _encode_str(item))
            else:
                parts.append(separator)
                _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + _INDENT
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unsupported
            if type(item) is str:
                parts.append(separator + _encode_str(key) + ": " + _encode_str(item))
            else:
                parts.append(separator + _encode_str(key) + ": ")
                _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "}")
    else:
        raise _Unsupported


def _float_text(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def dump_model(model: Node | Edge) -> dict[str, Any]:
    # Defaults are left out (a node's basis 'stated', no description, no attributes, no aliases), so
    # files written before a field existed read and write back byte for byte.
    data = model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    for empty in ("attributes", "aliases"):
        if not data.get(empty):
            data.pop(empty, None)
    return data


def save_dataset(data_dir: Path | str, dataset: Dataset) -> None:
    """Write both data files atomically (each file is replaced whole or not at all)."""
    data_dir = Path(data_dir)
    write_text_atomic(data_dir / NODES_FILE, dump_nodes(dataset.nodes))
    write_text_atomic(data_dir / EDGES_FILE, dump_edges(dataset.edges))


def stamp(data_dir: Path | str) -> tuple[tuple[str, int, int, int, int], ...]:
    """A cheap change detector: inode, size, and modification and status-change times of each data file
    and of the change log.

    Used to decide when to recompute the content ``fingerprint``, which reads the files. Any write to a
    file or any replacement of it changes its status-change time (which no program can set back), and
    a commit appends to the log, so a changed file is never taken for the same.
    """
    result = []
    for file_name in (NODES_FILE, EDGES_FILE, CHANGELOG_FILE, PENDING_FILE):
        try:
            info = (Path(data_dir) / file_name).stat()
            result.append((file_name, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
        except OSError:
            result.append((file_name, -1, -1, -1, -1))
    return tuple(result)


def fingerprint(data_dir: Path | str) -> str:
    """A hash of the committed data files' content: a cache key that changes when the data does."""
    contents = _committed_bytes(Path(data_dir))
    return fingerprint_of({name: None if isinstance(data, DataError) else data for name, data in contents.items()})


def fingerprint_of(contents: dict[str, bytes | None]) -> str:
    """The ``fingerprint`` the data files would have with these contents (None: the file is missing)."""
    digest = hashlib.sha256()
    for file_name in (NODES_FILE, EDGES_FILE):
        digest.update(file_name.encode())
        data = contents.get(file_name)
        digest.update(b"<missing>" if data is None else data)
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


# ---- versions and whole-file replacement (the journal module decides when)


def scenes_fingerprint(data_dir: Path | str) -> str:
    """The version of the scenes file (it changes apart from the graph data)."""
    try:
        return scenes_fingerprint_of((Path(data_dir) / SCENES_FILE).read_bytes())
    except OSError:
        return scenes_fingerprint_of(None)


def scenes_fingerprint_of(data: bytes | None) -> str:
    """The ``scenes_fingerprint`` of a scenes file with this content (None: no file)."""
    return hashlib.sha256(SCENES_FILE.encode() + (b"<missing>" if data is None else data)).hexdigest()


def load_scenes(data_dir: Path | str) -> list[Scene]:
    """Read and validate scenes.json, in its saved order ([] when there is no file)."""
    path = Path(data_dir) / SCENES_FILE
    if not path.exists():
        return []
    raw, problems = _list_in(read_json(path), "scenes", str(path))
    scenes, found = parse_scenes(raw, str(path))
    problems.extend(found)
    if problems:
        raise DataError(problems)
    return scenes


def dump_scenes(scenes: Sequence[Scene]) -> str:
    """scenes.json text: in the given order (a presentation's order), UTF-8, 2-space indent."""
    body = {"scenes": [_scene_dict(scene) for scene in scenes]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _scene_dict(scene: Scene) -> dict[str, Any]:
    data = scene.model_dump(mode="json", exclude_none=True)
    if not data["view"].get("bases"):  # newer than the files: left out when empty, so they write back byte for byte
        data["view"].pop("bases", None)
    return data


def save_scenes(data_dir: Path | str, scenes: Sequence[Scene]) -> None:
    """Write scenes.json atomically, keeping the given order."""
    write_text_atomic(Path(data_dir) / SCENES_FILE, dump_scenes(scenes))
