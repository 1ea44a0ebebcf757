"""The selected node: edit its fields, change or delete its links, delete it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from graph.data import edit
from graph.data.changes import as_dict
from graph.data.stores import Handle
from graph.schema import LEVELS, MESSAGE_KINDS, Dataset, Edge, Node, NodeType
from ui.editing.common import (
    APP_FOCUS_KEY,
    BASIS,
    ERRORS,
    REFS_HELP,
    E,
    add_error,
    refs_from,
    relation_name,
    relations_between,
    save,
    sentence,
    show_errors,
    show_other_errors,
    type_of,
)


def selected_node_section(graph, handle: Handle, dataset: Dataset) -> None:
    focus = st.session_state.get(APP_FOCUS_KEY)
    node = next((n for n in dataset.nodes if n.id == focus), None)
    if node is None:
        st.info("Select a node in the graph, or choose one under **Find a node**, to edit it here.")
        return
    st.markdown(f"**{E(node.label)}** · {E(node.type.value)} · id `{node.id}`")
    _node_form(handle, node)
    st.divider()
    _links_of_node(graph, handle, dataset, node)
    st.divider()
    _delete_node(graph, handle, dataset, node)


def _key(*parts: str) -> str:
    return "kg_" + "_".join(parts)


def _node_form(handle: Handle, node: Node) -> None:
    # Fields start again from the saved data after this person's own save, not after every change
    # another page makes: what they have typed is kept while the page follows the data.
    tag = _tag(node.id)
    special = _special_attributes(node)
    changed = _warn_if_changed(handle, ("node", node.id), node, tag)
    with st.form(_key("upd_form", tag), border=False):
        if changed:
            st.checkbox("Save mine over their change", key=_key("mine", tag))
        st.text_input("Label", node.label, key=_key("upd_label", tag), max_chars=300)
        show_errors("update", "label")
        st.text_input("References", "; ".join(node.refs), key=_key("upd_refs", tag), help=REFS_HELP)
        show_errors("update", "refs")
        st.text_area("Description", node.description or "", key=_key("upd_description", tag), max_chars=5000)
        show_errors("update", "description")
        st.text_input(
            "Other names (aliases)",
            "; ".join(node.aliases),
            key=_key("upd_aliases", tag),
            help="Acronyms, old and new names people use for it, separated by ; (imports and searches find it by them).",
        )
        show_errors("update", "aliases")
        if "level" in special:
            current = node.attributes.get("level")
            st.selectbox(
                "Level",
                LEVELS,
                index=LEVELS.index(current) if current in LEVELS else None,
                key=_key("upd_level", tag),
                format_func=str.capitalize,
            )
            show_errors("update", "level")
        if "kind" in special:
            current = node.attributes.get("kind")
            index = MESSAGE_KINDS.index(current) if current in MESSAGE_KINDS else None
            st.selectbox("Kind of message", MESSAGE_KINDS, index=index, key=_key("upd_kind", tag))
            show_errors("update", "kind")
        others = {name: value for name, value in node.attributes.items() if name not in special}
        if others:
            st.caption("Attributes (empty a field to remove it; separate list items with ;)")
        for number, (name, value) in enumerate(sorted(others.items())):
            st.text_input(E(name), _as_text(value), key=_key("upd_attr", str(number), tag))
            show_errors("update", name)
        left, right = st.columns(2)
        left.text_input("New attribute: name", key=_key("upd_new_name", tag))
        right.text_input("New attribute: value", key=_key("upd_new_value", tag))
        show_errors("update", "attributes")
        st.form_submit_button(
            "Save changes",
            type="primary",
            key=_key("upd_save", tag),
            on_click=_update_node,
            args=(handle, node),
        )
    show_other_errors("update", {"label", "refs", "description", "aliases", "level", "kind", "attributes", *others})


def _special_attributes(node: Node) -> tuple[str, ...]:
    """Attributes with their own select box: a topic's or theme's level, a message's kind."""
    if node.type in (NodeType.TOPIC, NodeType.THEME):
        return ("level",)
    if node.type is NodeType.MESSAGE:
        return ("kind",)
    return ()


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def _typed(text: str, like: Any) -> Any:
    """Text from a field, in the shape of the attribute's current value; ValueError says what is wrong."""
    text = text.strip()
    if isinstance(like, bool):
        if text.lower() in ("yes", "true", "1"):
            return True
        if text.lower() in ("no", "false", "0"):
            return False
        raise ValueError("must be yes or no")
    if isinstance(like, int):
        try:
            return int(text)
        except ValueError:
            raise ValueError("must be a whole number") from None
    if isinstance(like, float):
        try:
            return float(text)
        except ValueError:
            raise ValueError("must be a number") from None
    if isinstance(like, list):
        items = [item.strip() for item in text.split(";") if item.strip()]
        if like and all(isinstance(item, int) and not isinstance(item, bool) for item in like):
            try:
                return [int(item) for item in items]
            except ValueError:
                raise ValueError("must be whole numbers separated by ;") from None
        return items
    if like is None and text.lstrip("-").isdigit() and len(text) <= 18:
        return int(text)  # a new attribute given as a whole number (a count, an order) is stored as one
    return text


def _update_node(handle: Handle, node: Node) -> None:
    state = st.session_state
    tag = _tag(node.id)
    over_theirs = bool(state.get(_key("mine", tag)))
    state[ERRORS] = {"form": "update", "fields": {}}
    special = _special_attributes(node)
    attributes: dict[str, Any] = {}
    for name in special:
        chosen = state.get(_key(f"upd_{name}", tag))
        if chosen:
            attributes[name] = chosen
    others = {name: value for name, value in node.attributes.items() if name not in special}
    for number, (name, value) in enumerate(sorted(others.items())):
        text = str(state.get(_key("upd_attr", str(number), tag)) or "")
        if not text.strip():
            continue  # emptied: removed
        try:
            attributes[name] = _typed(text, value)
        except ValueError as error:
            add_error("update", name, str(error))
    new_name = str(state.get(_key("upd_new_name", tag)) or "").strip()
    new_value = str(state.get(_key("upd_new_value", tag)) or "")
    if new_name and new_value.strip():
        if new_name in attributes or new_name in node.attributes:
            add_error("update", "attributes", f"The node already has an attribute '{new_name}'; change it above.")
        else:
            attributes[new_name] = _typed(new_value, None)
    elif new_name or new_value.strip():
        add_error("update", "attributes", "Give the new attribute both a name and a value.")
    refs = refs_from(state.get(_key("upd_refs", tag)))
    if not refs:
        add_error("update", "refs", "Say where the node comes from (a report section or the workshop).")
    if state[ERRORS]["fields"]:
        return
    description = str(state.get(_key("upd_description", tag)) or "").strip()
    changes = {
        "label": str(state.get(_key("upd_label", tag)) or ""),
        "refs": refs,
        "description": description or None,
        "aliases": refs_from(state.get(_key("upd_aliases", tag))) or None,
        "attributes": attributes,
    }
    version = _unchanged_since_opened(handle, ("node", node.id), tag, "update", over_theirs)
    if version is None:
        return
    done = f"Saved the changes to {E(changes['label'].strip() or node.label)}."
    if save(
        "update",
        lambda who: edit.update_node(handle.store, node.id, changes, editor=who, expected_version=version),
        done,
    ):
        _saved(node.id)


def _links_of_node(graph, handle: Handle, dataset: Dataset, node: Node) -> None:
    links = edit.edges_of(dataset, node.id)
    st.markdown(f"**Links of this node** ({len(links)})")
    if not links:
        st.caption("None yet: add one under **Add a link**.")
        return
    by_key = {link.key: link for link in links}
    key = st.selectbox(
        "Choose a link to change or delete",
        list(by_key),
        index=None,
        format_func=lambda k: sentence(graph, by_key[k].source, by_key[k].relation.value, by_key[k].target),
        key=_key("link_pick", node.id),
        placeholder="Choose a link…",
    )
    if key is None or key not in by_key:
        return
    link = by_key[key]
    tag = _tag(link.key)
    changed = _warn_if_changed(handle, ("edge", link.key), link, tag)
    relations = relations_between(type_of(graph, link.source), type_of(graph, link.target))
    with st.form(_key("link_form", tag), border=False):
        if changed:
            st.checkbox("Save mine over their change", key=_key("mine", tag))
        st.selectbox(
            "Relation",
            relations,
            index=relations.index(link.relation.value) if link.relation.value in relations else None,
            format_func=relation_name,
            key=_key("edge_relation", tag),
        )
        show_errors("edge", "relation")
        # An imported link keeps its basis until someone checks it against the report.
        bases = {**BASIS, "imported": "Imported from a file (not checked)"} if link.basis == "imported" else BASIS
        st.radio(
            "Basis",
            list(bases),
            index=list(bases).index(link.basis),
            format_func=bases.get,
            horizontal=True,
            key=_key("edge_basis", tag),
        )
        st.text_input("Rationale", link.rationale or "", key=_key("edge_rationale", tag), max_chars=1000)
        show_errors("edge", "rationale", "basis")
        st.text_input("References", "; ".join(link.refs), key=_key("edge_refs", tag), help=REFS_HELP)
        show_errors("edge", "refs")
        for number, (name, value) in enumerate(sorted(link.attributes.items())):
            st.text_input(E(name), _as_text(value), key=_key("edge_attr", str(number), tag))
            show_errors("edge", name)
        st.form_submit_button(
            "Save link",
            type="primary",
            key=_key("edge_save", tag),
            on_click=_update_link,
            args=(handle, link, graph),
        )
    st.button(
        "Delete this link", key=_key("edge_delete", tag), on_click=_delete_link, args=(handle, link, graph)
    )
    show_other_errors("edge", {"relation", "rationale", "basis", "refs", *link.attributes})


def _update_link(handle: Handle, link: Edge, graph) -> None:
    state = st.session_state
    tag = _tag(link.key)
    over_theirs = bool(state.get(_key("mine", tag)))
    state[ERRORS] = {"form": "edge", "fields": {}}
    attributes: dict[str, Any] = {}
    for number, (name, value) in enumerate(sorted(link.attributes.items())):
        text = str(state.get(_key("edge_attr", str(number), tag)) or "")
        if text.strip():
            try:
                attributes[name] = _typed(text, value)
            except ValueError as error:
                add_error("edge", name, str(error))
    relation = state.get(_key("edge_relation", tag)) or link.relation.value
    basis = state.get(_key("edge_basis", tag)) or link.basis
    rationale = str(state.get(_key("edge_rationale", tag)) or "").strip()
    refs = refs_from(state.get(_key("edge_refs", tag)))
    if basis == "inferred" and not rationale:
        add_error("edge", "rationale", "An inferred link needs a one-line rationale.")
    if not refs:
        add_error("edge", "refs", "Say where the link comes from (a report section or the workshop).")
    if state[ERRORS]["fields"]:
        return
    changes = {"relation": relation, "basis": basis, "rationale": rationale or None, "refs": refs}
    changes["attributes"] = attributes
    version = _unchanged_since_opened(handle, ("edge", link.key), tag, "edge", over_theirs)
    if version is None:
        return
    done = "Saved the link: " + E(sentence(graph, link.source, relation, link.target))
    write = lambda who: edit.update_edge(handle.store, link.key, changes, editor=who, expected_version=version)  # noqa: E731
    if save("edge", write, done):
        _saved(link.key)


def _delete_link(handle: Handle, link: Edge, graph) -> None:
    done = "Deleted the link: " + E(sentence(graph, link.source, link.relation.value, link.target))
    save("edge", lambda who: edit.delete_edge(handle.store, link.key, editor=who, expected_version=handle.version), done)


def _delete_node(graph, handle: Handle, dataset: Dataset, node: Node) -> None:
    links = edit.edges_of(dataset, node.id)
    with st.expander("Delete this node"):
        if links:
            st.markdown(f"These **{len(links)}** links are deleted with it:")
            rows = [{"link": sentence(graph, e.source, e.relation.value, e.target), "basis": e.basis} for e in links]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(36 * (len(rows) + 1), 280))
        else:
            st.caption("It has no links.")
        tag = f"{node.id}_{handle.version[:12]}"
        noun = "link" if len(links) == 1 else "links"
        sure = st.checkbox(
            f"Yes, delete {E(node.label)} and its {len(links)} {noun}", key=_key("delete_sure", tag), value=False
        )
        st.button(
            "Delete node",
            key=_key("delete_node", tag),
            disabled=not sure,
            on_click=_delete_node_confirmed,
            args=(handle, node, len(links)),
        )
        show_other_errors("delete", set())


def _delete_node_confirmed(handle: Handle, node: Node, link_count: int) -> None:
    tag = f"{node.id}_{handle.version[:12]}"
    if not st.session_state.get(_key("delete_sure", tag)):
        return
    done = f"Deleted {E(node.label)} and its {link_count} link{'s' if link_count != 1 else ''}."
    if save("delete", lambda who: edit.delete_node(handle.store, node.id, editor=who, expected_version=handle.version), done):
        st.session_state[APP_FOCUS_KEY] = None


# ------------------------------------------------------------------ two facilitators at once


def _tag(key: str) -> str:
    """A form's widget keys: the element, and how many times this person saved it."""
    return f"{key}_{st.session_state.get(f'_kg_saves_{key}', 0)}"


def _saved(key: str) -> None:
    """After this person's own save, the form starts again from the data they saved."""
    state = st.session_state
    state[f"_kg_saves_{key}"] = state.get(f"_kg_saves_{key}", 0) + 1


def _warn_if_changed(handle: Handle, element: tuple[str, str], model, tag: str) -> bool:
    """Remember the element as the form first showed it; if another page changed it since, say who
    and what (what this person typed is kept: the form's keys stay the same), offer to take their
    version; True then, and the form offers to save this person's over it."""
    state = st.session_state
    base_key = f"_kg_base_{tag}"
    now = as_dict(model)
    if base_key not in state:
        state[base_key] = now
        return False
    base = state[base_key]
    if base == now:
        return False
    fields = sorted(k for k in {*base, *now} if base.get(k) != now.get(k))
    st.warning(
        f"{E(_who_changed(handle, element))} changed this while you had it open ({E(', '.join(fields))}). What you "
        "typed below is kept: take their version, or tick the box and save yours over it.",
        icon=":material/group:",
    )
    st.button("Take theirs", key=_key("theirs", tag), on_click=_saved, args=(element[1],))
    return True


def _unchanged_since_opened(
    handle: Handle, element: tuple[str, str], tag: str, form: str, over_theirs: bool
) -> str | None:
    """The data's version now, if the element is as the form first showed it (or the person chose to
    save over the other change); else None, with a message beside the form and their typing kept."""
    state = st.session_state
    dataset, version = edit.snapshot(handle.store)
    current = next(
        (as_dict(m) for m in (*dataset.nodes, *dataset.edges) if (m.id if isinstance(m, Node) else m.key) == element[1]),
        None,
    )
    if current is None:
        add_error(form, "", f"{_who_changed(handle, element)} deleted this while you had it open; nothing was saved.")
        return None
    base = state.get(f"_kg_base_{tag}", current)
    if base != current and not over_theirs:
        add_error(
            form,
            "",
            f"{_who_changed(handle, element)} changed this while you had it open; nothing was saved. What you "
            "typed is kept: take their version, or tick the box to save yours over it.",
        )
        return None
    return version


def _who_changed(handle: Handle, element: tuple[str, str]) -> str:
    """'Ana (at 10:42 UTC)': who last changed the element, from the change log."""
    from graph.data.changes import change_of
    from ui import data

    for entry in reversed(data.changelog(handle)):
        if entry.get("element") in ("node", "edge", "dataset") and element in change_of(entry):
            when = str(entry.get("time", "")).replace("T", " ")[11:16]
            return f"{entry.get('editor', 'Someone')} (at {when} UTC)"
    return "Someone else"
