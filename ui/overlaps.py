"""The Overlaps tab: bodies or initiatives doing the same work (duplication), strands raising the same
topics (agreement), each with its strength and why; and candidate duplicate nodes. A row highlights a pair."""

from __future__ import annotations

import streamlit as st

from graph.bases import basis_rule
from graph.data.stores import Handle
from graph.picture.panels import escape_markdown as E
from ui import data, state

OVERLAP_TYPES = ["organisation", "initiative", "strand", "stakeholder", "topic", "message"]
_KIND = {
    "organisation": "duplication",
    "initiative": "duplication",
    "strand": "agreement",
    "stakeholder": "agreement",
    "topic": "overlap",
    "message": "overlap",
}
_HEADING = {
    "duplication": "Possible duplication: doing the same work",
    "agreement": "Agreement: raising the same things (not duplication)",
    "overlap": "Overlap: linked to the same things",
}
_EXPLAINED = {
    "duplication": "Compared on what they do (topics and themes they work on, barriers they address, stages of "
    "the evidence cycle, what they run or fund), never on who consulted them. Each pair is tested against chance: "
    "how much would two bodies doing this much share if each did its share of popular and rare things at random "
    "(p), allowing for every pair compared (q, Benjamini–Hochberg). Strong or moderate only when q ≤ 0.05 and "
    "3 or 2 of the shared things are stated in the report; a pair resting on inference or outside knowledge "
    "is weak and says so.",
    "agreement": "Strands or stakeholders that raised the same topics or face the same barriers, tested against "
    "chance as duplication is: strands that raise many topics share many by chance.",
    "overlap": "Pairs linked to at least 2 of the same things, tested against chance.",
}


def overlaps_panel(graph, handle: Handle) -> None:
    import pandas as pd

    view = state.view()
    if len(view.overlap) == 2 and view.overlap[0] in graph:  # a link to a pair opens its kind of pair
        kind = graph.nodes[view.overlap[0]].get("type")
        if kind in OVERLAP_TYPES:
            state.preset(state.OVERLAP_TYPE, kind)
    node_type = st.selectbox(
        "Compare",
        OVERLAP_TYPES,
        key=state.OVERLAP_TYPE,
        format_func=lambda t: f"{t.capitalize()}s ({_KIND[t]})",
        help=" ".join(_EXPLAINED.values()),
        on_change=state.select,
        kwargs={"overlap": []},  # another kind of pair: the highlighted pair is no longer in the table
    )
    report = data.overlap_report(handle, node_type or "organisation")
    st.markdown(f"**{_HEADING[report['kind']]}**")
    signed = report["counts"]["strong"] + report["counts"]["moderate"]
    (st.info if signed else st.warning)(E(report["summary"]), icon=":material/compare_arrows:")
    rows = report["pairs"]
    if rows:
        pairs = [[r["a"]["id"], r["b"]["id"]] for r in rows]
        key = f"{state.OVERLAP_TABLE}-{node_type}"
        picked = pairs.index(list(view.overlap)) if list(view.overlap) in pairs else None
        state.show_row(key, picked)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "strength": r["strength"],
                        "pair": f"{r['a']['label']} ↔ {r['b']['label']}",
                        "p": r["p_value"],
                        "q": r["q_value"],
                        "rests on": _rests_on(r["rests_on"]),
                        "why": r["reason"],
                        "report": ", ".join(r["refs"]),
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
            on_select=state.on_row(key, "overlap", pairs),
            selection_mode="single-row",
            key=key,
            column_config={
                "strength": st.column_config.TextColumn("Strength", width=72),
                "pair": st.column_config.TextColumn("Pair", width=170),
                "p": st.column_config.NumberColumn("p", format="%.3g", width=60, help="Chance of sharing this much"),
                "q": st.column_config.NumberColumn("q", format="%.3g", width=60, help="p allowing for every pair"),
                "rests on": st.column_config.TextColumn("Rests on", width=130),
                "why": st.column_config.TextColumn("Why", width="large"),
            },
        )
        _why(rows[picked if picked is not None else 0], chosen=picked is not None)
    if report["to_add"]:
        st.caption(E(report["to_add"]))
    st.caption(E(_EXPLAINED[report["kind"]]))
    if report["kind"] == "duplication":
        _concerns(graph)
    with st.expander("Candidate duplicates", expanded=bool(view.duplicate)):
        dupes = data.duplicate_report(handle)
        groups = [[n["id"] for n in d["nodes"]] for d in dupes]
        state.show_row(
            state.DUPLICATE_TABLE, groups.index(list(view.duplicate)) if list(view.duplicate) in groups else None
        )
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
            on_select=state.on_row(state.DUPLICATE_TABLE, "duplicate", groups),
            selection_mode="single-row",
            key=state.DUPLICATE_TABLE,
        )


def _rests_on(counts: dict) -> str:
    return ", ".join(f"{n} {basis}" for basis, n in sorted(counts.items(), key=lambda i: -i[1]))


def _concerns(graph) -> None:
    """What the report itself says about duplication and co-ordination, beside the analysis."""
    from graph.analysis.reported import duplication_concerns

    concerns = duplication_concerns(graph)
    if not concerns:
        return
    with st.expander(f"What the report says about duplication ({len(concerns)})", expanded=False):
        for concern in concerns:
            about = ", ".join(
                E(a["label"]) + (f" _{E(a['mark'])}_" if a["mark"] else "") for a in concern["about"]
            )
            st.markdown(
                f"**{E(concern['label'])}** ({E(', '.join(concern['refs']))})  \n{E(concern['description'])}"
                + (f"  \n_About:_ {about}" if about else "")
            )


def _why(pair: dict, *, chosen: bool) -> None:
    """The chosen pair (else the first) in full: what they share, what differs, the links behind it."""
    title = "Why" if chosen else "Why (the first pair; choose a row for another)"
    with st.container(border=True, key="kg-overlap-why"):
        st.markdown(f"**{title}: {E(pair['a']['label'])} ↔ {E(pair['b']['label'])}** ({pair['strength']})")
        st.markdown(E(pair["reason"]) + ("" if pair["reason"].endswith(("?", ".", "…")) else "."))
        st.markdown(f"**Chance:** {E(pair['caveat'])}")
        st.markdown(E(pair["differs"]))
        lines = [
            f"- {E(link['text'])} ({E(basis_rule(link['basis']).label)}; {E(', '.join(link['refs']))})"
            + (f" — {E(link['rationale'])}" if link.get("rationale") else "")
            + (f" Source: {E(link['external_source'])}" if link.get("external_source") else "")
            for link in pair["evidence"]
        ]
        st.markdown("\n".join(lines))
        if pair.get("related"):
            st.caption(E(pair["related"]))
