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
import hashlib
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import networkx as nx

from bench.analyses import analysis_section, layout_section
from bench.load import load_section, save_section
from bench.measure import CLOCKS, COLUMNS, STEP_TIMEOUT_SECONDS, Row, SizeRun, format_row, settle, short
from bench.stores import stores_section
from bench.synthetic import make_dataset
from graph.data.files import NODES_FILE
from graph.data.store import save_dataset

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_DATA = ROOT / "data"
DEFAULT_SIZES = "data,1000,10000,100000"
QUICK_SIZES = "data,1000,10000"
DEFAULT_SECTIONS = "load,analyses,layout,stores,app,live"




# --- results -------------------------------------------------------------------------------------












# --- timing --------------------------------------------------------------------------------------






















# --- one size ------------------------------------------------------------------------------------






# --- sections ------------------------------------------------------------------------------------


















#: The sections, in the order they run at every size. Add the app's measurements here
#: (see the module docstring); ``load`` always runs first, as the others need its graph.
def app_section(run: SizeRun) -> None:
    from bench.app import app_section as measure_app  # needs playwright: only when asked for

    measure_app(run)


def live_section(run: SizeRun) -> None:
    from bench.live import live_section as measure_live  # needs playwright: only when asked for

    measure_live(run)


SECTIONS: dict[str, Callable[[SizeRun], None]] = {
    "load": load_section,
    "analyses": analysis_section,
    "layout": layout_section,
    "save": save_section,
    "stores": stores_section,
    "app": app_section,
    "live": live_section,
}






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
            label = f"data ({n_nodes})" if size == "data" else short(n_nodes)
            run = SizeRun(label, n_nodes, data_dir, options, {} if size == "data" else previous)
            for name in options.sections:
                SECTIONS[name](run)
            max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
            run.add(Row("process max RSS so far", label, n_nodes, None, note=f"{max_rss:,.0f} MB (getrusage)"))
            rows.extend(run.rows)
            if size != "data":
                previous = {row.step: row for row in run.rows}
            run.graph = run.positions = None
            settle()
    return rows




def format_table(rows: list[Row]) -> str:
    """The results as a fixed-width text table, one line per row."""
    header = " ".join(f"{name:{spec}}" for name, spec in COLUMNS) + "  note"
    return "\n".join([header, "-" * len(header), *(format_row(row) for row in rows)])




LEGEND = """\
baseline  load+validate+build: json.load + MultiDiGraph of the same files, run alternately with it;
          other steps with a target: the same step at the previous synthetic size (ratio = scaling).
target    ≤2.5x base @100k: within 2.5x of the baseline, judged at 100k nodes and up;
          ≤12x/10x, <10s: under 10 s, and from 10k nodes up at most 1.2x the growth in nodes;
          <5s up to 10k: the layout's absolute target (above 10k the scaling is only reported).
cpu s     this process's CPU seconds; wall s: wall-clock seconds; best of up to 5 runs for quick steps.
          baseline, ratio and the verdicts use {clock} seconds; gc s: the garbage collector's part.
÷pass     a step's growth since the previous size / the reference pass's growth (~1: linear).
store:    the data folder and PostgreSQL side by side (wall clock): a database row's baseline is the
          same step on the folder; ≤30s: the most a 100k-node graph may take to load.
peak MB   {memory}"""

_MEMORY_LEGEND = {
    "rss": "peak resident set size while the step ran above the RSS at its start (sampled from /proc).",
    "tracemalloc": "peak of Python-tracked allocations in a separate, untimed run of the step.",
    "off": "not measured (--memory off).",
}




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
