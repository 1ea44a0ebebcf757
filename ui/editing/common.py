"""What every part of the Edit tab shares: session keys, the passcode seal, the one place a write happens, errors beside their fields, names."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable

import streamlit as st

from graph.data import edit, gate
from graph.errors import MAX_LISTED, ConflictError, DataError, GraphError, Problem, visible
from graph.picture.panels import escape_markdown
from graph.schema import RELATIONS, NodeType, Relation

PASSCODE_SETTING = "KG_EDIT_PASSCODE"
# The app's own session keys this module reads or sets: the selected node, and the tab shown.
APP_FOCUS_KEY = "focus"
APP_TAB_KEY = "tab"
EDIT_TAB = "Edit"

BASIS = {"stated": "Stated in the report", "inferred": "Inferred (give a rationale)"}
#: The basis of what the room says, offered once a session has begun.
ROOM_BASIS = {"room": "Said in the room"}
REFS_HELP = (
    "Where this comes from: report sections (e.g. 4.2) or the workshop (e.g. Workshop 12 March). "
    "Separate several with ;"
)
E = escape_markdown  # every piece of text from the data or the user goes through this before markdown

# Session keys of this module (widget keys start with "kg_", private state with "_kg_").
PASSCODE = "kg_passcode"
EDITOR = "kg_editor"
UNLOCKED = "_kg_unlocked"
WRONG = "_kg_wrong_passcode"
FLASH = "_kg_flash"
MINE = "_kg_mine"  # this session's last change that can be undone: (what it did, its log entry id)
ERRORS = "_kg_errors"
CONFLICT = "_kg_conflict"
RERUN_APP = "_kg_rerun_app"
IMPORT_PLAN = "_kg_import_plan"
# A secret of this server process: the session keeps a seal of the passcode it was unlocked with,
# never the passcode, and the seal stops working if the configured passcode changes.
_PROCESS_KEY = secrets.token_bytes(32)


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


def seal(passcode: str) -> str:
    return hmac.new(_PROCESS_KEY, passcode.encode("utf-8"), hashlib.sha256).hexdigest()


def editing_unlocked() -> bool:
    """Whether this session may edit: a passcode is configured and this session entered it."""
    configured = configured_passcode()
    sealed = st.session_state.get(UNLOCKED)
    return configured is not None and isinstance(sealed, str) and hmac.compare_digest(sealed, seal(configured))


def editor_name() -> str:
    """The name this facilitator entered (recorded in the change log), or '' if none yet."""
    return str(st.session_state.get(EDITOR) or "").strip()










# ------------------------------------------------------------------ the Edit tab










# ------------------------------------------------------------------ writing, and errors at the fields


def editor_of() -> str:
    return str(st.session_state.get(EDITOR) or "").strip()


def save(form: str, write: Callable[[str], edit.EditResult], done: str, *, undoable: bool = True) -> bool:
    """Run one write (``write`` gets the editor's name) and record its outcome for the next run.

    The one place this module writes: it refuses unless this session unlocked editing. A change that
    can be undone is kept as this session's own (``MINE``), so its Undo outlives a later conflict.
    """
    state = st.session_state
    state[ERRORS] = {"form": form, "fields": {}}
    state.pop(FLASH, None)
    if not editing_unlocked():
        add_error(form, "", "Editing is locked.")
        return False
    if not editor_of():
        add_error(form, "", "Enter your name in the sidebar first: every change records who made it.")
        return False
    try:
        result = write(editor_of())
    except ConflictError:
        state[CONFLICT] = True
        return False
    except DataError as error:
        for problem in error.problems[:MAX_LISTED]:
            add_error(form, _field_of(problem), problem.message)
        return False
    except GraphError as error:
        add_error(form, "", str(error))
        return False
    if result.entry_id and undoable:
        state[MINE] = (done, result.entry_id)
    said = done if result.entry_id else "Nothing changed: that is already how the data is."
    state[FLASH] = (said, result.entry_id if undoable else None)
    state[RERUN_APP] = True
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


def add_error(form: str, field: str, message: str) -> None:
    errors = st.session_state.setdefault(ERRORS, {"form": form, "fields": {}})
    errors["fields"].setdefault(field, []).append(message)


def show_errors(form: str, *fields: str) -> None:
    """Show, beside their fields, the messages of the last attempt at ``form`` about these fields."""
    errors = st.session_state.get(ERRORS) or {}
    if errors.get("form") != form:
        return
    for field, messages in errors["fields"].items():
        if field in fields:
            for message in messages:
                st.error(E(message))


def show_other_errors(form: str, known: set[str]) -> None:
    """Show the messages of the last attempt at ``form`` that belong to none of its ``known`` fields."""
    errors = st.session_state.get(ERRORS) or {}
    if errors.get("form") != form:
        return
    for field, messages in errors["fields"].items():
        if field not in known:
            where = f"{field}: " if field else ""
            for message in messages:
                st.error(E(where + message))


def refs_from(text: str | None) -> list[str]:
    return [part.strip() for part in str(text or "").replace("|", ";").split(";") if part.strip()]


# ------------------------------------------------------------------ names


def label_of(graph, node_id: str) -> str:
    return str(graph.nodes[node_id].get("label", node_id)) if node_id in graph else node_id


def type_of(graph, node_id: str | None) -> str | None:
    return graph.nodes[node_id].get("type") if node_id in graph else None


def names_of(graph) -> dict[str, str]:
    """Every node id -> 'Label (type)', in label order (the id is added where two would read the same)."""
    ordered = sorted(graph.nodes, key=lambda n: (label_of(graph, n).lower(), n))
    names = {n: f"{label_of(graph, n)} ({type_of(graph, n)})" for n in ordered}
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    return {n: f"{name[:-1]}, {n})" if seen[name] > 1 else name for n, name in names.items()}


def sentence(graph, source: str, relation: str, target: str) -> str:
    return f"{label_of(graph, source)} {RELATIONS[Relation(relation)].verb} {label_of(graph, target)}"


def relations_between(source_type: str | None, target_type: str | None) -> list[str]:
    if not source_type or not target_type:
        return []
    pair = (NodeType(source_type), NodeType(target_type))
    return [relation.value for relation, rule in RELATIONS.items() if pair in rule.pairs]


def relation_name(relation: str) -> str:
    return f"{RELATIONS[Relation(relation)].verb} ({relation})"


# ------------------------------------------------------------------ add a link














# ------------------------------------------------------------------ add a node










# ------------------------------------------------------------------ the selected node: edit, its links, delete


























# ------------------------------------------------------------------ import












def problem_table(problems) -> None:
    shown = problems[:MAX_LISTED]
    rows = [{"row": visible(p.element), "column": visible(p.field), "problem": visible(p.message)} for p in shown]
    import pandas as pd  # only when there is a table to show

    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(36 * (len(rows) + 1), 300))
    if len(problems) > len(shown):
        st.caption(f"and {len(problems) - len(shown):,} more problems")




# ------------------------------------------------------------------ undo and history










