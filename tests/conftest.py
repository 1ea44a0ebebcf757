"""Shared fixtures: tiny hand-built datasets and data directories."""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
from pathlib import Path

import pytest

from graph.data.store import save_dataset
from graph.schema import Dataset, Edge, Node

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


def node(id: str, type: str, label: str | None = None, refs=("2",), **attributes) -> Node:
    return Node(id=id, type=type, label=label or id.split(":")[-1], refs=list(refs), attributes=attributes)


def edge(source: str, relation: str, target: str, refs=("2",), rationale: str | None = None, **attributes) -> Edge:
    return Edge(
        source=source,
        target=target,
        relation=relation,
        refs=list(refs),
        basis="inferred" if rationale else "stated",
        rationale=rationale,
        attributes=attributes,
    )


@pytest.fixture
def tiny_dataset() -> Dataset:
    # strand:a --raised--> topic:t --in_theme--> theme:h
    return Dataset(
        (
            node("strand:a", "strand"),
            node("topic:t", "topic", "Trauma", level="frontline"),
            node("theme:h", "theme", "Types of abuse", level="frontline"),
        ),
        (edge("strand:a", "raised", "topic:t"), edge("topic:t", "in_theme", "theme:h")),
    )


@pytest.fixture
def data_dir(tmp_path: Path, tiny_dataset: Dataset) -> Path:
    save_dataset(tmp_path, tiny_dataset)
    return tmp_path


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


# ---- a real PostgreSQL server, started by the tests themselves (Debian's postgresql package)


def _needs(what: str) -> None:
    """Skip with the reason, or fail when CI is set (.ci/run installs what the tests need)."""
    if os.environ.get("CI"):
        pytest.fail(f"{what}: .ci/run should have installed it")
    pytest.skip(what)


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the whole session (bench/pgserver.py): 127.0.0.1, a free port."""
    from bench.pgserver import TempServer, binaries

    if binaries() is None:
        _needs("PostgreSQL is not installed (apt-get install postgresql)")
    if importlib.util.find_spec("psycopg") is None:
        _needs("the PostgreSQL driver psycopg is not installed (pip install -e '.[test]')")
    with TempServer.start() as server:
        yield server


@pytest.fixture
def database_url(pg_server) -> str:
    """The URL of a new, empty database of its own for this test (dropped afterwards)."""
    name = f"t{next(_DATABASES)}_{os.getpid()}"
    url = pg_server.create_database(name)
    yield url
    from graph.data import pgconnect

    pgconnect.forget_idle(url)
    pg_server.drop_database(name)


_DATABASES = itertools.count()


@pytest.fixture
def fresh_passcode_gate():
    """The app's passcode gate (one per server process) as a server that has just started has it."""
    from ui.editing import GATE

    GATE.reset()
    yield
    GATE.reset()
