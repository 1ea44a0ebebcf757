"""The About tab: where the data comes from, what it holds, and how to cite it."""

from __future__ import annotations

import streamlit as st

from graph.data.stores import Handle
from graph.picture.panels import escape_markdown as E
from graph.schema import NODE_TYPE_DOCS, NodeType
from ui import data


def about_panel(handle: Handle) -> None:
    import pandas as pd

    s = data.summary(handle)
    st.markdown(
        "This explorer turns the What Works Centre for Children's Social Care's report "
        "*Stakeholder engagement during 'gestation phase', October 2017 – June 2018* (published July 2018) "
        "into a graph: who the Centre heard from, the topics they want evidence on, the barriers to "
        "using evidence, and the organisations and initiatives around them."
    )
    st.markdown(
        f"**{s['nodes']} nodes and {s['edges']} links.** {s['by_basis'].get('stated', 0)} links are stated in the "
        f"report; {s['by_basis'].get('inferred', 0)} are a careful reader's inference, each with its rationale. "
        "Every node and link cites the section of the report it comes from."
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
