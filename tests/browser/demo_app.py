"""A throwaway Streamlit app for the browser tests: the graph component on a hand-made graph.

KG_DEMO_GRAPH=tiny (default) draws seven nodes, two with injection strings as labels;
KG_DEMO_GRAPH=report draws a ~250-node graph shaped like the report's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).resolve().parent)]

from sample_graph import report_like_dataset, tiny_dataset  # noqa: E402

from graph.data.build import build_graph  # noqa: E402
from graph.picture.component import graph_view, select_node  # noqa: E402
from graph.picture.layout import compute_layout  # noqa: E402
from graph.picture.render import legend, vis_payload  # noqa: E402

st.set_page_config(page_title="Graph component demo", layout="wide")


@st.cache_resource
def load(which: str):
    graph = build_graph(report_like_dataset() if which == "report" else tiny_dataset())
    return graph, compute_layout(graph)


def count_change() -> None:
    st.session_state.changes += 1


G, positions = load(os.environ.get("KG_DEMO_GRAPH", "tiny"))
labels = {node: str(G.nodes[node]["label"]) for node in G}
drawing, side = st.columns([4, 1])

with side:
    st.selectbox(
        "Node",
        [None, *sorted(G, key=labels.get)],
        format_func=lambda node: "(none)" if node is None else labels[node],
        key="picker",
        on_change=lambda: select_node("graph", st.session_state.picker),
    )
    highlight = st.toggle("Highlight the Coventry strand", key="highlight")

with drawing:
    neighbours = {"strand:coventry", *G.successors("strand:coventry")} if "strand:coventry" in G else set()
    payload = vis_payload(G, positions, highlight=neighbours if highlight else None, size_by="degree")
    st.session_state.setdefault("changes", 0)
    selected = graph_view(payload, key="graph", height=560, on_select=count_change)

with side:
    st.text(f"selected={selected}")
    st.text(f"changes={st.session_state.changes}")
    st.caption(" · ".join(f"{entry['symbol']} {entry['label']}" for entry in legend()))
