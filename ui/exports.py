"""The Export menu: downloads of this view and of the data, made only when clicked."""

from __future__ import annotations

import streamlit as st

from graph.data.stores import Handle
from graph.picture.exports import EXPORT_FORMATS, MIME_TYPES
from ui import data

EXPORT_LABELS = {
    "png": "Picture of this view (PNG, 1920×1080)",
    "html": "This view as a web page (works offline)",
    "graphml": "GraphML (Gephi)",
    "gexf": "GEXF (Gephi)",
    "cytoscape": "Cytoscape.js JSON (Cytoscape)",
    "xlsx": "Excel workbook (Kumu: Elements and Connections)",
    "csv-nodes": "Nodes as CSV (Excel)",
    "csv-edges": "Links as CSV (Excel)",
    "json": "JSON (this tool's own format)",
    "markdown": "Briefing for a director (markdown)",
    "briefing": "Briefing for a director (web page to print)",
}


def export_menu(where, graph, handle: Handle, shown: list[str], lit: list[str], title: str, caption: str):
    """Downloads for after the workshop (the data exports are whole-graph)."""
    menu = where.popover("Export", icon=":material/download:", width="stretch", key="kg-export", on_change="rerun")
    if menu.open is False:  # built only while open
        return
    with menu:
        choice = st.selectbox(
            "Export",
            list(EXPORT_LABELS),
            format_func=EXPORT_LABELS.get,
            key="export_format",
            label_visibility="collapsed",
        )
        fmt, _, part = (choice or "png").partition("-")
        suffix = EXPORT_FORMATS[fmt]
        st.download_button(
            "Download",
            data=_exporter(graph, fmt, data.drawn_positions(handle, shown), shown, lit, title, caption, part),
            file_name=f"knowledge-graph{'-' + part if part else ''}{suffix}",
            mime=MIME_TYPES[fmt],
            key=f"export-download-{choice}",  # one button per format: never the previous format's file
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )


def _exporter(graph, fmt, where, shown, lit, title, caption, part):
    def make() -> bytes:
        from graph.picture.exports import export_files

        files = export_files(graph, fmt, positions=where, node_ids=shown, highlight=lit, title=title, caption=caption)
        return files[f"-{part}" if part else ""]

    return make
