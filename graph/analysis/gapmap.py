"""The evidence gap map: Appendix 1's topics grouped by level and theme, the strands as columns.

Each cell is a tick ("✓", or "✓ (Families)" with its qualifier), "Not priority" (the strand said so:
never a tick) or blank (the strand did not raise it). Each row counts the strands that raised
the topic (the consensus column); each group of rows and each column has its totals. The map
can be written as CSV or as an Excel workbook, as bytes.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import networkx as nx

from graph.analysis._common import (
    edges_of,
    label_of,
    level_rank,
    natural_key,
    node_data,
    nodes_of_type,
    ref,
    short_label,
    themes_of,
)
from graph.data.cells import csv_text, needs_quote_prefix
from graph.schema import LEVELS, Relation

NOT_PRIORITY = "Not priority"
#: Longest topic name in a row's ``short`` (its first clause, or words cut with "…").
SHORT_TOPIC = 40
TICK = "✓"
_LEVEL_TITLES = {"frontline": "Frontline", "organisation": "Organisation", "system": "System"}
# A cell a spreadsheet would run as a formula is written as text (CSV: with a leading apostrophe).


def evidence_gap_map(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Appendix 1 as an evidence gap map.

    Returns ``{"columns", "groups", "column_totals", "column_not_priority", "total", "topics"}``:
    ``columns`` are the Appendix 1 strands in their printed order (``id``, ``label``, ``heading``);
    ``groups`` are ``{"level", "theme": {"id","label"} or None, "rows", "totals" (ticks per strand;
    strands with none left out), "count", "not_priority"}`` in the report's order (frontline, organisation, system; themes as printed),
    and each row is ``{"id", "label", "short", "level", "cells": {strand id: text}, "count",
    "not_priority"}`` (``short``: the label cut for a narrow table)
    where ``count`` is the number of strands that raised the topic (the consensus column).
    Blank cells are left out of ``cells``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("s", {"type": "strand", "label": "CYP panel", "appendix_column": 1}),
    ...                   ("a", {"type": "strand", "label": "Advisory group", "appendix_column": 7}),
    ...                   ("h", {"type": "theme", "label": "Direct support for staff"}),
    ...                   ("t", {"type": "topic", "label": "Supervision", "level": "organisation"})])
    >>> for u, v, k in [("s", "t", "raised"), ("a", "t", "not_prioritised"), ("t", "h", "in_theme")]:
    ...     _ = G.add_edge(u, v, key=k)
    >>> (group,) = evidence_gap_map(G)["groups"]
    >>> group["theme"]["label"], group["rows"][0]["cells"], group["rows"][0]["count"]
    ('Direct support for staff', {'s': '✓', 'a': 'Not priority'}, 1)
    """
    columns = sorted(
        (n for n in nodes_of_type(G, "strand") if _column(G, n) is not None), key=lambda n: (_column(G, n), n)
    )
    wanted = set(columns)
    position = {c: i for i, c in enumerate(columns)}
    cells: dict[str, dict[str, str]] = {}
    for strand, topic, relation, data in edges_of(G, [Relation.RAISED, Relation.NOT_PRIORITISED]):
        if strand not in wanted:
            continue
        row = cells.setdefault(topic, {})
        if relation == Relation.RAISED:
            qualifier = data.get("qualifier")
            row[strand] = f"{TICK} ({qualifier})" if qualifier else TICK
        elif not row.get(strand, "").startswith(TICK):
            row[strand] = NOT_PRIORITY
    grouped: dict[tuple[str, str | None], list[str]] = {}
    for topic in nodes_of_type(G, "topic"):
        themes = themes_of(G, topic)
        level = str(node_data(G, topic).get("level") or "")
        grouped.setdefault((level, themes[0] if themes else None), []).append(topic)
    groups = [
        _group(G, level, theme, sorted(topics, key=lambda t: _topic_order(G, t)), cells, position)
        for (level, theme), topics in sorted(grouped.items(), key=lambda item: _group_order(G, *item))
    ]
    column_totals: Counter[str] = Counter()
    column_not_priority: Counter[str] = Counter()
    for group in groups:
        column_totals.update(group["totals"])
        for row in group["rows"]:
            column_not_priority.update(c for c, value in row["cells"].items() if value == NOT_PRIORITY)
    return {
        "columns": [{**ref(G, n), "heading": _heading(G, n)} for n in columns],
        "groups": groups,
        "column_totals": {c: column_totals[c] for c in columns},
        "column_not_priority": {c: column_not_priority[c] for c in columns},
        "total": sum(g["count"] for g in groups),
        "topics": sum(len(g["rows"]) for g in groups),
    }


def gap_map_table(gap_map: dict[str, Any]) -> list[list[Any]]:
    """The map as one table: a header, then each group's topics and a total row, then the grand total.

    Columns: Level, Theme, Topic, one per strand, "Strands raising it" (consensus), "Not priority".

    >>> table = gap_map_table({"columns": [], "groups": [], "column_totals": {}, "column_not_priority": {},
    ...                        "total": 0, "topics": 0})
    >>> table[0], table[-1]
    (['Level', 'Theme', 'Topic', 'Strands raising it', 'Not priority'], ['All levels', '', 'Total (0 topics)', 0, 0])
    """
    columns = gap_map["columns"]
    header = ["Level", "Theme", "Topic", *(c["heading"] for c in columns), "Strands raising it", "Not priority"]
    table: list[list[Any]] = [header]
    for group in gap_map["groups"]:
        level = _LEVEL_TITLES.get(group["level"], group["level"] or "")
        theme = group["theme"]["label"] if group["theme"] else ""
        for row in group["rows"]:
            values = [row["cells"].get(c["id"], "") for c in columns]
            table.append([level, theme, row["label"], *values, row["count"], row["not_priority"]])
        totals = [group["totals"].get(c["id"], 0) for c in columns]
        count = len(group["rows"])
        label = f"Total ({count} topic{'s' if count != 1 else ''})"
        table.append([level, theme, label, *totals, group["count"], group["not_priority"]])
    totals = [gap_map["column_totals"][c["id"]] for c in columns]
    not_priority = sum(gap_map["column_not_priority"].values())
    table.append(["All levels", "", f"Total ({gap_map['topics']} topics)", *totals, gap_map["total"], not_priority])
    return table


def gap_map_csv(gap_map: dict[str, Any]) -> bytes:
    """The map as CSV (UTF-8 with a byte-order mark, so Excel reads the ticks), as bytes."""
    return ("\ufeff" + csv_text(gap_map_table(gap_map))).encode("utf-8")


def gap_map_xlsx(gap_map: dict[str, Any]) -> bytes:
    """The map as an Excel workbook (one sheet, 'Evidence gap map'), as bytes.

    Ticks are shaded, 'Not priority' is shaded differently and in italics, total rows are bold,
    and the header and the first three columns stay in view when scrolling.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    table = gap_map_table(gap_map)
    book = Workbook()
    sheet = book.active
    sheet.title = "Evidence gap map"
    tick_fill = PatternFill("solid", fgColor="CCEEDD")  # light teal
    not_priority_fill = PatternFill("solid", fgColor="DDDDDD")
    bold = Font(bold=True)
    for r, row in enumerate(table, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the label says
                cell.quotePrefix = needs_quote_prefix(value)  # nor one when the cell is edited
            if r == 1 or str(row[2]).startswith("Total ("):
                cell.font = bold
            if isinstance(value, str) and value.startswith(TICK):
                cell.fill = tick_fill
                cell.alignment = Alignment(horizontal="center")
            elif value == NOT_PRIORITY:
                cell.fill = not_priority_fill
                cell.font = Font(italic=True)
    widths = [13, 30, 60] + [12] * (len(table[0]) - 5) + [12, 12]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "D2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- helpers -------------------------------------------------------------------------------------


def _group(
    G: nx.MultiDiGraph,
    level: str,
    theme: str | None,
    topics: list[str],
    cells: dict[str, dict[str, str]],
    position: dict[str, int],
) -> dict[str, Any]:
    rows = []
    ticks: Counter[str] = Counter()
    for topic in topics:
        row_cells = dict(sorted(cells.get(topic, {}).items(), key=lambda item: position[item[0]]))
        ticked = [c for c, value in row_cells.items() if value.startswith(TICK)]
        ticks.update(ticked)
        rows.append(
            {
                **ref(G, topic),
                "short": short_label(label_of(G, topic), SHORT_TOPIC),
                "level": level or None,
                "cells": row_cells,
                "count": len(ticked),
                "not_priority": len(row_cells) - len(ticked),
            }
        )
    totals = {c: ticks[c] for c in sorted(ticks, key=position.__getitem__)}
    return {
        "level": level or None,
        "theme": ref(G, theme) if theme else None,
        "rows": rows,
        "totals": totals,
        "count": sum(totals.values()),
        "not_priority": sum(row["not_priority"] for row in rows),
    }


def _topic_order(G: nx.MultiDiGraph, topic: str) -> tuple[Any, ...]:
    order = node_data(G, topic).get("order")
    if isinstance(order, int | float) and not isinstance(order, bool):
        return (0, order, (), topic)
    return (1, 0, natural_key(label_of(G, topic)), topic)


def _group_order(G: nx.MultiDiGraph, key: tuple[str, str | None], topics: list[str]) -> tuple[Any, ...]:
    """Levels as the framework orders them; within a level, themes in the order of their first topic."""
    level, theme = key
    first = min(_topic_order(G, t) for t in topics)
    return (level_rank(level) if level in LEVELS else len(LEVELS), first, theme or "")


def _column(G: nx.MultiDiGraph, strand: str) -> int | None:
    column = node_data(G, strand).get("appendix_column")
    return column if isinstance(column, int) and not isinstance(column, bool) else None


def _heading(G: nx.MultiDiGraph, strand: str) -> str:
    return str(node_data(G, strand).get("appendix_heading") or label_of(G, strand))
