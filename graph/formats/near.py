"""Near-duplicates an import would create: a new node that is probably an existing node of the same
type under another name ("Research in Practice" beside "Research in Practice (RiP)", "LGA" beside
"Local Government Association", "Povety" beside "Poverty"). Names are compared as people write
them (``graph.formats.names``).

Pure: a merge plan and the existing data in, warnings out, best first for each new node. The
answer ("merge" or "keep both") goes back to ``plan_merge(..., same_as={new id: existing id})``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from graph.formats.merge import MergePlan
from graph.formats.names import NameIndex, NameMatch
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
    score: float = 0.0
    kind: str = ""


def core_label(label: str) -> str:
    """A label as compared for near-duplicates: case, accents, punctuation and any bracketed part set aside.

    >>> core_label("Research in Practice (RiP)")
    'research in practice'
    """
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode() or label
    text = _BRACKETS.sub(" ", text.casefold())
    return " ".join(_NOT_WORD.sub(" ", text).split())


def near_duplicates(plan: MergePlan, existing: Dataset) -> list[NearDuplicate]:
    """Each node ``plan`` adds that is probably an existing node of its type, best first for each.

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
    indexes: dict[str, NameIndex] = {}
    found: list[NearDuplicate] = []
    for new in plan.added_nodes:
        kind = new.type.value
        if kind not in by_type:
            continue
        if kind not in indexes:
            indexes[kind] = NameIndex(by_type[kind])
        nodes = indexes[kind].nodes
        for match in indexes[kind].find(new.label):
            found.append(_warning(new, nodes[match.id], match))
    return found


def _warning(new: Node, existing: Node, match: NameMatch) -> NearDuplicate:
    return NearDuplicate(new, existing, match.distance, match.why, match.score, match.kind)
