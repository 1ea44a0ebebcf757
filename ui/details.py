"""The Details tab: the selected node, what it links to, and a list to go to a linked node."""

from __future__ import annotations

import streamlit as st

from graph.bases import BASES, basis_rule
from graph.picture.panels import escape_markdown as E
from graph.picture.panels import node_details
from ui import state


def details_panel(graph) -> None:
    focus = state.view().focus
    if not focus or focus not in graph:
        st.info("Click a node in the graph, or choose one under **Find a node**, to see its details here.")
        return
    d = node_details(graph, focus)
    with st.container(key="kg-details"):
        st.subheader(E(d["label"]), anchor="details")
    # ids are restricted by the schema to letters, digits and : _ . - so a code span shows them as typed
    st.caption(f"{E(d['type'])} · id `{d['id']}` · report sections: {E(', '.join(d['refs']))}")
    if d["description"]:
        st.markdown(E(d["description"]))
        if d["basis"] != "stated":
            source = f" Source: {E(d['external_source'])}." if d.get("external_source") else ""
            st.caption(f"This description is {E(basis_rule(d['basis']).label)}.{source}")
    if d["aliases"]:
        st.caption("Also known as: " + E("; ".join(d["aliases"])))
    if d["room"]:
        room = d["room"]
        st.caption(f"Added in the room: {E(room['session'])}, {E(room['session_date'])} (captured by {E(room['editor'])}).")
    facts = {k: v for k, v in d["attributes"].items() if not (d["room"] and k in d["room"])}
    if facts:  # a few short facts: a list reads (and draws) faster than a table
        st.markdown("\n".join(f"- **{E(k)}**: {E(_text(v))}" for k, v in facts.items()))
    for quote in d["quotes"]:
        st.markdown(f"> {E(quote['text'])}  \n> — {E(quote['attribution'])}")
    counts = [f"{d[basis]} {rule.label}" for basis, rule in BASES.items() if d.get(basis)]
    if counts:
        st.markdown(f"**Links:** {', '.join(counts)}.")
    linked = sorted({link["id"]: link["label"] for g in d["groups"] for link in g["links"]}.items(), key=lambda i: i[1])
    if linked:
        names = dict(linked)
        key = f"go-{d['id']}"
        st.selectbox(
            "Go to a linked node",
            list(names),
            index=None,
            format_func=names.get,
            placeholder="Choose one to select it…",
            key=key,
            on_change=state.picked_option,
            args=(key, "focus"),
        )
    for group in d["groups"]:
        with st.expander(f"{group['heading']} ({len(group['links'])})", expanded=len(d["groups"]) <= 3):
            lines = []
            for link in group["links"]:
                basis = basis_rule(link["basis"]).label
                room = link["room"]
                if room:
                    basis += f" ({room['session']}, {room['session_date']}, captured by {room['editor']})"
                shown = {k: v for k, v in link["attributes"].items() if not (room and k in room)}
                extra = "; ".join(f"{k}: {_text(v)}" for k, v in shown.items())
                line = f"- **{E(link['label'])}** · _{E(basis)}_ · {E(', '.join(link['refs']))}"
                if extra:
                    line += f" · {E(extra)}"
                if link["rationale"]:
                    line += f"  \n  ↳ {E(link['rationale'])}"
                if link.get("external_source"):
                    line += f"  \n  ↳ Source (not the report): {E(link['external_source'])}"
                lines.append(line)
            st.markdown("\n".join(lines))


def _text(value) -> str:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
