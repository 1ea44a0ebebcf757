"""Hand-made graphs for the demo app and the browser tests.

``tiny_dataset`` is a handful of nodes with hostile labels (the injection strings) so the
browser tests can check that text from data stays text. ``report_like_dataset`` mimics the
shape of the shipped graph (about 250 nodes of the 12 types, dense strand -> topic ticks)
so the layout can be judged at a realistic size before the real data lands.
"""

from __future__ import annotations

import random
from itertools import pairwise

from graph.schema import Dataset, Edge, Node, NodeType, allowed_pairs

INJECTIONS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '" onmouseover="alert(1)',
    '<a href="javascript:alert(1)">x</a>',
)


def _node(node_id: str, node_type: str, label: str, **attributes: object) -> Node:
    return Node(id=node_id, type=node_type, label=label, refs=["demo"], attributes=attributes)


def _edge(source: str, target: str, relation: str) -> Edge:
    return Edge(source=source, target=target, relation=relation, refs=["demo"], basis="stated")


def tiny_dataset() -> Dataset:
    """Seven nodes, one of each of several types; two labels are injection strings."""
    nodes = (
        _node("level:frontline", "level", "Frontline"),
        _node("theme:early-help", "theme", "Early help"),
        _node("topic:trauma", "topic", "Trauma-informed practice"),
        _node("topic:xss", "topic", INJECTIONS[0]),
        _node("strand:coventry", "strand", "Practitioner event, Coventry"),
        _node("place:coventry", "place", "Coventry"),
        _node("quote:q1", "quote", INJECTIONS[4]),
    )
    edges = (
        _edge("theme:early-help", "level:frontline", "at_level"),
        _edge("topic:trauma", "theme:early-help", "in_theme"),
        _edge("topic:xss", "theme:early-help", "in_theme"),
        _edge("strand:coventry", "topic:trauma", "raised"),
        _edge("strand:coventry", "topic:xss", "raised"),
        _edge("strand:coventry", "place:coventry", "held_in"),
        _edge("quote:q1", "topic:trauma", "speaks_to"),
    )
    return Dataset(nodes, edges)


_COUNTS = {
    "level": 3,
    "theme": 12,
    "topic": 95,
    "strand": 28,
    "stakeholder": 14,
    "place": 6,
    "organisation": 30,
    "initiative": 20,
    "message": 24,
    "quote": 16,
    "barrier": 5,
    "stage": 4,
}


def report_like_dataset(seed: int = 7) -> Dataset:
    """About 250 nodes wired the way the report's graph is: a topic tree under themes and
    levels, strands ticking many topics, and a web of organisations, messages and quotes."""
    rng = random.Random(seed)
    ids: dict[str, list[str]] = {}
    nodes: list[Node] = []
    for node_type, count in _COUNTS.items():
        ids[node_type] = [f"{node_type}:{i}" for i in range(count)]
        for i, node_id in enumerate(ids[node_type]):
            attributes: dict[str, object] = {"kind": "want"} if node_type == "message" else {}
            nodes.append(
                _node(node_id, node_type, f"{node_type.title()} {i} " + "words " * rng.randint(0, 5), **attributes)
            )
    edges: dict[str, Edge] = {}

    def link(source: str, target: str, relation: str) -> None:
        pair = (NodeType(source.split(":")[0]), NodeType(target.split(":")[0]))
        if source != target and pair in allowed_pairs(relation):
            edge = _edge(source, target, relation)
            edges[edge.key] = edge

    for i, theme in enumerate(ids["theme"]):
        link(theme, ids["level"][i % 3], "at_level")
    for i, topic in enumerate(ids["topic"]):
        link(topic, ids["theme"][i % 12], "in_theme")
    for strand in ids["strand"]:
        focus = rng.sample(ids["theme"], 3)
        for i, topic in enumerate(ids["topic"]):
            if (ids["theme"][i % 12] in focus and rng.random() < 0.5) or rng.random() < 0.03:
                link(strand, topic, "raised")
        if rng.random() < 0.4:
            link(strand, rng.choice(ids["place"]), "held_in")
        link(strand, rng.choice(ids["stakeholder"]), "involved")
    for a, b in pairwise(ids["stage"]):
        link(a, b, "next_stage")
    for organisation in ids["organisation"]:
        link(organisation, rng.choice(ids["initiative"] + ids["strand"]), "runs")
        link(organisation, rng.choice(ids["topic"] + ids["theme"]), "works_on")
        link(organisation, rng.choice(ids["stage"]), "contributes_to")
    for initiative in ids["initiative"]:
        link(initiative, rng.choice(ids["theme"]), "works_on")
        link(initiative, rng.choice(ids["barrier"]), "addresses")
    for message in ids["message"]:
        link(message, rng.choice(ids["barrier"] + ids["stage"]), rng.choice(["addresses", "contributes_to"]))
        link(message, rng.choice(ids["message"]), "echoes")
    for quote in ids["quote"]:
        link(quote, rng.choice(ids["stakeholder"] + ids["strand"]), "attributed_to")
        link(quote, rng.choice(ids["topic"] + ids["message"]), "speaks_to")
    for stakeholder in ids["stakeholder"]:
        link(stakeholder, rng.choice(ids["barrier"]), "faces")
    return Dataset(tuple(nodes), tuple(edges.values()))
