"""The load measures: reading, validating and building the graph against plain json and networkx, and saving it."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import networkx as nx

from bench.measure import CLOCKS, Row, SizeRun, Timing, profile, timed, traced_peak_mb, within_baseline
from graph.data.build import build_graph
from graph.data.files import EDGES_FILE, NODES_FILE
from graph.data.store import load_dataset, save_dataset

LOAD_TARGET_RATIO = 2.5


LOAD_TARGET_FROM = 100_000


def load_section(run: SizeRun) -> None:
    """Read + validate + build, against json.load + MultiDiGraph, run alternately (best of each)."""
    options = run.options
    rounds = 1 if options.once else (2 if run.nodes >= 50_000 else 3)
    once = partial(timed, clock=options.clock, repeat=False, timeout=None, rss=options.memory == "rss")
    base_runs: list[Timing] = []
    real_runs: list[tuple[Timing, dict[str, float]]] = []
    for _ in range(rounds):
        graph, timing = once(partial(_baseline_graph, run.data_dir))
        base_runs.append(timing)
        del graph  # freed outside the timing, as the real graph is
        run.graph = None
        parts: dict[str, float] = {}
        run.graph, timing = once(partial(_load_in_parts, run.data_dir, parts, CLOCKS[options.clock]))
        real_runs.append((timing, parts))
    base = min(base_runs, key=lambda timing: timing.seconds)
    real, parts = min(real_runs, key=lambda item: item[0].seconds)
    # the first round allocates the most (later ones reuse memory the earlier graphs freed)
    base.peak_mb = max((timing.peak_mb for timing in base_runs if timing.peak_mb is not None), default=None)
    real.peak_mb = max((timing.peak_mb for timing, _ in real_runs if timing.peak_mb is not None), default=None)
    if options.memory == "tracemalloc":
        base.peak_mb = traced_peak_mb(partial(_baseline_graph, run.data_dir), None)
        real.peak_mb = traced_peak_mb(partial(_load_in_parts, run.data_dir, {}, time.process_time), None)
    target = within_baseline(LOAD_TARGET_RATIO, from_nodes=LOAD_TARGET_FROM)
    row = real.row("load+validate+build", run, baseline=base.seconds, ratio=real.seconds / base.seconds)
    row.target, row.peak_mb, row.runs = target.text, real.peak_mb, rounds
    row.verdict = target.judge(row)
    row.note = f"{run.graph.number_of_nodes():,} nodes, {run.graph.number_of_edges():,} edges"
    run.add(row)
    run.add(base.row("  baseline: json.load + MultiDiGraph", run, peak_mb=base.peak_mb, runs=rounds))
    for part, seconds in parts.items():
        row = Row(part, run.size, run.nodes, seconds, note=f"{seconds / real.seconds:.0%} of the load (best run)")
        setattr(row, options.clock, seconds)
        run.add(row)
    wanted = options.profile
    if wanted and any(wanted in name for name in ("load+validate+build", "load_dataset", "build_graph")):
        profile("load_dataset", run.size, partial(load_dataset, run.data_dir))
        dataset = load_dataset(run.data_dir)
        profile("build_graph", run.size, partial(build_graph, dataset))


def _load_in_parts(data_dir: Path, parts: dict[str, float], clock: Callable[[], float]) -> nx.MultiDiGraph:
    started = clock()
    dataset = load_dataset(data_dir)
    loaded = clock()
    graph = build_graph(dataset)
    built = clock()
    del dataset  # load_graph lets the validated models go too, and that takes time at scale
    parts["  load_dataset (read+validate)"] = loaded - started
    parts["  build_graph"] = built - loaded
    parts["  freeing the validated models"] = clock() - built
    return graph


def _baseline_graph(data_dir: Path) -> nx.MultiDiGraph:
    """The least any loader must do: parse the JSON and put the same node and edge data in a graph."""
    with open(data_dir / NODES_FILE, encoding="utf-8") as handle:
        nodes = json.load(handle)["nodes"]
    with open(data_dir / EDGES_FILE, encoding="utf-8") as handle:
        edges = json.load(handle)["edges"]
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(
        (
            node["id"],
            {
                **node.get("attributes", {}),
                "type": node["type"],
                "label": node["label"],
                "refs": node["refs"],
                "description": node.get("description"),
            },
        )
        for node in nodes
    )
    graph.add_edges_from(
        (
            edge["source"],
            edge["target"],
            edge["relation"],
            {
                **edge.get("attributes", {}),
                "relation": edge["relation"],
                "refs": edge["refs"],
                "basis": edge["basis"],
                "rationale": edge.get("rationale"),
            },
        )
        for edge in edges
    )
    return graph


def save_section(run: SizeRun) -> None:
    """One save of the whole dataset, as every edit does (reported, no target)."""
    dataset = load_dataset(run.data_dir)
    with tempfile.TemporaryDirectory(prefix="kg-bench-save-") as scratch:
        run.measure("save_dataset (per edit)", partial(save_dataset, scratch, dataset))
