"""Fixtures for driving a real Chromium against a running Streamlit app, offline.

- ``streamlit_server(script=..., env=...)`` starts ``streamlit run`` on a free local port
  from the project root (so ``.streamlit/config.toml`` applies) and returns its URL; each
  (script, env) pair is started once per session and stopped at the end.
- ``browser`` is Debian's Chromium driven by Playwright (never ``playwright install``).
- ``page`` is a fresh page whose every request is routed: requests to any host other than
  this machine are aborted and recorded in ``page.blocked_requests`` (and websockets to
  other hosts in ``page.blocked_websockets``), so a test can assert nothing left the machine.
  Dialogs (``alert`` from an injected script) are dismissed and recorded in ``page.dialogs``.

Helper fixtures (functions): ``network_frame(page)`` finds the frame whose window has
``kgNetwork``; ``node_point(page, frame, node_id)`` is where on the page a node is drawn.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

collect_ignore = ["demo_app.py"]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
DEMO_APP = "tests/browser/demo_app.py"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about"})


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A factory: ``url = streamlit_server(script="app.py", env={"KEY": "value"})``."""
    running: dict[tuple, tuple[str, subprocess.Popen]] = {}
    logs = tmp_path_factory.mktemp("streamlit-logs")

    def start(script: str = DEMO_APP, env: dict[str, str] | None = None) -> str:
        extra = dict(env or {})
        key = (script, tuple(sorted(extra.items())))
        if key in running:
            return running[key][0]
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = logs / f"streamlit-{port}.log"
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ]
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env={**os.environ, **extra}, stdout=out, stderr=subprocess.STDOUT
            )
        running[key] = (url, process)
        _wait_healthy(url, process, log)
        return url

    yield start
    for _, process in running.values():
        process.terminate()
    for _, process in running.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}: .ci/run should have installed it")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def offline_page(browser, width: int = 1400, height: int = 900):
    """A new context and page whose requests to any other host are aborted and recorded (see ``page``)."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    blocked: list[str] = []
    blocked_websockets: list[str] = []
    dialogs: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", route)
    new_page = context.new_page()
    new_page.on("websocket", lambda ws: None if is_local(ws.url) else blocked_websockets.append(ws.url))
    new_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    new_page.blocked_requests = blocked
    new_page.blocked_websockets = blocked_websockets
    new_page.dialogs = dialogs
    return context, new_page


@pytest.fixture
def page(browser):
    context, new_page = offline_page(browser)
    yield new_page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _network_frame(page, timeout: float = 30.0):
    """The first frame (the page itself or a child frame) whose window has ``kgNetwork``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.evaluate("() => Boolean(window.kgNetwork)"):
                    return frame
            except Exception:  # a frame navigating away; try the others
                continue
        page.wait_for_timeout(100)
    raise AssertionError("no frame has window.kgNetwork: the graph was not drawn")


def _node_point(page, frame, node_id: str) -> tuple[float, float]:
    """Page coordinates of the centre of a drawn node, once the view has stopped moving
    (a selection moves it); a node out of frame is brought into view first."""
    frame.wait_for_function(
        "() => !Object.values(window.kgDrawings || {}).some((drawing) => drawing.animating)", timeout=10000
    )
    point = frame.evaluate(
        """(id) => {
            const network = window.kgNetwork;
            const at = network.getPositions([id])[id];
            const box = network.body.container.getBoundingClientRect();
            let dom = network.canvasToDOM(at);
            if (dom.x < 20 || dom.y < 20 || dom.x > box.width - 20 || dom.y > box.height - 20) {
                network.moveTo({position: at, scale: network.getScale()});
                dom = network.canvasToDOM(at);
            }
            return {x: box.left + dom.x, y: box.top + dom.y};
        }""",
        node_id,
    )
    x, y = point["x"], point["y"]
    if frame != page.main_frame:
        offset = frame.frame_element().bounding_box()
        x, y = x + offset["x"], y + offset["y"]
    return x, y


@pytest.fixture(scope="session")
def network_frame():
    return _network_frame


@pytest.fixture(scope="session")
def node_point():
    return _node_point


@pytest.fixture(scope="session")
def sample_graph():
    """The hand-made datasets module beside this file (the demo app uses it too)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("kg_sample_graph", Path(__file__).with_name("sample_graph.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def overlapping_labels(labels: list[dict]) -> list[tuple[str, str]]:
    """The pairs of drawn labels (as ``window.kgLabels`` gives them) whose boxes overlap by more than half a pixel."""
    found = []
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            if (
                a["left"] < b["left"] + b["width"] - 0.5
                and b["left"] < a["left"] + a["width"] - 0.5
                and a["top"] < b["top"] + b["height"] - 0.5
                and b["top"] < a["top"] + a["height"] - 0.5
            ):
                found.append((a["id"], b["id"]))
    return found
