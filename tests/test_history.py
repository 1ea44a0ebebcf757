"""Data versions people can read, workshop sessions, and the changes since a version, a time or the
session's start (graph.data.history), as the change log records them."""

from __future__ import annotations

import pytest

from graph.data import edit
from graph.data.history import begin_session, current_session, data_version, dataset_before, net_change, since
from graph.errors import GraphError
from graph.schema import Dataset

ROOM = {"session": "Leeds workshop", "session_date": "2026-12-03", "editor": "Sam"}


def _node(node_id: str, label: str) -> dict:
    return {"id": node_id, "type": "organisation", "label": label, "refs": ["Workshop"], "attributes": ROOM}


def test_a_session_is_logged_once_for_every_page_and_leaves_the_data_as_it_was(data_dir):
    _, version = edit.snapshot(data_dir)
    begin_session(data_dir, " Leeds  workshop ", "2026-12-03", editor="Sam")
    assert edit.snapshot(data_dir)[1] == version
    log = edit.read_changelog(data_dir)
    assert data_version(log) == 0
    session = current_session(log)
    assert (session.name, session.date, session.editor, session.data_version) == (
        "Leeds workshop",
        "2026-12-03",
        "Sam",
        0,
    )
    assert edit.undo_target(log) is None  # beginning a session is not a change to undo


@pytest.mark.parametrize(("name", "day"), [("", "2026-12-03"), ("Leeds", "3 December"), ("Leeds", "2026-13-40")])
def test_a_session_needs_a_name_and_a_date(data_dir, name, day):
    with pytest.raises(GraphError):
        begin_session(data_dir, name, day, editor="Sam")


def test_changes_since_a_version_a_time_or_the_session(data_dir):
    _, v0 = edit.snapshot(data_dir)
    v1 = edit.add_node(data_dir, _node("organisation:before", "Before"), editor="Sam", expected_version=v0).version
    begin_session(data_dir, "Leeds workshop", "2026-12-03", editor="Sam")
    v2 = edit.add_node(
        data_dir, _node("organisation:kca", "Kinship Care Alliance"), editor="Ana", expected_version=v1
    ).version
    edge = {
        "source": "organisation:kca",
        "target": "topic:t",
        "relation": "works_on",
        "refs": ["Workshop"],
        "basis": "room",
        "attributes": ROOM,
    }
    edit.add_edge(data_dir, edge, editor="Ana", expected_version=v2)
    log = edit.read_changelog(data_dir)
    assert data_version(log) == 3
    assert [e["action"] for e in since(log, "session").entries] == ["add_node", "add_edge"]
    assert [e["action"] for e in since(log, "1").entries] == ["add_node", "add_edge"]
    assert since(log, "0").start == 0 and len(since(log, "0").entries) == 3
    first_time = log[0]["time"]
    assert len(since(log, first_time).entries) <= 2  # strictly after that time
    with pytest.raises(GraphError, match="no data version 9"):
        since(log, "9")
    with pytest.raises(GraphError, match="not a data version"):
        since(log, "yesterday")


def test_the_net_change_leaves_out_what_was_undone_and_gives_the_data_as_it_was(data_dir):
    before, v0 = edit.snapshot(data_dir)
    v1 = edit.add_node(data_dir, _node("organisation:a", "A"), editor="Sam", expected_version=v0).version
    v2 = edit.add_node(data_dir, _node("organisation:b", "B"), editor="Sam", expected_version=v1).version
    edit.undo(data_dir, editor="Sam", expected_version=v2)
    log = edit.read_changelog(data_dir)
    change = net_change(since(log, "0").entries)
    assert list(change) == [("node", "organisation:a")]
    now, _ = edit.snapshot(data_dir)
    assert dataset_before(now, change) == Dataset(before.nodes, before.edges)
