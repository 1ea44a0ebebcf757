"""The only module that opens, reads and writes data files.

Reads report every problem with its file, element and field. Writes are deterministic
(stable order, UTF-8, 2-space indent, trailing newline) and atomic (temporary file in the
same directory, fsync, rename), so a crash leaves the old file or the new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from graph.errors import DataError, Problem, WriteError
from graph.schema import Dataset, Edge, Node, Relation, Scene
from graph.validate import parse_edges, parse_nodes, parse_scenes, raw_ids

NODES_FILE = "nodes.json"
EDGES_FILE = "edges.json"
NODES_SCHEMA_FILE = "nodes.schema.json"
EDGES_SCHEMA_FILE = "edges.schema.json"
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_json(path: Path) -> Any:
    """Parse one JSON file, turning every failure into a located DataError."""
    return parse_json_text(_read_text(path), str(path))


def _read_text(path: Path) -> str:
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
    return text


def _plainly_safe(text: str) -> bool:
    """True when JSON text cannot hold a control character or bidi override: ASCII, and no escape
    that could write one (\\u, \\b, \\f). Lets a large file skip the exact look (validate.unsafe_text)."""
    return text.isascii() and "\\u" not in text and "\\b" not in text and "\\f" not in text


def read_bytes(path: Path | str, max_bytes: int) -> bytes:
    """Read a file someone hands us (an import), refusing one over ``max_bytes``."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DataError([Problem(name, "", "", f"file is {size:,} bytes; the limit is {max_bytes:,}")])
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(name, "", "", "file not found")]) from None
    except IsADirectoryError:
        raise DataError([Problem(name, "", "", "is a directory, not a file")]) from None
    except OSError as error:
        raise DataError([Problem(name, "", "", f"cannot read the file ({error.strerror})")]) from None


def parse_json_text(text: str, name: str) -> Any:
    """Parse JSON text; errors name the line and column, and a repeated key names its element."""
    try:
        return loads_strict(text, name)
    except json.JSONDecodeError as error:
        raise DataError(
            [Problem(name, "", "", f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")]
        ) from None
    except RecursionError:
        raise DataError([Problem(name, "", "", "JSON is nested too deeply")]) from None
    except ValueError as error:  # e.g. an integer with more digits than Python will convert
        raise DataError([Problem(name, "", "", f"invalid JSON: {error}")]) from None


def loads_strict(text: str, name: str, **options: Any) -> Any:
    """``json.loads``, refusing an object that repeats a key at any depth (DataError naming file, element, key).

    JSON itself lets the last value win silently: two "label"s, or two "nodes" lists of which the
    first is dropped. That is ambiguous input, so it is refused. ``options`` go to json.loads.
    The hook is a Python call per object: about 1 s of CPU on a 100k-node dataset's two files.

    >>> loads_strict('{"nodes": [{"id": "topic:t", "label": "A", "label": "B"}]}', "nodes.json")
    Traceback (most recent call last):
    graph.errors.DataError: 1 problem in the data:
      nodes.json: nodes[0] (id 'topic:t'): field 'label': the key 'label' is repeated; give it once
    """
    repeated: list[tuple[dict, list[str]]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        result = dict(items)
        if len(result) != len(items):
            seen: set[str] = set()
            keys = [key for key, _ in items if key in seen or seen.add(key)]
            repeated.append((result, list(dict.fromkeys(keys))))
        return result

    document = json.loads(text, object_pairs_hook=pairs, **options)
    if repeated:
        places = _paths_of({id(found) for found, _ in repeated}, document)
        problems = []
        for found, keys in repeated:
            element, field = places.get(id(found), ("", ""))
            for key in keys:
                problems.append(
                    Problem(
                        name,
                        element,
                        ".".join(p for p in (field, key) if p),
                        f"the key '{key}' is repeated; give it once",
                    )
                )
        raise DataError(problems)
    return document


def _paths_of(wanted: set[int], document: Any) -> dict[int, tuple[str, str]]:
    """Where each wanted object sits: (element, field), e.g. ("nodes[3] (id 'topic:t')", "attributes")."""
    found: dict[int, tuple[str, str]] = {}
    stack: list[tuple[Any, str, list[str]]] = [(document, "", [])]
    while stack:
        value, element, path = stack.pop()
        if isinstance(value, dict):
            if id(value) in wanted:
                found[id(value)] = (element, ".".join(path))
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        for key, item in items:
            if isinstance(value, list) and not element:
                ident = item.get("id") if isinstance(item, dict) else None
                where = f"{'.'.join(path) or 'items'}[{key}]" + (f" (id '{ident}')" if isinstance(ident, str) else "")
                stack.append((item, where, []))
            else:
                stack.append((item, element, [*path, str(key)]))
    return found


def _list_in(document: Any, key: str, name: str) -> tuple[list[Any], list[Problem]]:
    if isinstance(document, list):
        return document, []
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        return [], [Problem(name, "", key, f"expected an object with a '{key}' list")]
    extra = sorted(set(document) - {key, "$schema"})
    problems = [Problem(name, "", field, "unknown field") for field in extra]
    return document[key], problems


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector from running while a large dataset is read or built.

    A load allocates millions of container objects (parsed JSON, models, graph dicts) that all
    stay alive. Each allocation counts towards the collector's thresholds, so it keeps running
    full passes over everything allocated so far while finding nothing to free: at 100k nodes
    that was about half the load time. These objects form no garbage cycles, and reference
    counting still frees everything else at once, so pausing the collector loses nothing; it
    resumes (if it was on) when the last overlapping pause ends, even on an error.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def load_dataset(data_dir: Path | str) -> Dataset:
    """Read and validate nodes.json and edges.json in ``data_dir``.

    Raises DataError listing every problem in both files.
    """
    with gc_paused():
        return _load_dataset(Path(data_dir))


def _load_dataset(data_dir: Path) -> Dataset:
    problems: list[Problem] = []
    documents: dict[str, Any] = {}
    safe = True
    for file_name, key in ((NODES_FILE, "nodes"), (EDGES_FILE, "edges")):
        path = data_dir / file_name
        try:
            text = _read_committed(data_dir, file_name)
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
    return dataset


def _read_committed(data_dir: Path, file_name: str) -> str:
    """A data file's committed text: a change being written (or left by a killed writer) is not seen."""
    from graph.journal import committed_file  # graph.journal writes through this module

    source = committed_file(data_dir, file_name)
    if source.name != file_name:
        try:
            return _read_text(source)
        except DataError:  # committed and tidied away meanwhile: the file itself is current
            pass
    return _read_text(data_dir / file_name)


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
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes atomically: a reader sees the old file or the new one, never a torn one.

    The new file keeps the old one's permissions (or the usual ones for a new file), so a
    write never makes the data private to one user by accident.
    """
    path = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise WriteError(error.errno, f"cannot write {path}: {error.strerror}") from error
    try:
        try:
            write_fd(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp_name, _mode_for(path))
        os.replace(tmp_name, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise WriteError(error.errno, f"cannot write {path}: {error.strerror or error}") from error
        raise
    fsync_directory(path.parent)


def write_fd(fd: int, data: bytes) -> None:
    """The one low-level write of every file this package writes (a full disk fails here)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def fsync_directory(directory: Path) -> None:
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


def stamp(data_dir: Path | str) -> tuple[tuple[str, int, int], ...]:
    """A cheap change detector (modification time and size of each data file).

    Used to decide when to recompute the content ``fingerprint``, which reads the files.
    """
    result = []
    for file_name in (NODES_FILE, EDGES_FILE):
        try:
            info = (Path(data_dir) / file_name).stat()
            result.append((file_name, info.st_mtime_ns, info.st_size))
        except OSError:
            result.append((file_name, -1, -1))
    return tuple(result)


def fingerprint(data_dir: Path | str) -> str:
    """A hash of the data files' content: a cache key that changes when the data does."""
    contents = {}
    for file_name in (NODES_FILE, EDGES_FILE):
        try:
            contents[file_name] = (Path(data_dir) / file_name).read_bytes()
        except OSError:
            contents[file_name] = None
    return fingerprint_of(contents)


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


SCENES_FILE = "scenes.json"
#: The files a change replaces whole (graph.journal keeps their backups while it does).
REPLACEABLE = (NODES_FILE, EDGES_FILE, SCENES_FILE)


def scenes_fingerprint(data_dir: Path | str) -> str:
    """The version of the scenes file (it changes apart from the graph data)."""
    try:
        return scenes_fingerprint_of((Path(data_dir) / SCENES_FILE).read_bytes())
    except OSError:
        return scenes_fingerprint_of(None)


def scenes_fingerprint_of(data: bytes | None) -> str:
    """The ``scenes_fingerprint`` of a scenes file with this content (None: no file)."""
    return hashlib.sha256(SCENES_FILE.encode() + (b"<missing>" if data is None else data)).hexdigest()


def file_digest(data_dir: Path | str, file_name: str) -> str | None:
    """sha256 of one file's bytes, or None when it does not exist."""
    try:
        return hashlib.sha256((Path(data_dir) / file_name).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def replace_data_file(data_dir: Path | str, file_name: str, text: str) -> bool:
    """Atomically replace nodes.json, edges.json or scenes.json with ``text``; skip if it already holds it."""
    if file_name not in REPLACEABLE:
        raise ValueError(f"not a data file: {file_name}")
    path = Path(data_dir) / file_name
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except FileNotFoundError:
        pass
    write_text_atomic(path, text)
    return True


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
    body = {"scenes": [scene.model_dump(mode="json", exclude_none=True) for scene in scenes]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def save_scenes(data_dir: Path | str, scenes: Sequence[Scene]) -> None:
    """Write scenes.json atomically, keeping the given order."""
    write_text_atomic(Path(data_dir) / SCENES_FILE, dump_scenes(scenes))
