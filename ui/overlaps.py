"""The Overlaps tab: pairs whose links overlap most, and candidate duplicates; a row highlights them."""

from __future__ import annotations

import streamlit as st

from graph.panels import escape_markdown as E
from ui import data, state

OVERLAP_TYPES = ["organisation", "initiative", "strand", "stakeholder", "topic", "message"]


def overlaps_panel(graph, folder: str, version: str) -> None:
    import pandas as pd

    view = state.view()
    st.markdown("Pairs whose links overlap most: candidates for duplication, or for working together.")
    if len(view.overlap) == 2 and view.overlap[0] in graph:  # a link to a pair opens its kind of pair
        kind = graph.nodes[view.overlap[0]].get("type")
        if kind in OVERLAP_TYPES:
            state.preset(state.OVERLAP_TYPE, kind)
    node_type = st.selectbox(
        "Compare",
        OVERLAP_TYPES,
        key=state.OVERLAP_TYPE,
        format_func=lambda t: f"{t.capitalize()}s",
        on_change=state.select,
        kwargs={"overlap": []},  # another kind of pair: the highlighted pair is no longer in the table
    )
    rows = data.overlap_report(folder, version, node_type or "organisation")
    if not rows:
        st.write("No two of these share a neighbour.")
    else:
        pairs = [[r["a"]["id"], r["b"]["id"]] for r in rows]
        key = f"{state.OVERLAP_TABLE}-{node_type}"
        state.show_row(key, pairs.index(list(view.overlap)) if list(view.overlap) in pairs else None)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "A": r["a"]["label"],
                        "B": r["b"]["label"],
                        "score": round(r["score"], 2),
                        "shared": len(r["shared"]),
                        "why": r["reason"],
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
            on_select=state.on_row(key, "overlap", pairs),
            selection_mode="single-row",
            key=key,
            column_config={
                "score": st.column_config.ProgressColumn("Jaccard", min_value=0, max_value=1, format="%.2f")
            },
        )
        if list(view.overlap) in pairs:
            st.caption("Highlighted on the graph: " + E(rows[pairs.index(list(view.overlap))]["reason"]))
    with st.expander("Candidate duplicates", expanded=bool(view.duplicate)):
        dupes = data.duplicate_report(folder, version)
        groups = [[n["id"] for n in d["nodes"]] for d in dupes]
        state.show_row(
            state.DUPLICATE_TABLE, groups.index(list(view.duplicate)) if list(view.duplicate) in groups else None
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "nodes": " | ".join(n["label"] for n in d["nodes"]),
                        "kind": d.get("kind", ""),
                        "score": d["score"],
                        "why": d["reason"],
                    }
                    for d in dupes
                ]
            ),
            hide_index=True,
            width="stretch",
            on_select=state.on_row(state.DUPLICATE_TABLE, "duplicate", groups),
            selection_mode="single-row",
            key=state.DUPLICATE_TABLE,
        )
