"""The explorer's controls and panels, run headless with Streamlit's AppTest (no browser, no JS)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from graph.data.store import save_dataset
from graph.picture.component import component_data
from tests.conftest import ROOT, edge, node

APP = str(ROOT / "app.py")


def _app(monkeypatch, data_dir: Path | None = None) -> AppTest:
    if data_dir is not None:
        monkeypatch.setenv("KG_DATA_DIR", str(data_dir))
    else:
        monkeypatch.delenv("KG_DATA_DIR", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Showing")).split(" · Highlighted")[0]


def test_app_draws_the_whole_shipped_graph(monkeypatch):
    at = _app(monkeypatch)
    assert _shown(at) == "Showing **225** of 225 nodes and **512** links"
    # the drawing, the element that carries its data, and the page's look at the data's version
    assert sorted(c.key for c in at.get("bidi_component")) == ["graph", "graph-payload", "kg-live"]
    assert not at.error


def test_choosing_a_node_shows_its_details_and_links(monkeypatch):
    at = _app(monkeypatch)
    at.selectbox(key="focus").set_value("topic:trauma").run()
    assert "Trauma" in [s.value for s in at.subheader]
    text = " ".join(m.value for m in at.markdown)
    assert "Event Coventry" in text and "stated" in text
    assert "selected: **Trauma**" in _shown(at)


def test_a_click_on_the_graph_selects_the_node(monkeypatch):
    at = _app(monkeypatch)
    at.session_state["graph"] = {"selected": "strand:cyp-panel"}
    at.run()
    assert at.selectbox(key="focus").value == "strand:cyp-panel"
    assert "Children and young people's panel" in [s.value for s in at.subheader]


def test_type_filter_narrows_the_drawing(monkeypatch):
    at = _app(monkeypatch)
    at.session_state["kg-filters"] = True  # open the Filters popover (its contents are built only while open)
    at.run()
    at.multiselect(key="types").set_value(["topic"]).run()
    assert _shown(at).startswith("Showing **79** of 225 nodes")


def test_only_the_neighbourhood(monkeypatch):
    at = _app(monkeypatch)
    at.selectbox(key="focus").set_value("topic:trauma").run()
    at.toggle(key="only").set_value(True).run()
    assert _shown(at).startswith("Showing **3** of 225 nodes")


def test_path_finder_explains_the_connection(monkeypatch):
    at = _app(monkeypatch)
    at.session_state["tab"] = "Paths"
    at.run()
    at.selectbox(key="path_from").set_value("strand:event-coventry").run()
    at.selectbox(key="path_to").set_value("topic:trauma").run()
    text = " ".join(m.value for m in at.markdown)
    assert "Event Coventry raised Trauma" in text


def test_overlaps_gaps_gap_map_table_and_about_render(monkeypatch):
    at = _app(monkeypatch)
    for tab in ("Overlaps", "Gaps", "Gap map", "Table", "About"):
        at.session_state["tab"] = tab
        at.run()
        assert not at.exception, (tab, [e.value for e in at.exception])
        assert at.dataframe, tab


def test_invalid_data_shows_located_errors_not_a_traceback(monkeypatch, tmp_path):
    save_dataset(tmp_path, _dataset())
    (tmp_path / "edges.json").write_text('{"edges": [', encoding="utf-8")
    at = _app(monkeypatch, tmp_path)
    assert at.error and "cannot be shown" in at.error[0].value
    assert "edges.json: invalid JSON at line 1" in at.code[0].value


def test_text_from_the_data_is_shown_as_text(monkeypatch, tmp_path):
    save_dataset(tmp_path, _dataset(label="<img src=x onerror=alert(1)> [click](javascript:alert(1))"))
    at = _app(monkeypatch, tmp_path)
    at.selectbox(key="focus").set_value("topic:t").run()
    title = at.subheader[-1]
    assert "\\<img" in title.value and "\\[click\\]\\(javascript\\:" in title.value


def _dataset(label: str = "Trauma"):
    from graph.schema import Dataset

    return Dataset(
        (node("strand:a", "strand", "Panel"), node("topic:t", "topic", label, level="frontline")),
        (edge("strand:a", "raised", "topic:t"),),
    )


def test_a_graph_too_big_to_draw_is_shown_as_communities(monkeypatch, tmp_path):
    from bench.synthetic import make_dataset
    from graph.picture.view import MAX_DRAWN_NODES

    save_dataset(tmp_path, make_dataset(MAX_DRAWN_NODES + 500, seed=1))
    at = _app(monkeypatch, tmp_path)
    captions = " ".join(c.value for c in at.caption)
    assert "more than can be drawn readably" in captions and "communities instead" in captions
    drawn = _payload(at)["nodes"]
    assert 1 < len(drawn) < 100 and all(node["id"].startswith("community:") for node in drawn)
    at.session_state["graph"] = {"selected": drawn[0]["id"]}  # a click on a community draws it
    at.run()
    inside = _payload(at)["nodes"]
    assert inside and not any(node["id"].startswith("community:") for node in inside)


def _payload(at: AppTest) -> dict:

    return component_data(at.get("bidi_component")[0].proto)["payload"]


def test_a_link_may_name_a_node_by_its_label_and_is_rewritten_to_its_id(monkeypatch):
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["focus"] = "Trauma"
    at.query_params["tab"] = "details"
    at.run()
    assert not at.exception
    assert at.query_params["focus"] == "topic:trauma"
    assert "Trauma" in [s.value for s in at.subheader]


def test_a_stale_link_value_is_a_one_line_notice(monkeypatch):
    from graph.picture.panels import escape_markdown

    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["focus"] = "topic:no-such-topic"
    at.query_params["depth"] = "2"
    at.run()
    assert not at.exception and not at.error
    notice = "The link's focus 'topic:no-such-topic' is not a node in the data; it was ignored."
    assert [w.value for w in at.warning] == [escape_markdown(notice)]
    assert at.query_params["depth"] == "2" and "focus" not in at.query_params


def test_choosing_a_node_clears_the_highlighted_pair(monkeypatch):
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["overlap"] = "organisation:nspcc,organisation:action-for-children"
    at.run()
    assert any("overlapping pair" in c.value for c in at.caption)
    at.selectbox(key="focus").set_value("topic:trauma").run()
    assert "overlap" not in at.query_params and at.query_params["focus"] == "topic:trauma"
    assert not any("overlapping pair" in c.value for c in at.caption)


def test_an_error_in_a_panel_leaves_the_rest_of_the_page_working(monkeypatch):
    import ui.details

    def broken(graph):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ui.details, "details_panel", broken)
    at = _app(monkeypatch)
    assert [e.value for e in at.error] == [
        "The details could not be shown because of an unexpected error. The rest of the page still works; "
        "reload the page to try again."
    ]
    assert _shown(at).startswith("Showing **225**") and len(at.get("bidi_component")) == 3


_FIRST_PAGE_IMPORTS = """
import sys
from streamlit.testing.v1 import AppTest
heavy = ("pandas", "pyarrow", "scipy", "openpyxl", "matplotlib", "rapidfuzz", "defusedxml", "PIL")
before = [name for name in heavy if name in sys.modules]
at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
assert not at.exception, at.exception
print(",".join(name for name in heavy if name in sys.modules and name not in before))
"""


def test_the_first_page_loads_no_dataframe_spreadsheet_or_plotting_library(tmp_path):
    """What the first picture does not need is not imported before it: the drawing's data goes to the
    component as JSON bytes (a dict makes Streamlit import pandas and pyarrow to look for data frames),
    and the panels, the import formats and the layout code load when first used."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("KG_DATA_DIR", None)
    warm = [sys.executable, "-c", _FIRST_PAGE_IMPORTS, str(ROOT / "app.py")]
    subprocess.run(warm, env=env, capture_output=True, text=True, check=True)  # fills the disk cache
    done = subprocess.run(warm, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
