"""What a run of changes (a workshop session) did: what was added, changed and removed, which
overlaps appeared or went, and which gaps closed or opened. Pure: two graphs and the log in,
plain data (and a markdown briefing) out.

>>> import networkx as nx
>>> before = nx.MultiDiGraph()
>>> before.add_node("topic:t", type="topic", label="Poverty", refs=["4"])
>>> after = before.copy()
>>> after.add_node("organisation:k", type="organisation", label="Kinship Care Alliance", refs=["Workshop"])
>>> after.add_edge("organisation:k", "topic:t", "works_on", relation="works_on", refs=["Workshop"], basis="room")
'works_on'
>>> found = session_report(before, after, [], since="the start of the session")
>>> [item["what"] for item in found["elements"]], [g["label"] for g in found["gaps"]["closed"]]
(['Kinship Care Alliance', 'Kinship Care Alliance works on Poverty'], ['Poverty'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx

from graph.analysis.briefing import escape
from graph.analysis.gaps import GAP_KINDS, gaps
from graph.analysis.overlaps import overlaps
from graph.data.build import build_graph
from graph.data.history import (
    current_session,
    data_version,
    dataset_before,
    describe_entry,
    link_sentence,
    net_change,
    since,
)
from graph.schema import Dataset, edge_key

#: The types whose overlaps are duplication (the Centre's question); others are agreement.
OVERLAP_TYPES = ("organisation", "initiative")
#: Gaps compared by what they are about; structural gaps are numbered by community, which an
#: edit renumbers, so they are counted instead.
COMPARED_GAPS = tuple(kind for kind in GAP_KINDS if kind != "structural_gaps")


def changes_since(now: Dataset, entries: Sequence[dict[str, Any]], point: str) -> dict[str, Any]:
    """``session_report`` of the data changes logged after ``point`` (a data version, a time or
    ``session``; see ``graph.data.history.since``), with ``from_version``, ``to_version`` and the
    current ``session``."""
    found = since(entries, point)
    before = dataset_before(now, net_change(found.entries))
    report = session_report(build_graph(before), build_graph(now), found.entries, since=found.described)
    session = current_session(entries)
    report.update(
        from_version=found.start,
        to_version=data_version(entries),
        session={"name": session.name, "date": session.date, "began": session.time} if session else None,
    )
    return report


def session_report(
    before: nx.MultiDiGraph, after: nx.MultiDiGraph, entries: Sequence[dict[str, Any]], *, since: str
) -> dict[str, Any]:
    """The changes logged (``entries``), what they did in all (``before`` -> ``after``), and what
    that did to the overlaps and the gaps.

    Returns ``{"since", "changes": [{time, editor, action, what}], "elements": [{kind, id, status,
    what}], "counts": {status: {"nodes": n, "links": n}}, "overlaps": {"appeared", "went",
    "changed"}, "gaps": {"closed", "opened", "structural": (before, after)}}``.
    """
    labels = {n: str(d.get("label") or n) for n, d in after.nodes(data=True)}
    labels.update({n: str(d.get("label") or n) for n, d in before.nodes(data=True) if n not in labels})
    elements = _elements(before, after, labels)
    counts = {status: {"nodes": 0, "links": 0} for status in ("added", "changed", "removed")}
    for item in elements:
        counts[item["status"]]["nodes" if item["kind"] == "node" else "links"] += 1
    changes = [
        {
            "time": str(entry.get("time", "")),
            "editor": str(entry.get("editor", "")),
            "action": str(entry.get("action", "")),
            "what": describe_entry(entry, labels),
            "id": str(entry.get("id", "")),
        }
        for entry in entries
    ]
    return {
        "since": since,
        "changes": changes,
        "elements": elements,
        "counts": counts,
        "overlaps": _overlap_changes(before, after),
        "gaps": _gap_changes(before, after),
    }


def _elements(before: nx.MultiDiGraph, after: nx.MultiDiGraph, labels: dict[str, str]) -> list[dict[str, Any]]:
    found = []
    for node in sorted(set(before) | set(after)):
        old, new = before.nodes.get(node), after.nodes.get(node)
        if old == new:
            continue
        status = "added" if old is None else "removed" if new is None else "changed"
        found.append({"kind": "node", "id": node, "status": status, "what": labels.get(node, node)})
    old_edges = {edge_key(u, k, v): d for u, v, k, d in before.edges(keys=True, data=True)}
    new_edges = {edge_key(u, k, v): d for u, v, k, d in after.edges(keys=True, data=True)}
    for key in sorted(old_edges.keys() | new_edges.keys()):
        old, new = old_edges.get(key), new_edges.get(key)
        if old == new:
            continue
        status = "added" if old is None else "removed" if new is None else "changed"
        source, relation, target = key.split("|")
        what = link_sentence({"source": source, "relation": relation, "target": target}, labels)
        found.append({"kind": "edge", "id": key, "status": status, "what": what})
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(found, key=lambda item: (item["kind"] != "node", order[item["status"]], item["what"].lower()))


def _pairs(graph: nx.MultiDiGraph, node_type: str) -> dict[tuple[str, str], dict[str, Any]]:
    found = overlaps(graph, node_type)["pairs"]
    return {tuple(sorted((p["a"]["id"], p["b"]["id"]))): p for p in found}


def _overlap_changes(before: nx.MultiDiGraph, after: nx.MultiDiGraph) -> dict[str, list[dict[str, Any]]]:
    appeared, went, changed = [], [], []
    for node_type in OVERLAP_TYPES:
        old, new = _pairs(before, node_type), _pairs(after, node_type)
        for pair in sorted(new.keys() - old.keys()):
            appeared.append(_pair(new[pair], node_type))
        for pair in sorted(old.keys() - new.keys()):
            went.append(_pair(old[pair], node_type))
        for pair in sorted(old.keys() & new.keys()):
            if old[pair]["strength"] != new[pair]["strength"]:
                changed.append({**_pair(new[pair], node_type), "was": old[pair]["strength"]})
    return {"appeared": appeared, "went": went, "changed": changed}


def _pair(found: dict[str, Any], node_type: str) -> dict[str, Any]:
    return {
        "type": node_type,
        "a": found["a"]["id"],
        "b": found["b"]["id"],
        "labels": [found["a"]["label"], found["b"]["label"]],
        "strength": found["strength"],
        "reason": found.get("reason", ""),
    }


def _gap_changes(before: nx.MultiDiGraph, after: nx.MultiDiGraph) -> dict[str, Any]:
    old, new = gaps(before), gaps(after)
    closed, opened = [], []
    for kind in COMPARED_GAPS:
        was = {item["id"]: item for item in old.get(kind, [])}
        now = {item["id"]: item for item in new.get(kind, [])}
        closed += [_gap(kind, was[i]) for i in sorted(was.keys() - now.keys())]
        opened += [_gap(kind, now[i]) for i in sorted(now.keys() - was.keys())]
    structural = (len(old.get("structural_gaps", [])), len(new.get("structural_gaps", [])))
    return {"closed": closed, "opened": opened, "structural": structural}


def _gap(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "title": GAP_KINDS[kind], "id": item["id"], "label": str(item.get("label", item["id"]))}


# ---- the briefing


def session_markdown(report: dict[str, Any], *, title: str = "What the room changed") -> str:
    """The session briefing: what was added, changed and removed, what that did to the overlaps
    and the gaps, and every change with its editor and time. Text from the data is escaped."""
    lines = [f"# {escape(title)}", "", f"Changes since {escape(report['since'])}: {_count_line(report['counts'])}.", ""]
    elements = report["elements"]
    for status, heading in (("added", "Added"), ("changed", "Changed"), ("removed", "Removed")):
        items = [item for item in elements if item["status"] == status]
        if items:
            lines += [f"## {heading}", ""]
            lines += [f"- {'Node' if i['kind'] == 'node' else 'Link'}: {escape(i['what'])}" for i in items]
            lines.append("")
    found = report["overlaps"]
    lines += ["## Overlaps", ""]
    if not any(found.values()):
        lines.append("No overlap between organisations or initiatives appeared or went.")
    for pair in found["appeared"]:
        lines.append(
            f"- Appeared ({pair['strength']}): {escape(' and '.join(pair['labels']))}. {escape(pair['reason'])}"
        )
    for pair in found["changed"]:
        lines.append(f"- Now {pair['strength']} (was {pair['was']}): {escape(' and '.join(pair['labels']))}.")
    for pair in found["went"]:
        lines.append(f"- Went: {escape(' and '.join(pair['labels']))} no longer overlap.")
    gaps_found = report["gaps"]
    lines += ["", "## Gaps", ""]
    if not (gaps_found["closed"] or gaps_found["opened"]):
        lines.append("No gap closed or opened.")
    for gap in gaps_found["closed"]:
        lines.append(f"- Closed: {escape(gap['label'])} ({escape(gap['title'].lower())}).")
    for gap in gaps_found["opened"]:
        lines.append(f"- Opened: {escape(gap['label'])} ({escape(gap['title'].lower())}).")
    was, now = gaps_found["structural"]
    if was != now:
        lines.append(f"- Communities with few links between them: {was} before, {now} now.")
    lines += ["", "## Every change, in order", ""]
    if not report["changes"]:
        lines.append("None.")
    for change in report["changes"]:
        when = change["time"].replace("T", " ")[:16]
        lines.append(f"- {escape(when)} · {escape(change['editor'])} · {escape(change['what'])}")
    return "\n".join(lines) + "\n"


def _count_line(counts: dict[str, dict[str, int]]) -> str:
    parts = []
    for status in ("added", "changed", "removed"):
        nodes, links = counts[status]["nodes"], counts[status]["links"]
        counted = [f"{n} {noun}{'s' if n != 1 else ''}" for n, noun in ((nodes, "node"), (links, "link")) if n]
        if counted:
            parts.append(f"{' and '.join(counted)} {status}")
    return "; ".join(parts) or "nothing changed"
