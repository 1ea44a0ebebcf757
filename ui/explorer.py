"""The page: the sidebar, and the explorer (controls, drawing and panels) as a fragment.

Each panel runs inside ``guarded``: an unexpected error in one shows a one-line message in its
place, and the rest of the page keeps working.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import time

import streamlit as st

from graph.data.stores import Handle
from graph.errors import DataError, GraphError, listed
from graph.picture.exports import DEFAULT_TITLE
from graph.picture.panels import escape_markdown as E
from graph.picture.view import MAX_DRAWN_NODES, apply_view
from ui import controls, data, drawing, state, workshop
from ui.exports import export_menu
from ui.paths import avoided

LOG = logging.getLogger(__name__)
TITLE = "Children's social care: the national learning infrastructure"
SUBTITLE = (
    "From the What Works Centre for Children's Social Care's stakeholder engagement report (2017–18). "
    "Click a node to see what it links to; workshop tools are in the sidebar (») at the top left."
)
# Less empty space above the heading, so the drawing gets most of a laptop's screen.
PAGE_CSS = (
    """
.block-container { padding-top: 1.9rem; padding-bottom: 0.5rem; padding-left: 1.5rem; padding-right: 1.5rem; }
/* The top bar holds only the sidebar's button: let the page use the space beside it. */
[data-testid="stHeader"] { background: transparent; pointer-events: none; }
[data-testid="stHeader"] button, [data-testid="stHeader"] a { pointer-events: auto; }
.kg-heading { padding-left: 2.4rem; }
.kg-heading h1 { font-size: 1.3rem; font-weight: 700; padding: 0; margin: 0; line-height: 1.35; }
.kg-heading p { font-size: 0.875rem; margin: 0.1rem 0 0 0; color: #55534f; }
.st-key-kg-status p { margin-bottom: 0; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > div > [data-testid="stVerticalBlock"] { gap: 0.6rem; }
"""
    + """/* Streamlit's captions are grey at 3.9:1 on white; WCAG AA needs 4.5:1 for text this size. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stCaptionContainer"] code { color: #55534f; opacity: 1; }
"""
)
#: The drawing fills the window below the controls (the browser measures it), but is never
#: shorter than this; under it stays room for the line below it and the page's margin.
DRAWING_HEIGHT = 420
DRAWING_BELOW = 44
#: In presentation mode nothing is under the drawing: it takes what the heading leaves.
PRESENT_HEIGHT = 200
PRESENT_BELOW = 6


def guarded(name: str, part, *args, **kwargs) -> None:
    """Run one part of the page; an unexpected error becomes one line, not a traceback."""
    try:
        part(*args, **kwargs)
    except Exception:  # st.rerun and st.stop are not Exceptions, so they pass through
        LOG.exception("the %s failed", name)
        st.error(
            f"The {name} could not be shown because of an unexpected error. The rest of the page still works; "
            "reload the page to try again.",
            icon=":material/error:",
        )


def main() -> None:
    try:
        handle = data.handle()
        graph = data.load(handle)
    except DataError as error:
        st.error(f"The data in {E(data.store().describe())} cannot be shown until these problems are fixed:")
        st.code("\n".join(listed(error.problems)), language=None)
        st.stop()
    except GraphError as error:
        st.error(E(str(error)))
        st.stop()
    _begin(graph, handle)
    if not state.present():  # the page's heading and style: sent once per page, not on every click
        st.html(
            f'<style>{PAGE_CSS}{controls.SKIP_CSS}</style><div class="kg-heading"><h1>{TITLE}</h1>'
            f"<p>{SUBTITLE}</p></div>"
        )
    st.session_state[_LOG_SEEN] = data.log_stamp(handle.store)
    explorer(handle)
    from ui.live import follow_page

    follow_page(handle, follow)
    # The sidebar comes after the explorer, so the drawing and the details reach the page first;
    # the facilitator's tools bring heavy imports (pandas, the import formats) into the process.
    from ui import editing

    with st.sidebar:
        known = set(data.names(handle))
        guarded("workshop tools", workshop.sidebar_controls, handle.store, known, None, editing.editing_unlocked())
        guarded("editing controls", editing.unlock_controls, handle)
        guarded("display options", controls.display_options, graph, handle)


def _can_edit() -> bool:
    """Whether this session unlocked editing. A session can only have unlocked it through the
    sidebar's controls, so before ui.editing is first imported (the first page) none has."""
    editing = sys.modules.get("ui.editing")
    return editing is not None and editing.editing_unlocked()


def _begin(graph, handle: Handle):
    return state.begin(
        graph,
        handle.version,
        scenes=lambda: [s.id for s in workshop.load_scenes(handle.store)[0]],
        communities=lambda: data.communities(handle),
        gap_report=lambda: data.gap_report(handle),
        scene_views=lambda: {s.id: s.view for s in workshop.load_scenes(handle.store)[0]},
    )


def _shown(graph, handle: Handle, view, changes=None):
    """What the view shows and highlights, with the analyses it needs taken from the caches (and,
    in a view of what changed since a point, what changed)."""
    needs_groups = view.community is not None or graph.number_of_nodes() > MAX_DRAWN_NODES
    paths = None
    if len(view.path) == 2 and view.path[0] != view.path[1] and all(n in graph for n in view.path):
        paths = data.path_report(handle, view.path[0], view.path[1], view.path_count, avoided(graph, view))
    marked = changes.marks if changes is not None else {"nodes": {}, "edges": {}}
    return apply_view(
        graph,
        view,
        communities=data.communities(handle) if needs_groups else None,
        gap_report=data.gap_report(handle) if view.gap else None,
        paths=paths,
        highlight=marked["nodes"],
        highlight_edges=[(s, t, r) for s, r, t in (key.split("|") for key in marked["edges"])],
    )


#: Where the data's version cannot be published for the pages to fetch (``ui.live``): how often an
#: open page runs a fragment to look whether the data changed instead. A change waits at most this
#: long, then one rerun draws it; a look costs an idle page a Streamlit run.
FOLLOW_SECONDS = 0.5


#: How long an element that arrived from elsewhere (another page, the command line) stays marked.
ARRIVAL_SECONDS = 8
_LOG_SEEN = "_kg_log_seen"  # the change log as this page last showed it (a session begun, a scene saved)
_SEEN = "_kg_seen_version"  # the data version this page drew last
_ARRIVED = "_kg_arrived"  # the marks of what arrived with it
_ARRIVED_AT = "_kg_arrived_at"


@st.fragment(run_every=FOLLOW_SECONDS)
def follow(handle: Handle) -> None:
    """Follow the data (where ``ui.live`` cannot): every half second, compare the store's version with the one this page shows
    (a few file stats, or one indexed query); only when it changed, or the change log did (a
    session begun, a scene saved), does the page run again, keeping its view, selection and scene.
    It draws nothing."""
    if data.current_version(handle.store) != handle.version:
        st.rerun(scope="app")
    if data.log_stamp(handle.store) != st.session_state.get(_LOG_SEEN):
        st.rerun(scope="app")


def arrivals(handle: Handle) -> dict | None:
    """Marks for what arrived since this page last drew (from any page, the command line or an
    import): the net change the log records between the two versions, marked for a few seconds.
    The same marks are sent again until the next change, so a click does not restart them."""
    state = st.session_state
    seen, state[_SEEN] = state.get(_SEEN), handle.version
    if seen is None or seen == handle.version:
        return state.get(_ARRIVED)
    from graph.data.history import data_entries, net_change

    entries = data_entries(data.changelog(handle))
    start = next((i + 1 for i in range(len(entries) - 1, -1, -1) if entries[i].get("version_after") == seen), None)
    if start is None:  # the data as it was before the first change logged since
        start = next((i for i in range(len(entries) - 1, -1, -1) if entries[i].get("version_before") == seen), None)
    if start is None:  # changed outside the editor, or long ago: nothing to mark
        state[_ARRIVED] = None
        return None
    marks: dict = {"stamp": handle.version[:16], "seconds": ARRIVAL_SECONDS, "nodes": {}, "edges": {}}
    earlier = state.get(_ARRIVED)
    if earlier and time.monotonic() - state.get(_ARRIVED_AT, 0.0) < ARRIVAL_SECONDS:  # still showing: keep them
        marks["nodes"], marks["edges"] = dict(earlier["nodes"]), dict(earlier["edges"])
    for (kind, key), (before, after) in net_change(entries[start:]).items():
        status = "added" if before is None else "removed" if after is None else "changed"
        where = marks["nodes" if kind == "node" else "edges"]
        if status == "removed":
            where.pop(key, None)
        else:
            where[key] = "added" if where.get(key) == "added" else status
    state[_ARRIVED] = marks if marks["nodes"] or marks["edges"] else None
    state[_ARRIVED_AT] = time.monotonic()
    return state[_ARRIVED]


@st.fragment
def explorer(handle: Handle) -> None:
    """The drawing with its controls, its details and the open panel. A fragment: a click or a
    control reruns only this part, not the page's heading or the sidebar's workshop tools; and each
    panel is a fragment inside it, so a choice that only the panel shows reruns only the panel."""
    state.rerun_whole_app_if_asked()
    graph, changes = _changes_shown(handle)
    view = _begin(graph, handle)
    if view.since and changes is None:  # a point the log does not have (a version still to come)
        state.drop_since(f"The view's since '{view.since}' cannot be shown: {data.since_view(handle, view.since)}")
        view = state.view()
    st.session_state[state.DRAWN_VIEW] = view
    _IN_EXPLORER.running = True
    try:
        _explorer(graph, handle, view, changes)
    finally:
        _IN_EXPLORER.running = False


def _changes_shown(handle: Handle):
    """The graph a view draws and, in a view of what changed since a point, those changes (the graph
    then holds the removed elements as ghosts); no changes when the point cannot be shown."""
    graph = data.load(handle)
    since = state.pending_since()
    found = data.since_view(handle, since) if since else None
    if found is None or isinstance(found, GraphError):
        return graph, None
    return found.graph, found


_IN_EXPLORER = threading.local()  # set while the explorer runs: a panel then runs as a part of it


def _explorer(graph, handle: Handle, view, changes) -> None:
    shown = _shown(graph, handle, view, changes)
    presenting = state.present()
    payload, drawn = drawing.prepare(graph, handle, view, shown, presentation=presenting)
    marks = {"arrived": arrivals(handle)}
    if changes is not None:
        marks["since"] = {"stamp": f"{view.since}@{handle.version[:16]}", **changes.marks}
    if presenting:
        _presentation(graph, handle, payload, shown, drawn, marks)
    else:
        _explorer_page(graph, handle, payload, shown, drawn, marks, changes)
    state.write_url(data.data_number(handle))


def _explorer_page(graph, handle: Handle, payload, shown, drawn, marks, changes) -> None:
    for notice in state.notices():
        st.warning(E(notice), icon=":material/link_off:")
    made_on_notice(handle)
    controls_place = st.container()
    left, right = st.columns([2, 1], gap="medium")
    status = left.container(key="kg-status", gap=None)
    drawing_place = left.container()
    # The elements reach the browser in the order they are made. On a session's first page the
    # drawing goes first, so its scripts load while the rest arrives; after that the details go
    # first, so a click's answer is on the page before the drawing restyles.
    first_page = not st.session_state.get(state.DRAWN)
    st.session_state[state.DRAWN] = True
    if first_page:
        with drawing_place:
            guarded(
                "drawing", drawing.show, payload, shown, height=DRAWING_HEIGHT, fill_below=DRAWING_BELOW, marks=marks
            )
    with right:
        _panels(graph, handle, drawn)
    with status:
        focus = shown.focus
        selected = f" · selected: **{E(graph.nodes[focus]['label'])}**" if focus else ""
        lines = [
            f"Showing **{drawn.node_count}** of {graph.number_of_nodes()} nodes and **{drawn.edge_count}** links"
            f"{selected}",
            *(E(note) for note in (*shown.notes, *drawn.notes, shown.caption) if note),
            *([E(changes.sentence())] if changes is not None else []),
        ]
        st.caption(" · ".join(lines))  # one line where it fits: the drawing keeps its room
    if not first_page:
        with drawing_place:
            guarded(
                "drawing", drawing.show, payload, shown, height=DRAWING_HEIGHT, fill_below=DRAWING_BELOW, marks=marks
            )
    with left:
        # The key itself is part of the drawing (graph.picture.component), drawn from the same style table.
        st.caption("Colours are colour-blind safe, and every type has its own shape.")
    with controls_place:
        export_place = controls.view_controls(graph, handle)
    _, scene = workshop.current_scene(workshop.load_scenes(handle.store)[0])
    guarded(
        "export menu",
        export_menu,
        export_place,
        graph,
        handle,
        drawn.node_ids,
        sorted(shown.highlight_nodes),
        scene.title if scene else DEFAULT_TITLE,
        scene.caption if scene else "",
    )


#: Each tab's panel: (what an error calls it, module, function). A panel's module is imported only
#: when its tab is opened, so the first page loads only what the drawing and the details need.
_PANELS = {
    "details": ("details", "ui.details", "details_panel"),
    "edit": ("Edit tab", "ui.editing.panel", "edit_panel"),
    "paths": ("Paths tab", "ui.paths", "paths_panel"),
    "overlaps": ("Overlaps tab", "ui.overlaps", "overlaps_panel"),
    "gaps": ("Gaps tab", "ui.gaps", "gaps_panel"),
    "gap-map": ("Gap map", "ui.gap_map", "gap_map_panel"),
    "changes": ("Changes tab", "ui.changes", "changes_panel"),
    "table": ("Table tab", "ui.table", "table_panel"),
    "about": ("About tab", "ui.about", "about_panel"),
}


def _panels(graph, handle: Handle, drawn) -> None:
    args = {"details": (graph,), "table": (graph, drawn.node_ids), "about": (handle, graph)}
    # The Edit tab comes last: unlocking adds it without moving any other tab (inserted second, it moved
    # every tab after it, and a slow browser could show the old place's tab, empty, instead of Edit).
    names = [name for name in _PANELS if name != "edit"] + (["edit"] if _can_edit() else [])
    labels = [state.TAB_LABELS[name] for name in names]
    state.preset(state.TAB, state.tab_label(labels))
    tabs = st.tabs(labels, key=state.TAB, on_change="rerun")
    for tab, name in zip(tabs, names, strict=True):
        if not tab.open:
            continue
        what, module, function = _PANELS[name]
        with tab:
            if name == "details":  # every choice in it selects a node: it belongs with the drawing
                guarded(what, _call, module, function, *args[name])
            else:
                _panel(graph, handle, what, module, function, args.get(name, (graph, handle)))


@st.fragment
def _panel(graph, handle: Handle, what: str, module: str, function: str, args: tuple) -> None:
    """One panel, as a fragment of its own: a widget in it reruns only the panel. When that changed
    the view (a row that highlights something, a path's ends), the drawing must show it too, so the
    page is run again; the URL and the other parts then follow in the same run."""
    alone = not getattr(_IN_EXPLORER, "running", False)  # this panel alone is running again
    if alone and _begin(graph, handle) != st.session_state.get(state.DRAWN_VIEW):
        st.rerun(scope="app")
    guarded(what, _call, module, function, *args)


def _call(module: str, function: str, *args) -> None:
    getattr(importlib.import_module(module), function)(*args)


def made_on_notice(handle: Handle) -> None:
    """A link made on an older version of the data says so, and offers to show what changed since."""
    made, now = state.made_on(), data.data_number(handle)
    if made is None or made >= now:
        return
    count = now - made
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.info(f"This link was made on version {made}; {count} change{'s' if count != 1 else ''} since.",
              icon=":material/history:")
    right.button("Show them", key="kg-show-since", on_click=_show_since, args=(made,))


def _show_since(made: int) -> None:
    state.forget_made_on()
    state.select(since=str(made), tab="changes")


def _presentation(graph, handle: Handle, payload, shown, drawn, marks) -> None:
    known = set(data.names(handle))
    title, caption = workshop.presentation_header(handle.store, known, None)
    # The heading and caption span the page; the stepper sits beside the drawing, where its
    # buttons have room for their whole text at any window size.
    st.markdown(f"# {E(title)}")
    with st.container(key="kg-caption"):
        st.markdown(E(caption) if caption else "")
        if shown.focus in graph:
            st.markdown(workshop.selected_text(graph, shown.focus))
    for notice in state.notices():
        st.warning(E(notice), icon=":material/link_off:")
    left, right = st.columns([5, 1], gap="small")
    with left:
        guarded(
            "drawing",
            drawing.show,
            payload,
            shown,
            height=PRESENT_HEIGHT,
            presentation=True,
            fill_below=PRESENT_BELOW,
            marks=marks,
        )
    with right:
        workshop.presentation_stepper(handle.store, known, None)
        workshop.presentation_side([])  # the key is part of the drawing
        guarded(
            "export menu",
            export_menu,
            st,
            graph,
            handle,
            drawn.node_ids,
            sorted(shown.highlight_nodes),
            title,
            caption,
        )
