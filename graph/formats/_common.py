"""Helpers the formats share: the graph as sorted flat rows, cell text, colours, ids from labels."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.data.cells import FORMULA_TRIGGERS, defuse_formula, undo_defuse
from graph.schema import Dataset, Edge, Node, edge_key

__all__ = ["FORMULA_TRIGGERS", "defuse_formula", "undo_defuse"]  # with the helpers below, for the formats

#: How list values (refs, list attributes) are joined in GraphML, GEXF and CSV cells.
LIST_SEPARATOR = "; "
#: Kumu's own separator for several values in one cell.
KUMU_SEPARATOR = "|"
#: Prefix given to an attribute whose name a format keeps for itself (e.g. an attribute named 'x').
ATTRIBUTE_PREFIX = "attribute_"

_NODE_CORE = frozenset({"type", "label", "refs", "description"})
#: Written beside the attributes by every format, read back as the model's own fields.
PROVENANCE_FIELDS = frozenset({"basis", "external_source"})
_EDGE_CORE = frozenset({"relation", "refs", "basis", "rationale"})
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEX_COLOUR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_WHOLE_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)$")


@dataclass(frozen=True)
class NodeRow:
    id: str
    type: str
    label: str
    refs: tuple[str, ...]
    description: str | None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EdgeRow:
    source: str
    target: str
    relation: str
    refs: tuple[str, ...]
    basis: str
    rationale: str | None
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return edge_key(self.source, self.relation, self.target)


def node_rows(G: nx.MultiDiGraph) -> list[NodeRow]:
    """The graph's nodes, sorted by id; attributes are the node data beyond the core fields."""
    rows = []
    for node_id, data in sorted(G.nodes(data=True), key=lambda item: str(item[0])):
        attributes = {k: v for k, v in data.items() if k not in _NODE_CORE and v is not None}
        rows.append(
            NodeRow(
                id=str(node_id),
                type=str(data.get("type", "")),
                label=str(data.get("label", node_id)),
                refs=tuple(str(ref) for ref in data.get("refs") or ()),
                description=data.get("description"),
                attributes=dict(sorted(attributes.items())),
            )
        )
    return rows


def edge_rows(G: nx.MultiDiGraph) -> list[EdgeRow]:
    """The graph's edges, sorted by (source, relation, target)."""
    rows = []
    for source, target, key, data in G.edges(keys=True, data=True):
        attributes = {k: v for k, v in data.items() if k not in _EDGE_CORE and v is not None}
        rows.append(
            EdgeRow(
                source=str(source),
                target=str(target),
                relation=str(data.get("relation", key)),
                refs=tuple(str(ref) for ref in data.get("refs") or ()),
                basis=str(data.get("basis", "")),
                rationale=data.get("rationale"),
                attributes=dict(sorted(attributes.items())),
            )
        )
    return sorted(rows, key=lambda row: (row.source, row.relation, row.target))


def provenance(attributes: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a row's extra fields into its provenance (``basis``, ``external_source``) and the rest.

    Rows carry a node's basis and an external fact's source beside its attributes, so every
    format writes them as it writes any other field; models keep them as fields of their own.
    """
    own = {k: v for k, v in attributes.items() if k in PROVENANCE_FIELDS}
    return own, {k: v for k, v in attributes.items() if k not in PROVENANCE_FIELDS}


def lift_aliases(attributes: Mapping[str, Any]) -> tuple[list[str] | None, dict[str, Any]]:
    """A node's ``aliases`` travel among its attributes in every format (an 'aliases' column or key,
    several joined with ';' or '|'); this takes them out again: (the aliases or None, the rest).

    >>> lift_aliases({"aliases": "DfE; Department of Education", "tags": ["a"]})
    (['DfE', 'Department of Education'], {'tags': ['a']})
    """
    rest = {key: value for key, value in attributes.items() if key != "aliases"}
    if "aliases" not in attributes:
        return None, rest
    value = attributes["aliases"]
    if isinstance(value, str):
        return split_values(value), rest
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()], rest
    return [str(value)], rest


def dataset_from_graph(G: nx.MultiDiGraph) -> Dataset:
    """The validated models behind a graph built by ``graph.data.build.build_graph``."""
    nodes = tuple(
        Node(
            id=row.id,
            type=row.type,
            label=row.label,
            refs=list(row.refs),
            description=row.description,
            **provenance(row.attributes)[0],
            aliases=lift_aliases(provenance(row.attributes)[1])[0] or [],
            attributes=lift_aliases(provenance(row.attributes)[1])[1],
        )
        for row in node_rows(G)
    )
    edges = tuple(
        Edge(
            source=row.source,
            target=row.target,
            relation=row.relation,
            refs=list(row.refs),
            basis=row.basis,
            rationale=row.rationale,
            **provenance(row.attributes)[0],
            attributes=provenance(row.attributes)[1],
        )
        for row in edge_rows(G)
    )
    return Dataset(nodes, edges)


def joined(value: Any, separator: str = LIST_SEPARATOR) -> Any:
    """A list as one text value; anything else unchanged."""
    if isinstance(value, (list, tuple)):
        return separator.join(str(item) for item in value)
    return value


def split_values(text: str) -> list[str]:
    """Split a cell holding several values: on '|' (Kumu) if present, else on ';'."""
    separator = KUMU_SEPARATOR if KUMU_SEPARATOR in text else ";"
    return [part.strip() for part in text.split(separator) if part.strip()]


def xml_safe(value: Any) -> str:
    """Text XML 1.0 can carry: characters it cannot are replaced with U+FFFD."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def renamed(name: str, reserved: Iterable[str]) -> str:
    """An attribute's name in a format that keeps ``reserved`` names for itself."""
    return ATTRIBUTE_PREFIX + name if name in reserved else name


def original_name(name: str, reserved: Iterable[str]) -> str:
    """Undo ``renamed``."""
    if name.startswith(ATTRIBUTE_PREFIX) and name[len(ATTRIBUTE_PREFIX) :] in reserved:
        return name[len(ATTRIBUTE_PREFIX) :]
    return name


def rgb(colour: Any) -> tuple[int, int, int] | None:
    """'#rrggbb' or '#rgb' as (r, g, b); None for anything else (no colour is written)."""
    if not isinstance(colour, str) or not _HEX_COLOUR.match(colour.strip()):
        return None
    digits = colour.strip()[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def node_colour(styles: Mapping[str, Mapping[str, Any]] | None, node_type: str) -> tuple[int, int, int] | None:
    if not styles:
        return None
    return rgb((styles.get(node_type) or {}).get("color"))


def node_position(positions: Mapping[Any, Any] | None, node_id: str) -> tuple[float, float] | None:
    if not positions or node_id not in positions:
        return None
    x, y = positions[node_id][:2]
    return float(x), float(y)


def gephi_position(positions: Mapping[Any, Any] | None, node_id: str) -> tuple[float, float] | None:
    """A screen position (y grows downward) as Gephi and sigma.js take it (y grows upward): y mirrored.

    >>> gephi_position({"a": (3.0, 40.0)}, "a")
    (3.0, -40.0)
    """
    position = node_position(positions, node_id)
    if position is None:
        return None
    x, y = position
    return x, (-y if y else 0.0)


def node_sizes(G: nx.MultiDiGraph, base: float = 12.0) -> dict[str, float]:
    """A size per node from its number of links, as the drawing sizes nodes by degree.

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c")])
    >>> node_sizes(G)
    {'a': 27.6, 'b': 22.0, 'c': 22.0}
    """
    degrees = {str(node): degree for node, degree in G.degree()}
    top = max(degrees.values(), default=0) or 1
    return {node: round(base * (0.7 + 1.6 * (degree / top) ** 0.5), 1) for node, degree in degrees.items()}


def node_size(sizes: Mapping[str, float] | None, node_id: str) -> float | None:
    if not sizes or node_id not in sizes:
        return None
    value = float(sizes[node_id])
    return value if math.isfinite(value) and value > 0 else None


def value_type(values: Iterable[Any]) -> type:
    """One type for all values of an attribute: bool, int, float, or str when they are mixed."""
    kinds = {type(value) for value in values}
    if kinds == {bool}:
        return bool
    if kinds <= {int}:
        return int
    if kinds <= {int, float}:
        return float
    return str


def is_whole_number(text: str) -> bool:
    return bool(_WHOLE_NUMBER.match(text))


def is_finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def slug_id(node_type: str | None, label: str) -> str:
    """An id from type and label, e.g. ('topic', 'Trauma-informed practice') -> 'topic:trauma-informed-practice'.

    >>> slug_id("topic", "Café & Co.")
    'topic:cafe-co'
    """
    prefix = re.sub(r"[^a-z0-9_]+", "-", (node_type or "node").lower()).strip("-") or "node"
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_label).strip("-")
    if not slug:
        slug = hashlib.sha1(label.encode("utf-8")).hexdigest()[:10]
    return f"{prefix}:{slug}"[:120].rstrip("-")
