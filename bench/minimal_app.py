"""The benchmark's baseline app: only the same precomputed payload, drawn by the same component.

A widget (so a change can be timed) and the graph; nothing else. The slider does to the drawing
what the explorer's depth slider does (with ``KG_BENCH_FOCUS``, the node the explorer's link selects):
it highlights that node's neighbourhood to the chosen depth, so the browser restyles the same
drawing in both apps and the ratio is what the explorer adds.
"""

import json
import os
from pathlib import Path

import streamlit as st

from graph.picture.component import graph_view


@st.cache_data
def _payload(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _neighbourhood(payload: dict, focus: str, depth: int) -> dict:
    links: dict[str, set[str]] = {}
    for edge in payload["edges"]:
        links.setdefault(edge["from"], set()).add(edge["to"])
        links.setdefault(edge["to"], set()).add(edge["from"])
    lit, frontier = {focus}, {focus}
    for _ in range(depth):
        frontier = {n for f in frontier for n in links.get(f, ())} - lit
        lit |= frontier
    edges = [e["id"].split("|") for e in payload["edges"] if e["from"] in lit and e["to"] in lit]
    return {"nodes": sorted(lit), "edges": [[s, t, r] for s, r, t in edges], "focus": focus}


depth = st.slider("Depth", 1, 3, 1, key="depth")
payload = _payload(os.environ["KG_BENCH_PAYLOAD"])
focus = os.environ.get("KG_BENCH_FOCUS")
graph_view(payload, key="graph", height=720, highlight=_neighbourhood(payload, focus, depth) if focus else None)
