"""The Markdown briefing: figures, consensus, gaps, overlaps, each line citing the report."""

import re

import networkx as nx

from graph.analysis.briefing import briefing_markdown, cite, escape


def _section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start:end] if line]


def test_headline_figures(appendix):
    text = briefing_markdown(appendix)
    figures = _section(text, "## Headline figures")
    assert figures[1] == "- **4** strands of engagement, 3 of them columns of Appendix 1. (2; 5; Appendix 1)"
    assert figures[2].startswith("- **6** topics in **3** themes (frontline 2, organisation 2, system 2); 7 ticks")
    assert "1 'Not priority'" in figures[2]
    assert (
        figures[3]
        == "- **2** barriers to evidence-informed change, 1 of them addressed by something in the graph. (6.1)"
    )


def test_consensus_table(appendix):
    table = _section(briefing_markdown(appendix), "## Topics most strands raised")
    assert table[0] == "| Topic | Level | Theme | Strands | Raised by | Report |"
    assert table[2] == (
        "| Recruitment, retention and resilience | System | Supportive system | 2 "
        "| CYP panel (reduce turnover), Practice insights | (Appendix 1) |"
    )
    assert len(table) == 2 + 5  # the five topics with a tick; Standards of evidence has none


def test_gaps_by_kind_with_references(appendix):
    text = briefing_markdown(appendix)
    assert _section(text, "### Topics no strand raised (1)") == [
        "_1 topic has no tick in Appendix 1. This is what the report prints, not missing data. "
        "To fill: Nothing to add from the report. Ask the room whether these matter._",
        "- **Standards of evidence** (organisation; Staff): No strand raised it (no tick in Appendix 1). (Appendix 1)",
    ]
    assert _section(text, "### Barriers nothing addresses (1)")[1:] == [
        "- **Interest**: No message, initiative, organisation or stage of the evidence cycle addresses it. (6.1)"
    ]


def test_top_limits_every_list(appendix):
    text = briefing_markdown(appendix, top=1)
    table = _section(text, "## Topics most strands raised")
    assert len(table) == 2 + 1
    unaddressed = next(line for line in text.splitlines() if line.startswith("### Topics raised that no"))
    assert _section(text, unaddressed)[-1].startswith("- … and ")


def test_strands_that_raised_the_same_topics_are_agreement(appendix):
    lines = _section(briefing_markdown(appendix), "### Agreement: strands that raised the same topics")
    assert lines[1] == (
        "- **CYP panel** and **Practice insights** (moderate): Both raised 2 of the same topics: "
        "Recruitment, retention and resilience, Voice of the child. Only Practice insights: Life story work, "
        "Models of supervision. (Appendix 1)"
    )


def test_no_strong_duplication_is_said_with_what_to_add(appendix):
    lines = _section(briefing_markdown(appendix), "### Possible duplication: organisations doing the same work")
    assert lines[0].startswith("No strong overlap between organisations (0 strong, 0 moderate, 0 weak).")
    assert lines[1].startswith("_To find duplication, add what each of these organisations does")


def test_labels_cannot_break_tables_or_lists(make):
    # a topic whose label holds markdown: | * [ ] < >
    m = make().node("strand:s", "Event *Leeds*").node("topic:t", "Trauma | abuse [<b>x</b>]", level="frontline")
    text = briefing_markdown(m.edge("strand:s", "raised", "topic:t").graph())
    row = _section(text, "## Topics most strands raised")[2]
    assert row.startswith("| Trauma \\| abuse \\[\\<b\\>x\\</b\\>\\] | Frontline |")
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six columns, whatever the label
    assert "Event \\*Leeds\\*" in row


def test_briefing_of_an_empty_graph():
    text = briefing_markdown(nx.MultiDiGraph())
    assert "- **0** things and **0** links in the graph" in text
    assert "No strand raised any topic." in text
    assert "No strong agreement between strands (0 strong, 0 moderate, 0 weak)." in text
    assert text.endswith("\n")


def test_cite_and_escape():
    assert cite(["Appendix 1 / System", "6.1", "2", "Appendix 1 / Frontline"]) == "(2; 6.1; Appendix 1)"
    assert cite([]) == ""
    assert cite(["1", "2", "3", "4", "5"]) == "(1; 2; 3; 4; …)"
    assert escape("A_b *c*\nd") == "A\\_b \\*c\\* d"
