"""Several writers at once, and writers killed half way through a change.

Processes are forked, so the workers below need no pickling; timings vary from run to run,
but every assertion holds whatever the timing.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graph.data import files, journal, store
from graph.data.edit import add_node, apply_batch, delete_node, read_changelog, recover, snapshot, undo
from graph.data.store import fingerprint, load_dataset
from graph.errors import ConflictError
from graph.schema import Dataset
from tests.conftest import ROOT, edge, node

FORK = multiprocessing.get_context("fork")
WORKERS, ADDS_EACH = 4, 25


def _add_many(data_dir: Path, worker: int, count: int) -> None:
    """Add ``count`` topics; on a conflict, reload the version (as the app would) and try again."""
    for i in range(count):
        for _attempt in range(10_000):
            _, version = snapshot(data_dir)
            topic = {"id": f"topic:w{worker}-{i}", "type": "topic", "label": f"W{worker} {i}", "refs": ["2"]}
            try:
                add_node(data_dir, topic, editor=f"worker {worker}", expected_version=version)
                break
            except ConflictError:
                continue
        else:
            raise RuntimeError("never got a turn")


def _assert_history_is_whole(data_dir: Path, start: str) -> list[dict]:
    """Every change is logged once, each starting from the version the one before left."""
    entries = read_changelog(data_dir)
    assert len({e["id"] for e in entries}) == len(entries)
    assert [e["version_before"] for e in entries] == [start] + [e["version_after"] for e in entries[:-1]]
    assert entries[-1]["version_after"] == fingerprint(data_dir)
    return entries


def test_many_processes_adding_at_once_lose_no_update(data_dir: Path):
    start = fingerprint(data_dir)
    workers = [FORK.Process(target=_add_many, args=(data_dir, w, ADDS_EACH)) for w in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * WORKERS

    added = {n.id for n in load_dataset(data_dir).nodes} - {"strand:a", "topic:t", "theme:h"}
    assert added == {f"topic:w{w}-{i}" for w in range(WORKERS) for i in range(ADDS_EACH)}
    entries = _assert_history_is_whole(data_dir, start)
    assert len(entries) == WORKERS * ADDS_EACH
    assert not (data_dir / ".kg.pending.json").exists()


def test_threads_in_one_process_are_serialised_too(data_dir: Path):
    # The app serves every browser session from threads of one process.
    start = fingerprint(data_dir)
    threads = [threading.Thread(target=_add_many, args=(data_dir, w, 5)) for w in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(load_dataset(data_dir).nodes) == 3 + 15
    assert len(_assert_history_is_whole(data_dir, start)) == 15


def _write_forever(data_dir: Path, round: int) -> None:
    """Changes that rewrite both files, one after another, until killed."""
    for i in range(1_000_000):
        dataset, version = snapshot(data_dir)
        topic = f"topic:r{round}-{i}"
        with_topic = Dataset(
            (*dataset.nodes, node(topic, "topic")), (*dataset.edges, edge("strand:a", "raised", topic))
        )
        result = apply_batch(data_dir, with_topic, editor="writer", action="import", expected_version=version)
        result = delete_node(data_dir, topic, editor="writer", expected_version=result.version)
        undo(data_dir, editor="writer", expected_version=result.version)


def _wait_for_entries(data_dir: Path, count: int) -> None:
    deadline = time.monotonic() + 30
    while len(read_changelog(data_dir)) < count and time.monotonic() < deadline:
        time.sleep(0.005)


def test_a_writer_killed_at_any_moment_leaves_files_that_load(data_dir: Path):
    start = fingerprint(data_dir)
    delays = (0.0, 0.007, 0.013, 0.021, 0.034, 0.055)  # after the writer's first change: spread over a cycle
    for round, delay in enumerate(delays):
        logged = len(read_changelog(data_dir))
        writer = FORK.Process(target=_write_forever, args=(data_dir, round))
        writer.start()
        _wait_for_entries(data_dir, logged + 1)
        time.sleep(delay)
        writer.kill()  # SIGKILL: no cleanup runs
        writer.join()
        assert writer.exitcode == -9

        load_dataset(data_dir)  # valid as left, before any recovery
        recover(data_dir)
        load_dataset(data_dir)
        assert not (data_dir / ".kg.pending.json").exists()
    entries = _assert_history_is_whole(data_dir, start)
    assert len(entries) >= len(delays)


def _crash_at(data_dir: Path, module: str, function: str, call: int, target: Dataset) -> None:
    """Run one change and die (os._exit: no cleanup) right after the ``call``-th call of <module>.<function>."""
    owner = {"store": store, "files": files, "journal": journal}[module]
    real = getattr(owner, function)
    calls = []

    def then_die(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == call:
            os._exit(3)
        return result

    setattr(owner, function, then_die)
    apply_batch(data_dir, target, editor="Sam", action="retype", expected_version=fingerprint(data_dir))
    os._exit(0)


def _retyped(tiny_dataset: Dataset) -> Dataset:
    """topic:t becomes a barrier a stakeholder faces: edges.json, nodes.json and edges.json are rewritten."""
    nodes = tuple(n for n in tiny_dataset.nodes if n.id != "topic:t")
    nodes += (node("topic:t", "barrier", "Trauma"), node("stakeholder:p", "stakeholder"))
    return Dataset(nodes, (edge("stakeholder:p", "faces", "topic:t"),))


@pytest.mark.parametrize(
    ("module", "function", "call", "committed"),
    [
        ("files", "write_text_atomic", 1, False),  # the journal is written
        ("journal", "_keep_backup", 1, False),
        ("files", "replace_data_file", 1, False),
        ("files", "replace_data_file", 2, False),
        ("files", "replace_data_file", 3, False),
        ("journal", "append_changelog", 1, True),  # the entry is in the log: committed
    ],
)
def test_a_crash_at_each_step_is_valid_at_once_and_settled_by_recovery(
    data_dir: Path,
    tiny_dataset: Dataset,
    tmp_path_factory: pytest.TempPathFactory,
    module: str,
    function: str,
    call: int,
    committed: bool,
):
    original = tmp_path_factory.mktemp("original")
    store.save_dataset(original, tiny_dataset)
    reference = tmp_path_factory.mktemp("reference")
    store.save_dataset(reference, tiny_dataset)
    apply_batch(
        reference, _retyped(tiny_dataset), editor="Sam", action="retype", expected_version=fingerprint(reference)
    )
    start = fingerprint(data_dir)

    crashing = FORK.Process(target=_crash_at, args=(data_dir, module, function, call, _retyped(tiny_dataset)))
    crashing.start()
    crashing.join(timeout=30)
    assert crashing.exitcode == 3

    load_dataset(data_dir)
    assert recover(data_dir) is True
    expected = reference if committed else original
    for name in ("nodes.json", "edges.json"):
        assert (data_dir / name).read_bytes() == (expected / name).read_bytes()
    if committed:
        (entry,) = _assert_history_is_whole(data_dir, start)
        assert entry["action"] == "retype"
    else:
        assert read_changelog(data_dir) == []
    assert sorted(p.name for p in data_dir.glob(".kg.*")) == [".kg.lock"]


# ---- the command line: imports from several terminals or scripts at once

IMPORTS = 16


def _import_file(folder: Path, number: int, size: int = 1) -> Path:
    """A JSON file of ``size`` new topics, each raised by strand:a (nodes and edges, so both files change)."""
    nodes = [
        {"id": f"topic:import-{number}-{i}", "type": "topic", "label": f"Import {number} topic {i}", "refs": ["4"]}
        for i in range(size)
    ]
    edges = [
        {"source": "strand:a", "relation": "raised", "target": n["id"], "refs": ["4"], "basis": "stated"} for n in nodes
    ]
    path = folder / f"import-{number}.json"
    path.write_text(json.dumps({"nodes": nodes, "edges": edges}), encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "graph", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _ids_per_import(data_dir: Path, count: int, size: int = 1) -> list[int]:
    """For each import, how many of its topics (and their links) are in the data."""
    dataset = load_dataset(data_dir)
    node_ids = [n.id for n in dataset.nodes]
    edge_targets = [e.target for e in dataset.edges if e.source == "strand:a"]
    found = []
    for number in range(count):
        ids = [f"topic:import-{number}-{i}" for i in range(size)]
        assert all(node_ids.count(i) <= 1 for i in ids)
        present = sum(1 for i in ids if i in node_ids)
        assert present == sum(1 for i in ids if i in edge_targets)  # a topic lands with its link
        found.append(present)
    return found


def test_sixteen_imports_at_once_all_land_each_once(data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    inbox = tmp_path_factory.mktemp("inbox")
    start = fingerprint(data_dir)
    runs = [_cli("import", "--data", str(data_dir), str(_import_file(inbox, n))) for n in range(IMPORTS)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]

    assert [code for code, _, _ in results] == [0] * IMPORTS, [err for _, _, err in results if err]
    assert all(out.rstrip().endswith(f"Saved to {data_dir}.") and not err for _, out, err in results)
    assert _ids_per_import(data_dir, IMPORTS) == [1] * IMPORTS
    entries = _assert_history_is_whole(data_dir, start)
    assert sorted(e["action"] for e in entries) == sorted(f"import import-{n}.json" for n in range(IMPORTS))
    assert all(not e["before"]["nodes"] for e in entries)  # an import only adds here: nothing removed


def _import_forever(data_dir: Path, inbox: Path, first: int) -> None:
    """Import file after file (from import-<first>.json on) through the command line's own code until killed."""
    from graph.cli.main import main

    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (the process is killed, never closes)
    for number in range(first, 10_000):
        assert main(["import", "--data", str(data_dir), str(inbox / f"import-{number}.json")]) == 0


def _wait_for_journal(data_dir: Path) -> None:
    deadline = time.monotonic() + 30
    while not (data_dir / ".kg.pending.json").exists() and time.monotonic() < deadline:
        time.sleep(0.0005)


def test_an_import_killed_at_random_moments_lands_whole_or_not_at_all(
    data_dir: Path, tmp_path_factory: pytest.TempPathFactory
):
    inbox = tmp_path_factory.mktemp("inbox")
    rounds, size = 10, 30
    for number in range(rounds * 40):
        _import_file(inbox, number, size)
    chance = random.Random(10)
    for number in range(rounds):
        logged = len(read_changelog(data_dir))
        importer = FORK.Process(target=_import_forever, args=(data_dir, inbox, number * 40))
        importer.start()
        _wait_for_entries(data_dir, logged + 1)
        if number % 2:  # at any moment
            time.sleep(chance.uniform(0, 0.25))
        else:  # while a change is being written (its journal exists), a few milliseconds in
            _wait_for_journal(data_dir)
            time.sleep(chance.uniform(0, 0.01))
        importer.kill()  # SIGKILL, at whatever step it has reached
        importer.join()
        assert importer.exitcode == -9

        seen = _ids_per_import(data_dir, rounds * 40, size)  # what a reader sees, before any recovery
        recover(data_dir)  # what the next writer does first
        landed = _ids_per_import(data_dir, rounds * 40, size)
        assert set(landed) <= {0, size}, "an import landed in part"
        assert seen == landed, "a reader saw a change that was then rolled back"
        logged_files = {e["action"] for e in read_changelog(data_dir)}
        assert logged_files == {f"import import-{n}.json" for n, count in enumerate(landed) if count}
        assert sorted(p.name for p in data_dir.glob(".kg.*")) == [".kg.lock"]
