"""The app's import preview: near-duplicates with a merge-or-keep-both choice, and a type change
confirmed apart (AppTest against a copy of the shipped data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.data.store import load_dataset, save_dataset
from tests.conftest import DATA_DIR, ROOT

APP = str(ROOT / "app.py")
PASSCODE = "tea-and-biscuits"


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch) -> Path:
    save_dataset(tmp_path, load_dataset(DATA_DIR))
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KG_EDIT_PASSCODE", PASSCODE)
    return tmp_path


def _preview(name: str, content: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    at.text_input(key="kg_passcode").input(PASSCODE)
    at.button(key="kg_unlock").click().run()
    at.text_input(key="kg_editor").input("Sam").run()
    at.radio(key="kg_edit_mode").set_value("import").run()
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _near_radio(at: AppTest):
    (radio,) = [r for r in at.radio if r.key and r.key.startswith("kg_near_")]
    return radio


SCIE_ROW = (
    b"Label,Type,Description\nSocial Care Institute for Excellence,organisation,Shares what works in social care\n"
)


def test_a_near_duplicate_is_flagged_and_keep_both_is_the_default(data_copy):
    at = _preview("their-list.csv", SCIE_ROW)
    assert any("look like nodes already in the data" in w.value.replace("\\", "") for w in at.warning)
    radio = _near_radio(at)
    shown = [option.replace("\\", "") for option in radio.options]  # the text is escaped as markdown
    assert radio.value == "" and shown == [
        "Keep both",
        "Merge into Social Care Institute for Excellence (SCIE) (organisation:scie)",
    ]
    assert at.text[0].value == "Rows read: 1 from their-list.csv." and "nodes: 1 new" in at.text[1].value


def test_merge_updates_the_existing_node_instead_of_adding_one(data_copy):
    at = _preview("their-list.csv", SCIE_ROW)
    _near_radio(at).set_value("organisation:scie").run()
    assert "nodes: 0 new, 1 changed" in at.text[1].value
    at.button(key="kg_apply_import").click().run()
    assert not at.exception
    nodes = {n.id: n for n in load_dataset(data_copy).nodes}
    assert "organisation:social-care-institute-for-excellence" not in nodes
    assert nodes["organisation:scie"].description == "Shares what works in social care"
    assert nodes["organisation:scie"].label == "Social Care Institute for Excellence (SCIE)"


def test_a_type_change_needs_a_tick_before_it_can_be_applied(data_copy):
    at = _preview("retype.csv", b"ID,Label,Type\norganisation:futuregov,FutureGov,initiative\n")
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert (
        "This import changes the type of 1 existing node(s): organisation:futuregov (organisation -> initiative)"
        in (warnings)
    )
    assert at.button(key="kg_apply_import").disabled
    at.checkbox(key="kg_import_type_ok").check().run()
    assert not at.button(key="kg_apply_import").disabled
    at.button(key="kg_apply_import").click().run()
    assert {n.id: n.type.value for n in load_dataset(data_copy).nodes}["organisation:futuregov"] == "initiative"


STICKY_NOTES = (
    b"From,To,Type,Refs\n"
    b"Kinship Care Alliance,Povety,works on,Sticky notes\n"
    b"Kinship Care Alliance,Fathers,works on,Sticky notes\n"
    b"Department of Education,Poverty,works on,Sticky notes\n"
)


def _end_box(at: AppTest, name: str):
    (box,) = [s for s in at.selectbox if s.key and s.key.startswith("kg_end_") and name in s.label.replace("\\", "")]
    return box


def test_each_name_no_node_has_gets_a_choice_with_suggestions_best_first(data_copy):
    at = _preview("sticky-notes.csv", STICKY_NOTES)
    povety = _end_box(at, "Povety")
    assert povety.value == ""  # nothing is matched until someone chooses
    assert povety.options[:2] == [
        "Keep its rows back",
        "It is Poverty (topic:poverty): 1 letter away from 'Poverty' (a typo?)",
    ]
    kinship = _end_box(at, "Kinship Care Alliance")
    assert "Create a new organisation 'Kinship Care Alliance'" in kinship.options
    assert at.button(key="kg_apply_import").disabled

    povety.set_value("is:topic:poverty").run()
    _end_box(at, "Kinship Care Alliance").set_value("new:organisation").run()
    at.checkbox(key="kg_import_keep_back").check().run()  # the Department of Education row is kept back
    assert not at.exception
    assert any("1 row(s) kept back" in i.value for i in at.info)
    at.button(key="kg_apply_import").click().run()
    saved = load_dataset(data_copy)
    assert "organisation:kinship-care-alliance" in {n.id for n in saved.nodes}
    keys = {e.key for e in saved.edges}
    assert {"organisation:kinship-care-alliance|works_on|topic:poverty",
            "organisation:kinship-care-alliance|works_on|topic:fathers"} <= keys
    assert "organisation:department-for-education|works_on|topic:poverty" not in keys
