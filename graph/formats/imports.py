"""Read an uploaded file into an ImportBatch, choosing the reader by the file's extension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from graph.formats.batch import MAX_IMPORT_BYTES, MAX_IMPORT_ELEMENTS, ImportBatch, file_error
from graph.formats.gexf import read_gexf
from graph.formats.graphml import read_graphml
from graph.formats.kumu import read_xlsx
from graph.formats.native import read_json
from graph.formats.tables import read_csv

Reader = Callable[[bytes, str, int], ImportBatch]
READERS: dict[str, Reader] = {
    ".csv": read_csv,
    ".xlsx": read_xlsx,
    ".graphml": read_graphml,
    ".gexf": read_gexf,
    ".json": read_json,
}


def parse_import(
    data: bytes, filename: str, *, max_bytes: int = MAX_IMPORT_BYTES, max_elements: int = MAX_IMPORT_ELEMENTS
) -> ImportBatch:
    """Read ``data`` (the bytes of ``filename``) into rows in our schema's shape.

    Raises DataError, with the file named, when the file as a whole cannot be read (too big,
    wrong kind, damaged, hostile). Problems with single rows are kept in ``batch.problems``.

    >>> batch = parse_import(b"Label,Type,Refs\\nTrauma,topic,4.2\\n", "topics.csv")
    >>> batch.nodes[0].data
    {'label': 'Trauma', 'type': 'topic', 'refs': ['4.2'], 'id': 'topic:trauma'}
    """
    extension = PurePath(filename).suffix.lower()
    reader = READERS.get(extension)
    if reader is None:
        hint = " (save it as .xlsx)" if extension == ".xls" else ""
        kinds = ", ".join(READERS)
        raise file_error(filename, f"cannot import '{extension or filename}' files{hint}; import one of {kinds}")
    if len(data) > max_bytes:
        raise file_error(filename, f"the file is {len(data):,} bytes; the import limit is {max_bytes:,}")
    if not data.strip():
        raise file_error(filename, "the file is empty")
    return reader(data, filename, max_elements)
