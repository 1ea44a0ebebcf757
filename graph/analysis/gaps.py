"""Gaps: topics no one raised or works on, barriers no one addresses, missing voices, loose ends,
and communities of the graph that are less linked than their size would suggest.

Every item names itself (``id``, ``label``), says why it is a gap (``reason``) and where in the
report it comes from (``refs``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from graph.analysis._common import (
    SERVICE_USER_VOICES,
    EdgesByRelation,
    Projection,
    also_listed,
    in_links,
    label_of,
    level_rank,
    listed,
    natural_key,
    node_data,
    nodes_of_type,
    out_links,
    project,
    raised_voices,
    ref,
    refs_of,
    relation_index,
    short_label_of,
    theme_label,
    themes_of,
    type_of,
    verb,
)
from graph.analysis.communities import _communities, unique_names
from graph.analysis.communities import communities as communities  # where callers have long found it
from graph.schema import LEVELS, Relation

#: Only this many of the largest communities are compared pairwise for structural gaps.
MAX_COMMUNITIES_COMPARED = 30
#: Communities smaller than this are too small to say anything about.
MIN_COMMUNITY_SIZE = 3
#: How many structural gaps (most under-linked pairs) to report.
MAX_STRUCTURAL_GAPS = 10
#: How many possible bridges to name for each structural gap.
MAX_BRIDGES = 5
_ADDRESSERS = ("organisation", "initiative")


def gaps(G: nx.MultiDiGraph, *, seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Every kind of gap in the graph, each a list of items with ``id``, ``label``, ``reason``, ``refs``.

    Keys: ``unraised_topics``, ``unaddressed_topics``, ``unaddressed_barriers``,
    ``missing_voices``, ``isolated_nodes``, ``structural_gaps``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("t", type="topic", label="Standards of evidence", refs=["Appendix 1"])
    >>> [item["label"] for item in gaps(G)["unraised_topics"]]
    ['Standards of evidence']
    """
    edges = relation_index(G)
    projection = project(G)
    return {
        "unraised_topics": _unraised_topics(G, edges),
        "unaddressed_topics": _unaddressed_topics(G, edges),
        "unaddressed_barriers": _unaddressed_barriers(G, edges),
        "missing_voices": _missing_voices(G, edges),
        "isolated_nodes": _isolated_nodes(G, projection),
        "structural_gaps": _structural_gaps(G, projection, seed),
    }


#: Gap kinds in the order they are shown, with a title in the team's words.
GAP_KINDS = {
    "unraised_topics": "Topics no strand raised",
    "unaddressed_topics": "Topics no organisation or initiative works on",
    "unaddressed_barriers": "Barriers nothing addresses",
    "missing_voices": "Where children, young people and families were not heard",
    "isolated_nodes": "Loose ends",
    "structural_gaps": "Communities with few links between them",
}
#: A level or theme with no more ticks than this is too thinly recorded to say whose voice is missing.
THIN_TICKS = 2


def gap_summary(G: nx.MultiDiGraph, found: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, dict[str, Any]]:
    """For each kind of gap: how many, how many come from thin data rather than the report, and what would fill them.

    ``found`` is :func:`gaps`' result (computed if not given). Each value:
    ``{"title", "count", "thin_data", "explanation", "to_fill"}``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("t", type="topic", label="Trauma", refs=["Appendix 1"])
    >>> gap_summary(G)["unaddressed_topics"]["explanation"]
    '1 topic has no organisation or initiative recorded as working on it: the report names few (0 topics have one).'
    """
    found = gaps(G) if found is None else found
    count = {kind: len(found.get(kind, [])) for kind in GAP_KINDS}
    worked_on = {t for _, t, _ in relation_index(G)[Relation.WORKS_ON] if type_of(G, t) == "topic"}
    twin_raised = sum("it is also listed as" in item["reason"] for item in found.get("unraised_topics", []))
    thin_voices = sum(item.get("raised", 0) <= THIN_TICKS for item in found.get("missing_voices", []))
    unlinked = sum(item.get("links", 1) == 0 for item in found.get("structural_gaps", []))

    def topics(n: int) -> str:
        return f"{n} topic{'s' if n != 1 else ''}"

    def verb(n: int, one: str, many: str) -> str:
        return one if n == 1 else many

    summary = {
        "unraised_topics": (
            twin_raised,
            f"{topics(count['unraised_topics'])} {verb(count['unraised_topics'], 'has', 'have')} no tick in Appendix 1"
            + (
                f"; {twin_raised} of them {verb(twin_raised, 'is', 'are')} ticked under {verb(twin_raised, 'its', 'their')} other listing"
                if twin_raised
                else ""
            )
            + ". This is what the report prints, not missing data.",
            "Nothing to add from the report. Ask the room whether these matter.",
        ),
        "unaddressed_topics": (
            count["unaddressed_topics"],
            f"{topics(count['unaddressed_topics'])} {verb(count['unaddressed_topics'], 'has', 'have')} no organisation or "
            f"initiative recorded as working on {verb(count['unaddressed_topics'], 'it', 'them')}: the report names few "
            f"({topics(len(worked_on))} {verb(len(worked_on), 'has', 'have')} one).",
            "Add who works on them: a 'works on' link from an organisation or initiative to the topic or its theme.",
        ),
        "unaddressed_barriers": (
            count["unaddressed_barriers"],
            f"{count['unaddressed_barriers']} barrier{'s' if count['unaddressed_barriers'] != 1 else ''} with nothing "
            "recorded as addressing it.",
            "Add what addresses them: an 'addresses' link from an initiative, organisation or message.",
        ),
        "missing_voices": (
            thin_voices,
            f"{count['missing_voices']} level{'s' if count['missing_voices'] != 1 else ''} or themes lack the voice of "
            f"children, young people or families; {thin_voices} of them {verb(thin_voices, 'has', 'have')} "
            f"{THIN_TICKS} ticks or fewer, too few to say.",
            "Add ticks from the children and young people's panel and the Families strand, or record whose voice "
            "a tick carries (its qualifier).",
        ),
        "isolated_nodes": (
            count["isolated_nodes"],
            f"{count['isolated_nodes']} node{'s' if count['isolated_nodes'] != 1 else ''} linked to one node or none: "
            "the report mentions them once.",
            "Add what else they connect to.",
        ),
        "structural_gaps": (
            unlinked,
            f"{count['structural_gaps']} pair{'s' if count['structural_gaps'] != 1 else ''} of communities with fewer "
            f"links than expected; {unlinked} with none at all, where the data records nothing that joins them.",
            "Add the links the room knows of between them, starting with the bridge candidates.",
        ),
    }
    return {
        kind: {
            "title": GAP_KINDS[kind],
            "count": count[kind],
            "thin_data": thin,
            "explanation": text if count[kind] else "None found.",
            "to_fill": fill if count[kind] else "",
        }
        for kind, (thin, text, fill) in summary.items()
    }


def unraised_topics(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Topics no strand raised (no tick). A 'Not priority' entry is not raising and is named."""
    return _unraised_topics(G, relation_index(G))


def unaddressed_topics(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Topics no organisation or initiative works on, directly or through the topic's theme.

    Most-raised first: a topic many strands raised and no one works on is the sharpest gap.
    """
    return _unaddressed_topics(G, relation_index(G))


def unaddressed_barriers(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Barriers to evidence-informed change (section 6.1) that nothing in the graph addresses."""
    return _unaddressed_barriers(G, relation_index(G))


def missing_voices(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Levels and themes where no raised topic carries the voice of children and young people or families.

    A ``raised`` edge carries the voices its qualifier names ("Families", "SWs", "strategic
    leaders"), otherwise its strand's ``voices``.
    """
    return _missing_voices(G, relation_index(G))


def isolated_nodes(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Loose ends: nodes linked to nothing or to one node, and nodes cut off from the main graph."""
    return _isolated_nodes(G, project(G))


def _unraised_topics(G: nx.MultiDiGraph, edges: EdgesByRelation) -> list[dict[str, Any]]:
    raised = Counter(topic for _, topic, _ in edges[Relation.RAISED])
    declined: dict[str, list[str]] = defaultdict(list)
    for strand, topic, _ in edges[Relation.NOT_PRIORITISED]:
        declined[topic].append(strand)
    items = []
    for topic in _in_report_order(G, [topic for topic in nodes_of_type(G, "topic") if not raised[topic]]):
        reason = "No strand raised it (no tick in Appendix 1)"
        marked = sorted(declined.get(topic, []), key=lambda n: (label_of(G, n), n))
        if marked:
            reason += f"; {listed([label_of(G, n) for n in marked])} marked it 'Not priority'"
        twins = [other for other in also_listed(G, topic) if raised[other]]
        if twins:
            twin = twins[0]
            reason += (
                f"; it is also listed as '{label_of(G, twin)}' ({node_data(G, twin).get('level') or 'another level'}),"
                f" which {raised[twin]} strand{'s' if raised[twin] != 1 else ''} raised"
            )
        items.append(
            {
                **_topic_fields(G, topic),
                "not_prioritised_by": [ref(G, n) for n in marked],
                "reason": reason + ".",
                "refs": refs_of(G, topic),
            }
        )
    return items


def _unaddressed_topics(G: nx.MultiDiGraph, edges: EdgesByRelation) -> list[dict[str, Any]]:
    worked_on = {target for source, target, _ in edges[Relation.WORKS_ON] if type_of(G, source) in _ADDRESSERS}
    raised = Counter(topic for _, topic, _ in edges[Relation.RAISED])
    items = []
    for topic in nodes_of_type(G, "topic"):
        themes = themes_of(G, topic)
        if topic in worked_on or any(theme in worked_on for theme in themes):
            continue
        count = raised[topic]
        where = f" or on its theme {theme_label(G, topic)}" if themes else ""
        items.append(
            {
                **_topic_fields(G, topic),
                "raised_count": count,
                "reason": f"Raised by {count} strand{'s' if count != 1 else ''}, but no organisation or "
                f"initiative in the graph works on it{where}.",
                "refs": refs_of(G, topic, *themes),
            }
        )
    items.sort(key=lambda item: (-item["raised_count"], _report_order(G, item["id"])))
    return items


def _unaddressed_barriers(G: nx.MultiDiGraph, edges: EdgesByRelation) -> list[dict[str, Any]]:
    addressed = {target for _, target, _ in edges[Relation.ADDRESSES]}
    return [
        {
            **ref(G, barrier),
            "reason": "No message, initiative, organisation or stage of the evidence cycle addresses it.",
            "refs": refs_of(G, barrier),
        }
        for barrier in _in_report_order(G, nodes_of_type(G, "barrier"))
        if barrier not in addressed
    ]


def _missing_voices(G: nx.MultiDiGraph, edges: EdgesByRelation) -> list[dict[str, Any]]:
    level_ids = _level_nodes(G, edges)
    groups_of = {topic: _groups_of(G, topic, level_ids) for topic in nodes_of_type(G, "topic")}
    topics_in: dict[str, set[str]] = defaultdict(set)
    for topic, groups in groups_of.items():
        for group in groups:
            topics_in[group].add(topic)
    heard: dict[str, set[str]] = defaultdict(set)
    raises: Counter[str] = Counter()
    voices_of: dict[tuple[str, object], tuple[str, ...]] = {}
    for strand, topic, data in edges[Relation.RAISED]:
        key = (strand, data.get("qualifier"))
        if key not in voices_of:
            voices_of[key] = raised_voices(G, strand, data)
        voices = voices_of[key]
        for group in groups_of.get(topic, ()):
            heard[group].update(voices)
            raises[group] += 1
    items = []
    unheard = [group for group in topics_in if not heard[group].issuperset(SERVICE_USER_VOICES)]
    for group in _groups_in_order(G, unheard, topics_in, level_ids):
        missing = [voice for voice in SERVICE_USER_VOICES if voice not in heard[group]]
        kind = "level" if group in level_ids.values() else "theme"
        items.append(
            {
                **_group_ref(G, group),
                "kind": kind,
                "level": _level_of_group(G, group, level_ids),
                "missing": missing,
                "voices_heard": sorted(heard[group]),
                "topics": len(topics_in[group]),
                "raised": raises[group],
                "reason": _voices_reason(kind, missing, len(topics_in[group]), raises[group]),
                "refs": refs_of(G, group) if group in G else [],
            }
        )
    return items


def _isolated_nodes(G: nx.MultiDiGraph, projection: Projection) -> list[dict[str, Any]]:
    nodes, degree = projection.nodes, projection.degree.tolist()
    component = _components(projection)
    sizes = Counter(component)
    largest = min(sizes, key=lambda c: (-sizes[c], c)) if sizes else -1
    items = []
    for i, node in enumerate(nodes):
        links = degree[i]
        cut_off = component[i] != largest
        if links > 1 and not cut_off:
            continue
        size = sizes[component[i]]
        items.append(
            {
                **ref(G, node),
                "type": type_of(G, node),
                "degree": links,
                "component_size": size,
                "reason": _isolation_reason(G, node, links, size, cut_off),
                "refs": refs_of(G, node),
            }
        )
    items.sort(key=lambda i: (i["degree"] > 0, i["component_size"], i["degree"], i["type"], i["label"], i["id"]))
    return items


def _components(projection: Projection) -> list[int]:
    """The weakly connected component of each node, numbered by its first node."""
    count = len(projection.nodes)
    if not count:
        return []
    adjacency = sparse.csr_matrix(
        (np.ones(len(projection.indices), dtype=np.int8), projection.indices, projection.indptr), shape=(count, count)
    )
    _, label = csgraph.connected_components(adjacency, directed=False)
    first = np.full(label.max() + 1, count, dtype=np.int64)
    np.minimum.at(first, label, np.arange(count))
    return first[label].tolist()


def structural_gaps(G: nx.MultiDiGraph, *, seed: int = 0) -> list[dict[str, Any]]:
    """Pairs of communities with fewer links between them than their sizes and degrees would give.

    Expected links between communities A and B, were edges placed at random keeping every node's
    degree: ``deg(A) * deg(B) / 2m``. Pairs are ranked by links / expected (lowest first), among
    the largest ``MAX_COMMUNITIES_COMPARED`` communities and pairs expected to share at least one link.
    Each gap names nodes that could bridge the two: nodes already linked to both, or failing
    that, the member of each community most linked outside it.
    """
    return _structural_gaps(G, project(G), seed)


def _structural_gaps(G: nx.MultiDiGraph, projection: Projection, seed: int) -> list[dict[str, Any]]:
    arcs = _Arcs.of(projection)
    total_degree = int(arcs.degree.sum())
    if not total_degree:
        return []
    groups = _communities(projection, seed)
    compared = [(number, members) for number, members in enumerate(groups) if len(members) >= MIN_COMMUNITY_SIZE]
    compared = compared[:MAX_COMMUNITIES_COMPARED]
    community = np.full(len(projection.nodes), -1, dtype=np.int64)
    for index, (_, members) in enumerate(compared):
        community[members] = index
    source, target = community[arcs.rows], community[arcs.cols]
    # A community's total degree is the number of arcs leaving its members.
    weight = np.bincount(source[source >= 0], minlength=len(compared))
    between = (source >= 0) & (target >= 0) & (source < target)
    links = np.zeros((len(compared), len(compared)), dtype=np.int64)
    np.add.at(links, (source[between], target[between]), 1)
    inside = np.bincount(arcs.rows[(source >= 0) & (source == target)], minlength=len(projection.nodes))
    names = unique_names(G, [[projection.nodes[i] for i in members] for _, members in compared])
    described = [
        _describe(G, projection, arcs, inside, number, members, name)
        for (number, members), name in zip(compared, names, strict=True)
    ]
    candidates = []
    for a in range(len(compared)):
        for b in range(a + 1, len(compared)):
            expected = float(weight[a] * weight[b] / total_degree)
            if expected >= 1.0:
                candidates.append((int(links[a, b]) / expected, -expected, a, b))
    candidates.sort()
    return [
        _structural_gap(G, projection, arcs, target, described, (a, b), int(links[a, b]), -neg_expected)
        for _, neg_expected, a, b in candidates[:MAX_STRUCTURAL_GAPS]
    ]


# --- helpers -------------------------------------------------------------------------------------


def _topic_fields(G: nx.MultiDiGraph, topic: str) -> dict[str, Any]:
    return {**ref(G, topic), "level": node_data(G, topic).get("level"), "theme": theme_label(G, topic)}


def _report_order(G: nx.MultiDiGraph, node: str) -> tuple[Any, ...]:
    """The node's ``order`` attribute if it has one, else level, theme and label."""
    data = node_data(G, node)
    order = data.get("order")
    if isinstance(order, int | float) and not isinstance(order, bool):
        return (0, order, 0, (), (), node)
    theme = theme_label(G, node) or ""
    return (1, 0, level_rank(data.get("level")), natural_key(theme), natural_key(label_of(G, node)), node)


def _in_report_order(G: nx.MultiDiGraph, nodes: list[str]) -> list[str]:
    return sorted(nodes, key=lambda node: _report_order(G, node))


def _level_nodes(G: nx.MultiDiGraph, edges: EdgesByRelation) -> dict[str, str]:
    """Level value ("frontline") -> the level node standing for it, or a made-up id if none does."""
    found: dict[str, str] = {}
    for node in nodes_of_type(G, "level"):
        data = node_data(G, node)
        names = [str(data.get("level") or ""), str(node).rpartition(":")[2], label_of(G, node)]
        for level in LEVELS:
            if level not in found and any(name.casefold().startswith(level[:5]) for name in names):
                found[level] = node
    for theme, target, _ in edges[Relation.AT_LEVEL]:
        level = node_data(G, theme).get("level")
        if level in LEVELS and level not in found:
            found[level] = target
    for level in LEVELS:
        found.setdefault(level, f"level:{level}")
    return found


def _groups_of(G: nx.MultiDiGraph, topic: str, level_ids: dict[str, str]) -> list[str]:
    groups = themes_of(G, topic)
    level = node_data(G, topic).get("level")
    if level in level_ids:
        groups.append(level_ids[level])
    return groups


def _groups_in_order(
    G: nx.MultiDiGraph, groups: list[str], topics_in: dict[str, set[str]], level_ids: dict[str, str]
) -> list[str]:
    """Levels first (frontline, organisation, system), then themes in the order of their first topic."""
    levels = [level_ids[level] for level in LEVELS if level_ids[level] in groups]
    themes = sorted(
        (group for group in groups if group not in level_ids.values()),
        key=lambda theme: (
            level_rank(node_data(G, theme).get("level")),
            min(_report_order(G, t) for t in topics_in[theme]),
        ),
    )
    return levels + themes


def _level_of_group(G: nx.MultiDiGraph, group: str, level_ids: dict[str, str]) -> str | None:
    for level, node in level_ids.items():
        if node == group:
            return level
    level = node_data(G, group).get("level") if group in G else None
    return str(level) if level else None


def _group_ref(G: nx.MultiDiGraph, group: str) -> dict[str, str]:
    if group in G:
        return ref(G, group)
    return {"id": group, "label": group.partition(":")[2].capitalize()}


def _voices_reason(kind: str, missing: list[str], topics: int, raises: int) -> str:
    who = " or ".join(missing)
    if not raises:
        return f"None of the {topics} topic{'s' if topics != 1 else ''} in this {kind} was raised by anyone."
    return f"None of the {raises} tick{'s' if raises != 1 else ''} in this {kind} carries the voice of {who}."


def _isolation_reason(G: nx.MultiDiGraph, node: str, links: int, size: int, cut_off: bool) -> str:
    if links == 0:
        return "Not linked to anything."
    if links == 1:
        (other,) = set(out_links(G, node)) | set(in_links(G, node))
        relation = next(iter(out_links(G, node).get(other) or in_links(G, node).get(other)))
        outgoing = other in out_links(G, node)
        said = (
            f"{label_of(G, node)} {verb(relation)} {label_of(G, other)}"
            if outgoing
            else f"{label_of(G, other)} {verb(relation)} {label_of(G, node)}"
        )
        text = f"Linked to one node only ({said})."
    else:
        text = f"Linked to {links} nodes."
    if cut_off:
        text += f" Part of a separate group of {size} node{'s' if size != 1 else ''}, cut off from the main graph."
    return text


@dataclass
class _Arcs:
    """The projection as arrays: one arc per direction of every link, and each node's degree."""

    rows: np.ndarray
    cols: np.ndarray
    degree: np.ndarray

    @classmethod
    def of(cls, projection: Projection) -> _Arcs:
        degree = projection.degree
        rows = np.repeat(np.arange(len(degree)), degree)
        return cls(rows, projection.indices, degree)


def _links(count: int) -> str:
    return f"{count} link{'s' if count != 1 else ''}"


def _describe(
    G: nx.MultiDiGraph,
    projection: Projection,
    arcs: _Arcs,
    inside: np.ndarray,
    number: int,
    members: list[int],
    name: str,
) -> dict[str, Any]:
    """A community for display, with its name in the team's words and its most central member."""
    central = _first_by_label(G, projection, members, -inside[members], -arcs.degree[members])
    return {
        "id": f"community:{number}",
        "label": name,
        "size": len(members),
        "members": [projection.nodes[i] for i in members],
        "central": central,
        "member_ids": np.asarray(members, dtype=np.int64),
    }


def _first_by_label(
    G: nx.MultiDiGraph, projection: Projection, candidates: list[int] | np.ndarray, *keys: np.ndarray
) -> int:
    """The candidate with the smallest keys (compared in order), ties broken by label then id."""
    candidates = np.asarray(candidates, dtype=np.int64)
    best = np.ones(len(candidates), dtype=bool)
    for key in keys:
        best &= key == key[best].min()
    nodes = projection.nodes
    return int(min(candidates[best], key=lambda i: (label_of(G, nodes[i]), nodes[i])))


def _structural_gap(
    G: nx.MultiDiGraph,
    projection: Projection,
    arcs: _Arcs,
    target_community: np.ndarray,
    described: list[dict[str, Any]],
    pair: tuple[int, int],
    count: int,
    expected: float,
) -> dict[str, Any]:
    a, b = pair
    first, second = described[a], described[b]
    nodes = projection.nodes
    size = len(nodes)
    to_a = np.bincount(arcs.rows[target_community == a], minlength=size)
    to_b = np.bincount(arcs.rows[target_community == b], minlength=size)
    both = np.nonzero((to_a > 0) & (to_b > 0))[0]
    if len(both):
        ranked = sorted(
            both.tolist(),
            key=lambda i: (-min(to_a[i], to_b[i]), -arcs.degree[i], label_of(G, nodes[i]), nodes[i]),
        )
        bridges = ranked[:MAX_BRIDGES]
        reasons = [
            f"already linked to {to_a[i]} in '{first['label']}' and {to_b[i]} in '{second['label']}'" for i in bridges
        ]
        bridge_text = f"{listed([short_label_of(G, nodes[i]) for i in bridges])} already link to both"
    else:
        bridges = [
            _first_by_label(G, projection, members, -(arcs.degree[members] - own[members]), -arcs.degree[members])
            for members, own in ((first["member_ids"], to_a), (second["member_ids"], to_b))
        ]
        reasons = [
            f"the member of '{c['label']}' most linked outside it ({_links(int(arcs.degree[i] - own[i]))}): "
            f"a link from it to '{other['label']}' would join them"
            for i, c, other, own in ((bridges[0], first, second, to_a), (bridges[1], second, first, to_b))
        ]
        bridge_text = (
            f"nothing links to both; {short_label_of(G, nodes[bridges[0]])} and "
            f"{short_label_of(G, nodes[bridges[1]])} are the members most linked outside their own communities"
        )
    return {
        "id": f"{first['id']}~{second['id']}",
        "label": f"{first['label']} ↔ {second['label']}",
        "communities": [{key: c[key] for key in ("id", "label", "size", "members")} for c in (first, second)],
        "links": count,
        "expected": round(expected, 2),
        "bridges": [
            {
                **ref(G, nodes[i]),
                "type": type_of(G, nodes[i]),
                "links_to_a": int(to_a[i]),
                "links_to_b": int(to_b[i]),
                "reason": reason,
            }
            for i, reason in zip(bridges, reasons, strict=True)
        ],
        "reason": f"'{first['label']}' ({first['size']} nodes) and '{second['label']}' ({second['size']} nodes) "
        f"share {count} direct link{'s' if count != 1 else ''} where about {expected:.1f} would be expected from their "
        f"sizes and degrees; {bridge_text}.",
        "refs": refs_of(G, nodes[first["central"]], nodes[second["central"]]),
    }
