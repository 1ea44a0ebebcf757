"""Plain data for the explorer's panels: a node's details and the table views.

Pure functions over the graph; the app turns their results into widgets. Text from the data
is returned as text: the app shows it with widgets that do not interpret HTML.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.bases import BASES, room_of
from graph.schema import RELATIONS, Relation

# A word joiner (U+2060) is invisible and joins what it sits between, but it is part of no pattern
# Streamlit's markdown acts on once the escapes are read: put in "http://" (after the colon) it is
# no link, in ":material/home:" no icon; before "@" no mail link; after "www" no web link. It goes
# only there, so other text (a "Gaps: whose voice" heading) is exactly as typed, for search and copy.
_JOIN = "\u2060"
_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~=$:"})
_LIVE = re.compile(r"(?i)(?<=\\:)(?=//|material/)|(?<=www)(?=\\\.)|(?=@)")

CORE_NODE_KEYS = ("type", "label", "refs", "description", "basis", "external_source", "aliases")
CORE_EDGE_KEYS = ("relation", "refs", "basis", "rationale", "external_source")


def escape_markdown(text: object) -> str:
    r"""Make text from the data safe to show with a markdown widget: it reads as typed.

    Every character markdown (or the HTML inside it) could act on is backslash-escaped, so
    no link, image, emphasis or tag can come from the data.

    Streamlit also turns bare addresses into links and ``:material/...:`` into icons after the
    escapes are read; an invisible word joiner inside each such pattern breaks it, so the text
    reads as typed and nothing in it is live.

    >>> print(escape_markdown("<b>[x](javascript:alert(1))</b>"))
    \<b\>\[x\]\(javascript\:alert\(1\)\)\</b\>
    >>> print(escape_markdown("http://a.org :material/home: me@a.org www.a.org").replace(_JOIN, "⁀"))
    http\:⁀//a\.org \:⁀material/home\: me⁀@a\.org www⁀\.a\.org
    """
    return _LIVE.sub(_JOIN, str(text).translate(_MARKDOWN_SPECIALS)).replace("\n", "  \n")


def _verb(relation: str, *, inverse: bool = False) -> str:
    try:
        rule = RELATIONS[Relation(relation)]
    except ValueError:
        return relation.replace("_", " ")
    return (rule.inverse or f"{rule.verb} (from)") if inverse else rule.verb


def node_details(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """Everything the detail panel shows about one node.

    Links are grouped by how they read from this node ("raised", "was raised by"...), each
    with the other node, its basis (stated, inferred or imported), the rationale and the references.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("s", type="strand", label="Panel", refs=["2"], description=None)
    >>> G.add_node("t", type="topic", label="Trauma", refs=["4"], description=None, level="frontline")
    >>> G.add_edge("s", "t", "raised", relation="raised", refs=["4"], basis="stated", rationale=None)
    'raised'
    >>> d = node_details(G, "t")
    >>> d["attributes"], [(g["heading"], [l["label"] for l in g["links"]]) for g in d["groups"]]
    ({'level': 'frontline'}, [('was raised by', ['Panel'])])
    """
    data = graph.nodes[node]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, other, relation, edge in graph.out_edges(node, keys=True, data=True):
        groups[_verb(relation)].append(_link(graph, other, edge))
    for other, _, relation, edge in graph.in_edges(node, keys=True, data=True):
        groups[_verb(relation, inverse=True)].append(_link(graph, other, edge))
    quotes = [
        {"id": other, "text": graph.nodes[other]["label"], "attribution": graph.nodes[other].get("attribution", "")}
        for other in nx.all_neighbors(graph, node)
        if graph.nodes[other].get("type") == "quote"
    ]
    return {
        "id": node,
        "type": data.get("type"),
        "label": data.get("label"),
        "description": data.get("description"),
        "refs": list(data.get("refs") or []),
        "attributes": {k: v for k, v in data.items() if k not in CORE_NODE_KEYS},
        "groups": [
            {"heading": heading, "links": sorted(links, key=lambda link: link["label"].lower())}
            for heading, links in sorted(groups.items())
        ],
        "quotes": sorted({q["id"]: q for q in quotes}.values(), key=lambda q: q["id"]),
        "basis": data.get("basis") or "stated",
        "external_source": data.get("external_source"),
        "aliases": list(data.get("aliases") or []),
        "room": room_of(data),
        **{
            basis.value: sum(1 for group in groups.values() for link in group if link["basis"] == basis)
            for basis in BASES
        },
    }


def _link(graph: nx.MultiDiGraph, other: str, edge: dict[str, Any]) -> dict[str, Any]:
    extra = {k: v for k, v in edge.items() if k not in CORE_EDGE_KEYS}
    return {
        "id": other,
        "label": graph.nodes[other].get("label", other),
        "type": graph.nodes[other].get("type"),
        "basis": edge.get("basis"),
        "rationale": edge.get("rationale"),
        "external_source": edge.get("external_source"),
        "refs": list(edge.get("refs") or []),
        "room": room_of(edge),
        "attributes": extra,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def node_table(graph: nx.MultiDiGraph, nodes: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """One row per node: id, type, label, level, links, references, description."""
    chosen = graph.nodes if nodes is None else [n for n in nodes if n in graph]
    rows = []
    for node in chosen:
        data = graph.nodes[node]
        rows.append(
            {
                "label": data.get("label", node),
                "type": data.get("type", ""),
                "level": data.get("level", "") or "",
                "links": graph.degree(node),
                "refs": _text(data.get("refs")),
                "description": _text(data.get("description")),
                "id": node,
            }
        )
    return sorted(rows, key=lambda row: (row["type"], row["label"].lower()))


def edge_table(graph: nx.MultiDiGraph, edges: Iterable[tuple[str, str, str]] | None = None) -> list[dict[str, Any]]:
    """One row per link: source, relation (as a verb), target, basis, qualifier, refs, rationale."""
    chosen = graph.edges(keys=True) if edges is None else [e for e in edges if graph.has_edge(*e)]
    rows = []
    for source, target, relation in chosen:
        data = graph.edges[source, target, relation]
        rows.append(
            {
                "source": graph.nodes[source].get("label", source),
                "relation": _verb(relation),
                "target": graph.nodes[target].get("label", target),
                "basis": data.get("basis", ""),
                "qualifier": _text(data.get("qualifier")),
                "refs": _text(data.get("refs")),
                "rationale": _text(data.get("rationale")),
                "external_source": _text(data.get("external_source")),
                "source_id": source,
                "target_id": target,
            }
        )
    return sorted(rows, key=lambda row: (row["source"].lower(), row["relation"], row["target"].lower()))
