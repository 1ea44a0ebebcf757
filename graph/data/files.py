"""Reading and writing files, whatever they hold: located errors, strict JSON, atomic writes.

Every file this package reads or writes goes through here. Reads report every problem with its
file, element and field. Writes are atomic (a temporary file in the same folder, fsync, rename),
so a crash leaves the old file or the new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graph.errors import DataError, Problem, WriteError

NODES_FILE = "nodes.json"
EDGES_FILE = "edges.json"
SCENES_FILE = "scenes.json"
#: The files a change replaces whole (graph.data.journal keeps their backups while it does).
REPLACEABLE = (NODES_FILE, EDGES_FILE, SCENES_FILE)
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_json(path: Path) -> Any:
    """Parse one JSON file, turning every failure into a located DataError."""
    return parse_json_text(read_text(path), str(path))


def read_text(path: Path) -> str:
    """A data file's text (UTF-8, a byte-order mark dropped); every failure a located DataError."""
    return decode_text(read_data_bytes(path), str(path))


def check_data_folder(data_dir: Path | str) -> None:
    """One located line when the data folder is not there, or is a file (not one per data file)."""
    if Path(data_dir).is_dir():
        return
    what = "is a file, not a data folder" if Path(data_dir).exists() else "no such data folder"
    raise DataError([Problem(str(data_dir), "", "", what)])


def read_data_bytes(path: Path) -> bytes:
    """A data file's bytes. Missing, a folder, too big or unreadable: a DataError naming the file."""
    name = str(path)
    try:
        if path.is_dir():
            raise DataError([Problem(name, "", "", "is a folder, not a file")])
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError([Problem(name, "", "", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")])
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(name, "", "", "file not found")]) from None
    except OSError as error:
        raise DataError([Problem(name, "", "", f"cannot read the file ({error.strerror or error})")]) from None


def decode_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError([Problem(name, "", "", f"not UTF-8 text (bad byte at offset {error.start})")]) from None


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
