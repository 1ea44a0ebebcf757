"""Undo and history: the recent changes, who made them and when, each with its Undo."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from graph.data import edit
from graph.data.stores import Handle
from graph.errors import DataError
from ui.editing.common import MINE, label_of, problem_table, save, sentence

RECENT_CHANGES = 15


def history_section(graph, handle: Handle) -> None:
    try:
        entries = handle.store.changelog()
    except DataError as error:
        st.error("The change log cannot be read:")
        problem_table(error.problems)
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
        on_click=undo,
        args=(handle, target["id"] if target else None),
        kwargs={"latest": True},  # the change shown above, and only while it is still the latest
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


def undo(handle: Handle, entry_id: str | None, latest: bool = False) -> None:
    """Undo one change by its log id.

    ``latest``: "Undo the last change", as the page showed it: refused if another change came since,
    or if the data is no longer at the version the page showed. Otherwise (a change's own Undo) others
    may have saved since: only a later change to the same node or link stands in the way.
    """
    if entry_id is None:
        return
    version = handle.version if latest else None

    def write(who: str) -> edit.EditResult:
        return edit.undo(handle.store, entry_id, editor=who, expected_version=version, only_if_latest=latest)

    # An undo is not itself undone: make the change again.
    if save("undo", write, "Undone: the change is reverted, and the undo is in the change log.", undoable=False):
        mine = st.session_state.get(MINE)
        if mine and mine[1] == entry_id:
            st.session_state.pop(MINE)


def _when(value: Any) -> str:
    text = str(value or "")
    return text.replace("T", " ")[:16] + (" UTC" if text.endswith("+00:00") else "")


def _what(graph, entry: dict[str, Any]) -> str:
    key = entry.get("key")
    if entry.get("element") == "edge" and isinstance(key, str) and key.count("|") == 2:
        source, relation, target = key.split("|")
        try:
            return sentence(graph, source, relation, target)
        except ValueError:
            return key
    if entry.get("element") == "node" and isinstance(key, str):
        return f"{label_of(graph, key)} ({key})" if key in graph else key
    if entry.get("element") == "dataset":
        after = entry.get("after") or {}
        return f"{len(after.get('nodes', []))} nodes and {len(after.get('edges', []))} links added or changed"
    return str(key or "")


def _describe(graph, entry: dict[str, Any]) -> str:
    return f"{_when(entry.get('time'))} · {entry.get('editor', '')} · {entry.get('action', '')} · {_what(graph, entry)}"
