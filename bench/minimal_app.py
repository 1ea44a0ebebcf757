"""The benchmark's baseline app: only the same precomputed payload, drawn by the same component.

A widget (so a change can be timed) and the graph; nothing else.
"""

import json
import os
from pathlib import Path

import streamlit as st

from graph.picture.component import graph_view


@st.cache_data
def _payload(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


st.slider("Depth", 1, 3, 1, key="depth")
graph_view(_payload(os.environ["KG_BENCH_PAYLOAD"]), key="graph", height=720)
