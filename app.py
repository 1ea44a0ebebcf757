"""The explorer: widgets in, graph.* calls, results out.

Run with ``streamlit run app.py``. ``KG_DATA_DIR`` points it at another data directory.
Every widget that shapes the view is bound to the URL, so a copied link reopens the same view.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pandas as pd
import streamlit as st

from graph import store
from graph.analysis.duplicates import duplicates
from graph.analysis.gaps import communities, gaps
from graph.analysis.metrics import centrality, consensus, coverage_matrix, stats
from graph.analysis.overlaps import overlaps
from graph.analysis.paths import shortest_paths
from graph.build import build_graph
from graph.component import graph_view, select_node, selected_node
from graph.errors import DataError
from graph.exports import DEFAULT_TITLE, EXPORT_FORMATS, MIME_TYPES, export_files
from graph.layout import LayoutMemory, compute_layout, extend_layout
from graph.panels import edge_table, escape_markdown, node_details, node_table
from graph.render import vis_payload
from graph.schema import LEVELS, NODE_TYPE_DOCS, RELATIONS, NodeType, View
from graph.view import MAX_DRAWN_NODES, apply_view, community_overview, path_edges
from ui import editing, workshop

DATA_DIR = Path(os.environ.get("KG_DATA_DIR") or Path(__file__).resolve().parent / "data")
GRAPH_KEY = "graph"
TABS = ["Details", "Paths", "Overlaps", "Gaps", "Gap map", "Table", "About"]
EDIT_TAB = "Edit"
SIZE_BY = {
    "links": "Number of links",
    "betweenness": "Brokerage (betweenness)",
    "consensus": "Strands that raised a topic",
    "none": "All the same",
}
OVERLAP_TYPES = ["organisation", "initiative", "strand", "stakeholder", "topic", "message"]
GAP_KINDS = {
    "unraised_topics": "Topics no strand raised",
    "unaddressed_topics": "Topics no organisation or initiative works on",
    "unaddressed_barriers": "Barriers nothing addresses",
    "missing_voices": "Where children, young people and families were not heard",
    "isolated_nodes": "Weakly connected nodes",
    "structural_gaps": "Communities with few links between them",
}
# Less empty space above the page's heading, so the graph fits a laptop screen.
PAGE_CSS = ".block-container { padding-top: 3.2rem; padding-bottom: 1rem; }"
E = escape_markdown  # every piece of text from the data goes through this before markdown

st.set_page_config(page_title="Children's social care knowledge graph", page_icon="🕸️", layout="wide")


# ------------------------------------------------------------------ cached data, keyed on the files' content
# cache_resource, not cache_data: every result is read-only, and handing back the same object
# spares each rerun from unpickling copies of the graph's positions, metrics and drawing.


@st.cache_resource(show_spinner=False, max_entries=8)
def _fingerprint(data_dir: str, stamp: tuple) -> str:
    return store.fingerprint(data_dir)


def data_version(data_dir: Path) -> str:
    """The content hash of the data files, recomputed only when their size or time changes."""
    return _fingerprint(str(data_dir), store.stamp(data_dir))


@st.cache_resource(show_spinner="Loading the graph…", max_entries=2)
def load(data_dir: str, version: str):
    return build_graph(store.load_dataset(data_dir))


@st.cache_resource(show_spinner=False, max_entries=8)
def layout_memory(data_dir: str) -> dict:
    """Layouts shown so far for a data folder, kept across reruns and versions (the script's
    own globals start afresh on every rerun): ``whole`` and the filtered views' ``parts``."""
    return {"whole": None, "parts": LayoutMemory()}


@st.cache_resource(show_spinner="Laying out the graph…", max_entries=2)
def positions(data_dir: str, version: str) -> dict[str, tuple[float, float]]:
    """The whole graph's layout. After an edit, every node keeps its place and a new node
    goes beside its neighbours (the layout people have been looking at is the starting point)."""
    memory = layout_memory(data_dir)
    graph = load(data_dir, version)
    where = compute_layout(graph) if memory["whole"] is None else extend_layout(graph, memory["whole"])
    memory["whole"] = where
    return where


@st.cache_resource(show_spinner=False, max_entries=32)
def part_positions(data_dir: str, version: str, nodes: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """A layout of just these nodes, shaped to fill a landscape pane, labels kept apart; after
    an edit that adds or removes a node, the rest keep their places."""
    return layout_memory(data_dir)["parts"].layout(load(data_dir, version).subgraph(nodes))


def stretch(where: dict[str, tuple[float, float]], *, width: float, height: float) -> dict[str, tuple[float, float]]:
    xs = [x for x, _ in where.values()] or [0.0]
    ys = [y for _, y in where.values()] or [0.0]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        n: ((x - min(xs)) / span_x * width - width / 2, (y - min(ys)) / span_y * height - height / 2)
        for n, (x, y) in where.items()
    }


@st.cache_resource(show_spinner=False, max_entries=2)
def node_metrics(data_dir: str, version: str) -> dict[str, dict[str, float]]:
    graph = load(data_dir, version)
    rows = centrality(graph)
    return {
        "links": {row["id"]: row["degree"] for row in rows},
        "betweenness": {row["id"]: row["betweenness"] for row in rows},
        "consensus": {row["id"]: row["count"] for row in consensus(graph)},
    }


@st.cache_resource(show_spinner="Finding gaps…", max_entries=2)
def gap_report(data_dir: str, version: str) -> dict:
    return gaps(load(data_dir, version))


@st.cache_resource(show_spinner="Comparing neighbourhoods…", max_entries=16)
def overlap_report(data_dir: str, version: str, node_type: str) -> list[dict]:
    return overlaps(load(data_dir, version), node_type)


@st.cache_resource(show_spinner=False, max_entries=2)
def duplicate_report(data_dir: str, version: str) -> list[dict]:
    return duplicates(load(data_dir, version))


@st.cache_resource(show_spinner=False, max_entries=2)
def community_list(data_dir: str, version: str) -> list[list[str]]:
    return communities(load(data_dir, version))


@st.cache_resource(show_spinner=False, max_entries=2)
def coverage(data_dir: str, version: str) -> dict:
    return coverage_matrix(load(data_dir, version))


@st.cache_resource(show_spinner=False, max_entries=2)
def summary(data_dir: str, version: str) -> dict:
    return stats(load(data_dir, version))


@st.cache_resource(show_spinner=False, max_entries=2)
def node_options(data_dir: str, version: str) -> dict[str, str]:
    """Every node id -> a unique display name ('Label (type)'), in label order.

    The name is what a shared link carries, so it must be unique: two nodes with the same
    label and type are told apart by their level, or failing that their id.
    """
    graph = load(data_dir, version)
    ordered = sorted(graph.nodes, key=lambda n: (str(graph.nodes[n].get("label", n)).lower(), n))
    names = {n: f"{graph.nodes[n].get('label', n)} ({graph.nodes[n].get('type', '')})" for n in ordered}
    counts = Counter(names.values())
    for node, name in names.items():
        if counts[name] > 1:
            level = graph.nodes[node].get("level")
            names[node] = f"{name[:-1]}, {level})" if level else f"{name[:-1]}, {node})"
    if len(set(names.values())) < len(names):
        names = {node: f"{name[:-1]}, {node})" if counts[name] > 1 else name for node, name in names.items()}
    return names


@st.cache_resource(show_spinner=False, max_entries=64)
def drawing(
    data_dir: str,
    version: str,
    view_json: str,
    lit_nodes: tuple,
    lit_edges: tuple,
    size_by: str,
    scale: float,
    compact: bool = False,
):
    """The vis-network payload for a view (cached: the same view gives the same payload).

    ``compact`` lays out just the nodes shown (for a projector, where a part of the graph
    spread over the whole graph's space is too small to read); otherwise every view uses
    the whole graph's positions, so nodes stay where people saw them.
    """
    graph = load(data_dir, version)
    view = View.model_validate_json(view_json)
    shown = apply_view(graph, view, highlight=lit_nodes, highlight_edges=[tuple(e) for e in lit_edges])
    nodes, notes = set(shown.nodes), list(shown.notes)
    lit = shown.highlight_nodes or None
    metric = node_metrics(data_dir, version).get(size_by)
    if len(nodes) > MAX_DRAWN_NODES:
        groups = community_list(data_dir, version)
        if view.community is not None and 0 <= view.community < len(groups):
            nodes &= set(groups[view.community])
            notes.append(f"Drawing community {view.community + 1} only ({len(nodes):,} nodes).")
        else:
            overview = community_overview(graph, nodes, groups)
            notes.append(
                f"This view has {len(nodes):,} nodes, more than can be drawn readably ({MAX_DRAWN_NODES:,}), "
                f"so it shows {overview.number_of_nodes():,} communities instead. Click one to draw its nodes, "
                "or narrow the view with the filters."
            )
            payload = vis_payload(
                overview,
                compute_layout(overview),
                size_by={n: d["members"] for n, d in overview.nodes(data=True)},
                metric="Nodes in the community",
                label_scale=scale,
            )
            return payload, len(nodes), len(shown.edges), notes
    if len(nodes) > MAX_DRAWN_NODES:
        ranked = sorted(nodes, key=lambda n: (-graph.degree(n), n))[:MAX_DRAWN_NODES]
        notes.append(f"Drawing the {MAX_DRAWN_NODES:,} best-connected of {len(nodes):,} nodes; filter to see the rest.")
        nodes = set(ranked)
    whole = positions(data_dir, version)
    where = part_positions(data_dir, version, tuple(sorted(nodes))) if len(nodes) < len(whole) else whole
    payload = vis_payload(
        graph,
        where,
        node_ids=sorted(nodes),
        highlight=sorted(lit & nodes) if lit else None,
        size_by=metric,
        metric=SIZE_BY.get(size_by) if metric else None,
        label_scale=scale,
    )
    return payload, len(nodes), sum(1 for _ in graph.subgraph(nodes).edges), notes


# ------------------------------------------------------------------ state shared by the panels


def _pair(text: str | None) -> list[str]:
    return [part for part in (text or "").split("|") if part][:2]


def current_view() -> View:
    state = st.session_state
    return View(
        types=state.get("types", []),
        levels=state.get("levels", []),
        themes=state.get("themes", []),
        strands=state.get("strands", []),
        relations=state.get("relations", []),
        focus=state.get("focus"),
        depth=state.get("depth", 1),
        only_neighbourhood=state.get("only", False),
        overlap=_pair(state.get("overlap_pair")),
        gap=state.get("gap_item"),
        community=state.get("community"),
    )


def focus_on(node_id: str | None) -> None:
    """Select a node everywhere: the select box, the drawing and the URL."""
    st.session_state["focus"] = node_id
    st.session_state["_graph_seen"] = node_id
    select_node(GRAPH_KEY, node_id)


def _clicked() -> None:
    sync_click()


def sync_click() -> None:
    """Take a click on the drawing as the new focus (once per click); a click on a community
    of the overview draws that community."""
    clicked = selected_node(GRAPH_KEY)
    if clicked != st.session_state.get("_graph_seen"):
        st.session_state["_graph_seen"] = clicked
        if clicked and clicked.startswith("community:") and clicked.removeprefix("community:").isdigit():
            st.session_state["community"] = int(clicked.removeprefix("community:"))
            return
        st.session_state["focus"] = clicked


def _picked() -> None:
    focus = st.session_state.get("focus")
    st.session_state["_graph_seen"] = focus
    select_node(GRAPH_KEY, focus)


# ------------------------------------------------------------------ the page


def view_controls(graph, options: dict[str, str]) -> None:
    """The controls that shape the drawing, in a bar above it (they rerun only the explorer)."""
    find, depth, only, filters, export = st.columns([3, 1.5, 1.9, 1, 1], vertical_alignment="bottom")
    find.selectbox(
        "Find a node",
        options=list(options),
        index=None,
        format_func=lambda n: options.get(n, n),
        placeholder="Type to search…",
        key="focus",
        on_change=_picked,
        bind="query-params",
        help="Type part of a name. Choosing a node selects it in the graph and shows its details.",
    )
    depth.slider(
        "Neighbourhood depth",
        1,
        3,
        1,
        key="depth",
        bind="query-params",
        help="How many links away from the selected node to highlight.",
    )
    only.toggle(
        "Only the neighbourhood", key="only", bind="query-params", help="Hide everything beyond the chosen depth."
    )
    with filters.popover("Filters", icon=":material/filter_list:", width="stretch"):
        st.multiselect(
            "Node types",
            [t.value for t in NodeType],
            key="types",
            bind="query-params",
            format_func=lambda t: t.capitalize(),
            placeholder="All types",
        )
        st.multiselect(
            "Levels",
            list(LEVELS),
            key="levels",
            bind="query-params",
            format_func=lambda t: t.capitalize(),
            placeholder="All levels",
        )
        themes = [n for n in options if graph.nodes[n].get("type") == "theme"]
        st.multiselect(
            "Themes",
            themes,
            key="themes",
            bind="query-params",
            format_func=lambda n: graph.nodes[n]["label"],
            placeholder="All themes",
        )
        strands = [n for n in options if graph.nodes[n].get("type") == "strand"]
        st.multiselect(
            "Strands of engagement",
            strands,
            key="strands",
            bind="query-params",
            format_func=lambda n: graph.nodes[n]["label"],
            placeholder="All strands",
        )
        st.multiselect(
            "Relations",
            [r.value for r in RELATIONS],
            key="relations",
            bind="query-params",
            format_func=lambda r: RELATIONS[r].verb,
            placeholder="All relations",
        )

    return export


def sidebar(graph, options: dict[str, str], data_dir: str, version: str, can_edit: bool) -> None:
    with st.sidebar:
        workshop.sidebar_controls(data_dir, set(options), focus_on, can_edit)
        editing.unlock_controls()

        with st.expander("Display", expanded=False):
            st.selectbox("Size nodes by", list(SIZE_BY), format_func=SIZE_BY.get, key="size", bind="query-params")
            st.toggle("Large labels (projector)", key="large", bind="query-params")
            groups = community_list(data_dir, version)
            st.selectbox(
                "Highlight a community",
                list(range(len(groups))),
                index=None,
                format_func=lambda i: f"{i + 1}: {community_name(graph, groups[i])} ({len(groups[i])} nodes)",
                key="community",
                bind="query-params",
                placeholder="None",
                help="Groups of nodes more linked to each other than to the rest (found with a fixed seed).",
            )


@st.cache_resource(show_spinner=False, max_entries=32)
def path_report(data_dir: str, version: str, source: str, target: str, k: int) -> dict:
    return shortest_paths(load(data_dir, version), source, target, k=k)


def analysis_highlight(data_dir: str, version: str, graph) -> tuple[list[str], list[tuple[str, str, str]], str]:
    """Nodes and edges lit by the chosen path, overlap, gap or community, and a caption saying which."""
    state = st.session_state
    source, target = state.get("path_from"), state.get("path_to")
    if source in graph and target in graph and source != target:
        found = path_report(data_dir, version, source, target, state.get("path_k", 3))
        if found["paths"]:
            nodes = [step["id"] for p in found["paths"] for step in p]
            edges = sorted({e for p in found["paths"] for e in path_edges(graph, [s["id"] for s in p])})
            return nodes, edges, "Highlighted: the paths between the two nodes chosen under Paths."
    pair = _pair(state.get("overlap_pair"))
    if len(pair) == 2 and all(n in graph for n in pair):
        shared = set(graph.successors(pair[0])) | set(graph.predecessors(pair[0]))
        shared &= set(graph.successors(pair[1])) | set(graph.predecessors(pair[1]))
        return [*pair, *sorted(shared)], [], "Highlighted: an overlapping pair and what they share."
    gap = state.get("gap_item")
    if gap:
        members = [n for n in gap.split("|") if n in graph]
        return members, [], "Highlighted: the gap chosen under Gaps."
    community = state.get("community")
    groups = community_list(data_dir, version)
    if community is not None and 0 <= community < len(groups):
        return list(groups[community]), [], f"Highlighted: community {community + 1} ({len(groups[community])} nodes)."
    return [], [], ""


def detail_panel(graph) -> None:
    focus = st.session_state.get("focus")
    if not focus or focus not in graph:
        st.info("Click a node in the graph, or choose one under **Find a node**, to see its details here.")
        return
    d = node_details(graph, focus)
    st.subheader(E(d["label"]), anchor=False)
    # ids are restricted by the schema to letters, digits and : _ . - so a code span shows them as typed
    st.caption(f"{E(d['type'])} · id `{d['id']}` · report sections: {E(', '.join(d['refs']))}")
    if d["description"]:
        st.markdown(E(d["description"]))
    if d["attributes"]:
        st.dataframe(
            pd.DataFrame([{"attribute": k, "value": _text(v)} for k, v in d["attributes"].items()]),
            hide_index=True,
            width="stretch",
        )
    for quote in d["quotes"]:
        st.markdown(f"> {E(quote['text'])}  \n> — {E(quote['attribution'])}")
    st.markdown(f"**Links:** {d['stated']} stated in the report, {d['inferred']} inferred by a careful reader.")
    linked = sorted({link["id"]: link["label"] for g in d["groups"] for link in g["links"]}.items(), key=lambda i: i[1])
    if linked:
        names = dict(linked)
        st.selectbox(
            "Go to a linked node",
            list(names),
            index=None,
            format_func=names.get,
            placeholder="Choose one to select it…",
            key=f"go-{d['id']}",
            on_change=_go,
            args=(f"go-{d['id']}",),
        )
    for group in d["groups"]:
        with st.expander(f"{group['heading']} ({len(group['links'])})", expanded=len(d["groups"]) <= 3):
            lines = []
            for link in group["links"]:
                basis = "stated" if link["basis"] == "stated" else "inferred"
                extra = "; ".join(f"{k}: {_text(v)}" for k, v in link["attributes"].items())
                line = f"- **{E(link['label'])}** · _{basis}_ · {E(', '.join(link['refs']))}"
                if extra:
                    line += f" · {E(extra)}"
                if link["rationale"]:
                    line += f"  \n  ↳ {E(link['rationale'])}"
                lines.append(line)
            st.markdown("\n".join(lines))


def _go(key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen:
        focus_on(chosen)


def _text(value) -> str:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def paths_panel(data_dir: str, version: str, graph, options: dict[str, str]) -> None:
    st.markdown("How is one thing connected to another? Choose two nodes.")

    def name(node: str) -> str:
        return options.get(node, node)

    for key, label in (("path_from", "From"), ("path_to", "To")):
        st.selectbox(
            label,
            list(options),
            index=None,
            format_func=name,
            key=key,
            bind="query-params",
            persist_state="session",
            placeholder="Type to search…",
        )
    k = st.slider("Paths to show", 1, 5, 3, key="path_k", persist_state="session")
    a, b = st.session_state.get("path_from"), st.session_state.get("path_to")
    if a in graph and b in graph and a != b:
        st.markdown(E(path_report(data_dir, version, a, b, k)["explanation"]))
        st.button("Clear the highlighted paths", on_click=_clear_paths)


def _clear_paths() -> None:
    st.session_state["path_from"] = None
    st.session_state["path_to"] = None


def overlaps_panel(data_dir: str, version: str, graph) -> None:
    st.markdown("Pairs whose links overlap most: candidates for duplication, or for working together.")
    node_type = st.selectbox(
        "Compare",
        OVERLAP_TYPES,
        key="overlap_type",
        bind="query-params",
        persist_state="session",
        format_func=lambda t: f"{t.capitalize()}s",
    )
    rows = overlap_report(data_dir, version, node_type or "organisation")
    if not rows:
        st.write("No two of these share a neighbour.")
        return
    table = pd.DataFrame(
        [
            {
                "A": r["a"]["label"],
                "B": r["b"]["label"],
                "score": round(r["score"], 2),
                "shared": len(r["shared"]),
                "why": r["reason"],
            }
            for r in rows
        ]
    )
    event = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"overlap_table_{node_type}",
        column_config={"score": st.column_config.ProgressColumn("Jaccard", min_value=0, max_value=1, format="%.2f")},
    )
    chosen = event.selection.rows if event else []
    if chosen:
        row = rows[chosen[0]]
        st.session_state["overlap_pair"] = f"{row['a']['id']}|{row['b']['id']}"
        st.caption("Highlighted on the graph: " + E(row["reason"]))
    else:
        st.session_state["overlap_pair"] = None
    with st.expander("Candidate duplicates"):
        dupes = duplicate_report(data_dir, version)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "nodes": " | ".join(n["label"] for n in d["nodes"]),
                        "kind": d.get("kind", ""),
                        "score": d["score"],
                        "why": d["reason"],
                    }
                    for d in dupes
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def gaps_panel(data_dir: str, version: str, graph) -> None:
    report = gap_report(data_dir, version)
    kind = st.selectbox(
        "Kind of gap",
        list(GAP_KINDS),
        format_func=lambda k: f"{GAP_KINDS[k]} ({len(report.get(k, []))})",
        key="gap_kind",
        bind="query-params",
        persist_state="session",
    )
    items = report.get(kind or "unraised_topics", [])
    if not items:
        st.success("None found.")
        st.session_state["gap_item"] = None
        return
    rows = []
    for item in items:
        label = item.get("label") or " ↔ ".join(c["label"] for c in item.get("communities", []))
        rows.append({"gap": label, "why": item["reason"], "report": ", ".join(item.get("refs", []))})
    event = st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"gap_table_{kind}",
    )
    chosen = event.selection.rows if event else []
    if chosen:
        item = items[chosen[0]]
        if item.get("communities"):
            members = [m for c in item["communities"] for m in c["members"]] + [
                b["id"] for b in item.get("bridges", [])
            ]
        else:
            members = [item["id"]]
        st.session_state["gap_item"] = "|".join(members)
        if item.get("id") in graph:
            st.button("Select it", on_click=focus_on, args=(item["id"],))
    else:
        st.session_state["gap_item"] = None


def gap_map_panel(data_dir: str, version: str, graph) -> None:
    st.markdown(
        "Appendix 1 as an evidence gap map: topics (rows) by strand of engagement (columns). "
        "Choose a cell to select its topic."
    )
    matrix = coverage(data_dir, version)
    cells = {(c["row"], c["column"]): c["value"] for c in matrix["cells"]}
    columns = [c["label"] for c in matrix["columns"]]
    frame = pd.DataFrame(
        [
            [r["label"], (r.get("level") or "").capitalize()]
            + [cells.get((r["id"], c["id"]), "") for c in matrix["columns"]]
            for r in matrix["rows"]
        ],
        columns=["Topic", "Level", *columns],
    )
    styled = frame.style.map(_cell_style, subset=columns)
    event = st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=520,
        on_select="rerun",
        selection_mode=["single-cell", "single-row"],
        key="gap_map",
    )
    picked = None
    if event and event.selection.cells:
        picked = event.selection.cells[0][0]
    elif event and event.selection.rows:
        picked = event.selection.rows[0]
    if picked is not None:
        topic = matrix["rows"][picked]["id"]
        if st.session_state.get("focus") != topic:
            focus_on(topic)
            st.rerun()
    st.caption(
        "Dark blue: raised. Orange: raised with a note (e.g. Families). Grey: 'Not priority'. Empty: not raised."
    )


def _cell_style(value: str) -> str:
    if value == "✓":
        return "background-color: #332288; color: #ffffff; text-align: center"
    if value.startswith("✓"):
        return "background-color: #E69F00; color: #000000"
    if value:
        return "background-color: #DDDDDD; color: #000000"
    return ""


def table_panel(graph, shown_nodes: list[str]) -> None:
    st.markdown(
        "The same graph as tables: a text alternative for screen readers and keyboards. They follow the filters."
    )
    nodes = pd.DataFrame(node_table(graph, shown_nodes))
    st.markdown(f"**Nodes** ({len(nodes)})")
    event = st.dataframe(
        nodes, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="node_table"
    )
    if event and event.selection.rows:
        chosen = nodes.iloc[event.selection.rows[0]]["id"]
        st.button(f"Select {chosen}", on_click=focus_on, args=(chosen,))
    edges = pd.DataFrame(
        edge_table(graph, [e for e in graph.edges(shown_nodes, keys=True) if e[1] in set(shown_nodes)])
    )
    st.markdown(f"**Links** ({len(edges)})")
    st.dataframe(edges.drop(columns=["source_id", "target_id"], errors="ignore"), hide_index=True, width="stretch")


def about_panel(data_dir: str, version: str) -> None:
    s = summary(data_dir, version)
    st.markdown(
        "This explorer turns the What Works Centre for Children's Social Care's report "
        "*Stakeholder engagement during 'gestation phase', October 2017 – June 2018* (published July 2018) "
        "into a graph: who the Centre heard from, the topics they want evidence on, the barriers to "
        "using evidence, and the organisations and initiatives around them."
    )
    st.markdown(
        f"**{s['nodes']} nodes and {s['edges']} links.** {s['by_basis'].get('stated', 0)} links are stated in the "
        f"report; {s['by_basis'].get('inferred', 0)} are a careful reader's inference, each with its rationale. "
        "Every node and link cites the section of the report it comes from."
    )
    st.dataframe(
        pd.DataFrame(
            [{"type": t, "nodes": n, "meaning": NODE_TYPE_DOCS[NodeType(t)]} for t, n in s["by_type"].items()]
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown(
        "**How to cite:** What Works Centre for Children's Social Care (2018), *Stakeholder engagement during "
        "'gestation phase', October 2017 – June 2018*; knowledge graph of the report, with section references."
    )
    st.caption(f"Data: {E(data_dir)} · version {version[:12]}")


def legend_strip() -> None:
    # The key itself is part of the drawing (graph.component), drawn from the same style table.
    st.caption("Colours are colour-blind safe, and every type has its own shape.")


def community_name(graph, members: list[str]) -> str:
    """A community is named after its best-connected member."""
    best = max(members, key=lambda n: (graph.degree(n), n))
    return str(graph.nodes[best].get("label", best))


EXPORT_LABELS = {
    "png": "Picture of this view (PNG, 1920×1080)",
    "html": "This view as a web page (works offline)",
    "graphml": "GraphML (Gephi)",
    "gexf": "GEXF (Gephi)",
    "cytoscape": "Cytoscape.js JSON (Cytoscape)",
    "xlsx": "Excel workbook (Kumu: Elements and Connections)",
    "csv-nodes": "Nodes as CSV (Excel)",
    "csv-edges": "Links as CSV (Excel)",
    "json": "JSON (this tool's own format)",
    "markdown": "Briefing (markdown)",
}


def export_controls(
    where, graph, data_dir: str, version: str, shown: list[str], lit: list[str], title: str, caption: str
) -> None:
    """Downloads for after the workshop, made only when clicked (the data exports are whole-graph)."""
    with where.popover("Export", icon=":material/download:", width="stretch"):
        choice = st.selectbox(
            "Export",
            list(EXPORT_LABELS),
            format_func=EXPORT_LABELS.get,
            key="export_format",
            label_visibility="collapsed",
        )
        fmt, _, part = (choice or "png").partition("-")
        suffix = EXPORT_FORMATS[fmt]
        st.download_button(
            "Download",
            data=_exporter(
                graph,
                fmt,
                drawn_positions(data_dir, version, shown),
                shown,
                lit,
                title,
                caption,
                f"-{part}" if part else "",
            ),
            file_name=f"knowledge-graph{'-' + part if part else ''}{suffix}",
            mime=MIME_TYPES[fmt],
            key="export-download",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )


def drawn_positions(data_dir: str, version: str, shown: list[str]) -> dict[str, tuple[float, float]]:
    """Where the drawing put these nodes (a part of the graph has a layout of its own)."""
    whole = positions(data_dir, version)
    inside = tuple(sorted(n for n in shown if n in whole))
    return part_positions(data_dir, version, inside) if len(inside) < len(whole) else whole


def _exporter(graph, fmt, where, shown, lit, title, caption, part=""):
    def make() -> bytes:
        files = export_files(graph, fmt, positions=where, node_ids=shown, highlight=lit, title=title, caption=caption)
        return files[part]

    return make


def page_heading() -> None:
    st.html(f"<style>{PAGE_CSS}</style>")
    st.subheader("Children's social care: the national learning infrastructure", anchor=False)
    st.caption(
        "From the What Works Centre for Children's Social Care's stakeholder engagement report (2017–18). "
        "Click a node to see what it links to. Filters are above the graph; workshop tools are in the sidebar."
    )


def main() -> None:
    data_dir = str(DATA_DIR)
    try:
        version = data_version(DATA_DIR)
        graph = load(data_dir, version)
    except DataError as error:
        st.error(f"The data in {E(data_dir)} cannot be shown until these problems are fixed:")
        st.code("\n".join(str(p) for p in error.problems), language=None)
        st.stop()
    options = node_options(data_dir, version)
    sync_click()  # before any widget: a click may set the focus or the community
    can_edit = editing.editing_unlocked()
    sidebar(graph, options, data_dir, version, can_edit)
    explorer(data_dir, version, can_edit)


@st.fragment
def explorer(data_dir: str, version: str, can_edit: bool) -> None:
    """The graph, its controls and its panels. A fragment: changing a control here, or clicking
    the graph, reruns only this part, not the sidebar's workshop and editing tools."""
    graph = load(data_dir, version)
    options = node_options(data_dir, version)
    if st.session_state.get("focus") not in (None, *options):
        st.session_state["focus"] = None
    present = bool(st.session_state.get("present"))
    size_by = st.session_state.get("size") or "links"
    known = set(options)
    if present:
        title, caption = workshop.presentation_header(data_dir, known, focus_on)
    else:
        page_heading()
        export_place = view_controls(graph, options)

    view = current_view()
    lit_nodes, lit_edges, lit_caption = analysis_highlight(data_dir, version, graph)
    scale = 1.5 if present else (1.35 if st.session_state.get("large") else 1.0)
    payload, n_nodes, n_edges, notes = drawing(
        data_dir, version, view.model_dump_json(), tuple(lit_nodes), tuple(lit_edges), size_by, scale, present
    )
    shown = [n["id"] for n in payload["nodes"]]
    lit = sorted(
        set(lit_nodes)
        | set(payload.get("highlight", {}).get("nodes", []))
        | ({view.focus} if view.focus in graph else set())
    )

    if present:
        heading, stepper = st.columns([5, 1.3], vertical_alignment="top")
        with heading:
            st.markdown(f"# {E(title)}")
            with st.container(key="kg-caption"):
                st.markdown(E(caption) if caption else "")
        with stepper:
            workshop.presentation_stepper(data_dir, known, focus_on)
        left, right = st.columns([6, 1], gap="small")
        with left:
            graph_view(payload, key=GRAPH_KEY, height=860, on_select=_clicked, fit_to=lit_nodes)
        with right:
            workshop.presentation_side([])  # the key is part of the drawing
            export_controls(st, graph, data_dir, version, shown, lit, title, caption)
        return

    _, scene = workshop.current_scene(workshop.load_scenes(data_dir)[0])
    export_controls(
        export_place,
        graph,
        data_dir,
        version,
        shown,
        lit,
        scene.title if scene else DEFAULT_TITLE,
        scene.caption if scene else "",
    )
    left, right = st.columns([3, 2], gap="medium")
    with left:
        focus = view.focus
        selected = f" · selected: **{E(graph.nodes[focus]['label'])}**" if focus in graph else ""
        st.markdown(f"Showing **{n_nodes}** of {graph.number_of_nodes()} nodes and **{n_edges}** links{selected}")
        for note in [*notes, lit_caption]:
            if note:
                st.caption(E(note))
        graph_view(payload, key=GRAPH_KEY, height=620, on_select=_clicked, fit_to=lit_nodes)
        legend_strip()
    with right:
        names = [TABS[0], EDIT_TAB, *TABS[1:]] if can_edit else TABS
        tabs = st.tabs(names, key="tab", on_change="rerun", bind="query-params")
        panels = [
            lambda: detail_panel(graph),
            lambda: paths_panel(data_dir, version, graph, options),
            lambda: overlaps_panel(data_dir, version, graph),
            lambda: gaps_panel(data_dir, version, graph),
            lambda: gap_map_panel(data_dir, version, graph),
            lambda: table_panel(graph, shown),
            lambda: about_panel(data_dir, version),
        ]
        if can_edit:  # the facilitator's Edit tab comes second, where it is always in sight
            panels.insert(1, lambda: editing.edit_panel(graph, data_dir, version))
        for tab, panel in zip(tabs, panels, strict=True):
            with tab:
                if tab.open:
                    panel()


main()
