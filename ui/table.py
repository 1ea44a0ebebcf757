"""The Table tab: the drawn graph as tables (a text alternative); a node row selects the node."""

from __future__ import annotations

import streamlit as st

from graph.picture.panels import edge_table, node_table
from ui import state


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
    edges = pd.DataFrame(edge_table(graph, [e for e in graph.edges(shown_nodes, keys=True) if e[1] in inside]))
    st.markdown(f"**Links** ({len(edges)})")
    st.dataframe(edges.drop(columns=["source_id", "target_id"], errors="ignore"), hide_index=True, width="stretch")
