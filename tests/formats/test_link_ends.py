"""A links sheet as the room writes it: misspelt ends get suggestions best first, a body named only
there can be created, the good rows are imported and the bad kept back; the dry run as JSON."""

from __future__ import annotations

import json

import pytest

from graph.cli.main import main
from graph.data.store import load_dataset, save_dataset
from graph.formats import parse_import, plan_merge
from graph.schema import Dataset, Node

DATA = Dataset(
    (
        Node(id="topic:poverty", type="topic", label="Poverty", refs=["4"]),
        Node(id="topic:poetry", type="topic", label="Poetry", refs=["4"]),
        Node(id="theme:parenting", type="theme", label="Parenting", refs=["4"]),
        Node(id="organisation:lga", type="organisation", label="LGA", refs=["2"]),
    ),
    (),
)
SHEET = (
    b"From,To,Type,Refs\n"
    b"Kinship Care Alliance,Povety,works on,Workshop\n"  # a new body, and a typo
    b"Local Government Association,Poverty,works on,Workshop\n"  # an expansion: a suggestion only
    b"LGA,Parenting,works on,Workshop\n"  # a good row
)


def _plan(**answers):
    return plan_merge(DATA, parse_import(SHEET, "room.csv"), **answers)


def test_a_misspelt_end_gets_suggestions_best_first_and_the_types_it_could_be_created_as():
    plan = _plan()
    assert [(p.element, p.field) for p in plan.problems] == [("row 2", "From"), ("row 2", "To"), ("row 3", "From")]
    assert [m.id for m in plan.suggestions[("row 2", "To")]] == ["topic:poverty"]  # Poetry is two letters away
    assert plan.creatable[("row 2", "From")] == ("Kinship Care Alliance", ("initiative", "organisation"))
    assert plan.creatable[("row 2", "To")] == ("Povety", ("theme", "topic"))
    assert [m.id for m in plan.suggestions[("row 3", "From")]] == ["organisation:lga"]


def test_answers_resolve_the_ends_and_create_the_new_body():
    plan = _plan(
        ends={"povety": "topic:poverty", "Local Government Association": "organisation:lga"},
        create={"kinship care alliance": "organisation"},
    )
    assert plan.problems == ()
    (created,) = plan.added_nodes
    assert (created.id, created.label, created.refs) == (
        "organisation:kinship-care-alliance",
        "Kinship Care Alliance",
        ["Imported from room.csv"],
    )
    assert sorted(e.key for e in plan.added_edges) == [
        "organisation:kinship-care-alliance|works_on|topic:poverty",
        "organisation:lga|works_on|theme:parenting",
        "organisation:lga|works_on|topic:poverty",
    ]


def test_the_good_rows_are_imported_and_the_bad_kept_back_with_their_problems():
    plan = _plan(keep_back=True)
    assert plan.ok and plan.problems == ()
    assert [e.key for e in plan.added_edges] == ["organisation:lga|works_on|theme:parenting"]
    assert sorted({p.element for p in plan.kept_back}) == ["row 2", "row 3"]
    assert "did you mean Poverty (topic:poverty)?" in next(p.message for p in plan.kept_back if p.field == "To")


def test_the_dry_run_as_json_gives_each_incoming_node_and_problem(capsys, tmp_path):
    save_dataset(tmp_path, DATA)
    sheet = tmp_path / "room.csv"
    sheet.write_bytes(SHEET)
    code = main(["import", str(sheet), "--dry-run", "--format", "json", "--data", str(tmp_path)])
    out, err = capsys.readouterr()
    preview = json.loads(out)
    assert code == 2 and err.startswith("Error: ") and err.count("\n") == 1
    nodes = {n["label"]: n for n in preview["nodes"]}
    assert nodes["Povety"]["action"] == "new" and nodes["Povety"]["id"] == "topic:povety"
    assert nodes["Povety"]["matches"] == [{"id": "topic:poverty", "why": "1 letter away from 'Poverty' (a typo?)"}]
    assert nodes["Kinship Care Alliance"]["id"] == "organisation:kinship-care-alliance"
    assert nodes["LGA"]["action"] == "unchanged" and nodes["LGA"]["matches"][0]["id"] == "organisation:lga"
    assert nodes["Parenting"]["action"] == "unchanged"
    assert {p["row"] for p in nodes["Povety"]["problems"]} == {"row 2"}
    for problem in preview["problems"]:
        assert set(problem) >= {"row", "problem", "suggestions"}
    assert load_dataset(tmp_path).edges == ()  # a dry run writes nothing


def test_the_command_line_applies_the_answers_and_keeps_back_the_rest(capsys, tmp_path):
    save_dataset(tmp_path, DATA)
    sheet = tmp_path / "room.csv"
    sheet.write_bytes(SHEET)
    code = main(
        [
            "import",
            str(sheet),
            "--means",
            "Povety=topic:poverty",
            "--create",
            "Kinship Care Alliance=organisation",
            "--skip-bad-rows",
            "--editor",
            "Sam",
            "--data",
            str(tmp_path),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Kept back: room.csv: row 3: field 'From': no node has the id or label 'Local Government Association'" in out
    saved = load_dataset(tmp_path)
    assert {e.key for e in saved.edges} == {
        "organisation:kinship-care-alliance|works_on|topic:poverty",
        "organisation:lga|works_on|theme:parenting",
    }


def test_an_answer_for_a_name_the_file_does_not_write_is_said_to_be_unused(capsys, tmp_path):
    """A facilitator who mistypes the name in --means or --create is told, rather than left guessing
    why the row is still refused; the answers that match (in any case) are used."""
    save_dataset(tmp_path, DATA)
    sheet = tmp_path / "room.csv"
    sheet.write_bytes(SHEET)
    main(
        [
            "import",
            str(sheet),
            "--means",
            "povety=topic:poverty",
            "--means",
            "Poverty Line=topic:poverty",
            "--create",
            "Kinship Alliance=organisation",
            "--dry-run",
            "--data",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert "Note: --means Poverty Line: no link's end in room.csv is written that way; that answer was not used" in out
    assert "Note: --create Kinship Alliance: no link's end in room.csv is written that way" in out
    assert "--means povety" not in out


@pytest.mark.parametrize("bad", ["Povety", "=topic:poverty", "Povety="])
def test_an_answer_without_name_and_value_is_one_line(capsys, tmp_path, bad):
    with pytest.raises(SystemExit) as stop:
        main(["import", "x.csv", "--means", bad, "--data", str(tmp_path)])
    assert stop.value.code == 2
    assert capsys.readouterr().err.startswith("Error: argument --means")
