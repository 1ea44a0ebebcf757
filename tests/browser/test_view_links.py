"""Every click selects what it says, on the same click, and its link reopens it (app.py in Chromium).

For each kind of row (Overlaps, Candidate duplicates, Gaps, Gap map, Table, "Go to a linked
node", path results, scene steps) the test clicks the first one and reads back, from the page
itself: no exception, the drawing's highlight equal to exactly the clicked item (as the
analysis describes it, computed here independently of the app), and the same highlight when
the new URL is opened in a fresh page. Each URL parameter with a stale value shows a notice.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from graph.data.build import load_graph
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser

# The drawing's highlight, read from the drawing itself: the component's own record of it when
# it keeps one (highlights restyled in place), else the node styles (lit nodes have a thick border).
HIGHLIGHT_JS = """() => {
  const drawing = window.kgDrawings && window.kgDrawings.graph;
  if (drawing && drawing.highlight) {
    return {nodes: [...drawing.highlight.nodes].sort(), focus: drawing.highlight.focus || null};
  }
  const network = window.kgNetwork;
  if (!network) return null;
  const lit = network.body.data.nodes.get().filter((i) => i.borderWidth === 3).map((i) => i.id);
  const selected = network.getSelectedNodes();
  return {nodes: lit.sort(), focus: selected.length ? String(selected[0]) : null};
}"""
DRAWN_JS = "() => window.kgNetwork && Object.keys(window.kgNetwork.getPositions()).length > 0"


@pytest.fixture(scope="module")
def graph():
    return load_graph(DATA_DIR)


@pytest.fixture(scope="module")
def app_url(streamlit_server):
    return streamlit_server(script="app.py")


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(DRAWN_JS, timeout=90_000)


def _highlight(page) -> dict:
    return page.evaluate(HIGHLIGHT_JS)


def _wait_for_highlight(page, nodes: set[str], focus: str | None = None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        seen = _highlight(page)
        if seen and set(seen["nodes"]) == nodes and (focus is None or seen["focus"] == focus):
            return
        page.wait_for_timeout(200)
    assert seen is not None, "the drawing was not there"
    assert set(seen["nodes"]) == nodes, f"highlighted {sorted(seen['nodes'])}, expected {sorted(nodes)}"
    assert seen["focus"] == focus


def _wait_for_query(page, name: str, value: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if parse_qs(urlsplit(page.url).query).get(name) == [value]:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the URL {page.url} does not have {name}={value}")


def _no_errors(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("because of an unexpected error").count() == 0


def _click_first_row(page, table) -> None:
    """Click the first row's selection box of a dataframe (the grid is a canvas: by position)."""
    table.wait_for(state="visible", timeout=30_000)
    table.scroll_into_view_if_needed()
    # An expander or a tab is still opening while the table moves: click only once it has stopped moving,
    # or a slow machine clicks where the row was a moment ago.
    box, deadline = None, time.monotonic() + 15
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = table.bounding_box()
        if now and box == now and now["height"] > 60:
            break
        box = now
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)


def _tab_panel(page):
    return page.locator("[role='tabpanel']:visible")


def _reopens(browser, url: str, nodes: set[str], focus: str | None = None) -> None:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        fresh = context.new_page()
        _open(fresh, url)
        _wait_for_highlight(fresh, nodes, focus)
        _no_errors(fresh)
    finally:
        context.close()


def _around(graph, node: str) -> set[str]:
    return {node, *graph.successors(node), *graph.predecessors(node)}


def _check(page, browser, parameter: str, value: str, nodes: set[str], focus: str | None = None, artifacts=None):
    _wait_for_query(page, parameter, value)
    _wait_for_highlight(page, nodes, focus)
    _no_errors(page)
    if artifacts is not None:
        page.screenshot(path=artifacts / f"click-{parameter}.png")
    _reopens(browser, page.url, nodes, focus)


def test_an_overlap_row_highlights_the_pair_and_what_they_share(page, browser, app_url, graph, artifacts):
    from graph.analysis.overlaps import overlaps

    first = overlaps(graph, "initiative")["pairs"][0]  # organisations: the report supports no overlap
    pair = [first["a"]["id"], first["b"]["id"]]
    _open(page, app_url + "/?tab=overlaps")
    _tab_panel(page).locator("[data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Initiatives (duplication)").click()
    page.wait_for_timeout(1000)
    _click_first_row(page, _tab_panel(page).locator("[data-testid='stDataFrame']").first)
    expected = {*pair, *(s["id"] for s in first["shared"])}
    _check(page, browser, "overlap", ",".join(pair), expected, artifacts=artifacts)
    assert page.get_by_text("Highlighted: an overlapping pair").count() == 1


def test_a_duplicate_row_highlights_the_candidates(page, browser, app_url, graph):
    from graph.analysis.duplicates import duplicates

    first = [n["id"] for n in duplicates(graph)[0]["nodes"]]
    _open(page, app_url + "/?tab=overlaps")
    _tab_panel(page).get_by_text("Candidate duplicates").click()
    _click_first_row(page, _tab_panel(page).locator("[data-testid='stExpander'] [data-testid='stDataFrame']").first)
    _check(page, browser, "duplicate", ",".join(first), set(first))


def test_a_gap_row_highlights_the_gap(page, browser, app_url, graph):
    from graph.analysis.gaps import gaps
    from graph.picture.view import gap_members
    from ui.gaps import GAP_KINDS

    report = gaps(graph)
    kind = next(k for k in GAP_KINDS if k in report)
    first = report[kind][0]
    _open(page, app_url + "/?tab=gaps")
    _click_first_row(page, _tab_panel(page).locator("[data-testid='stDataFrame']").first)
    _check(page, browser, "gap", f"{kind}:{first['id']}", set(gap_members(first)))


def test_a_gap_map_row_selects_its_topic(page, browser, app_url, graph):
    from graph.analysis.gapmap import evidence_gap_map

    topic = evidence_gap_map(graph)["groups"][0]["rows"][0]["id"]
    _open(page, app_url + "/?tab=gap-map")
    table = _tab_panel(page).locator("[data-testid='stDataFrame']").first
    table.wait_for(state="visible", timeout=30_000)
    table.scroll_into_view_if_needed()
    # An expander or a tab is still opening while the table moves: click only once it has stopped moving,
    # or a slow machine clicks where the row was a moment ago.
    box, deadline = None, time.monotonic() + 15
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = table.bounding_box()
        if now and box == now and now["height"] > 60:
            break
        box = now
    page.mouse.click(box["x"] + 60, box["y"] + 35 + 35 + 17)  # a cell of the first topic, under its theme's row
    _check(page, browser, "focus", topic, _around(graph, topic), topic)
    label = graph.nodes[topic]["label"]
    assert page.get_by_text(f"selected: {label}").count() == 1


def test_leaving_the_gap_map_keeps_the_selection_and_the_tab_chosen(page, app_url, graph):
    # The gap map selects single cells; a selection shown there as a row used to be dropped by the
    # table, which then cleared the selected node, and undid the next tab, when the tab was left.
    _open(page, app_url + "/?focus=topic:trauma")
    for tab, in_url in (("Gap map", "gap-map"), ("About", "about"), ("Table", "table")):
        page.get_by_role("tab", name=tab, exact=True).click()
        _wait_for_query(page, "tab", in_url)
        _wait_for_query(page, "focus", "topic:trauma")
        if tab == "Gap map":  # let the map show the selected topic's cell before leaving it
            _tab_panel(page).locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
            page.wait_for_timeout(2000)
    _wait_for_highlight(page, _around(graph, "topic:trauma"), "topic:trauma")
    assert page.get_by_role("combobox", name="Find a node").input_value() == "Trauma (topic)"
    _no_errors(page)


def test_a_table_row_selects_its_node(page, browser, app_url, graph):
    from graph.picture.panels import node_table

    node = node_table(graph, list(graph.nodes))[0]["id"]
    _open(page, app_url + "/?tab=table")
    _click_first_row(page, _tab_panel(page).locator("[data-testid='stDataFrame']").first)
    _check(page, browser, "focus", node, _around(graph, node), node)


def test_go_to_a_linked_node_selects_it_and_shows_its_details(page, browser, app_url, graph):
    from graph.picture.panels import node_details

    details = node_details(graph, "topic:trauma")
    linked = sorted(
        {link["id"]: link["label"] for g in details["groups"] for link in g["links"]}.items(), key=lambda i: i[1]
    )
    target, label = linked[0]
    _open(page, app_url + "/?focus=topic:trauma")
    page.get_by_role("combobox", name="Go to a linked node").click()
    page.get_by_role("option").first.click()
    page.get_by_role("heading", name=label, exact=True).wait_for(timeout=30_000)
    _check(page, browser, "focus", target, _around(graph, target), target)


def test_a_path_result_highlights_that_path_alone(page, browser, app_url, graph):
    from graph.analysis.paths import shortest_paths
    from graph.picture.view import path_edges

    source, target = "topic:trauma", "strand:event-coventry"
    found = shortest_paths(graph, source, target, k=3)["paths"]
    assert len(found) > 1, "pick two nodes joined by more than one path"
    _open(page, app_url + f"/?tab=paths&from={source}&to={target}")
    _wait_for_highlight(page, {step["id"] for p in found for step in p})  # all the paths, from the link
    _click_first_row(page, _tab_panel(page).locator("[data-testid='stDataFrame']").first)
    first = [step["id"] for step in found[0]]
    assert path_edges(graph, first)
    _check(page, browser, "path", "1", set(first))


def test_a_click_on_a_node_highlights_its_neighbourhood(page, browser, app_url, graph, node_point, network_frame):
    _open(page, app_url)
    frame = network_frame(page)
    page.mouse.click(*node_point(page, frame, "barrier:access"))
    page.get_by_role("heading", name="Access", exact=True).wait_for(timeout=30_000)
    _check(page, browser, "focus", "barrier:access", _around(graph, "barrier:access"), "barrier:access")


def test_scene_steps_show_each_scene_and_its_link_reopens_it(page, browser, app_url, graph):
    from graph.data.store import load_scenes
    from graph.picture.view import neighbourhood

    scenes = load_scenes(DATA_DIR)
    with_focus = next(i for i, s in enumerate(scenes) if s.view.focus)
    _open(page, app_url)
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_text("Workshop", exact=True).click()
    for index in range(with_focus + 1):
        page.get_by_role("button", name="Next ▶").click()
        _wait_for_query(page, "scene", scenes[index].id)
    view = scenes[with_focus].view
    expected = neighbourhood(graph, view.focus, view.depth)
    _check(page, browser, "scene", scenes[with_focus].id, expected, view.focus)


STALE = [
    ("focus=topic:no-such-topic", "focus"),
    ("from=topic:trauma&to=topic:no-such-topic", "to"),
    ("overlap=organisation:nspcc,organisation:gone", "overlap"),
    ("duplicate=topic:gone,topic:trauma", "duplicate"),
    ("gap=unraised_topics:topic:gone", "gap"),
    ("gap=no_such_kind:topic:trauma", "gap kind"),
    ("scene=scene:gone", "scene"),
    ("tab=nowhere", "tab"),
    ("community=999", "community"),
    ("depth=9", "depth"),
    ("only=perhaps", "only"),
    ("types=unicorn", "types"),
    ("levels=galaxy", "levels"),
    ("themes=theme:gone", "themes"),
    ("strands=strand:gone", "strands"),
    ("relations=befriends", "relations"),
    ("from=topic:trauma&to=strand:event-coventry&path=9", "path"),
    ("present=maybe", "present"),
    ("colour=blue", "parameter"),
]


@pytest.mark.parametrize(("query", "named"), STALE, ids=[q for q, _ in STALE])
def test_a_stale_link_value_shows_a_notice_not_an_error(page, app_url, query, named):
    _open(page, app_url + "/?" + query)
    notice = page.locator("[data-testid='stAlert']").filter(has_text="it was ignored")
    notice.first.wait_for(timeout=30_000)
    assert named in notice.first.inner_text()
    _no_errors(page)
    assert page.get_by_text("Traceback").count() == 0
