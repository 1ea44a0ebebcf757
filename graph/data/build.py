"""Validated models -> networkx graph.

The graph is a ``MultiDiGraph``: relations have a direction (a strand *raised* a topic) and
two nodes may be joined by more than one relation; each edge's key is its relation.
Node data: ``type``, ``label``, ``refs``, ``description``, ``aliases`` (when it has any) and the node's attributes
flattened beside them (the schema reserves the core names). Edge data: ``relation``,
``refs``, ``basis``, ``rationale`` and the edge's attributes.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graph.bases import Basis
from graph.data.files import gc_paused
from graph.data.store import load_dataset
from graph.schema import Dataset, NodeType, Relation

# The plain string of each enum member: a dict look-up is several times cheaper than ``.value``.
_TYPE_VALUE = {member: member.value for member in NodeType}
_RELATION_VALUE = {member: member.value for member in Relation}
_BASIS_VALUE = {member: member.value for member in Basis}  # finds a plain string too (StrEnum)


def build_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """Build the graph from a validated dataset.

    >>> from graph.schema import Node, Edge
    >>> a = Node(id="strand:a", type="strand", label="A", refs=["2"])
    >>> t = Node(id="topic:t", type="topic", label="T", refs=["4"])
    >>> e = Edge(source="strand:a", target="topic:t", relation="raised", refs=["4"], basis="stated")
    >>> G = build_graph(Dataset((a, t), (e,)))
    >>> G.nodes["topic:t"]["label"], list(G.edges(keys=True))
    ('T', [('strand:a', 'topic:t', 'raised')])
    """
    with gc_paused():  # see gc_paused: building allocates millions of objects that all stay alive
        return _build(dataset)


def _build(dataset: Dataset) -> nx.MultiDiGraph:
    type_value, relation_value = _TYPE_VALUE, _RELATION_VALUE
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(
        (
            node.id,
            {
                **node.attributes,
                "type": type_value[node.type],
                "label": node.label,
                "refs": list(node.refs),
                "description": node.description,
                "basis": _BASIS_VALUE[node.basis],
                **({"external_source": node.external_source} if node.external_source else {}),
                **({"aliases": list(node.aliases)} if node.aliases else {}),
            },
        )
        for node in dataset.nodes
    )
    graph.add_edges_from(
        (
            edge.source,
            edge.target,
            relation_value[edge.relation],
            {
                **edge.attributes,
                "relation": relation_value[edge.relation],
                "refs": list(edge.refs),
                "basis": _BASIS_VALUE[edge.basis],
                "rationale": edge.rationale,
                **({"external_source": edge.external_source} if edge.external_source else {}),
            },
        )
        for edge in dataset.edges
    )
    return graph


def load_graph(data_dir: Path | str) -> nx.MultiDiGraph:
    """Read, validate and build the graph of a data directory (raises DataError if invalid)."""
    return build_graph(load_dataset(data_dir))
