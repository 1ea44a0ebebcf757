"""Text from the data stays text, in a real Chromium: hostile labels, descriptions, quotes, attributes,
references and query parameters neither run script nor add elements (links and icons included)
anywhere in the app or the standalone HTML export. (Bidi overrides and control characters never
get this far: validation refuses them.)

Every script payload sets ``window.__kgInjected`` or calls ``alert``; the checks walk every frame
(and open shadow roots) for the marker, for a dialog, and for any element the payloads would create.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from graph.data.build import build_graph
from graph.data.store import save_dataset, save_scenes
from graph.picture.layout import compute_layout
from graph.picture.render import standalone_html
from graph.schema import Dataset, Edge, Node, Scene

pytestmark = pytest.mark.browser

PASSCODE = "tea-and-biscuits"
MARK = "window.__kgInjected=1"
LONG = "A very long label " + "that goes on and on " * 14  # 298 characters: near the schema's 300
PAYLOADS = (
    f'<img src=x onerror="{MARK}">',
    f"<script>{MARK}</script>",
    f'<svg onload="{MARK}">',
    f"[click me](javascript:{MARK})",
    f'<a href="javascript:{MARK}">x</a>',
    f'"><script>{MARK}</script>',
    "{{7*7}}",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">href</a>',
    f"![x](x){{: onerror={MARK}}} <iframe src=javascript:{MARK}>",
    "Visit http://evil.example/x or www.evil.example, mail kg@evil.example :material/skull: zero\u200bwidth",
    LONG,
)
# Ids are plain slugs (the schema allows nothing else); everything a person types is hostile.
TOPICS = [f"topic:p{i}" for i in range(len(PAYLOADS))]
# What the checks look for: any element an injected string would create, in any frame or shadow root.
_SCAN = """() => {
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      for (const name of el.getAttributeNames()) {
        const value = el.getAttribute(name) || '';
        const handler = name.startsWith('on') && /__kgInjected|alert/.test(value);
        const scheme = /^(href|src|xlink:href|action|formaction)$/.test(name) && /^\\s*javascript:/i.test(value);
        const bogus = name === 'src' && value === 'x';
        if (handler || scheme || bogus) found.push(`${tag}[${name}=${value.slice(0, 50)}]`);
      }
      if (tag === 'script' && el.textContent.trim() === 'window.__kgInjected=1') found.push('script');
      if (tag === 'a' && /evil\\.example/.test(el.getAttribute('href') || '')) found.push('a link from the data');
      if (el.children.length === 0 && el.textContent.trim() === 'skull') found.push(`an icon from the data (${tag})`);
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return {found, marker: window.__kgInjected === undefined ? null : String(window.__kgInjected)};
}"""


def hostile_dataset() -> Dataset:
    def topic(i: int, text: str) -> Node:
        return Node(
            id=TOPICS[i],
            type="topic",
            label=text,
            refs=[PAYLOADS[(i + 1) % len(PAYLOADS)][:200]],
            description=PAYLOADS[(i + 2) % len(PAYLOADS)],
            attributes={"level": "frontline", "note": PAYLOADS[(i + 3) % len(PAYLOADS)], PAYLOADS[0]: text[:50]},
        )

    nodes = [topic(i, text) for i, text in enumerate(PAYLOADS)]
    nodes += [
        Node(id="theme:t", type="theme", label=PAYLOADS[1], refs=["x"], attributes={"level": "frontline"}),
        Node(id="level:frontline", type="level", label="Frontline", refs=["x"]),
        Node(id="strand:a", type="strand", label=PAYLOADS[0], refs=[PAYLOADS[3]], description=PAYLOADS[4]),
        Node(id="strand:b", type="strand", label=PAYLOADS[9], refs=["x"], attributes={"voices": list(PAYLOADS[:3])}),
        Node(id="organisation:a", type="organisation", label=PAYLOADS[2], refs=["x"]),
        Node(id="organisation:b", type="organisation", label=PAYLOADS[5], refs=["x"]),
        Node(id="quote:q", type="quote", label=PAYLOADS[4], refs=["x"], attributes={"attribution": PAYLOADS[0]}),
        Node(id="message:m", type="message", label=PAYLOADS[3], refs=["x"], attributes={"kind": "want"}),
    ]

    def link(source: str, relation: str, target: str, i: int, **attributes) -> Edge:
        inferred = i % 2 == 1
        return Edge(
            source=source,
            target=target,
            relation=relation,
            refs=[PAYLOADS[i % len(PAYLOADS)][:200]],
            basis="inferred" if inferred else "stated",
            rationale=PAYLOADS[(i + 5) % len(PAYLOADS)] if inferred else None,
            attributes=attributes,
        )

    edges = [link(t, "in_theme", "theme:t", i) for i, t in enumerate(TOPICS)]
    edges += [
        link("strand:a", "raised", t, i, qualifier=PAYLOADS[(i + 7) % len(PAYLOADS)]) for i, t in enumerate(TOPICS[:8])
    ]
    edges += [link("strand:b", "raised", t, i) for i, t in enumerate(TOPICS[4:10])]
    edges += [link("organisation:a", "works_on", t, i) for i, t in enumerate(TOPICS[:5])]
    edges += [link("organisation:b", "works_on", t, i) for i, t in enumerate(TOPICS[2:7])]
    edges += [
        link("theme:t", "at_level", "level:frontline", 0),
        link("quote:q", "attributed_to", "strand:a", 1),
        link("quote:q", "speaks_to", TOPICS[0], 2),
        link("message:m", "speaks_to", TOPICS[1], 3),
    ]
    return Dataset(tuple(nodes), tuple(edges))


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("hostile-data")
    save_dataset(data_dir, hostile_dataset())
    scene = Scene(id="s1", title=PAYLOADS[0], caption=PAYLOADS[3] + " " + PAYLOADS[1], refs=[PAYLOADS[4]])
    save_scenes(data_dir, [scene])
    return data_dir


@pytest.fixture(scope="module")
def app_url(streamlit_server, hostile_dir) -> str:
    return streamlit_server(script="app.py", env={"KG_DATA_DIR": str(hostile_dir), "KG_EDIT_PASSCODE": PASSCODE})


def assert_clean(page, where: str) -> None:
    """No dialog, no marker, no injected element in any frame; and no Python exception on the page."""
    assert page.dialogs == [], where
    for frame in page.frames:
        try:
            result = frame.evaluate(_SCAN)
        except Exception:  # a frame navigating away; the others are still checked
            continue
        assert result == {"found": [], "marker": None}, (where, frame.url, result)
    assert page.locator("[data-testid='stException']").count() == 0, where
    assert page.blocked_requests == [], where


def _open(page, url: str, network_frame):
    page.goto(url)
    frame = network_frame(page, timeout=60)
    page.wait_for_function(
        "() => window.kgNetwork && Object.keys(window.kgNetwork.getPositions()).length > 0", timeout=60000
    )
    return frame


def _tab(page, name: str) -> None:
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    page.get_by_role("tab", name=name, exact=True, selected=True).wait_for(timeout=20000)
    page.wait_for_timeout(600)  # let the panel's tables and widgets draw


def test_hovering_and_selecting_hostile_nodes_shows_text(page, app_url, network_frame, node_point, artifacts):
    frame = _open(page, app_url, network_frame)
    assert_clean(page, "first draw")

    for node_id in (TOPICS[0], TOPICS[9], "quote:q", "strand:a"):
        page.mouse.move(*node_point(page, frame, node_id))
        tooltip = page.locator("div.vis-tooltip").first
        tooltip.wait_for(state="visible", timeout=10000)
        assert tooltip.locator("img, a, script, svg, iframe").count() == 0
        assert_clean(page, f"tooltip of {node_id}")
    page.screenshot(path=artifacts / "injection-tooltip.png")

    clicks = ((TOPICS[0], PAYLOADS[0]), (TOPICS[6], "{{7*7}}"), ("quote:q", PAYLOADS[4]), (TOPICS[9], PAYLOADS[9]))
    for node_id, text in clicks:  # TOPICS[9]'s description is the payload of addresses and an icon
        page.mouse.click(*node_point(page, frame, node_id))
        page.get_by_role("heading", name=text, exact=True).wait_for(timeout=20000)
        page.wait_for_timeout(400)
        assert_clean(page, f"details of {node_id}")
    page.screenshot(path=artifacts / "injection-details.png")

    box = page.get_by_role("combobox", name="Find a node")
    box.click()
    page.keyboard.type("on")  # lists the hostile labels as options
    page.get_by_role("option").first.wait_for(timeout=10000)
    assert_clean(page, "the list of nodes")
    page.keyboard.press("Escape")


def test_every_tab_and_the_editor_show_hostile_text_as_text(page, app_url, network_frame, node_point, artifacts):
    frame = _open(page, app_url, network_frame)
    page.mouse.click(*node_point(page, frame, TOPICS[0]))
    page.get_by_role("heading", name=PAYLOADS[0], exact=True).wait_for(timeout=20000)

    for name in ("Paths", "Overlaps", "Gaps", "Gap map", "Table", "About"):
        _tab(page, name)
        assert_clean(page, f"tab {name}")
    page.screenshot(path=artifacts / "injection-tabs.png")

    page.get_by_test_id("stExpandSidebarButton").click()  # the sidebar starts closed
    page.get_by_text("Workshop", exact=True).click()
    page.wait_for_timeout(500)
    assert_clean(page, "workshop scenes")

    page.get_by_text("Facilitator editing").click()
    page.get_by_role("textbox", name="Facilitator passcode").fill(PASSCODE)
    page.get_by_role("button", name="Unlock editing").click()
    page.get_by_role("tab", name="Edit", exact=True).wait_for(timeout=20000)
    _tab(page, "Edit")
    for mode in ("Selected node", "Add a link", "Undo and history"):
        page.get_by_text(mode, exact=True).click()
        page.wait_for_timeout(800)
        assert_clean(page, f"edit: {mode}")
    page.get_by_text("Selected node", exact=True).click()
    page.get_by_text("Delete this node").click()
    page.get_by_text(re.compile(r"^Yes, delete ")).wait_for(timeout=20000)
    pick = page.get_by_role("combobox", name="Choose a link to change or delete")
    pick.click()
    page.get_by_role("option").first.click()
    page.get_by_role("button", name="Save link").wait_for(timeout=20000)
    assert_clean(page, "edit: the selected node's links")
    page.screenshot(path=artifacts / "injection-edit.png", full_page=True)


def test_hostile_query_parameters_neither_break_nor_inject(page, app_url, network_frame, artifacts):
    script = f"<script>{MARK}</script>"
    image = f'<img src=x onerror="{MARK}">'
    query = "&".join(
        f"{key}={quote(value)}"
        for key, value in (
            ("focus", script),
            ("tab", image),
            ("types", "<svg onload=alert(1)>"),
            ("depth", "{{7*7}}"),
            ("overlap_type", f"javascript:{MARK}"),
        )
    )
    _open(page, f"{app_url}/?{query}", network_frame)
    page.get_by_text(re.compile(r"^Showing \d+ of \d+ nodes")).first.wait_for(timeout=20000)
    page.wait_for_timeout(500)

    page.screenshot(path=artifacts / "injection-query.png")
    assert_clean(page, "hostile query parameters")


def test_the_standalone_export_shows_hostile_text_as_text(page, network_frame, node_point, tmp_path, artifacts):
    G = build_graph(hostile_dataset())
    path = tmp_path / "export.html"
    path.write_text(standalone_html(G, compute_layout(G), title=PAYLOADS[1]), encoding="utf-8")
    page.goto(path.as_uri())
    frame = network_frame(page)
    assert_clean(page, "standalone page")

    for node_id in (TOPICS[0], TOPICS[9], "quote:q"):
        page.mouse.move(*node_point(page, frame, node_id))
        page.locator("div.vis-tooltip").first.wait_for(state="visible", timeout=10000)
        assert_clean(page, f"standalone tooltip of {node_id}")
    page.screenshot(path=artifacts / "injection-standalone.png")
    assert page.title() == PAYLOADS[1]
