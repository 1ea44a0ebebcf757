"""How the benchmark measures a step: CPU or wall clock, best of a few runs, garbage collector share, peak memory, a timeout; the row it reports and the target it is judged by."""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import ctypes
import gc
import io
import os
import pstats
import signal
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from graph.errors import GraphError

#: A quick step is repeated (best run kept) up to this many times, within this many seconds in all.
MOST_REPEATS = 5

CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}


REPEAT_BUDGET_SECONDS = 3.0


#: Default --step-timeout: a step still running after this long is stopped.
STEP_TIMEOUT_SECONDS = 90.0


ANALYSIS_MAX_SECONDS = 10.0


#: Allowed growth in time per growth in nodes: 1.2 means at most 12x the seconds for 10x the nodes.
SCALING_SLACK = 1.2


#: Scaling is judged only from this previous size up: below it, fixed costs and caches distort it.
SCALING_JUDGED_FROM = 10_000


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

    return Target(f"≤{max_ratio:g}x base @{short(from_nodes)}", judge)


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

    return Target(f"<{max_seconds:g}s up to {short(up_to)}", judge, scaling=True)


class StepTimeout(Exception):
    """A step ran past --step-timeout."""


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


def timed(
    work: Callable[[], Any], *, clock: str, repeat: bool, timeout: float | None, rss: bool
) -> tuple[Any, Timing]:
    """Run ``work`` once, or a few times if it is quick; its result and the best run's timing."""
    best: Timing | None = None
    peak: float | None = None
    spent = 0.0
    runs = 0
    while True:
        result = None  # let the previous result go before the next run
        settle()
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


def settle() -> None:
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


def traced_peak_mb(work: Callable[[], Any], timeout: float | None) -> float | None:
    """Peak of Python-tracked allocations while ``work`` runs once (untimed: tracing slows it down)."""
    settle()
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


def profile(step: str, size: str, work: Callable[[], Any]) -> None:
    profiler = cProfile.Profile()
    with contextlib.suppress(GraphError):
        profiler.runcall(work)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats(20)
    print(f"\n=== profile: {step} at {size} ===\n{out.getvalue()}", file=sys.stderr, flush=True)


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
            result, timing = timed(
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
            row.peak_mb = traced_peak_mb(partial(_answer, work), options.step_timeout)
        if options.profile and options.profile in step:
            profile(step, self.size, work)
        return self.add(row, result)

    def missing(self, step: str, why: str) -> None:
        self.add(Row(step, self.size, self.nodes, None, verdict="missing", note=why))

    def add(self, row: Row, result: Any = None) -> Any:
        """Record a row (and show it at once on stderr); returns ``result`` for convenience."""
        self.rows.append(row)
        print(format_row(row), file=sys.stderr, flush=True)
        return result


def _answer(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except GraphError as error:
        return error


REFERENCE_STEP = "reference: one pass over the graph"


COLUMNS = (
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


def format_row(row: Row) -> str:
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
    line = " ".join(f"{cell:{spec}}" for cell, (_, spec) in zip(cells, COLUMNS, strict=True))
    return f"{line}  {row.note}".rstrip()


def short(n_nodes: int) -> str:
    if n_nodes >= 1000 and n_nodes % 1000 == 0:
        return f"{n_nodes // 1000}k"
    return str(n_nodes)
