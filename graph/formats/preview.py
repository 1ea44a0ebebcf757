"""An import's preview as plain data: for each incoming node, what it is or would become and the
existing nodes it may be; for each problem, its row and the suggestions, best first. The command
line prints it (``import FILE --dry-run --format json``) and the app's preview shows the same.

>>> from graph.formats import parse_import, plan_merge
>>> from graph.schema import Dataset, Node
>>> data = Dataset((Node(id="topic:poverty", type="topic", label="Poverty", refs=["4"]),), ())
>>> sheet = b"From,To,Type,Refs\\nKinship Care Alliance,Povety,works on,Workshop\\n"
>>> found = import_preview(plan_merge(data, parse_import(sheet, "links.csv")), data)
>>> [(p["row"], p["problem"][:40], p["suggestions"], p["create_as"]) for p in found["problems"]]
[('row 2', "no node has the id or label 'Kinship Car", [], ['initiative', 'organisation']), ('row 2', "no node has the id or label 'Povety'; di", ['topic:poverty'], ['theme', 'topic'])]
"""

from __future__ import annotations

from typing import Any

from graph.errors import Problem
from graph.formats._common import slug_id
from graph.formats.merge import MergePlan
from graph.formats.near import near_duplicates
from graph.schema import Dataset


def import_preview(plan: MergePlan, existing: Dataset) -> dict[str, Any]:
    """``{"file", "summary", "ok", "nodes", "links", "problems", "kept_back", "notes"}``.

    Each of ``nodes``: ``row``, ``label``, ``id`` (what it is or would become), ``type``,
    ``action`` (``new``, ``update`` or ``unchanged``), ``matches`` (existing node ids best first,
    each with ``why``) and its row's ``problems``. Each problem: ``row``, ``column``, ``problem``,
    ``suggestions`` (node ids best first, with ``why`` beside them in ``suggested``) and
    ``create_as`` (the types a name no node has could be created as).
    """
    problems = [_problem(plan, p) for p in plan.problems]
    by_row: dict[str, list[dict[str, Any]]] = {}
    for problem in problems:
        by_row.setdefault(problem["row"], []).append(problem)
    near: dict[str, list[dict[str, Any]]] = {}
    for warning in near_duplicates(plan, existing) if plan.added_nodes else []:
        near.setdefault(warning.new.id, []).append({"id": warning.existing.id, "why": warning.reason})
    nodes = []
    for node in plan.added_nodes:
        nodes.append(_node(plan, node, "new", near.get(node.id, []), by_row))
    for change in plan.changed_nodes:
        nodes.append(_node(plan, change.after, "update", [_same(change.before)], by_row))
    for node in plan.unchanged_nodes:
        nodes.append(_node(plan, node, "unchanged", [_same(node)], by_row))
    nodes += _named_ends(plan, {node["id"] for node in nodes}, by_row)
    links = [_link(plan, edge, "new") for edge in plan.added_edges]
    links += [_link(plan, change.after, "update") for change in plan.changed_edges]
    links += [_link(plan, edge, "unchanged") for edge in plan.unchanged_edges]
    return {
        "file": plan.file,
        "summary": plan.summary(),
        "ok": plan.ok,
        "nodes": nodes,
        "links": links,
        "problems": problems,
        "kept_back": [_problem(plan, p) for p in plan.kept_back],
        "notes": list(plan.notes),
    }


def _node(plan: MergePlan, node, action: str, matches: list[dict[str, Any]], by_row) -> dict[str, Any]:
    row = plan.rows.get(node.id, "")
    return {
        "row": row,
        "label": node.label,
        "id": node.id,
        "type": node.type.value,
        "action": action,
        "matches": matches,
        "problems": by_row.get(row, []) if row else [],
    }


def _named_ends(plan: MergePlan, listed: set[str], by_row) -> list[dict[str, Any]]:
    """The nodes a links sheet names at its ends (and no row of nodes lists): the node each is, or
    the suggestions and what it would become if created."""
    found = []
    for text, row, node_id, why in plan.named.values():
        if node_id is not None and node_id in listed:
            continue
        problems = [p for p in by_row.get(row, []) if p["name"].casefold() == text.casefold() or text in p["problem"]]
        if node_id is not None:
            listed.add(node_id)
            match = {"id": node_id, "why": why or "the same id or name"}
            found.append(
                {
                    "row": row,
                    "label": text,
                    "id": node_id,
                    "type": None,
                    "action": "unchanged",
                    "matches": [match],
                    "problems": [],
                }
            )
            continue
        kinds = _likely_first(
            next((p["create_as"] for p in problems if p["create_as"]), []),
            next((m["id"].split(":")[0] for p in problems for m in p["suggested"]), None),
        )
        matches = next(
            ([{"id": m["id"], "why": m["why"]} for m in p["suggested"]] for p in problems if p["suggested"]), []
        )
        found.append(
            {
                "row": row,
                "label": text,
                "id": slug_id(kinds[0], text) if kinds else None,
                "type": kinds[0] if kinds else None,
                "action": "new",
                "matches": matches,
                "problems": problems,
            }
        )
    return found


def _likely_first(kinds: list[str], suggested: str | None) -> list[str]:
    """The types a new node may be, the likeliest first: the best suggestion's, else an organisation."""
    for kind in (suggested, "organisation"):
        if kind in kinds:
            return [kind, *(k for k in kinds if k != kind)]
    return kinds


def _same(node) -> dict[str, Any]:
    return {"id": node.id, "why": f"this row is '{node.label}' (the same id, or the same name and type)"}


def _link(plan: MergePlan, edge, action: str) -> dict[str, Any]:
    return {
        "row": plan.rows.get(edge.key, ""),
        "source": edge.source,
        "relation": edge.relation.value,
        "target": edge.target,
        "basis": edge.basis.value,
        "action": action,
    }


def _problem(plan: MergePlan, problem: Problem) -> dict[str, Any]:
    where = (problem.element, problem.field)
    suggested = plan.suggestions.get(where, ())
    text, kinds = plan.creatable.get(where, ("", ()))
    return {
        "row": problem.element,
        "column": problem.field,
        "problem": problem.message,
        "suggestions": [match.id for match in suggested],
        "suggested": [{"id": m.id, "label": m.label, "why": m.why, "score": m.score} for m in suggested],
        "name": text,
        "create_as": list(kinds),
    }
