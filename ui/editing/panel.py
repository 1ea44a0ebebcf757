"""The Edit tab: what the last write did, and a choice of what the facilitator does next."""

from __future__ import annotations

import streamlit as st

from graph.data import edit
from graph.data.stores import Handle
from ui import data
from ui.editing.common import (
    CONFLICT,
    ERRORS,
    FLASH,
    MINE,
    RERUN_APP,
    editing_unlocked,
    editor_of,
    show_other_errors,
)
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


@st.fragment
def edit_panel(graph, handle: Handle) -> None:
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
    dataset = data.dataset(handle)
    _status(graph, handle)
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
        add_link_section(graph, handle, dataset)
    elif mode == "node":
        add_node_section(graph, handle, dataset)
    elif mode == "selected":
        selected_node_section(graph, handle, dataset)
    elif mode == "import":
        import_section(handle, dataset)
    else:
        history_section(graph, handle)


def _status(graph, handle: Handle) -> None:
    """What the last write did (with Undo), or that someone else saved first (with Reload); and this
    facilitator's own last change keeps its Undo, whatever was saved since."""
    state = st.session_state
    show_other_errors("undo", set())  # from the Undo beside a message or in the history
    conflict = state.get(CONFLICT)
    if conflict:
        st.warning(edit.CONFLICT_MESSAGE)
        st.button("Reload", key="kg_reload", type="primary", on_click=_reload)
    flash, mine = state.get(FLASH), state.get(MINE)
    if flash and not conflict:
        text, entry_id = flash
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.success(text)
        if entry_id:
            right.button("Undo", key="kg_flash_undo", on_click=undo, args=(handle, entry_id))
    elif mine:
        text, entry_id = mine
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.info("Your last change: " + text)
        right.button("Undo", key="kg_mine_undo", on_click=undo, args=(handle, entry_id))


def _reload() -> None:
    st.session_state.pop(CONFLICT, None)
    st.session_state.pop(ERRORS, None)
    st.session_state[RERUN_APP] = True
