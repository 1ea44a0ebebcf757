"""The export and import commands: exactly the file asked for, and a type change only on request."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from graph.cli.main import main
from graph.data.store import load_dataset, save_dataset
from graph.picture.exports import EXPORT_FORMATS
from tests.conftest import DATA_DIR


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["x.cyjs.json", "graph.for.gephi", "no-suffix"])
def test_export_writes_exactly_the_path_given_to_o(capsys, tmp_path: Path, name: str):
    target = tmp_path / name
    code, out, err = run(capsys, "export", "--format", "cytoscape", "--data", str(DATA_DIR), "-o", str(target))
    assert (code, err) == (0, "")
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert out.startswith(f"Wrote {target} (")
    assert json.loads(target.read_text(encoding="utf-8"))["elements"]["nodes"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "xlsx", "json", "markdown"])
def test_every_single_file_format_obeys_o(capsys, tmp_path: Path, fmt: str):
    target = tmp_path / f"out{EXPORT_FORMATS[fmt]}.bak"
    code, _, _ = run(capsys, "export", "--format", fmt, "--data", str(DATA_DIR), "-o", str(target))
    assert code == 0 and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_csv_export_is_a_zip_of_both_tables_and_says_so(capsys, tmp_path: Path):
    target = tmp_path / "kg.zip"
    code, out, _ = run(capsys, "export", "--format", "csv", "--data", str(DATA_DIR), "-o", str(target))
    assert code == 0 and "a zip of nodes.csv and edges.csv" in out
    archive = zipfile.ZipFile(io.BytesIO(target.read_bytes()))
    assert archive.namelist() == ["nodes.csv", "edges.csv"]
    nodes = archive.read("nodes.csv").decode("utf-8-sig").splitlines()
    assert len(nodes) - 1 == len(load_dataset(DATA_DIR).nodes)


def test_csv_export_to_a_csv_name_says_what_to_do_and_writes_nothing(capsys, tmp_path: Path):
    code, _, err = run(capsys, "export", "--format", "csv", "--data", str(DATA_DIR), "-o", str(tmp_path / "x.csv"))
    assert code == 2 and err.count("\n") == 1
    assert "-o NAME.zip" in err and "--table nodes" in err
    assert list(tmp_path.iterdir()) == []


def test_csv_table_writes_one_table_at_exactly_the_path(capsys, tmp_path: Path):
    target = tmp_path / "links.csv"
    cmd = ("export", "--format", "csv", "--table", "edges", "--data", str(DATA_DIR), "-o", str(target))
    code, _, _ = run(capsys, *cmd)
    assert code == 0 and [p.name for p in tmp_path.iterdir()] == ["links.csv"]
    assert target.read_text(encoding="utf-8-sig").startswith("source,target,relation,basis")


def test_table_with_another_format_is_an_error(capsys, tmp_path: Path):
    cmd = ("export", "--format", "gexf", "--table", "edges", "--data", str(DATA_DIR), "-o", str(tmp_path / "x.gexf"))
    code, _, err = run(capsys, *cmd)
    assert code == 2 and err.startswith("Error: --table goes with --format csv")


def test_an_import_that_changes_a_type_needs_the_flag(capsys, data_dir: Path, tmp_path: Path):
    first = tmp_path / "first.csv"
    first.write_text("ID,Label,Type,Refs\norganisation:rip,Research in Practice,organisation,1\n", encoding="utf-8")
    assert run(capsys, "import", str(first), "--data", str(data_dir))[0] == 0
    before = (data_dir / "nodes.json").read_bytes()
    sheet = tmp_path / "retype.csv"
    sheet.write_text("ID,Label,Type,Refs\norganisation:rip,Research in Practice,initiative,1\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 2 and err.count("\n") == 1
    assert "would change the type of 1 existing node(s): organisation:rip (organisation -> initiative)" in err
    assert "--allow-type-change" in err
    assert (data_dir / "nodes.json").read_bytes() == before
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--dry-run")
    assert code == 0 and "applying it needs --allow-type-change" in out
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--allow-type-change")
    assert code == 0 and "Saved" in out
    assert {n.id: n.type.value for n in load_dataset(data_dir).nodes}["organisation:rip"] == "initiative"


def test_import_names_near_duplicates_and_merges_on_request(capsys, tmp_path: Path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    save_dataset(data_dir, load_dataset(DATA_DIR))
    sheet = tmp_path / "their-list.csv"
    sheet.write_text("Label,Type,Tags\nSocial Care Institute for Excellence,organisation,guidance\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--dry-run")
    assert code == 0 and "nodes: 1 new" in out
    assert "Note: new node organisation:social-care-institute-for-excellence may be organisation:scie: " in out
    assert "add --merge organisation:social-care-institute-for-excellence=organisation:scie" in out
    answer = "organisation:social-care-institute-for-excellence=organisation:scie"
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir), "--merge", answer)
    assert code == 0 and "nodes: 0 new, 1 changed" in out
    nodes = {n.id: n for n in load_dataset(data_dir).nodes}
    assert "organisation:social-care-institute-for-excellence" not in nodes
    assert nodes["organisation:scie"].attributes["tags"] == ["guidance"]


def test_merge_into_a_node_that_does_not_exist_is_an_error(capsys, data_dir: Path, tmp_path: Path):
    sheet = tmp_path / "their-list.csv"
    sheet.write_text("Label,Type\nSomething,organisation\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(sheet), "--data", str(data_dir), "--merge", "organisation:something=x:y")
    assert code == 2 and err == "Error: --merge organisation:something=x:y: there is no existing node x:y\n"


def test_import_of_a_workbook_with_an_understated_dimension_lands_every_row_and_says_so(capsys, tmp_path: Path):
    from tests.formats.test_kumu import _understated

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shipped = load_dataset(DATA_DIR)
    save_dataset(data_dir, shipped)
    sheet = tmp_path / "their-list.xlsx"
    sheet.write_bytes(_understated(30))
    code, out, _ = run(capsys, "import", str(sheet), "--data", str(data_dir))
    assert code == 0
    assert out.splitlines()[:2] == [
        "Rows read: 30 from sheet Elements.",
        f"{sheet}: nodes: 30 new, 0 changed, 0 unchanged; edges: 0 new, 0 changed, 0 unchanged; 0 problems",
    ]
    assert len(load_dataset(data_dir).nodes) == len(shipped.nodes) + 30
