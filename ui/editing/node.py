"""Add a node: type, label, where in the report, and an id suggested from the label."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.data import edit
from graph.data.stores import Handle
from graph.formats import slug_id
from graph.schema import LEVELS, MESSAGE_KINDS, Dataset, NodeType
from ui.editing.common import ERRORS, REFS_HELP, E, add_error, refs_from, save, show_errors, show_other_errors
from ui.editing.session import room_fields, said_in_the_room


def add_node_section(graph, handle: Handle, dataset: Dataset) -> None:
    state = st.session_state
    types = [t.value for t in NodeType]
    node_type = st.selectbox(
        "Type", types, index=types.index("topic"), key="kg_node_type", format_func=lambda t: t.capitalize()
    )
    st.text_input("Label", key="kg_node_label", max_chars=300)
    show_errors("node", "label")
    suggested = _suggest_id(node_type, state.get("kg_node_label") or "", dataset)
    st.text_input(
        "Id",
        key="kg_node_id",
        max_chars=120,
        placeholder=suggested or "made from the type and label",
        help="A stable id: letters, digits and : _ . - only. Leave it empty to use the suggestion shown.",
    )
    show_errors("node", "id")
    if node_type in ("topic", "theme"):
        st.selectbox("Level", LEVELS, index=None, key="kg_node_level", format_func=str.capitalize)
        show_errors("node", "level")
    if node_type == "message":
        st.selectbox("Kind of message", MESSAGE_KINDS, index=None, key="kg_node_kind")
        show_errors("node", "kind")
    st.text_input("References", key="kg_node_refs", help=REFS_HELP, placeholder="e.g. 4.2; Workshop 12 March")
    show_errors("node", "refs")
    st.text_area("Description", key="kg_node_description", max_chars=5000, height=90)
    show_errors("node", "description")
    st.text_input(
        "Other names (aliases)",
        key="kg_node_aliases",
        placeholder="e.g. KCA; Kinship Carers' Alliance",
        help="Acronyms, old and new names people use for it, separated by ; so imports and searches find it.",
    )
    show_errors("node", "aliases")
    session = said_in_the_room(handle)
    if session:
        st.caption(f"Recorded as added in the room: {E(session.title())}, with your name.")
    st.button("Add node", key="kg_add_node", type="primary", on_click=_add_node, args=(handle, dataset))
    show_other_errors("node", {"label", "id", "level", "kind", "refs", "description", "aliases"})


def _suggest_id(node_type: str | None, label: str, dataset: Dataset) -> str:
    if not label.strip():
        return ""
    taken = {n.id for n in dataset.nodes}
    base = candidate = slug_id(node_type, label)
    number = 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _add_node(handle: Handle, dataset: Dataset) -> None:
    state = st.session_state
    node_type = state.get("kg_node_type")
    label = str(state.get("kg_node_label") or "").strip()
    node_id = str(state.get("kg_node_id") or "").strip() or _suggest_id(node_type, label, dataset)
    node: dict[str, Any] = {"id": node_id, "type": node_type, "label": label, "refs": refs_from(state.get("kg_node_refs"))}
    description = str(state.get("kg_node_description") or "").strip()
    if description:
        node["description"] = description
    attributes = {}
    if node_type in ("topic", "theme") and state.get("kg_node_level"):
        attributes["level"] = state["kg_node_level"]
    if node_type == "message" and state.get("kg_node_kind"):
        attributes["kind"] = state["kg_node_kind"]
    session = said_in_the_room(handle)
    if session is not None:
        room = room_fields(session, node["refs"])
        node["refs"] = room["refs"]
        attributes.update(room["attributes"])
    if attributes:
        node["attributes"] = attributes
    aliases = refs_from(state.get("kg_node_aliases"))
    if aliases:
        node["aliases"] = aliases
    state[ERRORS] = {"form": "node", "fields": {}}
    if not label:
        add_error("node", "label", "Give the node a label.")
    if not node["refs"]:
        add_error("node", "refs", "Say where the node comes from (a report section or the workshop).")
    if node_id in {n.id for n in dataset.nodes}:
        add_error("node", "id", f"The id '{node_id}' is taken; choose another.")
    if state[ERRORS]["fields"]:
        return
    done = f"Added the {node_type} {E(label)} (id `{node_id}`)." if _is_plain_id(node_id) else f"Added {E(label)}."
    if save("node", lambda who: edit.add_node(handle.store, node, editor=who, expected_version=handle.version), done):
        from ui import state as app_state

        for key in ("kg_node_label", "kg_node_id", "kg_node_description", "kg_node_aliases"):
            app_state.set_widget(key, "")

        app_state.select(focus=node_id)  # the new node is selected, labelled in full, ready to be linked
        for key in ("kg_node_level", "kg_node_kind"):
            state.pop(key, None)


def _is_plain_id(text: str) -> bool:
    return all(c.isascii() and (c.isalnum() or c in ":_.-") for c in text)
