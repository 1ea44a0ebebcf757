"""The project's exceptions. Each one names the bad item, so a user can find and fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class GraphError(Exception):
    """Base of every error the package raises on purpose (the CLI turns them into 'Error: ...')."""


#: At most this many problems are listed; the rest are counted ("and 39,950 more").
MAX_LISTED = 50

# Control characters and bidirectional overrides/isolates: shown as escapes, never raw, in messages
# (raw, they could reorder or hide the rest of a line in a terminal or on the page).
_UNSAFE = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_VISIBLE = {code: f"\\u{code:04x}" for code in _UNSAFE}


def visible(text: object) -> str:
    r"""Text with control characters and bidi overrides written as escapes, so what is shown is all there is.

    >>> visible("Trauma\u202egnp.exe"), visible("two\nlines")
    ('Trauma\\u202egnp.exe', 'two\\u000alines')
    """
    return str(text).translate(_VISIBLE)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, and where: file, element, field."""

    file: str
    element: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(visible(part) for part in (self.file, self.element) if part)
        field = f"field '{visible(self.field)}': " if self.field else ""
        return f"{where}: {field}{visible(self.message)}" if where else f"{field}{visible(self.message)}"


def listed(problems: Iterable[Problem], limit: int = MAX_LISTED) -> list[str]:
    """The problems as lines, at most ``limit`` of them, then one line counting the rest.

    >>> for line in listed([Problem("f.csv", f"row {n}", "Type", "is required") for n in (2, 3, 4)], limit=2):
    ...     print(line)
    f.csv: row 2: field 'Type': is required
    f.csv: row 3: field 'Type': is required
    and 1 more problem
    """
    problems = list(problems)
    lines = [str(p) for p in problems[:limit]]
    rest = len(problems) - limit
    if rest > 0:
        lines.append(f"and {rest:,} more problem{'s' if rest != 1 else ''}")
    return lines


class DataError(GraphError):
    """The data is invalid. Carries every problem found, not just the first (the message lists the first 50)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count:,} problem{'s' if count != 1 else ''} in the data"
        super().__init__(head + ":\n" + "\n".join(f"  {line}" for line in listed(self.problems)))


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
