"""The drawing: the payload of a view (cached per data version and drawn nodes) and the one call
to the drawing component."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from graph.data.stores import Handle
from graph.picture.view import MAX_DRAWN_NODES, Shown, plan_drawing
from graph.schema import View
from ui import data, state

#: Nodes whose edges the tooltip's metric is named after, by the "Size nodes by" choice.
METRIC_NAMES = state.SIZE_BY


@dataclass(frozen=True)
class Drawn:
    """What the drawing holds, for the line above it and for the exports."""

    node_ids: list[str]
    node_count: int
    edge_count: int
    notes: tuple[str, ...]


def prepare(graph, handle: Handle, view: View, shown: Shown, *, presentation: bool):
    """The payload to draw and what it holds (nothing is sent to the browser yet)."""
    groups = data.communities(handle) if len(shown.nodes) > MAX_DRAWN_NODES else None
    plan = plan_drawing(graph, view, shown, groups)
    scale = 1.5 if presentation else (1.35 if state.large_labels() else 1.0)
    if plan.overview is not None:
        payload = _overview_payload(handle, _digest(shown.nodes), plan.overview, scale)
    elif view.since and any(graph.nodes[n].get("ghost") for n in plan.nodes):  # removed ones drawn as ghosts
        stamp = data.log_stamp(handle.store)
        payload = _since_payload(handle, view.since, stamp, "\n".join(plan.nodes), state.size_by(), scale)
    else:  # the highlight travels apart (``show``), so a payload serves every selection in this view
        # one string, not a tuple of ids: the cache hashes its key on every rerun
        payload = _payload(handle, "\n".join(plan.nodes), state.size_by(), scale, presentation)
    drawn = Drawn([n["id"] for n in payload["nodes"]], plan.node_count, plan.edge_count, plan.notes)
    return payload, drawn


def show(
    payload: dict,
    shown: Shown,
    *,
    height: int,
    presentation: bool = False,
    fill_below: int | None = None,
    marks: dict | None = None,
) -> None:
    """Draw the payload with the view's highlight (restyled in place when only it changed);
    a click selects (``state.clicked_in_drawing``). The one place the app calls the component.
    With ``fill_below`` the drawing takes the window's height below its top (``height`` at least)."""
    from graph.picture.component import graph_view

    graph_view(
        payload,
        key=state.GRAPH,
        height=height,
        on_select=state.clicked_in_drawing,
        highlight=shown.highlight(),
        presentation=presentation,
        fill_below=fill_below,
        marks={kind: found for kind, found in (marks or {}).items() if found},
    )


def _digest(nodes) -> str:
    return hashlib.sha256("\n".join(sorted(nodes)).encode()).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=8)
def _overview_payload(handle: Handle, nodes_digest: str, _overview, scale: float) -> dict:
    from graph.picture.layout import compute_layout
    from graph.picture.render import vis_payload

    return vis_payload(
        _overview,
        compute_layout(_overview),
        size_by={n: d["members"] for n, d in _overview.nodes(data=True)},
        metric="Nodes in the community",
        label_scale=scale,
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _payload(
    handle: Handle,
    node_list: str,
    size_by: str,
    scale: float,
    compact: bool,
) -> dict:
    """The vis-network payload of these nodes. A part of the graph (a filtered view, a scene) is laid
    out afresh to fill the pane, since spread over the whole graph's space it would be too small
    to read; the whole graph keeps one layout, so nodes stay where people saw them."""
    from graph.picture.render import vis_payload

    nodes = tuple(node_list.split("\n")) if node_list else ()
    graph = data.load(handle)
    whole = data.positions(handle)
    where = data.part_positions(handle, nodes) if len(nodes) < len(whole) else whole
    metric = data.node_metrics(handle).get(size_by)
    return vis_payload(
        graph,
        where,
        node_ids=list(nodes),
        size_by=metric,
        metric=METRIC_NAMES.get(size_by) if metric else None,
        label_scale=scale,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _since_payload(handle: Handle, since: str, stamp: tuple, node_list: str, size_by: str, scale: float) -> dict:
    """The payload of a view of what changed, with the removed nodes back as ghosts: everything
    stays where people saw it, and each ghost goes beside what it was linked to."""
    from graph.picture.layout import extend_layout
    from graph.picture.render import vis_payload

    graph = data.since_view(handle, since).graph
    where = extend_layout(graph, data.positions(handle))
    metric = data.node_metrics(handle).get(size_by)
    return vis_payload(
        graph,
        where,
        node_ids=node_list.split("\n") if node_list else [],
        size_by=metric,
        metric=METRIC_NAMES.get(size_by) if metric else None,
        label_scale=scale,
    )
