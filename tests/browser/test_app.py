"""The explorer (app.py) in a real Chromium: it draws the report's graph, a click selects,
a link reopens the view, and nothing is fetched from another machine."""

from __future__ import annotations

import json
import time

import pytest

from graph.data.store import load_dataset
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def node_count() -> int:
    return len(load_dataset(DATA_DIR).nodes)


def _open(page, url, network_frame):
    started = time.monotonic()
    page.goto(url)
    frame = network_frame(page, timeout=60)
    page.wait_for_function(
        "() => window.kgNetwork && Object.keys(window.kgNetwork.getPositions()).length > 0", timeout=60000
    )
    return frame, time.monotonic() - started


def test_app_draws_the_report_graph_offline(page, streamlit_server, network_frame, node_count, artifacts):
    url = streamlit_server(script="app.py")
    frame, seconds = _open(page, url, network_frame)
    drawn = frame.evaluate("() => Object.keys(window.kgNetwork.getPositions()).length")
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "app-overview.png")
    print(f"graph drawn {seconds:.2f} s after navigation")
    assert drawn == node_count
    assert page.blocked_requests == [] and page.blocked_websockets == []


def test_click_selects_a_node_and_the_link_reopens_it(
    page, browser, streamlit_server, network_frame, node_point, artifacts
):
    url = streamlit_server(script="app.py")
    frame, _ = _open(page, url, network_frame)
    page.mouse.click(*node_point(page, frame, "barrier:access"))
    heading = page.get_by_role("heading", name="Access", exact=True)
    heading.wait_for(timeout=20000)
    page.wait_for_function("() => location.search.includes('focus=')", timeout=10000)
    page.screenshot(path=artifacts / "app-selected.png")
    shared_link = page.url

    other = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        other.goto(shared_link)
        other.get_by_role("heading", name="Access", exact=True).wait_for(timeout=30000)
    finally:
        other.close()
    assert page.blocked_requests == []


def test_keyboard_users_can_choose_a_node_from_the_list(page, streamlit_server, network_frame):
    url = streamlit_server(script="app.py")
    _open(page, url, network_frame)
    box = page.get_by_role("combobox", name="Find a node")
    box.click()
    page.keyboard.type("Neglect")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Neglect", exact=True).wait_for(timeout=20000)
    # The details reach the page before the drawing restyles: give the drawing its moment.
    page.wait_for_function("() => window.kgNetwork.getSelectedNodes().length > 0", timeout=10000)
    selected = page.evaluate("() => window.kgNetwork.getSelectedNodes()")
    assert json.dumps(selected) == '["topic:neglect"]'
