"""A Markdown briefing of the graph an analyst can paste into a paper: figures, consensus, gaps, overlaps.

Every line cites the report's sections it rests on, e.g. "(Appendix 1; 6.1)". Text from the data
is escaped so that a label with ``|``, ``*`` or ``[`` cannot break a table or a list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.analysis._common import edges_of, natural_key, node_data, nodes_of_type, refs_of
from graph.analysis.gaps import gap_summary, gaps
from graph.analysis.metrics import consensus, stats
from graph.analysis.overlaps import overlaps
from graph.schema import LEVELS, Relation

#: Most references cited on one line; more are shortened to "…".
MAX_CITED = 4

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#+!~])")

_GAP_SECTIONS = (
    ("unraised_topics", "Topics no strand raised", "Every topic was raised by at least one strand."),
    (
        "unaddressed_topics",
        "Topics raised that no organisation or initiative works on",
        "Every topic has an organisation or initiative working on it.",
    ),
    ("unaddressed_barriers", "Barriers nothing addresses", "Every barrier is addressed by something in the graph."),
    (
        "missing_voices",
        "Where children, young people and families were not heard",
        "Every level and theme carries the voice of children and young people and of families.",
    ),
    ("isolated_nodes", "Loose ends (linked to one node or none)", "Every node is linked to at least two others."),
    ("structural_gaps", "Communities with fewer links between them than expected", "No under-linked communities."),
)

_OVERLAP_SECTIONS = (
    ("organisation", "Possible duplication: organisations doing the same work"),
    ("initiative", "Possible duplication: initiatives doing the same work"),
    ("strand", "Agreement: strands that raised the same topics"),
)


def briefing_markdown(G: nx.MultiDiGraph, *, top: int = 10) -> str:
    """The briefing as Markdown: headline figures, consensus topics, gaps by kind, top overlaps.

    At most ``top`` lines per list; each line ends with the report sections behind it.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("s", type="strand", label="Event Coventry", refs=["2"])
    >>> G.add_node("t", type="topic", label="Trauma | abuse", level="frontline", refs=["Appendix 1 / Frontline"])
    >>> G.add_edge("s", "t", key="raised", refs=["Appendix 1 / Frontline"], basis="stated")
    'raised'
    >>> text = briefing_markdown(G)
    >>> "| Trauma \\\\| abuse | Frontline |" in text
    True
    """
    lines = ["# Briefing: what the sector told the What Works Centre for Children's Social Care", ""]
    lines += [
        "_Drawn from the knowledge graph of the report 'Stakeholder engagement during gestation phase, "
        "October 2017 – June 2018'. Numbers in brackets are the report's sections._",
        "",
    ]
    lines += _headline(G)
    lines += _consensus(G, top)
    lines += _gaps(G, top)
    lines += _overlaps(G, top)
    return "\n".join(lines).rstrip() + "\n"


def escape(text: object) -> str:
    """Text from the data made safe inside Markdown tables and lists.

    >>> escape("Step Up | *Frontline* [pilot]")
    'Step Up \\\\| \\\\*Frontline\\\\* \\\\[pilot\\\\]'
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def cite(refs: Iterable[str]) -> str:
    """ "(Appendix 1; 6.1)": the report sections of some references, the detail after " / " dropped.

    >>> cite(["Appendix 1 / Frontline", "6.1", "Appendix 1 / System"])
    '(6.1; Appendix 1)'
    """
    sections = sorted({ref.split(" / ")[0].strip() for ref in refs if ref.strip()}, key=natural_key)
    if not sections:
        return ""
    shown = "; ".join(escape(section) for section in sections[:MAX_CITED])
    return f"({shown}{'; …' if len(sections) > MAX_CITED else ''})"


# --- sections ------------------------------------------------------------------------------------


def _headline(G: nx.MultiDiGraph) -> list[str]:
    figures = stats(G)
    by_type, by_relation, by_basis = figures["by_type"], figures["by_relation"], figures["by_basis"]
    strands = nodes_of_type(G, "strand")
    topics = nodes_of_type(G, "topic")
    barriers = nodes_of_type(G, "barrier")
    in_appendix = [s for s in strands if isinstance(node_data(G, s).get("appendix_column"), int)]
    per_level = Counter(node_data(G, t).get("level") for t in topics)
    levels = ", ".join(f"{level} {per_level[level]}" for level in LEVELS if per_level[level])
    addressed = {target for _, target, _, _ in edges_of(G, [Relation.ADDRESSES])}
    lines = ["## Headline figures", ""]
    lines.append(
        f"- **{figures['nodes']}** things and **{figures['edges']}** links in the graph: "
        f"{by_basis.get('stated', 0)} links stated in the report, {by_basis.get('inferred', 0)} a careful "
        f"reader's inference. {cite(refs_of(G, *G.nodes))}"
    )
    lines.append(
        f"- **{len(strands)}** strands of engagement, {len(in_appendix)} of them columns of Appendix 1. "
        f"{cite(refs_of(G, *strands))}"
    )
    lines.append(
        f"- **{len(topics)}** topics in **{by_type.get('theme', 0)}** themes"
        + (f" ({levels})" if levels else "")
        + f"; {by_relation.get(Relation.RAISED.value, 0)} ticks in Appendix 1 and "
        f"{by_relation.get(Relation.NOT_PRIORITISED.value, 0)} 'Not priority'. {cite(refs_of(G, *topics))}"
    )
    lines.append(
        f"- **{len(barriers)}** barriers to evidence-informed change, {len(addressed & set(barriers))} of them "
        f"addressed by something in the graph. {cite(refs_of(G, *barriers))}"
    )
    return [*lines, ""]


def _consensus(G: nx.MultiDiGraph, top: int) -> list[str]:
    rows = [row for row in consensus(G) if row["count"]][: max(top, 0)]
    lines = ["## Topics most strands raised", ""]
    if not rows:
        return [*lines, "No strand raised any topic.", ""]
    lines += ["| Topic | Level | Theme | Strands | Raised by | Report |", "|---|---|---|---:|---|---|"]
    for row in rows:
        raised_by = ", ".join(
            escape(s["label"]) + (f" ({escape(s['qualifier'])})" if s.get("qualifier") else "") for s in row["strands"]
        )
        lines.append(
            f"| {escape(row['label'])} | {escape(str(row['level'] or '').capitalize())} | {escape(row['theme'] or '')} "
            f"| {row['count']} | {raised_by} | {cite(refs_of(G, row['id']))} |"
        )
    return [*lines, ""]


def _gaps(G: nx.MultiDiGraph, top: int) -> list[str]:
    found = gaps(G)
    about = gap_summary(G, found)
    lines = ["## Gaps", ""]
    for key, title, none in _GAP_SECTIONS:
        items = found.get(key, [])
        lines += [f"### {title} ({len(items)})", ""]
        if not items:
            lines += [none, ""]
            continue
        fill = f" To fill: {about[key]['to_fill']}" if about[key]["to_fill"] else ""
        lines += [f"_{escape(about[key]['explanation'] + fill)}_", ""]
        lines += [_gap_line(item) for item in items[: max(top, 0)]]
        if len(items) > top:
            lines.append(f"- … and {len(items) - top} more.")
        lines.append("")
    return lines


def _gap_line(item: dict[str, Any]) -> str:
    where = [str(item[key]) for key in ("level", "theme") if item.get(key)]
    placed = f" ({escape('; '.join(where))})" if where else ""
    return f"- **{escape(item['label'])}**{placed}: {escape(item['reason'])} {cite(item.get('refs', []))}".rstrip()


def _sentence(text: str) -> str:
    """Text ending as a sentence: a full stop unless it already ends with one, "?" or "…"."""
    return text if text.endswith((".", "?", "…", "!")) else text + "."


def _overlaps(G: nx.MultiDiGraph, top: int) -> list[str]:
    lines = ["## Overlaps and agreement", ""]
    lines += [
        "_Duplication compares what organisations and initiatives do (topics, barriers, stages, what they run "
        "or fund), never who consulted them; a pair must share at least 2 things, and generic things count "
        "for less. Strands raising the same topics are agreement, not duplication._",
        "",
    ]
    for node_type, title in _OVERLAP_SECTIONS:
        found = overlaps(G, node_type, limit=top)
        lines += [f"### {title}", "", escape(found["summary"]), ""]
        for pair in found["pairs"]:
            lines.append(
                f"- **{escape(pair['a']['label'])}** and **{escape(pair['b']['label'])}** ({pair['strength']}): "
                f"{escape(_sentence(pair['reason']))} {escape(pair['differs'])} {cite(pair['refs'])}".rstrip()
            )
        if found["pairs"]:
            lines.append("")
        if found["to_add"]:
            lines += [f"_{escape(found['to_add'])}_", ""]
    return lines
