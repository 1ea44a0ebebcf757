"""Live capture: the facilitator's editing controls, shown only once the facilitator passcode is entered.

Every write goes through ``graph.data.edit`` (validated, locked, versioned, logged and undoable); this
module turns widgets into those calls, and their errors into messages beside the fields.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from graph.data import edit, gate, store
from graph.errors import MAX_LISTED, ConflictError, DataError, GraphError, Problem
from graph.formats import MAX_IMPORT_BYTES, MergePlan, near_duplicates, parse_import, plan_merge, slug_id
from graph.picture.panels import escape_markdown
from graph.schema import LEVELS, MESSAGE_KINDS, RELATIONS, Dataset, Edge, Node, NodeType, Relation, edge_key

PASSCODE_SETTING = "KG_EDIT_PASSCODE"
IMPORT_TYPES = ["csv", "xlsx", "graphml", "gexf", "json"]
RECENT_CHANGES = 15
# The app's own session keys this module reads or sets: the selected node, and the tab shown.
APP_FOCUS_KEY = "focus"
APP_TAB_KEY = "tab"
EDIT_TAB = "Edit"

MODES = {
    "link": "Add a link",
    "node": "Add a node",
    "selected": "Selected node",
    "import": "Import",
    "history": "Undo and history",
}
BASIS = {"stated": "Stated in the report", "inferred": "Inferred (give a rationale)"}
REFS_HELP = (
    "Where this comes from: report sections (e.g. 4.2) or the workshop (e.g. Workshop 12 March). "
    "Separate several with ;"
)
E = escape_markdown  # every piece of text from the data or the user goes through this before markdown

# Session keys of this module (widget keys start with "kg_", private state with "_kg_").
_PASSCODE = "kg_passcode"
_EDITOR = "kg_editor"
_UNLOCKED = "_kg_unlocked"
_WRONG = "_kg_wrong_passcode"
_FLASH = "_kg_flash"
_ERRORS = "_kg_errors"
_CONFLICT = "_kg_conflict"
_RERUN_APP = "_kg_rerun_app"
_IMPORT_PLAN = "_kg_import_plan"
_IMPORT_SHOWN = "_kg_import_shown"  # (version, the plan as the preview shows it, after merge answers)
_TYPE_CHANGE_OK = "kg_import_type_ok"
_UPLOADS = "_kg_uploads"
# A secret of this server process: the session keeps a seal of the passcode it was unlocked with,
# never the passcode, and the seal stops working if the configured passcode changes.
_PROCESS_KEY = secrets.token_bytes(32)
# One limit on wrong passcodes for every session this server process serves (a module global: one per process).
GATE = gate.PasscodeGate()


# ------------------------------------------------------------------ the passcode gate


def configured_passcode() -> str | None:
    """The facilitator passcode from Streamlit secrets, else the environment; None when editing is off."""
    try:
        value = st.secrets.get(PASSCODE_SETTING)
    except Exception:  # no secrets file, or one that does not parse: viewing must still work
        value = None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not gate.editing_enabled(value):
        value = os.environ.get(PASSCODE_SETTING)
    return value if gate.editing_enabled(value) else None


def _seal(passcode: str) -> str:
    return hmac.new(_PROCESS_KEY, passcode.encode("utf-8"), hashlib.sha256).hexdigest()


def editing_unlocked() -> bool:
    """Whether this session may edit: a passcode is configured and this session entered it."""
    configured = configured_passcode()
    sealed = st.session_state.get(_UNLOCKED)
    return configured is not None and isinstance(sealed, str) and hmac.compare_digest(sealed, _seal(configured))


def editor_name() -> str:
    """The name this facilitator entered (recorded in the change log), or '' if none yet."""
    return str(st.session_state.get(_EDITOR) or "").strip()


def unlock_controls() -> None:
    """The sidebar's facilitator controls: unlock with the passcode; then the editor's name and Lock."""
    if configured_passcode() is None:
        st.caption("Editing is off: no facilitator passcode is configured.")
        return
    if editing_unlocked():
        with st.container(border=True):
            st.markdown("**Editing is unlocked**")
            st.caption("Make changes in the **Edit** tab, next to Details.")
            st.text_input(
                "Your name",
                key=_EDITOR,
                max_chars=100,
                placeholder="e.g. Sam (facilitator)",
                help="Recorded in the change log with every change you save. Required before saving.",
            )
            st.button("Lock editing", key="kg_lock", on_click=_lock)
        return
    with st.expander("Facilitator editing", expanded=bool(st.session_state.get(_WRONG))):
        with st.form("kg_unlock_form", border=False):
            st.text_input("Facilitator passcode", type="password", key=_PASSCODE, autocomplete="off")
            st.form_submit_button("Unlock editing", key="kg_unlock", on_click=_unlock)
        wrong = st.session_state.pop(_WRONG, None)
        if wrong:
            st.error(_refusal(wrong))


def _unlock() -> None:
    state = st.session_state
    given = state.get(_PASSCODE) or ""
    state[_PASSCODE] = ""  # the passcode is never kept, shown again or logged
    configured = configured_passcode()
    answer = GATE.attempt(given, configured)
    if configured is not None and answer.opened:
        state[_UNLOCKED] = _seal(configured)
        state[APP_TAB_KEY] = EDIT_TAB  # shown at once unless this browser has already picked a tab
    else:
        state[_WRONG] = answer


def _refusal(answer: gate.GateAnswer) -> str:
    if not answer.wait:
        return "That passcode is not right. Editing stays locked."
    wait = math.ceil(answer.wait)
    when = f"{math.ceil(wait / 60)} minutes" if wait > 90 else f"{wait} second{'s' if wait != 1 else ''}"
    first = "Too many wrong passcodes." if answer.refused_unchecked else "That passcode is not right."
    return f"{first} Editing stays locked; the next try is taken in {when}."


def _lock() -> None:
    state = st.session_state
    for key in (_UNLOCKED, _FLASH, _ERRORS, _CONFLICT, _IMPORT_PLAN):
        state.pop(key, None)


# ------------------------------------------------------------------ the Edit tab


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
    if state.pop(_RERUN_APP, False):
        st.rerun()
    if not editing_unlocked():
        st.info("Editing is locked. Unlock it under **Facilitator editing** in the sidebar.")
        return
    dataset = _dataset(data_dir, version)
    _status(graph, data_dir, version)
    if not _editor():
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
        _add_link_section(graph, data_dir, version, dataset)
    elif mode == "node":
        _add_node_section(graph, data_dir, version, dataset)
    elif mode == "selected":
        _selected_node_section(graph, data_dir, version, dataset)
    elif mode == "import":
        _import_section(data_dir, version, dataset)
    else:
        _history_section(graph, data_dir, version)


def _status(graph, data_dir: str, version: str) -> None:
    """What the last write did (with Undo), or that someone else saved first (with Reload)."""
    state = st.session_state
    _show_other_errors("undo", set())  # from the Undo beside a message or in the history
    if state.get(_CONFLICT):
        st.warning(edit.CONFLICT_MESSAGE)
        st.button("Reload", key="kg_reload", type="primary", on_click=_reload)
        return
    flash = state.get(_FLASH)
    if not flash:
        return
    text, entry_id = flash
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.success(text)
    if entry_id:
        right.button("Undo", key="kg_flash_undo", on_click=_undo, args=(data_dir, version, entry_id))


def _reload() -> None:
    st.session_state.pop(_CONFLICT, None)
    st.session_state.pop(_ERRORS, None)
    st.session_state[_RERUN_APP] = True


# ------------------------------------------------------------------ writing, and errors at the fields


def _editor() -> str:
    return str(st.session_state.get(_EDITOR) or "").strip()


def _save(form: str, write: Callable[[str], edit.EditResult], done: str) -> bool:
    """Run one write (``write`` gets the editor's name) and record its outcome for the next run.

    The one place this module writes: it refuses unless this session unlocked editing.
    """
    state = st.session_state
    state[_ERRORS] = {"form": form, "fields": {}}
    state.pop(_FLASH, None)
    if not editing_unlocked():
        _error(form, "", "Editing is locked.")
        return False
    if not _editor():
        _error(form, "", "Enter your name in the sidebar first: every change records who made it.")
        return False
    try:
        result = write(_editor())
    except ConflictError:
        state[_CONFLICT] = True
        return False
    except DataError as error:
        for problem in error.problems[:MAX_LISTED]:
            _error(form, _field_of(problem), problem.message)
        return False
    except GraphError as error:
        _error(form, "", str(error))
        return False
    state[_FLASH] = (done if result.entry_id else "Nothing changed: that is already how the data is.", result.entry_id)
    state[_RERUN_APP] = True
    return True


def _field_of(problem: Problem) -> str:
    """The form field a validation problem belongs to ("refs.0" -> "refs"; the message kind -> "kind")."""
    head = problem.field.split(".")[0]
    if head == "attributes" and problem.field.count("."):
        return problem.field.split(".")[1]
    if not head and "attributes.kind" in problem.message:
        return "kind"
    if not head and "rationale" in problem.message:
        return "rationale"
    if not head and problem.message.startswith("duplicate edge"):
        return "relation"
    return head


def _error(form: str, field: str, message: str) -> None:
    errors = st.session_state.setdefault(_ERRORS, {"form": form, "fields": {}})
    errors["fields"].setdefault(field, []).append(message)


def _show_errors(form: str, *fields: str) -> None:
    """Show, beside their fields, the messages of the last attempt at ``form`` about these fields."""
    errors = st.session_state.get(_ERRORS) or {}
    if errors.get("form") != form:
        return
    for field, messages in errors["fields"].items():
        if field in fields:
            for message in messages:
                st.error(E(message))


def _show_other_errors(form: str, known: set[str]) -> None:
    """Show the messages of the last attempt at ``form`` that belong to none of its ``known`` fields."""
    errors = st.session_state.get(_ERRORS) or {}
    if errors.get("form") != form:
        return
    for field, messages in errors["fields"].items():
        if field not in known:
            where = f"{field}: " if field else ""
            for message in messages:
                st.error(E(where + message))


def _refs(text: str | None) -> list[str]:
    return [part.strip() for part in str(text or "").replace("|", ";").split(";") if part.strip()]


# ------------------------------------------------------------------ names


def _label(graph, node_id: str) -> str:
    return str(graph.nodes[node_id].get("label", node_id)) if node_id in graph else node_id


def _type(graph, node_id: str | None) -> str | None:
    return graph.nodes[node_id].get("type") if node_id in graph else None


def _names(graph) -> dict[str, str]:
    """Every node id -> 'Label (type)', in label order (the id is added where two would read the same)."""
    ordered = sorted(graph.nodes, key=lambda n: (_label(graph, n).lower(), n))
    names = {n: f"{_label(graph, n)} ({_type(graph, n)})" for n in ordered}
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {n: f"{name[:-1]}, {n})" if seen[name] > 1 else name for n, name in names.items()}


def _sentence(graph, source: str, relation: str, target: str) -> str:
    return f"{_label(graph, source)} {RELATIONS[Relation(relation)].verb} {_label(graph, target)}"


def _relations_between(source_type: str | None, target_type: str | None) -> list[str]:
    if not source_type or not target_type:
        return []
    pair = (NodeType(source_type), NodeType(target_type))
    return [relation.value for relation, rule in RELATIONS.items() if pair in rule.pairs]


def _relation_name(relation: str) -> str:
    return f"{RELATIONS[Relation(relation)].verb} ({relation})"


# ------------------------------------------------------------------ add a link


def _add_link_section(graph, data_dir: str, version: str, dataset: Dataset) -> None:
    state = st.session_state
    focus = state.get(APP_FOCUS_KEY)
    names = _names(graph)
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
    _show_errors("link", "source")
    target = st.selectbox("To", options, key="kg_link_target", **pick)
    _show_errors("link", "target")
    buttons = st.columns(3)
    if focus in names:
        buttons[0].button(
            "Selected node as From", key="kg_link_focus_from", on_click=_set, args=("kg_link_source", focus)
        )
        buttons[1].button("Selected node as To", key="kg_link_focus_to", on_click=_set, args=("kg_link_target", focus))
    buttons[2].button("Swap", key="kg_link_swap", on_click=_swap, help="Swap From and To")

    relations = _relations_between(_type(graph, source), _type(graph, target))
    if source and target and not relations:
        other_way = _relations_between(_type(graph, target), _type(graph, source))
        message = f"No relation may join a {_type(graph, source)} to a {_type(graph, target)}."
        if other_way:
            message += " The other way round: " + ", ".join(RELATIONS[Relation(r)].verb for r in other_way) + ". Swap?"
        st.info(message)
    relation = st.selectbox(
        "Relation",
        relations,
        index=0 if relations else None,
        format_func=_relation_name,
        key=_relation_key(graph, source, target),
        placeholder="Choose From and To first",
        help="Only the relations allowed between these two types of node are offered.",
    )
    if relation:
        st.caption(E(RELATIONS[Relation(relation)].doc))
    _show_errors("link", "relation")
    st.radio("Basis", list(BASIS), format_func=BASIS.get, horizontal=True, key="kg_link_basis")
    st.text_input(
        "Rationale", key="kg_link_rationale", max_chars=1000, help="One line: why. Required for an inferred link."
    )
    _show_errors("link", "rationale", "basis")
    st.text_input("References", key="kg_link_refs", help=REFS_HELP, placeholder="e.g. 4.2; Workshop 12 March")
    _show_errors("link", "refs")
    if source and target and relation:
        st.text("Will add: " + _sentence(graph, source, relation, target))
    st.button(
        "Add link",
        key="kg_add_link",
        type="primary",
        on_click=_add_link,
        args=(data_dir, version, graph, dataset),
        disabled=not (source and target and relation),
    )
    _show_other_errors("link", {"source", "target", "relation", "rationale", "basis", "refs"})


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
    return f"kg_link_relation_{_type(graph, source)}_{_type(graph, target)}"


def _set(key: str, value: Any) -> None:
    st.session_state[key] = value


def _swap() -> None:
    state = st.session_state
    state["kg_link_source"], state["kg_link_target"] = state.get("kg_link_target"), state.get("kg_link_source")


def _add_link(data_dir: str, version: str, graph, dataset: Dataset) -> None:
    state = st.session_state
    source, target = state.get("kg_link_source"), state.get("kg_link_target")
    relation = state.get(_relation_key(graph, source, target))
    basis = state.get("kg_link_basis") or "stated"
    rationale = str(state.get("kg_link_rationale") or "").strip()
    refs = _refs(state.get("kg_link_refs"))
    state[_ERRORS] = {"form": "link", "fields": {}}
    if not source:
        _error("link", "source", "Choose the node the link starts from.")
    if not target:
        _error("link", "target", "Choose the node the link goes to.")
    if not relation:
        _error("link", "relation", "Choose a relation allowed between these two nodes.")
    if basis == "inferred" and not rationale:
        _error("link", "rationale", "An inferred link needs a one-line rationale.")
    if not refs:
        _error("link", "refs", "Say where the link comes from (a report section or the workshop).")
    if source and target and relation and edge_key(source, relation, target) in {e.key for e in dataset.edges}:
        _error("link", "relation", "That link is already in the graph.")
    if state[_ERRORS]["fields"]:
        return
    link = {"source": source, "target": target, "relation": relation, "refs": refs, "basis": basis}
    if rationale:
        link["rationale"] = rationale
    done = "Added the link: " + E(_sentence(graph, source, relation, target))
    if _save("link", lambda who: edit.add_edge(data_dir, link, editor=who, expected_version=version), done):
        # Ready for the next missed link: keep From, the basis and the references.
        state["kg_link_target"] = None
        state["kg_link_rationale"] = ""


# ------------------------------------------------------------------ add a node


def _add_node_section(graph, data_dir: str, version: str, dataset: Dataset) -> None:
    state = st.session_state
    types = [t.value for t in NodeType]
    node_type = st.selectbox(
        "Type", types, index=types.index("topic"), key="kg_node_type", format_func=lambda t: t.capitalize()
    )
    st.text_input("Label", key="kg_node_label", max_chars=300)
    _show_errors("node", "label")
    suggested = _suggest_id(node_type, state.get("kg_node_label") or "", dataset)
    st.text_input(
        "Id",
        key="kg_node_id",
        max_chars=120,
        placeholder=suggested or "made from the type and label",
        help="A stable id: letters, digits and : _ . - only. Leave it empty to use the suggestion shown.",
    )
    _show_errors("node", "id")
    if node_type in ("topic", "theme"):
        st.selectbox("Level", LEVELS, index=None, key="kg_node_level", format_func=str.capitalize)
        _show_errors("node", "level")
    if node_type == "message":
        st.selectbox("Kind of message", MESSAGE_KINDS, index=None, key="kg_node_kind")
        _show_errors("node", "kind")
    st.text_input("References", key="kg_node_refs", help=REFS_HELP, placeholder="e.g. 4.2; Workshop 12 March")
    _show_errors("node", "refs")
    st.text_area("Description", key="kg_node_description", max_chars=5000, height=90)
    _show_errors("node", "description")
    st.button("Add node", key="kg_add_node", type="primary", on_click=_add_node, args=(data_dir, version, dataset))
    _show_other_errors("node", {"label", "id", "level", "kind", "refs", "description"})


def _suggest_id(node_type: str | None, label: str, dataset: Dataset) -> str:
    if not label.strip():
        return ""
    taken = {n.id for n in dataset.nodes}
    base = candidate = slug_id(node_type, label)
    number = 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _add_node(data_dir: str, version: str, dataset: Dataset) -> None:
    state = st.session_state
    node_type = state.get("kg_node_type")
    label = str(state.get("kg_node_label") or "").strip()
    node_id = str(state.get("kg_node_id") or "").strip() or _suggest_id(node_type, label, dataset)
    node: dict[str, Any] = {"id": node_id, "type": node_type, "label": label, "refs": _refs(state.get("kg_node_refs"))}
    description = str(state.get("kg_node_description") or "").strip()
    if description:
        node["description"] = description
    attributes = {}
    if node_type in ("topic", "theme") and state.get("kg_node_level"):
        attributes["level"] = state["kg_node_level"]
    if node_type == "message" and state.get("kg_node_kind"):
        attributes["kind"] = state["kg_node_kind"]
    if attributes:
        node["attributes"] = attributes
    state[_ERRORS] = {"form": "node", "fields": {}}
    if not label:
        _error("node", "label", "Give the node a label.")
    if not node["refs"]:
        _error("node", "refs", "Say where the node comes from (a report section or the workshop).")
    if node_id in {n.id for n in dataset.nodes}:
        _error("node", "id", f"The id '{node_id}' is taken; choose another.")
    if state[_ERRORS]["fields"]:
        return
    done = f"Added the {node_type} {E(label)} (id `{node_id}`)." if _is_plain_id(node_id) else f"Added {E(label)}."
    if _save("node", lambda who: edit.add_node(data_dir, node, editor=who, expected_version=version), done):
        for key in ("kg_node_label", "kg_node_id", "kg_node_description"):
            state[key] = ""
        for key in ("kg_node_level", "kg_node_kind"):
            state.pop(key, None)


def _is_plain_id(text: str) -> bool:
    return all(c.isascii() and (c.isalnum() or c in ":_.-") for c in text)


# ------------------------------------------------------------------ the selected node: edit, its links, delete


def _selected_node_section(graph, data_dir: str, version: str, dataset: Dataset) -> None:
    focus = st.session_state.get(APP_FOCUS_KEY)
    node = next((n for n in dataset.nodes if n.id == focus), None)
    if node is None:
        st.info("Select a node in the graph, or choose one under **Find a node**, to edit it here.")
        return
    st.markdown(f"**{E(node.label)}** · {E(node.type.value)} · id `{node.id}`")
    _node_form(data_dir, version, node)
    st.divider()
    _links_of_node(graph, data_dir, version, dataset, node)
    st.divider()
    _delete_node(graph, data_dir, version, dataset, node)


def _key(*parts: str) -> str:
    return "kg_" + "_".join(parts)


def _node_form(data_dir: str, version: str, node: Node) -> None:
    tag = f"{node.id}_{version[:12]}"  # fields start again from the saved data after every change
    special = _special_attributes(node)
    with st.form(_key("upd_form", tag), border=False):
        st.text_input("Label", node.label, key=_key("upd_label", tag), max_chars=300)
        _show_errors("update", "label")
        st.text_input("References", "; ".join(node.refs), key=_key("upd_refs", tag), help=REFS_HELP)
        _show_errors("update", "refs")
        st.text_area("Description", node.description or "", key=_key("upd_description", tag), max_chars=5000)
        _show_errors("update", "description")
        if "level" in special:
            current = node.attributes.get("level")
            st.selectbox(
                "Level",
                LEVELS,
                index=LEVELS.index(current) if current in LEVELS else None,
                key=_key("upd_level", tag),
                format_func=str.capitalize,
            )
            _show_errors("update", "level")
        if "kind" in special:
            current = node.attributes.get("kind")
            index = MESSAGE_KINDS.index(current) if current in MESSAGE_KINDS else None
            st.selectbox("Kind of message", MESSAGE_KINDS, index=index, key=_key("upd_kind", tag))
            _show_errors("update", "kind")
        others = {name: value for name, value in node.attributes.items() if name not in special}
        if others:
            st.caption("Attributes (empty a field to remove it; separate list items with ;)")
        for number, (name, value) in enumerate(sorted(others.items())):
            st.text_input(E(name), _as_text(value), key=_key("upd_attr", str(number), tag))
            _show_errors("update", name)
        left, right = st.columns(2)
        left.text_input("New attribute: name", key=_key("upd_new_name", tag))
        right.text_input("New attribute: value", key=_key("upd_new_value", tag))
        _show_errors("update", "attributes")
        st.form_submit_button(
            "Save changes",
            type="primary",
            key=_key("upd_save", tag),
            on_click=_update_node,
            args=(data_dir, version, node),
        )
    _show_other_errors("update", {"label", "refs", "description", "level", "kind", "attributes", *others})


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


def _update_node(data_dir: str, version: str, node: Node) -> None:
    state = st.session_state
    tag = f"{node.id}_{version[:12]}"
    state[_ERRORS] = {"form": "update", "fields": {}}
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
            _error("update", name, str(error))
    new_name = str(state.get(_key("upd_new_name", tag)) or "").strip()
    new_value = str(state.get(_key("upd_new_value", tag)) or "")
    if new_name and new_value.strip():
        if new_name in attributes or new_name in node.attributes:
            _error("update", "attributes", f"The node already has an attribute '{new_name}'; change it above.")
        else:
            attributes[new_name] = _typed(new_value, None)
    elif new_name or new_value.strip():
        _error("update", "attributes", "Give the new attribute both a name and a value.")
    refs = _refs(state.get(_key("upd_refs", tag)))
    if not refs:
        _error("update", "refs", "Say where the node comes from (a report section or the workshop).")
    if state[_ERRORS]["fields"]:
        return
    description = str(state.get(_key("upd_description", tag)) or "").strip()
    changes = {
        "label": str(state.get(_key("upd_label", tag)) or ""),
        "refs": refs,
        "description": description or None,
        "attributes": attributes,
    }
    done = f"Saved the changes to {E(changes['label'].strip() or node.label)}."
    _save(
        "update",
        lambda who: edit.update_node(data_dir, node.id, changes, editor=who, expected_version=version),
        done,
    )


def _links_of_node(graph, data_dir: str, version: str, dataset: Dataset, node: Node) -> None:
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
        format_func=lambda k: _sentence(graph, by_key[k].source, by_key[k].relation.value, by_key[k].target),
        key=_key("link_pick", node.id),
        placeholder="Choose a link…",
    )
    if key is None or key not in by_key:
        return
    link = by_key[key]
    tag = f"{link.key}_{version[:12]}"
    relations = _relations_between(_type(graph, link.source), _type(graph, link.target))
    with st.form(_key("link_form", tag), border=False):
        st.selectbox(
            "Relation",
            relations,
            index=relations.index(link.relation.value) if link.relation.value in relations else None,
            format_func=_relation_name,
            key=_key("edge_relation", tag),
        )
        _show_errors("edge", "relation")
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
        _show_errors("edge", "rationale", "basis")
        st.text_input("References", "; ".join(link.refs), key=_key("edge_refs", tag), help=REFS_HELP)
        _show_errors("edge", "refs")
        for number, (name, value) in enumerate(sorted(link.attributes.items())):
            st.text_input(E(name), _as_text(value), key=_key("edge_attr", str(number), tag))
            _show_errors("edge", name)
        st.form_submit_button(
            "Save link",
            type="primary",
            key=_key("edge_save", tag),
            on_click=_update_link,
            args=(data_dir, version, link, graph),
        )
    st.button(
        "Delete this link", key=_key("edge_delete", tag), on_click=_delete_link, args=(data_dir, version, link, graph)
    )
    _show_other_errors("edge", {"relation", "rationale", "basis", "refs", *link.attributes})


def _update_link(data_dir: str, version: str, link: Edge, graph) -> None:
    state = st.session_state
    tag = f"{link.key}_{version[:12]}"
    state[_ERRORS] = {"form": "edge", "fields": {}}
    attributes: dict[str, Any] = {}
    for number, (name, value) in enumerate(sorted(link.attributes.items())):
        text = str(state.get(_key("edge_attr", str(number), tag)) or "")
        if text.strip():
            try:
                attributes[name] = _typed(text, value)
            except ValueError as error:
                _error("edge", name, str(error))
    relation = state.get(_key("edge_relation", tag)) or link.relation.value
    basis = state.get(_key("edge_basis", tag)) or link.basis
    rationale = str(state.get(_key("edge_rationale", tag)) or "").strip()
    refs = _refs(state.get(_key("edge_refs", tag)))
    if basis == "inferred" and not rationale:
        _error("edge", "rationale", "An inferred link needs a one-line rationale.")
    if not refs:
        _error("edge", "refs", "Say where the link comes from (a report section or the workshop).")
    if state[_ERRORS]["fields"]:
        return
    changes = {"relation": relation, "basis": basis, "rationale": rationale or None, "refs": refs}
    changes["attributes"] = attributes
    done = "Saved the link: " + E(_sentence(graph, link.source, relation, link.target))
    _save("edge", lambda who: edit.update_edge(data_dir, link.key, changes, editor=who, expected_version=version), done)


def _delete_link(data_dir: str, version: str, link: Edge, graph) -> None:
    done = "Deleted the link: " + E(_sentence(graph, link.source, link.relation.value, link.target))
    _save("edge", lambda who: edit.delete_edge(data_dir, link.key, editor=who, expected_version=version), done)


def _delete_node(graph, data_dir: str, version: str, dataset: Dataset, node: Node) -> None:
    links = edit.edges_of(dataset, node.id)
    with st.expander("Delete this node"):
        if links:
            st.markdown(f"These **{len(links)}** links are deleted with it:")
            rows = [{"link": _sentence(graph, e.source, e.relation.value, e.target), "basis": e.basis} for e in links]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(36 * (len(rows) + 1), 280))
        else:
            st.caption("It has no links.")
        tag = f"{node.id}_{version[:12]}"
        noun = "link" if len(links) == 1 else "links"
        sure = st.checkbox(
            f"Yes, delete {E(node.label)} and its {len(links)} {noun}", key=_key("delete_sure", tag), value=False
        )
        st.button(
            "Delete node",
            key=_key("delete_node", tag),
            disabled=not sure,
            on_click=_delete_node_confirmed,
            args=(data_dir, version, node, len(links)),
        )
        _show_other_errors("delete", set())


def _delete_node_confirmed(data_dir: str, version: str, node: Node, link_count: int) -> None:
    tag = f"{node.id}_{version[:12]}"
    if not st.session_state.get(_key("delete_sure", tag)):
        return
    done = f"Deleted {E(node.label)} and its {link_count} link{'s' if link_count != 1 else ''}."
    if _save("delete", lambda who: edit.delete_node(data_dir, node.id, editor=who, expected_version=version), done):
        st.session_state[APP_FOCUS_KEY] = None


# ------------------------------------------------------------------ import


def _import_section(data_dir: str, version: str, dataset: Dataset) -> None:
    state = st.session_state
    megabytes = MAX_IMPORT_BYTES // (1024 * 1024)
    st.caption(
        f"CSV, Excel (.xlsx), GraphML, GEXF or JSON, up to {megabytes} MB. An import adds and updates nodes and "
        "links; it never deletes. You see what it would do before anything is saved."
    )
    upload = st.file_uploader(
        "File to import",
        type=IMPORT_TYPES,
        key=f"kg_import_{state.get(_UPLOADS, 0)}",
        max_upload_size=megabytes,
    )
    if upload is None:
        state.pop(_IMPORT_PLAN, None)
        state.pop(_IMPORT_SHOWN, None)
        return
    plan = _import_plan(upload, version, dataset)
    if isinstance(plan, DataError):
        st.error("This file cannot be imported:")
        _problem_table(plan.problems)
        return
    plan = _near_duplicate_answers(upload, version, dataset, plan)
    state[_IMPORT_SHOWN] = (version, plan)
    _show_plan(plan)
    retyped = _type_changes_confirmed(plan)
    st.button(
        "Apply import",
        key="kg_apply_import",
        type="primary",
        disabled=not (plan.ok and plan.has_changes and retyped),
        on_click=_apply_import,
        args=(data_dir, version),
    )
    _show_other_errors("import", set())


def _import_plan(upload, version: str, dataset: Dataset) -> MergePlan | DataError:
    """The merge plan of an upload against the data at ``version``, worked out once per file and version."""
    state = st.session_state
    ident = (upload.file_id, upload.name, version)
    kept = state.get(_IMPORT_PLAN)
    if kept and kept[0] == ident:
        return kept[1]
    if upload.size > MAX_IMPORT_BYTES:
        plan: MergePlan | DataError = DataError(
            [Problem(upload.name, "", "", f"file is {upload.size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}")]
        )
    else:
        try:
            plan = plan_merge(dataset, parse_import(upload.getvalue(), upload.name))
        except DataError as error:
            plan = error
    state[_IMPORT_PLAN] = (ident, plan)
    return plan


def _near_duplicate_answers(upload, version: str, dataset: Dataset, plan: MergePlan) -> MergePlan:
    """Warn about new nodes that look like existing ones; each answer 'merge' re-plans the import."""
    warnings = near_duplicates(plan, dataset) if plan.ok else []
    if not warnings:
        return plan
    st.warning(f"{len({w.new.id for w in warnings})} new node(s) look like nodes already in the data:")
    same_as: dict[str, str] = {}
    for new_id in dict.fromkeys(w.new.id for w in warnings):
        options = {"": "Keep both"} | {
            w.existing.id: f"Merge into {w.existing.label} ({w.existing.id})" for w in warnings if w.new.id == new_id
        }
        reasons = "; ".join(w.reason for w in warnings if w.new.id == new_id)
        choice = st.radio(
            E(f"New: {next(w.new.label for w in warnings if w.new.id == new_id)} ({new_id})"),
            list(options),
            format_func=lambda key, options=options: E(options[key]),
            key=f"kg_near_{hashlib.sha1(new_id.encode()).hexdigest()[:12]}",
            horizontal=True,
            help=reasons,
        )
        st.caption(E(reasons))
        if choice:
            same_as[new_id] = choice
    if not same_as:
        return plan
    ident = (upload.file_id, version, tuple(sorted(same_as.items())))
    kept = st.session_state.get("_kg_import_merged")
    if not (kept and kept[0] == ident):
        kept = (ident, plan_merge(dataset, parse_import(upload.getvalue(), upload.name), same_as=same_as))
        st.session_state["_kg_import_merged"] = kept
    return kept[1]


def _type_changes_confirmed(plan: MergePlan) -> bool:
    """An import that changes an existing node's type needs a tick first: it changes what the node is."""
    if not plan.type_changes:
        return True
    st.warning(
        f"This import changes the type of {len(plan.type_changes)} existing node(s): " + E(plan.describe_type_changes())
    )
    return st.checkbox("Yes, change the type of these nodes", key=_TYPE_CHANGE_OK)


def _show_plan(plan: MergePlan) -> None:
    st.text(plan.summary())
    if plan.problems:
        count = len(plan.problems)
        what = "this problem is" if count == 1 else f"these {count} problems are"
        st.error(f"Nothing can be imported until {what} fixed in the file:")
        _problem_table(plan.problems)
    elif not plan.has_changes:
        st.info("The file adds and changes nothing: everything in it is already in the data.")
    sections = [
        (
            "New nodes",
            [{"id": n.id, "type": n.type.value, "label": n.label, "refs": "; ".join(n.refs)} for n in plan.added_nodes],
        ),
        (
            "Changed nodes",
            [{"row": c.element, "id": c.after.id, "changed": ", ".join(c.fields)} for c in plan.changed_nodes],
        ),
        (
            "New links",
            [
                {"source": e.source, "relation": e.relation.value, "target": e.target, "basis": e.basis}
                for e in plan.added_edges
            ],
        ),
        (
            "Changed links",
            [{"row": c.element, "link": c.after.key, "changed": ", ".join(c.fields)} for c in plan.changed_edges],
        ),
    ]
    for title, rows in sections:
        if rows:
            st.markdown(f"**{title}** ({len(rows)})")
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(36 * (len(rows) + 1), 250))
    left_alone = len(plan.unchanged_nodes) + len(plan.unchanged_edges)
    if left_alone:
        st.caption(f"{left_alone} rows of the file match the data already and are left alone.")
    for note in plan.notes:
        st.caption(E(note))


def _problem_table(problems) -> None:
    shown = problems[:MAX_LISTED]
    rows = [{"row": p.element, "column": p.field, "problem": p.message} for p in shown]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(36 * (len(rows) + 1), 300))
    if len(problems) > len(shown):
        st.caption(f"and {len(problems) - len(shown):,} more problems")


def _apply_import(data_dir: str, version: str) -> None:
    state = st.session_state
    kept = state.get(_IMPORT_SHOWN)
    plan = kept[1] if kept and kept[0] == version else None
    if not isinstance(plan, MergePlan) or not plan.ok:
        _error("import", "", "Nothing to import: choose a file without problems.")
        return
    if plan.type_changes and not state.get(_TYPE_CHANGE_OK):
        _error("import", "", "Tick the box to confirm the change of type first.")
        return
    name = plan.file[:80]
    done = f"Imported {E(name)}: {E(plan.summary())}"
    write = lambda who: edit.apply_batch(  # noqa: E731
        data_dir, plan.merged, editor=who, action=f"import {name}", expected_version=version
    )
    if _save("import", write, done):
        state[_UPLOADS] = state.get(_UPLOADS, 0) + 1  # a fresh, empty uploader
        for key in (_IMPORT_PLAN, _IMPORT_SHOWN, _TYPE_CHANGE_OK):
            state.pop(key, None)


# ------------------------------------------------------------------ undo and history


def _history_section(graph, data_dir: str, version: str) -> None:
    try:
        entries = edit.read_changelog(data_dir)
    except DataError as error:
        st.error("The change log cannot be read:")
        _problem_table(error.problems)
        return
    target = edit.undo_target(entries)
    if target is None:
        st.caption("There is no change to undo.")
    else:
        st.text("Undo would revert: " + _describe(graph, target))
    st.button(
        "Undo the last change",
        key="kg_undo",
        disabled=target is None,
        on_click=_undo,
        args=(data_dir, version, None),
    )
    st.markdown("**Recent changes**")
    if not entries:
        st.caption("None yet.")
    else:
        if len(entries) > RECENT_CHANGES:
            st.caption(
                f"The latest {RECENT_CHANGES} of {len(entries)}; the full log is changes.jsonl in the data folder."
            )
        rows = [
            {
                "time": _when(entry.get("time")),
                "editor": str(entry.get("editor", "")),
                "action": str(entry.get("action", "")),
                "what": _what(graph, entry),
            }
            for entry in reversed(entries[-RECENT_CHANGES:])
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _undo(data_dir: str, version: str, entry_id: str | None) -> None:
    write = lambda who: edit.undo(data_dir, entry_id, editor=who, expected_version=version)  # noqa: E731
    if _save("undo", write, "Undone: the change is reverted, and the undo is in the change log."):
        flash = st.session_state[_FLASH]
        st.session_state[_FLASH] = (flash[0], None)  # an undo is not itself undone: make the change again


def _when(value: Any) -> str:
    text = str(value or "")
    return text.replace("T", " ")[:16] + (" UTC" if text.endswith("+00:00") else "")


def _what(graph, entry: dict[str, Any]) -> str:
    key = entry.get("key")
    if entry.get("element") == "edge" and isinstance(key, str) and key.count("|") == 2:
        source, relation, target = key.split("|")
        try:
            return _sentence(graph, source, relation, target)
        except ValueError:
            return key
    if entry.get("element") == "node" and isinstance(key, str):
        return f"{_label(graph, key)} ({key})" if key in graph else key
    if entry.get("element") == "dataset":
        after = entry.get("after") or {}
        return f"{len(after.get('nodes', []))} nodes and {len(after.get('edges', []))} links added or changed"
    return str(key or "")


def _describe(graph, entry: dict[str, Any]) -> str:
    return f"{_when(entry.get('time'))} · {entry.get('editor', '')} · {entry.get('action', '')} · {_what(graph, entry)}"
