"""The Paths tab: how one node is connected to another, optionally around some nodes; each path found
can be highlighted alone."""

from __future__ import annotations

import streamlit as st

from graph.data.stores import Handle
from graph.picture.panels import escape_markdown as E
from ui import data, state


def avoided(graph, view) -> tuple[str, ...]:
    """The nodes the view's paths must go around (never one of the path's own ends)."""
    return tuple(n for n in view.path_avoid if n in graph and n not in view.path)


def paths_panel(graph, handle: Handle) -> None:
    st.markdown("How is one thing connected to another? Choose two nodes.")
    names = data.names(handle)
    for key, label in ((state.PATH_FROM, "From"), (state.PATH_TO, "To")):
        st.selectbox(
            label,
            list(names),
            index=None,
            format_func=lambda n: names.get(n, n),
            key=key,
            placeholder="Type to search…",
        )
    st.slider("Paths to show", 1, 5, key=state.PATH_COUNT)
    st.multiselect(
        "Avoid these nodes",
        list(names),
        format_func=lambda n: names.get(n, n),
        key=state.PATH_AVOID,
        placeholder="e.g. the What Works Centre, to see other routes",
        help="The paths go around these nodes (never around the two ends).",
    )
    view = state.view()
    if len(view.path) != 2:
        return
    report = data.path_report(handle, view.path[0], view.path[1], view.path_count, avoided(graph, view))
    st.markdown(E(report["explanation"]))
    found = report.get("paths") or []
    if not found:
        return
    import pandas as pd

    rows = [
        {"path": i + 1, "steps": len(p) - 1, "through": " → ".join(step["label"] for step in p)}
        for i, p in enumerate(found)
    ]
    key = f"{state.PATH_TABLE}-{'-'.join(view.path)}-{view.path_count}"
    state.show_row(key, view.path_pick)
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        on_select=state.on_row(key, "path_pick", list(range(len(found))), {"path": list(view.path)}),
        selection_mode="single-row",
        key=key,
    )
    st.caption("Choose a path to highlight it alone; choose it again to see them all.")
    st.button("Clear the highlighted paths", on_click=state.select, kwargs={"path": []})
