"""A links sheet's ends: the types a relation allows at each end, bodies a sheet names that do not
exist yet (created when a person says so), and rows kept back with their problems."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from graph.errors import Problem
from graph.formats._common import slug_id
from graph.formats.batch import ImportBatch, ImportedRow
from graph.schema import RELATIONS, Relation


def folded_name(text: str) -> str:
    """A name as answers are keyed: spaces and case set aside.

    >>> folded_name("  Kinship  Care Alliance ")
    'kinship care alliance'
    """
    return " ".join(str(text).split()).casefold()


def end_types(relation: object, end: str, other_type: str | None = None) -> set[str] | None:
    """The node types ``relation`` allows at ``end`` ("source" or "target"), given the other end's
    type when it is known; None when the relation is unknown.

    >>> sorted(end_types("works_on", "source", "topic"))
    ['initiative', 'organisation']
    """
    try:
        pairs = RELATIONS[Relation(str(relation))].pairs
    except ValueError:
        return None
    if end == "source":
        return {s.value for s, t in pairs if other_type is None or t.value == other_type}
    return {t.value for s, t in pairs if other_type is None or s.value == other_type}


def created_rows(create: Mapping[str, str], batch: ImportBatch) -> list[ImportedRow]:
    """A node row for each name a person chose to create (``create``: folded name -> type), as the
    first link row naming it wrote it; names no link row holds any more are left out."""
    rows = []
    for folded, kind in create.items():
        found = next(_naming(batch.edges, folded), None)
        if found is None:
            continue
        row, column, text = found
        data = {"id": slug_id(kind, text), "label": text, "type": kind}
        rows.append(ImportedRow(row.element, data, {"label": column, "type": column}, generated_id=True))
    return rows


def _naming(edges: Iterable[ImportedRow], folded: str):
    for row in edges:
        for end in ("source", "target"):
            value = row.data.get(end)
            if isinstance(value, str) and folded_name(value) == folded:
                yield row, row.columns.get(end, end), " ".join(value.split())


def kept_back_batch(batch: ImportBatch, problems: Iterable[Problem]) -> tuple[ImportBatch, list[Problem]]:
    """The batch without the rows these problems are about, and those rows' problems."""
    rows = {row.element for row in (*batch.nodes, *batch.edges)}
    problems = list(problems)
    bad = {problem.element for problem in problems if problem.element in rows}
    kept = replace(
        batch,
        nodes=tuple(row for row in batch.nodes if row.element not in bad),
        edges=tuple(row for row in batch.edges if row.element not in bad),
        problems=tuple(problem for problem in batch.problems if problem.element not in bad),
    )
    return kept, [problem for problem in problems if problem.element in bad]
