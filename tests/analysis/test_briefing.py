"""The briefing for a director: the report's story first, every claim cited, nothing cut, no zeros."""

import re

import networkx as nx

from graph.analysis.briefing import MAX_WORDS, briefing, briefing_markdown, cite, escape, words
from graph.picture.briefing_page import briefing_html

_CITED = re.compile(r"\((?:\d[\d.]*|Appendix 1|Cover)(?:; (?:\d[\d.]*|Appendix 1|Cover))*\)$")


def _claims(text: str) -> list[str]:
    """Every line that says something: bullets, paragraphs and quotations (not headings, tables or the note)."""
    return [line for line in text.splitlines() if line.strip() and not line.startswith(("#", "|", "_"))]


def test_the_shipped_briefing_is_short_enough_for_a_director(report_graph):
    text = briefing_markdown(report_graph)
    assert words(text) <= MAX_WORDS


def test_it_leads_with_the_report_story_in_order(report_graph):
    headings = [b["text"] for b in briefing(report_graph) if b["kind"] == "heading" and b["level"] == 2]
    assert headings == [
        "In short",
        "Who was heard",
        "What they want from the Centre",
        "The five barriers to using evidence",
        "Gaps",
        "What the knowledge graph adds",
        "Next steps",
    ]


def test_the_totals_of_who_was_heard_are_there(report_graph):
    text = briefing_markdown(report_graph)
    for said in (
        "Nearly 300 stakeholders across the sector",
        "64 local areas",
        "62 local authorities",
        "850 people",
        "137 frontline practitioners and managers",
        "25 children, young people and family members",
    ):
        assert said in text


def test_at_least_three_quotations_with_who_said_them(report_graph):
    quotes = [b for b in briefing(report_graph) if b["kind"] == "quote"]
    assert len(quotes) >= 3 and all(q["by"] and q["refs"] for q in quotes)
    text = briefing_markdown(report_graph)
    assert "> “Good practice travels with nuance - you cannot simply 'cut and paste' from one place to another”" in text


def test_the_five_barriers_with_the_report_definitions(report_graph):
    (table,) = [b for b in briefing(report_graph) if b["kind"] == "table"]
    assert [row[0] for row in table["rows"]] == ["Existence", "Relevance", "Access", "Interest", "Conditions"]
    assert table["rows"][0][1] == "There is a lack of evidence to support many areas of practice."


def test_the_gaps_name_the_wave_1_topic_no_strand_raised(report_graph):
    text = briefing_markdown(report_graph)
    assert "No strand raised “Preventing entry to care”" in text
    assert "“Safely preventing children from entering care”" in text


def test_the_next_steps_of_section_7(report_graph):
    text = briefing_markdown(report_graph).split("## Next steps", 1)[1]
    assert "Continue to engage with the sector in the next phase of development (July 2018 to March 2019). (7)" in text
    assert "- Work with the selected partner sites. (7)" in text
    assert "- An ongoing programme of visits and meetings. (7)" in text


def test_duplication_is_said_with_its_test_and_what_rests_outside_the_report(report_graph):
    text = briefing_markdown(report_graph)
    assert "none shares more than chance explains on what the report states" in text
    assert "Frontline and Step Up" in text and "comes from outside the report" in text


def test_every_claim_cites_the_report(report_graph):
    for line in _claims(briefing_markdown(report_graph)):
        assert _CITED.search(line.rstrip()), line


def test_no_cut_text_no_zero_counts_no_graph_jargon(report_graph):
    text = briefing_markdown(report_graph)
    assert "…" not in text and "..." not in text
    assert not re.search(r"(?<![\d.])0 (?!\d)", text)
    assert not re.search(r"\b(nodes?|edges?|degree|centrality|modularity|bipartite)\b", text, re.I)
    # every topic it names is whole: its label as the report prints it
    for label in re.findall(r"“([^”]+)”", text):
        assert not label.endswith(("…", "...")), label


def test_the_web_page_to_print_says_the_same_and_runs_nothing(report_graph):
    page = briefing_html(report_graph)
    assert page.startswith("<!DOCTYPE html>") and "@page" in page
    assert "<script" not in page and "src=" not in page and "href=" not in page  # nothing runs, nothing fetched
    assert "<th scope='col'>Barrier</th>" in page and page.count("<blockquote>") >= 3
    assert "Nearly 300 stakeholders across the sector" in page


def test_text_from_the_data_is_escaped(make):
    g = make().node("quote:q", "<img src=x onerror=alert(1)> | *bold*", attribution="A | B", refs=["1"]).graph()
    assert "> “<img" not in briefing_markdown(g)
    assert "<img" not in briefing_html(g) and "&lt;img" in briefing_html(g)


def test_an_empty_graph_gives_a_short_honest_briefing():
    text = briefing_markdown(nx.MultiDiGraph())
    assert text.startswith("# What the sector told the What Works Centre")
    assert not re.search(r"(?<![\d.])0 (?!\d)", text)


def test_cite_and_escape():
    assert cite(["Appendix 1 / Frontline", "3.3", "3.10", "3.3"]) == "(3.3; 3.10; Appendix 1)"
    assert escape("a | b *c*") == "a \\| b \\*c\\*"
