"""The store suite: the same guarantees from the data folder and from PostgreSQL.

Every test runs once per store ("folder", "postgres"), starting from the tiny dataset
(strand:a --raised--> topic:t --in_theme--> theme:h). The PostgreSQL runs use a real server the
tests start themselves (tests/conftest.py: ``pg_server``), one fresh database per test.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.cli.main import main
from graph.data import edit
from graph.data.folder import FolderStore
from graph.data.store import dump_edges, dump_nodes, fingerprint_of
from graph.data.stores import Store, configured_store
from graph.errors import ConflictError, DataError
from graph.schema import Dataset, edge_key
from tests.conftest import DATA_DIR, ROOT, node

FORK = multiprocessing.get_context("fork")
NEW_TOPIC = {"id": "topic:neglect", "type": "topic", "label": "Neglect", "refs": ["4.1"]}
LOG_FIELDS = ["id", "time", "editor", "action", "element", "key", "before", "after", "version_before", "version_after"]
IMPORTS = 16


@pytest.fixture(params=["folder", "postgres"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def place(kind: str, request, data_dir: Path, tiny_dataset: Dataset) -> Store:
    """The tiny dataset in a store of this kind."""
    if kind == "folder":
        return FolderStore(data_dir)
    from graph.data.postgres import PgStore

    found = PgStore.from_url(request.getfixturevalue("database_url"))
    found.install(tiny_dataset, None, [], replace=False)
    return found


@pytest.fixture
def cli_env(kind: str, place: Store, request, monkeypatch) -> list[str]:
    """The settings that point the command line at this store: --data for the folder, KG_DATABASE_URL
    for the database (in this process's environment, which subprocesses inherit)."""
    if kind == "folder":
        monkeypatch.delenv("KG_DATABASE_URL", raising=False)
        return ["--data", str(place.folder)]
    monkeypatch.setenv("KG_DATABASE_URL", request.getfixturevalue("database_url"))
    return []


def folder_version(dataset: Dataset) -> str:
    """The version a data folder holding exactly this dataset has."""
    return fingerprint_of(
        {"nodes.json": dump_nodes(dataset.nodes).encode(), "edges.json": dump_edges(dataset.edges).encode()}
    )


def history_is_whole(place: Store, start: str) -> list[dict]:
    """Every change is logged once, each starting from the version the one before left."""
    entries = place.changelog()
    assert len({e["id"] for e in entries}) == len(entries)
    assert [e["version_before"] for e in entries] == [start] + [e["version_after"] for e in entries[:-1]]
    if entries:
        assert entries[-1]["version_after"] == place.version()
    return entries


# ---- reading


def test_the_version_is_that_of_the_data_read_and_the_same_in_both_stores(place: Store, tiny_dataset: Dataset):
    dataset, version = place.read()
    assert dataset.nodes == tuple(sorted(tiny_dataset.nodes, key=lambda n: n.id))  # in the data files' order
    assert sorted(e.key for e in dataset.edges) == sorted(e.key for e in tiny_dataset.edges)
    assert version == place.version() == folder_version(tiny_dataset)


def test_a_store_without_scenes_reads_none(place: Store):
    assert place.read_scenes() == []
    assert place.changelog() == []


# ---- writing: validated, versioned, logged, undoable


def test_a_change_is_saved_logged_with_the_fields_of_changes_jsonl_and_moves_the_version(place: Store):
    start = place.version()
    result = edit.add_node(place, NEW_TOPIC, editor="Sam", expected_version=start)
    dataset, version = place.read()
    assert "topic:neglect" in {n.id for n in dataset.nodes}
    assert result.version == version == folder_version(dataset)
    (entry,) = history_is_whole(place, start)
    assert list(entry) == LOG_FIELDS
    assert (entry["id"], entry["action"], entry["editor"], entry["element"]) == (
        result.entry_id,
        "add_node",
        "Sam",
        "node",
    )
    assert (entry["key"], entry["before"], entry["after"]) == ("topic:neglect", None, NEW_TOPIC)


def test_a_stale_version_is_refused_and_nothing_is_written(place: Store):
    start = place.version()
    edit.add_node(place, NEW_TOPIC, editor="Sam", expected_version=start)
    before = (place.read(), place.changelog())
    with pytest.raises(ConflictError):
        edit.delete_node(place, "topic:t", editor="Kim", expected_version=start)
    assert (place.read(), place.changelog()) == before


def test_an_invalid_change_lists_its_problems_and_writes_nothing(place: Store):
    before = (place.read(), place.changelog())
    dangling = {"source": "strand:a", "relation": "raised", "target": "topic:missing", "refs": ["2"], "basis": "stated"}
    with pytest.raises(DataError) as caught:
        edit.add_edge(place, dangling, editor="Sam", expected_version=place.version())
    assert any("topic:missing" in str(problem) for problem in caught.value.problems)
    assert (place.read(), place.changelog()) == before


def test_deleting_a_node_takes_its_links_and_undo_brings_both_back_exactly(place: Store):
    start_data, start = place.read()
    deleted = edit.delete_node(place, "topic:t", editor="Sam", expected_version=start)
    dataset, _ = place.read()
    assert "topic:t" not in {n.id for n in dataset.nodes} and dataset.edges == ()
    undone = edit.undo(place, editor="Kim", expected_version=deleted.version)
    assert place.read() == (start_data, start) and undone.version == start
    entries = history_is_whole(place, start)
    assert [e["action"] for e in entries] == ["delete_node", "undo"] and entries[1]["undoes"] == deleted.entry_id


def test_an_edge_update_that_moves_it_is_one_change(place: Store):
    key = edge_key("strand:a", "raised", "topic:t")
    result = edit.update_edge(
        place, key, {"relation": "not_prioritised"}, editor="Sam", expected_version=place.version()
    )
    keys = {e.key for e in place.read()[0].edges}
    assert edge_key("strand:a", "not_prioritised", "topic:t") in keys and key not in keys
    assert result.version == place.version()


def test_a_batch_replaces_the_data_whole(place: Store, tiny_dataset: Dataset):
    bigger = Dataset(
        (*tiny_dataset.nodes, *(node(f"topic:b{i}", "topic") for i in range(50))),
        tiny_dataset.edges,
    )
    edit.apply_batch(place, bigger, editor="Sam", action="import big.json", expected_version=place.version())
    assert len(place.read()[0].nodes) == 53
    assert place.changelog()[-1]["action"] == "import big.json"


def test_scenes_are_saved_versioned_and_undone_by_id(place: Store):
    _, version = edit.scenes_snapshot(place)
    scene = {"id": "scene:one", "title": "One", "view": {"focus": "topic:t"}}
    added = edit.add_scene(place, scene, editor="Sam", expected_version=version)
    assert [s.id for s in place.read_scenes()] == ["scene:one"] and place.scenes_version() == added.version
    with pytest.raises(ConflictError):
        edit.delete_scene(place, "scene:one", editor="Kim", expected_version=version)
    edit.undo(place, added.entry_id, editor="Kim", expected_version=added.version)
    assert place.read_scenes() == []


def test_a_data_change_does_not_move_the_scenes_version(place: Store):
    scenes_version = place.scenes_version()
    edit.add_node(place, NEW_TOPIC, editor="Sam", expected_version=place.version())
    assert place.scenes_version() == scenes_version


# ---- sixteen imports at once, and an importer killed at any moment


def _import_file(folder: Path, number: int, size: int = 1) -> Path:
    """A JSON file of ``size`` new topics, each raised by strand:a (nodes and edges both change)."""
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


def _ids_per_import(place: Store, count: int, size: int = 1) -> list[int]:
    """For each import, how many of its topics (and their links) the store holds; also checks the data validates."""
    dataset, _ = place.read()
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


def test_sixteen_imports_from_the_command_line_at_once_all_land_each_once(
    place: Store, cli_env: list[str], tmp_path_factory: pytest.TempPathFactory
):
    inbox = tmp_path_factory.mktemp("inbox")
    start = place.version()
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "graph", "import", *cli_env, str(_import_file(inbox, n))],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for n in range(IMPORTS)
    ]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]

    assert [code for code, _, _ in results] == [0] * IMPORTS, [err for _, _, err in results if err]
    assert all(out.rstrip().endswith(f"Saved to {place.describe()}.") and not err for _, out, err in results)
    assert _ids_per_import(place, IMPORTS) == [1] * IMPORTS
    entries = history_is_whole(place, start)
    assert sorted(e["action"] for e in entries) == sorted(f"import import-{n}.json" for n in range(IMPORTS))
    assert all(not e["before"]["nodes"] for e in entries)  # an import only adds here: nothing removed


def _import_forever(cli_env: list[str], database: str | None, inbox: Path, first: int) -> None:
    """Import file after file through the command line's own code until killed."""
    if database:
        os.environ["KG_DATABASE_URL"] = database
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (the process is killed, never closes)
    for number in range(first, 10_000):
        assert main(["import", *cli_env, str(inbox / f"import-{number}.json")]) == 0


def _writing_now(place: Store) -> bool:
    """Whether a change is being written at this moment (the folder's journal; the database's writer)."""
    if isinstance(place, FolderStore):
        return (place.folder / ".kg.pending.json").exists()
    import psycopg

    with psycopg.connect(place._url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kg-explorer writing'"
        ).fetchone()
    return bool(row and row[0])


def _wait_for(condition, seconds: float = 30.0, pause: float = 0.0005) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(pause)
    return False


def test_an_importer_killed_at_random_moments_leaves_all_of_an_import_or_none(
    place: Store, cli_env: list[str], tmp_path_factory: pytest.TempPathFactory
):
    inbox = tmp_path_factory.mktemp("inbox")
    rounds, size = 8, 30
    for number in range(rounds * 40):
        _import_file(inbox, number, size)
    database = os.environ.get("KG_DATABASE_URL") if not cli_env else None
    chance = random.Random(22)
    for number in range(rounds):
        logged = len(place.changelog())
        importer = FORK.Process(target=_import_forever, args=(cli_env, database, inbox, number * 40))
        importer.start()
        assert _wait_for(lambda logged=logged: len(place.changelog()) > logged, pause=0.005)
        if number % 2:  # at any moment
            time.sleep(chance.uniform(0, 0.25))
        else:  # while a change is being written, a few milliseconds in
            assert _wait_for(lambda: _writing_now(place)), "no change was seen being written"
            time.sleep(chance.uniform(0, 0.01))
        importer.kill()  # SIGKILL, at whatever step it has reached
        importer.join()
        assert importer.exitcode == -9

        seen = _ids_per_import(place, rounds * 40, size)  # what a reader sees, before any recovery
        place.recover()  # what the next writer does first
        landed = _ids_per_import(place, rounds * 40, size)
        assert set(landed) <= {0, size}, "an import landed in part"
        assert seen == landed, "a reader saw a change that was then rolled back"
        logged_files = {e["action"] for e in place.changelog()}
        assert logged_files == {f"import import-{n}.json" for n, count in enumerate(landed) if count}
        assert _wait_for(lambda: not _writing_now(place), seconds=10), "the killed writer's change is still open"
        if isinstance(place, FolderStore):  # no journal, backup or temporary file is left behind
            assert sorted(p.name for p in place.folder.glob(".kg.*")) == [".kg.lock"]
    # and the next writer gets the lock at once
    edit.add_node(place, NEW_TOPIC, editor="Sam", expected_version=place.version())


# ---- the round trip: a data folder into the store and back out, byte for byte


def _folder_with_history(tmp_path: Path) -> Path:
    """The shipped data with a few changes logged (so changes.jsonl travels too)."""
    source = tmp_path / "source"
    shutil.copytree(DATA_DIR, source, ignore=shutil.ignore_patterns(".*", "changes.jsonl"))
    folder = FolderStore(source)
    added = {**NEW_TOPIC, "id": "topic:round-trip"}
    result = edit.add_node(folder, added, editor="Sam", expected_version=folder.version())
    result = edit.update_node(
        folder, "topic:round-trip", {"label": "Neglect – ‘é’"}, editor="Sam", expected_version=result.version
    )
    scenes, version = edit.scenes_snapshot(folder)
    edit.move_scene(folder, scenes[0].id, 3, editor="Kim", expected_version=version)
    edit.undo(folder, editor="Kim", expected_version=result.version)
    return source


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if not path.name.startswith(".")}


def test_a_data_folder_goes_into_the_store_and_back_out_byte_identical(
    kind: str, cli_env: list[str], tmp_path: Path, capsys
):
    source = _folder_with_history(tmp_path)
    out = tmp_path / "out"
    if kind == "postgres":
        assert main(["init-db", "--from", str(source), "--replace"]) == 0
        assert main(["export", "--format", "json", "-o", f"{out}/"]) == 0
    else:
        assert main(["export", "--format", "json", "-o", f"{out}/", "--data", str(source)]) == 0
    assert "4 changes logged" in capsys.readouterr().out
    expected = _files(source)
    assert sorted(expected) == sorted(
        ["nodes.json", "edges.json", "scenes.json", "changes.jsonl", "nodes.schema.json", "edges.schema.json"]
    )
    assert _files(out) == expected
    # the history came along: undo in the store walks on back from where the folder was
    target = configured_store(None if kind == "postgres" else out)
    edit.undo(target, editor="Sam", expected_version=target.version())
    assert "topic:round-trip" not in {n.id for n in target.read()[0].nodes}
