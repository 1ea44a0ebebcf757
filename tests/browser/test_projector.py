"""Presentation mode on every projector: the whole tour, measured on the page itself.

One app server; for each window size (and browser zoom) one page steps through every scene of
the tour with the Next button and checks what a person at the back of the room would:

- nothing scrolls, and the title, caption, drawing, key and stepper are all inside the window;
- every node of the scene is inside the window (and inside the drawing);
- the stepper's buttons show their whole text;
- at most one label in ten is shortened, labels are 18 px or more, none overlap, and no two
  read the same;
- every link is at least 2 px wide on the screen, links not faded by a highlight have at least
  3:1 contrast against the drawing's background, and highlighted links are wider still;
- every neighbour of a scene's selected node is labelled.

Browser zoom is emulated as Chromium applies it: a zoom of 150 % on a 1366x768 screen lays the
page out in 911x512 CSS pixels drawn at 1.5 device pixels each (Playwright's
``device_scale_factor`` with the smaller viewport).

What was measured is printed (run with ``-s``), and a screenshot of every scene at every size is
saved under artifacts/ for a person to look at.
"""

from __future__ import annotations

import networkx as nx
import pytest

from graph.data.build import build_graph
from graph.data.store import load_dataset, load_scenes
from graph.picture.style import MIN_PRESENTATION_PX
from graph.picture.view import apply_view
from tests.browser.conftest import overlapping_labels
from tests.conftest import DATA_DIR

pytestmark = pytest.mark.browser

#: (name, CSS width, CSS height, device pixels per CSS pixel)
SCREENS = [
    ("1280x720", 1280, 720, 1),
    ("1366x768", 1366, 768, 1),
    ("1920x1080", 1920, 1080, 1),
    ("3840x2160", 3840, 2160, 1),
    ("1280x720-zoom125", 1024, 576, 1.25),
    ("1366x768-zoom150", 911, 512, 1.5),
]
MOST_CUT = 0.10  # at most one label in ten shortened
LINK_PX = 2.0
LINK_CONTRAST = 3.0

_MEASURE = """() => {
  const d = window.kgDrawings.graph, network = d.network;
  const pane = d.container.getBoundingClientRect();
  const shadow = d.container.getRootNode();
  const box = (element) => { if (!element) return null; const r = element.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const main = document.querySelector('[data-testid="stMain"]');
  const page = document.scrollingElement;
  const buttons = [...document.querySelectorAll('.st-key-kg-stepper button, .st-key-kg-side button')].map((b) => {
    const text = b.querySelector('p') || b;
    return {text: b.innerText.trim(), box: box(b), cut: text.scrollWidth > text.clientWidth + 1
      || text.scrollHeight > text.clientHeight + 1 || b.scrollWidth > b.clientWidth + 1};
  });
  const positions = network.getPositions();
  const nodes = Object.entries(positions).map(([id, p]) => {
    const at = network.canvasToDOM(p);
    return {id: id, x: pane.left + at.x, y: pane.top + at.y};
  });
  const scale = network.getScale();
  const lit = d.highlight, any = lit.nodes.size > 0 || Boolean(lit.focus);
  const links = Object.entries(network.body.edges).filter(([id]) => d.edgeInfo.has(id)).map(([id, edge]) => ({
    id: id, px: edge.options.width * scale, colour: edge.options.color.color,
    faded: any && !lit.edges.has(id), lit: any && lit.edges.has(id)}));
  return {
    window: {width: innerWidth, height: innerHeight},
    overflow: {page: page.scrollHeight - innerHeight, pageWide: page.scrollWidth - innerWidth,
      main: main ? main.scrollHeight - main.clientHeight : 0, mainWide: main ? main.scrollWidth - main.clientWidth : 0},
    parts: {title: box(document.querySelector('h1')), caption: box(document.querySelector('.st-key-kg-caption')),
      drawing: box(shadow.querySelector('.kg-root')), key: box(shadow.querySelector('.kg-key'))},
    background: getComputedStyle(d.container.closest('.kg-root')).backgroundColor,
    buttons: buttons, nodes: nodes, outside: d.outside(), labels: window.kgLabels.graph, links: links,
    focus: lit.focus,
  };
}"""


def _luminance(colour: str) -> float:
    colour = colour.strip()
    if colour.startswith("#"):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    else:  # rgb(r, g, b)
        channels = [int(part) / 255 for part in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours ('#rrggbb' or 'rgb(r, g, b)').

    >>> round(contrast("#000000", "#ffffff"), 1)
    21.0
    """
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _inside(box: dict | None, window: dict, slack: float = 0.5) -> bool:
    return bool(box) and (
        box["left"] >= -slack
        and box["top"] >= -slack
        and box["right"] <= window["width"] + slack
        and box["bottom"] <= window["height"] + slack
    )


def _whole(text: str) -> str:
    return " ".join(text.split()).casefold()


def check_scene(seen: dict, graph: nx.MultiDiGraph, *, selected: bool = False) -> tuple[dict, list[str]]:
    """What a scene measured (for the printout) and what is wrong with it. After a click on a
    node (``selected``) the drawing zooms to it and its neighbours: those must be in the window."""
    window, problems = seen["window"], []
    overflow = seen["overflow"]
    if max(overflow.values()) > 1:
        problems.append(f"the page scrolls: {overflow}")
    for name, box in seen["parts"].items():
        if not _inside(box, window):
            problems.append(f"the {name} is not inside the window: {box}")
    for button in seen["buttons"]:
        if not _inside(button["box"], window) or button["cut"]:
            problems.append(f"button {button['text']!r} is cut or outside the window")
    names = {b["text"] for b in seen["buttons"]}
    if not {"◀ Previous", "Next ▶", "Leave presentation"} <= {n.replace("\n", " ") for n in names}:
        problems.append(f"the stepper shows {sorted(names)}")
    must = set(nx.all_neighbors(graph, seen["focus"])) | {seen["focus"]} if selected else None
    out_of_window = [
        n["id"]
        for n in seen["nodes"]
        if not (0 <= n["x"] <= window["width"] and 0 <= n["y"] <= window["height"])
        and (must is None or n["id"] in must)
    ]
    if selected:
        seen = {**seen, "outside": [n for n in seen["outside"] if n in must]}
    if out_of_window or seen["outside"]:
        problems.append(f"nodes outside the window: {out_of_window}, outside the drawing: {seen['outside']}")
    labels = seen["labels"]
    cut = [
        label["id"]
        for label in labels
        if not _whole(label["text"]).startswith(_whole(str(graph.nodes[label["id"]].get("label") or label["id"])))
        and not (selected and label["id"] == seen["focus"])  # the caption shows the selection whole
    ]
    if len(cut) > MOST_CUT * len(labels):
        problems.append(f"{len(cut)} of {len(labels)} labels shortened: {cut}")
    if labels and min(label["px"] for label in labels) < MIN_PRESENTATION_PX:
        problems.append(f"labels under {MIN_PRESENTATION_PX} px")
    if overlapping_labels(labels):
        problems.append(f"{len(overlapping_labels(labels))} pairs of labels overlap: {overlapping_labels(labels)[:3]}")
    texts = [_whole(label["text"]) for label in labels]
    if len(set(texts)) < len(texts):
        problems.append("two labels read the same")
    links = seen["links"]
    thin = [link["id"] for link in links if link["px"] < LINK_PX - 0.01]
    faint = [
        link["id"]
        for link in links
        if not link["faded"] and contrast(link["colour"], seen["background"]) < LINK_CONTRAST
    ]
    if thin or faint:
        problems.append(f"links thinner than {LINK_PX} px: {thin[:5]}; under {LINK_CONTRAST}:1: {faint[:5]}")
    lit = [link["px"] for link in links if link["lit"]]
    plain = [link["px"] for link in links if not link["lit"]]
    if lit and plain and min(lit) <= max(plain):
        problems.append("highlighted links are no wider than the others")
    labelled = {label["id"] for label in labels}
    drawn = {node["id"] for node in seen["nodes"]}
    if seen["focus"]:
        unlabelled = (set(nx.all_neighbors(graph, seen["focus"])) & drawn | {seen["focus"]}) - labelled
        if unlabelled:
            problems.append(f"neighbours of the selected node unlabelled: {sorted(unlabelled)}")
    contrasts = [contrast(link["colour"], seen["background"]) for link in links if not link["faded"]]
    measured = {
        "nodes": len(drawn),
        "outside": len(out_of_window),
        "labels": len(labels),
        "unlabelled": len(drawn - labelled),
        "cut": len(cut),
        "link_px": round(min((link["px"] for link in links), default=0), 1),
        "lit_px": round(min(lit, default=0), 1),
        "contrast": round(min(contrasts, default=0), 1),
        "drawing_px": round(seen["parts"]["drawing"]["bottom"] - seen["parts"]["drawing"]["top"]),
    }
    return measured, problems


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return build_graph(load_dataset(DATA_DIR))


_STATE = """() => { const d = window.kgDrawings && window.kgDrawings.graph;
    if (!d || !window.kgLabels || !window.kgLabels.graph || d.animating) return null;
    const r = d.container.getBoundingClientRect(), at = d.network.getViewPosition();
    return [r.width, r.height, d.network.getScale(), at.x, at.y, d.info.size].map((v) => v.toFixed(2)).join(); }"""


def _settle(page) -> None:
    """Wait until the drawing has stopped moving: the page's layout (the caption, the drawing's
    height) and the view framed in it are the same twice in a row, 400 ms apart."""
    page.wait_for_function(f"() => Boolean(({_STATE})())", timeout=60000)
    before, deadline = None, 40
    while deadline:
        page.wait_for_timeout(400)
        now = page.evaluate(_STATE)
        if now is not None and now == before:
            return
        before, deadline = now, deadline - 1


def test_every_scene_fits_and_reads_on_every_projector(browser, streamlit_server, graph, artifacts):
    url = streamlit_server(script="app.py") + "/?present=true"
    scenes = load_scenes(DATA_DIR)
    problems: list[str] = []
    for name, width, height, zoom in SCREENS:
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=zoom)
        context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort(),
        )
        page = context.new_page()
        page.goto(url)
        _settle(page)
        shown: list[str] = []
        for index, scene in enumerate(scenes, start=1):
            page.get_by_role("button", name="Next ▶").click()
            page.get_by_role("heading", name=scene.title).wait_for(timeout=30000)
            expected = sorted(apply_view(graph, scene.view).nodes)
            page.wait_for_function(
                """([before, wanted]) => { const d = window.kgDrawings.graph; const now = [...d.info.keys()].sort();
                    return wanted.every((id) => d.info.has(id)) && now.join() !== before.join(); }""",
                arg=[shown, expected],
                timeout=30000,
            )
            _settle(page)
            seen = page.evaluate(_MEASURE)
            shown = sorted(node["id"] for node in seen["nodes"])
            page.screenshot(path=artifacts / f"projector-{name}-scene-{index}.png")
            measured, wrong = check_scene(seen, graph)
            print(f"{name} scene {index}: " + ", ".join(f"{k} {v}" for k, v in measured.items()))
            problems += [f"{name} scene {index}: {problem}" for problem in wrong]
        context.close()
    assert problems == [], "\n".join(problems)


def test_a_selected_quotation_is_shown_whole_beside_a_scene_that_still_fits(
    browser, streamlit_server, graph, node_point, artifacts
):
    """The smallest window of the tour (1366x768 at 150 %): click the longest message or quotation of
    the scene of what stakeholders want; the caption shows it whole, and the page still fits."""
    scenes = load_scenes(DATA_DIR)
    index = next(i for i, scene in enumerate(scenes) if set(scene.view.types) & {"quote", "message"})
    quote = max(apply_view(graph, scenes[index].view).nodes, key=lambda n: len(str(graph.nodes[n]["label"])))
    whole = " ".join(str(graph.nodes[quote]["label"]).split())
    context = browser.new_context(viewport={"width": 911, "height": 512}, device_scale_factor=1.5)
    page = context.new_page()
    page.goto(streamlit_server(script="app.py") + f"/?present=true&scene={scenes[index].id}")
    page.get_by_role("heading", name=scenes[index].title).wait_for(timeout=60000)
    _settle(page)
    page.mouse.click(*node_point(page, page.main_frame, quote))
    caption = page.locator(".st-key-kg-caption")
    caption.get_by_text(whole, exact=False).wait_for(timeout=30000)
    page.mouse.move(2, 2)  # away from the node: its tooltip would cover the drawing
    _settle(page)
    seen = page.evaluate(_MEASURE)
    page.screenshot(path=artifacts / "projector-1366x768-zoom150-selected-quote.png")
    measured, problems = check_scene(seen, graph, selected=True)
    print(f"selected {quote} ({len(whole)} characters): {measured}")
    assert seen["focus"] == quote
    assert problems == []
    context.close()
