"""Add a link: "you have missed the link between X and Y" (click X, click Y, pick a relation the schema allows)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.data import edit
from graph.data.stores import Handle
from graph.schema import RELATIONS, Dataset, Relation, edge_key
from ui.editing.common import (
    APP_FOCUS_KEY,
    BASIS,
    ERRORS,
    REFS_HELP,
    ROOM_BASIS,
    E,
    add_error,
    names_of,
    refs_from,
    relation_name,
    relations_between,
    save,
    sentence,
    show_errors,
    show_other_errors,
    type_of,
)
from ui.editing.session import room_fields, said_in_the_room


def add_link_section(graph, handle: Handle, dataset: Dataset) -> None:
    state = st.session_state
    focus = state.get(APP_FOCUS_KEY)
    names = names_of(graph)
    if state.get("_kg_link_seen") != focus:
        state["_kg_link_seen"] = focus
        _take_selected(focus if focus in names else None)
    st.caption(
        "The room says a link is missing? Click the two nodes in the graph (the first becomes From, "
        "the second To), or type their names below."
    )
    options = list(names)
    pick = {"index": None, "format_func": lambda n: names.get(n, n), "placeholder": "Type to search…"}
    source = st.selectbox("From", options, key="kg_link_source", **pick)
    show_errors("link", "source")
    target = st.selectbox("To", options, key="kg_link_target", **pick)
    show_errors("link", "target")
    buttons = st.columns(3)
    if focus in names:
        buttons[0].button(
            "Selected node as From", key="kg_link_focus_from", on_click=_set, args=("kg_link_source", focus)
        )
        buttons[1].button("Selected node as To", key="kg_link_focus_to", on_click=_set, args=("kg_link_target", focus))
    buttons[2].button("Swap", key="kg_link_swap", on_click=_swap, help="Swap From and To")

    relations = relations_between(type_of(graph, source), type_of(graph, target))
    if source and target and not relations:
        other_way = relations_between(type_of(graph, target), type_of(graph, source))
        message = f"No relation may join a {type_of(graph, source)} to a {type_of(graph, target)}."
        if other_way:
            message += " The other way round: " + ", ".join(RELATIONS[Relation(r)].verb for r in other_way) + ". Swap?"
        st.info(message)
    relation = st.selectbox(
        "Relation",
        relations,
        index=0 if relations else None,
        format_func=relation_name,
        key=_relation_key(graph, source, target),
        placeholder="Choose From and To first",
        help="Only the relations allowed between these two types of node are offered.",
    )
    if relation:
        st.caption(E(RELATIONS[Relation(relation)].doc))
    show_errors("link", "relation")
    session = said_in_the_room(handle)
    bases = {**ROOM_BASIS, **BASIS} if session else BASIS
    if session and state.get("_kg_room_default") != session.time:  # a session began: what is said is the room's
        state["_kg_room_default"] = session.time
        state["kg_link_basis"] = "room"
    if state.get("kg_link_basis") not in bases:
        state.pop("kg_link_basis", None)
    st.radio("Basis", list(bases), format_func=bases.get, horizontal=True, key="kg_link_basis")
    if session and state.get("kg_link_basis") == "room":
        st.caption(f"Recorded with the session {E(session.title())} and your name; its reference is the session "
                   "unless you give one.")
    st.text_input(
        "Rationale", key="kg_link_rationale", max_chars=1000, help="One line: why. Required for an inferred link."
    )
    show_errors("link", "rationale", "basis")
    st.text_input("References", key="kg_link_refs", help=REFS_HELP, placeholder="e.g. 4.2; Workshop 12 March")
    show_errors("link", "refs")
    if source and target and relation:
        st.text("Will add: " + sentence(graph, source, relation, target))
    st.button(
        "Add link",
        key="kg_add_link",
        type="primary",
        on_click=_add_link,
        args=(handle, graph, dataset),
        disabled=not (source and target and relation),
    )
    show_other_errors("link", {"source", "target", "relation", "rationale", "basis", "refs"})


def _take_selected(node_id: str | None) -> None:
    """A node just selected in the graph fills From if it is empty, else To if that is empty."""
    state = st.session_state
    if node_id is None:
        return
    if not state.get("kg_link_source"):
        state["kg_link_source"] = node_id
    elif not state.get("kg_link_target") and node_id != state["kg_link_source"]:
        state["kg_link_target"] = node_id


def _relation_key(graph, source: str | None, target: str | None) -> str:
    """One relation select per pair of node types, so it starts on a relation allowed for the pair."""
    return f"kg_link_relation_{type_of(graph, source)}_{type_of(graph, target)}"


def _set(key: str, value: Any) -> None:
    st.session_state[key] = value


def _swap() -> None:
    state = st.session_state
    state["kg_link_source"], state["kg_link_target"] = state.get("kg_link_target"), state.get("kg_link_source")


def _add_link(handle: Handle, graph, dataset: Dataset) -> None:
    state = st.session_state
    source, target = state.get("kg_link_source"), state.get("kg_link_target")
    relation = state.get(_relation_key(graph, source, target))
    basis = state.get("kg_link_basis") or "stated"
    rationale = str(state.get("kg_link_rationale") or "").strip()
    refs = refs_from(state.get("kg_link_refs"))
    state[ERRORS] = {"form": "link", "fields": {}}
    session = said_in_the_room(handle) if basis == "room" else None
    if basis == "room" and session is None:
        add_error("link", "basis", "Begin a session in the sidebar first: what the room says is recorded with it.")
    elif session is not None:
        room = room_fields(session, refs)
        refs = room["refs"]
    if not source:
        add_error("link", "source", "Choose the node the link starts from.")
    if not target:
        add_error("link", "target", "Choose the node the link goes to.")
    if not relation:
        add_error("link", "relation", "Choose a relation allowed between these two nodes.")
    if basis == "inferred" and not rationale:
        add_error("link", "rationale", "An inferred link needs a one-line rationale.")
    if not refs:
        add_error("link", "refs", "Say where the link comes from (a report section or the workshop).")
    if source and target and relation and edge_key(source, relation, target) in {e.key for e in dataset.edges}:
        add_error("link", "relation", "That link is already in the graph.")
    if state[ERRORS]["fields"]:
        return
    link = {"source": source, "target": target, "relation": relation, "refs": refs, "basis": basis}
    if rationale:
        link["rationale"] = rationale
    if session is not None:
        link["attributes"] = room["attributes"]
    done = "Added the link: " + E(sentence(graph, source, relation, target))
    if save("link", lambda who: edit.add_edge(handle.store, link, editor=who, expected_version=handle.version), done):
        # Ready for the next missed link: keep From, the basis and the references.
        from ui import state as app_state

        app_state.set_widget("kg_link_target", None)
        app_state.set_widget("kg_link_rationale", "")
