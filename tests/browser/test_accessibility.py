"""Accessibility of the explorer in Chromium: axe-core (from npm, injected into the page) finds no
serious or critical violation on any tab, with the sidebar open, or in presentation mode; and a
keyboard user can jump from Find a node to the details."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
DRAWN_JS = "() => window.kgNetwork && Object.keys(window.kgNetwork.getPositions()).length > 0"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  where: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary)}));
}"""

VIEWS = {
    "details": "/?focus=topic:trauma",
    "paths": "/?tab=paths&from=topic:trauma&to=strand:event-coventry",
    "overlaps": "/?tab=overlaps",
    "gaps": "/?tab=gaps",
    "gap-map": "/?tab=gap-map",
    "table": "/?tab=table",
    "about": "/?tab=about",
    "presentation": "/?present=1&scene=scene:where-they-agree",
}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is missing at {AXE}: CI runs npm ci in tests/js")
        pytest.skip("axe-core is not installed (npm ci in tests/js)")
    return AXE.read_text(encoding="utf-8")


def _serious(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("name", list(VIEWS))
def test_no_serious_accessibility_violation(page, streamlit_server, axe_source, artifacts, name):
    url = streamlit_server(script="app.py")
    page.goto(url + VIEWS[name])
    page.wait_for_function(DRAWN_JS, timeout=90_000)
    page.wait_for_timeout(1500)  # the panel's tables and the drawing settle
    page.screenshot(path=artifacts / f"axe-{name}.png")
    assert _serious(page, axe_source) == []


def test_no_serious_accessibility_violation_with_the_sidebar_open(page, streamlit_server, axe_source):
    url = streamlit_server(script="app.py")
    page.goto(url)
    page.wait_for_function(DRAWN_JS, timeout=90_000)
    page.get_by_test_id("stExpandSidebarButton").click()
    for name in ("Workshop", "Display"):
        page.get_by_text(name, exact=True).click()
    page.wait_for_timeout(1000)
    assert _serious(page, axe_source) == []


def test_a_keyboard_user_jumps_from_find_a_node_to_the_details(page, streamlit_server):
    url = streamlit_server(script="app.py")
    page.goto(url)
    page.wait_for_function(DRAWN_JS, timeout=90_000)
    page.get_by_role("combobox", name="Find a node").click()
    page.keyboard.type("Neglect")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Neglect", exact=True).wait_for(timeout=30_000)
    for _ in range(4):  # past the box's own clear button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.innerText") == "Skip to the details":
            break
    assert page.evaluate("() => document.activeElement.innerText") == "Skip to the details"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = page.evaluate("() => Boolean(document.activeElement.closest('[role=tabpanel]'))")
    assert inside, "the next Tab after the skip link should land in the details"
    top = page.get_by_role("heading", name="Neglect", exact=True).bounding_box()["y"]
    assert 0 <= top < page.viewport_size["height"]


def test_no_serious_accessibility_violation_on_the_edit_tab(page, streamlit_server, axe_source, tmp_path_factory):
    from graph.data.store import load_dataset, save_dataset
    from tests.conftest import DATA_DIR

    copy = tmp_path_factory.mktemp("axe-edit-data")
    save_dataset(copy, load_dataset(DATA_DIR))
    url = streamlit_server(script="app.py", env={"KG_DATA_DIR": str(copy), "KG_EDIT_PASSCODE": "axe-passcode"})
    page.goto(url)
    page.wait_for_function(DRAWN_JS, timeout=90_000)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_text("Facilitator editing").click()
    page.get_by_role("textbox", name="Facilitator passcode").fill("axe-passcode")
    page.get_by_role("button", name="Unlock editing").click()
    page.get_by_role("tab", name="Edit", selected=True).wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    assert _serious(page, axe_source) == []
