"""Can people read the drawing? Measured on the page itself, in Chromium, for the report's graph.

For each state (the opening view on two laptop screens, a selected node, a filtered view, and
every scene of the tour on a 1920x1080 projector) the tests read what the drawing labelled
(``window.kgLabels``: every label's box on the page and its font size) and where the nodes
are, then check what a person would: labels drawn at a readable size or not at all, no two
labels overlapping, no node outside the frame, and the nodes that matter labelled.
"""

from __future__ import annotations

import networkx as nx
import pytest

from graph.data.build import build_graph
from graph.data.store import load_dataset, load_scenes
from graph.picture.style import MIN_LABEL_PX, MIN_PRESENTATION_PX
from graph.picture.view import apply_view
from tests.browser.conftest import overlapping_labels
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser

OPENING_LABELS = 40  # node labels readable in the opening view


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return build_graph(load_dataset(DATA_DIR))


@pytest.fixture
def screen(browser, request):
    """A page of the size given by the test's ``size`` parameter, offline like ``page``."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort(),
    )
    page = context.new_page()
    yield page
    context.close()


def _settle(page, count: int | None = None) -> None:
    """Wait until the drawing shows ``count`` nodes (if given) and has stopped moving."""
    page.wait_for_function(
        """(count) => { const d = window.kgDrawings && window.kgDrawings.graph;
            return Boolean(d && window.kgLabels && window.kgLabels.graph && !d.animating
              && (count === null || d.info.size === count)); }""",
        arg=count,
        timeout=60000,
    )
    page.wait_for_timeout(600)


def _measure(page) -> dict:
    return page.evaluate(
        """() => { const d = window.kgDrawings.graph; const box = d.container.getBoundingClientRect();
            return {labels: window.kgLabels.graph, nodes: [...d.info.keys()], outside: d.outside(),
                    box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom}}; }"""
    )


def _outside_the_pane(seen: dict) -> list[str]:
    box = seen["box"]
    return [
        label["id"]
        for label in seen["labels"]
        if label["left"] < box["left"] - 0.5
        or label["top"] < box["top"] - 0.5
        or label["left"] + label["width"] > box["right"] + 0.5
        or label["top"] + label["height"] > box["bottom"] + 0.5
    ]


def _assert_readable(seen: dict, smallest: float) -> None:
    sizes = [label["px"] for label in seen["labels"]]
    assert sizes and min(sizes) >= smallest, f"labels under {smallest} px: {min(sizes)}"
    assert overlapping_labels(seen["labels"]) == []
    assert _outside_the_pane(seen) == []  # no label is cut off by the edge of the drawing


def _choose(page, label: str, node_id: str) -> None:
    """Pick a node the way a person would: type its name under Find a node."""
    box = page.get_by_role("combobox", name="Find a node")
    box.click()
    page.keyboard.type(label)
    page.get_by_role("option", name=label).first.click()
    page.wait_for_function(
        "(id) => window.kgDrawings && window.kgDrawings.graph && window.kgDrawings.graph.highlight.focus === id",
        arg=node_id,
        timeout=30000,
    )


@pytest.mark.parametrize("screen", [(1366, 768), (1600, 1000)], indirect=True, ids=["1366x768", "1600x1000"])
def test_the_opening_view_labels_many_nodes_readably(screen, streamlit_server, graph, artifacts):
    page = screen
    page.goto(streamlit_server(script="app.py"))
    _settle(page, graph.number_of_nodes())

    seen = _measure(page)
    size = page.viewport_size
    page.screenshot(path=artifacts / f"readable-opening-{size['width']}x{size['height']}.png")
    in_sight = [x for x in seen["labels"] if x["top"] + x["height"] <= size["height"]]
    print(
        f"opening view {size}: {len(seen['labels'])} labels ({len(in_sight)} above the fold), "
        f"smallest {min(x['px'] for x in seen['labels'])} px"
    )
    _assert_readable(seen, MIN_LABEL_PX)
    assert seen["outside"] == []
    assert len(seen["labels"]) >= OPENING_LABELS
    # The structure is labelled first: every level of the framework can be read.
    levels = {n for n in graph if graph.nodes[n]["type"] == "level"}
    assert levels <= {label["id"] for label in seen["labels"]}


@pytest.mark.parametrize(
    ("node_id", "label"),
    [("topic:trauma", "Trauma (topic)"), ("barrier:access", "Access (barrier)"), ("strand:event-coventry", None)],
)
@pytest.mark.parametrize("screen", [(1600, 1000)], indirect=True, ids=["1600x1000"])
def test_a_selected_node_and_all_its_neighbours_are_in_frame_and_labelled(
    screen, streamlit_server, graph, artifacts, node_id, label
):
    page = screen
    page.goto(streamlit_server(script="app.py"))
    _settle(page, graph.number_of_nodes())
    _choose(page, label or f"{graph.nodes[node_id]['label']} ({graph.nodes[node_id]['type']})", node_id)
    _settle(page)

    seen = _measure(page)
    page.screenshot(path=artifacts / f"readable-selected-{node_id.replace(':', '-')}.png")
    print(f"{node_id} selected: {len(seen['labels'])} labels, {len(seen['outside'])} nodes out of frame")
    neighbours = set(nx.all_neighbors(graph, node_id))
    labelled = {item["id"] for item in seen["labels"]}
    _assert_readable(seen, MIN_LABEL_PX)
    assert {node_id} | neighbours <= labelled, f"not labelled: {sorted(({node_id} | neighbours) - labelled)}"
    assert not ({node_id} | neighbours) & set(seen["outside"])
    # The rest fades but can still be clicked: it is still drawn.
    assert len(seen["nodes"]) == graph.number_of_nodes()


@pytest.mark.parametrize("screen", [(1600, 1000)], indirect=True, ids=["1600x1000"])
def test_a_filtered_view_is_laid_out_afresh_to_fill_the_pane(screen, streamlit_server, graph, artifacts):
    from graph.schema import View

    page = screen
    page.goto(streamlit_server(script="app.py") + "/?types=topic&types=theme&levels=system")
    expected = apply_view(graph, View(types=["topic", "theme"], levels=["system"])).nodes
    _settle(page, len(expected))

    seen = _measure(page)
    page.screenshot(path=artifacts / "readable-filtered-system-level.png")
    _assert_readable(seen, MIN_LABEL_PX)
    assert set(seen["nodes"]) == set(expected) and seen["outside"] == []
    assert {item["id"] for item in seen["labels"]} == set(expected)  # every node of the level is labelled
    # The nodes spread over the pane instead of sitting where the whole graph put them.
    xs = page.evaluate(
        "() => Object.values(window.kgNetwork.getPositions()).map((p) => window.kgNetwork.canvasToDOM(p).x)"
    )
    width = seen["box"]["right"] - seen["box"]["left"]
    assert max(xs) - min(xs) > 0.6 * width


@pytest.mark.parametrize("screen", [(1600, 1000)], indirect=True, ids=["1600x1000"])
def test_zooming_in_reveals_more_labels_and_hovering_labels_the_neighbours(screen, streamlit_server, graph):
    page = screen
    page.goto(streamlit_server(script="app.py"))
    _settle(page, graph.number_of_nodes())
    before = {item["id"] for item in _measure(page)["labels"]}

    page.evaluate("() => window.kgNetwork.moveTo({scale: window.kgNetwork.getScale() * 2.5})")
    page.wait_for_timeout(400)
    after = _measure(page)
    in_view = set(after["nodes"]) - set(after["outside"])
    # Of the nodes still in view, more are labelled than were before zooming in.
    assert len({item["id"] for item in after["labels"]} & in_view) > len(before & in_view)
    _assert_readable(after, MIN_LABEL_PX)

    page.evaluate("() => window.kgDrawings.graph.frame(false)")
    page.wait_for_timeout(300)
    hub = "strand:event-bristol"
    point = page.evaluate(
        """(id) => { const n = window.kgNetwork; const d = n.canvasToDOM(n.getPositions([id])[id]);
            const b = n.body.container.getBoundingClientRect(); return [b.left + d.x, b.top + d.y]; }""",
        hub,
    )
    page.mouse.move(*point)
    page.wait_for_function("(id) => window.kgDrawings.graph.hover === id", arg=hub, timeout=10000)
    page.wait_for_timeout(300)
    hovered = _measure(page)
    labelled = {item["id"] for item in hovered["labels"]}
    neighbours = set(nx.all_neighbors(graph, hub))
    _assert_readable(hovered, MIN_LABEL_PX)
    assert len(neighbours & labelled) >= 0.8 * len(neighbours)


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort(),
    )
    page = context.new_page()
    yield page
    context.close()


def test_every_scene_of_the_tour_is_readable_from_the_back_of_the_room(projector, streamlit_server, graph, artifacts):
    scenes = load_scenes(DATA_DIR)
    page = projector
    page.goto(streamlit_server(script="app.py") + "/?present=true")
    _settle(page)
    problems = []
    shown: list[str] = _measure(page)["nodes"]  # the whole graph, before the first scene
    for index, scene in enumerate(scenes, start=1):
        page.get_by_role("button", name="Next ▶").click()
        page.get_by_role("heading", name=scene.title).wait_for(timeout=30000)
        # The scene's view (an analysis highlight, e.g. an overlap, may add the nodes it is about).
        expected = apply_view(graph, scene.view).nodes
        page.wait_for_function(
            """([before, wanted]) => { const d = window.kgDrawings.graph; const now = [...d.info.keys()];
                return wanted.every((id) => d.info.has(id)) && now.sort().join() !== before.join(); }""",
            arg=[sorted(shown), sorted(expected)],
            timeout=30000,
        )
        _settle(page)
        seen = _measure(page)
        shown = seen["nodes"]
        page.screenshot(path=artifacts / f"readable-scene-{index}.png")
        labelled = {item["id"] for item in seen["labels"]}
        sizes = [item["px"] for item in seen["labels"]]
        if not set(expected) <= set(seen["nodes"]):
            problems.append(f"scene {index}: does not draw the scene's view")
        if seen["outside"]:
            problems.append(f"scene {index}: {len(seen['outside'])} nodes outside the frame")
        if labelled != set(seen["nodes"]):
            problems.append(f"scene {index}: {len(set(seen['nodes']) - labelled)} of {len(shown)} nodes unlabelled")
        if not sizes or min(sizes) < MIN_PRESENTATION_PX:
            problems.append(f"scene {index}: labels under {MIN_PRESENTATION_PX} px")
        if overlapping_labels(seen["labels"]) or _outside_the_pane(seen):
            problems.append(f"scene {index}: labels overlap or are cut off")
        read = _ocr_share(artifacts / f"readable-scene-{index}.png", seen["labels"])
        print(f"scene {index}: {len(seen['labels'])} labels, smallest {min(sizes, default=0)} px, OCR reads {read}")
        if read is not None and read < 0.75:
            problems.append(f"scene {index}: OCR reads only {read:.0%} of the labels in the screenshot")
    assert problems == [], "\n".join(problems)


def _ocr_share(screenshot, labels: list[dict]) -> float | None:
    """The share of labels whose first long word tesseract reads in the screenshot, or None
    without tesseract (a second opinion on "readable", from a machine that cannot guess)."""
    import os
    import re
    import shutil
    import subprocess

    if not shutil.which("tesseract"):
        if os.environ.get("CI"):
            pytest.fail("tesseract is not installed")
        return None
    text = subprocess.run(["tesseract", str(screenshot), "-"], capture_output=True, text=True, check=True).stdout
    seen = set(re.findall(r"[a-z]{4,}", text.lower()))
    words = [next(iter(re.findall(r"[a-z]{4,}", label["text"].lower())), None) for label in labels]
    words = [word for word in words if word]
    return sum(word in seen for word in words) / len(words) if words else None
