"""The Gap map tab: Appendix 1 as an evidence gap map (topics by strand); a row or cell selects its topic."""

from __future__ import annotations

import streamlit as st

from ui import data, state


def gap_map_panel(graph, folder: str, version: str) -> None:
    import pandas as pd

    st.markdown(
        "Appendix 1 as an evidence gap map: topics (rows) by strand of engagement (columns). "
        "Choose a row or a cell to select its topic."
    )
    matrix = data.coverage(folder, version)
    cells = {(c["row"], c["column"]): c["value"] for c in matrix["cells"]}
    columns = [c["label"] for c in matrix["columns"]]
    topics = [r["id"] for r in matrix["rows"]]
    frame = pd.DataFrame(
        [
            [r["label"], (r.get("level") or "").capitalize()]
            + [cells.get((r["id"], c["id"]), "") for c in matrix["columns"]]
            for r in matrix["rows"]
        ],
        columns=["Topic", "Level", *columns],
    )
    focus = state.view().focus
    state.show_row(state.GAP_MAP, topics.index(focus) if focus in topics else None)
    st.dataframe(
        frame.style.map(_cell_style, subset=columns),
        hide_index=True,
        width="stretch",
        height=520,
        on_select=state.on_row(state.GAP_MAP, "focus", topics),
        selection_mode=["single-cell", "single-row"],
        key=state.GAP_MAP,
    )
    st.caption(
        "Dark blue: raised. Orange: raised with a note (e.g. Families). Grey: 'Not priority'. Empty: not raised."
    )


def _cell_style(value: str) -> str:
    if value == "✓":
        return "background-color: #332288; color: #ffffff; text-align: center"
    if value.startswith("✓"):
        return "background-color: #E69F00; color: #000000"
    if value:
        return "background-color: #DDDDDD; color: #000000"
    return ""
