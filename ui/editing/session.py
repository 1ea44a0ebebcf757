"""The workshop session in the sidebar: its name and date, set once by a facilitator for every page
and every facilitator; what the room then says is recorded with it (basis 'room')."""

from __future__ import annotations

from datetime import date

import streamlit as st

from graph.data.history import Session, begin_session, room_attributes, room_ref
from graph.data.stores import Handle
from graph.errors import GraphError
from ui import data
from ui.editing.common import E, editor_of

NAME = "kg_session_name"
DAY = "kg_session_date"
_ERROR = "_kg_session_error"
_NEW = "_kg_session_new"


def session_controls(handle: Handle) -> None:
    """The current session, or a short form to begin one (and to begin the next)."""
    current = data.session(handle)
    if current is not None and not st.session_state.get(_NEW):
        st.markdown(f"**Session:** {E(current.name)}, {E(current.date)}")
        st.caption(f"Begun by {E(current.editor)} at version {current.data_version}. What you add is recorded as "
                   "said in the room.")
        st.button("Begin another session", key="kg_session_again", on_click=_again)
        return
    st.markdown("**Workshop session**")
    st.text_input("Session name", key=NAME, max_chars=120, placeholder="e.g. Leeds workshop")
    st.date_input("Session date", value=date.today(), key=DAY, format="YYYY-MM-DD")
    st.button("Begin the session", key="kg_session_begin", on_click=_begin, args=(handle,))
    error = st.session_state.pop(_ERROR, None)
    if error:
        st.error(E(error))


def _again() -> None:
    st.session_state[_NEW] = True


def _begin(handle: Handle) -> None:
    state = st.session_state
    if not editor_of():
        state[_ERROR] = "Enter your name first: the session records who began it."
        return
    day = state.get(DAY)
    try:
        begin_session(handle.store, str(state.get(NAME) or ""), day.isoformat() if day else "", editor=editor_of())
    except GraphError as error:
        state[_ERROR] = str(error)
        return
    state.pop(_NEW, None)


def said_in_the_room(handle: Handle) -> Session | None:
    """The session what is added now is recorded with, if one has begun."""
    return data.session(handle)


def room_fields(session: Session, refs: list[str]) -> dict:
    """What a node or link said in the room carries: the session and editor, and the session as its
    reference when the facilitator gives none."""
    return {"refs": refs or [room_ref(session)], "attributes": room_attributes(session, editor_of())}
