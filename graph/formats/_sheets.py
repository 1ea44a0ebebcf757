"""Spreadsheet rows (CSV or an xlsx sheet) -> rows in our schema's shape.

Columns are matched case-insensitively, Kumu's names and ours alike:
elements: ID, Label, Type, Description, Refs (or Ref, Reference(s), References), Tags;
connections: From/Source, To/Target, Type/Relation, Basis, Refs, Rationale, Tags
(Description is read as the rationale when there is no Rationale column; ID, Direction,
Label and source_label/target_label are for people and Kumu, not read).
Any other column is an attribute, named by its header in lower case with '_' for spaces.
Tags that the Kumu export derives from the data ('type: …', 'level: …', 'theme: …',
'strand: …') are dropped: they are not the node's own tags.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from graph.errors import DataError, Problem
from graph.formats._common import KUMU_SEPARATOR, is_finite, original_name, slug_id, split_values, undo_defuse
from graph.formats.batch import MAX_COLUMNS, ImportedRow, check_element_count

Kind = Literal["nodes", "edges"]

REF_HEADERS = ("refs", "ref", "reference", "references", "reference(s)", "ref(s)")
NODE_HEADERS: dict[str, str] = {
    "id": "id",
    "label": "label",
    "type": "type",
    "description": "description",
    "tags": "attributes.tags",
    "basis": "basis",
    "external_source": "external_source",
    **dict.fromkeys(REF_HEADERS, "refs"),
}
EDGE_HEADERS: dict[str, str] = {
    "from": "source",
    "source": "source",
    "to": "target",
    "target": "target",
    "type": "relation",
    "relation": "relation",
    "basis": "basis",
    "rationale": "rationale",
    "external_source": "external_source",
    "tags": "attributes.tags",
    "direction": "_direction",
    **dict.fromkeys(REF_HEADERS, "refs"),
}
EDGE_NOT_READ = frozenset({"id", "label", "source_label", "target_label"})
#: Header words an attribute column may not use as its name (exports prefix 'attribute_').
# A node's basis and an external fact's source are written as extra columns under their own names.
NODE_WORDS = (frozenset(NODE_HEADERS) | {"from", "to"}) - {"tags", "basis", "external_source"}
EDGE_WORDS = (frozenset(EDGE_HEADERS) | EDGE_NOT_READ | {"description"}) - {"tags", "external_source"}
_TEXT_FIELDS = frozenset(
    {"id", "label", "type", "description", "source", "target", "relation", "basis", "rationale", "external_source"}
)
#: A tag the Kumu export derives from the data (graph.formats.kumu.kumu_tags), not one of the node's own.
DERIVED_TAG = re.compile(r"^(type|level|theme|strand): ")
_CELL_ERRORS = frozenset({"#REF!", "#VALUE!", "#N/A", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})


def normal_header(value: Any) -> str:
    """'Reference(s) ' -> 'reference(s)'; 'Net worth' -> 'net_worth'; "'=note" (as exported) -> '=note'."""
    text = "" if value is None else str(value)
    return re.sub(r"[\s\-]+", "_", undo_defuse(text.strip().lstrip("\ufeff")).lower())


def sheet_kind(header: Sequence[Any]) -> Kind | None:
    """'edges' for a header with From and To, 'nodes' for one with Label or ID, else None."""
    names = {normal_header(cell) for cell in header}
    if names & {"from", "source"} and names & {"to", "target"}:
        return "edges"
    if names & {"label", "id"}:
        return "nodes"
    return None


def read_sheet(
    file: str,
    where: str,
    header: Sequence[Any],
    rows: Iterable[tuple[int, Sequence[Any]]],
    kind: Kind,
    max_elements: int,
    already: int = 0,
) -> tuple[list[ImportedRow], list[Problem], int]:
    """Rows of one sheet, the problems found in them, and how many rows held anything (all of them
    read, whatever the file's metadata says). ``where`` prefixes the row number ('Elements row 7', 'row 7').

    ``already`` counts rows read from earlier sheets of the same file, against ``max_elements``.
    """
    targets, columns = _columns(file, where, header, kind)
    imported: list[ImportedRow] = []
    problems: list[Problem] = []
    read = 0
    for number, cells in rows:
        if all(_blank(cell) for cell in cells):
            continue
        read += 1
        check_element_count(already + len(imported) + 1, max_elements, file)
        element = f"{where}row {number}"
        row, found = _row(file, element, targets, columns, cells, kind)
        problems.extend(found)
        if row is not None:
            imported.append(row)
    return imported, problems, read


def _columns(file: str, where: str, header: Sequence[Any], kind: Kind) -> tuple[list[str | None], dict[str, str]]:
    element = f"{where}row 1"
    if len(header) > MAX_COLUMNS and not all(_blank(cell) for cell in header[MAX_COLUMNS:]):
        raise DataError(
            [Problem(file, element, "", f"has more than {MAX_COLUMNS} columns; the limit is {MAX_COLUMNS}")]
        )
    names = [normal_header(cell) for cell in header]
    known = NODE_HEADERS if kind == "nodes" else EDGE_HEADERS
    words = NODE_WORDS if kind == "nodes" else EDGE_WORDS
    targets: list[str | None] = []
    columns: dict[str, str] = {}
    problems = []
    for cell, name in zip(header, names, strict=True):
        target = _target(name, names, known, words, kind)
        if target is not None and target in columns:
            problems.append(Problem(file, element, str(cell), f"says the same as column '{columns[target]}'"))
            target = None
        if target is not None:
            columns[target] = str(cell).strip().lstrip("\ufeff")
        targets.append(target)
    if problems:
        raise DataError(problems)
    return targets, columns


def _target(name: str, names: list[str], known: dict[str, str], words: frozenset[str], kind: Kind) -> str | None:
    if not name:
        return None
    if name in known:
        return known[name]
    if kind == "edges" and name == "description":
        return None if "rationale" in names else "rationale"
    if kind == "edges" and name in EDGE_NOT_READ:
        return None
    return "attributes." + original_name(name, words)


def _row(
    file: str, element: str, targets: list[str | None], columns: dict[str, str], cells: Sequence[Any], kind: Kind
) -> tuple[ImportedRow | None, list[Problem]]:
    problems = []
    if len(cells) > len(targets) and not all(_blank(cell) for cell in cells[len(targets) :]):
        problems.append(Problem(file, element, "", "has values in columns without a header"))
    data: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    for target, cell in zip(targets, cells, strict=False):
        if target is None or _blank(cell):
            continue
        value = _value(cell)
        column = columns[target]
        if isinstance(value, str) and value in _CELL_ERRORS:
            problems.append(Problem(file, element, column, f"the cell shows the spreadsheet error {value}"))
        elif not is_finite(value):
            problems.append(Problem(file, element, column, f"{value} is not a number that can be stored"))
        elif target == "_direction":
            if _text(value).lower() not in ("directed", "->"):
                problems.append(Problem(file, element, column, f"'{value}': only directed connections are supported"))
        elif target == "refs":
            data["refs"] = split_values(_text(value))
        elif target == "attributes.tags" and isinstance(value, str):
            own = [tag for tag in split_values(value) if not DERIVED_TAG.match(tag)]
            if own:
                attributes["tags"] = KUMU_SEPARATOR.join(own)
        elif target.startswith("attributes."):
            attributes[target.removeprefix("attributes.")] = value
        elif target in _TEXT_FIELDS:
            data[target] = _text(value)
    if attributes:
        data["attributes"] = attributes
    generated = False
    if kind == "nodes" and "id" not in data:
        if "label" not in data:
            problems.append(Problem(file, element, columns.get("label", "Label"), "needs a Label (or an ID)"))
        else:
            data["id"] = slug_id(data.get("type", "").lower() or None, data["label"])
            generated = True
    if kind == "edges":
        for end, default in (("source", "From"), ("target", "To")):
            if end not in data:
                problems.append(Problem(file, element, columns.get(end, default), "is required"))
    if problems:
        return None, problems
    return ImportedRow(element, data, columns, generated), []


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _value(cell: Any) -> Any:
    """A cell's value: text stripped (and un-defused), numbers and booleans as they are."""
    if isinstance(cell, str):
        return undo_defuse(cell.strip())
    if isinstance(cell, (dt.datetime, dt.date, dt.time)):
        return cell.isoformat()
    if isinstance(cell, (bool, int, float)):
        return cell
    return str(cell)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
