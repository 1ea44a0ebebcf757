"""Presentation mode on a projector-sized screen: no scrolling, a caption, stepping through scenes."""

from __future__ import annotations

import pytest

from graph.data.store import load_scenes
from tests.browser.conftest import offline_page
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser


@pytest.fixture
def projector(browser):
    context, page = offline_page(browser, 1920, 1080)
    yield page
    context.close()


def _drawn_count(page) -> int:
    return page.evaluate("() => Object.keys(window.kgNetwork.getPositions()).length")


def test_presentation_steps_through_the_tour_without_scrolling(projector, streamlit_server, artifacts):
    scenes = load_scenes(DATA_DIR)
    page = projector
    page.goto(streamlit_server(script="app.py") + "/?present=true")
    page.wait_for_function(
        "() => window.kgNetwork && Object.keys(window.kgNetwork.getPositions()).length > 0", timeout=60000
    )
    assert page.get_by_role("button", name="Leave presentation").is_visible()
    assert not page.get_by_text("Find a node").is_visible()  # the controls are hidden

    counts = []
    for index, scene in enumerate(scenes[:3], start=1):
        page.get_by_role("button", name="Next ▶").click()
        page.get_by_role("heading", name=scene.title).wait_for(timeout=20000)
        page.get_by_text(f"{index} of {len(scenes)}").locator("visible=true").first.wait_for(timeout=10000)
        page.wait_for_timeout(800)
        counts.append(_drawn_count(page))
        page.screenshot(path=artifacts / f"presentation-scene-{index}.png")
        overflow = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]') || document.scrollingElement;"
            " return m.scrollHeight - m.clientHeight; }"
        )
        assert overflow <= 2, f"scene {index} scrolls by {overflow}px"
    assert len(set(counts)) > 1  # scenes really change what is drawn
    page.get_by_role("button", name="Leave presentation").click()
    page.get_by_text("Find a node").first.wait_for(timeout=20000)
    assert page.blocked_requests == []
