"""What the report itself says, read from the graph: its totals of who was heard, its next steps,
its worries about duplication and co-ordination, and its other points, each with its sections."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.analysis._common import in_links, label_of, node_data, out_links, ref, type_of
from graph.bases import basis_rule
from graph.schema import Relation


def report_totals(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The report's own totals: every node with a ``headline`` (the report's words), in its order,
    with the groups counted inside it.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("s", type="stakeholder", label="All", refs=["2"], headline="nearly 300 people", headline_order=1)
    >>> G.add_node("g", type="stakeholder", label="Young people", refs=["2"], count=25)
    >>> G.add_edge("g", "s", key="part_of")
    'part_of'
    >>> [(t["headline"], t["parts"]) for t in report_totals(G)]
    [('nearly 300 people', [{'id': 'g', 'label': 'Young people', 'count': 25}])]
    """
    found = []
    for node, data in G.nodes(data=True):
        if not data.get("headline"):
            continue
        parts = [
            {**ref(G, part), "count": node_data(G, part)["count"]}
            for part, keyed in in_links(G, node).items()
            if Relation.PART_OF in keyed and isinstance(node_data(G, part).get("count"), int)
        ]
        found.append(
            {
                **ref(G, node),
                "headline": str(data["headline"]),
                "count": data.get("count"),
                "refs": list(data.get("refs") or ()),
                "order": data.get("headline_order", 99),
                "parts": sorted(parts, key=lambda p: -p["count"]) if len(parts) > 1 else parts,
            }
        )
    return sorted(found, key=lambda t: (t["order"], t["id"]))


def messages_of_kind(G: nx.MultiDiGraph, kind: str) -> list[dict[str, Any]]:
    """The report's messages of one kind (``next_step``, ``concern``, ``point``...), in order, each
    with what it is about (the links leaving it, with their basis).

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("m", type="message", label="Work with partner sites", kind="next_step", refs=["7"], order=1)
    >>> G.add_node("p", type="initiative", label="Pioneer Partners", refs=["6.2"])
    >>> G.add_edge("m", "p", key="speaks_to", basis="inferred", refs=["7"])
    'speaks_to'
    >>> [(m["label"], [a["label"] for a in m["about"]]) for m in messages_of_kind(G, "next_step")]
    [('Work with partner sites', ['Pioneer Partners'])]
    """
    found = []
    for node, data in G.nodes(data=True):
        if data.get("type") != "message" or data.get("kind") != kind:
            continue
        about = [
            {
                **ref(G, target),
                "type": type_of(G, target),
                "basis": edge.get("basis"),
                "mark": basis_rule(edge.get("basis")).mark,
                "external_source": edge.get("external_source"),
            }
            for target, keyed in out_links(G, node).items()
            for edge in keyed.values()
        ]
        found.append(
            {
                **ref(G, node),
                "description": data.get("description") or "",
                "refs": list(data.get("refs") or ()),
                "order": data.get("order", 99),
                "about": sorted(about, key=lambda a: (a["basis"] != "stated", label_of(G, a["id"]))),
            }
        )
    return sorted(found, key=lambda m: (m["order"], m["refs"], m["id"]))


def duplication_concerns(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """What the report says about duplication and co-ordination (3.7, 5.7, 6, 6.1, 6.3)."""
    return messages_of_kind(G, "concern")


def next_steps(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The report's next steps (section 7)."""
    return messages_of_kind(G, "next_step")
