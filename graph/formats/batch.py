"""What an import produces before it meets the existing data: raw rows, where each came from, and the limits.

A row holds only the fields its file gave (in our schema's names), so merging can keep
what the file left out. Problems found while reading are carried, located, in the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.errors import DataError, Problem

#: The largest file an import reads.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: The most nodes plus edges (rows) one import may hold.
MAX_IMPORT_ELEMENTS = 50_000
#: An .xlsx is a zip: the most entries, and the most bytes they may unpack to (declared sizes, checked first).
MAX_XLSX_ENTRIES = 500
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
#: The parts of an .xlsx read whole (not streamed): shared strings, and each of the others (styles...).
MAX_XLSX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
MAX_XLSX_PART_BYTES = 8 * 1024 * 1024
#: The longest text between two tags of an .xlsx part: a cell holds at most 32,767 characters (Excel's
#: limit), up to 8 bytes each as XML (UTF-8, or an escape such as &amp;).
MAX_XLSX_TEXT_BYTES = 8 * 32_767
#: The most rows (blank ones too) an .xlsx import reads, over all its sheets.
MAX_SHEET_ROWS = 100_000
#: The most columns a sheet or CSV may have.
MAX_COLUMNS = 200
#: The deepest nesting of arrays and objects a JSON import may have (ours needs 5).
MAX_JSON_DEPTH = 20
#: The most digits a number may have.
MAX_NUMBER_DIGITS = 20


@dataclass(frozen=True)
class ImportedRow:
    """One node or edge as read from the file.

    ``data`` is in our schema's shape (``id``, ``type``, ``label``, ``refs``... or ``source``,
    ``target``, ``relation``...) with only the fields the file gave. Edge ``source`` and
    ``target`` are as written: an id or a label, resolved when merging. ``columns`` maps our
    field names to the file's column names, so problems name the column the user sees.
    """

    element: str
    data: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)
    generated_id: bool = False


@dataclass(frozen=True)
class ImportBatch:
    """Everything read from one import file, ready for ``plan_merge``.

    ``text_values`` is true when attribute values came as text (spreadsheets, GraphML, GEXF):
    merging then gives them the shape the existing data uses (a list, a number...). ``rows_read``: for
    a spreadsheet, each sheet read (for a CSV, the file) and how many rows in it held anything.
    """

    file: str
    format: str
    nodes: tuple[ImportedRow, ...] = ()
    edges: tuple[ImportedRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    text_values: bool = True
    rows_read: tuple[tuple[str, int], ...] = ()

    @property
    def raw_nodes(self) -> list[dict[str, Any]]:
        return [row.data for row in self.nodes]

    @property
    def raw_edges(self) -> list[dict[str, Any]]:
        return [row.data for row in self.edges]


def file_error(file: str, message: str, element: str = "", field: str = "") -> DataError:
    """A DataError about the file as a whole (or one place in it)."""
    return DataError([Problem(file, element, field, message)])


def check_element_count(count: int, max_elements: int, file: str) -> None:
    if count > max_elements:
        raise file_error(
            file, f"holds more than {max_elements:,} nodes and edges; the import limit is {max_elements:,}"
        )
