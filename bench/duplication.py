"""How well Overlaps finds duplication: planted duplicates among random bodies.

Each trial makes 50 bodies. 40 do a random handful of activities, some activities far more
popular than others (as "Share" or "Access" are in the report); 5 planted pairs are duplicates:
the first body of each does a handful of activities drawn evenly (popular or not), the second
does each of them with probability 0.85, and one more drawn as the random bodies draw. Every link is stated, so the test
against chance alone decides. Each rule is scored, in the same run, on

* recall: the share of planted pairs it calls duplication, and
* false discoveries: the share of the pairs it calls duplication that were not planted, and
* ranking: the share of the planted pairs among its best-ranked pairs (as many as were planted).

The rules: the SDSM with Benjamini–Hochberg (what Overlaps does: strong or moderate), the same
p-values without the correction (p < 0.05), and the rule Overlaps used before (Adamic–Adar
with thresholds: 2 or more specific things shared, each done by at most 3 bodies).

    python -m bench.duplication                # 20 trials
    python -m bench.duplication --trials 5 --seed 3
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np

from graph.analysis.overlaps import overlaps
from graph.bases import Basis
from graph.data.build import build_graph
from graph.schema import Dataset, Edge, Node

BODIES = 50
PLANTED = 5
ACTIVITIES = 100


@dataclass
class Tally:
    found: int = 0  # planted pairs the rule called duplication
    called: int = 0  # pairs the rule called duplication
    false: int = 0  # of those, not planted
    planted: int = 0
    top: int = 0  # planted pairs among the best-ranked (as many as were planted)

    def recall(self) -> float:
        return self.found / self.planted if self.planted else 0.0

    def false_share(self) -> float:
        return self.false / self.called if self.called else 0.0

    def top_share(self) -> float:
        return self.top / self.planted if self.planted else 0.0


def trial(rng: np.random.Generator) -> tuple[Dataset, set[frozenset[str]]]:
    """One set of bodies, with the planted pairs' ids."""
    popularity = 1.0 / np.arange(1, ACTIVITIES + 1) ** 0.8  # a few activities very popular
    popularity /= popularity.sum()
    doing: dict[str, set[int]] = {}
    for i in range(BODIES - 2 * PLANTED):
        doing[f"initiative:b{i}"] = set(rng.choice(ACTIVITIES, size=1 + rng.poisson(5), replace=False, p=popularity))
    planted = set()
    for i in range(PLANTED):
        # a duplicate is two bodies doing the same particular things, popular or not
        first = set(rng.choice(ACTIVITIES, size=4 + rng.poisson(3), replace=False))
        second = {a for a in first if rng.random() < 0.85} | set(rng.choice(ACTIVITIES, size=1, p=popularity))
        doing[f"initiative:p{i}a"], doing[f"initiative:p{i}b"] = first, second
        planted.add(frozenset((f"initiative:p{i}a", f"initiative:p{i}b")))
    nodes = [Node(id=body, type="initiative", label=body.split(":")[1], refs=["bench"]) for body in doing]
    nodes += [Node(id=f"topic:a{a}", type="topic", label=f"a{a}", refs=["bench"]) for a in range(ACTIVITIES)]
    edges = [
        Edge(source=body, target=f"topic:a{a}", relation="works_on", refs=["bench"], basis=Basis.STATED)
        for body, activities in doing.items()
        for a in sorted(activities)
    ]
    return Dataset(tuple(nodes), tuple(edges)), planted


#: Each rule: what it calls duplication, and how it ranks pairs (best first).
RULES = {
    "SDSM + Benjamini-Hochberg, q <= 0.05 (Overlaps)": (
        lambda pair: pair["strength"] in ("strong", "moderate"),
        lambda pair: pair["p_value"],
    ),
    "SDSM + Benjamini-Hochberg, q <= 0.10": (
        lambda pair: pair["q_value"] <= 0.10 and pair["rests_on"].get("stated", 0) >= 2,
        lambda pair: pair["p_value"],
    ),
    "SDSM p < 0.05, uncorrected": (
        lambda pair: pair["p_value"] < 0.05 and pair["rests_on"].get("stated", 0) >= 2,
        lambda pair: pair["p_value"],
    ),
    "Adamic-Adar thresholds (before)": (lambda pair: pair["specific"] >= 2, lambda pair: -pair["score"]),
}


def run(trials: int, seed: int) -> dict[str, Tally]:
    rng = np.random.default_rng(seed)
    tallies = {name: Tally() for name in RULES}
    for _ in range(trials):
        dataset, planted = trial(rng)
        pairs = overlaps(build_graph(dataset), "initiative", min_shared=1, limit=None)["pairs"]
        for name, (rule, rank) in RULES.items():
            called = {frozenset((p["a"]["id"], p["b"]["id"])) for p in pairs if rule(p)}
            best = {frozenset((p["a"]["id"], p["b"]["id"])) for p in sorted(pairs, key=rank)[: len(planted)]}
            tally = tallies[name]
            tally.top += len(best & planted)
            tally.planted += len(planted)
            tally.called += len(called)
            tally.found += len(called & planted)
            tally.false += len(called - planted)
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    tallies = run(args.trials, args.seed)
    print(f"{args.trials} trials of {BODIES} bodies with {PLANTED} planted duplicate pairs each (seed {args.seed})\n")
    print("| rule | recall | false discoveries | pairs called | planted pairs among its 5 best-ranked |")
    print("|---|---:|---:|---:|---:|")
    for name, tally in tallies.items():
        print(
            f"| {name} | {tally.recall():.0%} | {tally.false_share():.0%} | {tally.called} | {tally.top_share():.0%} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
