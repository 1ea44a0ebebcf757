"""Every open page follows the data (ui.live): the server publishes the data's version as a token in
a static file, the page is drawn with the same token, and a change (a commit, a session begun)
changes it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.data import edit
from graph.data.history import begin_session
from graph.data.store import load_dataset, save_dataset
from graph.picture.component import component_data
from tests.conftest import DATA_DIR, ROOT

APP = str(ROOT / "app.py")


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "data").mkdir()
    save_dataset(tmp_path / "data", load_dataset(DATA_DIR))
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KG_EDIT_PASSCODE", raising=False)
    return tmp_path / "data"


def _look(at: AppTest) -> dict:
    (live,) = [c for c in at.get("bidi_component") if c.key == "kg-live"]
    return component_data(live.proto)


def _published(look: dict) -> str:
    path = ROOT / "static" / look["url"].removeprefix("./app/static/")
    deadline = time.monotonic() + 5
    text = path.read_text(encoding="utf-8").strip()
    while text != look["token"] and time.monotonic() < deadline:  # the watcher looks every 0.1 s
        time.sleep(0.05)
        text = path.read_text(encoding="utf-8").strip()
    return text


def test_the_page_is_drawn_with_the_token_the_server_publishes_and_a_change_changes_it(data_copy):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    first = _look(at)
    assert first["url"].startswith("./app/static/live/") and first["every"] == 500
    assert _published(first) == first["token"]  # nothing changed: the page has no reason to rerun

    edit.add_node(
        data_copy,
        {"id": "topic:new", "type": "topic", "label": "New", "refs": ["W"]},
        editor="t",
        expected_version=edit.snapshot(data_copy)[1],
    )
    at.run()  # what the page's fetch of a new token asks for
    second = _look(at)
    assert second["token"] != first["token"] and _published(second) == second["token"]

    begin_session(data_copy, "Leeds workshop", "2026-12-03", editor="t")  # the data is as it was, the log is not
    at.run()
    third = _look(at)
    assert third["token"] not in (first["token"], second["token"]) and _published(third) == third["token"]
    assert json.dumps(third)  # plain data


def _focus(at: AppTest) -> str | None:
    from ui.state import VIEW

    return at.session_state[VIEW].focus


def test_a_run_the_page_asks_for_with_older_values_keeps_what_the_server_set(data_copy):
    """The browser asks for a run when the data changes, sometimes before it has shown the run that
    selected a node: the old "Find a node" value it sends is not a person's choice. A person choosing
    that node again is."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.selectbox(key="focus").set_value("topic:poverty").run()
    at.session_state["graph"] = {"selected": "topic:trauma"}  # a click in the drawing selects Trauma
    at.run()
    assert _focus(at) == "topic:trauma" and at.session_state["focus"] == "topic:trauma"

    at.session_state["_kg_followed"] = True  # the page following the data asked for this run...
    at.selectbox(key="focus").set_value("topic:poverty").run()  # ...with the value it had before the click
    assert not at.exception
    assert _focus(at) == "topic:trauma"

    at.selectbox(key="focus").set_value("topic:poverty").run()  # a person chooses Poverty again
    assert _focus(at) == "topic:poverty"
