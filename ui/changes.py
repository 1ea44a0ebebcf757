"""The Changes tab: what changed since a point (the session's start, a data version), with counts and
a list whose rows select their element, every logged change with its editor and time, and the
session briefing (what was added, which overlaps appeared or went, which gaps closed or opened) as a
download."""

from __future__ import annotations

from functools import partial

import streamlit as st

from graph.data.stores import Handle
from graph.errors import GraphError
from graph.picture.panels import escape_markdown as E
from ui import data, state

PICK = "kg_since_pick"
TABLE = "kg_changes_table"
#: The data versions offered to compare with, latest first (older ones: ``?since=N`` in the link).
OFFERED = 40


def changes_panel(graph, handle: Handle) -> None:
    import pandas as pd

    from graph.data.history import data_entries, describe_entry

    view = state.view()
    entries = data_entries(data.changelog(handle))
    number, session = len(entries), data.session(handle)
    if not entries and session is None:
        st.info("No change has been logged yet: this is the data as shipped, version 0.", icon=":material/history:")
        return
    where = f"The data is at version {number}" + (f"; the session {E(session.title())} began at version "
                                                   f"{session.data_version}." if session else ".")
    st.caption(where)
    options: dict[str, str] = {}
    if session is not None:
        options["session"] = f"the start of the session ({session.name}, version {session.data_version})"
    labels = {n: str(d.get("label") or n) for n, d in graph.nodes(data=True)}
    for version in range(number - 1, max(-1, number - 1 - OFFERED), -1):
        options[str(version)] = f"version {version}: before {describe_entry(entries[version], labels)}"
    if view.since and view.since not in options:
        options[view.since] = view.since
    state.preset(PICK, view.since)
    st.selectbox(
        "Show what changed since",
        list(options),
        index=None,
        format_func=options.get,
        placeholder="Choose a point: the session's start, or a version…",
        key=PICK,
        on_change=_picked_since,
    )
    if not view.since:
        return
    found = data.since_view(handle, view.since)
    if isinstance(found, GraphError):
        st.error(E(str(found)))
        return
    st.markdown(E(found.sentence()))
    if found.rows:
        table = pd.DataFrame([{"what happened": r["status"], "": r["kind"], "what": r["what"]} for r in found.rows])
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=min(36 * (len(table) + 1), 320),
            selection_mode="single-row",
            on_select=partial(_picked_row, found.rows),
            key=TABLE,
        )
        st.caption("Choose a row to select it in the drawing. Removed ones are drawn hollow, where they were.")
    left, right = st.columns(2)
    left.button("Stop showing changes", key="kg_since_clear", on_click=state.select, kwargs={"since": None})
    briefing = data.briefing(handle, view.since)
    if isinstance(briefing, str):
        right.download_button(
            "Download the briefing",
            briefing.encode("utf-8"),
            file_name="what-the-room-changed.md",
            mime="text/markdown",
            key="kg_briefing",
            help="What was added, changed and removed, which overlaps appeared or went, which gaps closed or "
            "opened, and every change with its editor and time (markdown).",
        )
    if found.since.entries:
        st.markdown("**Every change, in order**")
        log = [
            {"time": _when(e.get("time")), "editor": str(e.get("editor", "")), "what": describe_entry(e, labels)}
            for e in found.since.entries
        ]
        st.dataframe(pd.DataFrame(log), hide_index=True, width="stretch", height=min(36 * (len(log) + 1), 280))


def _picked_since() -> None:
    state.select(since=st.session_state.get(PICK) or None)


def _picked_row(rows: list[dict]) -> None:
    """A row selects its element: a node; a link's two ends and the link between them."""
    event = st.session_state.get(TABLE) or {}
    selection = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    chosen = list((selection or {}).get("rows", []) or [])
    if not chosen or chosen[0] >= len(rows):
        return
    row = rows[chosen[0]]
    if row["kind"] == "node":
        state.select(focus=row["id"])
    elif row["status"] == "removed":  # no longer a path: its first end, with the ghost of the link beside it
        state.select(focus=row["ends"][0])
    else:  # the link itself: the one shortest path between its ends
        state.select(path=list(row["ends"]), path_count=1, path_pick=0)


def _when(value) -> str:
    text = str(value or "")
    return text.replace("T", " ")[:16] + (" UTC" if text.endswith("+00:00") else "")
