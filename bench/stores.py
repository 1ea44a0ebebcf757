"""The stores side by side: the data folder and PostgreSQL, on the same data in the same run.

Each database step's baseline is the same step on the data folder (ratio = database / folder), all
on the wall clock (the database's work happens in its server's processes):

* load: read + validate + build the graph, as the app does for each new version;
* loading a data folder into the database (``init-db``) and writing it back out (``export``);
* the version poll every open page makes twice a second, 100 times: the folder's fingerprint (it
  reads both files), the files' stamps (what the app checks before it), the database's one-row query;
* one edit (``add_node``): read, validate the whole dataset, commit and log it.

A throwaway PostgreSQL server (bench/pgserver.py) is started on first use and stopped at exit;
without PostgreSQL (or psycopg) the database rows say so.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import itertools
import shutil
import tempfile
from functools import partial
from pathlib import Path

from bench.measure import Row, SizeRun, Target
from graph.data import edit
from graph.data import store as folder_files
from graph.data.build import build_graph
from graph.data.folder import FolderStore
from graph.data.stores import Store

#: The issue's target: a 100,000-node graph loads in at most this long.
LOAD_LIMIT_SECONDS = 30.0
_EDITS = itertools.count()
_SERVER: list = []


def stores_section(run: SizeRun) -> None:
    """Every step on the folder, then on the database with the folder's time as its baseline."""
    database = _database(run)
    if database is None:
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-stores-") as scratch:
        folder = FolderStore(Path(scratch) / "data")
        shutil.copytree(run.data_dir, folder.folder, ignore=shutil.ignore_patterns(".*", "stamp"))
        from graph.data.transfer import load_folder, write_folder

        run.measure("store: init-db (data folder -> database)", partial(load_folder, database, folder.folder, replace=True),
                    target=_under_limit(), clock="wall")  # fmt: skip
        _side_by_side(
            run, "load (read+validate+build)", partial(_load, folder), partial(_load, database), _under_limit()
        )
        _side_by_side(run, "100 version polls", partial(_polls, folder.version), partial(_polls, database.version))
        stamps = partial(_polls, partial(folder_files.stamp, folder.folder))
        run.measure("store: 100 version polls, folder (file stamps)", stamps, clock="wall")
        _side_by_side(run, "add a node (edit)", partial(_add_node, folder), partial(_add_node, database))
        out = Path(scratch) / "exported"
        run.measure(
            "store: export (database -> data folder)", partial(_export, write_folder, database, out), clock="wall"
        )
    _drop(run)


def _side_by_side(run: SizeRun, what: str, on_folder, on_database, target: Target | None = None) -> None:
    run.measure(f"store: {what}, folder", on_folder, clock="wall")
    folder_row = run.rows[-1]
    run.measure(f"store: {what}, database", on_database, target=target, clock="wall")
    row = run.rows[-1]
    if folder_row.seconds and row.seconds is not None:
        row.baseline, row.ratio = folder_row.seconds, row.seconds / folder_row.seconds
        row.note = (row.note + "; " if row.note else "") + "baseline: the same step on the data folder"


def _under_limit() -> Target:
    def judge(row: Row) -> str:
        return "ok" if row.seconds is not None and row.seconds <= LOAD_LIMIT_SECONDS else "MISS"

    return Target(f"≤{LOAD_LIMIT_SECONDS:g}s", judge)


def _load(where: Store):
    dataset, _ = where.read()
    return build_graph(dataset)


def _polls(poll) -> None:
    for _ in range(100):
        poll()


def _add_node(where: Store) -> None:
    number = next(_EDITS)
    topic = {"id": f"topic:bench-edit-{number}", "type": "topic", "label": f"Bench edit {number}", "refs": ["2"]}
    edit.add_node(where, topic, editor="bench", expected_version=where.version())


def _export(write_folder, database: Store, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    write_folder(database, out)


# ---- the server


def _database(run: SizeRun):
    """A fresh, empty database for this size (init-db is the first step timed), or None."""
    if importlib.util.find_spec("psycopg") is None:
        run.missing("store: database", "psycopg is not installed (pip install -e '.[postgres]')")
        return None
    from bench.pgserver import TempServer, binaries

    if binaries() is None:
        run.missing("store: database", "PostgreSQL is not installed (apt-get install postgresql)")
        return None
    if not _SERVER:
        stack = contextlib.ExitStack()
        _SERVER.append(stack.enter_context(TempServer.start()))
        atexit.register(stack.close)
    from graph.data.postgres import PgStore

    return PgStore.from_url(_SERVER[0].create_database(_name(run)))


def _drop(run: SizeRun) -> None:
    from graph.data import pgconnect

    server = _SERVER[0]
    pgconnect.forget_idle(server.url(_name(run)))
    server.drop_database(_name(run))


def _name(run: SizeRun) -> str:
    return f"bench_{run.nodes}"
