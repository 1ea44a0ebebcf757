"""CSV export for Excel, and CSV imports."""

from __future__ import annotations

import csv
import io

import pytest

from graph.errors import DataError
from graph.formats import parse_import, to_csv, to_kumu_xlsx


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_two_tables_with_a_bom_for_excel(graph):
    tables = to_csv(graph)
    assert set(tables) == {"nodes.csv", "edges.csv"}
    nodes = _rows(tables["nodes.csv"])
    assert [row["id"] for row in nodes] == sorted(graph.nodes)
    assert "\r\n" in tables["nodes.csv"]


def test_refs_and_list_attributes_are_joined(graph):
    nodes = {row["id"]: row for row in _rows(to_csv(graph)["nodes.csv"])}
    assert nodes["strand:coventry"]["refs"] == "2.1; Appendix 1"
    assert nodes["topic:trauma"]["tags"] == "practice; trauma"
    assert nodes["message:want"]["count"] == "3"
    assert nodes["strand:coventry"]["description"] == ""


def test_edges_name_both_ends_by_id_and_label(graph):
    edges = _rows(to_csv(graph)["edges.csv"])
    raised = next(row for row in edges if row["relation"] == "raised")
    assert raised["source"] == "strand:coventry" and raised["source_label"] == "Practitioner event, Coventry"
    assert raised["qualifier"] == "Families"
    assert len(edges) == graph.number_of_edges()


@pytest.mark.parametrize(
    ("node_id", "written"),
    [
        ("message:want", "'" + '=HYPERLINK("http://example.invalid","click")'),
        ("organisation:centre", "'+Centre"),
        ("initiative:guide", "'-Practice guide @2024"),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(graph, node_id, written):
    nodes = {row["id"]: row for row in _rows(to_csv(graph)["nodes.csv"])}
    assert nodes[node_id]["label"] == written


def test_unicode_survives(graph):
    nodes = {row["id"]: row for row in _rows(to_csv(graph)["nodes.csv"])}
    assert nodes["place:coventry"]["label"] == graph.nodes["place:coventry"]["label"]


def test_empty_graph_gives_headers_only(empty_graph):
    tables = to_csv(empty_graph)
    assert tables["nodes.csv"] == "\ufeffid,label,type,description,refs\r\n"
    assert _rows(tables["edges.csv"]) == []


def test_import_elements_csv_in_kumu_columns():
    data = "Label,Type,Description,Reference(s),Tags,Level\r\nTrauma,Topic,About trauma,4.2; 4.3,a|b,frontline\r\n"
    batch = parse_import(data.encode(), "topics.csv")
    assert batch.edges == ()
    (row,) = batch.nodes
    assert row.element == "row 2"
    assert row.generated_id
    assert row.data == {
        "label": "Trauma",
        "type": "Topic",
        "description": "About trauma",
        "refs": ["4.2", "4.3"],
        "attributes": {"tags": "a|b", "level": "frontline"},
        "id": "topic:trauma",
    }
    assert row.columns["refs"] == "Reference(s)"


def test_import_connections_csv():
    data = b"From,To,Type,Basis,Refs,Direction\nA,B,raised,stated,4,directed\n"
    (row,) = parse_import(data, "links.csv").edges
    assert row.data == {"source": "A", "target": "B", "relation": "raised", "basis": "stated", "refs": ["4"]}


def test_semicolon_separated_csv_from_a_european_excel():
    batch = parse_import(b"Label;Type;Refs\nTrauma;topic;4\n", "t.csv")
    assert batch.nodes[0].data["label"] == "Trauma"


def test_windows_1252_csv_is_read_with_a_note():
    batch = parse_import("Label,Type,Refs\nCaf\u00e9,topic,4\n".encode("cp1252"), "t.csv")
    assert batch.nodes[0].data["label"] == "Café"
    assert "Windows-1252" in batch.notes[0]


def test_utf16_csv_with_a_bom_is_read():
    batch = parse_import("Label\tType\tRefs\nCafé\ttopic\t4\n".encode("utf-16"), "t.csv")
    assert batch.nodes[0].data["label"] == "Café"


def test_rows_missing_what_they_need_are_located_problems():
    batch = parse_import(b"From,To,Type\n,B,raised\nA,B,raised,extra\n", "links.csv")
    assert [(p.element, p.field, p.message) for p in batch.problems] == [
        ("row 2", "From", "is required"),
        ("row 3", "", "has values in columns without a header"),
    ]
    assert batch.edges == ()


def test_a_header_without_label_or_from_and_to_is_refused():
    with pytest.raises(DataError, match="first row needs a 'Label'"):
        parse_import(b"Name,Kind\nA,b\n", "x.csv")


def test_two_columns_meaning_the_same_field_are_refused():
    with pytest.raises(DataError) as caught:
        parse_import(b"Label,Refs,References\nA,1,2\n", "x.csv")
    assert caught.value.problems[0].field == "References"


def test_binary_junk_named_csv_is_refused():
    with pytest.raises(DataError, match="binary data"):
        parse_import(bytes(range(256)) * 4, "junk.csv")


def test_an_xlsx_named_csv_is_refused_with_a_hint(graph):
    with pytest.raises(DataError, match=r"save it as \.xlsx"):
        parse_import(to_kumu_xlsx(graph), "graph.csv")


def test_a_cell_too_large_for_csv_is_a_located_error():
    data = b'Label,Refs\n"' + b"x" * 200_000 + b'",1\n'
    with pytest.raises(DataError, match="not a readable CSV around line"):
        parse_import(data, "big.csv")
