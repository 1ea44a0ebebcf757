"""Gaps: topics no one raised or works on, barriers no one addresses, missing voices, loose ends,
and communities of the graph that are less linked than their size would suggest.

Every item names itself (``id``, ``label``), says why it is a gap (``reason``) and where in the
report it comes from (``refs``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from graph.analysis._common import (
    SERVICE_USER_VOICES,
    EdgesByRelation,
    also_listed,
    label_of,
    level_rank,
    listed,
    natural_key,
    node_data,
    nodes_of_type,
    project,
    raised_voices,
    ref,
    refs_of,
    relation_index,
    theme_label,
    themes_of,
    type_of,
    without_gc,
)
from graph.analysis.structure import isolated_in, structural_gaps_in
from graph.schema import LEVELS, Relation

_ADDRESSERS = ("organisation", "initiative")


@without_gc
def gaps(
    G: nx.MultiDiGraph, *, seed: int = 0, communities: list[list[str]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every kind of gap in the graph, each a list of items with ``id``, ``label``, ``reason``, ``refs``.

    Keys: ``unraised_topics``, ``unaddressed_topics``, ``unaddressed_barriers``,
    ``missing_voices``, ``isolated_nodes``, ``structural_gaps``. ``communities``: the graph's
    communities (``graph.analysis.communities.communities(G, seed=seed)``) when already found, so
    that they are found once per version of the data, not once per analysis.

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
        "isolated_nodes": isolated_in(G, projection),
        "structural_gaps": structural_gaps_in(G, projection, seed, communities),
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
