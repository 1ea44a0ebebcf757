"""A full disk at each write of a change: the user is told in one line, nothing reported as failed
lands later, and the next change succeeds.

The disk fills by injection: ``graph.data.files.write_fd``, the one low-level write of every file the package
writes, writes half its bytes and then fails with ENOSPC on its n-th call.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from graph.cli.main import main
from graph.data import edit, store
from graph.data import files as data_files
from graph.data.edit import read_changelog
from graph.data.store import load_dataset, load_scenes
from graph.errors import WriteError
from tests.conftest import DATA_DIR


def _import_file(folder: Path, name: str, topic: str) -> Path:
    nodes = [{"id": topic, "type": "topic", "label": topic.split(":")[1].title(), "refs": ["4"]}]
    edges = [{"source": "strand:a", "relation": "raised", "target": topic, "refs": ["4"], "basis": "stated"}]
    path = folder / name
    path.write_text(json.dumps({"nodes": nodes, "edges": edges}), encoding="utf-8")
    return path


def _state(data_dir: Path) -> dict[str, bytes]:
    """Every file of the data folder but the lock file."""
    return {p.name: p.read_bytes() for p in sorted(data_dir.iterdir()) if p.name != ".kg.lock"}


def _count_writes(monkeypatch, run) -> int:
    real, calls = data_files.write_fd, []
    monkeypatch.setattr(data_files, "write_fd", lambda fd, data: (calls.append(1), real(fd, data))[1])
    run()
    monkeypatch.setattr(data_files, "write_fd", real)
    return len(calls)


def _fill_disk_at(monkeypatch, call: int) -> None:
    real, calls = data_files.write_fd, []

    def write(fd: int, data: bytes) -> None:
        calls.append(1)
        if len(calls) == call:
            os.write(fd, data[: len(data) // 2])  # a torn write, then no room for the rest
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)

    monkeypatch.setattr(data_files, "write_fd", write)


def test_a_full_disk_at_each_write_of_an_import(capsys, monkeypatch, data_dir: Path, tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inbox")
    first = _import_file(inbox, "first.json", "topic:first")
    second = _import_file(inbox, "second.json", "topic:second")
    trial = tmp_path_factory.mktemp("trial")
    for name in ("nodes.json", "edges.json"):
        (trial / name).write_bytes((data_dir / name).read_bytes())
    writes = _count_writes(monkeypatch, lambda: main(["import", "--data", str(trial), str(first)]))
    assert writes == 4  # the journal, nodes.json, edges.json, the change-log entry
    capsys.readouterr()

    for call in range(1, writes + 1):
        folder = tmp_path_factory.mktemp(f"full-at-{call}")
        for name in ("nodes.json", "edges.json"):
            (folder / name).write_bytes((data_dir / name).read_bytes())
        main(["import", "--data", str(folder), str(_import_file(inbox, "earlier.json", "topic:earlier"))])
        before = _state(folder)
        capsys.readouterr()

        with monkeypatch.context() as patch:
            _fill_disk_at(patch, call)
            code = main(["import", "--data", str(folder), str(first)])
        out, err = capsys.readouterr()
        assert code == 2 and "Saved" not in out
        assert err.count("\n") == 1 and err.startswith("Error: cannot write ")
        assert err.endswith(": No space left on device; nothing was saved\n")
        assert "Traceback" not in err
        assert _state(folder) == before, f"a write failing at call {call} left something behind"

        assert main(["import", "--data", str(folder), str(second)]) == 0  # the next write succeeds...
        ids = {n.id for n in load_dataset(folder).nodes}
        assert "topic:second" in ids and "topic:first" not in ids  # ...and never applies the failed one
        assert [e["action"] for e in read_changelog(folder)] == ["import earlier.json", "import second.json"]


def test_a_full_disk_while_saving_a_scene_leaves_the_scenes_as_they_were(monkeypatch, data_dir: Path):
    scene = {"id": "scene:barriers", "title": "Barriers", "view": {"types": ["barrier"]}}
    result = edit.add_scene(data_dir, scene, editor="Sam", expected_version=store.scenes_fingerprint(data_dir))
    before = _state(data_dir)
    other = {"id": "scene:topics", "title": "Topics", "view": {"types": ["topic"]}}
    for call in (1, 2, 3):
        with monkeypatch.context() as patch:
            _fill_disk_at(patch, call)
            with pytest.raises(WriteError, match="No space left on device"):
                edit.add_scene(data_dir, other, editor="Sam", expected_version=result.version)
        assert _state(data_dir) == before
    edit.delete_scene(data_dir, "scene:barriers", editor="Sam", expected_version=result.version)
    assert load_scenes(data_dir) == []


def test_the_shipped_data_imports_through_a_full_disk_unharmed(capsys, monkeypatch, tmp_path: Path):
    for name in ("nodes.json", "edges.json"):
        (tmp_path / name).write_bytes((DATA_DIR / name).read_bytes())
    csv = tmp_path / "new.csv"
    csv.write_text("Label,Type,Refs,Level\nKinship care,topic,Workshop,frontline\n", encoding="utf-8")
    before = _state(tmp_path)
    with monkeypatch.context() as patch:
        _fill_disk_at(patch, 2)  # nodes.json
        assert main(["import", "--data", str(tmp_path), str(csv)]) == 2
    assert _state(tmp_path) == before
    assert main(["import", "--data", str(tmp_path), str(csv)]) == 0
    assert "topic:kinship-care" in {n.id for n in load_dataset(tmp_path).nodes}
