"""The Gap map tab: Appendix 1 as an evidence gap map, grouped by level and theme, with counts and
totals; a cell or row selects its topic (a theme's row selects the theme). Opens wide; downloads."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.analysis.gapmap import NOT_PRIORITY, TICK, gap_map_table
from graph.data.stores import Handle
from ui import data, state

TOPIC = "Topic"
#: Pixels for the topic column; it and the count are pinned, the nine strand columns scroll beside them.
#: Streamlit unpins columns that take more than about 60 % of a table: at 1366 px the panel is ~420 px wide.
TOPIC_WIDTH = 170
COUNT = "Strands"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Paul Tol's muted scheme: indigo for a tick, sand for a tick with a note; grey for 'Not priority'.
_TICK_STYLE = "background-color: #332288; color: #ffffff; text-align: center"
_NOTE_STYLE = "background-color: #DDCC77; color: #000000; text-align: center"
_NOT_PRIORITY_STYLE = "background-color: #DDDDDD; color: #000000; font-style: italic; text-align: center"
_GROUP_STYLE = "background-color: #F0F0F0; font-weight: bold"
_LEVELS = {"frontline": "Frontline", "organisation": "Organisation", "system": "System"}


def gap_map_panel(graph, handle: Handle) -> None:
    st.markdown(
        "Appendix 1 as an evidence gap map: topics grouped by level and theme (rows), strands of engagement "
        "(columns). **Strands** counts the strands that raised each topic; a theme's row holds its totals. "
        "Click any cell of a topic to select it (a theme's row selects the theme)."
    )
    gap_map = data.gap_map(handle)
    frame, values, kinds = compact_frame(gap_map)
    focus = state.view().focus
    state.show_row(state.GAP_MAP, values.index(focus) if focus in values else None, column=TOPIC)
    st.dataframe(
        frame.style.apply(lambda row: _row_styles(row, kinds[row.name]), axis=1),
        hide_index=True,
        width="stretch",
        height=560,
        on_select=state.on_row(state.GAP_MAP, "focus", values),
        selection_mode="single-cell",
        key=state.GAP_MAP,
        column_config=_column_config(gap_map),
        # The count (a theme's row: its total) sits beside the topic, and both stay in sight
        # while the strands' columns scroll: the panel is narrower than the map.
        column_order=[TOPIC, COUNT, *_short_headings(gap_map["columns"])],
    )
    st.caption(
        "✓ raised · ✓+ raised with a note (e.g. Families; open wide to read it) · "
        "NP 'Not priority' (said so: never counted) · empty: not raised. "
        "Columns, as Appendix 1 heads them: " + _legend(gap_map) + "."
    )
    files = data.gap_map_files(handle)
    wide, csv_place, xlsx_place = st.columns(3)
    if wide.button("Open wide", icon=":material/open_in_full:", width="stretch"):
        _wide(gap_map)
    csv_place.download_button(
        "CSV", files["csv"], file_name="evidence-gap-map.csv", mime="text/csv", icon=":material/download:",
        width="stretch", on_click="ignore",
    )  # fmt: skip
    xlsx_place.download_button(
        "Excel", files["xlsx"], file_name="evidence-gap-map.xlsx", mime=XLSX_MIME, icon=":material/download:",
        width="stretch", on_click="ignore",
    )  # fmt: skip


def compact_frame(gap_map: dict[str, Any]):
    """The map as a narrow table for the panel: a row per theme (its totals) then its topics, and a
    last row of totals. Returns (frame, what each row selects, what kind each row is)."""
    import pandas as pd

    columns = gap_map["columns"]
    headings = _short_headings(columns)
    rows, values, kinds = [], [], []
    for group in gap_map["groups"]:
        level = _LEVELS.get(group["level"] or "", group["level"] or "")
        theme = group["theme"]["label"] if group["theme"] else "No theme"
        title = f"{level.upper()} · {theme} ({len(group['rows'])})"
        totals = [str(group["totals"].get(c["id"], 0)) for c in columns]
        rows.append([title, *totals, str(group["count"])])
        values.append(group["theme"]["id"] if group["theme"] else None)
        kinds.append("group")
        for row in group["rows"]:
            cells = [_compact(row["cells"].get(c["id"], "")) for c in columns]
            rows.append([row["short"], *cells, str(row["count"])])
            values.append(row["id"])
            kinds.append("topic")
    totals = [str(gap_map["column_totals"][c["id"]]) for c in columns]
    rows.append([f"ALL {gap_map['topics']} TOPICS", *totals, str(gap_map["total"])])
    values.append(None)
    kinds.append("group")
    return pd.DataFrame(rows, columns=[TOPIC, *headings, COUNT]), values, kinds


def _short_headings(columns: list[dict[str, Any]]) -> list[str]:
    """Headings narrow enough for the panel, unique: "CYP panel" -> "CYP", "Practice insights" -> "PI",
    "Bristol" -> "Bris.", "Leeds" -> "Leeds"."""
    found: list[str] = []
    for column in columns:
        words = column["heading"].split()
        if len(words) > 1:
            short = words[0] if words[0].isupper() else "".join(word[0].upper() for word in words)
        else:
            short = words[0] if len(words[0]) <= 6 else words[0][:4] + "."
        while short in found:
            short += "'"
        found.append(short)
    return found


def _legend(gap_map: dict[str, Any]) -> str:
    pairs = zip(_short_headings(gap_map["columns"]), gap_map["columns"], strict=True)
    return " · ".join(f"{short} {column['heading']}" for short, column in pairs if short != column["heading"])


def _compact(value: str) -> str:
    if value == NOT_PRIORITY:
        return "NP"
    if value.startswith(TICK):
        return TICK if value == TICK else f"{TICK}+"
    return ""


def _column_config(gap_map: dict[str, Any]) -> dict[str, Any]:
    headings = _short_headings(gap_map["columns"])
    config: dict[str, Any] = {TOPIC: st.column_config.TextColumn(TOPIC, width=TOPIC_WIDTH, pinned=True)}
    for heading, column in zip(headings, gap_map["columns"], strict=True):
        config[heading] = st.column_config.TextColumn(heading, help=column["label"], width=44)
    config[COUNT] = st.column_config.TextColumn(
        COUNT, help="How many strands raised the topic (a theme's row: its total)", width=64, pinned=True
    )
    return config


def _row_styles(row, kind: str) -> list[str]:
    if kind == "group":
        return [_GROUP_STYLE] * len(row)
    return [_cell_style(value) for value in row]


def _cell_style(value: object) -> str:
    if value == TICK:
        return _TICK_STYLE
    if value == f"{TICK}+":
        return _NOTE_STYLE
    if value == "NP":
        return _NOT_PRIORITY_STYLE
    return ""


@st.dialog("Evidence gap map", width=1500)
def _wide(gap_map: dict[str, Any]) -> None:
    """The whole map with Appendix 1's headings and every note, as wide as the screen allows."""
    import pandas as pd

    header, *rows = gap_map_table(gap_map)
    frame = pd.DataFrame([[str(v) for v in row] for row in rows], columns=header)
    totals = {i for i, row in enumerate(rows) if str(row[2]).startswith("Total (")}
    st.dataframe(
        frame.style.apply(
            lambda row: [_GROUP_STYLE] * len(row) if row.name in totals else [_wide_style(v) for v in row], axis=1
        ),
        hide_index=True,
        width="stretch",
        height=680,
        column_config={
            "Topic": st.column_config.TextColumn("Topic", width=320, pinned=True),
            "Level": st.column_config.TextColumn("Level", width=90),
            "Theme": st.column_config.TextColumn("Theme", width=200),
        },
    )
    st.caption("Grey italics: 'Not priority'. A note such as '(Families)' says whose voice the tick carries.")


def _wide_style(value: str) -> str:
    if value == TICK:
        return _TICK_STYLE
    if value.startswith(TICK):
        return _NOTE_STYLE
    if value == NOT_PRIORITY:
        return _NOT_PRIORITY_STYLE
    return ""
