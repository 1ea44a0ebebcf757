"""Kumu workbook export and xlsx imports."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from graph.data.build import build_graph
from graph.errors import DataError
from graph.formats import batch as limits
from graph.formats import kumu, parse_import, plan_merge, to_kumu_xlsx
from graph.schema import Dataset, Node


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}
    workbook.close()
    return sheets


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_sheets_and_headers_are_what_kumu_imports(graph):
    sheets = _sheets(to_kumu_xlsx(graph))
    assert list(sheets) == ["Elements", "Connections"]
    assert sheets["Elements"][0] == ("ID", "Label", "Type", "Description", "Tags", "Refs", "basis", "count", "external_source", "kind", "level")
    assert sheets["Connections"][0] == (
        "ID", "From", "To", "Type", "Direction", "Description", "Tags", "Basis", "Refs", "Rationale", "external_source", "qualifier",
    )  # fmt: skip
    assert len(sheets["Elements"]) == graph.number_of_nodes() + 1
    assert len(sheets["Connections"]) == graph.number_of_edges() + 1


def test_nodes_sharing_a_label_stay_two_elements_because_kumu_matches_by_id(graph):
    elements = _sheets(to_kumu_xlsx(graph))["Elements"]
    shared = [row for row in elements if row[1] == "Trauma-informed practice"]
    assert sorted(row[0] for row in shared) == ["topic:trauma", "topic:trauma-system"]
    connections = _sheets(to_kumu_xlsx(graph))["Connections"]
    assert ("strand:coventry", "topic:trauma-system") in {(row[1], row[2]) for row in connections[1:]}


def test_connection_rows_read_as_sentences_and_use_kumu_separators(graph):
    connections = _sheets(to_kumu_xlsx(graph))["Connections"]
    row = next(r for r in connections if r[3] == "speaks_to")
    assert row[0] == "message-want--speaks-to--topic-trauma"  # one word to Kumu's search
    assert row[4] == "directed"
    assert row[5].endswith("speaks to Trauma-informed practice")
    assert row[8] == "3.1|3.2"
    elements = {r[0]: r for r in _sheets(to_kumu_xlsx(graph))["Elements"]}
    assert elements["topic:trauma"][4] == (
        "practice|trauma|type: topic|level: frontline|theme: Workforce|strand: Practitioner event, Coventry"
    )
    assert elements["message:want"][6] == "stated"  # where the description comes from
    assert elements["message:want"][7] == 3  # a number stays a number


def test_formula_like_text_is_stored_as_text_never_as_a_formula(graph):
    workbook = openpyxl.load_workbook(io.BytesIO(to_kumu_xlsx(graph)))
    cells = {row[0].value: row[1] for row in workbook["Elements"].iter_rows(min_row=2)}
    label = cells["message:want"]
    assert label.value == graph.nodes["message:want"]["label"]
    assert label.value.startswith("=")
    assert label.data_type == "s" and label.quotePrefix
    assert cells["organisation:centre"].quotePrefix and cells["organisation:centre"].value == "+Centre"
    assert not cells["topic:trauma"].quotePrefix


def test_unicode_and_control_characters(graph):
    elements = {r[0]: r for r in _sheets(to_kumu_xlsx(graph))["Elements"]}
    assert elements["place:coventry"][1] == graph.nodes["place:coventry"]["label"]
    G = build_graph(Dataset((Node(id="topic:x", type="topic", label="bell\x07here", refs=["1"]),), ()))
    assert _sheets(to_kumu_xlsx(G))["Elements"][1][1] == "bell\ufffdhere"


def test_the_same_graph_gives_the_same_bytes(graph):
    assert to_kumu_xlsx(graph) == to_kumu_xlsx(graph)


def test_empty_graph_has_both_sheets_with_headers(empty_graph):
    sheets = _sheets(to_kumu_xlsx(empty_graph))
    assert sheets["Elements"] == [("ID", "Label", "Type", "Description", "Tags", "Refs")]
    assert len(sheets["Connections"]) == 1


def test_import_reads_every_sheet_by_its_header_and_skips_ignored_ones():
    data = _workbook(
        {
            "People": [
                ["Label", "Type", "Refs"],
                ["Trauma", "topic", "4"],
                [None, None, None],
                ["Neglect", "topic", 4.5],
            ],
            "Links": [["From", "To", "Type", "Basis", "Refs"], ["A", "Trauma", "raised", "stated", "4"]],
            "Notes (ignore)": [["Label"], ["not read"]],
            "Other": [["Whatever"], ["x"]],
        }
    )
    batch = parse_import(data, "centre.xlsx")
    assert [(row.element, row.data["label"]) for row in batch.nodes] == [
        ("People row 2", "Trauma"),
        ("People row 4", "Neglect"),
    ]
    assert batch.nodes[1].data["refs"] == ["4.5"]
    assert batch.edges[0].element == "Links row 2"
    assert any("Other" in note for note in batch.notes)


def test_import_reads_values_not_formulas_and_reports_error_cells():
    data = _workbook(
        {"Elements": [["Label", "Type", "Refs", "score"], ["A", "topic", "1", "=1/0"], ["B", "topic", "1", "#REF!"]]}
    )
    batch = parse_import(data, "x.xlsx")
    assert "attributes" not in batch.nodes[0].data  # a formula never computed has no value
    assert [(p.element, p.field) for p in batch.problems] == [("Elements row 3", "score")]


def test_a_workbook_without_a_usable_sheet_is_refused():
    with pytest.raises(DataError, match="no sheet has 'Label'"):
        parse_import(_workbook({"Sheet": [["Name"], ["x"]]}), "x.xlsx")


def test_truncated_workbook_is_refused(graph):
    data = to_kumu_xlsx(graph)
    with pytest.raises(DataError, match=r"not an \.xlsx workbook"):
        parse_import(data[: len(data) // 2], "cut.xlsx")


def test_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(DataError, match=r"no xl/workbook\.xml"):
        parse_import(out.getvalue(), "x.xlsx")


def test_zip_bomb_is_refused_from_its_declared_sizes_before_opening(monkeypatch):
    monkeypatch.setattr(kumu, "MAX_XLSX_UNPACKED_BYTES", 1_000_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"\0" * 2_000_000)
    assert len(out.getvalue()) < 10_000
    with pytest.raises(DataError, match="unpacks to 2,000,000 bytes; the limit is 1,000,000"):
        parse_import(out.getvalue(), "bomb.xlsx")


def test_zip_with_too_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index in range(limits.MAX_XLSX_ENTRIES + 1):
            archive.writestr(f"part{index}.xml", b"")
    with pytest.raises(DataError, match=f"the limit is {limits.MAX_XLSX_ENTRIES}"):
        parse_import(out.getvalue(), "many.xlsx")


def test_old_xls_or_encrypted_workbook_gets_a_hint():
    with pytest.raises(DataError, match=r"save it as \.xlsx"):
        parse_import(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xlsx")


def test_a_sheet_with_data_far_below_a_gap_is_refused_past_the_row_limit(monkeypatch):
    monkeypatch.setattr(kumu, "MAX_SHEET_ROWS", 500)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Elements"
    sheet.append(["Label", "Type", "Refs"])
    sheet.append(["Trauma", "topic", "4"])
    sheet.cell(5000, 1).value = "Far away"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(DataError, match="more than 500 rows"):
        parse_import(out.getvalue(), "gap.xlsx")


def test_data_after_a_long_blank_gap_is_still_read():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Label", "Type", "Refs"])
    sheet.append(["Trauma", "topic", "4"])
    sheet.append(["Neglect", "topic", "4"])
    sheet.move_range("A3:C3", rows=3000)
    out = io.BytesIO()
    workbook.save(out)
    batch = parse_import(out.getvalue(), "gap.xlsx")
    assert [(row.element, row.data["label"]) for row in batch.nodes] == [
        ("Sheet row 2", "Trauma"),
        ("Sheet row 3003", "Neglect"),
    ]


def test_connection_ids_hold_only_letters_digits_and_hyphens_and_are_unique(graph):
    ids = [row[0] for row in _sheets(to_kumu_xlsx(graph))["Connections"][1:]]
    assert len(set(ids)) == len(ids) == graph.number_of_edges()
    assert all(re.fullmatch(r"[a-z0-9-]+", connection_id) for connection_id in ids)


def test_tags_carry_type_level_theme_and_strand_and_come_back_as_the_nodes_own(graph, dataset):
    elements = {r[0]: r for r in _sheets(to_kumu_xlsx(graph))["Elements"]}
    assert elements["strand:coventry"][4] == "type: strand|strand: Practitioner event, Coventry"
    assert elements["theme:workforce"][4] == "type: theme|theme: Workforce"
    batch = parse_import(to_kumu_xlsx(graph), "kg.xlsx")
    tags = {row.data["id"]: row.data.get("attributes", {}).get("tags") for row in batch.nodes}
    assert tags["topic:trauma"] == "practice|trauma" and tags["theme:workforce"] is None
    plan = plan_merge(dataset, batch)
    assert plan.problems == () and not plan.has_changes


# ---- every row, said how many, in bounded memory


def _understated(rows: int, declared: str = "A1:C2") -> bytes:
    """A workbook of ``rows`` topics whose sheet's <dimension> claims only ``declared`` (some writers do this)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Elements"
    sheet.append(["Label", "Type", "Refs"])
    for number in range(rows):
        sheet.append([f"Kinship topic {number}", "topic", "Workshop 12 March"])
    out = io.BytesIO()
    workbook.save(out)
    source, fixed = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                part, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), part)
                assert count == 1
            target.writestr(name, part)
    return fixed.getvalue()


UNDERSTATED = _understated(30)


def test_a_workbook_whose_dimension_understates_its_rows_is_read_to_the_last_row():
    assert b'<dimension ref="A1:C2"' in zipfile.ZipFile(io.BytesIO(UNDERSTATED)).read("xl/worksheets/sheet1.xml")
    batch = parse_import(UNDERSTATED, "understated.xlsx")
    assert [row.data["label"] for row in batch.nodes] == [f"Kinship topic {n}" for n in range(30)]
    assert batch.rows_read == (("sheet Elements", 30),)


def test_the_preview_says_how_many_rows_were_read_from_each_sheet():
    data = _workbook(
        {
            "Elements": [
                ["Label", "Type", "Refs"],
                ["Trauma", "topic", "4"],
                [None, None, None],
                ["Neglect", "topic", "4"],
            ],
            "Connections": [["From", "To", "Type", "Refs"], ["Neglect", "Trauma", "mentions", "4"]],
            "Notes (ignore)": [["Label"], ["not read"]],
        }
    )
    plan = plan_merge(Dataset((), ()), parse_import(data, "two-sheets.xlsx"))
    assert plan.rows_read_summary() == "Rows read: 2 from sheet Elements, 1 from sheet Connections."


def _one_cell_of(size: int) -> bytes:
    """A workbook with one text cell of ``size`` characters (openpyxl itself cuts a cell to Excel's limit)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Label", "Type"])
    workbook.active.append(["PLACEHOLDER", "topic"])
    plain = io.BytesIO()
    workbook.save(plain)
    source, out = zipfile.ZipFile(io.BytesIO(plain.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name).replace(b"PLACEHOLDER", b"x" * size))
    return out.getvalue()


def test_a_cell_as_long_as_excel_allows_is_read():
    (row,) = parse_import(_one_cell_of(32_767), "long-cell.xlsx").nodes
    assert len(row.data["label"]) == 32_767


def test_one_huge_cell_is_refused_before_the_workbook_is_parsed(monkeypatch):
    data = _one_cell_of(limits.MAX_XLSX_TEXT_BYTES + 1)

    def parsed(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(kumu, "load_workbook", parsed)
    with pytest.raises(DataError, match=r"holds a text of over 262,136 bytes: more than a cell holds"):
        parse_import(data, "huge-cell.xlsx")


def test_shared_strings_over_their_limit_are_refused_before_the_workbook_is_parsed(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>abc</t></si>" * 200_000 + b"</sst>")
    monkeypatch.setattr(kumu, "MAX_XLSX_SHARED_STRINGS_BYTES", 1_000_000)
    monkeypatch.setattr(kumu, "load_workbook", lambda *a, **k: pytest.fail("the workbook was parsed"))
    with pytest.raises(DataError, match=r"part xl/sharedStrings\.xml .* is read whole; the limit is 1,000,000"):
        parse_import(out.getvalue(), "strings.xlsx")


MEASURE = """
import io, resource, sys, zipfile
from openpyxl import Workbook
from graph.errors import DataError
from graph.formats import parse_import

book = Workbook()
book.active.append(["Label", "Type"])
book.active.append(["PLACEHOLDER", "topic"])
plain = io.BytesIO()
book.save(plain)
source, packed = zipfile.ZipFile(io.BytesIO(plain.getvalue())), io.BytesIO()
with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
    for name in source.namelist():
        target.writestr(name, source.read(name).replace(b"PLACEHOLDER", b"A" * 100_000_000))
del source, plain
data = packed.getvalue()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    parse_import(data, "huge.xlsx")
except DataError as error:
    print(len(data), before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, error.problems[0].message)
"""


def test_a_small_workbook_with_one_huge_cell_is_refused_in_bounded_memory():
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run([sys.executable, "-c", MEASURE], cwd=ROOT, capture_output=True, text=True, check=True)
    size, before, after, message = result.stdout.split(" ", 3)
    assert int(size) < 120_000 and "more than a cell holds" in message
    # Peak resident memory (kB) grew by less than the text itself: nothing held it whole, or copied it.
    assert int(after) - int(before) < 50_000, (before, after)
