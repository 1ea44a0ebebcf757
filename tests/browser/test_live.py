"""The screen follows the data: a projector page and a laptop page open at once; changes written from
the command line and from the other page are drawn on both within the time, each page keeping its
view (link, zoom) and its selection; what arrives is marked; nobody clicks anything on the page that
follows. (A timer's rerun used to put back a form's values just after "Add node" cleared them, and
the selection with them: the last checks pin that.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from graph.data.store import load_dataset, save_dataset
from tests.conftest import DATA_DIR, ROOT

pytestmark = pytest.mark.browser

PASSCODE = "tea-and-biscuits"
#: How long a page may take to show a change here (the target is 1 s; this shared machine is noisy:
#: the benchmark measures the lag itself).
WAIT_MS = 6000


@pytest.fixture(scope="module")
def live_data(tmp_path_factory) -> str:
    data_dir = tmp_path_factory.mktemp("live-data")
    save_dataset(data_dir, load_dataset(DATA_DIR))
    return str(data_dir)


def _drawn(page, node_id: str) -> bool:
    return page.evaluate(
        "(id) => Boolean(window.kgDrawings && window.kgDrawings.graph && window.kgDrawings.graph.info.has(id))", node_id
    )


def _wait_drawn(page, node_id: str) -> float:
    start = time.monotonic()
    page.wait_for_function(
        "(id) => window.kgDrawings && window.kgDrawings.graph && window.kgDrawings.graph.info.has(id)",
        arg=node_id,
        timeout=WAIT_MS,
    )
    return time.monotonic() - start


def _state(page) -> dict:
    """What a person would check: the link (view), the selection in the drawing, the zoom."""
    return page.evaluate(
        """() => { const d = window.kgDrawings.graph;
            return {focus: d.highlight.focus, scale: Math.round(d.network.getScale() * 1000) / 1000,
                    params: new URLSearchParams(window.location.search).toString()}; }"""
    )


def _view_params(state: dict) -> str:
    # the data version the link records moves on with the data; the rest of the view must not
    return "&".join(p for p in state["params"].split("&") if not p.startswith("version="))


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(
        "() => window.kgDrawings && window.kgDrawings.graph && window.kgDrawings.graph.info.size > 0", timeout=60000
    )
    page.wait_for_timeout(1500)  # the first rerun is over (the page's first follow)


def _import(data_dir: str, csv: str, name: str, tmp_path) -> None:
    path = tmp_path / name
    path.write_text(csv, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "graph", "import", str(path), "--data", data_dir, "--editor", "CLI"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_projector_and_a_laptop_follow_changes_from_the_command_line_and_each_other(
    browser, streamlit_server, live_data, artifacts, tmp_path
):
    url = streamlit_server(script="app.py", env={"KG_DATA_DIR": live_data, "KG_EDIT_PASSCODE": PASSCODE})
    projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    laptop = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    try:
        _open(projector, url + "/?present=1&scene=scene:what-the-sector-wants")
        _open(laptop, url + "/?focus=topic:poverty&depth=2")
        before = {"projector": _state(projector), "laptop": _state(laptop)}
        assert before["laptop"]["focus"] == "topic:poverty"

        # 1. From the command line: a body the room named, linked to Poverty.
        _import(live_data, "Label,Type,Refs\nKinship Care Alliance,organisation,Workshop\n", "nodes.csv", tmp_path)
        _import(
            live_data, "From,To,Type,Refs\nKinship Care Alliance,Poverty,works on,Workshop\n", "links.csv", tmp_path
        )
        new = "organisation:kinship-care-alliance"
        lags = {"laptop": _wait_drawn(laptop, new)}
        laptop.wait_for_function(
            "(id) => ((window.kgMarks || {}).graph || {}).arrived && window.kgMarks.graph.arrived.nodes[id] === 'added'",
            arg=new,
            timeout=WAIT_MS,
        )
        laptop.screenshot(path=artifacts / "live-laptop-after-cli.png")
        scene_nodes = projector.evaluate("() => [...window.kgDrawings.graph.info.keys()]")
        # The projector shows a scene (a filtered view of the data): it follows the data, and draws
        # the new body only where the scene would show it.
        projector.wait_for_timeout(1500)
        projector.screenshot(path=artifacts / "live-projector-after-cli.png")
        for name, page in (("projector", projector), ("laptop", laptop)):
            after = _state(page)
            assert _view_params(after) == _view_params(before[name]), name
            assert after["focus"] == before[name]["focus"], name
            assert after["scale"] == pytest.approx(before[name]["scale"], rel=0.02), name
        assert re.search(r"(^|&)version=2(&|$)", _state(laptop)["params"])  # the link records the data version

        # 2. The projector on the whole graph; the laptop's facilitator adds a node and a link.
        projector.goto(url + "/?present=1")
        projector.wait_for_function(
            "(id) => window.kgDrawings && window.kgDrawings.graph.info.has(id)", arg=new, timeout=60000
        )
        projector.wait_for_timeout(1500)
        before["projector"] = _state(projector)
        laptop.get_by_test_id("stExpandSidebarButton").click()
        laptop.get_by_text("Facilitator editing").click()
        laptop.get_by_role("textbox", name="Facilitator passcode").fill(PASSCODE)
        laptop.get_by_role("button", name="Unlock editing").click()
        laptop.get_by_role("textbox", name="Your name").fill("Sam")
        laptop.get_by_role("textbox", name="Your name").press("Enter")
        laptop.get_by_role("textbox", name="Session name").fill("Leeds workshop")
        laptop.get_by_role("button", name="Begin the session").click()
        laptop.get_by_text("Session:").wait_for(timeout=20000)
        laptop.get_by_role("tab", name="Edit").click()
        laptop.get_by_text("Add a node", exact=True).click()
        laptop.get_by_role("textbox", name="Label").fill("Grandparents Plus")
        laptop.get_by_role("textbox", name="Label").press("Enter")
        laptop.get_by_role("button", name="Add node").click()
        grand = "topic:grandparents-plus"
        start = time.monotonic()
        laptop.get_by_text("Added the topic Grandparents Plus").wait_for(timeout=20000)
        projector.wait_for_function("(id) => window.kgDrawings.graph.info.has(id)", arg=grand, timeout=WAIT_MS)
        lags["projector (from the other page)"] = time.monotonic() - start
        # the new node is selected on the page that added it, and labelled in full
        laptop.wait_for_function("(id) => window.kgDrawings.graph.highlight.focus === id", arg=grand, timeout=20000)
        assert laptop.get_by_role("textbox", name="Label").input_value() == ""  # the form is ready for the next
        laptop.wait_for_function(
            "(id) => (window.kgLabels.graph || []).some((l) => l.id === id && l.text.replace(/\\n/g, ' ') === "
            "'Grandparents Plus')",
            arg=grand,
            timeout=20000,
        )
        projector.wait_for_timeout(600)
        projector.screenshot(path=artifacts / "live-projector-after-laptop.png")
        laptop.screenshot(path=artifacts / "live-laptop-added-node.png")
        after = _state(projector)
        assert _view_params(after) == _view_params(before["projector"])
        assert after["focus"] == before["projector"]["focus"]
        log = [json.loads(line) for line in (ROOT / live_data / "changes.jsonl").read_text().splitlines()]
        assert [e["action"] for e in log][-1] == "add_node" and log[-1]["editor"] == "Sam"
        assert log[-1]["after"]["attributes"]["session"] == "Leeds workshop"  # said in the room
        print("lags (s):", {k: round(v, 2) for k, v in lags.items()}, "scene drew", len(scene_nodes), "nodes")
    finally:
        projector.context.close()
        laptop.context.close()
