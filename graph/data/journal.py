"""How a change reaches the data folder: one lock, a journal, backups, and the change log as the commit.

A change is committed when, and only when, its entry is a whole line of ``changes.jsonl``.
``commit`` writes a small journal naming the entry and the files it will replace, keeps the old
files as backups (hard links: no copy, no extra space), replaces the files, then appends the entry.
Whatever fails before the entry is a whole line (an error, a full disk, a kill) is rolled back, by
the writer itself or by the next writer's ``recover``: the backups go back in place and the journal
is removed. A change whose entry made it into the log is kept. So a change reported as failed never
lands later, and the data and the log never disagree.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from graph.data import files
from graph.errors import DataError, GraphError, Problem, WriteError

LOCK_FILE = ".kg.lock"
PENDING_FILE = ".kg.pending.json"
BACKUP_PREFIX = ".kg.backup."
CHANGELOG_FILE = "changes.jsonl"
LOCK_TIMEOUT_SECONDS = 15.0
STALE_TEMP_SECONDS = 60.0

Step = tuple[str, str]  # (data file name, its new text)


# ---- the lock


@contextlib.contextmanager
def data_lock(data_dir: Path | str, timeout: float | None = None) -> Iterator[None]:
    """Hold the data folder's cross-process lock: one writer at a time, across processes and threads."""
    # Imported here, not at the top: reading the data (validate, stats, the app's first page) goes
    # through this module too, and must not need a library that only writers use.
    from filelock import FileLock, Timeout

    files.check_data_folder(data_dir)
    wait = LOCK_TIMEOUT_SECONDS if timeout is None else timeout
    lock = FileLock(Path(data_dir) / LOCK_FILE, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise GraphError(
            f"The data is busy: another change has been saving for over {wait:g} seconds. Try again in a moment."
        ) from None
    except OSError as error:
        where = Path(data_dir) / LOCK_FILE
        raise GraphError(f"Cannot lock the data folder for editing: {where}: {error.strerror or error}.") from None
    try:
        yield
    finally:
        lock.release()


# ---- committing a change (call holding the lock)


def commit(data_dir: Path | str, steps: Sequence[Step], entry: dict[str, Any]) -> None:
    """Replace the files as ``steps`` say and log ``entry``: all of it, or (on any failure) none of it.

    Raises WriteError (or whatever interrupted it) after rolling back; nothing is left for later.
    """
    data_dir = Path(data_dir)
    log = data_dir / CHANGELOG_FILE
    if log.is_dir():  # the commit point could never be written: refuse before touching anything
        raise WriteError(errno.EISDIR, f"cannot write {log}: it is a folder, not a file; nothing was saved")
    names = list(dict.fromkeys(name for name, _ in steps))
    expect = {name: [files.file_digest(data_dir, name), *[_sha256(t) for n, t in steps if n == name]] for name in names}
    journal = {"entry": entry["id"], "expect": expect}
    try:
        files.write_text_atomic(data_dir / PENDING_FILE, json.dumps(journal) + "\n")
    except WriteError as error:  # nothing was done
        raise WriteError(error.errno, f"{error.strerror or error}; nothing was saved") from error
    try:
        for name in names:
            _keep_backup(data_dir, name)
        files.fsync_directory(data_dir)
        for name, text in steps:
            files.replace_data_file(data_dir, name, text)
        append_changelog(data_dir, entry)  # the commit point
    except BaseException as error:
        with contextlib.suppress(Exception):  # else the next writer's recover() rolls it back
            _settle(data_dir, journal)
        if isinstance(error, WriteError):
            raise WriteError(error.errno, f"{error.strerror or error}; nothing was saved") from error
        if isinstance(error, OSError):
            detail = f"cannot write in {data_dir}: {error.strerror or error}"
            raise WriteError(error.errno, f"{detail}; nothing was saved") from error
        raise
    with contextlib.suppress(OSError):  # committed: tidying up can wait for the next writer
        _tidy(data_dir, names)


def recover(data_dir: Path | str) -> bool:
    """Settle a change a killed or failed writer left: keep it if it was committed, else roll it back.

    Call holding the lock. True when there was such a change. A journal that no longer fits the
    files (they were restored or edited by hand since) is set aside for a person to look at.
    """
    data_dir = Path(data_dir)
    remove_stale_temp_files(data_dir)
    path = data_dir / PENDING_FILE
    if not path.exists():
        return False
    try:
        journal = files.read_json(path)
        entry_id, expect = journal["entry"], journal["expect"]
        if not isinstance(entry_id, str) or not all(isinstance(v, list) for v in expect.values()):
            raise TypeError
    except (DataError, KeyError, TypeError, AttributeError):
        _set_aside(data_dir, [])
        return False
    return _settle(data_dir, journal)


def _settle(data_dir: Path, journal: dict[str, Any]) -> bool:
    names = list(journal["expect"])
    if _is_logged(data_dir, journal["entry"]):
        _tidy(data_dir, names)
        return True
    for name, digests in journal["expect"].items():
        backup = data_dir / f"{BACKUP_PREFIX}{name}"
        current = files.file_digest(data_dir, name)
        kept = files.file_digest(data_dir, backup.name)
        if current not in digests or (kept is not None and kept != digests[0]):
            _set_aside(data_dir, names)  # changed outside the editor: rolling back would overwrite that
            return False
    for name, digests in journal["expect"].items():
        backup = data_dir / f"{BACKUP_PREFIX}{name}"
        if backup.exists():
            if os.path.exists(data_dir / name) and os.path.samefile(backup, data_dir / name):
                os.unlink(backup)  # not replaced yet (rename between two links of one file does nothing)
            else:
                os.replace(backup, data_dir / name)
        elif digests[0] is None:  # the change created the file
            with contextlib.suppress(FileNotFoundError):
                os.unlink(data_dir / name)
        # else: no backup yet, so the file was not replaced yet
    files.fsync_directory(data_dir)
    _cut_torn_tail(data_dir / CHANGELOG_FILE)
    _remove(data_dir / PENDING_FILE)
    return True


def committed_file(data_dir: Path | str, name: str) -> Path:
    """Where a reader finds the committed content of a data file, without the lock and without writing.

    While a change is being written, or after a writer was killed before its entry was logged,
    that is the backup; otherwise the file itself. So readers see a change whole or not at all.
    """
    data_dir = Path(data_dir)
    backup = data_dir / f"{BACKUP_PREFIX}{name}"
    if not backup.exists():  # the usual case: one stat
        return data_dir / name
    try:
        journal = json.loads((data_dir / PENDING_FILE).read_text(encoding="utf-8"))
        in_flight = name in journal["expect"] and not _is_logged(data_dir, journal["entry"])
    except (OSError, ValueError, KeyError, TypeError):
        in_flight = False
    return backup if in_flight else data_dir / name


def read_committed(data_dir: Path | str, names: Sequence[str], read: Any) -> dict[str, Any]:
    """``read(path)`` of each file's committed content, all from one committed state of the folder.

    A reader takes no lock, so a writer may start or commit while it reads: the files read are then
    checked against the change in flight (a file replaced but not yet committed is read again from its
    backup) and against the log (a change committed between two files means reading them again).
    ``read`` returns bytes (or raises); the result maps each name to them.
    """
    data_dir = Path(data_dir)
    for _attempt in range(READ_ATTEMPTS):
        mark = _log_mark(data_dir)
        found = {name: _read_one(data_dir, name, read) for name in names}
        if _log_mark(data_dir) == mark and all(_settled(data_dir, name, data) for name, data in found.items()):
            return found
        time.sleep(0.005)
    raise GraphError(f"The data in {data_dir} kept changing while it was read; try again in a moment.")


READ_ATTEMPTS = 20


def _read_one(data_dir: Path, name: str, read: Any) -> Any:
    source = committed_file(data_dir, name)
    if source.name != name:
        try:
            return read(source)
        except (DataError, OSError):  # committed and tidied away meanwhile: the file itself is current
            pass
    return read(data_dir / name)


def _settled(data_dir: Path, name: str, data: Any) -> bool:
    """False when a change to ``name`` is in flight now and ``data`` is not the file as it was before it."""
    before = _in_flight_before(data_dir, name)
    if before is None:
        return True
    return isinstance(data, bytes) and hashlib.sha256(data).hexdigest() == before


def _in_flight_before(data_dir: Path, name: str) -> str | None:
    """The digest ``name`` had before the change being written now, or None when none is in flight."""
    try:
        journal = json.loads((data_dir / PENDING_FILE).read_text(encoding="utf-8"))
        digests = journal["expect"].get(name)
        if not digests or _is_logged(data_dir, journal["entry"]):
            return None
        return digests[0] or ""  # a file the change creates had no digest: nothing read can match
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _log_mark(data_dir: Path) -> tuple[int, int] | None:
    """Changes when a change is committed (its entry appended to the log)."""
    try:
        info = (data_dir / CHANGELOG_FILE).stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def _keep_backup(data_dir: Path, name: str) -> None:
    source, backup = data_dir / name, data_dir / f"{BACKUP_PREFIX}{name}"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(backup)  # a leftover from a writer killed while tidying up
    if not source.exists():
        return
    try:
        os.link(source, backup)  # the old file lives on under the backup's name when replaced
    except OSError:  # a file system without hard links: copy instead
        files.write_bytes_atomic(backup, source.read_bytes())


def _tidy(data_dir: Path, names: Sequence[str]) -> None:
    for name in names:
        _remove(data_dir / f"{BACKUP_PREFIX}{name}")
    _remove(data_dir / PENDING_FILE)  # last: while it exists, recover() can still finish tidying


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    files.fsync_directory(path.parent)


def _set_aside(data_dir: Path, names: Sequence[str]) -> None:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            os.replace(data_dir / f"{BACKUP_PREFIX}{name}", data_dir / f"{BACKUP_PREFIX}{name}.{stamp}.set-aside")
    os.replace(data_dir / PENDING_FILE, data_dir / f".kg.pending.{stamp}.set-aside.json")
    files.fsync_directory(data_dir)


def remove_stale_temp_files(data_dir: Path | str, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete temporary files a killed writer left behind (only ours, and only old ones)."""
    now = time.time()
    removed = []
    for name in (*files.REPLACEABLE, PENDING_FILE, *(f"{BACKUP_PREFIX}{n}" for n in files.REPLACEABLE)):
        for path in Path(data_dir).glob(f".{name}.*.tmp"):
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat().st_mtime >= older_than:
                    path.unlink()
                    removed.append(path)
    return removed


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- the change log


def append_changelog(data_dir: Path | str, entry: dict[str, Any]) -> None:
    """Append one entry as a JSON line and fsync; on any failure the log is cut back to what it was.

    A torn last line (a writer killed mid-append) is cut off first.
    """
    path = Path(data_dir) / CHANGELOG_FILE
    line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    try:
        created = not path.exists()
        _cut_torn_tail(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as error:
        raise WriteError(error.errno, f"cannot write {path}: {error.strerror or error}") from error
    try:
        size = os.fstat(fd).st_size
        try:
            files.write_fd(fd, line)
            os.fsync(fd)
        except BaseException as error:
            os.ftruncate(fd, size)  # no torn line, and no entry for a change that is being rolled back
            with contextlib.suppress(OSError):
                os.fsync(fd)
            if isinstance(error, OSError):
                raise WriteError(error.errno, f"cannot write {path}: {error.strerror or error}") from error
            raise
    finally:
        os.close(fd)
    if created:
        files.fsync_directory(path.parent)


def _cut_torn_tail(path: Path) -> None:
    if not path.is_file():  # no log yet (or not a file at all: nothing of ours to cut)
        return
    size = path.stat().st_size
    if size == 0:
        return
    with open(path, "rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        handle.seek(0)
        handle.truncate(handle.read().rfind(b"\n") + 1)
        handle.flush()
        os.fsync(handle.fileno())


def _is_logged(data_dir: Path, entry_id: str) -> bool:
    """Whether the entry is a whole line of the log (entries are written with their id first)."""
    try:
        text = (data_dir / CHANGELOG_FILE).read_bytes()
    except OSError:  # no log, or one that cannot be read (a folder): no entry in it is committed
        return False
    whole = text[: text.rfind(b"\n") + 1]
    return f'{{"id":{json.dumps(entry_id)},'.encode() in whole


def read_changelog(data_dir: Path | str) -> list[dict[str, Any]]:
    """Every entry of the change log, oldest first ([] when there is none).

    An unfinished last line (a write in progress, or one a crash cut short) is left out.
    """
    path = Path(data_dir) / CHANGELOG_FILE
    if not path.exists():
        return []
    *lines, _unfinished = files.read_data_bytes(path).split(b"\n")
    entries = []
    problems = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(Problem(str(path), f"line {number}", "", f"not a JSON entry ({error})"))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.append(Problem(str(path), f"line {number}", "id", "expected an object with an 'id'"))
            continue
        entries.append(entry)
    if problems:
        raise DataError(problems)
    return entries
