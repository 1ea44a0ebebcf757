"""Where the graph is kept, behind one interface: a ``Store`` reads committed data with its version
and commits changes whole. The data folder (``FolderStore``) is the default.

A ``Handle`` is a store and the version of the data read from it: made once per run of the app and
passed to every panel, so all of them show the same data and caches are keyed on what was read.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from graph.schema import Dataset, Scene


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
    """The store at ``where``: a Store as it is, else a data folder."""
    if isinstance(where, Store):
        return where
    from graph.data.folder import FolderStore

    return FolderStore(Path(where))
