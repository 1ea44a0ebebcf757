"""The speed benchmark: load, analyses and layout at the shipped size and at 1k, 10k and 100k nodes.

Everything is measured in one run and reported as ratios against a baseline measured in the
same run, so the verdicts mean the same on a fast laptop and on a busy 2-core server:

* load: ``load_dataset`` + ``build_graph`` from the files, against plain ``json.load`` and
  adding the same nodes and edges to a ``networkx.MultiDiGraph`` (run alternately, best of each);
* analyses and drawing: each step against itself at the previous size (the scaling ratio);
* layout: an absolute target up to 10k nodes, the scaling ratio above.

    python -m bench.run                       # data, 1k, 10k, 100k (several minutes)
    python -m bench.run --quick               # data, 1k, 10k
    python -m bench.run --sizes 1000,10000 --json results.json
    python -m bench.run --sizes 10000 --profile overlaps     # cProfile of the matching steps

Ratios and verdicts use this process's CPU time by default (``--clock cpu``): on a shared machine
the wall clock also counts the time other programs held the CPU, which comes and goes during a
run and would make ratios between sizes, measured minutes apart, mean little. Both clocks are
shown (wall far above CPU: a busy machine; CPU above wall: threads, as in the layout). Quick
steps run up to five times and keep the best run; "gc s" is the garbage collector's share of it.
Even a plain breadth-first pass over the graph grows faster than the node count on real
hardware (caches, memory), so each size also times such a pass: the ``÷pass`` column is a
step's growth divided by the pass's growth, near 1 for a step that is as linear as a walk. A step still running after
``--step-timeout`` seconds is stopped and reported as a timeout (and not tried at larger sizes).

Memory (``--memory``): ``rss`` (default) is the peak resident set size while the step ran,
sampled from /proc every 2 ms, above the RSS when it started; it counts native buffers (numpy,
pydantic-core) but not memory the step reused from what earlier steps freed. ``tracemalloc``
runs each step once more, untimed, and reports the peak of Python-tracked allocations it made.

Adding measurements (the app's rerun time, the browser's draw time): write a function that takes
a :class:`SizeRun` and calls ``run.measure(step, work, target=..., clock="wall")`` for each step,
and add it to ``SECTIONS``. It then runs at every size after the sections before it
(``run.graph``, ``run.positions`` and ``run.data_dir`` are there to use), and its rows land in
the same table and JSON. Work done in other processes (a Streamlit server, a browser) is not
this process's CPU time: time it with ``clock="wall"``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import ctypes
import gc
import hashlib
import io
import json
import os
import platform
import pstats
import resource
import signal
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from bench.synthetic import make_dataset
from graph.data.build import build_graph
from graph.data.files import EDGES_FILE, NODES_FILE
from graph.data.store import load_dataset, save_dataset
from graph.errors import GraphError

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_DATA = ROOT / "data"
DEFAULT_SIZES = "data,1000,10000,100000"
QUICK_SIZES = "data,1000,10000"
DEFAULT_SECTIONS = "load,analyses,layout,app"

#: A quick step is repeated (best run kept) up to this many times, within this many seconds in all.
MOST_REPEATS = 5
REPEAT_BUDGET_SECONDS = 3.0
#: Default --step-timeout: a step still running after this long is stopped.
STEP_TIMEOUT_SECONDS = 90.0

LOAD_TARGET_RATIO = 2.5
LOAD_TARGET_FROM = 100_000
ANALYSIS_MAX_SECONDS = 10.0
#: Allowed growth in time per growth in nodes: 1.2 means at most 12x the seconds for 10x the nodes.
SCALING_SLACK = 1.2
#: Scaling is judged only from this previous size up: below it, fixed costs and caches distort it.
SCALING_JUDGED_FROM = 10_000
LAYOUT_MAX_SECONDS = 5.0
LAYOUT_TARGET_UP_TO = 10_000


# --- results -------------------------------------------------------------------------------------


@dataclass
class Row:
    """One measured step at one size."""

    step: str
    size: str
    nodes: int
    seconds: float | None  # on the clock the verdicts use (--clock): CPU seconds by default
    wall: float | None = None
    cpu: float | None = None
    gc: float | None = None
    baseline: float | None = None
    ratio: float | None = None
    per_pass: float | None = None  # ratio / the reference pass's ratio: growth beyond a linear pass
    target: str = ""
    verdict: str = "—"
    peak_mb: float | None = None
    runs: int = 0
    note: str = ""
    baseline_nodes: int | None = None  # for a scaling target: the node count at the previous size


@dataclass(frozen=True)
class Target:
    """What a step should achieve; ``judge`` gives the verdict of a measured row (ratio already set).

    A ``scaling`` target compares a step with itself at the previous synthetic size: the row's
    baseline is that size's seconds.
    """

    text: str
    judge: Callable[[Row], str]
    scaling: bool = False


def within_baseline(max_ratio: float, *, from_nodes: int) -> Target:
    """Seconds / baseline seconds at most ``max_ratio``; judged only from ``from_nodes`` nodes up."""

    def judge(row: Row) -> str:
        if row.ratio is None or row.nodes < from_nodes:
            return "—"
        return "ok" if row.ratio <= max_ratio else "MISS"

    return Target(f"≤{max_ratio:g}x base @{_short(from_nodes)}", judge)


def near_linear(max_seconds: float, *, slack: float = SCALING_SLACK) -> Target:
    """Under ``max_seconds``, and from ``SCALING_JUDGED_FROM`` nodes up growing at most ``slack``
    times as fast as the node count since the previous synthetic size."""

    def judge(row: Row) -> str:
        fast = row.seconds is not None and row.seconds < max_seconds
        if row.ratio is None or row.baseline_nodes is None or row.baseline_nodes < SCALING_JUDGED_FROM:
            return "ok" if fast else "MISS"
        allowed = slack * row.nodes / row.baseline_nodes
        return "ok" if fast and row.ratio <= allowed else "MISS"

    return Target(f"≤{slack * 10:g}x/10x, <{max_seconds:g}s", judge, scaling=True)


def under(max_seconds: float, *, up_to: int) -> Target:
    """Under ``max_seconds`` at up to ``up_to`` nodes; above that the scaling ratio is only reported."""

    def judge(row: Row) -> str:
        if row.nodes > up_to:
            return "—"
        return "ok" if row.seconds is not None and row.seconds < max_seconds else "MISS"

    return Target(f"<{max_seconds:g}s up to {_short(up_to)}", judge, scaling=True)


# --- timing --------------------------------------------------------------------------------------


class StepTimeout(Exception):
    """A step ran past --step-timeout."""


CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}


@dataclass
class Timing:
    seconds: float  # on the judged clock
    wall: float
    cpu: float
    gc: float  # on the judged clock
    peak_mb: float | None = None
    runs: int = 0

    def row(self, step: str, run: SizeRun, **fields: Any) -> Row:
        return Row(step, run.size, run.nodes, self.seconds, self.wall, self.cpu, self.gc, **fields)


def _timed(
    work: Callable[[], Any], *, clock: str, repeat: bool, timeout: float | None, rss: bool
) -> tuple[Any, Timing]:
    """Run ``work`` once, or a few times if it is quick; its result and the best run's timing."""
    best: Timing | None = None
    peak: float | None = None
    spent = 0.0
    runs = 0
    while True:
        result = None  # let the previous result go before the next run
        _settle()
        with _RssSampler(enabled=rss) as sample, _GcClock(CLOCKS[clock]) as collector, _deadline(timeout):
            wall, cpu = time.perf_counter(), time.process_time()
            result = work()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        runs += 1
        spent += wall
        if sample.growth_mb is not None:
            peak = max(peak or 0.0, sample.growth_mb)
        seconds = cpu if clock == "cpu" else wall
        if best is None or seconds < best.seconds:
            best = Timing(seconds, wall, cpu, collector.seconds)
        if not repeat or runs >= MOST_REPEATS or spent + wall > REPEAT_BUDGET_SECONDS:
            best.peak_mb, best.runs = peak, runs
            return result, best


def _settle() -> None:
    """Collect garbage and hand freed memory back to the OS, so one step's leftovers do not bill the next."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise StepTimeout in the main thread after ``seconds`` (Python code is interrupted between bytecodes)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise StepTimeout(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _GcClock:
    """Adds up the time the garbage collector runs while the block runs."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.seconds = 0.0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = self.clock()
        else:
            self.seconds += self.clock() - self._started

    def __enter__(self) -> _GcClock:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


class _RssSampler:
    """Samples this process's resident set size in a background thread; keeps the highest."""

    PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    INTERVAL = 0.002

    def __init__(self, *, enabled: bool = True) -> None:
        self.start = self.peak = self._rss() if enabled else None
        self.growth_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _rss() -> int | None:
        try:
            with open("/proc/self/statm") as statm:
                return int(statm.read().split()[1]) * _RssSampler.PAGE
        except (OSError, ValueError, IndexError):
            return None

    def _sample(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            rss = self._rss()
            if rss is not None and self.peak is not None:
                self.peak = max(self.peak, rss)

    def __enter__(self) -> _RssSampler:
        if self.start is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.start is None:
            return
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak or 0, self._rss() or 0)
        self.growth_mb = (self.peak - self.start) / 2**20


def _traced_peak_mb(work: Callable[[], Any], timeout: float | None) -> float | None:
    """Peak of Python-tracked allocations while ``work`` runs once (untimed: tracing slows it down)."""
    _settle()
    tracemalloc.start()
    try:
        with _deadline(timeout):
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            work()
            return (tracemalloc.get_traced_memory()[1] - before) / 2**20
    except StepTimeout:
        return None
    finally:
        tracemalloc.stop()


def _profile(step: str, size: str, work: Callable[[], Any]) -> None:
    profiler = cProfile.Profile()
    with contextlib.suppress(GraphError):
        profiler.runcall(work)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats(20)
    print(f"\n=== profile: {step} at {size} ===\n{out.getvalue()}", file=sys.stderr, flush=True)


# --- one size ------------------------------------------------------------------------------------


@dataclass
class SizeRun:
    """The state of the benchmark at one size, handed to every section in turn."""

    size: str
    nodes: int
    data_dir: Path
    options: argparse.Namespace
    previous: dict[str, Row]  # the same steps at the previous synthetic size
    rows: list[Row] = field(default_factory=list)
    graph: nx.MultiDiGraph | None = None
    positions: dict[str, tuple[float, float]] | None = None
    reference_ratio: float | None = None  # how the reference pass grew since the previous size

    def measure(
        self, step: str, work: Callable[[], Any], *, target: Target | None = None, clock: str | None = None
    ) -> Any:
        """Time ``work`` (best of a few runs if it is quick), judge it, add a row; returns its result.

        ``clock`` ("cpu" or "wall") overrides --clock for this step: use "wall" for work done
        in other processes. An expected ``GraphError`` (e.g. an ambiguous name) is an answer like
        any other and is returned. A timeout or any other exception is reported in the row, and
        None returned.
        """
        previous = self.previous.get(step)
        if previous is not None and previous.verdict in ("timeout", "skipped"):
            note = f"{previous.verdict} at {previous.size}"
            return self.add(Row(step, self.size, self.nodes, None, verdict="skipped", note=note))
        options = self.options
        try:
            result, timing = _timed(
                partial(_answer, work),
                clock=clock or options.clock,
                repeat=not options.once,
                timeout=options.step_timeout,
                rss=options.memory == "rss",
            )
        except StepTimeout as error:
            text = target.text if target else ""
            return self.add(Row(step, self.size, self.nodes, None, target=text, verdict="timeout", note=str(error)))
        except Exception as error:  # one broken step must not stop the benchmark
            note = f"{type(error).__name__}: {error}"
            return self.add(Row(step, self.size, self.nodes, None, verdict="error", note=note))
        row = timing.row(step, self, peak_mb=timing.peak_mb, runs=timing.runs)
        if isinstance(result, GraphError):
            row.note = f"answered {type(result).__name__}"
        if target is not None:
            if target.scaling and previous is not None and previous.seconds:
                row.baseline, row.baseline_nodes = previous.seconds, previous.nodes
                row.ratio = row.seconds / row.baseline
                if self.reference_ratio and step != REFERENCE_STEP:
                    row.per_pass = row.ratio / self.reference_ratio
            row.target, row.verdict = target.text, target.judge(row)
            linear = row.per_pass is not None and row.per_pass <= SCALING_SLACK
            if row.verdict == "MISS" and row.seconds < ANALYSIS_MAX_SECONDS and linear:
                row.note = (row.note + "; " if row.note else "") + "grows no faster than the reference pass"
        if options.memory == "tracemalloc":
            row.peak_mb = _traced_peak_mb(partial(_answer, work), options.step_timeout)
        if options.profile and options.profile in step:
            _profile(step, self.size, work)
        return self.add(row, result)

    def missing(self, step: str, why: str) -> None:
        self.add(Row(step, self.size, self.nodes, None, verdict="missing", note=why))

    def add(self, row: Row, result: Any = None) -> Any:
        """Record a row (and show it at once on stderr); returns ``result`` for convenience."""
        self.rows.append(row)
        print(_format_row(row), file=sys.stderr, flush=True)
        return result


def _answer(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except GraphError as error:
        return error


# --- sections ------------------------------------------------------------------------------------


def load_section(run: SizeRun) -> None:
    """Read + validate + build, against json.load + MultiDiGraph, run alternately (best of each)."""
    options = run.options
    rounds = 1 if options.once else (2 if run.nodes >= 50_000 else 3)
    timed = partial(_timed, clock=options.clock, repeat=False, timeout=None, rss=options.memory == "rss")
    base_runs: list[Timing] = []
    real_runs: list[tuple[Timing, dict[str, float]]] = []
    for _ in range(rounds):
        graph, timing = timed(partial(_baseline_graph, run.data_dir))
        base_runs.append(timing)
        del graph  # freed outside the timing, as the real graph is
        run.graph = None
        parts: dict[str, float] = {}
        run.graph, timing = timed(partial(_load_in_parts, run.data_dir, parts, CLOCKS[options.clock]))
        real_runs.append((timing, parts))
    base = min(base_runs, key=lambda timing: timing.seconds)
    real, parts = min(real_runs, key=lambda item: item[0].seconds)
    # the first round allocates the most (later ones reuse memory the earlier graphs freed)
    base.peak_mb = max((timing.peak_mb for timing in base_runs if timing.peak_mb is not None), default=None)
    real.peak_mb = max((timing.peak_mb for timing, _ in real_runs if timing.peak_mb is not None), default=None)
    if options.memory == "tracemalloc":
        base.peak_mb = _traced_peak_mb(partial(_baseline_graph, run.data_dir), None)
        real.peak_mb = _traced_peak_mb(partial(_load_in_parts, run.data_dir, {}, time.process_time), None)
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
        _profile("load_dataset", run.size, partial(load_dataset, run.data_dir))
        dataset = load_dataset(run.data_dir)
        _profile("build_graph", run.size, partial(build_graph, dataset))


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


def analysis_section(run: SizeRun) -> None:
    """Every analysis the app and CLI offer, each against itself at the previous size."""
    from graph.analysis import communities, gaps, metrics, paths, search
    from graph.analysis.overlaps import overlaps

    G = run.graph
    if G is None:
        raise RuntimeError("the load section must run first")
    probe = _probes(G)
    reference = Target("(reference)", lambda row: "—", scaling=True)
    if run.measure(REFERENCE_STEP, partial(one_pass, G), target=reference) is not None:
        run.reference_ratio = run.rows[-1].ratio
    target = near_linear(ANALYSIS_MAX_SECONDS)
    for node_type in ("strand", "organisation", "topic"):
        run.measure(f"overlaps({node_type})", partial(overlaps, G, node_type), target=target)
    duplicates = _optional("graph.analysis.duplicates", "duplicates")
    if duplicates is None:
        run.missing("duplicates", "graph.analysis.duplicates.duplicates is not importable")
    else:
        run.measure("duplicates", partial(duplicates, G), target=target)
    run.measure("gaps", partial(gaps.gaps, G, seed=0), target=target)
    run.measure("communities", partial(communities.communities, G, seed=0), target=target)
    run.measure("shortest_paths(k=3)", partial(paths.shortest_paths, G, *probe["path"], k=3), target=target)
    run.measure("neighbourhood(depth=2)", partial(paths.neighbourhood, G, probe["centre"], 2), target=target)
    run.measure("consensus", partial(metrics.consensus, G), target=target)
    run.measure("centrality", partial(metrics.centrality, G), target=target)
    run.measure("stats", partial(metrics.stats, G), target=target)
    run.measure("coverage_matrix", partial(metrics.coverage_matrix, G), target=target)
    run.measure("search_nodes", partial(search.search_nodes, G, probe["query"]), target=target)
    run.measure("resolve_node(typo)", partial(search.resolve_node, G, probe["typo"]), target=target)


REFERENCE_STEP = "reference: one pass over the graph"


def one_pass(G: nx.MultiDiGraph) -> int:
    """The reference linear step: a breadth-first walk reading every node's and edge's data once.

    How this grows from one size to the next is what "linear" costs on this machine: walking a
    graph jumps around memory, and at 100k nodes (1.6 GB) caches help far less than at 10k, so
    even this grows faster than the node count. The ``÷pass`` column divides each step's growth
    by it.
    """
    seen: set[str] = set()
    touched = 0
    for start in G:
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            node = queue.popleft()
            touched += len(G.nodes[node])
            for other, keyed in G.succ[node].items():
                touched += sum(len(data) for data in keyed.values())
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
            for other in G.pred[node]:
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    return touched


def layout_section(run: SizeRun) -> None:
    """The layout (absolute target up to 10k nodes) and the drawing payload built from it."""
    from graph.picture.layout import compute_layout
    from graph.picture.render import vis_payload

    G = run.graph
    if G is None:
        raise RuntimeError("the load section must run first")
    layout_target = under(LAYOUT_MAX_SECONDS, up_to=LAYOUT_TARGET_UP_TO)
    run.positions = run.measure("compute_layout", partial(compute_layout, G, seed=0), target=layout_target)
    if run.positions is not None:
        run.measure("vis_payload", partial(vis_payload, G, run.positions), target=near_linear(ANALYSIS_MAX_SECONDS))


def save_section(run: SizeRun) -> None:
    """One save of the whole dataset, as every edit does (reported, no target)."""
    dataset = load_dataset(run.data_dir)
    with tempfile.TemporaryDirectory(prefix="kg-bench-save-") as scratch:
        run.measure("save_dataset (per edit)", partial(save_dataset, scratch, dataset))


#: The sections, in the order they run at every size. Add the app's measurements here
#: (see the module docstring); ``load`` always runs first, as the others need its graph.
def app_section(run: SizeRun) -> None:
    from bench.app import app_section as measure_app

    measure_app(run)


SECTIONS: dict[str, Callable[[SizeRun], None]] = {
    "load": load_section,
    "analyses": analysis_section,
    "layout": layout_section,
    "save": save_section,
    "app": app_section,
}


def _probes(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Deterministic inputs for the steps that take names: far-apart path ends, a query, a typo."""
    by_type: dict[str, list[str]] = {}
    for node, kind in G.nodes(data="type"):
        by_type.setdefault(kind, []).append(node)
    for members in by_type.values():
        members.sort()
    everything = sorted(G)
    start = (by_type.get("quote") or everything)[0]
    end = (by_type.get("barrier") or everything)[-1]
    topics = by_type.get("topic") or everything
    centre = topics[len(topics) // 2]
    words = str(G.nodes[centre].get("label") or centre).split()
    strands = by_type.get("strand") or everything
    name = str(G.nodes[strands[len(strands) // 2]].get("label") or "")
    typo = name[:2] + name[3] + name[2] + name[4:] if len(name) > 4 else name + "x"  # two letters swapped
    return {"path": (start, end), "centre": centre, "query": " ".join(words[:2]), "typo": typo}


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except (ImportError, AttributeError):
        return None


# --- data ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _data_for(size: str, seed: int, keep: Path | None) -> Iterator[tuple[Path, int]]:
    """The data directory for a size ("data": the shipped data) and its node count."""
    if size == "data":
        document = json.loads((SHIPPED_DATA / NODES_FILE).read_text(encoding="utf-8"))
        yield SHIPPED_DATA, len(document["nodes"])
        return
    n_nodes = int(size)
    if keep is None:
        with tempfile.TemporaryDirectory(prefix=f"kg-bench-{n_nodes}-") as scratch:
            _generate(n_nodes, seed, Path(scratch))
            yield Path(scratch), n_nodes
        return
    directory = keep / f"synthetic-{n_nodes}-seed{seed}"
    stamp = _generator_stamp(n_nodes, seed)
    if not (directory / "stamp").is_file() or (directory / "stamp").read_text() != stamp:
        directory.mkdir(parents=True, exist_ok=True)
        _generate(n_nodes, seed, directory)
        (directory / "stamp").write_text(stamp)
    yield directory, n_nodes


def _generate(n_nodes: int, seed: int, directory: Path) -> None:
    started = time.perf_counter()
    dataset = make_dataset(n_nodes, seed=seed)
    made = time.perf_counter()
    save_dataset(directory, dataset)
    print(
        f"# generated {len(dataset.nodes):,} nodes, {len(dataset.edges):,} edges: "
        f"{made - started:.1f} s to make, {time.perf_counter() - made:.1f} s to save (not timed)",
        file=sys.stderr,
        flush=True,
    )


def _generator_stamp(n_nodes: int, seed: int) -> str:
    """Names the data a kept directory holds: its size, seed and the generator's source."""
    source = (Path(__file__).parent / "synthetic.py").read_bytes()
    return f"{n_nodes} {seed} {hashlib.sha256(source).hexdigest()}\n"


# --- the whole run -------------------------------------------------------------------------------


def run_benchmark(options: argparse.Namespace) -> list[Row]:
    """Every section at every size, in one process; returns all rows."""
    rows: list[Row] = []
    previous: dict[str, Row] = {}
    for size in options.sizes:
        with _data_for(size, options.seed, options.keep_data) as (data_dir, n_nodes):
            label = f"data ({n_nodes})" if size == "data" else _short(n_nodes)
            run = SizeRun(label, n_nodes, data_dir, options, {} if size == "data" else previous)
            for name in options.sections:
                SECTIONS[name](run)
            max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
            run.add(Row("process max RSS so far", label, n_nodes, None, note=f"{max_rss:,.0f} MB (getrusage)"))
            rows.extend(run.rows)
            if size != "data":
                previous = {row.step: row for row in run.rows}
            run.graph = run.positions = None
            _settle()
    return rows


_COLUMNS = (
    ("step", "<36"),
    ("size", ">10"),
    ("cpu s", ">7"),
    ("wall s", ">7"),
    ("baseline", ">8"),
    ("ratio", ">7"),
    ("÷pass", ">6"),
    ("target", "<20"),
    ("verdict", "<8"),
    ("gc s", ">5"),
    ("peak MB", ">7"),
)


def format_table(rows: list[Row]) -> str:
    """The results as a fixed-width text table, one line per row."""
    header = " ".join(f"{name:{spec}}" for name, spec in _COLUMNS) + "  note"
    return "\n".join([header, "-" * len(header), *(_format_row(row) for row in rows)])


def _format_row(row: Row) -> str:
    def number(value: float | None, digits: int) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    cells = (
        row.step,
        row.size,
        number(row.cpu, 3),
        number(row.wall, 3),
        number(row.baseline, 3),
        "—" if row.ratio is None else f"{row.ratio:.2f}x",
        "—" if row.per_pass is None else f"{row.per_pass:.2f}",
        row.target,
        row.verdict,
        number(row.gc, 2),
        number(row.peak_mb, 0),
    )
    line = " ".join(f"{cell:{spec}}" for cell, (_, spec) in zip(cells, _COLUMNS, strict=True))
    return f"{line}  {row.note}".rstrip()


LEGEND = """\
baseline  load+validate+build: json.load + MultiDiGraph of the same files, run alternately with it;
          other steps with a target: the same step at the previous synthetic size (ratio = scaling).
target    ≤2.5x base @100k: within 2.5x of the baseline, judged at 100k nodes and up;
          ≤12x/10x, <10s: under 10 s, and from 10k nodes up at most 1.2x the growth in nodes;
          <5s up to 10k: the layout's absolute target (above 10k the scaling is only reported).
cpu s     this process's CPU seconds; wall s: wall-clock seconds; best of up to 5 runs for quick steps.
          baseline, ratio and the verdicts use {clock} seconds; gc s: the garbage collector's part.
÷pass     a step's growth since the previous size / the reference pass's growth (~1: linear).
peak MB   {memory}"""

_MEMORY_LEGEND = {
    "rss": "peak resident set size while the step ran above the RSS at its start (sampled from /proc).",
    "tracemalloc": "peak of Python-tracked allocations in a separate, untimed run of the step.",
    "off": "not measured (--memory off).",
}


def _short(n_nodes: int) -> str:
    if n_nodes >= 1000 and n_nodes % 1000 == 0:
        return f"{n_nodes // 1000}k"
    return str(n_nodes)


def _environment(started: float, options: argparse.Namespace) -> dict[str, Any]:
    try:
        load: tuple[float, ...] | None = tuple(round(value, 2) for value in os.getloadavg())
    except OSError:
        load = None
    return {
        "python": platform.python_version(),
        "networkx": nx.__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_at_end": load,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "total_seconds": round(time.perf_counter() - started, 1),
        "sizes": options.sizes,
        "sections": options.sections,
        "memory": options.memory,
        "clock": options.clock,
        "seed": options.seed,
    }


def _sizes(text: str) -> list[str]:
    sizes = []
    for part in (part.strip().lower().replace("_", "") for part in text.split(",")):
        if part == "data":
            sizes.append(part)
        elif part.endswith("k") and part[:-1].isdigit():
            sizes.append(str(int(part[:-1]) * 1000))
        elif part.isdigit():
            sizes.append(str(int(part)))
        else:
            raise argparse.ArgumentTypeError(f"not a size: {part!r} (use node counts such as 1000 or 10k, or 'data')")
    return sizes


def _sections(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    return ["load", *(name for name in names if name != "load")]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__.splitlines()[0],
        epilog="Exit status 1 when a target is missed, a step times out or fails; 0 otherwise.",
    )
    parser.add_argument("--sizes", type=_sizes, help=f"comma-separated node counts or 'data' (default {DEFAULT_SIZES})")
    parser.add_argument("--quick", action="store_true", help=f"the sizes {QUICK_SIZES} (unless --sizes is given)")
    parser.add_argument(
        "--sections", type=_sections, default=_sections(DEFAULT_SECTIONS),
        help=f"comma-separated, from {', '.join(SECTIONS)} (default {DEFAULT_SECTIONS}; load always runs first)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write every row and the environment to this file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default 0)")
    parser.add_argument("--keep-data", type=Path, metavar="DIR", help="generate the synthetic data here once, reuse it")
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="cpu", help="the clock ratios use (default cpu)")
    parser.add_argument("--memory", choices=("rss", "tracemalloc", "off"), default="rss", help="see the module docs")
    parser.add_argument("--step-timeout", type=float, default=STEP_TIMEOUT_SECONDS, metavar="SECONDS")
    parser.add_argument("--profile", metavar="STEP", help="print a cProfile of the steps whose name contains STEP")
    parser.add_argument("--once", action="store_true", help="run every step once (no best-of repeats)")
    options = parser.parse_args(argv)
    if options.sizes is None:
        options.sizes = _sizes(QUICK_SIZES if options.quick else DEFAULT_SIZES)
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    started = time.perf_counter()
    rows = run_benchmark(options)
    environment = _environment(started, options)
    print(format_table(rows))
    print()
    print(LEGEND.format(memory=_MEMORY_LEGEND[options.memory], clock=options.clock.upper()))
    print(
        f"\n{environment['cpus']} CPUs, load average at the end {environment['load_average_at_end']}, "
        f"process max RSS {environment['max_rss_mb']:,} MB, {environment['total_seconds']} s in all."
    )
    if options.json:
        document = {"environment": environment, "rows": [asdict(row) for row in rows]}
        options.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = [row for row in rows if row.verdict in ("MISS", "timeout", "error")]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
