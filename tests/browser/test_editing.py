"""Live capture in a real Chromium: a facilitator unlocks editing, adds the missed link, and a
second session sees it after a reload (the change is in the files, not in one session's memory)."""

from __future__ import annotations

import re

import pytest

from graph.data.edit import read_changelog
from graph.data.store import load_dataset, save_dataset
from graph.schema import edge_key
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser

PASSCODE = "tea-and-biscuits"
MISSED = edge_key("strand:event-coventry", "raised", "topic:child-development")
DRAWN = (
    "() => window.kgNetwork && window.kgNetwork.body.data.edges.get()"
    ".some(e => e.from === 'strand:event-coventry' && e.to === 'topic:child-development')"
)


@pytest.fixture(scope="module")
def editable(tmp_path_factory) -> str:
    data_dir = tmp_path_factory.mktemp("editable-data")
    save_dataset(data_dir, load_dataset(DATA_DIR))
    return str(data_dir)


def _open(page, url: str, network_frame) -> None:
    page.goto(url)
    network_frame(page, timeout=60)
    page.wait_for_function(
        "() => window.kgNetwork && Object.keys(window.kgNetwork.getPositions()).length > 0", timeout=60000
    )


def _choose(page, label: str, text: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.click()


def _links_shown(page) -> int:
    counts = page.get_by_text(re.compile(r"^Showing \d+ of \d+ nodes and \d+ links"))
    return int(re.search(r"and (\d+) links", counts.first.inner_text()).group(1))


def test_a_facilitator_adds_the_missed_link_and_another_session_sees_it(
    page, browser, streamlit_server, network_frame, editable, artifacts
):
    url = streamlit_server(script="app.py", env={"KG_DATA_DIR": editable, "KG_EDIT_PASSCODE": PASSCODE})
    viewer = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        _open(viewer, url, network_frame)
        assert viewer.get_by_role("tab", name="Edit").count() == 0
        before = _links_shown(viewer)

        _open(page, url, network_frame)
        page.get_by_test_id("stExpandSidebarButton").click()  # the sidebar starts closed
        page.get_by_text("Facilitator editing").click()
        page.get_by_role("textbox", name="Facilitator passcode").fill(PASSCODE)
        page.get_by_role("button", name="Unlock editing").click()
        page.get_by_role("tab", name="Edit", selected=True).wait_for(timeout=20000)
        page.get_by_role("textbox", name="Your name").fill("Sam")
        page.get_by_role("textbox", name="Your name").press("Enter")
        page.get_by_text("Enter your name in the sidebar first").wait_for(state="detached", timeout=20000)
        page.screenshot(path=artifacts / "editing-unlocked.png")

        _choose(page, "From", "Event Coventry")
        _choose(page, "To", "Child development")
        page.get_by_text("Will add: Event Coventry raised Child development").wait_for(timeout=20000)
        page.get_by_role("textbox", name="References").fill("Workshop 12 March")
        page.get_by_role("textbox", name="References").press("Enter")
        page.get_by_role("button", name="Add link").click()
        page.get_by_text("Added the link: Event Coventry raised Child development").wait_for(timeout=20000)
        page.wait_for_function(DRAWN, timeout=20000)
        page.get_by_role("button", name="Stop").wait_for(state="detached", timeout=20000)  # the rerun is over
        page.screenshot(path=artifacts / "editing-link-added.png")

        assert MISSED in {e.key for e in load_dataset(editable).edges}
        assert [(e["action"], e["editor"]) for e in read_changelog(editable)] == [("add_edge", "Sam")]

        viewer.reload()
        network_frame(viewer, timeout=60)
        viewer.wait_for_function(DRAWN, timeout=60000)
        assert _links_shown(viewer) == before + 1
        _choose(viewer, "Find a node", "Child development")
        viewer.get_by_role("heading", name="Child development", exact=True).wait_for(timeout=20000)
        viewer.get_by_text(re.compile(r"^Event Coventry · ")).first.wait_for(timeout=20000)
        viewer.screenshot(path=artifacts / "editing-second-session.png")
        assert page.blocked_requests == [] and page.dialogs == []
    finally:
        viewer.context.close()
