"""The web page and the PNG a person downloads show what the screen shows: the same nodes,
in the same colours (faded where the screen fades them), for a filtered view with a selection."""

from __future__ import annotations

import io
from collections import Counter

import matplotlib.image as mpimg
import pytest

from graph.data.build import build_graph
from graph.data.store import load_dataset
from graph.picture.exports import DEFAULT_TITLE
from graph.picture.layout import compute_layout, fill_layout
from graph.picture.png import plan_picture
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser

VIEW = "/?types=topic&types=theme&types=strand&levels=system"
FOCUS = "Recruitment, retention and resilience (topic)"


def _screen_colours(frame) -> dict[str, str]:
    return {k: v.upper() for k, v in frame.evaluate("() => window.kgDrawings.graph.nodeColours()").items()}


MAGIC = {".png": b"\x89PNG", ".html": b"<!DOCTYPE html>"}


def _download(page, option: str, folder, suffix: str):
    page.get_by_role("button", name="Export").click()
    page.get_by_role("combobox", name="Export").click()
    page.get_by_role("option", name=option).click()
    # Choosing a format reruns the app, which then rebuilds the Download button for that format:
    # until it has, the button still holds the previous one. Wait for the file this option names.
    got = []
    for _ in range(20):
        page.wait_for_timeout(1500)
        with page.expect_download(timeout=60000) as download:
            page.get_by_role("button", name="Download", exact=True).click()
        path = folder / download.value.suggested_filename
        download.value.save_as(path)
        if path.suffix == suffix and path.read_bytes().startswith(MAGIC[suffix]):
            break
        got.append((path.name, path.read_bytes()[:40]))
    else:
        raise AssertionError(f"{option}: the Download button never gave a {suffix} file; it gave {got[-3:]}")
    page.keyboard.press("Escape")
    return path


def test_web_page_and_png_exports_show_the_screens_nodes_in_its_colours(
    page, streamlit_server, network_frame, tmp_path, artifacts
):
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.goto(streamlit_server(script="app.py") + VIEW)
    frame = network_frame(page, timeout=60)
    page.get_by_role("combobox", name="Find a node").click()
    page.keyboard.type(FOCUS[:20])
    page.get_by_role("option", name=FOCUS).first.click()
    page.wait_for_function(
        "() => window.kgDrawings && window.kgDrawings.graph && window.kgDrawings.graph.highlight.focus", timeout=60000
    )
    page.wait_for_timeout(800)
    screen = _screen_colours(frame)
    page.screenshot(path=artifacts / "exports-screen.png")
    assert len(set(screen.values())) > 2  # a highlight (faded and lit nodes), not all grey

    html = _download(page, "This view as a web page (works offline)", tmp_path, ".html")
    # The same view's link, opened afresh: after a long test session a second format chosen in the
    # same open menu was seen to be served as the first (a known weakness of the Export menu).
    page.goto(page.url)
    network_frame(page, timeout=60)
    page.wait_for_function(
        "() => window.kgDrawings && window.kgDrawings.graph && window.kgDrawings.graph.highlight.focus", timeout=60000
    )
    png = _download(page, "Picture of this view (PNG, 1920×1080)", tmp_path, ".png")

    exported = page.context.new_page()
    try:
        exported.goto(html.as_uri())
        exported.wait_for_function("() => window.kgDrawings && window.kgDrawings.graph", timeout=30000)
        exported.wait_for_timeout(500)
        page_colours = _screen_colours(exported)
        page_labels = exported.evaluate("() => window.kgLabels.graph")
        exported.screenshot(path=artifacts / "exports-web-page.png")
    finally:
        exported.close()
    assert page_colours == screen
    assert page_labels and min(label["px"] for label in page_labels) >= 11

    # The PNG: the same layout the app drew (a part of the graph has a layout of its own).
    graph = build_graph(load_dataset(DATA_DIR))
    shown = sorted(screen)
    where = fill_layout(graph.subgraph(shown)) if len(shown) < len(graph) else compute_layout(graph)
    lit = [node for node, colour in screen.items() if colour != "#EEEEEE"]
    plan = plan_picture(graph, where, node_ids=shown, highlight=lit, title=DEFAULT_TITLE)  # as the app titles it
    image = mpimg.imread(io.BytesIO(png.read_bytes()))
    (artifacts / "exports-picture.png").write_bytes(png.read_bytes())
    drawn = {node.id: _fill(image, node.x, node.y) for node in plan.nodes}
    # A faded node may lie under a label (as on the screen): compare the ones in the open.
    covered = {
        node.id
        for node in plan.nodes
        for label in plan.labels
        if label.left <= node.x <= label.left + label.width and label.top <= node.y <= label.top + label.height
    }
    assert set(drawn) == set(screen)
    assert {n: c for n, c in drawn.items() if n not in covered} == {n: c for n, c in screen.items() if n not in covered}
    assert len(covered) <= 0.2 * len(screen)


def _fill(image, x: float, y: float) -> str:
    """The colour most of the pixels around a node's centre have (a label's thin line or a
    letter may cross a faded node, as on the screen)."""
    seen = Counter()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            red, green, blue = (round(float(c) * 255) for c in image[round(y) + dy, round(x) + dx][:3])
            seen[f"#{red:02X}{green:02X}{blue:02X}"] += 1
    return seen.most_common(1)[0][0]
