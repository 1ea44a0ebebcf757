"""Synthetic graphs of any size, shaped like the report's own: for benchmarks, never for the app.

The graph is many report-sized groups (about 200 nodes each) with the report's mix of node
types and relations, so it has the report's structure at scale: every topic in a theme, every
theme at a level, quotes attributed, strands raising the topics of their group (and a few of
other groups), a handful of shared hubs (the three levels, the four stages of the evidence
cycle). About five edges per node; every edge obeys the schema's relation rules.

    python -m bench.synthetic 10000 synthetic-10k     # writes nodes.json and edges.json there

The models are built with ``model_construct`` (no validation), which makes 100k nodes take
seconds; the data is validated when it is read back with ``graph.data.store.load_dataset``.
"""

from __future__ import annotations

import argparse
import random
import sys
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

from graph.analysis._common import VOICES
from graph.bases import Basis
from graph.data.store import save_dataset
from graph.schema import LEVELS, MESSAGE_KINDS, RELATIONS, Dataset, Edge, Node, NodeType, Relation

#: Edges per node, on average (the report itself has about 2.3; a denser graph is the harder case).
EDGES_PER_NODE = 5.0
#: Nodes in one report-sized group; most edges stay inside a group, as they do in one report.
GROUP_SIZE = 200
#: Share of freely placed edges whose target is in the source's group (the rest go anywhere).
LOCAL_SHARE = 0.85
#: The smallest graph that still has every node type.
MIN_NODES = 20

#: Types whose number grows with the graph, weighted as in the shipped data.
NODE_MIX: dict[NodeType, int] = {
    NodeType.TOPIC: 79,
    NodeType.MESSAGE: 26,
    NodeType.ORGANISATION: 20,
    NodeType.INITIATIVE: 19,
    NodeType.STRAND: 15,
    NodeType.STAKEHOLDER: 13,
    NodeType.THEME: 12,
    NodeType.QUOTE: 11,
    NodeType.BARRIER: 5,
    NodeType.PLACE: 4,
}
_STAGES = ("identify", "generate", "share", "scale")

#: Relations placed freely (after the structural ones), weighted as in the shipped data.
RELATION_MIX: dict[Relation, int] = {
    Relation.RAISED: 138,
    Relation.SPEAKS_TO: 59,
    Relation.INVOLVED: 30,
    Relation.ADDRESSES: 28,
    Relation.CONTRIBUTES_TO: 23,
    Relation.PART_OF: 19,
    Relation.ECHOES: 15,
    Relation.WORKS_ON: 13,
    Relation.RUNS: 10,
    Relation.COORDINATES_WITH: 6,
    Relation.MENTIONS: 4,
    Relation.FRAMES: 3,
    Relation.FACES: 3,
    Relation.NOT_PRIORITISED: 2,
    Relation.BASED_ON: 2,
    Relation.FUNDS: 2,
    Relation.GUIDED: 1,
    Relation.DEVELOPED: 1,
}
_INFERRED_SHARE = 0.24  # as in the shipped data (115 of 478)
_QUALIFIED_SHARE = 0.07
_QUALIFIERS = ("Families", "SWs", "Families, SWs", "strategic leaders", "CYP", "reduce turnover", "managers")
_RATIONALES = (
    "The report's wording implies it, though it does not say so in as many words.",
    "A public fact about the body named in the report.",
    "The same people took part in both, by the report's account of the strand.",
    "The message answers the request set out in the section cited.",
)
_SECTIONS = ("2", "3.1", "3.2", "3.3", "3.4", "3.5", "4", "5.1", "5.2", "5.3", "5.6", "6", "6.1", "6.2", "6.3")
_VOCABULARY = (
    "adolescents risk exploitation neglect trauma supervision practice evidence families children young people "
    "care leavers fostering adoption kinship placement stability recruitment retention resilience workforce "
    "leadership culture reflective learning outcomes assessment early help edge of care court proceedings "
    "domestic abuse parental mental health substance misuse poverty housing education health partnerships "
    "multi-agency safeguarding contextual harm online safety disabilities special needs advocacy participation "
    "voice rights relationships trust caseloads workload wellbeing burnout training skills knowledge research "
    "evaluation data systems records technology digital tools guidance standards inspection commissioning "
    "funding budgets local authorities regions national policy reform innovation scaling sharing identify "
    "generate implementation fidelity adaptation context thresholds referrals decisions planning reviews "
    "reunification permanence residential secure accommodation missing episodes youth justice prevention "
    "restorative approaches strengths-based signs of safety motivational interviewing systemic family therapy "
    "group conferencing peer support mentoring apprenticeships qualifications progression management "
    "frontline organisation system culture change communities schools police courts charities volunteers"
)
_WORDS = tuple(_VOCABULARY.split())


def make_dataset(n_nodes: int, *, seed: int = 0) -> Dataset:
    """A synthetic dataset of exactly ``n_nodes`` nodes and about ``EDGES_PER_NODE`` edges per node.

    Deterministic: the same size and seed always give the same dataset. Not validated here
    (see the module docstring); write it with ``save_dataset`` and read it with ``load_dataset``.

    >>> data = make_dataset(300, seed=1)
    >>> len(data.nodes), 1300 < len(data.edges) < 1600
    (300, True)
    """
    if n_nodes < MIN_NODES:
        raise ValueError(f"a synthetic graph needs at least {MIN_NODES} nodes, not {n_nodes}")
    return _Generator(n_nodes, random.Random(seed)).dataset()


def type_counts(n_nodes: int) -> dict[NodeType, int]:
    """How many nodes of each type a graph of ``n_nodes`` gets: 3 levels, 4 stages, the rest by ``NODE_MIX``."""
    counts = {NodeType.LEVEL: len(LEVELS), NodeType.STAGE: len(_STAGES)}
    counts.update(_share_out(n_nodes - sum(counts.values()), NODE_MIX, at_least=1))
    return counts


def _share_out(total: int, weights: dict[Any, int], *, at_least: int = 0) -> dict[Any, int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), each share at least ``at_least``."""
    spare = total - at_least * len(weights)
    whole = sum(weights.values())
    exact = {key: spare * weight / whole for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(weights, key=lambda key: (shares[key] - exact[key], str(key)))
    for key in by_remainder[: spare - sum(shares.values())]:
        shares[key] += 1
    return {key: share + at_least for key, share in shares.items()}


class _Generator:
    """Holds the nodes made so far, indexed by type and group, and the edges' keys (to avoid repeats)."""

    def __init__(self, n_nodes: int, rng: random.Random) -> None:
        self.n = n_nodes
        self.rng = rng
        self.groups = max(1, round(n_nodes / GROUP_SIZE))
        self.nodes: list[Node] = []
        self.ids: list[str] = []
        self.by_type: dict[NodeType, list[int]] = {kind: [] for kind in NodeType}
        # by_group[kind][g]: indices (into self.ids) of that type in group g; None for the global types
        self.by_group: dict[NodeType, list[list[int]] | None] = {}
        self.group_of: list[int] = []
        self.level_of: dict[int, str] = {}
        self.edges: list[Edge] = []
        self.keys: set[tuple[int, str, int]] = set()

    def dataset(self) -> Dataset:
        self._make_nodes()
        self._structural_edges()
        budget = round(EDGES_PER_NODE * self.n) - len(self.edges)
        for relation, count in _share_out(max(budget, 0), RELATION_MIX).items():
            self._free_edges(relation, count)
        return Dataset(tuple(self.nodes), tuple(self.edges))

    # --- nodes ----------------------------------------------------------------------------------

    def _make_nodes(self) -> None:
        for kind, count in type_counts(self.n).items():
            grouped = kind not in (NodeType.LEVEL, NodeType.STAGE)
            self.by_group[kind] = [[] for _ in range(self.groups)] if grouped else None
            for rank in range(count):
                group = rank % self.groups if grouped else -1
                node_id, label, attributes = self._describe(kind, rank, group)
                index = len(self.ids)
                self.ids.append(node_id)
                self.group_of.append(group)
                self.by_type[kind].append(index)
                if grouped:
                    self.by_group[kind][group].append(index)
                if "level" in attributes:
                    self.level_of[index] = attributes["level"]
                self.nodes.append(
                    Node.model_construct(
                        id=node_id,
                        type=kind,
                        label=label,
                        refs=self._refs(kind, attributes.get("level")),
                        description=self._sentence(12, 24) if self.rng.random() < 0.5 else None,
                        attributes=attributes,
                    )
                )

    def _describe(self, kind: NodeType, rank: int, group: int) -> tuple[str, str, dict[str, Any]]:
        """Id, label and attributes of the ``rank``-th node of ``kind``, with the report's attributes."""
        rng = self.rng
        if kind is NodeType.LEVEL:
            level = LEVELS[rank]
            return f"level:{level}", f"{level.capitalize()} level", {"level": level}
        if kind is NodeType.STAGE:
            return f"stage:{_STAGES[rank]}", _STAGES[rank].capitalize(), {"order": rank + 1}
        node_id = f"{kind.value}:{rank:06d}"
        if kind is NodeType.TOPIC:
            label = self._phrase(2, 6)
            return node_id, label, {"level": rng.choice(LEVELS), "order": rank + 1, "report_text": label}
        if kind is NodeType.THEME:
            label = self._phrase(2, 5)
            return node_id, label, {"level": rng.choice(LEVELS), "report_text": label}
        if kind is NodeType.STRAND:
            attributes: dict[str, Any] = {"voices": rng.sample(VOICES, rng.randint(1, 2))}
            place_in_group = rank // self.groups
            if place_in_group < 9:  # like Appendix 1: nine columns per report
                attributes["appendix_column"] = place_in_group + 1
            if rng.random() < 0.5:
                attributes["count"] = rng.randint(5, 400)
            return node_id, f"{self._phrase(1, 3)} {rng.choice(('event', 'panel', 'group', 'survey'))}", attributes
        if kind is NodeType.STAKEHOLDER:
            return node_id, self._phrase(1, 3), {"voices": [rng.choice(VOICES)]}
        if kind is NodeType.MESSAGE:
            attributes = {"kind": rng.choice(MESSAGE_KINDS), "section": rng.choice(("3", "4", "5", "6"))}
            return node_id, self._sentence(6, 14), attributes
        if kind is NodeType.QUOTE:
            return node_id, self._sentence(10, 22), {"attribution": f"{self._phrase(1, 3)}, {self._phrase(1, 2)}"}
        return node_id, self._phrase(1, 4), {}

    def _phrase(self, least: int, most: int) -> str:
        words = self.rng.choices(_WORDS, k=self.rng.randint(least, most))
        return " ".join(words).capitalize()

    def _sentence(self, least: int, most: int) -> str:
        return self._phrase(least, most) + "."

    def _refs(self, kind: NodeType, level: str | None) -> list[str]:
        if kind in (NodeType.TOPIC, NodeType.THEME) and level:
            return [f"Appendix 1 / {level.capitalize()}"]
        refs = [self.rng.choice(_SECTIONS)]
        if self.rng.random() < 0.2:
            refs.append(self.rng.choice(_SECTIONS))
        return sorted(set(refs))

    # --- edges ----------------------------------------------------------------------------------

    def _structural_edges(self) -> None:
        """The edges the report's structure gives every item: themes, levels, attributions, the cycle."""
        rng = self.rng
        level_node = {self.level_of[i]: i for i in self.by_type[NodeType.LEVEL]}
        for topic in self.by_type[NodeType.TOPIC]:
            for _ in range(2 if rng.random() < 0.05 else 1):
                self._add_local(topic, Relation.IN_THEME, (NodeType.THEME,))
            if rng.random() < 0.03:
                self._add_local(topic, Relation.ALSO_LISTED_AS, (NodeType.TOPIC,))
        for theme in self.by_type[NodeType.THEME]:
            self._add(theme, Relation.AT_LEVEL, level_node[self.level_of[theme]])
        stages = self.by_type[NodeType.STAGE]
        for current, following in zip(stages, stages[1:] + stages[:1], strict=True):
            self._add(current, Relation.NEXT_STAGE, following)
        speakers = (NodeType.STAKEHOLDER, NodeType.ORGANISATION, NodeType.STRAND)
        for quote in self.by_type[NodeType.QUOTE]:
            self._add_local(quote, Relation.ATTRIBUTED_TO, speakers)
        for strand in self.by_type[NodeType.STRAND]:
            if rng.random() < 0.25:
                self._add_local(strand, Relation.HELD_IN, (NodeType.PLACE,))
        for body in self.by_type[NodeType.ORGANISATION]:
            if rng.random() < 0.1:
                self._add_local(body, Relation.LOCATED_IN, (NodeType.PLACE,))

    def _free_edges(self, relation: Relation, count: int) -> None:
        """``count`` edges of ``relation`` between random nodes of types the relation may join."""
        pairs = sorted(RELATIONS[relation].pairs)
        sources = sorted({source for source, _ in pairs})
        cumulative = list(accumulate(len(self.by_type[kind]) for kind in sources))
        targets_of = {kind: [t for s, t in pairs if s is kind] for kind in sources}
        random = self.rng.random
        for _ in range(count):
            for _attempt in range(10):  # a repeat or a self-loop is retried; rarely needed
                # a source node uniformly among all nodes of the allowed source types
                pick = int(random() * cumulative[-1])
                kind = sources[bisect_right(cumulative, pick)]
                members = self.by_type[kind]
                source = members[int(random() * len(members))]
                if self._add_local(source, relation, targets_of[kind]):
                    break

    def _add_local(self, source: int, relation: Relation, target_types: Sequence[NodeType]) -> bool:
        """Join ``source`` to a node of one of ``target_types``, usually in its own group, a few
        popular ones more often than the rest (a skewed pick, as real link counts are)."""
        random = self.rng.random
        kind = target_types[0] if len(target_types) == 1 else target_types[int(random() * len(target_types))]
        grouped = self.by_group[kind]
        if grouped is not None and random() < LOCAL_SHARE and self.group_of[source] >= 0:
            candidates = grouped[self.group_of[source]] or self.by_type[kind]
        else:
            candidates = self.by_type[kind]
        target = candidates[int(len(candidates) * random() ** 1.5)]
        return self._add(source, relation, target)

    def _add(self, source: int, relation: Relation, target: int) -> bool:
        key = (source, relation.value, target)
        if source == target or key in self.keys:
            return False
        self.keys.add(key)
        random = self.rng.random
        draw = random()
        inferred = draw < _INFERRED_SHARE
        attributes = {}
        if relation is Relation.RAISED and random() < _QUALIFIED_SHARE:
            attributes["qualifier"] = _QUALIFIERS[int(random() * len(_QUALIFIERS))]
        self.edges.append(
            Edge.model_construct(
                source=self.ids[source],
                target=self.ids[target],
                relation=relation,
                refs=[_SECTIONS[int(random() * len(_SECTIONS))]],
                basis=Basis.INFERRED if inferred else Basis.STATED,
                rationale=_RATIONALES[int(draw / _INFERRED_SHARE * len(_RATIONALES))] if inferred else None,
                attributes=attributes,
            )
        )
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.splitlines()[0])
    parser.add_argument("n_nodes", type=int, help=f"number of nodes (at least {MIN_NODES})")
    parser.add_argument("outdir", type=Path, help="directory to write nodes.json and edges.json into")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        dataset = make_dataset(args.n_nodes, seed=args.seed)
    except ValueError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    args.outdir.mkdir(parents=True, exist_ok=True)
    save_dataset(args.outdir, dataset)
    print(f"Wrote {len(dataset.nodes):,} nodes and {len(dataset.edges):,} edges to {args.outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
