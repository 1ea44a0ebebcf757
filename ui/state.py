"""The app's session state in one place: the View (what is shown, selected and highlighted),
the keys of the widgets that show it, and the URL.

The View (``graph.schema.View``) is the single truth. Widgets are mirrors of it:

* at the start of every run, ``begin`` takes what a person changed in a mirrored widget into
  the View (and fills the key of a widget not drawn last run from the View);
* everything else that changes the View (a click on the drawing, a table row, a scene, "Go to
  a linked node") calls ``select`` or ``show_view`` from a widget callback, which runs before
  any widget of the next run is built, so the View and every mirror change together and the
  drawing, the details and the URL agree after one rerun;
* at the end of every run, ``write_url`` puts the View in the address bar (``graph.picture.links``).

Only this module writes the keys named here; panels read them through ``view()`` and build
their widgets with these keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import streamlit as st

from graph.picture.links import TABS, check_view, read_query, view_query
from graph.schema import View

# ------------------------------------------------------------------ keys

VIEW = "_kg_view"
NOTICES = "_kg_notices"
CHECKED = "_kg_checked_version"
RERUN_APP = "_kg_rerun_whole_app"
DRAWN = "_kg_drawn"  # this session's page has had its drawing once
DRAWN_VIEW = "_kg_drawn_view"  # the View the drawing shows (a panel rerun alone compares with it)
MADE_ON = "_kg_made_on"  # the data version the link this page was opened from was made on
VERSION = "version"  # the link's parameter for it

GRAPH = "graph"  # the drawing component
FIND = "focus"
DEPTH = "depth"
ONLY = "only"
FILTERS = ("types", "levels", "themes", "strands", "relations", "bases")
PATH_FROM = "path_from"
PATH_TO = "path_to"
PATH_COUNT = "path_k"
PATH_AVOID = "path_avoid"
COMMUNITY = "community"
TAB = "tab"
PRESENT = "present"
SIZE = "size"
LARGE = "large"
OVERLAP_TYPE = "overlap_type"
GAP_KIND = "gap_kind"
SCENE_PICK = "scene_pick"

# Tables whose rows select something (dataframe keys; the panels add a suffix where the rows change).
OVERLAP_TABLE = "overlap_table"
DUPLICATE_TABLE = "duplicate_table"
GAP_TABLE = "gap_table"
GAP_MAP = "gap_map"
NODE_TABLE = "node_table"
PATH_TABLE = "path_table"

#: The tabs' labels, by the name a link uses for them.
TAB_LABELS = {
    "details": "Details",
    "edit": "Edit",
    "paths": "Paths",
    "overlaps": "Overlaps",
    "gaps": "Gaps",
    "gap-map": "Gap map",
    "changes": "Changes",
    "table": "Table",
    "about": "About",
}
assert set(TAB_LABELS) == set(TABS)
_TAB_NAMES = {label: name for name, label in TAB_LABELS.items()}

SIZE_BY = {
    "links": "Number of links",
    "betweenness": "Brokerage (betweenness)",
    "consensus": "Strands that raised a topic",
    "none": "All the same",
}
_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off", ""}
#: What a person selects, one at a time: choosing one clears the others.
SELECTIONS = ("focus", "path", "overlap", "duplicate", "gap", "community")
_CLEARED = {
    "focus": None,
    "path": [],
    "path_pick": None,
    "overlap": [],
    "duplicate": [],
    "gap": None,
    "community": None,
}


# ------------------------------------------------------------------ reading


def view() -> View:
    """The view this run shows."""
    return st.session_state.get(VIEW) or View()


def notices() -> list[str]:
    return list(st.session_state.get(NOTICES) or [])


def present() -> bool:
    return bool(st.session_state.get(PRESENT))


def size_by() -> str:
    value = st.session_state.get(SIZE)
    return value if value in SIZE_BY else "links"


def large_labels() -> bool:
    return bool(st.session_state.get(LARGE))


def tab_label(available: Sequence[str]) -> str:
    """The label of the tab the view shows, if it is among ``available`` (else the first)."""
    label = TAB_LABELS.get(view().tab or "details", "Details")
    return label if label in available else available[0]


# ------------------------------------------------------------------ the mirrors


def _widget_values(v: View) -> dict[str, Any]:
    """The value each mirrored widget shows for view ``v``."""
    values: dict[str, Any] = {
        FIND: v.focus,
        DEPTH: v.depth,
        ONLY: v.only_neighbourhood,
        PATH_FROM: v.path[0] if len(v.path) == 2 else None,
        PATH_TO: v.path[1] if len(v.path) == 2 else None,
        PATH_COUNT: v.path_count,
        PATH_AVOID: list(v.path_avoid),
        COMMUNITY: v.community,
        TAB: TAB_LABELS.get(v.tab or "details", "Details"),
    }
    for name in FILTERS:
        values[name] = [str(x) for x in getattr(v, name)]
    return values


#: Per mirrored widget that this server set (a selection made elsewhere moves "Find a node", a scene sets
#: the depth): the value it set, and the values it replaced, which the browser may still hold. A rerun can
#: leave the browser before the run that set the value has reached it (a page following the data asks
#: for one when the data changes, often just then): its stale value is not a person's choice.
_SET = "_kg_widgets_set"


_FOLLOWED = "_kg_followed"  # this run was asked for by the page following the data, not by a person
#: How long after a setting a run the page following the data asked for may still carry the value it
#: replaced (the browser had not yet drawn the run that made the setting).
STALE_SECONDS = 10.0


def followed_the_data() -> None:
    """The page following the data asked for this run (its callback)."""
    st.session_state[_FOLLOWED] = True


def _drop_stale(state) -> None:
    """In a run the page following the data asked for: put back what this server set in a mirrored
    widget lately that came back with a value the server had replaced. In a run a person asked for, the
    values stand as they chose them."""
    if not state.pop(_FOLLOWED, False):
        return
    now = time.monotonic()
    for key, (value, replaced, when) in (state.get(_SET) or {}).items():
        if now - when < STALE_SECONDS and key in state and state[key] != value and state[key] in replaced:
            state[key] = value


def set_widget(key: str, value: Any) -> None:
    """Set a widget's value from the server (in a callback, or before the widget is built), so that a
    run the page following the data asks for before the browser has shown it does not put the old
    value back (e.g. a form cleared after "Add node")."""
    _set(st.session_state, key, value)


def _set(state, key: str, value: Any) -> None:
    if key in state:
        settings = state.setdefault(_SET, {})
        replaced = settings[key][1] if key in settings else []
        settings[key] = (value, [*replaced, state[key]][-4:], time.monotonic())
    state[key] = value


def _from_widgets(v: View, state) -> dict[str, Any]:
    """The View fields a person changed in a mirrored widget since the last run."""
    _drop_stale(state)
    shown = _widget_values(v)
    changed: dict[str, Any] = {}
    for key, field in ((DEPTH, "depth"), (ONLY, "only_neighbourhood"), (PATH_COUNT, "path_count")):
        if key in state and state[key] is not None and state[key] != shown[key]:
            changed[field] = state[key]
    for name in FILTERS:
        if name in state and list(state[name] or []) != shown[name]:
            changed[name] = list(state[name] or [])
    if PATH_AVOID in state and list(state[PATH_AVOID] or []) != shown[PATH_AVOID]:
        changed["path_avoid"] = list(state[PATH_AVOID] or [])
    if TAB in state and state[TAB] != shown[TAB] and state[TAB] in _TAB_NAMES:
        changed["tab"] = None if state[TAB] == "Details" else _TAB_NAMES[state[TAB]]
    if FIND in state and state[FIND] != shown[FIND]:
        changed["focus"] = state[FIND]
    drawing = state.get(GRAPH)
    if isinstance(drawing, dict) and drawing.get("selected") != v.focus and "focus" not in changed:
        from graph.picture.view import overview_community

        clicked = drawing.get("selected")  # a click on the drawing whose callback has not run (AppTest)
        community = overview_community(clicked)
        if community is not None:
            changed["community"] = community
        else:
            changed["focus"] = clicked
    if COMMUNITY in state and state[COMMUNITY] != shown[COMMUNITY]:
        changed["community"] = state[COMMUNITY]
    if PATH_FROM in state or PATH_TO in state:
        ends = [state.get(PATH_FROM), state.get(PATH_TO)]
        if (state.get(PATH_FROM), state.get(PATH_TO)) != (shown[PATH_FROM], shown[PATH_TO]):
            changed["path"] = ends if all(ends) and ends[0] != ends[1] else []
    return changed


def _set_widgets(v: View, state, *, only_missing: bool = False) -> None:
    for key, value in _widget_values(v).items():
        if only_missing and key in state:
            continue
        if key in (PATH_FROM, PATH_TO) and not v.path and key in state:
            continue  # keep a half-chosen path's one end
        if state.get(key, object()) != value:
            _set(state, key, value)


def _store(new: View, state) -> None:
    state[VIEW] = new
    _set_widgets(new, state)
    _select_in_drawing(state, new.focus)


def _select_in_drawing(state, node_id: str | None) -> None:
    from graph.picture.component import select_node

    current = state.get(GRAPH)
    if not isinstance(current, dict) or current.get("selected") != node_id:
        select_node(GRAPH, node_id)


# ------------------------------------------------------------------ a run


def begin(
    graph,
    version: str,
    *,
    scenes: Callable[[], Sequence[str]],
    communities: Callable[[], list[list[str]]],
    gap_report: Callable[[], dict],
    scene_views: Callable[[], dict[str, View]] | None = None,
) -> View:
    """Start a run: read the link on a session's first run, take in what a person changed in a
    mirrored widget, and drop what the data no longer has (with a notice). Returns the View."""
    state = st.session_state

    def checks() -> dict[str, Any]:
        return {"scenes": list(scenes()), "communities": communities, "gap_report": gap_report}

    if VIEW not in state:
        params = {name: st.query_params.get_all(name) for name in st.query_params}
        first, found = read_query(graph, params, ignore=(PRESENT, SIZE, LARGE, VERSION), **checks())
        scene = _scene_view(first.scene, first.tab, scene_views) if first.scene else None
        if scene is not None and first == View(scene=first.scene, tab=first.tab):  # a link to a scene alone
            first, more = check_view(graph, scene, **checks())
            found += more
        _read_display(params, found)
        state[NOTICES] = found
        state[CHECKED] = version
        state[VIEW] = first
        _set_widgets(first, state)
        _select_in_drawing(state, first.focus)
        return first
    current = view()
    changed = _from_widgets(current, state)
    if changed:
        picked = [name for name in SELECTIONS if name in changed and changed[name] not in (None, [])]
        update = {**changed}
        if picked:  # a new selection clears the others
            update = {**_CLEARED, **changed}
        elif "path" in changed:
            update["path_pick"] = None
        current = View.model_validate({**current.model_dump(), **update})
        state[NOTICES] = []
        _store(current, state)
    if state.get(CHECKED) != version:
        checked, dropped = check_view(graph, current, **checks())
        state[CHECKED] = version
        if checked != current:
            state[NOTICES] = [*notices(), *dropped]
            _store(checked, state)
            current = checked
    _set_widgets(current, state, only_missing=True)
    return current


def _scene_view(scene_id: str, tab: str | None, scene_views) -> View | None:
    views = scene_views() if scene_views is not None else {}
    if scene_id not in views:
        return None
    return views[scene_id].model_copy(update={"scene": scene_id, "tab": tab or views[scene_id].tab})


def _read_display(params: dict[str, list[str]], found: list[str]) -> None:
    state = st.session_state
    for name, values in params.items():
        value = values[-1] if values else ""
        if name == VERSION:
            if value.isdigit() and len(value) < 10:
                state[MADE_ON] = int(value)
            else:
                found.append(f"The link's version '{value[:40]}' is not a data version (a whole number); it was ignored.")
        if name in (PRESENT, LARGE):
            if value.lower() in _YES | _NO:
                state[name] = value.lower() in _YES
            else:
                found.append(f"The link's {name}='{value[:40]}' is not 1 or 0; it was ignored.")
        elif name == SIZE:
            if value in SIZE_BY:
                state[SIZE] = value
            else:
                found.append(f"The link's size '{value[:40]}' is not one of {', '.join(SIZE_BY)}; it was ignored.")


def write_url(data_version: int = 0) -> None:
    """Put the view (and the display options, and the data version it shows) in the address bar, if
    it changed. A link copied from it says which version of the data it was made on."""
    query = view_query(view())
    if data_version:
        query[VERSION] = str(data_version)
    if present():
        query[PRESENT] = "1"
    if size_by() != "links":
        query[SIZE] = size_by()
    if large_labels():
        query[LARGE] = "1"
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def made_on() -> int | None:
    """The data version the link this page was opened from was made on, until the page moves on."""
    return st.session_state.get(MADE_ON)


def forget_made_on() -> None:
    st.session_state.pop(MADE_ON, None)


def pending_since() -> str | None:
    """The 'since' this run shows: the View's, or on a session's first run the link's."""
    if VIEW in st.session_state:
        return view().since
    value = st.query_params.get("since")
    return value or None


def drop_since(notice: str) -> None:
    """The view's 'since' cannot be shown (a version the log does not have yet): drop it, with a notice."""
    state = st.session_state
    current = view()
    if current.since:
        state[VIEW] = current.model_copy(update={"since": None})
        state[NOTICES] = [*notices(), notice]


def rerun_whole_app_if_asked() -> None:
    """A change made inside the explorer that the sidebar shows too (the community) reruns the whole app."""
    if st.session_state.pop(RERUN_APP, False):
        st.rerun(scope="app")


# ------------------------------------------------------------------ changing the view (call from callbacks)


def select(**selection: Any) -> None:
    """Select one thing (``focus=``, ``path=``, ``overlap=``, ``duplicate=``, ``gap=`` or
    ``community=``, with ``path_pick=`` beside a path): the others are cleared. An empty value
    clears just that one. Call it from a widget callback (or before any widget is built)."""
    state = st.session_state
    current = view()
    update = dict(selection)
    if any(value not in (None, []) for name, value in selection.items() if name in SELECTIONS):
        update = {**_CLEARED, **selection}
    new = View.model_validate({**current.model_dump(), **update})
    if new == current:
        # Nothing changes (e.g. a table reporting the selection it was shown): storing the view
        # again would undo a change another widget made in the same rerun, such as the tab.
        return
    state[NOTICES] = []
    if new.community != current.community:
        state[RERUN_APP] = True
    _store(new, state)


def show_view(new: View) -> None:
    """Show a whole view (a scene): filters, selection and tab. Call it from a widget callback."""
    st.session_state[NOTICES] = []
    st.session_state[CHECKED] = None  # checked against the data at the start of the next run
    if new.community != view().community:
        st.session_state[RERUN_APP] = True
    _store(new, st.session_state)


def set_tab(name: str | None) -> None:
    current = view()
    _store(current.model_copy(update={"tab": None if name in (None, "details") else name}), st.session_state)


def clicked_in_drawing() -> None:
    """The drawing's callback: a node selects it; a community of the overview draws that community."""
    from graph.picture.component import selected_node
    from graph.picture.view import overview_community

    node_id = selected_node(GRAPH)
    community = overview_community(node_id)
    if community is not None:
        select(community=community)
    elif node_id is None:
        select(focus=None)
    else:
        select(focus=node_id)


def picked_row(table_key: str, field: str, values: Sequence[Any], extra: dict[str, Any] | None = None) -> None:
    """A table's callback: the chosen row selects ``values[row]`` as ``field``; no row clears it."""
    event = st.session_state.get(table_key) or {}
    selection = event.get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    rows = list(selection.get("rows", []) or [])
    cells = list(selection.get("cells", []) or [])
    row = rows[0] if rows else (cells[0][0] if cells else None)
    if row is not None and 0 <= row < len(values):
        select(**{field: values[row]}, **(extra or {}))
    else:
        select(**{field: _CLEARED.get(field)})


def picked_option(key: str, field: str) -> None:
    """A select box's callback (e.g. "Go to a linked node"): its value selects ``field``."""
    chosen = st.session_state.get(key)
    if chosen:
        select(**{field: chosen})


def on_row(table_key: str, field: str, values: Sequence[Any], extra: dict[str, Any] | None = None):
    """The ``on_select`` callback for a table whose rows select ``values`` as ``field``."""
    return partial(picked_row, table_key, field, list(values), extra)


def show_row(table_key: str, row: int | None, column: str | None = None) -> None:
    """Before a table is built: show ``row`` as its selected row (or none), as the View says.

    A table that selects single cells (``column`` given) is shown that row's cell in ``column``:
    Streamlit drops a row selection on such a table, and a selection written every run but never
    kept would fire the table's callback with nothing selected when the tab is left."""
    state = st.session_state
    event = state.get(table_key)
    selection = (event or {}).get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    rows = list((selection or {}).get("rows", []) or [])
    cells = list((selection or {}).get("cells", []) or [])
    current = rows[0] if rows else (cells[0][0] if cells else None)
    if current == row:
        return
    if column is None:
        state[table_key] = {"selection": {"rows": [row] if row is not None else [], "columns": [], "cells": []}}
    else:
        state[table_key] = {"selection": {"rows": [], "columns": [], "cells": [[row, column]] if row is not None else []}}


def preset(key: str, value: Any) -> None:
    """Before a panel's own widget is built: make it show ``value`` (e.g. the kind of the pair a link opened)."""
    if st.session_state.get(key) != value:
        st.session_state[key] = value
