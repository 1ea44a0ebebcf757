"""Connections to the PostgreSQL store: reused within a process, never shared across a fork, and every
failure said in one line that names the database but never the connection string or its password.

Only ``graph.data.postgres`` uses this module; it needs the ``psycopg`` package (the ``postgres``
extra), which the data folder never does.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict

from graph.errors import GraphError

#: Seconds to wait for a server to answer a new connection.
CONNECT_TIMEOUT_SECONDS = 10
#: Idle connections kept per database and process (an app server's sessions share them).
MAX_IDLE = 4
#: A read that lost its connection is tried once more after this pause, on a new connection.
RETRY_PAUSE_SECONDS = 0.3
APPLICATION_NAME = "kg-explorer"
_SETTINGS = {
    "autocommit": True,  # transactions are begun and ended explicitly (graph.data.postgres)
    "connect_timeout": CONNECT_TIMEOUT_SECONDS,
    "application_name": APPLICATION_NAME,
    # A server or network that vanishes is noticed in about a minute, not hours.
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


@dataclass(frozen=True)
class Place:
    """Where a database is, for people: its name, host and port (no user, no password)."""

    database: str
    host: str
    port: str

    def describe(self) -> str:
        where = self.host if not self.port else f"{self.host}:{self.port}"
        return f"PostgreSQL database {self.database} on {where}"


def place_of(url: str) -> Place:
    """The database, host and port a connection string names. A malformed string is one line that
    does not repeat it (it may hold a password)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.Error:
        raise GraphError(
            "KG_DATABASE_URL is not a PostgreSQL connection string "
            "(expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE); it is not shown here, as it may hold a password"
        ) from None
    host = str(parts.get("host") or parts.get("hostaddr") or os.environ.get("PGHOST") or "localhost")
    port = str(parts.get("port") or os.environ.get("PGPORT") or "")
    database = str(parts.get("dbname") or os.environ.get("PGDATABASE") or parts.get("user") or "")
    return Place(database or "(default)", host, port)


def secrets_of(url: str) -> tuple[str, ...]:
    """The parts of a connection string that must never be shown: the string itself and its password."""
    try:
        password = conninfo_to_dict(url).get("password")
    except psycopg.Error:
        password = None
    return tuple(part for part in (url, str(password or "")) if len(part) >= 3)


def scrubbed(text: str, secrets: tuple[str, ...]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


#: (words in the error, what they mean, whether trying again could help)
_REASONS = (
    ("password authentication failed", "the user name or password was refused", False),
    ("no password supplied", "the server asks for a password and none was given", False),
    ("does not exist", "no such database or user on that server", False),
    ("could not translate host name", "the host name is unknown", False),
    ("failed to resolve host", "the host name is unknown", False),
    ("permission denied", "the user may not do this there", False),
    ("pg_hba.conf", "the server does not let this user in from here", False),
    ("connection refused", "no server is listening there", True),
    ("timeout expired", "the server did not answer in time", True),
    ("timed out", "the server did not answer in time", True),
    ("terminating connection", "the server closed the connection", True),
    ("server closed the connection", "the server closed the connection", True),
    ("the connection is lost", "the connection was lost", True),
    ("consuming input failed", "the connection was lost", True),
    ("connection is closed", "the connection was lost", True),
    ("the database system is starting up", "the server is starting up", True),
    ("the database system is shutting down", "the server is shutting down", True),
    ("too many connections", "the server has too many connections open", True),
)


def reason(error: BaseException, secrets: tuple[str, ...]) -> str:
    """Why a connection failed, in a few words (the server's own first line only when nothing fits)."""
    return _classified(error, secrets)[0]


def worth_retrying(error: BaseException) -> bool:
    """Whether trying again could help (a lost connection, a restarting server), unlike a refused password."""
    return _classified(error, ())[1]


def _classified(error: BaseException, secrets: tuple[str, ...]) -> tuple[str, bool]:
    text = str(error)
    low = text.lower()
    for needle, words, transient in _REASONS:
        if needle in low:
            return words, transient
    first = scrubbed(text.strip().splitlines()[0] if text.strip() else type(error).__name__, secrets)
    first = first.removeprefix("connection is bad: ")
    return first[:200], "invalid" not in low  # a setting libpq refuses stays refused


# ---- connections, reused


_LOCK = threading.Lock()
_IDLE: dict[tuple[int, str], list[psycopg.Connection]] = {}
_EVERY: weakref.WeakSet[psycopg.Connection] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A forked child must never speak on its parent's connections, not even to close them: closing
    sends the server a goodbye on the parent's session. Each socket is pointed at /dev/null instead."""
    _IDLE.clear()
    try:
        null = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return
    for connection in list(_EVERY):
        with contextlib.suppress(Exception):
            os.dup2(null, connection.pgconn.socket)
    os.close(null)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def connect(url: str) -> psycopg.Connection:
    """A new connection (psycopg errors pass through: callers word them)."""
    connection = psycopg.connect(url, **_SETTINGS)
    _EVERY.add(connection)
    return connection


def take(url: str) -> psycopg.Connection:
    """An idle connection of this process to ``url`` if there is one, else a new one."""
    with _LOCK:
        idle = _IDLE.get((os.getpid(), url))
        while idle:
            connection = idle.pop()
            if not connection.closed and not connection.broken:
                return connection
    return connect(url)


def give_back(url: str, connection: psycopg.Connection) -> None:
    """Keep a healthy connection for the next caller (at most MAX_IDLE); close any other."""
    status = connection.info.transaction_status if not connection.closed else None
    if connection.broken or status != psycopg.pq.TransactionStatus.IDLE:
        close(connection)
        return
    with _LOCK:
        idle = _IDLE.setdefault((os.getpid(), url), [])
        if len(idle) < MAX_IDLE:
            idle.append(connection)
            return
    close(connection)


def forget_idle(url: str) -> None:
    """Close the idle connections to ``url``: after one was found broken, the others likely are too
    (a restarted server)."""
    with _LOCK:
        idle = _IDLE.pop((os.getpid(), url), [])
    for connection in idle:
        close(connection)


def close(connection: psycopg.Connection) -> None:
    with contextlib.suppress(Exception):
        connection.close()


@contextlib.contextmanager
def borrowed(url: str) -> Iterator[psycopg.Connection]:
    """A connection for one piece of work, given back afterwards (closed instead if anything failed)."""
    connection = take(url)
    try:
        yield connection
    except BaseException:
        if connection.broken:
            forget_idle(url)
        elif not connection.closed and connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            with contextlib.suppress(Exception):
                connection.execute("ROLLBACK")
        give_back(url, connection)
        raise
    give_back(url, connection)


def retried(work, url: str, describe: str, secrets: tuple[str, ...]):
    """``work(connection)`` on a borrowed connection; a lost connection (or a server that does not
    answer) is tried once more, on a new connection, then said in one line. Only for work that is
    safe to repeat: reads."""
    for attempt in (1, 2):
        try:
            with borrowed(url) as connection:
                return work(connection)
        except psycopg.OperationalError as error:
            forget_idle(url)
            if attempt == 2 or not worth_retrying(error):
                raise unreachable(describe, error, secrets, tried_again=attempt == 2) from None
            time.sleep(RETRY_PAUSE_SECONDS)
    raise AssertionError("unreachable")


def unreachable(
    describe: str, error: BaseException, secrets: tuple[str, ...], *, tried_again: bool = False
) -> GraphError:
    """One line: which database, why, and what to do (never the connection string)."""
    words, transient = _classified(error, secrets)
    if not transient:
        return GraphError(f"Cannot use the {describe}: {words}; check KG_DATABASE_URL (and PGPASSWORD or ~/.pgpass).")
    again = " (tried twice)" if tried_again else ""
    return GraphError(f"Cannot reach the {describe}{again}: {words}. Try again in a moment.")
