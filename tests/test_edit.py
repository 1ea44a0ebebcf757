"""The editing service: validated, versioned, logged and undoable changes to the data files.

Every test starts from the tiny dataset:  strand:a --raised--> topic:t --in_theme--> theme:h
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from filelock import FileLock

from graph.data import edit, journal, store
from graph.data import files as data_files
from graph.data.edit import (
    CONFLICT_MESSAGE,
    add_edge,
    add_node,
    add_scene,
    apply_batch,
    delete_edge,
    delete_node,
    delete_scene,
    edges_of,
    move_scene,
    read_changelog,
    recover,
    scenes_snapshot,
    snapshot,
    undo,
    update_edge,
    update_node,
    update_scene,
)
from graph.data.gate import check_passcode, editing_enabled
from graph.data.store import fingerprint, load_dataset, load_scenes, save_dataset, save_scenes, scenes_fingerprint
from graph.errors import ConflictError, DataError, GraphError, NodeNotFound
from graph.schema import Dataset, Scene, edge_key
from tests.conftest import edge, node

RAISED = edge_key("strand:a", "raised", "topic:t")
IN_THEME = edge_key("topic:t", "in_theme", "theme:h")
NEW_TOPIC = {"id": "topic:neglect", "type": "topic", "label": "Neglect", "refs": ["4.1"]}
LOG_FIELDS = {"id", "time", "editor", "action", "element", "key", "before", "after", "version_before", "version_after"}


def files(data_dir: Path) -> dict[str, bytes]:
    """Every file the editor may touch, as bytes (absent files left out)."""
    names = ("nodes.json", "edges.json", "scenes.json", "changes.jsonl", ".kg.pending.json")
    return {name: (data_dir / name).read_bytes() for name in names if (data_dir / name).exists()}


def version(data_dir: Path) -> str:
    return fingerprint(data_dir)


# ---- adding, changing and deleting nodes


def test_add_node_writes_it_and_returns_the_new_version(data_dir: Path):
    result = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    assert "topic:neglect" in {n.id for n in load_dataset(data_dir).nodes}
    assert result.version == fingerprint(data_dir)
    assert [e["id"] for e in read_changelog(data_dir)] == [result.entry_id]


def test_add_node_is_logged_with_nothing_before_and_the_node_after(data_dir: Path):
    before = version(data_dir)
    result = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=before)
    (entry,) = read_changelog(data_dir)
    assert set(entry) == LOG_FIELDS
    assert entry["action"] == "add_node" and entry["editor"] == "Sam" and entry["key"] == "topic:neglect"
    assert entry["before"] is None and entry["after"] == NEW_TOPIC
    assert (entry["version_before"], entry["version_after"]) == (before, result.version)
    assert datetime.fromisoformat(entry["time"]).utcoffset().total_seconds() == 0


def test_invalid_node_writes_nothing_and_lists_every_problem_with_its_place(data_dir: Path):
    before = files(data_dir)
    bad = {"id": "topic:neglect", "type": "topc", "label": "", "refs": ["4.1"]}
    with pytest.raises(DataError) as caught:
        add_node(data_dir, bad, editor="Sam", expected_version=version(data_dir))
    located = {(p.file, p.element, p.field) for p in caught.value.problems}
    assert located == {
        ("nodes.json", "nodes[2] (id 'topic:neglect')", "type"),
        ("nodes.json", "nodes[2] (id 'topic:neglect')", "label"),
    }
    assert files(data_dir) == before


def test_a_second_node_with_the_same_id_is_refused(data_dir: Path):
    with pytest.raises(DataError, match="duplicate id 'topic:t'"):
        add_node(data_dir, {**NEW_TOPIC, "id": "topic:t"}, editor="Sam", expected_version=version(data_dir))


def test_update_node_changes_the_given_fields_and_none_removes_one(data_dir: Path):
    update_node(
        data_dir,
        "topic:t",
        {"description": "Harm", "label": "Trauma-informed"},
        editor="Sam",
        expected_version=version(data_dir),
    )
    update_node(data_dir, "topic:t", {"description": None}, editor="Sam", expected_version=version(data_dir))
    topic = next(n for n in load_dataset(data_dir).nodes if n.id == "topic:t")
    assert (topic.label, topic.description, topic.attributes) == ("Trauma-informed", None, {"level": "frontline"})


def test_renaming_a_node_is_refused_because_ids_are_stable(data_dir: Path):
    before = files(data_dir)
    with pytest.raises(DataError) as caught:
        update_node(data_dir, "topic:t", {"id": "topic:trauma"}, editor="Sam", expected_version=version(data_dir))
    (problem,) = caught.value.problems
    assert (problem.file, problem.element, problem.field) == ("nodes.json", "nodes[2] (id 'topic:t')", "id")
    assert "cannot be changed" in problem.message
    assert files(data_dir) == before


def test_changing_a_type_that_breaks_its_links_is_refused_and_names_them(data_dir: Path):
    before = files(data_dir)
    with pytest.raises(DataError) as caught:
        update_node(data_dir, "topic:t", {"type": "barrier"}, editor="Sam", expected_version=version(data_dir))
    located = {(p.file, p.element, p.field) for p in caught.value.problems}
    assert located == {
        ("edges.json", "edges[0] (strand:a -raised-> topic:t)", "relation"),
        ("edges.json", "edges[1] (topic:t -in_theme-> theme:h)", "relation"),
    }
    assert files(data_dir) == before


def test_updating_a_missing_node_says_so(data_dir: Path):
    with pytest.raises(NodeNotFound, match="topic:nope"):
        update_node(data_dir, "topic:nope", {"label": "X"}, editor="Sam", expected_version=version(data_dir))


def test_delete_node_deletes_its_links_and_logs_them(data_dir: Path):
    dataset, current = snapshot(data_dir)
    going = edges_of(dataset, "topic:t")
    assert [e.key for e in going] == [RAISED, IN_THEME]
    delete_node(data_dir, "topic:t", editor="Sam", expected_version=current)
    after = load_dataset(data_dir)
    assert {n.id for n in after.nodes} == {"strand:a", "theme:h"} and after.edges == ()
    (entry,) = read_changelog(data_dir)
    assert entry["before"]["id"] == "topic:t" and entry["after"] is None
    assert [edge_key(e["source"], e["relation"], e["target"]) for e in entry["with_edges"]] == [RAISED, IN_THEME]


def test_a_node_without_links_has_no_edges_to_delete(data_dir: Path):
    add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    assert edges_of(load_dataset(data_dir), "topic:neglect") == []


# ---- links


def test_add_edge_links_two_nodes(data_dir: Path):
    add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    link = {"source": "strand:a", "relation": "raised", "target": "topic:neglect", "refs": ["A1"], "basis": "stated"}
    result = add_edge(data_dir, link, editor="Sam", expected_version=version(data_dir))
    assert edge_key("strand:a", "raised", "topic:neglect") in {e.key for e in load_dataset(data_dir).edges}
    assert read_changelog(data_dir)[-1]["after"] == link and result.version == version(data_dir)


def test_a_link_to_a_missing_node_or_against_the_relation_rules_is_refused(data_dir: Path):
    before = files(data_dir)
    dangling = {"source": "strand:a", "relation": "raised", "target": "topic:nope", "refs": ["2"], "basis": "stated"}
    with pytest.raises(DataError) as caught:
        add_edge(data_dir, dangling, editor="Sam", expected_version=version(data_dir))
    assert [(p.field, p.message) for p in caught.value.problems] == [("target", "no node has the id 'topic:nope'")]
    backwards = {"source": "theme:h", "relation": "raised", "target": "strand:a", "refs": ["2"], "basis": "stated"}
    with pytest.raises(DataError, match="'raised' may not join theme -> strand"):
        add_edge(data_dir, backwards, editor="Sam", expected_version=version(data_dir))
    assert files(data_dir) == before


def test_an_inferred_link_needs_a_rationale(data_dir: Path):
    link = {"source": "strand:a", "relation": "raised", "target": "topic:t", "refs": ["2"], "basis": "inferred"}
    with pytest.raises(DataError, match="inferred edge needs a one-line rationale"):
        add_edge(data_dir, {**link, "relation": "not_prioritised"}, editor="Sam", expected_version=version(data_dir))


def test_update_edge_changes_its_fields(data_dir: Path):
    changes = {"basis": "inferred", "rationale": "A workshop reading.", "attributes": {"qualifier": "Families"}}
    update_edge(data_dir, RAISED, changes, editor="Sam", expected_version=version(data_dir))
    raised = next(e for e in load_dataset(data_dir).edges if e.key == RAISED)
    assert (raised.basis, raised.rationale, raised.attributes) == (
        "inferred",
        "A workshop reading.",
        changes["attributes"],
    )


def test_update_edge_may_change_the_relation_which_gives_a_new_key(data_dir: Path):
    update_edge(data_dir, RAISED, {"relation": "not_prioritised"}, editor="Sam", expected_version=version(data_dir))
    keys = {e.key for e in load_dataset(data_dir).edges}
    assert keys == {edge_key("strand:a", "not_prioritised", "topic:t"), IN_THEME}
    entry = read_changelog(data_dir)[-1]
    assert (entry["before"]["relation"], entry["after"]["relation"]) == ("raised", "not_prioritised")


def test_delete_edge_removes_only_that_link(data_dir: Path):
    delete_edge(data_dir, RAISED, editor="Sam", expected_version=version(data_dir))
    assert {e.key for e in load_dataset(data_dir).edges} == {IN_THEME}
    assert read_changelog(data_dir)[-1]["after"] is None


def test_a_missing_link_is_a_clear_error(data_dir: Path):
    with pytest.raises(GraphError, match=r"No link 'strand:a\|funds\|topic:t'"):
        delete_edge(data_dir, "strand:a|funds|topic:t", editor="Sam", expected_version=version(data_dir))


# ---- batches (imports)


def _imported(dataset: Dataset) -> Dataset:
    """The tiny dataset plus a new topic raised by strand:a, and the theme relabelled."""
    nodes = [n for n in dataset.nodes if n.id != "theme:h"]
    nodes += [node("theme:h", "theme", "Abuse", level="frontline"), node("topic:neglect", "topic", "Neglect")]
    return Dataset(tuple(nodes), (*dataset.edges, edge("strand:a", "raised", "topic:neglect")))


def test_apply_batch_writes_the_merged_dataset_and_logs_only_what_changed(data_dir: Path, tiny_dataset: Dataset):
    result = apply_batch(
        data_dir, _imported(tiny_dataset), editor="Sam", action="import kumu.xlsx", expected_version=version(data_dir)
    )
    after = load_dataset(data_dir)
    assert len(after.nodes) == 4 and len(after.edges) == 3
    entry = read_changelog(data_dir)[-1]
    assert (entry["id"], entry["action"], entry["element"]) == (result.entry_id, "import kumu.xlsx", "dataset")
    assert [n["id"] for n in entry["before"]["nodes"]] == ["theme:h"] and entry["before"]["edges"] == []
    assert [n["id"] for n in entry["after"]["nodes"]] == ["theme:h", "topic:neglect"]
    assert len(entry["after"]["edges"]) == 1


def test_an_invalid_batch_writes_nothing(data_dir: Path, tiny_dataset: Dataset):
    before = files(data_dir)
    broken = Dataset(tiny_dataset.nodes[:1], tiny_dataset.edges)  # the links now dangle
    with pytest.raises(DataError) as caught:
        apply_batch(data_dir, broken, editor="Sam", action="import", expected_version=version(data_dir))
    assert {p.file for p in caught.value.problems} == {"edges.json"}
    assert files(data_dir) == before


def test_a_batch_that_changes_nothing_writes_and_logs_nothing(data_dir: Path, tiny_dataset: Dataset):
    before = files(data_dir)
    result = apply_batch(data_dir, tiny_dataset, editor="Sam", action="import", expected_version=version(data_dir))
    assert (result.entry_id, result.version) == (None, version(data_dir))
    assert files(data_dir) == before


def test_a_batch_needs_a_name(data_dir: Path, tiny_dataset: Dataset):
    with pytest.raises(GraphError, match="Name the batch change"):
        apply_batch(data_dir, tiny_dataset, editor="Sam", action=" ", expected_version=version(data_dir))


# ---- versions: someone else saved first


def _each_write(data_dir: Path, tiny_dataset: Dataset):
    return {
        "add_node": lambda v: add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=v),
        "update_node": lambda v: update_node(data_dir, "topic:t", {"label": "X"}, editor="Sam", expected_version=v),
        "delete_node": lambda v: delete_node(data_dir, "topic:t", editor="Sam", expected_version=v),
        "add_edge": lambda v: add_edge(
            data_dir,
            {"source": "strand:a", "relation": "involved", "target": "strand:a", "refs": ["2"], "basis": "stated"},
            editor="Sam",
            expected_version=v,
        ),
        "update_edge": lambda v: update_edge(data_dir, RAISED, {"refs": ["9"]}, editor="Sam", expected_version=v),
        "delete_edge": lambda v: delete_edge(data_dir, RAISED, editor="Sam", expected_version=v),
        "apply_batch": lambda v: apply_batch(
            data_dir, _imported(tiny_dataset), editor="Sam", action="import", expected_version=v
        ),
    }


@pytest.mark.parametrize(
    "operation", ["add_node", "update_node", "delete_node", "add_edge", "update_edge", "delete_edge", "apply_batch"]
)
def test_a_stale_version_is_a_conflict_and_writes_nothing(data_dir: Path, tiny_dataset: Dataset, operation: str):
    stale = version(data_dir)
    update_node(data_dir, "strand:a", {"label": "Someone else"}, editor="Alex", expected_version=stale)
    before = files(data_dir)
    with pytest.raises(ConflictError) as caught:
        _each_write(data_dir, tiny_dataset)[operation](stale)
    assert str(caught.value) == CONFLICT_MESSAGE
    assert files(data_dir) == before


def test_the_version_is_checked_before_the_edit_is_validated(data_dir: Path):
    with pytest.raises(ConflictError):
        add_node(data_dir, {"id": "bad id"}, editor="Sam", expected_version="not-the-version")


# ---- undo


@pytest.mark.parametrize(
    "operation", ["add_node", "update_node", "delete_node", "update_edge", "delete_edge", "apply_batch"]
)
def test_undo_restores_the_files_byte_for_byte(data_dir: Path, tiny_dataset: Dataset, operation: str):
    before = files(data_dir)
    start = version(data_dir)
    done = _each_write(data_dir, tiny_dataset)[operation](start)
    undone = undo(data_dir, editor="Sam", expected_version=done.version)
    after = files(data_dir)
    assert (after["nodes.json"], after["edges.json"]) == (before["nodes.json"], before["edges.json"])
    assert undone.version == start


def test_undo_of_a_deleted_node_brings_back_its_links(data_dir: Path):
    before = files(data_dir)
    done = delete_node(data_dir, "topic:t", editor="Sam", expected_version=version(data_dir))
    undo(data_dir, editor="Sam", expected_version=done.version)
    assert {e.key for e in load_dataset(data_dir).edges} == {RAISED, IN_THEME}
    assert files(data_dir)["edges.json"] == before["edges.json"]


def test_undo_of_a_moved_link_restores_it(data_dir: Path):
    before = files(data_dir)
    done = update_edge(
        data_dir, RAISED, {"relation": "not_prioritised"}, editor="Sam", expected_version=version(data_dir)
    )
    undo(data_dir, editor="Sam", expected_version=done.version)
    assert files(data_dir)["edges.json"] == before["edges.json"]


def test_undo_is_logged_as_the_inverse_and_names_the_change(data_dir: Path):
    done = update_node(data_dir, "topic:t", {"label": "X"}, editor="Sam", expected_version=version(data_dir))
    undone = undo(data_dir, editor="Kim", expected_version=done.version)
    change, reverse = read_changelog(data_dir)
    assert (reverse["id"], reverse["action"], reverse["undoes"], reverse["editor"]) == (
        undone.entry_id,
        "undo",
        change["id"],
        "Kim",
    )
    assert (reverse["before"], reverse["after"]) == (change["after"], change["before"])
    assert reverse["version_before"] == change["version_after"]


def test_repeated_undo_walks_back_through_history(data_dir: Path):
    before = files(data_dir)
    result = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    result = update_node(data_dir, "topic:neglect", {"label": "N"}, editor="Sam", expected_version=result.version)
    result = delete_edge(data_dir, RAISED, editor="Sam", expected_version=result.version)
    for _ in range(3):
        result = undo(data_dir, editor="Sam", expected_version=result.version)
    assert files(data_dir)["nodes.json"] == before["nodes.json"]
    assert files(data_dir)["edges.json"] == before["edges.json"]
    with pytest.raises(GraphError, match="There is no change to undo"):
        undo(data_dir, editor="Sam", expected_version=result.version)


def test_undo_is_refused_when_a_later_change_touched_the_same_element(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    update_node(data_dir, "topic:neglect", {"label": "N"}, editor="Alex", expected_version=added.version)
    before = files(data_dir)
    with pytest.raises(
        GraphError, match=r"a later change \(update_node by Alex at .*\) also changed node 'topic:neglect'"
    ):
        undo(data_dir, added.entry_id, editor="Sam", expected_version=version(data_dir))
    assert files(data_dir) == before


def test_a_later_change_that_was_itself_undone_does_not_block_undo(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    edited = update_node(data_dir, "topic:neglect", {"label": "N"}, editor="Alex", expected_version=added.version)
    result = undo(data_dir, edited.entry_id, editor="Alex", expected_version=edited.version)
    undo(data_dir, added.entry_id, editor="Sam", expected_version=result.version)
    assert "topic:neglect" not in {n.id for n in load_dataset(data_dir).nodes}


def test_a_later_delete_of_the_node_blocks_undoing_a_link_to_it(data_dir: Path):
    linked = update_edge(data_dir, RAISED, {"refs": ["A1"]}, editor="Sam", expected_version=version(data_dir))
    delete_node(data_dir, "topic:t", editor="Alex", expected_version=linked.version)
    with pytest.raises(GraphError, match="also changed the link strand:a -raised-> topic:t"):
        undo(data_dir, linked.entry_id, editor="Sam", expected_version=version(data_dir))


def test_undo_of_an_unrelated_older_change_is_allowed(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    update_node(data_dir, "strand:a", {"label": "Other"}, editor="Alex", expected_version=added.version)
    undo(data_dir, added.entry_id, editor="Sam", expected_version=version(data_dir))
    labels = {n.id: n.label for n in load_dataset(data_dir).nodes}
    assert "topic:neglect" not in labels and labels["strand:a"] == "Other"


def test_a_change_cannot_be_undone_twice_nor_an_undo_undone(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    undone = undo(data_dir, added.entry_id, editor="Sam", expected_version=added.version)
    with pytest.raises(GraphError, match="already been undone"):
        undo(data_dir, added.entry_id, editor="Sam", expected_version=undone.version)
    with pytest.raises(GraphError, match="itself an undo"):
        undo(data_dir, undone.entry_id, editor="Sam", expected_version=undone.version)
    with pytest.raises(GraphError, match="No change with the id 'nope'"):
        undo(data_dir, "nope", editor="Sam", expected_version=undone.version)


def test_undo_is_refused_when_the_files_were_changed_outside_the_editor(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    hand_edited = load_dataset(data_dir)
    nodes = tuple(
        n.model_copy(update={"label": "By hand"}) if n.id == "topic:neglect" else n for n in hand_edited.nodes
    )
    save_dataset(data_dir, Dataset(nodes, hand_edited.edges))
    with pytest.raises(GraphError, match="node 'topic:neglect' is no longer as that change left it"):
        undo(data_dir, added.entry_id, editor="Sam", expected_version=version(data_dir))


def test_undo_with_a_stale_version_is_a_conflict(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    update_node(data_dir, "strand:a", {"label": "Other"}, editor="Alex", expected_version=added.version)
    with pytest.raises(ConflictError):
        undo(data_dir, editor="Sam", expected_version=added.version)


def test_your_own_change_is_undone_by_its_id_after_others_saved_without_a_version(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    update_node(data_dir, "strand:a", {"label": "Other"}, editor="Alex", expected_version=added.version)
    undo(data_dir, added.entry_id, editor="Sam", expected_version=None)  # Sam's page never saw Alex's
    labels = {n.id: n.label for n in load_dataset(data_dir).nodes}
    assert "topic:neglect" not in labels and labels["strand:a"] == "Other"


def test_without_a_version_a_later_change_to_the_same_node_still_blocks_the_undo(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    update_node(
        data_dir, "topic:neglect", {"label": "Neglect (all kinds)"}, editor="Alex", expected_version=added.version
    )
    before = files(data_dir)
    with pytest.raises(GraphError, match=r"a later change .* by Alex .* also changed"):
        undo(data_dir, added.entry_id, editor="Sam", expected_version=None)
    with pytest.raises(ValueError):
        undo(data_dir, editor="Sam", expected_version=None)  # "the latest change" needs the version it was chosen at
    assert files(data_dir) == before


def test_undoing_the_latest_change_as_shown_is_refused_once_another_came(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    shown = edit.undo_target(read_changelog(data_dir))
    assert shown["id"] == added.entry_id
    moved = update_node(data_dir, "strand:a", {"label": "Other"}, editor="Alex", expected_version=added.version)
    before = files(data_dir)
    with pytest.raises(
        GraphError, match=r"Another change was saved after .*\(update_node by Alex at .*Nothing was undone"
    ):
        undo(data_dir, shown["id"], editor="Sam", expected_version=moved.version, only_if_latest=True)
    assert files(data_dir) == before
    # While it is still the latest, it is undone.
    latest = edit.undo_target(read_changelog(data_dir))
    undo(data_dir, latest["id"], editor="Sam", expected_version=moved.version, only_if_latest=True)
    assert {n.id: n.label for n in load_dataset(data_dir).nodes}["strand:a"] == "a"


def test_undo_whose_result_would_be_invalid_is_refused(data_dir: Path):
    deleted = delete_edge(data_dir, RAISED, editor="Sam", expected_version=version(data_dir))
    delete_node(data_dir, "strand:a", editor="Alex", expected_version=deleted.version)  # no links left to it
    before = files(data_dir)
    with pytest.raises(DataError, match="no node has the id 'strand:a'"):
        undo(data_dir, deleted.entry_id, editor="Sam", expected_version=version(data_dir))
    assert files(data_dir) == before


# ---- the change log


def test_every_change_is_logged_in_order_and_the_versions_chain(data_dir: Path):
    start = version(data_dir)
    result = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=start)
    result = delete_edge(data_dir, RAISED, editor="Kim", expected_version=result.version)
    result = undo(data_dir, editor="Sam", expected_version=result.version)
    entries = read_changelog(data_dir)
    assert [e["action"] for e in entries] == ["add_node", "delete_edge", "undo"]
    assert [e["version_before"] for e in entries] == [start] + [e["version_after"] for e in entries[:-1]]
    assert entries[-1]["version_after"] == result.version == version(data_dir)
    assert len({e["id"] for e in entries}) == 3


def test_the_log_is_json_lines_and_names_no_secrets(data_dir: Path):
    add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    lines = (data_dir / "changes.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and set(json.loads(lines[0])) == LOG_FIELDS
    assert "passcode" not in lines[0]


def test_no_log_means_no_entries(data_dir: Path):
    assert read_changelog(data_dir) == []


def test_a_torn_last_line_is_ignored_then_cut_off_by_the_next_change(data_dir: Path):
    result = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    with open(data_dir / "changes.jsonl", "ab") as log:
        log.write(b'{"id": "half-writ')
    assert len(read_changelog(data_dir)) == 1
    delete_edge(data_dir, RAISED, editor="Sam", expected_version=result.version)
    assert [e["action"] for e in read_changelog(data_dir)] == ["add_node", "delete_edge"]
    assert b"half-writ" not in (data_dir / "changes.jsonl").read_bytes()


def test_a_corrupt_log_line_is_reported_with_its_line_number(data_dir: Path):
    (data_dir / "changes.jsonl").write_text("not json\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_changelog(data_dir)
    (problem,) = caught.value.problems
    assert problem.file.endswith("changes.jsonl") and problem.element == "line 1"


def test_the_editor_must_be_named(data_dir: Path):
    with pytest.raises(GraphError, match="editor's name is empty"):
        add_node(data_dir, NEW_TOPIC, editor="  ", expected_version=version(data_dir))


# ---- the lock


def test_a_held_lock_times_out_with_a_clear_message(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 0.2)
    with FileLock(data_dir / ".kg.lock"), pytest.raises(GraphError, match="The data is busy"):
        add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))


# ---- a change that fails or is interrupted half way


def _retyped(dataset: Dataset) -> Dataset:
    """topic:t becomes a barrier a stakeholder faces: edges.json, nodes.json, then edges.json are rewritten."""
    nodes = tuple(n for n in dataset.nodes if n.id != "topic:t")
    nodes += (node("topic:t", "barrier", "Trauma"), node("stakeholder:p", "stakeholder"))
    return Dataset(nodes, (edge("stakeholder:p", "faces", "topic:t"),))


def _fail_after_first_file(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    real = data_files.replace_data_file
    written = []

    def replace_then_fail(data_dir, file_name, text):
        if written:
            raise error
        written.append(real(data_dir, file_name, text))

    monkeypatch.setattr(data_files, "replace_data_file", replace_then_fail)


@pytest.mark.parametrize("error", [KeyboardInterrupt("interrupted"), OSError(28, "No space left on device")])
def test_a_change_that_fails_between_the_two_files_is_rolled_back_by_the_writer(
    data_dir: Path, tiny_dataset: Dataset, monkeypatch: pytest.MonkeyPatch, error: BaseException
):
    before = files(data_dir)
    with monkeypatch.context() as patch:
        _fail_after_first_file(patch, error)
        with pytest.raises(type(error)):
            apply_batch(
                data_dir, _retyped(tiny_dataset), editor="Sam", action="import", expected_version=version(data_dir)
            )
    assert files(data_dir) == before  # no journal left, no log entry, the files as they were
    assert {p.name for p in data_dir.glob(".kg.*")} == {".kg.lock"} and recover(data_dir) is False


def _fail_and_leave_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail after the first file and skip the writer's own roll back, as a killed writer would."""
    _fail_after_first_file(monkeypatch, KeyboardInterrupt("killed"))
    monkeypatch.setattr(journal, "_settle", lambda *args: (_ for _ in ()).throw(OSError("killed")))


def test_a_change_left_half_done_is_valid_at_once_and_rolled_back_by_recovery(
    data_dir: Path, tiny_dataset: Dataset, monkeypatch: pytest.MonkeyPatch
):
    before = files(data_dir)
    with monkeypatch.context() as patch:
        _fail_and_leave_it(patch)
        with pytest.raises(KeyboardInterrupt):
            apply_batch(
                data_dir, _retyped(tiny_dataset), editor="Sam", action="import", expected_version=version(data_dir)
            )
    assert read_changelog(data_dir) == [] and (data_dir / ".kg.pending.json").exists()
    # Readers see the data as committed (the change not at all), before anyone recovers it...
    assert load_dataset(data_dir) == load_dataset_of(before)
    # ...and the files as left are valid too: the links that would break were taken out first.
    data_files.parse_json_text((data_dir / "edges.json").read_text(encoding="utf-8"), "edges.json")

    assert recover(data_dir) is True
    assert files(data_dir) == before
    assert recover(data_dir) is False


def load_dataset_of(contents: dict[str, bytes]) -> Dataset:
    """The dataset these file contents hold."""
    nodes = json.loads(contents["nodes.json"])["nodes"]
    edges = json.loads(contents["edges.json"])["edges"]
    dataset, problems = store.parse_dataset(nodes, edges, "nodes.json", "edges.json")
    assert problems == []
    return dataset


def test_every_state_between_the_two_files_is_valid(
    data_dir: Path, tiny_dataset: Dataset, monkeypatch: pytest.MonkeyPatch
):
    real = data_files.replace_data_file
    states = []

    def replace_and_check(data_dir, file_name, text):
        written = real(data_dir, file_name, text)
        states.append(load_dataset(data_dir))  # raises if this state is invalid
        return written

    monkeypatch.setattr(data_files, "replace_data_file", replace_and_check)
    done = apply_batch(
        data_dir, _retyped(tiny_dataset), editor="Sam", action="retype", expected_version=version(data_dir)
    )
    undo(data_dir, editor="Sam", expected_version=done.version)
    assert len(states) == 6  # edges, nodes, edges; then the undo: edges, nodes, edges


def test_a_failed_change_is_never_applied_by_the_next_writer(
    data_dir: Path, tiny_dataset: Dataset, monkeypatch: pytest.MonkeyPatch
):
    start = version(data_dir)
    with monkeypatch.context() as patch:
        _fail_and_leave_it(patch)
        with pytest.raises(KeyboardInterrupt):
            delete_node(data_dir, "topic:t", editor="Sam", expected_version=start)
    result = add_node(data_dir, NEW_TOPIC, editor="Kim", expected_version=start)  # the version Kim saw still holds
    assert "topic:t" in {n.id for n in load_dataset(data_dir).nodes}
    assert [e["action"] for e in read_changelog(data_dir)] == ["add_node"]
    assert result.version == version(data_dir)


def test_a_change_logged_before_the_writer_died_is_kept(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        patch.setattr(journal, "_tidy", lambda *args: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    assert (data_dir / ".kg.pending.json").exists()
    assert recover(data_dir) is True
    assert "topic:neglect" in {n.id for n in load_dataset(data_dir).nodes}
    assert [e["action"] for e in read_changelog(data_dir)] == ["add_node"]
    assert not list(data_dir.glob(".kg.backup.*")) and not (data_dir / ".kg.pending.json").exists()


def test_a_journal_that_no_longer_fits_the_files_is_set_aside(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        _fail_and_leave_it(patch)
        with pytest.raises(KeyboardInterrupt):
            delete_node(data_dir, "topic:t", editor="Sam", expected_version=version(data_dir))
    save_dataset(data_dir, Dataset((node("strand:z", "strand"),), ()))  # e.g. restored from a backup
    assert recover(data_dir) is False
    assert [n.id for n in load_dataset(data_dir).nodes] == ["strand:z"]
    assert len(list(data_dir.glob(".kg.pending.*.set-aside.json"))) == 1
    assert read_changelog(data_dir) == []


# ---- the passcode gate


def test_passcode_matches_only_the_configured_one():
    assert check_passcode("tea-and-biscuits", "tea-and-biscuits")
    assert not check_passcode("tea-and-biscuit", "tea-and-biscuits")
    assert not check_passcode("", "tea-and-biscuits")
    assert check_passcode("café ☕", "café ☕")


def test_no_configured_passcode_means_no_editing():
    assert not check_passcode("", None) and not check_passcode("", "") and not check_passcode("x", None)
    assert not editing_enabled(None) and not editing_enabled("") and not editing_enabled("   ")
    assert editing_enabled("tea")


# ---- scenes


def _scene(scene_id: str, title: str | None = None, **fields) -> dict:
    return {"id": scene_id, "title": title or scene_id.title(), **fields}


def test_no_scenes_file_means_no_scenes(data_dir: Path):
    assert load_scenes(data_dir) == []
    assert scenes_snapshot(data_dir) == ([], scenes_fingerprint(data_dir))


def test_scenes_keep_their_order_through_save_and_load(tmp_path: Path):
    scenes = [Scene.model_validate(_scene(s)) for s in ("zeta", "alpha", "mid")]
    save_scenes(tmp_path, scenes)
    assert [s.id for s in load_scenes(tmp_path)] == ["zeta", "alpha", "mid"]
    first = (tmp_path / "scenes.json").read_bytes()
    save_scenes(tmp_path, load_scenes(tmp_path))
    assert (tmp_path / "scenes.json").read_bytes() == first


def test_bad_scenes_are_located(tmp_path: Path):
    raw = {
        "scenes": [
            _scene("a"),
            {"id": "b b", "title": ""},
            _scene("a"),
            {"id": "c", "title": "C", "view": {"depth": 9}},
        ]
    }
    (tmp_path / "scenes.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_scenes(tmp_path)
    located = {(p.element, p.field) for p in caught.value.problems}
    assert located == {
        ("scenes[1] (id 'b b')", "id"),
        ("scenes[1] (id 'b b')", "title"),
        ("scenes[2] (id 'a')", "id"),
        ("scenes[3] (id 'c')", "view.depth"),
    }


def test_scene_edits_keep_the_presentation_order(data_dir: Path):
    result = add_scene(data_dir, _scene("intro"), editor="Sam", expected_version=scenes_fingerprint(data_dir))
    result = add_scene(data_dir, _scene("gaps"), editor="Sam", expected_version=result.version)
    result = add_scene(data_dir, _scene("opening"), position=0, editor="Sam", expected_version=result.version)
    assert [s.id for s in load_scenes(data_dir)] == ["opening", "intro", "gaps"]
    result = move_scene(data_dir, "opening", 5, editor="Sam", expected_version=result.version)
    assert [s.id for s in load_scenes(data_dir)] == ["intro", "gaps", "opening"]
    result = update_scene(
        data_dir, "gaps", {"caption": "Where nobody asked"}, editor="Sam", expected_version=result.version
    )
    result = delete_scene(data_dir, "intro", editor="Sam", expected_version=result.version)
    assert [(s.id, s.caption) for s in load_scenes(data_dir)] == [("gaps", "Where nobody asked"), ("opening", "")]
    assert result.version == scenes_fingerprint(data_dir)
    assert [e["action"] for e in read_changelog(data_dir)][-3:] == ["move_scene", "update_scene", "delete_scene"]


def test_an_invalid_scene_edit_writes_nothing(data_dir: Path):
    result = add_scene(data_dir, _scene("intro"), editor="Sam", expected_version=scenes_fingerprint(data_dir))
    before = files(data_dir)
    with pytest.raises(DataError) as caught:
        add_scene(data_dir, {"id": "intro", "title": ""}, editor="Sam", expected_version=result.version)
    assert {(p.file, p.field) for p in caught.value.problems} == {("scenes.json", "title")}
    with pytest.raises(DataError, match="scene ids cannot be changed"):
        update_scene(data_dir, "intro", {"id": "start"}, editor="Sam", expected_version=result.version)
    assert files(data_dir) == before


def test_scene_edits_check_the_scenes_version(data_dir: Path):
    stale = scenes_fingerprint(data_dir)
    add_scene(data_dir, _scene("intro"), editor="Sam", expected_version=stale)
    with pytest.raises(ConflictError):
        add_scene(data_dir, _scene("gaps"), editor="Kim", expected_version=stale)


def test_graph_edits_do_not_change_the_scenes_version_nor_the_reverse(data_dir: Path):
    scenes_before = scenes_fingerprint(data_dir)
    add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    assert scenes_fingerprint(data_dir) == scenes_before
    data_before = version(data_dir)
    add_scene(data_dir, _scene("intro"), editor="Sam", expected_version=scenes_before)
    assert version(data_dir) == data_before


@pytest.mark.parametrize("operation", ["move", "update", "delete", "add"])
def test_undo_of_a_scene_edit_restores_the_file_byte_for_byte(data_dir: Path, operation: str):
    result = add_scene(data_dir, _scene("intro"), editor="Sam", expected_version=scenes_fingerprint(data_dir))
    result = add_scene(
        data_dir, _scene("gaps", view={"types": ["topic"]}), editor="Sam", expected_version=result.version
    )
    before = (data_dir / "scenes.json").read_bytes()
    done = {
        "move": lambda: move_scene(data_dir, "gaps", 0, editor="Sam", expected_version=result.version),
        "update": lambda: update_scene(
            data_dir, "intro", {"title": "Hello"}, editor="Sam", expected_version=result.version
        ),
        "delete": lambda: delete_scene(data_dir, "intro", editor="Sam", expected_version=result.version),
        "add": lambda: add_scene(data_dir, _scene("end"), position=1, editor="Sam", expected_version=result.version),
    }[operation]()
    undone = undo(data_dir, done.entry_id, editor="Sam", expected_version=done.version)
    assert (data_dir / "scenes.json").read_bytes() == before
    assert undone.version == result.version


def test_plain_undo_leaves_scene_edits_alone(data_dir: Path):
    added = add_node(data_dir, NEW_TOPIC, editor="Sam", expected_version=version(data_dir))
    add_scene(data_dir, _scene("intro"), editor="Sam", expected_version=scenes_fingerprint(data_dir))
    undone = undo(data_dir, editor="Sam", expected_version=version(data_dir))
    assert read_changelog(data_dir)[-1]["undoes"] == added.entry_id and undone.version == version(data_dir)
    assert [s.id for s in load_scenes(data_dir)] == ["intro"]


def test_module_exports_what_it_documents():
    assert set(edit.__all__) <= set(dir(edit))
