"""The controls that shape the view: Find a node, depth and the filters above the drawing, and
the Display options in the sidebar. Their keys belong to ui.state, which mirrors them into the View."""

from __future__ import annotations

import streamlit as st

from graph.bases import BASES
from graph.data.stores import Handle
from graph.picture.view import community_name
from graph.schema import LEVELS, RELATIONS, NodeType
from ui import data, state

#: How the filters combine; the README's "Filters" section says the same.
FILTER_RULE = (
    "Levels, themes and strands choose topics: those at a chosen level, in a chosen theme and raised by a "
    "chosen strand. The graph then shows those topics, their themes and levels, and the strands that raised "
    "them, and nothing else. Node types then keep only the chosen types."
)

#: The skip link under Find a node takes no room until a keyboard user reaches it.
SKIP_CSS = """
.st-key-kg-skip { position: absolute; bottom: -1.6rem; left: 0; z-index: 5; gap: 0; }
.st-key-kg-skip a.kg-skip { position: absolute; left: -10000px; }
.st-key-kg-skip a.kg-skip:focus { position: static; left: auto; display: inline-block; padding: 0.1rem 0.5rem;
  background: #ffffff; color: #1a1a6e; border: 2px solid #332288; border-radius: 0.3rem; }
"""


def view_controls(graph, handle: Handle):
    """The bar above the drawing; returns the column that holds the Export menu."""
    names = data.names(handle)
    find, depth, only, filters, export = st.columns([3, 1.5, 1.9, 1, 1], vertical_alignment="bottom")
    find.selectbox(
        "Find a node",
        options=list(names),
        index=None,
        format_func=lambda n: names.get(n, n),
        placeholder="Type to search…",
        key=state.FIND,
        help="Type part of a name. Choosing a node selects it in the graph and shows its details.",
    )
    with find.container(key="kg-skip"):  # shown when reached with the keyboard (see SKIP_CSS)
        st.html('<a href="#details" class="kg-skip">Skip to the details</a>')
    depth.slider(
        "Neighbourhood depth", 1, 3, key=state.DEPTH, help="How many links away from the selected node to highlight."
    )
    only.toggle("Only the neighbourhood", key=state.ONLY, help="Hide everything beyond the chosen depth.")
    # A popover's contents are built only while it is open: fewer elements on every other rerun.
    panel = filters.popover(
        "Filters", icon=":material/filter_list:", width="stretch", key="kg-filters", on_change="rerun"
    )
    if panel.open is False:
        return export
    with panel:
        st.multiselect(
            "Node types",
            [t.value for t in NodeType],
            key="types",
            format_func=lambda t: t.capitalize(),
            placeholder="All types",
        )
        st.multiselect(
            "Levels", list(LEVELS), key="levels", format_func=lambda t: t.capitalize(), placeholder="All levels"
        )
        themes = [n for n in names if graph.nodes[n].get("type") == "theme"]
        st.multiselect(
            "Themes", themes, key="themes", format_func=lambda n: graph.nodes[n]["label"], placeholder="All themes"
        )
        strands = [n for n in names if graph.nodes[n].get("type") == "strand"]
        st.multiselect(
            "Strands of engagement",
            strands,
            key="strands",
            format_func=lambda n: graph.nodes[n]["label"],
            placeholder="All strands",
        )
        st.multiselect(
            "Relations",
            [r.value for r in RELATIONS],
            key="relations",
            format_func=lambda r: RELATIONS[r].verb,
            placeholder="All relations",
        )
        st.multiselect(
            "Where links come from",
            [b.value for b in BASES],
            key="bases",
            format_func=lambda b: BASES[b].label.capitalize(),
            placeholder="All links",
            help="Only links of these kinds and the nodes they join (said in the room: also the nodes the room added).",
        )
        st.caption(FILTER_RULE)
    return export


def display_options(graph, handle: Handle) -> None:
    """The sidebar's Display expander: node size, label size, a community to highlight."""
    with st.expander("Display", expanded=False):
        st.selectbox("Size nodes by", list(state.SIZE_BY), format_func=state.SIZE_BY.get, key=state.SIZE)
        st.toggle("Large labels (projector)", key=state.LARGE)
        groups = data.communities(handle)
        st.selectbox(
            "Highlight a community",
            list(range(len(groups))),
            index=None,
            format_func=lambda i: f"{i + 1}: {community_name(graph, groups[i])} ({len(groups[i])} nodes)",
            key=state.COMMUNITY,
            placeholder="None",
            help="Groups of nodes more linked to each other than to the rest (found with a fixed seed).",
        )
