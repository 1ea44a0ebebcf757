"""Live following: each page checks once a second whether the data or the scenes changed (saved
through another app server, the command line or another page) and redraws when they did.

A minimal poll in its own fragment: one version read per tick (for the PostgreSQL store one
single-row query, for the data folder a look at its files' stamps) and nothing else, so a page
costs the store almost nothing while the data stays as it is.
"""

from __future__ import annotations

import streamlit as st

from graph.data.stores import Handle
from graph.errors import GraphError
from ui import data

POLL_SECONDS = 1.0


@st.fragment(run_every=POLL_SECONDS)
def follow_changes(handle: Handle, scenes_version: str) -> None:
    """Rerun the whole page when the store's data or scenes are no longer the versions it shows."""
    try:
        moved = data.current_version(handle.store) != handle.version
        # "" means the page could not read the scenes: that alone is no reason to redraw every second
        moved = moved or (scenes_version != "" and handle.store.scenes_version() != scenes_version)
    except GraphError:
        return  # unreachable for now: the page keeps what it shows, and the next tick tries again
    if moved:
        st.rerun(scope="app")
