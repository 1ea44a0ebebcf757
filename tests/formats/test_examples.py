"""The files in examples/ import as they are: a workbook shaped as Kumu exports it, and a GEXF 1.3
file shaped as Gephi writes it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from graph.cli.main import main
from graph.data.build import build_graph, load_graph
from graph.data.store import load_dataset, save_dataset
from graph.formats import parse_import, plan_merge
from graph.picture.layout import compute_layout
from graph.picture.render import vis_payload
from tests.conftest import DATA_DIR, ROOT

EXAMPLES = ROOT / "examples"
KUMU = EXAMPLES / "kumu-workbook.xlsx"
GEPHI = EXAMPLES / "gephi-practitioner-events.gexf"


def test_the_kumu_workbook_is_shaped_as_kumu_exports_it():
    calamine = pytest.importorskip("python_calamine", reason="python-calamine is a test dependency")
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(KUMU.read_bytes()))
    assert book.sheet_names == ["Elements", "Connections"]
    assert book.get_sheet_by_name("Elements").to_python()[0] == ["Label", "Type", "Description", "Tags"]
    header = book.get_sheet_by_name("Connections").to_python()[0]
    assert header[:4] == ["From", "To", "Type", "Direction"] and "Refs" not in header and "Basis" not in header


def test_the_kumu_workbook_imports_with_no_problems_and_honest_provenance():
    existing = load_dataset(DATA_DIR)
    plan = plan_merge(existing, parse_import(KUMU.read_bytes(), KUMU.name))
    assert plan.problems == ()
    assert sorted(n.label for n in plan.added_nodes) == ["Children's trust", "Local safeguarding children's board"]
    assert all(n.refs == ["Imported from kumu-workbook.xlsx"] for n in plan.added_nodes)
    assert [(e.relation.value, e.target, e.basis) for e in plan.added_edges] == [
        ("part_of", "organisation:local-areas", "imported"),
        ("part_of", "organisation:local-areas", "imported"),
    ]
    # what was already in the data keeps its refs and basis: the existing link is left alone
    centre_link = "organisation:what-works-centre|coordinates_with|organisation:family-rights-group"
    assert centre_link in {e.key for e in plan.unchanged_edges}
    frg = next(c.after for c in plan.changed_nodes if c.after.id == "organisation:family-rights-group")
    assert frg.attributes["tags"] == ["families", "voluntary sector"]
    assert frg.refs == next(n.refs for n in existing.nodes if n.id == frg.id)


def test_importing_the_kumu_workbook_twice_creates_nothing_new(capsys, tmp_path: Path):
    save_dataset(tmp_path, load_dataset(DATA_DIR))
    assert main(["import", str(KUMU), "--data", str(tmp_path), "--editor", "tester"]) == 0
    first = load_dataset(tmp_path)
    assert main(["import", str(KUMU), "--data", str(tmp_path), "--editor", "tester"]) == 0
    out = capsys.readouterr().out
    assert "nodes: 0 new, 0 changed, 9 unchanged; edges: 0 new, 0 changed, 4 unchanged; 0 problems" in out
    assert "Nothing to change." in out
    assert load_dataset(tmp_path) == first
    assert len(first.nodes) == len(load_dataset(DATA_DIR).nodes) + 2


def test_imported_links_are_drawn_and_described_apart_from_stated_ones(tmp_path: Path):
    merged = plan_merge(load_dataset(DATA_DIR), parse_import(KUMU.read_bytes(), KUMU.name)).merged
    graph = build_graph(merged)
    payload = vis_payload(graph, compute_layout(graph))
    imported = [e for e in payload["edges"] if "Imported from a file" in e["title"]]
    assert len(imported) == 2 and all(e["dashes"] == [1, 4] for e in imported)
    assert all("Stated in the report" not in e["title"] for e in imported)


def test_the_gephi_file_is_gexf_1_3_as_gephi_writes_it():
    text = GEPHI.read_text(encoding="utf-8")
    assert text.startswith(
        "<?xml version='1.0' encoding='UTF-8'?>\n<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\""
    )
    assert "<creator>Gephi 0.10.1</creator>" in text and "xmlns:viz=" in text


def test_the_gephi_file_imports_with_no_problems_and_matches_the_data():
    plan = plan_merge(load_dataset(DATA_DIR), parse_import(GEPHI.read_bytes(), GEPHI.name))
    assert plan.problems == () and not plan.has_changes
    assert len(plan.unchanged_nodes) == 8
    assert sorted(e.relation.value for e in plan.unchanged_edges) == ["held_in"] * 4  # from the label 'was held in'


def test_gephi_lite_reads_the_gephi_file(read_with_node):
    seen = read_with_node("gexf", GEPHI)
    graph = load_graph(DATA_DIR)
    assert {n["key"] for n in seen["nodes"]} <= set(graph.nodes)
    assert all(n["attributes"]["color"].startswith("rgb(") for n in seen["nodes"])
