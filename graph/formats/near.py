"""Near-duplicates an import would create: a new node whose label is a small edit away from an
existing node of the same type ("Research in Practice" beside "Research in Practice (RiP)").

Pure: a merge plan and the existing data in, warnings out. The answer ("merge" or "keep
both") goes back to ``plan_merge(..., same_as={new id: existing id})``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from graph.formats.merge import MergePlan
from graph.schema import Dataset, Node

_BRACKETS = re.compile(r"\(([^()]*)\)")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class NearDuplicate:
    """A node the import would add, and the existing node it is probably the same as."""

    new: Node
    existing: Node
    distance: int
    reason: str


def core_label(label: str) -> str:
    """A label as compared for near-duplicates: case, accents, punctuation and any bracketed part set aside.

    >>> core_label("Research in Practice (RiP)")
    'research in practice'
    """
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode() or label
    text = _BRACKETS.sub(" ", text.casefold())
    return " ".join(_NOT_WORD.sub(" ", text).split())


def allowed_distance(text: str) -> int:
    """How many edits still count as 'the same name': 1 for short names, 1 per 8 characters, at most 3."""
    return max(1, min(3, len(text) // 8))


def full_label(label: str) -> str:
    """Like ``core_label`` but keeping what is in brackets: 'Understanding families (types of abuse)'
    and '... (types of families)' are two topics."""
    return core_label(_BRACKETS.sub(r" \1 ", label))


def near_duplicates(plan: MergePlan, existing: Dataset) -> list[NearDuplicate]:
    """Each node ``plan`` adds whose label is within a small edit distance of an existing node of its type.

    Labels are compared without case, accents and punctuation; a bracketed part is set aside when
    only one of the two labels has one ('Research in Practice (RiP)'); numbers must agree ('Wave 1'
    is not 'Wave 2'); a new label that is the short name in brackets of an existing one is caught too.

    >>> from graph.formats import parse_import, plan_merge
    >>> rip = Node(id="organisation:rip", type="organisation", label="Research in Practice (RiP)", refs=["2"])
    >>> data = Dataset((rip,), ())
    >>> plan = plan_merge(data, parse_import(b"Label,Type\\nResearch in Practice,organisation\\n", "k.csv"))
    >>> [(d.new.label, d.existing.id, d.distance) for d in near_duplicates(plan, data)]
    [('Research in Practice', 'organisation:rip', 0)]
    """
    by_type: dict[str, list[Node]] = defaultdict(list)
    for node in existing.nodes:
        by_type[node.type.value].append(node)
    forms = {
        node_type: ([core_label(n.label) for n in nodes], [full_label(n.label) for n in nodes])
        for node_type, nodes in by_type.items()
    }
    found: list[NearDuplicate] = []
    for new in plan.added_nodes:
        candidates = by_type.get(new.type.value, [])
        if not candidates:
            continue
        cores, fulls = forms[new.type.value]
        distances: dict[int, int] = {}
        for text, choices, bracket_free in (
            (full_label(new.label), fulls, False),
            (core_label(new.label), cores, True),
        ):
            if not text:
                continue
            for _, distance, index in process.extract(
                text, choices, scorer=Levenshtein.distance, score_cutoff=allowed_distance(text), limit=5
            ):
                other = candidates[index]
                if bracket_free and _BRACKETS.search(new.label) and _BRACKETS.search(other.label):
                    continue  # both name their own bracketed part: compared in full above
                if _numbers(new.label) != _numbers(other.label):
                    continue
                distances[index] = min(int(distance), distances.get(index, int(distance)))
        short = new.label.strip().casefold()
        for index, other in enumerate(candidates):
            if short in {part.strip().casefold() for part in _BRACKETS.findall(other.label)}:
                distances[index] = 0
        for index, distance in sorted(distances.items(), key=lambda item: (item[1], candidates[item[0]].id)):
            other = candidates[index]
            found.append(NearDuplicate(new, other, distance, _reason(new, other, distance)))
    return found


def _numbers(label: str) -> list[str]:
    return re.findall(r"\d+", label)


def _reason(new: Node, existing: Node, distance: int) -> str:
    if new.label.strip().casefold() in {p.strip().casefold() for p in _BRACKETS.findall(existing.label)}:
        return f"'{new.label}' is the short name in brackets of '{existing.label}'"
    if distance == 0:
        return f"'{new.label}' and '{existing.label}' differ only in case, punctuation or a part in brackets"
    edits = "edit" if distance == 1 else "edits"
    return f"'{new.label}' is {distance} {edits} away from '{existing.label}'"
