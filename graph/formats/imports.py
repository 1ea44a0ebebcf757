"""Read an uploaded file into an ImportBatch, choosing the reader by the file's extension."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from graph.formats.batch import MAX_IMPORT_BYTES, MAX_IMPORT_ELEMENTS, ImportBatch, file_error
from graph.formats.gexf import read_gexf
from graph.formats.graphml import read_graphml
from graph.formats.kumu import read_xlsx
from graph.formats.native import read_json
from graph.formats.tables import read_csv

Reader = Callable[[bytes, str, int], ImportBatch]
# Control characters and bidirectional overrides: a name holding one could show as another name (and
# it would go into the refs of what the file adds, "Imported from NAME", where the data refuses it).
_ODD_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
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
    odd = _ODD_IN_NAME.search(filename)
    if odd:
        what = "a bidirectional override" if odd.group() >= "\u202a" else "a control character"
        raise file_error(
            filename,
            f"the file's name holds {what} (U+{ord(odd.group()):04X}), which can make it show as another name; "
            "rename the file and import it again",
        )
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
