"""What only the PostgreSQL store has: init-db, a version that costs one row, faults on the network,
and a connection string whose password is never shown. A real server, started by the tests."""

from __future__ import annotations

import multiprocessing
import os
import threading

import psycopg
import pytest

from graph.cli.main import main
from graph.data import edit, postgres
from graph.data.folder import FolderStore
from graph.data.postgres import PgStore
from graph.data.store import load_dataset
from graph.data.stores import configured_store
from graph.errors import DataError, GraphError
from graph.schema import Dataset
from tests.conftest import DATA_DIR

FORK = multiprocessing.get_context("fork")
NEW_TOPIC = {"id": "topic:hub", "type": "topic", "label": "Hub", "refs": ["2"]}


@pytest.fixture
def hub(database_url: str, tiny_dataset: Dataset, monkeypatch) -> PgStore:
    """The tiny dataset in a fresh database, which the settings point at."""
    monkeypatch.setenv("KG_DATABASE_URL", database_url)
    found = PgStore.from_url(database_url)
    found.install(tiny_dataset, None, [], replace=False)
    return found


def sql(store: PgStore, statement: str, *params) -> list[tuple]:
    with psycopg.connect(store._url, autocommit=True) as connection:
        cursor = connection.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


# ---- init-db


def test_init_db_loads_a_folder_and_refuses_a_second_time_unless_replacing(database_url, monkeypatch, capsys):
    monkeypatch.setenv("KG_DATABASE_URL", database_url)
    assert main(["init-db", "--from", str(DATA_DIR)]) == 0
    out = capsys.readouterr().out
    shipped = load_dataset(DATA_DIR)
    counts = f"{len(shipped.nodes)} nodes, {len(shipped.edges)} links"
    assert out.startswith(f"Loaded {DATA_DIR} into PostgreSQL database ") and f"{counts}, its scenes" in out

    assert main(["init-db", "--from", str(DATA_DIR)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert f"already holds a graph ({counts}, 0 changes logged); nothing was changed" in line
    assert line.endswith(f"Add --replace to replace it with {DATA_DIR}")

    assert main(["init-db", "--from", str(DATA_DIR), "--replace"]) == 0
    assert capsys.readouterr().out.startswith("Replaced the graph in PostgreSQL database ")
    assert configured_store().read() == FolderStore(DATA_DIR).read()


def test_init_db_needs_the_setting_and_a_folder(database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("KG_DATABASE_URL", raising=False)
    assert main(["init-db", "--from", str(DATA_DIR)]) == 2
    assert "set it first" in capsys.readouterr().err
    monkeypatch.setenv("KG_DATABASE_URL", database_url)
    assert main(["init-db", "--from", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    (tmp_path / "nodes.json").write_text('{"nodes": [{"id": "topic:x"}]}')
    assert main(["init-db", "--from", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nodes.json: nodes[0] (id 'topic:x'): field 'type'" in err and "edges.json" in err
    with pytest.raises(GraphError, match="holds no graph yet"):
        PgStore.from_url(database_url).version()


def test_a_database_without_a_graph_says_how_to_load_one(database_url, monkeypatch, capsys):
    monkeypatch.setenv("KG_DATABASE_URL", database_url)
    assert main(["stats"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("Error: The PostgreSQL database ") and line.endswith("init-db --from DIR")


def test_every_command_answers_the_same_from_the_database_as_from_the_folder(
    database_url, monkeypatch, capsys, tmp_path
):
    commands = [
        ["stats", "--format", "json"],
        ["gaps", "--format", "json"],
        ["overlaps", "--type", "initiative", "--format", "json"],
        ["duplicates", "--format", "json"],
        ["path", "event coventry", "social work england", "--format", "json"],
        ["neighbours", "trauma", "--depth", "2", "--format", "json"],
        ["rank", "--by", "consensus", "--format", "csv"],
        ["matrix", "coverage", "--format", "csv"],
        ["gap-map", "--format", "json"],
        ["report"],
        ["import", "examples/kumu-workbook.xlsx", "--dry-run"],
    ]
    monkeypatch.setenv("KG_DATABASE_URL", database_url)
    assert main(["init-db", "--from", str(DATA_DIR)]) == 0
    capsys.readouterr()
    for command in commands:
        assert main([*command, "--data", str(DATA_DIR)]) == 0, command
        from_folder = capsys.readouterr()
        assert main(command) == 0, command
        assert capsys.readouterr() == from_folder, command
    for name, option in (("folder", ["--data", str(DATA_DIR)]), ("database", [])):
        assert main(["export", "--format", "graphml", "-o", str(tmp_path / f"{name}.graphml"), *option]) == 0
    assert (tmp_path / "folder.graphml").read_bytes() == (tmp_path / "database.graphml").read_bytes()


def test_export_writes_a_data_folder_only_as_json_and_never_over_one(hub, tmp_path, capsys):
    assert main(["export", "--format", "graphml", "-o", f"{tmp_path}/"]) == 2
    assert "only --format json writes a data folder" in capsys.readouterr().err
    assert main(["export", "--format", "json", "-o", f"{tmp_path}/out/"]) == 0
    assert main(["export", "--format", "json", "-o", str(tmp_path / "out")]) == 2
    assert "already holds a data folder (nodes.json, edges.json); nothing was written" in capsys.readouterr().err


# ---- the version: one row, whatever the size of the graph


def _version_cost(store: PgStore) -> list[str]:
    plan = sql(store, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT version FROM kg.state")
    return [line for (line,) in plan if "Buffers" in line or "Scan" in line or "rows=" in line]


def test_the_version_poll_reads_the_same_one_row_at_any_size(hub: PgStore, tiny_dataset):
    small = _version_cost(hub)
    many = Dataset(tiny_dataset.nodes + tuple(_topic(i) for i in range(3000)), tiny_dataset.edges)
    edit.apply_batch(hub, many, editor="Sam", action="import many", expected_version=hub.version())
    assert len(hub.read()[0].nodes) == 3003
    assert _version_cost(hub) == small
    assert any("rows=1 " in line or line.rstrip().endswith("rows=1 loops=1)") for line in small), small


def _topic(i: int):
    from tests.conftest import node

    return node(f"topic:many-{i}", "topic")


def test_an_edit_by_hand_in_psql_gives_the_data_a_new_version_and_is_validated(hub: PgStore):
    before = hub.version()
    sql(
        hub,
        """UPDATE kg.nodes SET doc = '{"id": "topic:t", "type": "topic", "label": "", "refs": ["2"]}' WHERE id = 'topic:t'""",
    )
    assert hub.version() != before
    with pytest.raises(DataError) as caught:
        hub.read()
    problem, *links = caught.value.problems  # and the links that join the invalid node
    assert [p.message for p in links] == ["joins a node that is itself invalid"] * 2
    assert (
        problem.file.endswith("table kg.nodes")
        and problem.element == "nodes[2] (id 'topic:t')"
        and problem.field == "label"
    )


# ---- readers see committed data only; a writer cut off leaves nothing


def test_a_reader_sees_the_data_as_it_was_until_the_change_commits(hub: PgStore):
    start = hub.read()
    inside, release = threading.Event(), threading.Event()
    seen: list = []

    def writer() -> None:
        with hub.writing():
            entry = {"element": "node", "key": "topic:hub", "before": None, "after": NEW_TOPIC}
            postgres._active(hub).run(lambda connection: postgres._apply_change(connection, entry))
            seen.append(hub.read()[0])  # the writer sees its own change
            inside.set()
            release.wait(10)
        # leaving without commit_data: rolled back

    thread = threading.Thread(target=writer)
    thread.start()
    assert inside.wait(10)
    assert hub.read() == start and hub.version() == start[1]
    release.set()
    thread.join()
    assert "topic:hub" in {n.id for n in seen[0].nodes}
    assert hub.read() == start


def _die_before_commit(url: str) -> None:
    """Make one change and die (no cleanup) once its elements and entry are written, before COMMIT."""

    def die(connection):
        os._exit(3)

    postgres.send_commit = die
    store = PgStore.from_url(url)
    edit.add_node(store, NEW_TOPIC, editor="Sam", expected_version=store.version())
    os._exit(0)


def test_a_writer_killed_before_commit_leaves_nothing_and_the_next_writer_goes_ahead(hub: PgStore):
    start = hub.read()
    child = FORK.Process(target=_die_before_commit, args=(hub._url,))
    child.start()
    child.join(30)
    assert child.exitcode == 3
    assert hub.read() == start and hub.changelog() == []
    result = edit.add_node(hub, NEW_TOPIC, editor="Kim", expected_version=start[1])
    assert [e["editor"] for e in hub.changelog()] == ["Kim"] and result.version == hub.version()


def test_a_connection_lost_before_commit_is_one_line_and_nothing_was_saved(hub: PgStore, monkeypatch):
    start = hub.read()
    real_log = postgres.log

    def log_then_lose_the_connection(connection, entry):
        real_log(connection, entry)
        sql(hub, "SELECT pg_terminate_backend(%s)", connection.info.backend_pid)

    monkeypatch.setattr(postgres, "log", log_then_lose_the_connection)
    with pytest.raises(GraphError) as caught:
        edit.add_node(hub, NEW_TOPIC, editor="Sam", expected_version=start[1])
    message = str(caught.value)
    assert message.startswith(f"Lost the connection to the {hub.describe()} while saving (")
    assert message.endswith("nothing was saved. Try again.") and "\n" not in message
    assert hub.read() == start and hub.changelog() == []


def test_a_commit_whose_answer_is_lost_is_looked_up_not_reported_failed(hub: PgStore, monkeypatch):
    real_commit = postgres.send_commit

    def commit_then_lose_the_answer(connection):
        real_commit(connection)
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(postgres, "send_commit", commit_then_lose_the_answer)
    result = edit.add_node(hub, NEW_TOPIC, editor="Sam", expected_version=hub.version())
    assert [e["id"] for e in hub.changelog()] == [result.entry_id] and result.version == hub.version()


def test_a_commit_lost_on_the_way_is_reported_failed_and_never_lands_later(hub: PgStore, monkeypatch):
    start = hub.read()

    def lose_the_commit(connection):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(postgres, "send_commit", lose_the_commit)
    with pytest.raises(GraphError, match="nothing was saved"):
        edit.add_node(hub, NEW_TOPIC, editor="Sam", expected_version=start[1])
    assert hub.read() == start and hub.changelog() == []


def test_reads_survive_a_server_restart_by_trying_again(hub: PgStore, pg_server):
    version = hub.version()  # a pooled connection now exists
    pg_server.restart()  # every connection is cut
    assert hub.version() == version
    assert hub.read()[1] == version


# ---- the connection string and its password are never shown


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            "wrong password",
            "Cannot use the PostgreSQL database {name} on 127.0.0.1:{port}: the user name or password was refused",
        ),
        (
            "no server",
            "Cannot reach the PostgreSQL database {name} on 127.0.0.1:{dead} (tried twice): no server is listening there",
        ),
        ("malformed", "KG_DATABASE_URL is not a PostgreSQL connection string"),
        (
            "a setting the driver refuses",
            'Cannot use the PostgreSQL database {name} on 127.0.0.1:{port}: invalid sslmode value: "sometimes"; check',
        ),
    ],
)
def test_a_bad_connection_is_one_line_that_never_shows_the_password(
    hub: PgStore, pg_server, monkeypatch, capsys, setting: str, expected: str
):
    secret = "Sw0rdfish-never-shown"
    name = hub.describe().split()[2]
    dead = _closed_port()
    url = {
        "wrong password": pg_server.url(name, password=secret),
        "no server": f"postgresql://kg:{secret}@127.0.0.1:{dead}/{name}",
        "malformed": f"postgresql://kg:{secret}@127.0.0.1:{pg_server.port}/{name}?colour=blue",
        "a setting the driver refuses": f"postgresql://kg:{secret}@127.0.0.1:{pg_server.port}/{name}?sslmode=sometimes",
    }[setting]
    monkeypatch.setenv("KG_DATABASE_URL", url)
    assert main(["stats"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("Error: " + expected.format(name=name, port=pg_server.port, dead=dead))
    assert secret not in line and url not in line


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_store_shows_where_it_is_never_how_to_log_in(hub: PgStore, pg_server):
    assert pg_server.password not in repr(hub) + str(hub) + hub.describe()
    assert hub.describe() == f"PostgreSQL database {hub.describe().split()[2]} on 127.0.0.1:{pg_server.port}"


def test_without_the_driver_the_setting_is_one_line_saying_what_to_install(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else real(name, *a))
    monkeypatch.setenv("KG_DATABASE_URL", "postgresql://kg:secret@127.0.0.1/kg")
    assert main(["stats"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "psycopg) is not installed" in line and "pip install -e '.[postgres]'" in line and "secret" not in line


def test_a_folder_given_with_data_wins_over_the_setting(hub: PgStore, capsys):
    assert main(["validate", "--data", str(DATA_DIR)]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {DATA_DIR} is valid ({len(load_dataset(DATA_DIR).nodes)} nodes")
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {hub.describe()} is valid (3 nodes")


def test_a_database_set_up_by_another_version_is_refused_not_misread(hub: PgStore):
    sql(hub, "UPDATE kg.state SET schema_version = 99")
    with pytest.raises(GraphError, match=r"set up by another version of this tool \(schema 99"):
        edit.add_node(hub, NEW_TOPIC, editor="Sam", expected_version=hub.version())
