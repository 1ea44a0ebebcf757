"""The screen following the data, measured in Debian's Chromium with a projector page and a laptop
page open at once:

* lag: from a change committed (from the command line, or through the library the app writes
  with) until it is drawn on both pages, read from the pages' own clocks; median and worst of
  several writes. The target is 1 s. The baseline, measured in the same run: the average wait for
  a change to be noticed (half the server's watch, 0.1 s, and half the page's look, 0.5 s) plus
  the app's own round trip for a rerun (a widget change until the rerun's last message,
  ``bench.app.rerun_round_trip``);
* the server's CPU while both pages are open and nothing changes (each page fetches a small static
  file every half second, and the server's watcher looks at the store every 0.1 s: ``ui.live``),
  against a hello-world app (``bench/hello_app.py``) with two pages open for as long; what a page
  that looked with a Streamlit fragment as often would cost (``bench/timer_app.py``, an empty one)
  is shown beside it. Read from /proc: all the server's threads, user and system time.

    python -m bench.live                  # the shipped data (copied: the writes go to the copy)

Also runs as the ``live`` section of ``python -m bench.run``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.app import (
    CHROMIUM,
    HELLO_APP,
    ROOT,
    SERVERS,
    _browser,
    add_rows,
    format_rows,
    process_cpu,
    rerun_round_trip,
    served,
)

TIMER_APP = "bench/timer_app.py"

WRITES = 8
IDLE_SECONDS = 20.0
#: Targets: a change drawn on every open page within 1 s; an idle open page costs the server under
#: 1 % of a core (two: under 2 %).
LAG_TARGET = 1.0
IDLE_TARGET = 0.02
_DRAWN = "() => window.kgDrawings && window.kgDrawings.graph && window.kgDrawings.graph.info.size > 0"
# Records the page's wall clock when a node is first drawn (checked every 10 ms).
_WATCH = """(id) => { window.__kgSeen = null; clearInterval(window.__kgWatch);
  window.__kgWatch = setInterval(() => {
    const d = window.kgDrawings && window.kgDrawings.graph;
    if (d && d.info.has(id)) { window.__kgSeen = Date.now(); clearInterval(window.__kgWatch); }
  }, 10); }"""


@contextmanager
def _server(script: str, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """A Streamlit server (``bench.app.served``): its URL and process id (whose CPU time /proc gives)."""
    with served(script, env) as url:
        yield url, SERVERS[url]


def idle_cpu(browser, url: str, pid: int, ready_js: str, pages: list[tuple[str, dict]]) -> float:
    """The server's CPU share (seconds per second) while these pages are open and nothing changes."""
    opened = []
    try:
        for path, viewport in pages:
            page = browser.new_page(viewport=viewport)
            page.goto(url + path)
            page.wait_for_function(ready_js, timeout=120_000)
            opened.append(page)
        time.sleep(5)  # first reruns, caches, the drawing's own first messages
        start_cpu, start = process_cpu(pid), time.monotonic()
        time.sleep(IDLE_SECONDS)
        return (process_cpu(pid) - start_cpu) / (time.monotonic() - start)
    finally:
        for page in opened:
            page.close()


def lags(browser, url: str, data_dir: Path, writes: int = WRITES) -> list[float]:
    """For each write (every other one from the command line): seconds from its commit until both
    pages draw the new node (the later of the two)."""
    from graph.data import edit

    pages = []
    try:
        for path, viewport in (
            ("/?present=1", {"width": 1920, "height": 1080}),
            ("/?focus=topic:poverty", {"width": 1366, "height": 768}),
        ):
            page = browser.new_page(viewport=viewport)
            page.goto(url + path)
            page.wait_for_function(_DRAWN, timeout=120_000)
            pages.append(page)
        time.sleep(3)
        found = []
        for number in range(writes):
            node = f"organisation:bench-body-{number}"
            for page in pages:
                page.evaluate(_WATCH, node)
            if number % 2:
                sheet = data_dir / f"bench-{number}.csv"
                sheet.write_text(f"ID,Label,Type,Refs\n{node},Bench body {number},organisation,Workshop\n")
                done = subprocess.run(
                    [sys.executable, "-m", "graph", "import", str(sheet), "--data", str(data_dir), "--editor", "bench"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode:
                    raise RuntimeError(done.stderr)
            else:
                body = {"id": node, "type": "organisation", "label": f"Bench body {number}", "refs": ["Workshop"]}
                edit.add_node(data_dir, body, editor="bench", expected_version=edit.snapshot(data_dir)[1])
            committed = time.time()
            for page in pages:
                page.wait_for_function("() => window.__kgSeen !== null", timeout=30_000, polling=50)
            seen = max(page.evaluate("() => window.__kgSeen") for page in pages) / 1000
            found.append(max(0.0, seen - committed))
            time.sleep(1.5)  # apart: each write is its own change
        return found
    finally:
        for page in pages:
            page.close()


def _follow_seconds() -> float:
    """The page's look plus the server's watch, in seconds (read from the app's source: importing ui
    needs a Streamlit run); a change waits on average half of this to be noticed."""
    text = (ROOT / "ui" / "live.py").read_text(encoding="utf-8")

    def value(name: str) -> float:
        line = next(line for line in text.splitlines() if line.startswith(name))
        return float(line.split("=", 1)[1].split("#")[0])

    return value("LOOK_MS") / 1000 + value("WATCH_SECONDS")


def measure(data_dir: Path = ROOT / "data") -> list[dict[str, Any]]:
    """The lag and the idle CPU, each with its baseline and ratio."""
    from graph.data.store import load_dataset, save_dataset

    if not Path(CHROMIUM).exists():
        return [{"step": "live figures", "verdict": f"skipped: no Chromium at {CHROMIUM}"}]
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "data"
        copy.mkdir()
        save_dataset(copy, load_dataset(data_dir))
        env = {"KG_DATA_DIR": str(copy), "KG_CACHE_DIR": str(Path(scratch) / "cache")}
        two_pages = [("/?present=1", {"width": 1920, "height": 1080}), ("/", {"width": 1366, "height": 768})]
        with sync_playwright() as playwright:
            browser = _browser(playwright)
            try:
                with _server("app.py", env) as (url, pid):
                    found = rerun_round_trip(browser, f"{url}/?focus=topic:poverty", _DRAWN, "Neighbourhood depth")
                    rerun = found["seconds"]
                    app_idle = idle_cpu(browser, url, pid, _DRAWN, two_pages)
                    lagged = lags(browser, url, copy)
                hello = "() => [...document.querySelectorAll('p')].some((p) => p.textContent.includes('Hello'))"
                with _server(TIMER_APP, {"KG_BENCH_EVERY": "0.5"}) as (url, pid):
                    timer_idle = idle_cpu(browser, url, pid, hello, two_pages)
                with _server(HELLO_APP, {}) as (url, pid):
                    hello_idle = idle_cpu(browser, url, pid, hello, two_pages)
            finally:
                browser.close()
    expected = _follow_seconds() / 2 + rerun
    median, worst = statistics.median(lagged), max(lagged)
    return [
        _row(
            f"change drawn on 2 open pages, median of {len(lagged)} (s)",
            median,
            expected,
            f"<= {LAG_TARGET:g} s",
            median <= LAG_TARGET,
            "vs the wait to be noticed + a rerun",
        ),
        _row(
            "change drawn on 2 open pages, worst (s)",
            worst,
            expected,
            f"<= {LAG_TARGET:g} s + a rerun",
            worst <= LAG_TARGET + rerun,
            "vs the wait to be noticed + a rerun",
        ),
        _row(
            "server CPU, 2 pages open, idle (s/s)",
            app_idle,
            hello_idle,
            f"< {IDLE_TARGET / 2:.0%} of a core per page",
            app_idle < IDLE_TARGET,
            f"vs a hello-world app, 2 pages (an empty fragment every 0.5 s instead: {timer_idle:.2%} of a core)",
        ),
    ]


def _row(step: str, value: float, baseline: float, target: str, ok: bool, against: str) -> dict[str, Any]:
    return {
        "step": step,
        "value": value,
        "baseline": baseline,
        "ratio": value / baseline if baseline else None,
        "target": target,
        "verdict": "ok" if ok else "MISSED",
        "against": against,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="data folder (default: the shipped data)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = parser.parse_args(argv)
    rows = measure(args.data.resolve())
    print(format_rows(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


def live_section(run) -> None:
    """The ``live`` section of ``python -m bench.run``: on the shipped data only."""
    if not run.size.startswith("data"):
        return
    add_rows(
        run,
        measure(run.data_dir),
        ratio_only=lambda row: "CPU" in row["step"],
        note=lambda row: f"app {row['value']:.2%}, hello-world {row['baseline']:.2%} of a core; {row['against']}",
        against=lambda row: row["against"],
    )
