"""A reader polls while writers commit: whatever it holds is one committed state, under that state's version.

Each writer commits, one at a time, a new topic *and* a link to it (so both data files are replaced in
one change), and is slowed down after each file it replaces: the window in which nodes.json is new
and edges.json not yet (or the log entry not yet written) is wide, so a reader that took the version
from the files beside the data it read, or read the new file before the commit, would be caught.
Checked in the data layer (``read_dataset``) and in the app's own cache path (``ui.data.handle``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.data.journal import read_changelog
from graph.data.store import dump_edges, dump_nodes, fingerprint_of, load_dataset, read_dataset, save_dataset
from graph.schema import Dataset
from tests.conftest import DATA_DIR, ROOT

COMMITS_PER_WRITER = 12

# One writer: a new topic and a link from the Coventry event to it, per change; each file replacement
# takes 30 ms longer than it would (a slow disk), which keeps the commit window open.
WRITER = """
import sys, time
from graph.data import edit, files
from graph.schema import Dataset, Edge, Node

folder, name, count, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
replace = files.replace_data_file
def slow_replace(*args, **kwargs):
    done = replace(*args, **kwargs)
    time.sleep(0.03)
    return done
files.replace_data_file = slow_replace
for number in range(count):
    topic = f"topic:race-{name}-{number}"
    def merge(existing, topic=topic):
        node = Node(id=topic, type="topic", label=f"Race {name} {number}", refs=["2"], attributes={"level": "frontline"})
        link = Edge(source="strand:event-coventry", target=topic, relation="raised", refs=["2"], basis="stated")
        return Dataset(existing.nodes + (node,), existing.edges + (link,))
    edit.merge_batch(folder, merge, editor=name, action=f"import race-{number}.csv", wait=60)
    time.sleep(pause)
"""


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    save_dataset(folder, load_dataset(DATA_DIR))
    return folder


def _writers(folder: Path, count: int = 2, pause: float = 0.0) -> list[subprocess.Popen]:
    """Writers committing at once; ``pause``: seconds each waits between its changes (so that a slow
    reader, such as the app laying out each new version, still reads many states while they write)."""
    return [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), f"w{n}", str(COMMITS_PER_WRITER), str(pause)], cwd=ROOT
        )
        for n in range(count)
    ]


def _version_of(dataset: Dataset) -> str:
    """The version of the files that hold exactly this dataset (the files are written deterministically)."""
    contents = {"nodes.json": dump_nodes(dataset.nodes).encode(), "edges.json": dump_edges(dataset.edges).encode()}
    return fingerprint_of(contents)


def _whole(dataset: Dataset) -> bool:
    """Every change adds a topic and its link together: a state holding one without the other is torn."""
    topics = {n.id for n in dataset.nodes if n.id.startswith("topic:race-")}
    linked = {e.target for e in dataset.edges if e.target.startswith("topic:race-")}
    return topics == linked


def _poll_until_done(writers: list[subprocess.Popen], read) -> list[tuple[str, Dataset]]:
    """``read()`` -> (version, dataset), over and over until every writer has finished."""
    seen = []
    deadline = time.monotonic() + 240
    while any(w.poll() is None for w in writers):
        assert time.monotonic() < deadline, "the writers did not finish"
        seen.append(read())
    for writer in writers:
        assert writer.wait() == 0
    seen.append(read())
    return seen


def _assert_each_read_is_one_committed_state(folder: Path, start: str, seen: list[tuple[str, Dataset]]) -> None:
    committed = {start} | {entry["version_after"] for entry in read_changelog(folder)}
    assert len(committed) == 1 + 2 * COMMITS_PER_WRITER
    versions = {version for version, _ in seen}
    assert len(versions) >= 4  # the reader saw the data change, again and again (how often depends on load)
    for version, dataset in seen:
        assert _version_of(dataset) == version, "a graph held under a version it was not read at"
        assert version in committed, "a state no change committed"
        assert _whole(dataset), "half a change"
    assert seen[-1][0] == _version_of(load_dataset(folder))


def test_a_reader_polling_the_data_layer_never_holds_data_under_another_version(shipped_copy: Path):
    _, start = read_dataset(shipped_copy)

    def read() -> tuple[str, Dataset]:
        dataset, version = read_dataset(shipped_copy)
        return version, dataset

    seen = _poll_until_done(_writers(shipped_copy), read)
    _assert_each_read_is_one_committed_state(shipped_copy, start, seen)


def test_the_app_polling_through_its_caches_never_holds_a_graph_under_another_version(
    shipped_copy: Path, tmp_path: Path, monkeypatch
):
    from graph.data.folder import FolderStore
    from ui import data

    read_the_store = FolderStore.read

    def slow_read(self):
        """A reader so slow that, while the writers write, a change is committed between the version it
        took and the data it reads: it waits for the change log to grow (at most half a second)."""
        log = self.folder / "changes.jsonl"
        size = log.stat().st_size if log.exists() else 0
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline and (log.stat().st_size if log.exists() else 0) == size:
            time.sleep(0.005)
        return read_the_store(self)

    monkeypatch.setattr(FolderStore, "read", slow_read)
    monkeypatch.setenv("KG_DATA_DIR", str(shipped_copy))
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    data._fingerprint.clear()
    data._loaded.clear()
    start = data.handle().version
    drawn: list[tuple[int, int]] = []  # (nodes in the graph, nodes its layout places)
    laid_out: set[str] = set()

    def read() -> tuple[str, Dataset]:
        handle = data.handle()
        graph = data.load(handle)
        if handle.version not in laid_out:  # the layout, kept on disk for this version, places every node
            laid_out.add(handle.version)
            drawn.append((graph.number_of_nodes(), len(data.positions(handle).keys() & graph.nodes)))
        assert graph.number_of_nodes() == len(data.dataset(handle).nodes)
        return handle.version, data.dataset(handle)

    seen = _poll_until_done(_writers(shipped_copy, pause=0.1), read)
    _assert_each_read_is_one_committed_state(shipped_copy, start, seen)
    assert len(drawn) > 1 and all(nodes == placed for nodes, placed in drawn)
    # A new session after the writers stopped (memory caches cleared, disk cache kept) sees the last change.
    data._fingerprint.clear()
    data._loaded.clear()
    last = data.handle()
    assert last.version == seen[-1][0] and data.load(last).number_of_nodes() == len(load_dataset(DATA_DIR).nodes) + 2 * COMMITS_PER_WRITER
    assert data.positions(last).keys() == data.load(last).nodes.keys()
