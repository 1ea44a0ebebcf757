"""The Edit tab: what the last write did, and a choice of what the facilitator does next."""

from __future__ import annotations

import streamlit as st

from graph.data import edit, store
from graph.schema import Dataset
from ui.editing.common import CONFLICT, ERRORS, FLASH, RERUN_APP, editing_unlocked, editor_of, show_other_errors
from ui.editing.history import history_section, undo
from ui.editing.imports import import_section
from ui.editing.link import add_link_section
from ui.editing.node import add_node_section
from ui.editing.selected import selected_node_section

MODES = {
    "link": "Add a link",
    "node": "Add a node",
    "selected": "Selected node",
    "import": "Import",
    "history": "Undo and history",
}


@st.cache_resource(show_spinner=False, max_entries=2)
def _dataset(data_dir: str, version: str) -> Dataset:
    return store.load_dataset(data_dir)


@st.fragment
def edit_panel(graph, data_dir: str, version: str) -> None:
    """The Edit tab: add, change and delete nodes and links, import a file, undo; every write validated.

    A fragment, so typing into the forms reruns only this panel; a saved change reruns the whole app,
    whose caches are keyed on the data files and so show the change at once.
    """
    state = st.session_state
    if state.pop(RERUN_APP, False):
        st.rerun()
    if not editing_unlocked():
        st.info("Editing is locked. Unlock it under **Facilitator editing** in the sidebar.")
        return
    dataset = _dataset(data_dir, version)
    _status(graph, data_dir, version)
    if not editor_of():
        st.warning("Enter **your name** in the sidebar first: every change records who made it.")
    mode = st.radio(
        "What do you want to do?",
        list(MODES),
        format_func=MODES.get,
        horizontal=True,
        key="kg_edit_mode",
        label_visibility="collapsed",
    )
    if mode == "link":
        add_link_section(graph, data_dir, version, dataset)
    elif mode == "node":
        add_node_section(graph, data_dir, version, dataset)
    elif mode == "selected":
        selected_node_section(graph, data_dir, version, dataset)
    elif mode == "import":
        import_section(data_dir, version, dataset)
    else:
        history_section(graph, data_dir, version)


def _status(graph, data_dir: str, version: str) -> None:
    """What the last write did (with Undo), or that someone else saved first (with Reload)."""
    state = st.session_state
    show_other_errors("undo", set())  # from the Undo beside a message or in the history
    if state.get(CONFLICT):
        st.warning(edit.CONFLICT_MESSAGE)
        st.button("Reload", key="kg_reload", type="primary", on_click=_reload)
        return
    flash = state.get(FLASH)
    if not flash:
        return
    text, entry_id = flash
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.success(text)
    if entry_id:
        right.button("Undo", key="kg_flash_undo", on_click=undo, args=(data_dir, version, entry_id))


def _reload() -> None:
    st.session_state.pop(CONFLICT, None)
    st.session_state.pop(ERRORS, None)
    st.session_state[RERUN_APP] = True
