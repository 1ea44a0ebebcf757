"""Where the graph is kept, behind one interface: a ``Store`` reads committed data with its version
and commits changes whole. The data folder (``FolderStore``) is the default; a PostgreSQL database
(``graph.data.postgres.PgStore``) is chosen by setting ``KG_DATABASE_URL``.

A ``Handle`` is a store and the version of the data read from it: made once per run of the app and
passed to every panel, so all of them show the same data and caches are keyed on what was read.
"""

from __future__ import annotations

import importlib.util
import os
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from graph.errors import GraphError
from graph.schema import Dataset, Scene

#: The setting that points every command and the app at a PostgreSQL database instead of a folder.
DATABASE_SETTING = "KG_DATABASE_URL"
#: The setting that names the data folder (when no database is set).
FOLDER_SETTING = "KG_DATA_DIR"
_URL_SCHEMES = ("postgresql://", "postgres://")


@runtime_checkable
class Store(Protocol):
    """What every store gives. Readers see committed data only; a write is all or nothing.

    ``writing()`` holds the store's write lock (one writer at a time) and settles whatever a killed
    writer left; inside it, ``commit_data``/``commit_scenes`` apply a change and log ``entry`` in one
    step, and return the version after it.
    """

    def describe(self) -> str:
        """Where the data is, for people (never a password)."""
        ...

    def version(self) -> str:
        """The version of the committed graph data (nodes and edges), cheap enough to poll."""
        ...

    def read(self) -> tuple[Dataset, str]:
        """The committed dataset and the version of exactly that data."""
        ...

    def scenes_version(self) -> str: ...

    def read_scenes(self) -> list[Scene]: ...

    def changelog(self) -> list[dict[str, Any]]:
        """Every committed change, oldest first."""
        ...

    def writing(self, timeout: float | None = None) -> AbstractContextManager[None]: ...

    def recover(self) -> bool: ...

    def commit_data(self, before: Dataset, after: Dataset, entry: dict[str, Any]) -> str: ...

    def commit_scenes(self, scenes: list[Scene], entry: dict[str, Any]) -> str: ...


@dataclass(frozen=True)
class Handle:
    """A store and the version of the data read from it."""

    store: Store
    version: str


def open_store(where: Store | Path | str) -> Store:
    """The store at ``where``: a Store as it is, a ``postgresql://`` URL as that database, else a data folder."""
    if isinstance(where, Store):
        return where
    if isinstance(where, str) and where.startswith(_URL_SCHEMES):
        return database_store(where)
    from graph.data.folder import FolderStore

    return FolderStore(Path(where))


def configured_store(folder: Path | str | None = None, *, default_folder: Path | str = "data") -> Store:
    """The store the settings choose: ``folder`` when given; else the database in ``KG_DATABASE_URL``
    when set; else the folder in ``KG_DATA_DIR``, else ``default_folder``."""
    if folder is not None:
        return open_store(folder)
    url = os.environ.get(DATABASE_SETTING, "").strip()
    if url:
        return database_store(url)
    return open_store(os.environ.get(FOLDER_SETTING) or default_folder)


def database_store(url: str) -> Store:
    """The PostgreSQL store at ``url``; one line when the driver is not installed (it is optional)."""
    if importlib.util.find_spec("psycopg") is None:
        raise GraphError(
            f"{DATABASE_SETTING} is set, but the PostgreSQL driver (the Python package psycopg) is not "
            "installed: install the project with its postgres extra (pip install -e '.[postgres]'), "
            f"or unset {DATABASE_SETTING} to use the data folder"
        )
    from graph.data.postgres import PgStore

    return PgStore.from_url(url)
