"""The Gaps tab: what the report's picture is missing, by kind; a row highlights the gap."""

from __future__ import annotations

import streamlit as st

from graph.analysis.gaps import GAP_KINDS
from graph.data.stores import Handle
from graph.picture.panels import escape_markdown as E
from ui import data, state


def gaps_panel(graph, handle: Handle) -> None:
    import pandas as pd

    report = data.gap_report(handle)
    view = state.view()
    kinds = [k for k in GAP_KINDS if k in report] + [k for k in report if k not in GAP_KINDS]
    chosen_kind = (view.gap or "").partition(":")[0]
    if chosen_kind in kinds:
        state.preset(state.GAP_KIND, chosen_kind)  # a link to a gap opens its kind
    kind = st.selectbox(
        "Kind of gap",
        kinds,
        format_func=lambda k: f"{GAP_KINDS.get(k, k.replace('_', ' ').capitalize())} ({len(report.get(k, []))})",
        key=state.GAP_KIND,
        on_change=state.select,
        kwargs={"gap": None},  # another kind: the highlighted gap is no longer in the table
    )
    items = report.get(kind or kinds[0], [])
    about = data.gap_summary(handle).get(kind or kinds[0])
    if about:
        _about(about)
    if not items:
        st.success("None found.")
        return
    values = [f"{kind}:{item['id']}" for item in items]
    rows = []
    for item in items:
        label = item.get("label") or " ↔ ".join(c["label"] for c in item.get("communities", []))
        rows.append({"gap": label, "why": item["reason"], "report": ", ".join(item.get("refs", []))})
    key = f"{state.GAP_TABLE}-{kind}"
    state.show_row(key, values.index(view.gap) if view.gap in values else None)
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        on_select=state.on_row(key, "gap", values),
        selection_mode="single-row",
        key=key,
        # The report's sections come before the long reason, so the panel's width always shows them.
        column_order=["gap", "report", "why"],
        column_config={
            "gap": st.column_config.TextColumn("Gap", width=150, pinned=True),
            "report": st.column_config.TextColumn("Report", width=175, help="The report's sections behind the gap"),
            "why": st.column_config.TextColumn("Why", width="large"),
        },
    )
    if view.gap in values:
        item = items[values.index(view.gap)]
        row = rows[values.index(view.gap)]
        st.markdown(
            f"**{E(row['gap'])}**: {E(item['reason'])}" + (f" *Report: {E(row['report'])}.*" if row["report"] else "")
        )
        if item.get("bridges"):
            st.markdown("**Bridge candidates**")
            st.markdown("\n".join(f"- **{E(b['label'])}**: {E(b['reason'])}" for b in item["bridges"]))
        if item.get("id") in graph:
            st.button("Show its details", on_click=_details_of, args=(item["id"],))


def _details_of(node_id: str) -> None:
    state.select(focus=node_id)
    state.set_tab("details")


def _about(about: dict) -> None:
    """How many of these gaps come from thin data rather than from the report, and what would fill them."""
    text = about["explanation"]
    if about["count"] and about["thin_data"]:
        text += f" From thin data: {about['thin_data']} of {about['count']}."
    st.info(E(text), icon=":material/info:")
    if about["to_fill"]:
        st.caption("To fill: " + E(about["to_fill"]))
