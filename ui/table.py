"""The Table tab: the drawn graph as tables (a text alternative); a node row selects the node."""

from __future__ import annotations

import streamlit as st

from graph.picture.exports import table_csv
from graph.picture.panels import edge_table, node_table
from ui import state

_LINK_COLUMNS_HIDDEN = ["source_id", "target_id"]


def table_panel(graph, shown_nodes: list[str]) -> None:
    import pandas as pd

    st.markdown(
        "The same graph as tables: a text alternative for screen readers and keyboards. They follow the filters."
    )
    nodes = node_table(graph, shown_nodes)
    ids = [row["id"] for row in nodes]
    st.markdown(f"**Nodes** ({len(nodes)})")
    focus = state.view().focus
    state.show_row(state.NODE_TABLE, ids.index(focus) if focus in ids else None)
    st.dataframe(
        pd.DataFrame(nodes),
        hide_index=True,
        width="stretch",
        on_select=state.on_row(state.NODE_TABLE, "focus", ids),
        selection_mode="single-row",
        key=state.NODE_TABLE,
    )
    inside = set(shown_nodes)
    links = edge_table(graph, [e for e in graph.edges(shown_nodes, keys=True) if e[1] in inside])
    st.markdown(f"**Links** ({len(links)})")
    st.dataframe(
        pd.DataFrame(links).drop(columns=_LINK_COLUMNS_HIDDEN, errors="ignore"), hide_index=True, width="stretch"
    )
    # The tables' own download is switched off (client.disableDataExport): it would write text from the
    # data as it is, formulas included. These write every text cell so that no spreadsheet runs it.
    left, right = st.columns(2)
    left.download_button(
        "Nodes as CSV",
        data=lambda: table_csv(nodes),
        file_name="knowledge-graph-table-nodes.csv",
        mime="text/csv",
        key="table-nodes-csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    right.download_button(
        "Links as CSV",
        data=lambda: table_csv([{k: v for k, v in row.items() if k not in _LINK_COLUMNS_HIDDEN} for row in links]),
        file_name="knowledge-graph-table-links.csv",
        mime="text/csv",
        key="table-links-csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
