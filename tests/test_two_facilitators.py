"""Two facilitators at once (AppTest against a copy of the shipped data): a change someone else saves
elsewhere does not stop this page's save; a change to the very node this page is editing is named,
what was typed here is kept, and this facilitator chooses: take theirs, or save over it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.data import edit
from graph.data.store import load_dataset, save_dataset
from tests.conftest import DATA_DIR, ROOT

pytestmark = pytest.mark.usefixtures("fresh_passcode_gate")  # each test meets a gate with no tries
APP = str(ROOT / "app.py")
PASSCODE = "tea-and-biscuits"


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch) -> Path:
    save_dataset(tmp_path, load_dataset(DATA_DIR))
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KG_EDIT_PASSCODE", PASSCODE)
    return tmp_path


def _editing_trauma() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.text_input(key="kg_passcode").input(PASSCODE)
    at.button(key="kg_unlock").click().run()
    at.text_input(key="kg_editor").input("Sam").run()
    at.selectbox(key="focus").set_value("topic:trauma").run()
    at.radio(key="kg_edit_mode").set_value("selected").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _field(at: AppTest, prefix: str):
    return next(w for w in (*at.text_input, *at.text_area) if (w.key or "").startswith(prefix))


def _button(at: AppTest, prefix: str):
    return next(b for b in at.button if (b.key or "").startswith(prefix))


def _trauma(data_dir: Path):
    return next(n for n in load_dataset(data_dir).nodes if n.id == "topic:trauma")


def test_a_change_elsewhere_does_not_stop_this_save(data_copy):
    at = _editing_trauma()
    form_keys = sorted(w.key for w in (*at.text_input, *at.text_area) if (w.key or "").startswith("kg_upd_"))
    other = {"id": "topic:kinship-care", "type": "topic", "label": "Kinship care", "refs": ["W"]}
    edit.add_node(data_copy, other, editor="Ana", expected_version=edit.snapshot(data_copy)[1])
    at.run()  # the page follows the data (its look every half second)
    # The form is the same form: what was typed in it stays in the browser.
    assert sorted(w.key for w in (*at.text_input, *at.text_area) if (w.key or "").startswith("kg_upd_")) == form_keys
    assert not at.warning
    _field(at, "kg_upd_description").input("What the room said about trauma.")
    _button(at, "kg_upd_save").click().run()
    assert not at.exception and not at.error
    assert _trauma(data_copy).description == "What the room said about trauma."


def test_a_change_to_the_same_node_is_named_and_nothing_is_lost(data_copy):
    at = _editing_trauma()
    form_keys = sorted(w.key for w in (*at.text_input, *at.text_area) if (w.key or "").startswith("kg_upd_"))
    edit.update_node(
        data_copy,
        "topic:trauma",
        {"label": "Trauma-informed practice"},
        editor="Ana",
        expected_version=edit.snapshot(data_copy)[1],
    )
    at.run()
    (warning,) = [w.value.replace("\\", "") for w in at.warning]  # shown escaped as markdown
    assert warning.startswith("Ana (at ") and "changed this while you had it open (label)" in warning
    assert sorted(w.key for w in (*at.text_input, *at.text_area) if (w.key or "").startswith("kg_upd_")) == form_keys

    _field(at, "kg_upd_description").input("What the room said about trauma.")
    _button(at, "kg_upd_save").click().run()  # refused: it would undo Ana's label unseen
    assert any("changed this while you had it open; nothing was saved" in e.value for e in at.error)
    assert _trauma(data_copy).label == "Trauma-informed practice" and _trauma(data_copy).description is None
    assert _field(at, "kg_upd_description").value == "What the room said about trauma."  # still there

    next(c for c in at.checkbox if (c.key or "").startswith("kg_mine")).check()
    _button(at, "kg_upd_save").click().run()  # this facilitator chooses to save theirs over it
    assert not at.exception
    saved = _trauma(data_copy)
    assert saved.description == "What the room said about trauma." and saved.label == "Trauma"
    log = edit.read_changelog(data_copy)
    assert [(e["action"], e["editor"]) for e in log] == [("update_node", "Ana"), ("update_node", "Sam")]


def test_take_theirs_starts_the_form_again_from_their_version(data_copy):
    at = _editing_trauma()
    edit.update_node(
        data_copy,
        "topic:trauma",
        {"label": "Trauma-informed practice"},
        editor="Ana",
        expected_version=edit.snapshot(data_copy)[1],
    )
    at.run()
    _button(at, "kg_theirs").click().run()
    assert not at.warning
    assert _field(at, "kg_upd_label").value == "Trauma-informed practice"
