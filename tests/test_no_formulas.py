"""No live formula in any CSV or workbook the product writes, from the command line or the app.

The shipped data with formula text at the start of every text field (labels, descriptions, refs,
rationales, qualifiers, attribute names and values): every CSV and xlsx is read back as a spreadsheet
would read it, and no cell may start a formula. Each file must also hold some of that text, made
harmless, so a file that merely left the fields out would not pass. The product's own readers take
the prefix off again: what it exported imports back as no change at all.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from graph.cli.main import main
from graph.data.build import build_graph
from graph.data.cells import FORMULA_TRIGGERS
from graph.data.store import dump_model, load_dataset, parse_dataset, save_dataset
from graph.formats import parse_import, plan_merge
from graph.picture.exports import csv_zip, export_files, table_csv
from graph.picture.panels import edge_table, node_table
from graph.schema import Dataset
from tests.conftest import DATA_DIR

FORMULAS = ('=HYPERLINK("http://evil.example","x")&', "@SUM(1)+", "+1+", "-2+", "=cmd|' /C calc'!A0 ")
# A list cell (refs) splits at '|', as Kumu does: the DDE payload, which holds one, is left out of refs.
REF_FORMULAS = FORMULAS[:-1]
FREE_TEXT = {"report_text", "section", "attribution", "appendix_heading", "status", "dates", "speaker"}


def _formula(index: int, text: str, limit: int = 10_000, formulas: tuple[str, ...] = FORMULAS) -> str:
    return (formulas[index % len(formulas)] + text)[:limit]


def formula_dataset() -> Dataset:
    """The shipped data, with a formula in front of every text field."""
    shipped = load_dataset(DATA_DIR)
    nodes = []
    for i, node in enumerate(shipped.nodes):
        raw = dump_model(node)
        raw["label"] = _formula(i, raw["label"], 300)
        if raw.get("description"):
            raw["description"] = _formula(i + 1, raw["description"], 5000)
        raw["refs"] = [_formula(i + 2, ref, 200, REF_FORMULAS) for ref in raw["refs"]]
        attributes = raw.setdefault("attributes", {})
        for name, value in list(attributes.items()):
            if name in FREE_TEXT and isinstance(value, str):
                attributes[name] = _formula(i + 3, value)
        attributes["=note"] = _formula(i + 4, "a note")
        nodes.append(raw)
    edges = []
    for i, edge in enumerate(shipped.edges):
        raw = dump_model(edge)
        raw["refs"] = [_formula(i, ref, 200, REF_FORMULAS) for ref in raw["refs"]]
        if raw.get("rationale"):
            raw["rationale"] = _formula(i + 1, raw["rationale"], 1000)
        attributes = raw.get("attributes") or {}
        for name in ("qualifier", "wave_topic"):
            if isinstance(attributes.get(name), str):
                attributes[name] = _formula(i + 2, attributes[name])
        edges.append(raw)
    dataset, problems = parse_dataset(nodes, edges, "nodes.json", "edges.json")
    assert not problems
    return dataset


@pytest.fixture(scope="module")
def formula_data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("formula-data")
    save_dataset(folder, formula_dataset())
    return folder


# ---- reading a file as a spreadsheet would


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def live_in_csv(data: bytes) -> list[str]:
    """Cells a spreadsheet would run: those starting with =, +, -, @, a tab or a carriage return.
    A number (-3, +4.5) is a number, not a formula."""
    return [cell for cell in csv_cells(data) if cell.startswith(FORMULA_TRIGGERS) and not _number(cell)]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def defused_in_csv(data: bytes) -> int:
    return sum(cell[:1] == "'" and cell[1:].startswith(FORMULA_TRIGGERS) for cell in csv_cells(data))


def live_in_xlsx(data: bytes) -> list[str]:
    """Formula cells, and text cells a spreadsheet would turn into a formula when edited (no quote prefix)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert parts and not [n for n in parts if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]
    book = load_workbook(io.BytesIO(data))
    live = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    live.append(str(cell.value))
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS) and not cell.quotePrefix:
                    live.append(cell.value)
    return live


def defused_in_xlsx(data: bytes) -> int:
    book = load_workbook(io.BytesIO(data))
    return sum(
        isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS) and cell.quotePrefix
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    )


def _check(name: str, data: bytes) -> None:
    if name.endswith(".xlsx"):
        assert live_in_xlsx(data) == [], name
        assert defused_in_xlsx(data) > 0, f"{name} holds none of the formula text: the test proves nothing"
    else:
        assert live_in_csv(data) == [], name
        assert defused_in_csv(data) > 0, f"{name} holds none of the formula text: the test proves nothing"


# ---- what the product writes


def _cli_outputs(formula_data: Path, tmp_path: Path, capsys) -> dict[str, bytes]:
    data = ["--data", str(formula_data)]
    printed = {
        "gaps.csv": ["gaps", "--format", "csv"],
        "duplicates.csv": ["duplicates", "--format", "csv"],
        "rank-consensus.csv": ["rank", "--by", "consensus", "--format", "csv"],
        "rank-degree.csv": ["rank", "--by", "degree", "--format", "csv"],
        "rank-betweenness.csv": ["rank", "--by", "betweenness", "--format", "csv"],
        "matrix-coverage.csv": ["matrix", "coverage", "--format", "csv"],
        "matrix-barriers.csv": ["matrix", "barriers", "--format", "csv"],
        "gap-map.csv": ["gap-map", "--format", "csv"],
        "path.csv": ["path", "strand:event-coventry", "organisation:social-work-england", "--format", "csv"],
        "neighbours.csv": ["neighbours", "topic:trauma", "--depth", "2", "--format", "csv"],
        **{
            f"overlaps-{kind}.csv": ["overlaps", "--type", kind, "--min-shared", "1", "--format", "csv"]
            for kind in ("initiative", "strand", "stakeholder", "topic")
        },
    }
    found = {}
    for name, argv in printed.items():
        assert main([*argv, *data]) == 0, name
        found[name] = capsys.readouterr().out.encode("utf-8")
    written = {
        "gap-map.xlsx": ["gap-map", "--format", "xlsx"],
        "export.xlsx": ["export", "--format", "xlsx"],
        "export-nodes.csv": ["export", "--format", "csv", "--table", "nodes"],
        "export-edges.csv": ["export", "--format", "csv", "--table", "edges"],
        "export.zip": ["export", "--format", "csv"],
    }
    for name, argv in written.items():
        path = tmp_path / name
        assert main([*argv, *data, "-o", str(path)]) == 0, name
        capsys.readouterr()
        if name.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                found.update({f"export.zip/{member}": archive.read(member) for member in archive.namelist()})
        else:
            found[name] = path.read_bytes()
    return found


def _app_outputs(formula_data: Path, tmp_path: Path, monkeypatch) -> dict[str, bytes]:
    """What the app's downloads hand over: the Export menu, the gap map, the Table tab."""
    import streamlit as st

    from ui import data

    monkeypatch.setenv("KG_DATA_DIR", str(formula_data))
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    st.cache_resource.clear()
    handle = data.handle()
    graph = data.load(handle)
    exports = {f"Export menu csv{part}": body for part, body in export_files(graph, "csv").items()}
    exports["Export menu xlsx.xlsx"] = export_files(graph, "xlsx")[""]
    gap_map = data.gap_map_files(handle)
    visible = [e for e in graph.edges(keys=True)]
    links = [
        {k: v for k, v in row.items() if k not in ("source_id", "target_id")} for row in edge_table(graph, visible)
    ]
    st.cache_resource.clear()
    return {
        **exports,
        "Gap map.csv": gap_map["csv"],
        "Gap map.xlsx": gap_map["xlsx"],
        "Table tab nodes.csv": table_csv(node_table(graph, list(graph.nodes))),
        "Table tab links.csv": table_csv(links),
    }


def test_no_csv_or_workbook_the_command_line_writes_holds_a_live_formula(formula_data, tmp_path, capsys):
    outputs = _cli_outputs(formula_data, tmp_path, capsys)
    assert len(outputs) == 20
    for name, data in outputs.items():
        _check(name, data)


def test_no_csv_or_workbook_the_app_hands_over_holds_a_live_formula(formula_data, tmp_path, monkeypatch):
    outputs = _app_outputs(formula_data, tmp_path, monkeypatch)
    for name, data in outputs.items():
        _check(name, data)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_what_was_exported_with_formula_text_imports_back_unchanged(formula_data, fmt):
    dataset = load_dataset(formula_data)
    graph = build_graph(dataset)
    if fmt == "csv":
        files = {"nodes.csv": export_files(graph, "csv")["-nodes"], "edges.csv": export_files(graph, "csv")["-edges"]}
    else:
        files = {"knowledge-graph.xlsx": export_files(graph, "xlsx")[""]}
    for name, body in files.items():
        plan = plan_merge(dataset, parse_import(body, name))
        assert plan.ok and not plan.has_changes, (name, plan.summary(), plan.problems[:3])


def test_the_zip_of_the_csv_export_reads_back_too(formula_data):
    dataset = load_dataset(formula_data)
    with zipfile.ZipFile(io.BytesIO(csv_zip(build_graph(dataset)))) as archive:
        nodes = archive.read("nodes.csv")
    assert "'=HYPERLINK" in nodes.decode("utf-8-sig")
    assert not plan_merge(dataset, parse_import(nodes, "nodes.csv")).has_changes
