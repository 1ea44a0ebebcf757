"""The project's exceptions. Each one names the bad item, so a user can find and fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class GraphError(Exception):
    """Base of every error the package raises on purpose (the CLI turns them into 'Error: ...')."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, and where: file, element, field."""

    file: str
    element: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.element) if part)
        field = f"field '{self.field}': " if self.field else ""
        return f"{where}: {field}{self.message}" if where else f"{field}{self.message}"


class DataError(GraphError):
    """The data is invalid. Carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class NodeNotFound(GraphError):
    """No node matches the name given."""


class AmbiguousNode(GraphError):
    """More than one node matches the name given."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]):
        self.candidates = candidates
        listed = "; ".join(f"{label} ({node_id})" for node_id, label in candidates)
        super().__init__(f"'{name}' matches more than one node: {listed}. Give the id instead.")


class ConflictError(GraphError):
    """Someone else changed the data since it was read; reload and try again."""


class ReadOnlyError(GraphError):
    """Writing is not allowed in this session."""


class WriteError(GraphError, OSError):
    """A file could not be written (no such folder, no permission, disk full). Nothing was
    replaced: the old file, if any, is intact. Still an OSError, for callers that handle those."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()
