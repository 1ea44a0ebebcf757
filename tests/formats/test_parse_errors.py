"""A file that cannot be read gets one line naming the real cause and where it is."""

from __future__ import annotations

import io
import zipfile

import pytest

from graph.errors import DataError
from graph.formats import parse_import, to_kumu_xlsx


def _only_problem(data: bytes, name: str):
    with pytest.raises(DataError) as caught:
        parse_import(data, name)
    (problem,) = caught.value.problems
    assert "\n" not in problem.message
    return problem


def test_an_unterminated_csv_quote_is_reported_at_its_row():
    data = b'Label,Type,Refs\nTrauma,topic,4.2\n"Neglect,topic,4.3\nOther,topic,1\n'
    problem = _only_problem(data, "q.csv")
    assert (problem.file, problem.element) == ("q.csv", "row 3")
    assert "opened on line 3 is never closed" in problem.message


def test_a_quoted_value_over_several_lines_counts_its_rows_not_its_lines():
    data = b'Label,Type,Refs\n"Trauma,\nacross lines",topic,4.2\nX,topic,"1\n'
    problem = _only_problem(data, "q.csv")
    assert problem.element == "row 3" and "opened on line 4" in problem.message


def test_a_closed_multiline_quote_still_reads():
    batch = parse_import(b'Label,Type,Refs\n"Trauma,\nacross lines",topic,4.2\n', "q.csv")
    assert batch.nodes[0].data["label"] == "Trauma,\nacross lines"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (
            b'<gexf xmlns="http://www.gexf.net/1.2draft"><graph><nodes/></graph></gexf>',
            "x.graphml",
            "not a GraphML file: its root element is <gexf>, not <graphml>; it looks like GEXF (.gexf)",
        ),
        (b"<html><body>hi</body></html>", "x.graphml", "not a GraphML file: its root element is <html>"),
        (
            b'<graphml><graph edgedefault="directed"><node id="a"/></graph></graphml>',
            "x.graphml",
            "no <graph> in the GraphML namespace",
        ),
        (
            b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed"/></graphml>',
            "x.gexf",
            "not a GEXF file: its root element is <graphml>, not <gexf>; it looks like GraphML (.graphml)",
        ),
    ],
)
def test_a_file_that_is_not_graphml_or_gexf_says_so(data, name, expected):
    problem = _only_problem(data, name)
    assert expected in problem.message
    assert "bytes-like" not in problem.message


def _with_sheet(graph, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(to_kumu_xlsx(graph)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def test_a_doctype_in_a_workbook_sheet_is_refused_in_one_line(graph):
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    problem = _only_problem(_with_sheet(graph, lambda content: xxe + content), "x.xlsx")
    assert problem.message == (
        "part xl/worksheets/sheet1.xml of the workbook has a DOCTYPE, which is refused "
        "(it can pull in other files or expand without limit)"
    )


def test_a_damaged_sheet_is_one_line_too(graph):
    problem = _only_problem(_with_sheet(graph, lambda content: content[: len(content) // 2]), "x.xlsx")
    assert problem.message.startswith(("not an Excel workbook that can be read", "part of the workbook"))
