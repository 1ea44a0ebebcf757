"""The standalone HTML page in a real browser: opens from disk with no network, tooltips stay text."""

from __future__ import annotations

import pytest

from graph.data.build import build_graph
from graph.picture.layout import compute_layout
from graph.picture.render import standalone_html

pytestmark = pytest.mark.browser


@pytest.fixture
def opened(page, sample_graph, tmp_path, network_frame):
    G = build_graph(sample_graph.tiny_dataset())
    path = tmp_path / "graph.html"
    path.write_text(standalone_html(G, compute_layout(G), title=sample_graph.INJECTIONS[1]), encoding="utf-8")
    page.goto(path.as_uri())
    return network_frame(page)


def test_page_opens_from_disk_and_draws_every_node_without_the_network(page, opened, artifacts):
    count = opened.evaluate("() => Object.keys(window.kgNetwork.getPositions()).length")
    physics = opened.evaluate("() => window.kgNetwork.physics.options.enabled")

    page.screenshot(path=artifacts / "standalone-tiny.png")
    assert count == 7
    assert physics is False
    assert page.blocked_requests == []
    assert page.title() == "<script>alert(1)</script>"  # the title is text, not a script


@pytest.mark.parametrize("node_id", ["topic:xss", "quote:q1"])
def test_hovering_a_hostile_label_shows_it_as_text(page, opened, node_point, node_id, sample_graph):
    page.mouse.move(*node_point(page, opened, node_id))
    tooltip = page.locator("div.vis-tooltip")
    tooltip.filter(has_text="alert(1)").wait_for(state="visible", timeout=10000)

    assert tooltip.inner_text().splitlines()[0] in sample_graph.INJECTIONS
    assert tooltip.locator("img, a, script").count() == 0
    assert page.locator("div.popup").count() == 0  # pyvis's innerHTML popup is not there
    assert page.dialogs == []
