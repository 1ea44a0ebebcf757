"""The evidence gap map: topics grouped by level and theme, strands as columns, totals, downloads."""

import csv
import io

import openpyxl

from graph.analysis.gapmap import evidence_gap_map, gap_map_csv, gap_map_table, gap_map_xlsx


def test_topics_are_grouped_by_level_then_theme_in_the_reports_order(appendix):
    groups = evidence_gap_map(appendix)["groups"]
    assert [(g["level"], g["theme"]["label"]) for g in groups] == [
        ("frontline", "Methods"),
        ("organisation", "Staff"),
        ("system", "Supportive system"),
    ]
    assert [r["label"] for r in groups[0]["rows"]] == ["Voice of the child", "Life story work"]


def test_strands_are_the_columns_in_appendix_order(appendix):
    columns = evidence_gap_map(appendix)["columns"]
    # Families has no Appendix 1 column
    assert [c["id"] for c in columns] == ["strand:cyp", "strand:pi", "strand:advisory"]
    assert [c["heading"] for c in columns] == ["CYP panel", "Practice insights", "Advisory group"]


def test_not_priority_is_distinct_from_a_blank_and_never_counts(appendix):
    staff = evidence_gap_map(appendix)["groups"][1]
    supervision, standards = staff["rows"]
    assert supervision["cells"] == {"strand:pi": "✓", "strand:advisory": "Not priority"}
    assert (supervision["count"], supervision["not_priority"]) == (1, 1)
    assert standards["cells"] == {} and standards["count"] == 0  # blank: nobody raised it
    assert staff["totals"] == {"strand:pi": 1}  # strands with no tick are left out


def test_counts_and_totals_per_row_column_and_group(appendix):
    gap_map = evidence_gap_map(appendix)
    # ticks: voice (cyp, pi), life story (pi), supervision org (pi), supervision sys (pi), recruitment (cyp, pi)
    assert gap_map["column_totals"] == {"strand:cyp": 2, "strand:pi": 5, "strand:advisory": 0}
    assert gap_map["column_not_priority"] == {"strand:cyp": 0, "strand:pi": 0, "strand:advisory": 1}
    assert [g["count"] for g in gap_map["groups"]] == [3, 1, 3]
    assert (gap_map["total"], gap_map["topics"]) == (7, 6)
    voice = gap_map["groups"][0]["rows"][0]
    assert voice["cells"]["strand:pi"] == "✓ (Families)" and voice["count"] == 2


def test_the_table_has_a_total_row_per_group_and_a_grand_total(appendix):
    table = gap_map_table(evidence_gap_map(appendix))
    assert table[0] == ["Level", "Theme", "Topic", "CYP panel", "Practice insights", "Advisory group",
                        "Strands raising it", "Not priority"]  # fmt: skip
    assert table[3] == ["Frontline", "Methods", "Total (2 topics)", 1, 2, 0, 3, 0]
    assert table[-1] == ["All levels", "", "Total (6 topics)", 2, 5, 0, 7, 1]


def test_csv_download_reads_back_in_a_spreadsheet_reader(appendix):
    data = gap_map_csv(evidence_gap_map(appendix))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][:4] == ["Frontline", "Methods", "Voice of the child", "✓"]
    assert rows[1][4] == "✓ (Families)"
    assert rows[4][5] == "Not priority"


def test_xlsx_download_opens_with_the_same_cells(appendix):
    gap_map = evidence_gap_map(appendix)
    sheet = openpyxl.load_workbook(io.BytesIO(gap_map_xlsx(gap_map))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [[v if v != "" else None for v in row] for row in gap_map_table(gap_map)]
    assert sheet["F5"].value == "Not priority" and sheet["F5"].font.italic
    assert sheet.freeze_panes == "D2"


def test_labels_that_look_like_formulas_stay_text(make):
    # a topic whose label starts with "=" : a spreadsheet must not run it
    m = make().node("strand:s", "Panel", appendix_column=1).node("topic:t", '=HYPERLINK("x")', level="frontline")
    gap_map = evidence_gap_map(m.edge("strand:s", "raised", "topic:t").graph())
    sheet = openpyxl.load_workbook(io.BytesIO(gap_map_xlsx(gap_map))).active
    assert sheet["C2"].value == '=HYPERLINK("x")' and sheet["C2"].data_type == "s"
    assert "'=HYPERLINK" in gap_map_csv(gap_map).decode("utf-8-sig")


def test_on_the_report_the_map_holds_appendix_1(report_graph):
    gap_map = evidence_gap_map(report_graph)
    assert (gap_map["topics"], gap_map["total"]) == (79, 138)
    assert len(gap_map["groups"]) == 12
    assert [c["heading"] for c in gap_map["columns"]] == [
        "CYP panel", "Practice insights", "Bristol", "Coventry", "Leeds", "London",
        "Advisory group", "Practitioner panel", "Key stakeholders",
    ]  # fmt: skip
    assert sum(gap_map["column_not_priority"].values()) == 1
