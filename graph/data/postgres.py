"""PostgreSQL as a store: one database that every app server and the command line share (the hub).

Chosen by setting ``KG_DATABASE_URL=postgresql://…``; loaded with ``python -m graph init-db``. The
tables live in the schema ``kg``: ``state`` (one row: the data's version, scenes.json and its
version), ``nodes`` and ``edges`` (each element as its JSON in the data files), ``changes`` (the
change log: one row per entry, one column per field of changes.jsonl).

The guarantees are the data folder's. A change is one transaction: the write lock is the row lock
on ``state``, the version is checked under it (``graph.data.edit``), the elements change, the entry
is logged and the version moves on; a writer killed or cut off before COMMIT leaves nothing (the
server rolls it back). Readers read one snapshot (REPEATABLE READ), so they see committed data only.
``version()`` reads one row, cheap enough for every page of every replica to poll twice a second. The
version is the data folder's fingerprint of the same data (nodes.json and edges.json as ``export``
writes them), so caches and the change log's versions mean the same in both stores.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from graph.data import pgconnect
from graph.data.changes import change_of
from graph.data.files import EDGES_FILE, NODES_FILE, SCENES_FILE, gc_paused, loads_strict, parse_json_text
from graph.data.journal import LOCK_TIMEOUT_SECONDS
from graph.data.pgschema import (
    CHANGE_COLUMNS,
    SCHEMA_SQL,
    SCHEMA_VERSION,
    copy_changes,
    copy_elements,
    doc,
    entry_of,
    log,
)
from graph.data.store import (
    _plainly_safe,
    dump_edges,
    dump_nodes,
    dump_scenes,
    fingerprint_of,
    parse_dataset,
    scenes_fingerprint_of,
)
from graph.data.validate import parse_scenes
from graph.errors import DataError, GraphError, Problem
from graph.schema import Dataset, Scene

#: Each commit notifies this channel (payload: the new version), for tools that LISTEN.
NOTIFY_CHANNEL = "kg_changes"
#: A writer that holds the write lock but stops talking (a frozen process, a cut network) is ended
#: by the server after this long, so the other writers do not wait for ever.
IDLE_WRITER_SECONDS = 300
#: How long to wait, after a COMMIT whose answer was lost, to learn whether it landed.
OUTCOME_WAIT_SECONDS = 30.0
_INSTALL_LOCK = 0x6B67_6578  # any fixed number: init-db runs one at a time per database


class HoldsGraph(GraphError):
    """init-db found a graph already there (and was not asked to replace it)."""

    def __init__(self, describe: str, counts: tuple[int, int, int]):
        self.counts = counts
        nodes, edges, changes = counts
        super().__init__(
            f"The {describe} already holds a graph ({nodes:,} nodes, {edges:,} links, {changes:,} change{'s' if changes != 1 else ''} logged)"
        )


@dataclass(frozen=True)
class PgStore:
    """The graph in a PostgreSQL database. Hashable and plain (Streamlit's caches key on it); the
    connection string is kept out of its repr, and out of every message."""

    label: str
    _url: str = field(repr=False)

    @classmethod
    def from_url(cls, url: str) -> PgStore:
        return cls(pgconnect.place_of(url).describe(), url)

    def describe(self) -> str:
        return self.label

    # ---- reading: committed data only, one snapshot, tried again once if the connection is lost

    def version(self) -> str:
        return self._reading(lambda c: _state(c, "version"), snapshot=False)

    def scenes_version(self) -> str:
        return self._reading(lambda c: _state(c, "scenes_version"), snapshot=False)

    def read(self) -> tuple[Dataset, str]:
        version, nodes, edges = self._reading(_read_elements)
        with gc_paused():
            return self._parsed(nodes, edges), version

    def scenes_text(self) -> str | None:
        """scenes.json as kept (None: the graph has no scenes file)."""
        return self._reading(lambda c: _state(c, "scenes"), snapshot=False)

    def read_scenes(self) -> list[Scene]:
        text = self.scenes_text()
        if text is None:
            return []
        name = f"{self.label}: {SCENES_FILE}"
        document = parse_json_text(text, name)
        if not isinstance(document, dict) or not isinstance(document.get("scenes"), list):
            raise DataError([Problem(name, "", "scenes", "expected an object with a 'scenes' list")])
        scenes, problems = parse_scenes(document["scenes"], name)
        if problems:
            raise DataError(problems)
        return scenes

    def changelog(self) -> list[dict[str, Any]]:
        def work(connection: psycopg.Connection) -> list[tuple]:
            _state(connection, "version")  # the tables are there
            return connection.execute(f"SELECT {', '.join(CHANGE_COLUMNS)} FROM kg.changes ORDER BY seq").fetchall()

        return [entry_of(row) for row in self._reading(work, snapshot=False)]

    def counts(self) -> tuple[int, int, int]:
        """Nodes, links and logged changes."""
        return self._reading(_counts, snapshot=False)

    def _parsed(self, nodes: list[str], edges: list[str]) -> Dataset:
        names = (f"{self.label}: table kg.nodes", f"{self.label}: table kg.edges")
        texts = ["[" + ",".join(nodes) + "]", "[" + ",".join(edges) + "]"]
        raw = [loads_strict(text, name) for text, name in zip(texts, names, strict=True)]
        safe = all(_plainly_safe(text) for text in texts)
        dataset, problems = parse_dataset(raw[0], raw[1], names[0], names[1], text_checked=safe)
        if problems:
            raise DataError(problems)
        return dataset

    def _reading(self, work: Callable[[psycopg.Connection], Any], *, snapshot: bool = True) -> Any:
        """``work(connection)`` in a read-only snapshot (or, inside ``writing()``, in the writer's
        transaction, under its lock)."""
        session = _active(self)
        if session is not None:
            return session.run(work)

        def in_snapshot(connection: psycopg.Connection) -> Any:
            if not snapshot:
                return work(connection)
            connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            result = work(connection)
            connection.execute("COMMIT")
            return result

        try:
            return pgconnect.retried(in_snapshot, self._url, self.label, self._secrets)
        except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName):
            raise _no_graph(self.label) from None
        except psycopg.Error as error:
            raise GraphError(f"The {self.label} refused a read: {pgconnect.reason(error, self._secrets)}") from None

    @property
    def _secrets(self) -> tuple[str, ...]:
        return pgconnect.secrets_of(self._url)

    # ---- writing: one transaction under the state row's lock

    @contextlib.contextmanager
    def writing(self, timeout: float | None = None) -> Iterator[None]:
        session = _active(self)
        if session is not None:  # already writing in this thread: one lock, one transaction
            yield
            return
        session = _Session(self, LOCK_TIMEOUT_SECONDS if timeout is None else timeout)
        _sessions().append(session)
        try:
            session.lock()
            yield
        finally:
            _sessions().remove(session)
            session.end()

    def recover(self) -> bool:
        """Nothing to settle: the server rolls back the transaction of a writer that was killed or cut off."""
        return False

    def commit_data(self, before: Dataset, after: Dataset, entry: dict[str, Any]) -> str:
        """Apply the change ``entry`` records (its elements before and after) and log it, in one transaction.

        The version after is the data folder's fingerprint of ``after``, so it is the same in both stores.
        """
        text = {
            NODES_FILE: dump_nodes(after.nodes).encode("utf-8"),
            EDGES_FILE: dump_edges(after.edges).encode("utf-8"),
        }
        entry["version_after"] = fingerprint_of(text)
        expected = (len(after.nodes), len(after.edges))

        def apply(connection: psycopg.Connection) -> None:
            _apply_change(connection, entry)
            if _counts(connection)[:2] != expected:  # the tables were changed outside this tool meanwhile
                raise GraphError(
                    f"The {self.label} does not hold the data this change started from "
                    "(it was changed outside this tool); nothing was saved. Reload and try again."
                )
            connection.execute("UPDATE kg.state SET version = %s, changed_at = now()", (entry["version_after"],))

        self._commit(apply, entry)
        return entry["version_after"]

    def commit_scenes(self, scenes: list[Scene], entry: dict[str, Any]) -> str:
        text = dump_scenes(scenes)
        entry["version_after"] = scenes_fingerprint_of(text.encode("utf-8"))

        def apply(connection: psycopg.Connection) -> None:
            connection.execute(
                "UPDATE kg.state SET scenes = %s, scenes_version = %s, changed_at = now()",
                (text, entry["version_after"]),
            )

        self._commit(apply, entry)
        return entry["version_after"]

    def _commit(self, apply: Callable[[psycopg.Connection], None], entry: dict[str, Any]) -> None:
        session = _active(self)
        if session is None:
            with self.writing():
                return self._commit(apply, entry)
        session.commit(apply, entry)
        return None

    # ---- loading a whole data folder (init-db)

    def install(
        self, dataset: Dataset, scenes_text: str | None, entries: list[dict[str, Any]], *, replace: bool
    ) -> None:
        """Create the tables if need be and load this graph, its scenes and its change log, in one
        transaction. Refused (``HoldsGraph``) when a graph is there already, unless ``replace``."""
        nodes = dump_nodes(dataset.nodes)
        edges = dump_edges(dataset.edges)
        version = fingerprint_of({NODES_FILE: nodes.encode("utf-8"), EDGES_FILE: edges.encode("utf-8")})
        scenes_version = scenes_fingerprint_of(None if scenes_text is None else scenes_text.encode("utf-8"))
        try:
            with pgconnect.borrowed(self._url) as connection:
                connection.execute("BEGIN")
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
                connection.execute(SCHEMA_SQL)
                _check_schema(connection, self.label, missing_ok=True)
                if connection.execute("SELECT 1 FROM kg.state FOR UPDATE").fetchone() is not None:
                    if not replace:
                        raise HoldsGraph(self.label, _counts(connection))
                    connection.execute("DELETE FROM kg.changes; DELETE FROM kg.edges; DELETE FROM kg.nodes")
                connection.execute("SET LOCAL kg.writer = 'on'")
                copy_elements(connection, dataset)
                copy_changes(connection, entries)
                connection.execute(
                    "INSERT INTO kg.state (one, schema_version, version, scenes, scenes_version) "
                    "VALUES (true, %s, %s, %s, %s) ON CONFLICT (one) DO UPDATE SET schema_version = EXCLUDED.schema_version, "
                    "version = EXCLUDED.version, scenes = EXCLUDED.scenes, scenes_version = EXCLUDED.scenes_version, "
                    "changed_at = now()",
                    (SCHEMA_VERSION, version, scenes_text, scenes_version),
                )
                connection.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, version))
                connection.execute("COMMIT")
        except psycopg.OperationalError as error:
            raise GraphError(
                f"Lost the connection to the {self.label} while loading ({pgconnect.reason(error, self._secrets)}); "
                "nothing was loaded. Try again."
            ) from None
        except psycopg.Error as error:
            raise GraphError(
                f"The {self.label} refused the load ({pgconnect.reason(error, self._secrets)}); nothing was loaded."
            ) from None


# ---- the writer's transaction


class _Session:
    """One ``writing()`` block: a connection, and a transaction holding the state row's lock."""

    def __init__(self, store: PgStore, wait: float):
        self.store = store
        self.wait = wait
        self.connection: psycopg.Connection | None = None
        self.locked = False

    def lock(self) -> None:
        """Begin a transaction and take the write lock. Safe to try twice: nothing is written yet."""
        store = self.store
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = pgconnect.take(store._url)
                self._begin_locked()
                return
            except psycopg.OperationalError as error:
                self._drop()
                pgconnect.forget_idle(store._url)
                if attempt == 2 or not pgconnect.worth_retrying(error):
                    raise pgconnect.unreachable(store.label, error, store._secrets, tried_again=True) from None
                time.sleep(pgconnect.RETRY_PAUSE_SECONDS)
            except pg_errors.LockNotAvailable:
                self._rollback()
                raise GraphError(
                    f"The data is busy: another change has been saving for over {self.wait:g} seconds. "
                    "Try again in a moment."
                ) from None
            except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName):
                self._rollback()
                raise _no_graph(store.label) from None

    def _begin_locked(self) -> None:
        connection = self.connection
        assert connection is not None
        connection.execute(
            "BEGIN; "
            f"SET LOCAL lock_timeout = '{max(1, int(self.wait * 1000))}ms'; "
            f"SET LOCAL idle_in_transaction_session_timeout = '{IDLE_WRITER_SECONDS}s'; "
            "SET LOCAL application_name = 'kg-explorer writing'; "
            "SET LOCAL kg.writer = 'on'"
        )
        _check_schema(connection, self.store.label)
        if connection.execute("SELECT 1 FROM kg.state FOR UPDATE").fetchone() is None:
            raise _no_graph(self.store.label)
        self.locked = True

    def run(self, work: Callable[[psycopg.Connection], Any]) -> Any:
        """A read inside the writer's transaction (after a commit in the same block: the lock again)."""
        if not self.locked:
            self.lock()
        assert self.connection is not None
        try:
            return work(self.connection)
        except psycopg.OperationalError as error:
            self._drop()
            raise pgconnect.unreachable(self.store.label, error, self.store._secrets) from None

    def commit(self, apply: Callable[[psycopg.Connection], None], entry: dict[str, Any]) -> None:
        """Apply, log and COMMIT. Before COMMIT is sent, any failure leaves nothing. If COMMIT's answer
        is lost, the outcome is looked up once the old session is over: a change is never reported as
        failed and then found saved."""
        store = self.store
        if not self.locked:
            self.lock()
        connection = self.connection
        assert connection is not None
        try:
            apply(connection)
            log(connection, entry)
            connection.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, entry["version_after"]))
        except psycopg.OperationalError as error:
            self._drop()
            raise GraphError(
                f"Lost the connection to the {store.label} while saving ({pgconnect.reason(error, store._secrets)}); "
                "nothing was saved. Try again."
            ) from None
        except psycopg.Error as error:
            self._rollback()
            raise GraphError(
                f"The {store.label} refused the change ({pgconnect.reason(error, store._secrets)}); nothing was saved."
            ) from None
        pid = connection.info.backend_pid
        try:
            send_commit(connection)
        except psycopg.OperationalError as error:
            self._drop()
            if not _landed(store, entry["id"], pid, error):
                raise GraphError(
                    f"Lost the connection to the {store.label} while saving "
                    f"({pgconnect.reason(error, store._secrets)}); nothing was saved. Try again."
                ) from None
        except psycopg.Error as error:  # refused at COMMIT (a deferred check): rolled back
            self.locked = False
            raise GraphError(
                f"The {store.label} refused the change ({pgconnect.reason(error, store._secrets)}); nothing was saved."
            ) from None
        self.locked = False

    def end(self) -> None:
        if self.connection is None:
            return
        self._rollback()
        if self.connection is not None:
            pgconnect.give_back(self.store._url, self.connection)
            self.connection = None

    def _rollback(self) -> None:
        self.locked = False
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            self._drop()
            return
        if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            try:
                connection.execute("ROLLBACK")
            except psycopg.Error:
                self._drop()

    def _drop(self) -> None:
        self.locked = False
        if self.connection is not None:
            pgconnect.close(self.connection)
            self.connection = None


_LOCAL = threading.local()


def _sessions() -> list[_Session]:
    if not hasattr(_LOCAL, "sessions"):
        _LOCAL.sessions = []
    return _LOCAL.sessions


def _active(store: PgStore) -> _Session | None:
    return next((s for s in _sessions() if s.store == store), None)


def _landed(store: PgStore, entry_id: str, pid: int, error: BaseException) -> bool:
    """Whether a change whose COMMIT lost its answer was saved, once its session is surely over (ended
    by the server if it is not already), so the answer can no longer change."""
    deadline = time.monotonic() + OUTCOME_WAIT_SECONDS
    while True:
        try:
            with pgconnect.borrowed(store._url) as connection:
                connection.execute(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE pid = %s", (pid,)
                )
                return connection.execute("SELECT 1 FROM kg.changes WHERE id = %s", (entry_id,)).fetchone() is not None
        except psycopg.Error:
            pgconnect.forget_idle(store._url)
            if time.monotonic() > deadline:
                raise GraphError(
                    f"Lost the connection to the {store.label} while saving "
                    f"({pgconnect.reason(error, store._secrets)}), and it cannot be reached to learn whether "
                    "the change was saved: reload in a moment to see."
                ) from None
            time.sleep(1.0)


# ---- statements


def send_commit(connection: psycopg.Connection) -> None:
    """The commit point of a change."""
    connection.execute("COMMIT")


def _state(connection: psycopg.Connection, column: str) -> Any:
    row = connection.execute(f"SELECT {column} FROM kg.state").fetchone()
    if row is None:
        raise pg_errors.UndefinedTable("kg.state is empty")
    return row[0]


def _check_schema(connection: psycopg.Connection, describe: str, *, missing_ok: bool = False) -> None:
    try:
        row = connection.execute("SELECT schema_version FROM kg.state").fetchone()
    except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName):
        if missing_ok:
            return
        raise
    if row is not None and row[0] != SCHEMA_VERSION:
        raise GraphError(
            f"The {describe} was set up by another version of this tool (schema {row[0]}, this one reads "
            f"{SCHEMA_VERSION}); nothing was changed."
        )


def _read_elements(connection: psycopg.Connection) -> tuple[str, list[str], list[str]]:
    version = _state(connection, "version")
    with connection.cursor() as cursor:
        nodes = [row[0] for row in cursor.execute("SELECT doc::text FROM kg.nodes ORDER BY id")]
        edges = [row[0] for row in cursor.execute("SELECT doc::text FROM kg.edges ORDER BY source, relation, target")]
    return version, nodes, edges


def _counts(connection: psycopg.Connection) -> tuple[int, int, int]:
    row = connection.execute(
        "SELECT (SELECT count(*) FROM kg.nodes), (SELECT count(*) FROM kg.edges), (SELECT count(*) FROM kg.changes)"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def _apply_change(connection: psycopg.Connection, entry: dict[str, Any]) -> None:
    """The elements the entry records, set to their state after it: a few set-based statements."""
    gone_nodes, set_nodes, gone_edges, set_edges = [], [], [], []
    for (kind, key), (_, after) in change_of(entry).items():
        if kind == "node":
            (gone_nodes.append(key) if after is None else set_nodes.append((key, doc(after))))
        elif kind == "edge":
            ends = tuple(key.split("|"))
            (gone_edges.append(ends) if after is None else set_edges.append((*ends, doc(after))))
    if gone_edges:
        connection.execute(
            "DELETE FROM kg.edges WHERE (source, relation, target) IN "
            "(SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]))",
            [list(column) for column in zip(*gone_edges, strict=True)],
        )
    if gone_nodes:
        connection.execute("DELETE FROM kg.nodes WHERE id = ANY(%s::text[])", (gone_nodes,))
    if set_nodes:
        connection.execute(
            "INSERT INTO kg.nodes (id, doc) SELECT * FROM unnest(%s::text[], %s::json[]) "
            "ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc",
            [list(column) for column in zip(*set_nodes, strict=True)],
        )
    if set_edges:
        connection.execute(
            "INSERT INTO kg.edges (source, relation, target, doc) "
            "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::json[]) "
            "ON CONFLICT (source, relation, target) DO UPDATE SET doc = EXCLUDED.doc",
            [list(column) for column in zip(*set_edges, strict=True)],
        )


def _no_graph(describe: str) -> GraphError:
    return GraphError(
        f"The {describe} holds no graph yet: load a data folder into it with python -m graph init-db --from DIR"
    )
