"""Excel workbooks in Kumu's import layout: 'Elements' and 'Connections' sheets, both ways.

Kumu matches elements by the ID column when there is one, and then reads From and To as
IDs (Kumu's import guide). So the export puts our id in ID and uses ids in From and To:
two nodes may share a label (e.g. a topic listed under two levels) and stay two elements.
Several values in one cell are joined with '|', Kumu's separator. Tags carry what Kumu
users filter by: 'type: topic', 'level: frontline', 'theme: Workforce' and 'strand: …' (the
strands that raised the topic or involved the node), after the node's own tags; imports drop
these derived tags again, so a round trip changes nothing. Connection IDs use only letters,
digits and '-', which Kumu's search takes as one word.

Imports check the zip's sizes and entry count before openpyxl opens it: the whole, each part that
openpyxl reads whole, and every text in every part (no longer than a cell may hold), so memory stays
bounded. They read values only (never formulas), every row whatever the sheet's <dimension> says,
and stop with an error past MAX_SHEET_ROWS rows.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import networkx as nx
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from graph.data.cells import needs_quote_prefix
from graph.errors import DataError
from graph.formats._common import KUMU_SEPARATOR, edge_rows, node_rows, renamed
from graph.formats._sheets import EDGE_WORDS, NODE_WORDS, read_sheet, sheet_kind
from graph.formats.batch import (
    MAX_COLUMNS,
    MAX_IMPORT_ELEMENTS,
    MAX_SHEET_ROWS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_SHARED_STRINGS_BYTES,
    MAX_XLSX_TEXT_BYTES,
    MAX_XLSX_UNPACKED_BYTES,
    ImportBatch,
    file_error,
)
from graph.schema import RELATIONS, Relation

ELEMENT_COLUMNS = ("ID", "Label", "Type", "Description", "Tags", "Refs")
CONNECTION_COLUMNS = ("ID", "From", "To", "Type", "Direction", "Description", "Tags", "Basis", "Refs", "Rationale")
# Every entry gets this time, and the workbook these dates, so the same graph gives the same bytes.
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_DATE = "1980-01-01T00:00:00Z"
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XML_PARTS = (".xml", ".rels", ".vml")
# In UTF-8 or ASCII; a part in UTF-16 is caught by openpyxl's own (defused) parser.
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# openpyxl streams the worksheets in read-only mode; every other part (shared strings, styles...) it reads whole.
_STREAMED = "xl/worksheets/"
_SHARED_STRINGS = "xl/sharedStrings.xml"
EXCEL_CELL_CHARACTERS = 32_767
_WIDTHS = {"ID": 34, "Label": 40, "Description": 60, "From": 34, "To": 34, "Refs": 30, "Rationale": 50}


def to_kumu_xlsx(G: nx.MultiDiGraph) -> bytes:
    """An .xlsx with 'Elements' and 'Connections' sheets that Kumu imports as they are.

    >>> from graph.data.build import build_graph
    >>> from graph.schema import Dataset, Node
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> to_kumu_xlsx(G)[:2]
    b'PK'
    """
    workbook = Workbook()
    elements = workbook.active
    elements.title = "Elements"
    nodes = node_rows(G)
    labels = {row.id: row.label for row in nodes}
    node_attrs = sorted({name for row in nodes for name in row.attributes} - {"tags"})
    _write(elements, 1, [*ELEMENT_COLUMNS, *(renamed(name, NODE_WORDS) for name in node_attrs)])
    tags = kumu_tags(G)
    for number, row in enumerate(nodes, start=2):
        core = [row.id, row.label, row.type, row.description, tags[row.id], list(row.refs)]
        _write(elements, number, core + [row.attributes.get(name) for name in node_attrs])
    connections = workbook.create_sheet("Connections")
    edges = edge_rows(G)
    edge_attrs = sorted({name for row in edges for name in row.attributes} - {"tags"})
    _write(connections, 1, [*CONNECTION_COLUMNS, *(renamed(name, EDGE_WORDS) for name in edge_attrs)])
    connection_ids = _connection_ids([(row.source, row.relation, row.target) for row in edges])
    for number, (row, connection_id) in enumerate(zip(edges, connection_ids, strict=True), start=2):
        sentence = f"{labels.get(row.source, row.source)} {_verb(row.relation)} {labels.get(row.target, row.target)}"
        core = [
            connection_id,
            row.source,
            row.target,
            row.relation,
            "directed",
            sentence,
            row.attributes.get("tags"),
            row.basis,
            list(row.refs),
            row.rationale,
        ]
        _write(connections, number, core + [row.attributes.get(name) for name in edge_attrs])
    for sheet in (elements, connections):
        _tidy(sheet)
    workbook.properties.creator = "csc-knowledge-graph"
    out = io.BytesIO()
    workbook.save(out)
    return _fixed_zip(out.getvalue())


def kumu_tags(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Each node's tags for Kumu: its own 'tags', then 'type: …', 'level: …', 'theme: …', 'strand: …'.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("s", type="strand", label="Panel")
    >>> G.add_node("t", type="topic", label="Trauma", level="frontline", tags=["care"])
    >>> G.add_node("h", type="theme", label="Workforce")
    >>> _ = G.add_edge("s", "t", "raised"), G.add_edge("t", "h", "in_theme")
    >>> kumu_tags(G)["t"]
    ['care', 'type: topic', 'level: frontline', 'theme: Workforce', 'strand: Panel']
    """
    tags: dict[str, list[str]] = {}
    for node, data in G.nodes(data=True):
        own = data.get("tags")
        found = [str(tag) for tag in own] if isinstance(own, list) else [str(own)] if own else []
        found.append(f"type: {data.get('type')}")
        if data.get("level"):
            found.append(f"level: {data['level']}")
        themes = (
            [node]
            if data.get("type") == "theme"
            else [t for _, t, k in G.out_edges(node, keys=True) if k == "in_theme"]
        )
        strands = [node] if data.get("type") == "strand" else []
        strands += [s for s, _, k in G.in_edges(node, keys=True) if k == "raised"]
        strands += [t for _, t, k in G.out_edges(node, keys=True) if k == "involved"]
        strands += [s for s, _, k in G.in_edges(node, keys=True) if k == "involved"]
        found += [f"theme: {G.nodes[theme].get('label', theme)}" for theme in sorted(set(themes))]
        found += [f"strand: {G.nodes[strand].get('label', strand)}" for strand in sorted(set(strands))]
        tags[str(node)] = list(dict.fromkeys(tag.replace(KUMU_SEPARATOR, "/") for tag in found))
    return tags


def _connection_ids(keys: list[tuple[str, str, str]]) -> list[str]:
    """'strand-coventry--raised--topic-trauma': letters, digits and '-' only, unique."""
    ids: list[str] = []
    taken: set[str] = set()
    for source, relation, target in keys:
        parts = (re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in (source, relation, target))
        base = "--".join(parts)
        connection_id, number = base, 2
        while connection_id in taken:
            connection_id, number = f"{base}-{number}", number + 1
        taken.add(connection_id)
        ids.append(connection_id)
    return ids


def read_xlsx(data: bytes, file: str, max_elements: int = MAX_IMPORT_ELEMENTS) -> ImportBatch:
    """Rows from every sheet whose first row has Label/ID (elements) or From and To (connections).

    Every row a sheet holds is read, whatever its ``<dimension>`` says (some writers understate it, and
    openpyxl's read-only mode would stop there); ``rows_read`` says how many, per sheet.
    """
    _check_zip(data, file)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook; each is about the file
        raise file_error(file, f"not an Excel workbook that can be read: {_first_line(error)}") from None
    nodes, edges, problems, notes, rows_read = [], [], [], [], []
    counted = [0]  # rows over all sheets, blank ones too
    try:
        for sheet in workbook.worksheets:
            if "(ignore)" in sheet.title.lower():
                continue
            sheet.reset_dimensions()  # read to the last row there is, not to the last the file declares
            header = next(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ())
            kind = sheet_kind(header)
            if kind is None:
                notes.append(f"sheet '{sheet.title}' was skipped: its first row has neither Label nor From and To")
                continue
            rows = _rows(sheet, len(header), file, counted)
            found, sheet_problems, read = read_sheet(
                file, f"{sheet.title} ", header, rows, kind, max_elements, len(nodes) + len(edges)
            )
            (nodes if kind == "nodes" else edges).extend(found)
            problems.extend(sheet_problems)
            rows_read.append((f"sheet {sheet.title}", read))
    except DataError:
        raise
    except Exception as error:  # as above: a damaged sheet, not a bug of ours
        raise file_error(file, f"part of the workbook cannot be read: {_first_line(error)}") from None
    finally:
        workbook.close()
    if not nodes and not edges and not problems and notes:
        raise file_error(file, "no sheet has 'Label' (elements) or 'From' and 'To' (connections) in its first row")
    return ImportBatch(
        file, "xlsx", tuple(nodes), tuple(edges), tuple(problems), tuple(notes), rows_read=tuple(rows_read)
    )


def _first_line(error: Exception) -> str:
    """A library's message in one line (openpyxl's run to three)."""
    lines = str(error).strip().splitlines()
    return lines[0].rstrip(".") if lines else type(error).__name__


def _write(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        _put(sheet.cell(row, column), value)


def _put(cell: Any, value: Any) -> None:
    if value is None or (isinstance(value, (list, tuple)) and not value):
        return
    if isinstance(value, (list, tuple)):
        value = KUMU_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, float) and not math.isfinite(value):
        value = str(value)
    if not isinstance(value, (str, bool, int, float)):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.value = value
    if needs_quote_prefix(value):
        # Stored as text with Excel's quote prefix (what typing a leading apostrophe does):
        # shown and kept as text, never run as a formula, and the value itself unchanged.
        cell.data_type = "s"
        cell.quotePrefix = True


def _tidy(sheet: Worksheet) -> None:
    sheet.freeze_panes = "A2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = _WIDTHS.get(str(cell.value), 16)


def _verb(relation: str) -> str:
    try:
        return RELATIONS[Relation(relation)].verb
    except ValueError:
        return relation


def _fixed_zip(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + _FIXED_DATE.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def _check_zip(data: bytes, file: str) -> None:
    if data.startswith(_OLE_MAGIC):
        raise file_error(file, "an old .xls workbook or a password-protected one: save it as .xlsx without a password")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise file_error(file, "not an .xlsx workbook (not a zip archive, or cut short)") from None
    if len(entries) > MAX_XLSX_ENTRIES:
        raise file_error(file, f"the workbook holds {len(entries):,} parts; the limit is {MAX_XLSX_ENTRIES:,}")
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise file_error(file, f"the workbook unpacks to {unpacked:,} bytes; the limit is {MAX_XLSX_UNPACKED_BYTES:,}")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise file_error(file, "the workbook is encrypted: save it without a password")
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise file_error(file, "a zip archive but not an Excel workbook (no xl/workbook.xml)")
    for entry in entries:
        whole = MAX_XLSX_SHARED_STRINGS_BYTES if entry.filename == _SHARED_STRINGS else MAX_XLSX_PART_BYTES
        parsed_whole = entry.filename.lower().endswith(_XML_PARTS) and not entry.filename.startswith(_STREAMED)
        if parsed_whole and entry.file_size > whole:
            raise file_error(
                file,
                f"part {entry.filename} of the workbook unpacks to {entry.file_size:,} bytes, and is read whole; "
                f"the limit is {whole:,}",
            )
    for entry in entries:
        if entry.filename.lower().endswith(_XML_PARTS):
            problem = _part_problem(archive, entry)
            if problem:
                raise file_error(file, f"part {entry.filename} of the workbook {problem}")


def _part_problem(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> str | None:
    """What is wrong with an XML part of the workbook, read in bounded chunks before anything parses it: a
    DOCTYPE or ENTITY declaration, or a text (between two '<') longer than any cell may hold."""
    tail, run = b"", 0  # the end of the last chunk; the bytes since the last '<' in it
    try:
        with archive.open(entry) as part:
            while chunk := part.read(1 << 20):
                if _DOCTYPE.search(tail + chunk):
                    return "has a DOCTYPE, which is refused (it can pull in other files or expand without limit)"
                first, *pieces = chunk.split(b"<")
                longest = run + len(first)
                if pieces:
                    run = len(pieces[-1])
                    longest = max(longest, run, *(len(piece) for piece in pieces[:-1]))
                else:
                    run = longest
                if longest > MAX_XLSX_TEXT_BYTES:
                    return (
                        f"holds a text of over {MAX_XLSX_TEXT_BYTES:,} bytes: more than a cell holds "
                        f"(Excel's limit is {EXCEL_CELL_CHARACTERS:,} characters)"
                    )
                tail = chunk[-16:]
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        return None  # a damaged part: openpyxl says so, located
    return None


def _rows(sheet: Any, width: int, file: str, rows_read: list[int]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Data rows of a sheet, with their row numbers; a DataError once the workbook passes MAX_SHEET_ROWS."""
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=max(width, 1), values_only=True), start=2):
        rows_read[0] += 1
        if rows_read[0] > MAX_SHEET_ROWS:
            raise file_error(
                file,
                f"the workbook has more than {MAX_SHEET_ROWS:,} rows (blank ones count); the limit is {MAX_SHEET_ROWS:,}",
            )
        yield number, cells
