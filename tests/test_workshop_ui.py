"""Workshop mode in AppTest: presentation, stepping through scenes, saving a scene."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.data.journal import read_changelog
from graph.data.store import load_scenes
from tests.conftest import DATA_DIR, ROOT

pytestmark = pytest.mark.usefixtures("fresh_passcode_gate")  # each test meets a gate with no tries
APP = str(ROOT / "app.py")


@pytest.fixture
def copy_of_data(tmp_path: Path) -> Path:
    for name in ("nodes.json", "edges.json", "scenes.json"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def _app(monkeypatch, data_dir: Path, passcode: str | None = None) -> AppTest:
    monkeypatch.setenv("KG_DATA_DIR", str(data_dir))
    if passcode:
        monkeypatch.setenv("KG_EDIT_PASSCODE", passcode)
    else:
        monkeypatch.delenv("KG_EDIT_PASSCODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at: AppTest) -> str:
    return next((c.value for c in at.caption if c.value.startswith("Showing")), "")


def test_the_default_tour_ships_and_validates():
    scenes = load_scenes(DATA_DIR)
    assert len(scenes) >= 5
    assert all(scene.caption and scene.refs for scene in scenes)


def test_next_applies_the_first_scene_and_then_the_second(monkeypatch, copy_of_data):
    scenes = load_scenes(copy_of_data)
    at = _app(monkeypatch, copy_of_data)
    at.session_state["kg-filters"] = True  # open the Filters popover (its contents are built only while open)
    at.button(key="next-side").click().run()
    assert at.session_state["_kg_view"].scene == scenes[0].id
    assert at.multiselect(key="types").value == [t.value for t in scenes[0].view.types]
    at.button(key="next-side").click().run()
    assert at.session_state["_kg_view"].scene == scenes[1].id
    assert at.multiselect(key="types").value == [t.value for t in scenes[1].view.types]


def test_presentation_mode_shows_the_scene_caption_without_the_panels(monkeypatch, copy_of_data):
    scenes = load_scenes(copy_of_data)
    at = _app(monkeypatch, copy_of_data)
    at.button(key="next-side").click().run()
    at.toggle(key="present").set_value(True).run()
    headings = [m.value for m in at.markdown]
    assert f"# {scenes[0].title}" in headings
    assert not _shown(at)  # the explorer's panels are gone
    at.button(key="next-present").click().run()
    assert f"# {scenes[1].title}" in [m.value for m in at.markdown]


def test_viewers_cannot_save_scenes(monkeypatch, copy_of_data):
    at = _app(monkeypatch, copy_of_data)
    assert not [b for b in at.button if "Save scene" in (b.label or "")]
    assert not at.text_input


def test_a_facilitator_saves_the_current_view_as_a_scene_and_deletes_it(monkeypatch, copy_of_data):
    at = _app(monkeypatch, copy_of_data, passcode="open sesame")
    before = load_scenes(copy_of_data)
    at.text_input(key="kg_passcode").input("open sesame")
    at.button(key="kg_unlock").click().run()
    at.text_input(key="kg_editor").input("Ada").run()
    at.session_state["kg-filters"] = True
    at.run()
    at.multiselect(key="types").set_value(["barrier"]).run()
    at.text_input(key="new_scene_title").input("Only the barriers")
    at.text_area(key="new_scene_caption").input("Five of them.")
    at.button(key="FormSubmitter:new-scene-Save scene").click().run()
    after = load_scenes(copy_of_data)
    assert [s.id for s in after] == [s.id for s in before] + ["scene:only-the-barriers"]
    assert after[-1].view.types == ["barrier"] and after[-1].caption == "Five of them."
    at.button(key="delete-scene").click().run()
    assert [s.id for s in load_scenes(copy_of_data)] == [s.id for s in before]


def _facilitator_with_a_new_scene(monkeypatch, data_dir: Path) -> AppTest:
    at = _app(monkeypatch, data_dir, passcode="open sesame")
    at.text_input(key="kg_passcode").input("open sesame")
    at.button(key="kg_unlock").click().run()
    at.text_input(key="kg_editor").input("Ada").run()
    at.session_state["kg-filters"] = True  # the Filters menu is built only while open
    at.run()
    at.multiselect(key="types").set_value(["barrier"]).run()
    at.text_input(key="new_scene_title").input("Only the barriers")
    at.button(key="FormSubmitter:new-scene-Save scene").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_saved_scene_is_logged_with_its_id_and_undo_removes_it(monkeypatch, copy_of_data):
    before = (copy_of_data / "scenes.json").read_bytes()
    at = _facilitator_with_a_new_scene(monkeypatch, copy_of_data)
    (entry,) = read_changelog(copy_of_data)
    assert (entry["action"], entry["key"], entry["editor"]) == ("add_scene", "scene:only-the-barriers", "Ada")

    at.button(key="scene-undo").click().run()
    assert not at.exception
    assert (copy_of_data / "scenes.json").read_bytes() == before
    assert [e["action"] for e in read_changelog(copy_of_data)] == ["add_scene", "undo"]
    assert [s.value for s in at.success] == ["Undone\\."]


def test_a_page_unlocked_before_the_passcode_changed_cannot_delete_a_scene(monkeypatch, copy_of_data):
    at = _facilitator_with_a_new_scene(monkeypatch, copy_of_data)
    scenes = (copy_of_data / "scenes.json").read_bytes()
    monkeypatch.setenv("KG_EDIT_PASSCODE", "rotated after the workshop")  # the page on screen is stale

    at.button(key="delete-scene").click().run()
    assert (copy_of_data / "scenes.json").read_bytes() == scenes
    assert [e["action"] for e in read_changelog(copy_of_data)] == ["add_scene"]
    assert not [b for b in at.button if b.key == "delete-scene"]  # the page is locked again


def test_a_stale_save_scene_form_is_refused_when_the_passcode_changed(monkeypatch, copy_of_data):
    at = _app(monkeypatch, copy_of_data, passcode="open sesame")
    at.text_input(key="kg_passcode").input("open sesame")
    at.button(key="kg_unlock").click().run()
    at.text_input(key="kg_editor").input("Ada").run()
    scenes = (copy_of_data / "scenes.json").read_bytes()
    monkeypatch.setenv("KG_EDIT_PASSCODE", "rotated")
    at.text_input(key="new_scene_title").input("Sneaky")
    at.button(key="FormSubmitter:new-scene-Save scene").click().run()
    assert (copy_of_data / "scenes.json").read_bytes() == scenes and read_changelog(copy_of_data) == []


def test_the_scene_picker_starts_empty_and_choosing_the_first_scene_goes_to_it(monkeypatch, copy_of_data):
    scenes = load_scenes(copy_of_data)
    at = _app(monkeypatch, copy_of_data)
    assert at.selectbox(key="scene_pick").value is None  # a fresh page shows no scene as chosen

    at.selectbox(key="scene_pick").set_value(0).run()
    assert at.session_state["_kg_view"].scene == scenes[0].id
    at.selectbox(key="scene_pick").set_value(2).run()
    assert at.session_state["_kg_view"].scene == scenes[2].id


def test_my_scene_keeps_its_undo_after_someone_else_saved_and_my_next_change_was_refused(monkeypatch, copy_of_data):
    """Ada saves a scene; Bo saves one from another page; Ada's Delete is refused (her page was
    drawn before Bo's save). Her own saved scene can still be undone, and Bo's scene stays."""
    from graph.data import edit
    from graph.data.stores import open_store
    from graph.schema import Scene

    at = _facilitator_with_a_new_scene(monkeypatch, copy_of_data)
    store = open_store(copy_of_data)
    bo = Scene(id="scene:bo", title="Bo's view", caption="", view=load_scenes(copy_of_data)[0].view)
    edit.add_scene(copy_of_data, bo, editor="Bo", expected_version=store.scenes_version())

    at.button(key="delete-scene").click().run()
    assert [e.value for e in at.error] == [
        "Someone else changed the scenes meanwhile\\: they have been reloaded\\. Try again\\."
    ]
    assert "scene:only-the-barriers" in [s.id for s in load_scenes(copy_of_data)]
    assert any(c.value == "Your last scene change\\: you saved the scene 'Only the barriers'\\." for c in at.caption)

    at.button(key="scene-undo-mine").click().run()
    assert not at.exception, [e.value for e in at.exception]
    ids = [s.id for s in load_scenes(copy_of_data)]
    assert "scene:only-the-barriers" not in ids and "scene:bo" in ids
    assert [e["action"] for e in read_changelog(copy_of_data)] == ["add_scene", "add_scene", "undo"]
    assert [s.value for s in at.success] == ["Undone\\."]
    assert not any(c.value.startswith("Your last scene change") for c in at.caption)
