"""The graph component under AppTest (no browser, so no JS runs) and its static set-up."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import pyvis
from streamlit.testing.v1 import AppTest

from graph.picture.component import DRAWING_URL, VIS_NETWORK_URL, _fingerprint, component_data

ROOT = Path(__file__).resolve().parents[1]


def _app():
    import streamlit as st

    from graph.data.build import build_graph
    from graph.picture.component import graph_view, select_node
    from graph.picture.render import vis_payload
    from graph.schema import Dataset, Node

    nodes = tuple(Node(id=f"topic:{name}", type="topic", label=name.title(), refs=["4"]) for name in ("t", "u"))
    G = build_graph(Dataset(nodes, ()))
    st.button("Choose U", on_click=lambda: select_node("graph", "topic:u"))
    payload = vis_payload(G, {"topic:t": (0.0, 0.0), "topic:u": (100.0, 0.0)})
    selected = graph_view(payload, key="graph", height=321)
    st.text(f"selected={selected}")


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_function(_app).run()


def _elements(app: AppTest) -> dict:
    return {element.proto.component_name.rsplit(".", 1)[-1]: element for element in app.get("bidi_component")}


def _data(app: AppTest) -> dict:
    return component_data(_elements(app)["kg_graph_view"].proto)


def _carried(app: AppTest) -> dict:
    return component_data(_elements(app)["kg_graph_payload"].proto)


def test_component_is_drawn_with_the_payload_and_nothing_selected(app):
    data, carried = _data(app), _carried(app)

    assert not app.exception
    assert [node["id"] for node in carried["payload"]["nodes"]] == ["topic:t", "topic:u"]
    assert data["payload"] == carried["id"] == _fingerprint(carried["payload"])
    assert (data["height"], data["key"], data["selected"]) == (321, "graph", None)
    assert data["highlight"] == {"nodes": [], "edges": [], "focus": None}
    assert (data["library"], data["drawing"]) == (VIS_NETWORK_URL, DRAWING_URL)
    assert [text.value for text in app.text] == ["selected=None"]


def test_a_click_in_the_browser_comes_back_as_the_selected_node(app):
    app.session_state["graph"] = {"selected": "topic:u"}  # what the component's JS sets

    app.run()

    assert app.text[0].value == "selected=topic:u"
    assert _data(app)["selected"] == "topic:u"  # so the drawing shows it selected too
    assert _data(app)["highlight"]["focus"] == "topic:u"  # and moves to it


def test_select_node_from_a_widget_callback_selects_it_in_the_drawing(app):
    app.button[0].click().run()

    assert app.text[0].value == "selected=topic:u"
    assert _data(app)["selected"] == "topic:u"


def test_the_payload_fingerprint_follows_the_content():
    payload = {"nodes": [{"id": "a", "x": 1.0}], "edges": [], "options": {}}
    reordered = {"options": {}, "edges": [], "nodes": [{"x": 1.0, "id": "a"}]}
    moved = {"nodes": [{"id": "a", "x": 2.0}], "edges": [], "options": {}}

    assert _fingerprint(payload) == _fingerprint(reordered)
    assert _fingerprint(payload) != _fingerprint(moved)


def test_with_static_serving_on_there_is_no_warning(app):
    # AppTest reads .streamlit/config.toml from the working directory (the project root).
    assert not app.warning


def test_without_static_serving_the_app_is_told_how_to_fix_it():
    from streamlit import config

    before = config.get_option("server.enableStaticServing")
    config.set_option("server.enableStaticServing", False)
    try:
        app = AppTest.from_function(_app).run()
    finally:
        config.set_option("server.enableStaticServing", before)

    assert any("static file serving is off" in warning.value.lower() for warning in app.warning)


def test_static_serving_is_turned_on_for_the_project():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())

    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_vis_network_is_served_from_static_as_shipped_by_pyvis_with_its_licence():
    served = ROOT / "static" / VIS_NETWORK_URL.removeprefix("./app/static/")
    shipped = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"

    assert served.read_bytes() == shipped.read_bytes()
    header = served.read_text()[:800]
    assert "@license" in header and "Apache" in header and "MIT" in header


def test_component_code_fetches_nothing_but_the_local_library():
    from graph.picture import component

    code = component._JS + component._HTML + component._CSS + component._PAYLOAD_JS
    code += "".join((ROOT / "static" / name).read_text() for name in ("kg-draw.js", "kg-labels.js", "kg-marks.js"))
    code = code.replace('"http://www.w3.org/2000/svg"', "")  # SVG's namespace name, never fetched

    assert "http:" not in code and "https:" not in code and "//cdn" not in code
    assert "innerHTML" not in code  # text from data is set as text


def _highlight_app():
    import streamlit as st

    from graph.data.build import build_graph
    from graph.picture.component import graph_view
    from graph.picture.render import vis_payload
    from graph.schema import Dataset, Edge, Node

    nodes = tuple(Node(id=f"topic:{name}", type="topic", label=name.title(), refs=["4"]) for name in "tuv")
    edges = (Edge(source="topic:t", target="topic:u", relation="echoes", refs=["4"], basis="stated"),)
    G = build_graph(Dataset(nodes, edges))
    payload = vis_payload(G, {"topic:t": (0.0, 0.0), "topic:u": (100.0, 0.0), "topic:v": (0.0, 90.0)})
    lit = st.toggle("Highlight", key="lit")
    highlight = {"nodes": ["topic:t", "topic:u"], "edges": [["topic:t", "topic:u", "echoes"]], "focus": "topic:t"}
    graph_view(payload, key="graph", height=300, highlight=highlight if lit else None, presentation=lit)


def test_a_highlight_travels_apart_from_an_unchanged_payload():
    app = AppTest.from_function(_highlight_app).run()
    carrier_before = _elements(app)["kg_graph_payload"].proto.SerializeToString(deterministic=True)

    app.toggle[0].set_value(True).run()

    data = _data(app)
    assert data["highlight"] == {
        "nodes": ["topic:t", "topic:u"],
        "edges": ["topic:t|echoes|topic:u"],
        "focus": "topic:t",
    }
    assert data["presentation"] is True
    # The element carrying the drawing is byte for byte the same, so Streamlit's message cache
    # sends the browser a reference to it instead of the drawing again.
    assert _elements(app)["kg_graph_payload"].proto.SerializeToString(deterministic=True) == carrier_before


def test_an_old_style_payload_highlight_is_taken_out_of_the_payload():
    from graph.data.build import build_graph
    from graph.picture.render import vis_payload
    from graph.schema import Dataset, Node

    G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    plain = vis_payload(G, {"topic:t": (0.0, 0.0)})
    lit = vis_payload(G, {"topic:t": (0.0, 0.0)}, highlight=["topic:t"])
    from graph.picture.component import _split

    body, highlight = _split(lit)
    assert _fingerprint(body) == _fingerprint(plain)
    assert highlight == {"nodes": ["topic:t"], "edges": []}
