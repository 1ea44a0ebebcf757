"""The About tab: where the data comes from, what it holds, and how to cite it."""

from __future__ import annotations

import streamlit as st

from graph.bases import BASES
from graph.data.stores import Handle
from graph.picture.panels import escape_markdown as E
from graph.schema import NODE_TYPE_DOCS, NodeType
from ui import data


def about_panel(handle: Handle, graph=None) -> None:
    import pandas as pd

    s = data.summary(handle)
    st.markdown(
        "This explorer turns the What Works Centre for Children's Social Care's report "
        "*Stakeholder engagement during 'gestation phase', October 2017 – June 2018* (published July 2018) "
        "into a graph: who the Centre heard from, the topics they want evidence on, the barriers to "
        "using evidence, and the organisations and initiatives around them."
    )
    if graph is not None:
        _who_was_heard(graph)
    by_basis = [f"{s['by_basis'][b]} {rule.label}" for b, rule in BASES.items() if s["by_basis"].get(b)]
    st.markdown(
        f"**{s['nodes']} nodes and {s['edges']} links:** {', '.join(by_basis)}. An inferred link quotes the "
        "report's words behind it; a link from outside the report names its public source. Every node and link "
        "cites the section of the report it comes from."
    )
    st.dataframe(
        pd.DataFrame(
            [{"type": t, "nodes": n, "meaning": NODE_TYPE_DOCS[NodeType(t)]} for t, n in s["by_type"].items()]
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown(
        "**How to cite:** What Works Centre for Children's Social Care (2018), *Stakeholder engagement during "
        "'gestation phase', October 2017 – June 2018*; knowledge graph of the report, with section references."
    )
    st.caption(f"Data: {E(handle.store.describe())} · version {handle.version[:12]}")


def _who_was_heard(graph) -> None:
    """The report's own totals (section 2), read from the data."""
    from graph.analysis.reported import report_totals

    totals = report_totals(graph)
    if not totals:
        return
    lines = []
    for total in totals:
        parts = "; ".join(f"{p['count']} {p['label'].lower()}" for p in total["parts"])
        head = total["headline"][0].upper() + total["headline"][1:]
        lines.append(f"- {E(head)}" + (f": {E(parts)}" if parts else "") + f" ({E(', '.join(total['refs']))})")
    st.markdown("**Who was heard** (the report's totals)\n\n" + "\n".join(lines))
