"""The evidence gap map in a real Chromium: a click on a topic's cell selects the topic, and the
map downloads as CSV and Excel from the page."""

from __future__ import annotations

import io

import openpyxl
import pytest

pytestmark = pytest.mark.browser

ROW = 35  # the data grid's row height, header included, in CSS pixels


def _grid(page, url):
    page.goto(f"{url}/?tab=gap-map")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=90000)
    page.wait_for_timeout(1500)  # the grid draws on a canvas once its data has arrived
    return grid.bounding_box()


def test_a_click_on_a_cell_selects_its_topic(page, streamlit_server, artifacts):
    url = streamlit_server(script="app.py")
    box = _grid(page, url)
    # rows: the header, FRONTLINE · Supporting good outcomes…, Interventions…, How to improve attachment
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + ROW + 2 * ROW + ROW / 2)
    page.wait_for_function("() => location.search.includes('focus=topic%3Ahow-to-improve-attachment')", timeout=60000)
    page.get_by_text("selected: How to improve attachment").wait_for(timeout=30000)
    page.screenshot(path=artifacts / "gap-map-cell-selects-topic.png")


def test_the_map_downloads_as_excel(page, streamlit_server):
    url = streamlit_server(script="app.py")
    _grid(page, url)
    with page.expect_download(timeout=60000) as caught:
        page.get_by_role("button", name="Excel").click()
    sheet = openpyxl.load_workbook(io.BytesIO(caught.value.path().read_bytes())).active
    assert sheet["A1"].value == "Level" and sheet["C2"].value == "Interventions to improve parent-child relationships"
    assert page.blocked_requests == []
