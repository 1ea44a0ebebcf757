"""The command line: exact output, exit codes, one-line errors (run in-process through main())."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from graph.cli.main import main
from graph.data.store import load_dataset
from tests.conftest import DATA_DIR, ROOT, write_json


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_passes_on_the_shipped_data(capsys):
    code, out, err = run(capsys, "validate", "--data", str(DATA_DIR))
    assert code == 0 and out.startswith(f"OK: {DATA_DIR} is valid (") and err == ""


def test_validate_lists_every_problem_and_exits_2(capsys, data_dir: Path):
    write_json(data_dir / "nodes.json", {"nodes": [{"id": "a", "type": "topc", "label": "", "refs": []}]})
    code, out, err = run(capsys, "validate", "--data", str(data_dir))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) >= 3 and all(line.startswith(f"Error: {data_dir}") for line in lines)
    assert lines[0].startswith(f"Error: {data_dir / 'nodes.json'}: nodes[0] (id 'a'): ")
    assert "field 'type': 'topc' is not allowed" in err
    assert "Traceback" not in err


def test_forty_thousand_problems_list_fifty_then_count_the_rest(capsys, data_dir: Path):
    bad = [{"id": f"topic:t{n}", "type": "topc", "label": "T", "refs": ["2"]} for n in range(40_000)]
    write_json(data_dir / "nodes.json", {"nodes": bad})
    write_json(data_dir / "edges.json", {"edges": []})
    code, out, err = run(capsys, "validate", "--data", str(data_dir))
    lines = err.splitlines()
    assert code == 2 and out == "" and len(lines) == 51
    assert lines[0].startswith(f"Error: {data_dir / 'nodes.json'}: nodes[0] (id 'topic:t0'): field 'type': ")
    assert lines[-1] == "Error: and 39,950 more problems"


def test_control_characters_in_a_message_are_shown_escaped(capsys, data_dir: Path):
    write_json(data_dir / "nodes.json", {"nodes": [{"id": "x\u202ey", "type": "topic", "label": "T", "refs": ["2"]}]})
    code, _, err = run(capsys, "validate", "--data", str(data_dir))
    assert code == 2 and "\u202e" not in err and "x\\u202ey" in err


def test_missing_data_directory_is_a_one_line_error(capsys, tmp_path: Path):
    code, _, err = run(capsys, "stats", "--data", str(tmp_path / "nowhere"))
    assert code == 2 and err == f"Error: {tmp_path / 'nowhere'}: no such data folder\n"


def test_stats_json_counts_types_and_relations(capsys):
    code, out, _ = run(capsys, "stats", "--data", str(DATA_DIR), "--format", "json")
    stats = json.loads(out)
    dataset = load_dataset(DATA_DIR)
    assert code == 0
    assert stats["nodes"] == len(dataset.nodes) and stats["edges"] == len(dataset.edges)
    assert stats["by_type"]["barrier"] == 5 and stats["by_relation"]["raised"] == 138
    assert stats["components"] == 1


def test_gaps_json_has_the_documented_keys(capsys):
    code, out, _ = run(capsys, "gaps", "--data", str(DATA_DIR), "--format", "json")
    gaps = json.loads(out)
    assert code == 0
    assert {"unraised_topics", "unaddressed_topics", "unaddressed_barriers", "structural_gaps"} <= set(gaps)
    assert {g["label"] for g in gaps["unraised_topics"]} == {"Standards of evidence", "Preventing entry to care"}
    for item in gaps["unraised_topics"] + gaps["unaddressed_topics"]:
        assert item["id"] and item["label"] and item["reason"]
    for item in gaps["structural_gaps"]:
        assert len(item["communities"]) == 2 and "bridges" in item and item["reason"]


def test_overlaps_json_shape_and_order(capsys):
    code, out, _ = run(capsys, "overlaps", "--type", "initiative", "--data", str(DATA_DIR), "--format", "json")
    result = json.loads(out)
    assert code == 0 and set(result) >= {"type", "kind", "pairs", "counts", "left_out", "summary", "to_add"}
    pairs = result["pairs"]
    assert set(pairs[0]) >= {"a", "b", "strength", "score", "shared", "reason", "differs", "evidence", "refs"}
    assert [p["strength"] for p in pairs] == sorted(
        (p["strength"] for p in pairs), key=["strong", "moderate", "weak"].index
    )
    first = pairs[0]
    assert {first["a"]["label"], first["b"]["label"]} == {"Step Up", "Frontline"}


def test_overlaps_never_counts_being_consulted_together(capsys):
    code, out, _ = run(capsys, "overlaps", "--type", "organisation", "--data", str(DATA_DIR), "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["left_out"]["consulted_only"] > 0
    for pair in result["pairs"]:
        assert all(e["relation"] != "involved" for e in pair["evidence"])


def test_path_avoid_goes_around_a_node(capsys):
    args = ("path", "Event Coventry", "Social Work England", "--data", str(DATA_DIR), "--format", "json")
    code, out, _ = run(capsys, *args, "--avoid", "What Works Centre for Children's Social Care")
    result = json.loads(out)
    assert code == 0 and result["paths"]
    for path in result["paths"]:
        assert "organisation:what-works-centre" not in [n["id"] for n in path]
    assert result["lengths"] == [len(p) - 1 for p in result["paths"]]


def test_path_cannot_avoid_its_own_end(capsys):
    code, out, err = run(capsys, "path", "Event Coventry", "Trauma", "--avoid", "trauma", "--data", str(DATA_DIR))
    assert code == 2 and out == "" and err == "Error: cannot avoid Trauma: it is an end of the path\n"


def test_path_accepts_fuzzy_names_and_explains(capsys):
    code, out, _ = run(capsys, "path", "event coventry", "Trauma", "--data", str(DATA_DIR), "--format", "json")
    result = json.loads(out)
    assert code == 0
    assert [step["id"] for step in result["paths"][0]] == ["strand:event-coventry", "topic:trauma"]
    assert "Event Coventry raised Trauma" in result["explanation"]


def test_ambiguous_name_lists_candidates_and_exits_2(capsys):
    code, _, err = run(capsys, "neighbours", "Practice at 'child in need' level", "--data", str(DATA_DIR))
    assert code == 2 and err.startswith("Error: ")
    assert "topic:practice-at-child-in-need-level--frontline" in err
    assert "topic:practice-at-child-in-need-level--system" in err


def test_a_misspelt_name_still_finds_the_node(capsys):
    code, out, _ = run(capsys, "neighbours", "Trauuma", "--data", str(DATA_DIR))
    assert code == 0 and out.startswith("0  topic         Trauma (topic:trauma)")


def test_unknown_name_is_an_error_with_suggestions(capsys):
    code, out, err = run(capsys, "neighbours", "Qwertyuiop", "--data", str(DATA_DIR))
    assert code == 2 and out == "" and err.startswith("Error: ") and len(err.splitlines()) == 1


def test_bad_option_value_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["neighbours", "Trauma", "--depth", "0"])
    assert caught.value.code == 2
    assert capsys.readouterr().err == (
        "Error: argument --depth: 0 must be 1 or more (see: python -m graph neighbours --help)\n"
    )


def test_rank_by_consensus(capsys):
    code, out, _ = run(capsys, "rank", "--data", str(DATA_DIR), "--format", "json", "--limit", "2")
    top = json.loads(out)
    assert code == 0 and [t["count"] for t in top] == [6, 6]
    assert {t["label"] for t in top} == {
        "Recruitment, retention and resilience",
        "How to measure/understand outcomes for CYP&F – not just KPIs, including longer term outcomes",
    }


def test_matrix_csv_is_the_appendix_grid(capsys):
    code, out, _ = run(capsys, "matrix", "coverage", "--data", str(DATA_DIR), "--format", "csv")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1 + 79
    assert lines[0].split(",")[1:4] == ["Children and young people's panel", "Practice insights", "Event Bristol"]


def test_report_markdown_cites_the_report(capsys):
    code, out, _ = run(capsys, "report", "--data", str(DATA_DIR))
    assert code == 0 and out.startswith("#") and "Appendix 1" in out


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_for_gephi_round_trips_through_networkx(capsys, tmp_path: Path, fmt: str):
    target = tmp_path / f"kg.{fmt}"
    code, out, _ = run(capsys, "export", "--format", fmt, "--data", str(DATA_DIR), "-o", str(target))
    graph = nx.read_graphml(target) if fmt == "graphml" else nx.read_gexf(target)
    dataset = load_dataset(DATA_DIR)
    assert code == 0 and out.startswith(f"Wrote {target}")
    assert graph.number_of_nodes() == len(dataset.nodes) and graph.number_of_edges() == len(dataset.edges)


def test_export_csv_writes_one_zip_at_exactly_the_path_given(capsys, tmp_path: Path):
    code, _, _ = run(capsys, "export", "--format", "csv", "--data", str(DATA_DIR), "-o", str(tmp_path / "kg.zip"))
    assert code == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["kg.zip"]


def test_export_into_a_missing_folder_is_an_error(capsys, tmp_path: Path):
    code, _, err = run(capsys, "export", "--format", "json", "--data", str(DATA_DIR), "-o", str(tmp_path / "no" / "kg"))
    assert code == 2 and "does not exist" in err


def test_import_dry_run_writes_nothing_and_reimport_is_unchanged(capsys, data_dir: Path, tmp_path: Path):
    before = (data_dir / "nodes.json").read_bytes()
    sheet = tmp_path / "more.csv"
    sheet.write_text("Label,Type,Refs\nNeglect,topic,Appendix 1 / Frontline\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--dry-run")
    assert code == 0 and "nodes: 1 new" in out and "Dry run: nothing written." in out
    assert (data_dir / "nodes.json").read_bytes() == before
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--editor", "tester")
    assert code == 0 and "Saved" in out
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--dry-run")
    assert "nodes: 0 new, 0 changed, 1 unchanged" in out or "0 new" in out


def test_import_with_row_errors_exits_2_and_writes_nothing(capsys, data_dir: Path, tmp_path: Path):
    before = (data_dir / "nodes.json").read_bytes()
    sheet = tmp_path / "bad.csv"
    sheet.write_text("Label,Type,Refs\nX,planet,4\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 2 and "row" in err.lower()
    assert (data_dir / "nodes.json").read_bytes() == before


def test_an_export_that_cannot_be_written_is_a_one_line_error(capsys, tmp_path: Path, monkeypatch):
    import graph.data.store

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(graph.data.files.tempfile, "mkstemp", refuse)
    code, _, err = run(capsys, "export", "--format", "json", "--data", str(DATA_DIR), "-o", str(tmp_path / "kg.json"))
    assert code == 2 and err == f"Error: cannot write {tmp_path / 'kg.json'}: Permission denied\n"


def test_gap_map_as_csv_has_a_total_row_per_group(capsys):
    code, out, _ = run(capsys, "gap-map", "--format", "csv", "--data", str(DATA_DIR))
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0][:3] == ["Level", "Theme", "Topic"]
    assert sum(row[2].startswith("Total (") for row in rows) == 13  # 12 themes and the grand total
    assert rows[-1][2] == "Total (79 topics)" and rows[-1][-2] == "138"


def test_gap_map_xlsx_needs_a_file_and_writes_it(capsys, tmp_path):
    code, _, err = run(capsys, "gap-map", "--format", "xlsx", "--data", str(DATA_DIR))
    assert code == 2 and err == "Error: the xlsx gap map needs a file to write: add -o FILE\n"
    target = tmp_path / "map.xlsx"
    code, out, _ = run(capsys, "gap-map", "--format", "xlsx", "-o", str(target), "--data", str(DATA_DIR))
    import openpyxl

    sheet = openpyxl.load_workbook(target).active
    assert code == 0 and out.startswith(f"Wrote {target}") and sheet["C2"].value


def _without(package: str, tmp_path: Path) -> dict[str, str]:
    """An environment whose Python cannot import ``package`` (as on a Python the project was not installed into)."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\n"
        "class _Missing:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] == {package!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _Missing())\n",
        encoding="utf-8",
    )
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)])}


def test_validate_reads_the_data_without_the_lock_library(tmp_path):
    # Reading never takes the write lock, so it needs no library only writers use.
    done = subprocess.run(
        [sys.executable, "-m", "graph", "validate", "--data", str(DATA_DIR)],
        capture_output=True, text=True, env=_without("filelock", tmp_path), cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"OK: {DATA_DIR} is valid (")


def test_a_missing_package_is_one_line_naming_it_and_nothing_is_written(tmp_path):
    data_copy = tmp_path / "data"
    data_copy.mkdir()
    for name in ("nodes.json", "edges.json", "scenes.json"):
        shutil.copy(DATA_DIR / name, data_copy / name)
    source = tmp_path / "new.csv"
    source.write_text("Label,Type,Refs\nA test node,topic,App 1\n", encoding="utf-8")
    before = {name: (data_copy / name).read_bytes() for name in ("nodes.json", "edges.json")}
    done = subprocess.run(
        [sys.executable, "-m", "graph", "import", str(source), "--data", str(data_copy), "--editor", "t"],
        capture_output=True, text=True, env=_without("filelock", tmp_path), cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: this command needs the Python package 'filelock'")
    assert {name: (data_copy / name).read_bytes() for name in before} == before


def test_session_and_changes_use_the_configured_data_folder_without_data(capsys, data_dir: Path, monkeypatch):
    """A facilitator types the commands as the README shows them, with the folder in KG_DATA_DIR:
    the session lands in that folder's log, and `changes` reads it (once a traceback: no --data)."""
    from graph.data.stores import open_store

    monkeypatch.delenv("KG_DATABASE_URL", raising=False)
    monkeypatch.setenv("KG_DATA_DIR", str(data_dir))
    code, out, err = run(capsys, "session", "Leeds workshop", "--date", "2026-12-04")
    assert (code, err) == (0, "") and out.startswith("Session begun: Leeds workshop, 2026-12-04.")
    assert [e["after"]["name"] for e in open_store(data_dir).changelog() if e.get("element") == "session"] == [
        "Leeds workshop"
    ]
    code, out, err = run(capsys, "changes", "--since", "session", "--format", "json")
    assert (code, err) == (0, "") and json.loads(out)["session"]["name"] == "Leeds workshop"
