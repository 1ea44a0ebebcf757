"""Live following: each page checks twice a second whether the data or the scenes changed (saved
through another app server, the command line or another page) and redraws when they did.

A minimal poll in its own fragment: one version read per tick (for the PostgreSQL store one
single-row query, for the data folder a look at its files' stamps) and nothing else. Every half
second, so that a change reaches a projector within about a second (half a second at most to
notice it, then the page's rerun and redraw); a tick costs the app server about 4 ms of CPU per
open page (measured with four pages open), once the full garbage collection Streamlit would run
after every run is switched off (.streamlit/config.toml: it cost about 60 ms per tick).
"""

from __future__ import annotations

import streamlit as st

from graph.data.stores import Handle
from graph.errors import GraphError
from ui import data

POLL_SECONDS = 0.5


@st.fragment(run_every=POLL_SECONDS)
def follow_changes(handle: Handle, scenes_version: str) -> None:
    """Rerun the whole page when the store's data or scenes are no longer the versions it shows."""
    try:
        moved = data.current_version(handle.store) != handle.version
        # "" means the page could not read the scenes: that alone is no reason to redraw at every tick
        moved = moved or (scenes_version != "" and handle.store.scenes_version() != scenes_version)
    except GraphError:
        return  # unreachable for now: the page keeps what it shows, and the next tick tries again
    if moved:
        st.rerun(scope="app")
