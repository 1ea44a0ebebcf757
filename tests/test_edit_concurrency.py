"""Several writers at once, and writers killed half way through a change.

Processes are forked, so the workers below need no pickling; timings vary from run to run,
but every assertion holds whatever the timing.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from graph.data import files, journal, store
from graph.data.edit import add_node, apply_batch, delete_node, read_changelog, recover, snapshot, undo
from graph.data.store import fingerprint, load_dataset
from graph.errors import ConflictError
from graph.schema import Dataset
from tests.conftest import edge, node

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


# The command line's concurrent and killed imports are in tests/test_stores.py, run on both stores.
