"""What the room changed, as a person sees it: the view since the session began (added and changed
elements marked, removed ones drawn as ghosts, counts and rows that select), an old link that says
how many changes were made since, and the import preview with its suggestions."""

from __future__ import annotations

import re

import pytest

from graph.data import edit
from graph.data.history import begin_session, current_session, room_attributes, room_ref
from graph.data.store import load_dataset, save_dataset
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser

PASSCODE = "tea-and-biscuits"
NEW = "organisation:kinship-care-alliance"
GONE = "initiative:mash"


@pytest.fixture(scope="module")
def workshop_data(tmp_path_factory) -> str:
    """The shipped data, then a session: a body added and linked, a description changed, MASH deleted."""
    data_dir = tmp_path_factory.mktemp("room-data")
    save_dataset(data_dir, load_dataset(DATA_DIR))
    begin_session(data_dir, "Leeds workshop", "2026-12-03", editor="Sam")
    session = current_session(edit.read_changelog(data_dir))
    said = {"refs": [room_ref(session)], "attributes": room_attributes(session, "Sam")}
    version = edit.snapshot(data_dir)[1]
    body = {"id": NEW, "type": "organisation", "label": "Kinship Care Alliance", **said}
    version = edit.add_node(data_dir, body, editor="Sam", expected_version=version).version
    for topic in ("topic:poverty", "topic:fathers"):
        link = {"source": NEW, "target": topic, "relation": "works_on", "basis": "room", **said}
        version = edit.add_edge(data_dir, link, editor="Sam", expected_version=version).version
    version = edit.update_node(
        data_dir, "topic:poverty", {"description": "Raised again in the room."}, editor="Ana", expected_version=version
    ).version
    edit.delete_node(data_dir, GONE, editor="Ana", expected_version=version)
    return str(data_dir)


def test_the_view_since_the_session_began_marks_what_changed_and_draws_removed_ones_as_ghosts(
    page, streamlit_server, workshop_data, artifacts
):
    url = streamlit_server(script="app.py", env={"KG_DATA_DIR": workshop_data})
    page.goto(url + "/?since=session&tab=changes")
    page.wait_for_function(
        "(id) => window.kgDrawings && window.kgDrawings.graph && window.kgDrawings.graph.info.has(id)",
        arg=GONE,
        timeout=60000,
    )
    marks = page.evaluate("() => window.kgMarks.graph.since")
    assert marks["nodes"] == {NEW: "added", "topic:poverty": "changed", GONE: "removed"}
    assert set(marks["edges"]) >= {f"{NEW}|works_on|topic:poverty", f"{NEW}|works_on|topic:fathers"}
    assert page.evaluate("(id) => window.kgDrawings.graph.info.get(id).ghost", GONE)
    assert not page.evaluate("(id) => window.kgDrawings.graph.info.get(id).ghost", NEW)
    counts = page.get_by_text(re.compile(r"^Since the start of the session Leeds workshop, 2026-12-03"))
    counts.first.wait_for(timeout=20000)
    text = counts.first.inner_text()
    assert "1 node and 2 links added; 1 node changed; 1 node and 3 links removed (5 changes logged)" in text
    page.get_by_role("button", name="Download the briefing").wait_for(timeout=20000)
    page.wait_for_timeout(800)
    page.screenshot(path=artifacts / "since-session-ghosts.png")

    # A row selects its element: the removed one, drawn where it was.
    _choose_row(page, 2)  # added Kinship Care Alliance, changed Poverty, removed MASH, ...
    page.wait_for_function("(id) => window.kgDrawings.graph.highlight.focus === id", arg=GONE, timeout=20000)
    assert "focus=initiative%3Amash" in page.url or "focus=initiative:mash" in page.url
    page.wait_for_timeout(600)
    page.screenshot(path=artifacts / "since-session-ghost-selected.png")
    assert page.blocked_requests == []


def test_an_old_link_says_how_many_changes_were_made_since_and_shows_them(page, streamlit_server, workshop_data):
    url = streamlit_server(script="app.py", env={"KG_DATA_DIR": workshop_data})
    page.goto(url + "/?focus=topic:fathers&version=1")
    notice = page.get_by_text("This link was made on version 1; 4 changes since.")
    notice.wait_for(timeout=60000)
    page.get_by_role("button", name="Show them").click()
    page.get_by_text(re.compile(r"^Since version 1")).first.wait_for(timeout=20000)
    page.wait_for_function("() => window.kgMarks && window.kgMarks.graph && window.kgMarks.graph.since", timeout=20000)
    assert re.search(r"since=1(&|$)", page.url) and "tab=changes" in page.url
    assert re.search(r"version=5(&|$)", page.url)  # the link now says what version it shows


def test_the_import_preview_suggests_what_a_misspelt_name_is(
    page, streamlit_server, workshop_data, artifacts, tmp_path
):
    url = streamlit_server(script="app.py", env={"KG_DATA_DIR": workshop_data, "KG_EDIT_PASSCODE": PASSCODE})
    page.goto(url)
    page.wait_for_function("() => window.kgDrawings && window.kgDrawings.graph", timeout=60000)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_text("Facilitator editing").click()
    page.get_by_role("textbox", name="Facilitator passcode").fill(PASSCODE)
    page.get_by_role("button", name="Unlock editing").click()
    page.get_by_role("textbox", name="Your name").fill("Sam")
    page.get_by_role("textbox", name="Your name").press("Enter")
    page.get_by_role("tab", name="Edit").click()
    page.get_by_text("Import", exact=True).click()
    sheet = tmp_path / "sticky-notes.csv"
    sheet.write_text(
        "From,To,Type,Refs\nGrandparents Plus,Povety,works on,Sticky notes\n"
        "Local Government Association,Fathers,works on,Sticky notes\n",
        encoding="utf-8",
    )
    page.locator("input[type=file]").set_input_files(str(sheet))
    page.get_by_text("name(s) in the file match no node").wait_for(timeout=30000)
    page.get_by_text("Incoming nodes").wait_for(timeout=20000)
    povety = page.locator("[data-testid='stSelectbox']").filter(has_text="'Povety' (row 2)")
    povety.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "import-preview-choices.png")
    povety.locator("input").click()
    option = page.get_by_role("option", name=re.compile(r"^It is Poverty \(topic:poverty\): 1 letter away"))
    option.wait_for(timeout=10000)
    assert page.get_by_role("option").first.inner_text().startswith("Keep its rows back")
    page.screenshot(path=artifacts / "import-preview-suggestions.png")
    option.click()
    page.get_by_text("Incoming nodes").scroll_into_view_if_needed()
    page.wait_for_timeout(1200)
    page.screenshot(path=artifacts / "import-preview-incoming.png")


def _choose_row(page, row: int) -> None:
    """Choose a row of the Changes table (a data grid drawn on a canvas: its row, by position)."""
    grid = page.locator(".st-key-kg_changes_table [data-testid='stDataFrame']").first
    grid.wait_for(timeout=20000)
    page.wait_for_timeout(800)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + row * 35 + 17)  # rows of 35 px under a header as tall
