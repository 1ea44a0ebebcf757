"""The explorer on a laptop uses its screen: the drawing fills the window below the controls,
a selected node's every neighbour is labelled, and the tables keep what matters in sight."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.data.build import build_graph
from graph.data.store import load_dataset
from graph.picture.style import MIN_LABEL_PX
from tests.browser.conftest import overlapping_labels
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser

LAPTOPS = [(1366, 768), (1600, 1000)]
#: What may sit under the drawing: the line below it and the page's margin, in CSS pixels.
BELOW = 60


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return build_graph(load_dataset(DATA_DIR))


def _laptop(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
    )
    return context, context.new_page()


def _settle(page, focus: str | None = None) -> None:
    page.wait_for_function(
        """(focus) => { const d = window.kgDrawings && window.kgDrawings.graph;
            return Boolean(d && window.kgLabels && window.kgLabels.graph && !d.animating
              && (focus === null || d.highlight.focus === focus)); }""",
        arg=focus,
        timeout=60000,
    )
    page.wait_for_timeout(600)


@pytest.mark.parametrize("node_id", ["strand:event-leeds", "strand:event-coventry", "barrier:access"])
def test_the_drawing_fills_the_window_and_a_selection_labels_every_neighbour(
    browser, streamlit_server, graph, artifacts, node_id
):
    url = streamlit_server(script="app.py")
    for width, height in LAPTOPS:
        context, page = _laptop(browser, width, height)
        page.goto(f"{url}/?focus={node_id}")
        _settle(page, node_id)
        seen = page.evaluate(
            """() => { const d = window.kgDrawings.graph; const r = d.container.getRootNode().querySelector('.kg-root')
                .getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: innerHeight,
                labels: window.kgLabels.graph, outside: d.outside()}; }"""
        )
        page.screenshot(path=artifacts / f"laptop-{width}x{height}-{node_id.replace(':', '-')}.png")
        neighbours = set(nx.all_neighbors(graph, node_id))
        labelled = {label["id"] for label in seen["labels"]}
        unlabelled = sorted(({node_id} | neighbours) - labelled)
        unused = seen["height"] - seen["bottom"]
        print(
            f"{width}x{height} {node_id}: drawing {seen['top']:.0f}-{seen['bottom']:.0f} px of {seen['height']}, "
            f"{len(neighbours)} neighbours, unlabelled {unlabelled}, {len(seen['labels'])} labels"
        )
        assert 0 <= unused <= BELOW, f"{unused:.0f} px under the drawing at {width}x{height}"
        assert unlabelled == [], f"{width}x{height}: not labelled {unlabelled}"
        assert not ({node_id} | neighbours) & set(seen["outside"])
        assert overlapping_labels(seen["labels"]) == []
        assert min(label["px"] for label in seen["labels"]) >= MIN_LABEL_PX
        context.close()


def test_the_gap_map_keeps_the_topic_and_its_count_in_sight(browser, streamlit_server, artifacts):
    url = streamlit_server(script="app.py")
    context, page = _laptop(browser, 1366, 768)
    page.goto(f"{url}/?tab=gap-map")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=90000)
    page.wait_for_timeout(1500)
    box = grid.bounding_box()
    # Scroll the map as far right as it goes: the pinned topic and count columns stay.
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + 100)
    page.mouse.wheel(2000, 0)
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "laptop-gap-map-scrolled.png", clip=box)
    columns = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] [role=columnheader]')]
            .map((cell) => cell.textContent)"""
    )
    assert columns[:2] == ["Topic", "Strands"]
    # The grid is drawn on a canvas; OCR reads its header where a person would look.
    text = _ocr(artifacts / "laptop-gap-map-scrolled.png")
    if text is not None:
        assert "Topic" in text and "Strands" in text, text[:300]
    context.close()


def test_the_gaps_table_shows_each_gaps_report_sections(browser, streamlit_server, artifacts):
    url = streamlit_server(script="app.py")
    context, page = _laptop(browser, 1366, 768)
    page.goto(f"{url}/?tab=gaps")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=90000)
    page.wait_for_timeout(1500)
    page.screenshot(path=artifacts / "laptop-gaps-table.png", clip=grid.bounding_box())
    columns = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] [role=columnheader]')]
            .map((cell) => cell.textContent)"""
    )
    assert columns[:2] == ["Gap", "Report"]
    text = _ocr(artifacts / "laptop-gaps-table.png")
    if text is not None:
        assert "Report" in text and "Appendix 1" in text, text[:300]
    context.close()


def _ocr(screenshot) -> str | None:
    import os
    import shutil
    import subprocess

    if not shutil.which("tesseract"):
        if os.environ.get("CI"):
            pytest.fail("tesseract is not installed")
        return None
    return subprocess.run(["tesseract", str(screenshot), "-"], capture_output=True, text=True, check=True).stdout
