"""The graph component in a real browser: it draws, clicks reach Python, nothing leaves the machine."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NODE_COUNT = 7  # tiny_dataset in sample_graph.py


@pytest.fixture
def drawn(page, streamlit_server, network_frame):
    """The demo app open in the page, with its graph drawn; returns the frame that drew it."""
    page.goto(streamlit_server())
    frame = network_frame(page)
    page.get_by_text("selected=None").wait_for()
    return frame


def _selected_text(page, node_id: str) -> None:
    page.get_by_text(f"selected={node_id}", exact=True).wait_for(timeout=15000)


def test_graph_draws_every_node_offline(page, drawn, artifacts):
    frame = drawn

    count = frame.evaluate("() => Object.keys(window.kgNetwork.getPositions()).length")
    library = frame.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('vis-network.min.js'))"
    )

    page.screenshot(path=artifacts / "graph-view-tiny.png")
    assert count == NODE_COUNT
    assert library and all("/app/static/" in name for name in library)
    assert page.blocked_requests == []
    assert page.blocked_websockets == []


def test_clicking_a_node_selects_it_in_python(page, drawn, node_point, artifacts):
    frame = drawn

    page.mouse.click(*node_point(page, frame, "topic:trauma"))
    _selected_text(page, "topic:trauma")

    page.screenshot(path=artifacts / "graph-view-selected.png")
    assert frame.evaluate("() => window.kgNetwork.getSelectedNodes()") == ["topic:trauma"]
    assert page.get_by_text("changes=1", exact=True).is_visible()  # on_select ran once
    assert page.blocked_requests == []


def test_clicking_empty_canvas_clears_the_selection(page, drawn, node_point):
    frame = drawn
    page.mouse.click(*node_point(page, frame, "topic:trauma"))
    _selected_text(page, "topic:trauma")

    box = frame.evaluate("() => window.kgNetwork.body.container.getBoundingClientRect().toJSON()")
    page.mouse.click(box["left"] + 8, box["bottom"] - 8)

    _selected_text(page, "None")


def test_a_highlight_restyles_the_same_network_in_place_and_brings_it_into_frame(page, drawn, artifacts):
    frame = drawn
    frame.evaluate("() => { window.kgNetwork.kgMarker = 'first'; }")
    nodes_before = frame.evaluate("() => window.kgNetwork.body.data.nodes.getIds().length")

    page.get_by_text("Highlight the Coventry strand").click()
    page.wait_for_function("() => window.kgDrawings.graph.highlight.nodes.size > 0", timeout=15000)
    page.wait_for_timeout(800)  # the move to the highlight is animated

    page.screenshot(path=artifacts / "graph-view-highlight.png")
    lit = frame.evaluate("() => [...window.kgDrawings.graph.highlight.nodes]")
    outside = frame.evaluate("() => window.kgDrawings.graph.outside()")
    labelled = {label["id"] for label in frame.evaluate("() => window.kgLabels.graph")}
    assert frame.evaluate("() => window.kgNetwork.kgMarker") == "first"  # not rebuilt
    assert frame.evaluate("() => window.kgNetwork.body.data.nodes.getIds().length") == nodes_before
    assert "strand:coventry" in lit and not set(lit) & set(outside)
    assert set(lit) <= labelled


def test_choosing_a_node_in_the_select_box_selects_it_in_the_drawing(page, drawn):
    frame = drawn

    page.get_by_role("combobox").click()
    page.keyboard.type("Practitioner event")
    page.keyboard.press("Enter")
    _selected_text(page, "strand:coventry")

    page.wait_for_function("() => window.kgNetwork.getSelectedNodes()[0] === 'strand:coventry'", timeout=15000)
    assert frame.evaluate("() => window.kgNetwork.getSelectedNodes()") == ["strand:coventry"]


def test_hover_shows_an_injected_label_as_text(page, drawn, node_point):
    frame = drawn

    page.mouse.move(*node_point(page, frame, "topic:xss"))
    tooltip = page.locator("div.vis-tooltip")
    tooltip.filter(has_text="onerror").wait_for(state="visible", timeout=10000)

    assert "<img src=x onerror=alert(1)>" in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0
    assert page.dialogs == []


def test_toolbar_is_reachable_by_keyboard_and_does_not_trap_focus(page, drawn):
    page.get_by_role("button", name="Fit to view").focus()

    seen = []
    for _ in range(6):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "() => { let e = document.activeElement; while (e && e.shadowRoot && "
                "e.shadowRoot.activeElement) e = e.shadowRoot.activeElement; "
                "return e ? (e.textContent || e.className || e.tagName).trim().slice(0, 40) : ''; }"
            )
        )

    assert "Full screen" in seen and "Download PNG" in seen
    assert len(set(seen)) >= 4  # focus moves on past the canvas instead of sticking to it


def test_report_sized_graph_draws_quickly_and_offline(page, streamlit_server, network_frame, artifacts):
    page.goto(streamlit_server(env={"KG_DEMO_GRAPH": "report"}))
    frame = network_frame(page)

    count = frame.evaluate("() => Object.keys(window.kgNetwork.getPositions()).length")
    page.screenshot(path=artifacts / "graph-view-report-overview.png")
    frame.evaluate("() => window.kgNetwork.moveTo({position: {x: 0, y: 0}, scale: 1.0})")
    page.wait_for_timeout(200)
    page.screenshot(path=artifacts / "graph-view-report-zoomed.png")

    assert count > 200
    assert page.blocked_requests == []


def test_full_screen_is_a_button_in_the_toolbar(page, drawn):
    button = page.get_by_role("button", name="Full screen")

    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => Boolean(document.fullscreenElement)", timeout=10000)
    pressed = page.get_by_role("button", name="Leave full screen").get_attribute("aria-pressed")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.fullscreenElement", timeout=10000)

    assert pressed == "true"


def test_download_png_saves_a_picture_of_the_drawing(page, drawn, tmp_path):
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PNG").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    assert saved.name == "graph.png"
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 5000


def test_arrow_keys_pan_the_focused_drawing(page, drawn):
    before = drawn.evaluate("() => window.kgNetwork.getViewPosition()")

    page.locator(".vis-network").focus()
    page.keyboard.down("ArrowLeft")
    page.wait_for_timeout(300)
    page.keyboard.up("ArrowLeft")
    after = drawn.evaluate("() => window.kgNetwork.getViewPosition()")

    assert after["x"] != before["x"]
