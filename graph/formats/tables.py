"""CSV for Excel: nodes.csv and edges.csv out; one CSV of elements or of connections in.

Out: UTF-8 with a byte-order mark (so Excel reads accents right), CRLF line ends, lists
joined with '; ', and any cell starting with = + - @ tab or CR given a leading apostrophe
so Excel shows it as text instead of running it. In: the apostrophe is taken off again.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import Any

import networkx as nx

from graph.formats._common import defuse_formula, edge_rows, joined, node_rows, renamed
from graph.formats._sheets import EDGE_WORDS, NODE_WORDS, read_sheet, sheet_kind
from graph.formats.batch import MAX_COLUMNS, MAX_IMPORT_ELEMENTS, ImportBatch, file_error

NODE_COLUMNS = ("id", "label", "type", "description", "refs")
EDGE_COLUMNS = ("source", "target", "relation", "basis", "refs", "rationale", "source_label", "target_label")
_BOM = "\ufeff"


def to_csv(G: nx.MultiDiGraph) -> dict[str, str]:
    """``{"nodes.csv": ..., "edges.csv": ...}``: the graph as two tables that open cleanly in Excel.

    >>> from graph.data.build import build_graph
    >>> from graph.schema import Dataset, Node
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="=T", refs=["4", "5"]),), ()))
    >>> to_csv(G)["nodes.csv"].splitlines()[1]
    "topic:t,'=T,topic,,4; 5,stated"
    """
    nodes = node_rows(G)
    labels = {row.id: row.label for row in nodes}
    node_attrs = sorted({name for row in nodes for name in row.attributes})
    node_table = [[*NODE_COLUMNS, *(renamed(name, NODE_WORDS) for name in node_attrs)]]
    for row in nodes:
        core = [row.id, row.label, row.type, row.description, row.refs]
        node_table.append(core + [row.attributes.get(name) for name in node_attrs])
    edges = edge_rows(G)
    edge_attrs = sorted({name for row in edges for name in row.attributes})
    edge_table = [[*EDGE_COLUMNS, *(renamed(name, EDGE_WORDS) for name in edge_attrs)]]
    for row in edges:
        core = [row.source, row.target, row.relation, row.basis, row.refs, row.rationale]
        core += [labels.get(row.source), labels.get(row.target)]
        edge_table.append(core + [row.attributes.get(name) for name in edge_attrs])
    return {"nodes.csv": _csv_text(node_table), "edges.csv": _csv_text(edge_table)}


def read_csv(data: bytes, file: str, max_elements: int = MAX_IMPORT_ELEMENTS) -> ImportBatch:
    """Rows from one CSV: elements (a Label or ID column) or connections (From and To columns)."""
    text, notes = _decode(data, file)
    lines = iter(io.StringIO(text, newline=""))
    # strict: a quote that is never closed is an error, not a cell that swallows the rest of the file
    reader = csv.reader(lines, delimiter=_delimiter(text), strict=True)
    where = {"row": 1, "line": 1}  # the record being read and the line it starts on
    try:
        header = next(reader, None)
        if header is None:
            raise file_error(file, "the file is empty")
        kind = sheet_kind(header)
        if kind is None:
            raise file_error(
                file,
                "the first row needs a 'Label' (or 'ID') column for elements, or 'From' and 'To' for connections",
                "row 1",
            )
        rows = ((number, cells[: MAX_COLUMNS + 1]) for number, cells in _records(reader, where))
        imported, problems, read = read_sheet(file, "", header, rows, kind, max_elements)
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            message = f'a quoted value opened on line {where["line"]} is never closed (a " without its closing ")'
            raise file_error(file, message, f"row {where['row']}") from None
        raise file_error(file, f"not a readable CSV around line {reader.line_num}: {error}") from None
    nodes, edges = (imported, []) if kind == "nodes" else ([], imported)
    return ImportBatch(
        file, "csv", tuple(nodes), tuple(edges), tuple(problems), tuple(notes), rows_read=((file, read),)
    )


def _records(reader: Any, where: dict[str, int]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) after the header, keeping ``where`` on the record being read."""
    number = 1
    while True:
        number += 1
        where.update(row=number, line=reader.line_num + 1)
        try:
            cells = next(reader)
        except StopIteration:
            return
        yield number, cells


def _csv_text(table: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table:
        writer.writerow([_cell(value) for value in row])
    return _BOM + out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return defuse_formula(str(joined(value)))


def _decode(data: bytes, file: str) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 with a note; never binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise file_error(file, "starts like UTF-16 text but is not") from None
    if data.startswith(b"PK\x03\x04"):
        raise file_error(
            file, "this is a zip file (an Excel workbook?), not CSV text: save it as .xlsx and import that"
        )
    if b"\x00" in data:
        raise file_error(file, "this holds binary data, not CSV text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        offset = error.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise file_error(file, f"not UTF-8 text (bad byte at offset {offset}); save it as 'CSV UTF-8'") from None
    note = (
        f"{file} is not UTF-8 (first odd byte at offset {offset}); it was read as Windows-1252, "
        "Excel's older CSV encoding: check accented letters, or save as 'CSV UTF-8' next time"
    )
    return text, [note]


def _delimiter(text: str) -> str:
    """Comma, or semicolon/tab when the header row uses those (Excel in some locales)."""
    first = text.split("\n", 1)[0]
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","
