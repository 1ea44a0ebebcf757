"""A workshop, run through the library and the command line: the session set, a node added, links
added, an import with a typo; then `graph changes --since` lists exactly those changes and the
briefing names them (what was added, the overlap that appeared, the gaps that closed)."""

from __future__ import annotations

import json

from graph.cli.main import main
from graph.data import edit
from graph.data.history import current_session, room_attributes, room_ref
from graph.data.store import load_dataset, save_dataset
from tests.conftest import DATA_DIR


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_workshop_leaves_a_record_of_what_the_room_changed(capsys, tmp_path):
    save_dataset(tmp_path, load_dataset(DATA_DIR))
    data = str(tmp_path)
    edit.add_node(  # before the session: not among the room's changes
        tmp_path,
        {"id": "topic:earlier", "type": "topic", "label": "Earlier", "refs": ["4"]},
        editor="Kim",
        expected_version=edit.snapshot(tmp_path)[1],
    )

    # The facilitator sets the session once.
    code, out, _ = run(capsys, "session", "Leeds workshop", "--date", "2026-12-03", "--editor", "Sam", "--data", data)
    assert code == 0 and out.startswith("Session begun: Leeds workshop, 2026-12-03.")
    session = current_session(edit.read_changelog(tmp_path))

    # The room names a body the report does not, and links it to what it works on.
    said = {"refs": [room_ref(session)], "attributes": room_attributes(session, "Sam")}
    version = edit.add_node(
        tmp_path,
        {"id": "organisation:kinship-care-alliance", "type": "organisation", "label": "Kinship Care Alliance", **said},
        editor="Sam",
        expected_version=edit.snapshot(tmp_path)[1],
    ).version
    for topic in ("topic:poverty", "topic:fathers"):
        link = {
            "source": "organisation:kinship-care-alliance",
            "target": topic,
            "relation": "works_on",
            "basis": "room",
            **said,
        }
        version = edit.add_edge(tmp_path, link, editor="Sam", expected_version=version).version

    # Sticky notes typed up in a sheet, with a typo: refused as it is, with a suggestion...
    sheet = tmp_path / "sticky-notes.csv"
    sheet.write_text(
        "From,To,Type,Refs\nThe Childrens Society,Povety,works on,Sticky notes\n"
        "The Children's Society,Fathers,works on,Sticky notes\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", str(sheet), "--dry-run", "--format", "json", "--data", data)
    preview = json.loads(out)
    (problem,) = preview["problems"]
    assert code == 2 and problem["row"] == "row 2" and problem["suggestions"][0] == "topic:poverty"
    # ...and imported once the facilitator confirms it.
    code, out, err = run(
        capsys, "import", str(sheet), "--means", "Povety=topic:poverty", "--editor", "Ana", "--data", data
    )
    assert code == 0, err

    code, out, err = run(capsys, "changes", "--since", "session", "--format", "json", "--data", data)
    assert code == 0, err
    report = json.loads(out)
    assert [(c["editor"], c["action"], c["what"]) for c in report["changes"]] == [
        ("Sam", "add_node", "added the node Kinship Care Alliance"),
        ("Sam", "add_edge", "added the link Kinship Care Alliance works on Poverty"),
        ("Sam", "add_edge", "added the link Kinship Care Alliance works on Fathers"),
        ("Ana", "import sticky-notes.csv", "import sticky-notes.csv: 0 nodes and 2 links added or changed"),
    ]
    assert all(c["time"] for c in report["changes"])
    assert [(e["status"], e["what"]) for e in report["elements"]] == [
        ("added", "Kinship Care Alliance"),
        ("added", "Kinship Care Alliance works on Fathers"),
        ("added", "Kinship Care Alliance works on Poverty"),
        ("added", "The Children's Society works on Fathers"),
        ("added", "The Children's Society works on Poverty"),
    ]
    assert report["counts"]["added"] == {"nodes": 1, "links": 4}
    assert report["from_version"] == 1 and report["to_version"] == 5
    assert report["session"]["name"] == "Leeds workshop"
    (appeared,) = report["overlaps"]["appeared"]
    assert set(appeared["labels"]) == {"Kinship Care Alliance", "The Children's Society"}
    closed = {(g["kind"], g["label"]) for g in report["gaps"]["closed"]}
    assert {("unaddressed_topics", "Poverty"), ("unaddressed_topics", "Fathers")} <= closed

    code, briefing, err = run(capsys, "changes", "--since", "session", "--data", data)
    assert code == 0, err
    assert briefing.startswith("# What the room changed: Leeds workshop, 2026-12-03\n")
    for line in (
        "- Node: Kinship Care Alliance",
        "- Link: Kinship Care Alliance works on Poverty",
        "- Link: The Children's Society works on Fathers",
        "- Appeared (weak): Kinship Care Alliance and The Children's Society.",  # the sheet's side is imported
        "- Closed: Poverty (topics no organisation or initiative works on).",
        "· Ana · import sticky-notes.csv",
    ):
        assert line in briefing
    assert "Earlier" not in briefing  # changed before the session began
    # The same changes by their data version, and none since now.
    assert (
        json.loads(run(capsys, "changes", "--since", "1", "--format", "json", "--data", data)[1])["changes"]
        == (report["changes"])
    )
    assert json.loads(run(capsys, "changes", "--since", "5", "--format", "json", "--data", data)[1])["changes"] == []
