"""Live capture in the app (AppTest, no browser): the passcode gate, and edits that reach the data files.

Every test runs the real app against a copy of the shipped data in a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.data import edit
from graph.data import files as data_files
from graph.data.edit import CONFLICT_MESSAGE, read_changelog
from graph.data.store import fingerprint, load_dataset, save_dataset
from graph.schema import edge_key
from tests.conftest import DATA_DIR, ROOT

pytestmark = pytest.mark.usefixtures("fresh_passcode_gate")  # each test meets a gate with no tries
APP = str(ROOT / "app.py")
PASSCODE = "tea-and-biscuits"
MISSED = edge_key("strand:event-coventry", "raised", "topic:child-development")  # not in the shipped data


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch) -> Path:
    save_dataset(tmp_path, load_dataset(DATA_DIR))
    monkeypatch.setenv("KG_DATA_DIR", str(tmp_path))
    return tmp_path


def files(data_dir: Path) -> dict[str, bytes]:
    """Every file in the data folder but the (empty) lock file, which reading scenes may create."""
    return {p.name: p.read_bytes() for p in sorted(data_dir.iterdir()) if p.is_file() and p.name != ".kg.lock"}


def _run(monkeypatch, passcode: str | None) -> AppTest:
    if passcode is None:
        monkeypatch.delenv("KG_EDIT_PASSCODE", raising=False)
    else:
        monkeypatch.setenv("KG_EDIT_PASSCODE", passcode)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _tabs(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


def _unlock(at: AppTest, passcode: str = PASSCODE, name: str | None = "Sam") -> AppTest:
    at.text_input(key="kg_passcode").input(passcode)
    at.button(key="kg_unlock").click().run()
    _ok(at)
    if name is not None and "Edit" in _tabs(at):
        at.text_input(key="kg_editor").input(name).run()
    return at


def _editor(monkeypatch, name: str | None = "Sam") -> AppTest:
    at = _unlock(_run(monkeypatch, PASSCODE), name=name)
    assert at.session_state["tab"] == "Edit"
    return at


def _add_missed_link(at: AppTest, refs: str = "Workshop 12 March") -> AppTest:
    at.selectbox(key="kg_link_source").set_value("strand:event-coventry").run()
    at.selectbox(key="kg_link_target").set_value("topic:child-development").run()
    at.text_input(key="kg_link_refs").input(refs).run()
    at.button(key="kg_add_link").click().run()
    _ok(at)
    return at


def _edges(data_dir: Path) -> set[str]:
    return {e.key for e in load_dataset(data_dir).edges}


# ---- the gate


def test_without_a_passcode_there_is_no_edit_control_and_nothing_writes(monkeypatch, data_copy):
    before = files(data_copy)
    at = _run(monkeypatch, None)
    # Forged state does not open the gate when no passcode is configured.
    at.session_state["_kg_unlocked"] = "forged"
    at.session_state["tab"] = "Edit"
    at.run()
    _ok(at)

    assert "Edit" not in _tabs(at)
    assert not [w for w in (*at.text_input, *at.button) if (w.key or "").startswith("kg_")]
    assert "Editing is off" in " ".join(c.value for c in at.caption)
    assert files(data_copy) == before


def test_a_wrong_passcode_stays_locked_and_is_not_echoed(monkeypatch, data_copy):
    at = _unlock(_run(monkeypatch, PASSCODE), "tea-and-cake")

    assert "Edit" not in _tabs(at)
    assert [e.value for e in at.error] == ["That passcode is not right. Editing stays locked."]
    assert at.text_input(key="kg_passcode").value == ""
    assert "tea-and-cake" not in str(at._tree)


def test_wrong_passcodes_slow_their_own_page_down_not_the_facilitator_in_another(monkeypatch, data_copy, caplog):
    from ui.editing import GATE

    now = [1000.0]
    monkeypatch.setattr(GATE, "clock", lambda: now[0])
    viewer = _run(monkeypatch, PASSCODE)
    errors = []
    for guess in range(10):
        _unlock(viewer, f"guess-{guess}")
        errors.append(viewer.error[0].value)
        now[0] += 1  # guessing as fast as the page allows
    assert errors[:3] == ["That passcode is not right. Editing stays locked."] * 3
    assert errors[3] == "That passcode is not right. Editing stays locked; the next try is taken in 2 seconds."
    assert errors[4].startswith("Too many wrong passcodes on this page. Editing stays locked; the next try is taken in")
    assert "Edit" not in _tabs(_unlock(viewer, PASSCODE))  # this page waits, even with the right passcode

    # The facilitator, in a page of their own (same computer, same address), gets in at once.
    facilitator = _unlock(_run(monkeypatch, PASSCODE), PASSCODE)
    assert "Edit" in _tabs(facilitator)
    # ... and can see what happened: when, from where and from which page, never what was tried.
    (attempts,) = [e for e in facilitator.expander if e.label.startswith("Passcode attempts")]
    assert attempts.label == "Passcode attempts: 6 wrong"  # the other 4 guesses came during a wait
    table = facilitator.dataframe[-1].value
    held = "held back, not checked"
    assert list(table["what"]) == [
        "unlocked",
        held,  # the right passcode, during the viewer page's wait
        "wrong passcode",
        f"{held} ×3",
        "wrong passcode",
        held,
        *["wrong passcode"] * 4,
    ]
    assert table["page"].iloc[0] == "this page" and set(table["from"]) == {"this computer"}
    assert not [guess for guess in range(10) if f"guess-{guess}" in str(facilitator._tree)]
    logged = [r.getMessage() for r in caplog.records if r.name == "graph.gate"]
    assert logged and not [line for line in logged if "guess-" in line or PASSCODE in line]


def test_the_right_passcode_unlocks_and_lock_locks_again(monkeypatch, data_copy):
    at = _run(monkeypatch, PASSCODE)
    before = _tabs(at)
    _unlock(at, name=None)

    # The Edit tab is added last, so no tab moves: inserted second, it moved every tab after it, and a
    # slow browser then showed the tab that had been in its place, empty, instead of Edit.
    assert _tabs(at) == [*before, "Edit"] and at.session_state["tab"] == "Edit"
    assert at.text_input(key="kg_editor").label == "Your name"
    assert PASSCODE not in str(at._tree)
    at.button(key="kg_lock").click().run()
    assert "Edit" not in _tabs(at)


def test_the_passcode_can_come_from_streamlit_secrets(monkeypatch, data_copy):
    monkeypatch.delenv("KG_EDIT_PASSCODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["KG_EDIT_PASSCODE"] = "from-secrets"
    at.run()
    _unlock(at, "from-secrets")
    assert "Edit" in _tabs(at)


# ---- changes that reach the files, logged with the editor's name


def test_adding_the_missed_link_saves_it_and_logs_who(monkeypatch, data_copy):
    at = _add_missed_link(_editor(monkeypatch))

    assert MISSED in _edges(data_copy)
    added = next(e for e in load_dataset(data_copy).edges if e.key == MISSED)
    assert added.refs == ["Workshop 12 March"] and added.basis == "stated"
    (entry,) = read_changelog(data_copy)
    assert (entry["action"], entry["editor"], entry["key"]) == ("add_edge", "Sam", MISSED)
    assert [s.value for s in at.success] == ["Added the link: Event Coventry raised Child development"]
    assert at.selectbox(key="kg_link_target").value is None  # ready for the next one
    assert "Showing **225** of 225 nodes and **513** links" in " ".join(m.value for m in [*at.markdown, *at.caption])


def test_the_relation_select_offers_only_relations_allowed_for_the_pair(monkeypatch, data_copy):
    at = _editor(monkeypatch)
    at.selectbox(key="kg_link_source").set_value("organisation:nspcc").run()
    at.selectbox(key="kg_link_target").set_value("barrier:access").run()
    (relation,) = [s for s in at.selectbox if (s.key or "").startswith("kg_link_relation")]

    assert relation.options == ["addresses (addresses)"]


def test_clicking_two_nodes_fills_from_then_to(monkeypatch, data_copy):
    at = _editor(monkeypatch)
    at.selectbox(key="focus").set_value("strand:event-coventry").run()
    at.selectbox(key="focus").set_value("topic:child-development").run()

    assert at.selectbox(key="kg_link_source").value == "strand:event-coventry"
    assert at.selectbox(key="kg_link_target").value == "topic:child-development"
    assert at.text[0].value == "Will add: Event Coventry raised Child development"


def test_adding_a_node_saves_it_with_the_suggested_id(monkeypatch, data_copy):
    at = _editor(monkeypatch)
    at.radio(key="kg_edit_mode").set_value("node").run()
    at.selectbox(key="kg_node_type").set_value("topic").run()
    at.text_input(key="kg_node_label").input("Kinship care").run()
    assert at.text_input(key="kg_node_id").placeholder == "topic:kinship-care"
    at.selectbox(key="kg_node_level").set_value("frontline")
    at.text_input(key="kg_node_refs").input("Workshop 12 March").run()
    at.button(key="kg_add_node").click().run()
    _ok(at)

    added = next(n for n in load_dataset(data_copy).nodes if n.id == "topic:kinship-care")
    assert (added.label, added.attributes, added.refs) == (
        "Kinship care",
        {"level": "frontline"},
        ["Workshop 12 March"],
    )
    assert [(e["action"], e["editor"]) for e in read_changelog(data_copy)] == [("add_node", "Sam")]


def test_deleting_the_selected_node_lists_its_links_and_needs_confirming(monkeypatch, data_copy):
    at = _editor(monkeypatch)
    at.selectbox(key="focus").set_value("topic:trauma").run()
    at.radio(key="kg_edit_mode").set_value("selected").run()
    sure = next(c for c in at.checkbox if (c.key or "").startswith("kg_delete_sure"))
    delete = next(b for b in at.button if (b.key or "").startswith("kg_delete_node"))
    links = len(edit.edges_of(load_dataset(data_copy), "topic:trauma"))

    assert delete.disabled and sure.label == f"Yes, delete Trauma and its {links} links"
    sure.check().run()
    next(b for b in at.button if (b.key or "").startswith("kg_delete_node")).click().run()
    _ok(at)

    after = load_dataset(data_copy)
    assert "topic:trauma" not in {n.id for n in after.nodes}
    assert not [e for e in after.edges if "topic:trauma" in (e.source, e.target)]
    (entry,) = read_changelog(data_copy)
    assert (entry["action"], entry["key"], len(entry["with_edges"])) == ("delete_node", "topic:trauma", links)
    assert at.session_state["focus"] is None


def test_undo_reverts_the_last_change_and_the_history_shows_it(monkeypatch, data_copy):
    original = files(data_copy)
    at = _add_missed_link(_editor(monkeypatch))
    at.radio(key="kg_edit_mode").set_value("history").run()
    assert "Event Coventry raised Child development" in at.text[0].value
    at.button(key="kg_undo").click().run()
    _ok(at)

    assert MISSED not in _edges(data_copy)
    assert {k: v for k, v in files(data_copy).items() if k.endswith(".json")} == {
        k: v for k, v in original.items() if k.endswith(".json")
    }
    assert [e["action"] for e in read_changelog(data_copy)] == ["add_edge", "undo"]
    history = at.dataframe[-1].value
    assert list(history["action"]) == ["undo", "add_edge"] and set(history["editor"]) == {"Sam"}


KINSHIP = {"id": "topic:kinship-care", "type": "topic", "label": "Kinship care", "refs": ["W"]}


def _someone_else_imports(data_dir: Path) -> str:
    """Alex, in another window, imports a new topic; the id of that change."""
    from graph.schema import Dataset, Node

    def merge(existing: Dataset) -> Dataset:
        return Dataset((*existing.nodes, Node.model_validate(KINSHIP)), existing.edges)

    return edit.merge_batch(data_dir, merge, editor="Alex", action="import kinship.csv").entry_id


def test_after_a_conflict_your_own_change_keeps_its_undo_and_it_undoes_yours(monkeypatch, data_copy):
    at = _add_missed_link(_editor(monkeypatch))
    assert at.button(key="kg_flash_undo").label == "Undo"
    at.radio(key="kg_edit_mode").set_value("node").run()
    at.text_input(key="kg_node_label").input("Foster care").run()
    at.text_input(key="kg_node_refs").input("Workshop").run()
    # Sam saves a second change on a page drawn before Alex's import: someone else saved first.
    theirs = _someone_else_imports(data_copy)
    at.button(key="kg_add_node").click().run()
    _ok(at)
    assert [w.value for w in at.warning] == [CONFLICT_MESSAGE]
    assert [i.value for i in at.info] == ["Your last change: Added the link: Event Coventry raised Child development"]

    at.button(key="kg_reload").click().run()
    assert at.button(key="kg_mine_undo").label == "Undo"  # still there after the reload
    at.radio(key="kg_edit_mode").set_value("history").run()
    assert "Alex · import kinship.csv" in at.text[0].value  # "Undo the last change" would revert that
    at.button(key="kg_mine_undo").click().run()
    _ok(at)

    assert MISSED not in _edges(data_copy)  # Sam's change is undone ...
    assert "topic:kinship-care" in {n.id for n in load_dataset(data_copy).nodes}  # ... Alex's is not
    log = read_changelog(data_copy)
    assert [(e["action"], e["editor"]) for e in log] == [
        ("add_edge", "Sam"),
        ("import kinship.csv", "Alex"),
        ("undo", "Sam"),
    ]
    assert log[2]["undoes"] == log[0]["id"] and log[1]["id"] == theirs
    assert [s.value for s in at.success] == ["Undone: the change is reverted, and the undo is in the change log."]
    assert not [b for b in at.button if b.key in ("kg_mine_undo", "kg_flash_undo")]


def test_undo_the_last_change_refuses_when_another_change_came_since_the_page_showed_it(monkeypatch, data_copy):
    at = _add_missed_link(_editor(monkeypatch))
    at.radio(key="kg_edit_mode").set_value("history").run()
    assert "Event Coventry raised Child development" in at.text[0].value
    _someone_else_imports(data_copy)
    before = files(data_copy)
    at.button(key="kg_undo").click().run()
    _ok(at)

    (error,) = at.error
    assert error.value.startswith("Another change was saved after the one this page offered to undo \\(import kinship")
    assert "Nothing was undone" in error.value
    assert files(data_copy) == before


def test_undo_the_last_change_undoes_the_change_shown_not_one_that_took_its_place(monkeypatch, data_copy):
    at = _add_missed_link(_editor(monkeypatch))
    at.radio(key="kg_edit_mode").set_value("history").run()
    assert "Event Coventry raised Child development" in at.text[0].value
    # Meanwhile Alex undoes Sam's link and adds the very same link again: the data is back at the
    # version this page showed, but the latest change is now Alex's.
    sams = read_changelog(data_copy)[0]["id"]
    edit.undo(data_copy, sams, editor="Alex", expected_version=fingerprint(data_copy))
    link = {"source": "strand:event-coventry", "target": "topic:child-development", "relation": "raised"}
    edit.add_edge(
        data_copy,
        {**link, "refs": ["Workshop 12 March"], "basis": "stated"},
        editor="Alex",
        expected_version=fingerprint(data_copy),
    )
    before = files(data_copy)
    at.button(key="kg_undo").click().run()
    _ok(at)

    assert [e.value for e in at.error] == ["That change has already been undone\\."]
    assert files(data_copy) == before and MISSED in _edges(data_copy)


def test_editing_the_selected_node_saves_label_and_attributes(monkeypatch, data_copy):
    at = _editor(monkeypatch)
    at.selectbox(key="focus").set_value("topic:trauma").run()
    at.radio(key="kg_edit_mode").set_value("selected").run()
    next(t for t in at.text_input if (t.key or "").startswith("kg_upd_label")).input("Trauma and recovery")
    next(t for t in at.text_input if (t.key or "").startswith("kg_upd_new_name")).input("raised_at")
    next(t for t in at.text_input if (t.key or "").startswith("kg_upd_new_value")).input("Workshop 12 March")
    next(b for b in at.button if (b.key or "").startswith("kg_upd_save")).click().run()
    _ok(at)

    trauma = next(n for n in load_dataset(data_copy).nodes if n.id == "topic:trauma")
    assert trauma.label == "Trauma and recovery" and trauma.attributes["raised_at"] == "Workshop 12 March"
    assert trauma.attributes["level"] == "frontline"
    assert read_changelog(data_copy)[0]["action"] == "update_node"


def test_an_import_is_previewed_then_applied(monkeypatch, data_copy):
    at = _editor(monkeypatch)
    at.radio(key="kg_edit_mode").set_value("import").run()
    csv = (
        b"Label,Type,Refs,Level\nKinship care,topic,Workshop,frontline\nTrauma,topic,Appendix 1 / Frontline,frontline\n"
    )
    at.file_uploader[0].set_value(("new.csv", csv, "text/csv")).run()
    _ok(at)

    assert [t.value for t in at.text[:2]] == [
        "Rows read: 2 from new.csv.",
        "nodes: 1 new, 0 changed, 1 unchanged; edges: 0 new, 0 changed, 0 unchanged; 0 problems",
    ]
    assert "20 MB" in " ".join(c.value for c in at.caption)
    assert "topic:kinship-care" not in {n.id for n in load_dataset(data_copy).nodes}  # a preview only
    at.button(key="kg_apply_import").click().run()
    _ok(at)
    assert "topic:kinship-care" in {n.id for n in load_dataset(data_copy).nodes}
    assert read_changelog(data_copy)[0]["action"] == "import new.csv"


def test_a_workbook_whose_dimension_understates_its_rows_lands_whole_and_says_so(monkeypatch, data_copy):
    from tests.formats.test_kumu import _understated

    at = _editor(monkeypatch)
    at.radio(key="kg_edit_mode").set_value("import").run()
    at.file_uploader[0].set_value(("their-list.xlsx", _understated(30), XLSX)).run()
    _ok(at)
    assert at.text[0].value == "Rows read: 30 from sheet Elements."
    assert at.text[1].value.startswith("nodes: 30 new, 0 changed, 0 unchanged")
    at.button(key="kg_apply_import").click().run()
    _ok(at)

    labels = {n.label for n in load_dataset(data_copy).nodes}
    assert {f"Kinship topic {n}" for n in range(30)} <= labels
    assert len(load_dataset(data_copy).nodes) == len(load_dataset(DATA_DIR).nodes) + 30


def test_a_file_whose_name_holds_a_bidi_override_is_refused_by_its_name(monkeypatch, data_copy):
    before = files(data_copy)
    at = _editor(monkeypatch)
    at.radio(key="kg_edit_mode").set_value("import").run()
    at.file_uploader[0].set_value(("evil\u202egpj.csv", b"Label,Type\nKinship care,topic\n", "text/csv")).run()
    _ok(at)

    assert [e.value for e in at.error] == ["This file cannot be imported:"]
    (problem,) = at.dataframe[-1].value.to_dict("records")
    assert problem["problem"].startswith("the file's name holds a bidirectional override (U+202E)")
    assert not [b for b in at.button if b.key == "kg_apply_import"]
    assert files(data_copy) == before


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- nothing is saved when something is wrong


def test_an_inferred_link_without_a_rationale_is_refused_at_the_field(monkeypatch, data_copy):
    before = files(data_copy)
    at = _editor(monkeypatch)
    at.radio(key="kg_link_basis").set_value("inferred").run()
    _add_missed_link(at)

    assert [e.value for e in at.error] == ["An inferred link needs a one\\-line rationale\\."]
    assert files(data_copy) == before


def test_an_invalid_id_is_reported_by_validation_and_nothing_is_written(monkeypatch, data_copy):
    before = files(data_copy)
    at = _editor(monkeypatch)
    at.radio(key="kg_edit_mode").set_value("node").run()
    at.text_input(key="kg_node_label").input("Kinship care").run()
    at.text_input(key="kg_node_id").input("topic: kinship care!").run()
    at.text_input(key="kg_node_refs").input("Workshop").run()
    at.button(key="kg_add_node").click().run()
    _ok(at)

    (error,) = at.error
    assert "String should match pattern" in error.value
    assert files(data_copy) == before


def test_an_import_with_problems_lists_them_by_row_and_cannot_be_applied(monkeypatch, data_copy):
    before = files(data_copy)
    at = _editor(monkeypatch)
    at.radio(key="kg_edit_mode").set_value("import").run()
    csv = b"Label,Type,Refs\nKinship care,topic,4\nOdd one,spaceship,4.2\nOdd two,topik,4.2\n"
    at.file_uploader[0].set_value(("bad.csv", csv, "text/csv")).run()
    _ok(at)

    problems = at.dataframe[0].value
    assert len(problems) >= 2 and {"row", "column", "problem"} <= set(problems.columns)
    assert at.button(key="kg_apply_import").disabled
    assert files(data_copy) == before


def test_without_an_editor_name_nothing_is_saved(monkeypatch, data_copy):
    before = files(data_copy)
    at = _add_missed_link(_editor(monkeypatch, name=None))

    assert "Enter your name in the sidebar first" in " ".join(e.value for e in at.error)
    assert files(data_copy) == before


def test_a_stale_page_gets_the_conflict_message_and_can_reload(monkeypatch, data_copy):
    at = _editor(monkeypatch)
    at.selectbox(key="kg_link_source").set_value("strand:event-coventry").run()
    at.selectbox(key="kg_link_target").set_value("topic:child-development").run()
    at.text_input(key="kg_link_refs").input("Workshop").run()
    # Someone else saves a change after this page was drawn.
    other = {"id": "topic:kinship-care", "type": "topic", "label": "Kinship care", "refs": ["W"]}
    edit.add_node(data_copy, other, editor="Alex", expected_version=fingerprint(data_copy))
    before = files(data_copy)
    at.button(key="kg_add_link").click().run()
    _ok(at)

    assert [w.value for w in at.warning] == [CONFLICT_MESSAGE]
    assert files(data_copy) == before
    at.button(key="kg_reload").click().run()
    assert not at.warning
    at.button(key="kg_add_link").click().run()
    assert MISSED in _edges(data_copy)


def test_a_full_disk_is_reported_beside_the_form_and_nothing_lands(monkeypatch, data_copy):
    import errno
    import os

    at = _editor(monkeypatch)
    before = files(data_copy)
    real = data_files.write_fd

    calls = []

    def full(fd, data):  # the journal is written; then edges.json finds the disk full half way
        calls.append(1)
        if len(calls) == 1:
            return real(fd, data)
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(data_files, "write_fd", full)
    _add_missed_link(at)
    assert files(data_copy) == before
    (error,) = at.error
    assert "No space left on device; nothing was saved" in error.value

    monkeypatch.setattr(data_files, "write_fd", real)  # room again: the same click saves it
    at.button(key="kg_add_link").click().run()
    _ok(at)
    assert MISSED in _edges(data_copy) and len(read_changelog(data_copy)) == 1
