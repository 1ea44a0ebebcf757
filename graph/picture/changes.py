"""What changed, as a view shows it: the elements added, changed and removed since a point (a data
version, a time, the session's start), the graph with the removed ones put back as ghosts (so the
drawing can show where they were), and the marks the drawing puts on each.

>>> from graph.data.build import build_graph
>>> from graph.schema import Dataset, Node
>>> old = Node(id="topic:old", type="topic", label="Old", refs=["4"])
>>> entries = [{"id": "a", "element": "node", "action": "delete_node", "time": "2026-12-03T10:00:00+00:00",
...             "editor": "Sam", "key": "topic:old", "before": {"id": "topic:old", "type": "topic",
...             "label": "Old", "refs": ["4"]}, "after": None}]
>>> found = since_changes(Dataset((), ()), build_graph(Dataset((), ())), entries, "0")
>>> found.marks["nodes"], found.graph.nodes["topic:old"]["ghost"], found.counts()
({'topic:old': 'removed'}, True, {'added': 0, 'changed': 0, 'removed': 1})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.data.build import build_graph
from graph.data.history import (
    ElementChange,
    Since,
    describe_change,
    element_changes,
    net_change,
    since,
)
from graph.schema import Dataset, Edge, Node


@dataclass(frozen=True)
class SinceChanges:
    """The changes since a point, ready to show."""

    since: Since
    changes: list[ElementChange]
    #: The graph now, with each removed node and link back in as a ghost (data ``ghost=True``).
    graph: nx.MultiDiGraph
    #: What the drawing marks: {"nodes": {id: status}, "edges": {edge key: status}}.
    marks: dict[str, dict[str, str]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = {"added": 0, "changed": 0, "removed": 0}
        for change in self.changes:
            found[change.status] += 1
        return found

    def sentence(self) -> str:
        """'Since the start of the session Leeds workshop, 2026-12-03: 1 node and 2 links added, ...'"""
        parts = []
        for status in ("added", "changed", "removed"):
            nodes = sum(1 for c in self.changes if c.status == status and c.kind == "node")
            links = sum(1 for c in self.changes if c.status == status and c.kind == "edge")
            counted = " and ".join(_count(n, noun) for n, noun in ((nodes, "node"), (links, "link")) if n)
            if counted:
                parts.append(f"{counted} {status}")
        what = "; ".join(parts) if parts else "nothing changed"
        return f"Since {self.since.described}: {what} ({_count(len(self.since.entries), 'change')} logged)."


def since_changes(now: Dataset, graph: nx.MultiDiGraph, entries: list[dict[str, Any]], text: str) -> SinceChanges:
    """The changes logged after ``text`` (see ``graph.data.history.since``) against the data ``now``
    (and its ``graph``). Raises GraphError for a point that is not one."""
    found = since(entries, text)
    changes = [c for c in element_changes(net_change(found.entries)) if _still_fits(c, graph)]
    ghosts = _with_ghosts(graph, changes)
    labels = {n: str(d.get("label") or n) for n, d in ghosts.nodes(data=True)}
    marks: dict[str, dict[str, str]] = {"nodes": {}, "edges": {}}
    rows = []
    for change in changes:
        marks["nodes" if change.kind == "node" else "edges"][change.key] = change.status
        side = change.after or change.before or {}
        rows.append(
            {
                "status": change.status,
                "kind": "node" if change.kind == "node" else "link",
                "what": describe_change(change, labels),
                "id": change.key,
                "ends": [side.get("source"), side.get("target")] if change.kind == "edge" else [],
            }
        )
    return SinceChanges(found, changes, ghosts, marks, rows)


def _still_fits(change: ElementChange, graph: nx.MultiDiGraph) -> bool:
    """A change the data still shows (an element edited by hand since is left out, not guessed at)."""
    if change.kind == "node":
        return (change.key in graph) == (change.after is not None)
    source, relation, target = change.key.split("|")
    return graph.has_edge(source, target, relation) == (change.after is not None)


def _with_ghosts(graph: nx.MultiDiGraph, changes: list[ElementChange]) -> nx.MultiDiGraph:
    """The graph with every removed node and link back in, marked ``ghost``."""
    removed_nodes = [c.before for c in changes if c.status == "removed" and c.kind == "node"]
    removed_edges = [c.before for c in changes if c.status == "removed" and c.kind == "edge"]
    if not removed_nodes and not removed_edges:
        return graph
    ghosts = graph.copy()
    models = tuple(Node.model_validate(raw) for raw in removed_nodes)
    built = build_graph(Dataset(models, ()))
    for node, data in built.nodes(data=True):
        ghosts.add_node(node, **data, ghost=True)
    for raw in removed_edges:
        edge = Edge.model_validate(raw)
        if edge.source in ghosts and edge.target in ghosts:
            data = {
                **edge.attributes,
                "relation": edge.relation.value,
                "refs": list(edge.refs),
                "basis": edge.basis.value,
                "rationale": edge.rationale,
            }
            ghosts.add_edge(edge.source, edge.target, edge.relation.value, **data, ghost=True)
    return ghosts


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"
