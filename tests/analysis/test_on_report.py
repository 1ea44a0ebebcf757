"""The analyses on the report's own graph agree with what the report makes plain."""

from graph.analysis.briefing import briefing_markdown
from graph.analysis.communities import communities
from graph.analysis.duplicates import duplicates
from graph.analysis.gaps import gaps, missing_voices, unaddressed_barriers, unraised_topics
from graph.analysis.metrics import barrier_matrix, consensus, coverage_matrix
from graph.analysis.paths import shortest_paths
from graph.analysis.search import resolve_node

APPENDIX_COLUMNS = [
    "strand:cyp-panel",
    "strand:practice-insights",
    "strand:event-bristol",
    "strand:event-coventry",
    "strand:event-leeds",
    "strand:event-london",
    "strand:advisory-group",
    "strand:practitioner-panel",
    "strand:key-stakeholders",
]


def test_topics_without_a_tick_are_exactly_the_two_empty_rows(report_graph):
    # Appendix 1: "Standards of evidence" (organisation) and "Preventing entry to care" (system) have no ticks
    assert sorted(item["id"] for item in unraised_topics(report_graph)) == [
        "topic:preventing-entry-to-care",
        "topic:standards-of-evidence",
    ]


def test_advisory_group_did_not_prioritise_models_of_supervision(report_graph):
    row = next(r for r in consensus(report_graph) if r["id"] == "topic:models-of-supervision--organisation")
    assert "strand:advisory-group" not in [s["id"] for s in row["strands"]]
    assert [s["id"] for s in row["strands"]] == [
        "strand:practice-insights",
        "strand:event-bristol",
        "strand:event-london",
        "strand:practitioner-panel",
    ]
    cells = {(c["row"], c["column"]): c["value"] for c in coverage_matrix(report_graph)["cells"]}
    assert cells[("topic:models-of-supervision--organisation", "strand:advisory-group")] == "Not priority"


def test_recruitment_and_outcomes_are_the_most_raised(report_graph):
    top = consensus(report_graph)[:2]
    assert {row["id"] for row in top} == {
        "topic:recruitment-retention-and-resilience",
        "topic:how-to-measure-understand-outcomes-for-cyp-and-f",
    }
    assert [row["count"] for row in top] == [6, 6]


def test_coverage_matrix_has_the_appendix_columns_and_ticks(report_graph):
    matrix = coverage_matrix(report_graph)
    assert [c["id"] for c in matrix["columns"]] == APPENDIX_COLUMNS
    values = [c["value"] for c in matrix["cells"]]
    assert values.count("Not priority") == 1
    assert sum(v.startswith("✓") for v in values) == 138
    cells = {(c["row"], c["column"]): c["value"] for c in matrix["cells"]}
    key = ("topic:effective-communication-with-children-young-people-and", "strand:practice-insights")
    assert cells[key] == "✓ (Families, SWs)"
    assert cells[("topic:recruitment-retention-and-resilience", "strand:cyp-panel")] == "✓ (reduce turnover)"
    assert matrix["rows"][0]["id"] == "topic:interventions-to-improve-parent-child-relationships"


def test_topics_under_two_levels_are_listed_twice(report_graph):
    pairs = {
        tuple(n["id"] for n in item["nodes"]) for item in duplicates(report_graph) if item["kind"] == "listed_twice"
    }
    assert ("topic:models-of-supervision--organisation", "topic:models-of-supervision--system") in pairs
    assert (
        "topic:practice-at-child-in-need-level--frontline",
        "topic:practice-at-child-in-need-level--system",
    ) in pairs


def test_the_organisation_level_was_not_raised_by_children_or_families(report_graph):
    # every organisation-level tick comes from practitioners' strands (Appendix 1, organisation table)
    found = {item["id"]: item for item in missing_voices(report_graph)}
    assert found["level:organisation"]["missing"] == ["children and young people", "families"]
    # the CYP panel ticked frontline topics, and Practice insights ticked some "(Families)"
    assert "level:frontline" not in found


def test_pioneer_partners_address_every_barrier(report_graph):
    # 6.2: Pioneer Partners will test approaches "aiming to address the barriers to use of evidence"
    assert unaddressed_barriers(report_graph) == []
    matrix = barrier_matrix(report_graph)
    assert len(matrix["rows"]) == 5
    ticked = {c["row"] for c in matrix["cells"] if c["column"] == "initiative:pioneer-partners"}
    assert ticked == {row["id"] for row in matrix["rows"]}


def test_a_path_from_a_strand_to_what_it_raised(report_graph):
    found = shortest_paths(report_graph, "Event Coventry", "Trauma", k=1)
    assert found["explanation"] == "Event Coventry and Trauma are 1 step apart.\n1. Event Coventry raised Trauma."


def test_names_resolve_to_the_report_nodes(report_graph):
    assert resolve_node(report_graph, "advisory group") == "strand:advisory-group"
    assert resolve_node(report_graph, "Standards of evidnce") == "topic:standards-of-evidence"


def test_every_gap_cites_the_report(report_graph):
    for kind, items in gaps(report_graph).items():
        for item in items:
            assert item["refs"], f"{kind}: {item['id']} has no reference to the report"


def test_communities_are_stable(report_graph):
    assert communities(report_graph) == communities(report_graph)


def test_briefing_names_the_unraised_topics_with_their_sections(report_graph):
    text = briefing_markdown(report_graph)
    assert (
        "- No strand raised “Standards of evidence” (organisation level, Equipping people to use evidence). (Appendix 1)"
        in text
    )
    assert "No strand raised “Preventing entry to care” (system level, Practice systems)." in text


def test_on_the_report_frontline_and_step_up_are_no_more_than_chance_and_half_outside_knowledge(report_graph):
    from graph.analysis.overlaps import overlaps

    found = overlaps(report_graph, "initiative")
    first = found["pairs"][0]
    assert {first["a"]["id"], first["b"]["id"]} == {"initiative:frontline-programme", "initiative:step-up"}
    assert first["strength"] == "weak" and not first["significant"] and first["p_value"] < 0.05 < first["q_value"]
    assert first["rests_on"] == {"external": 1, "stated": 1}
    assert "Recruitment, retention and resilience (outside the report)" in first["reason"]
    assert found["counts"]["strong"] == found["counts"]["moderate"] == 0
    assert found["summary"].startswith("No pair of initiatives shares more than chance explains")


def test_on_the_report_no_organisations_duplicate_each_other(report_graph):
    from graph.analysis.overlaps import overlaps

    found = overlaps(report_graph, "organisation")
    # the voluntary-sector leaders and the national stakeholders were consulted together: not duplication
    assert found["pairs"] == [] and found["left_out"]["consulted_only"] >= 10
    assert "themes each works on" in found["to_add"]


def test_on_the_report_strands_raising_the_same_popular_topics_is_what_chance_gives(report_graph):
    from graph.analysis.overlaps import agreement

    found = agreement(report_graph)
    pair = next(
        p for p in found["pairs"] if {p["a"]["label"], p["b"]["label"]} == {"Practice insights", "Practitioner panel"}
    )
    assert pair["reason"].startswith("Both raised 7 of the same topics")
    assert not pair["significant"] and pair["expected"] > 6  # two strands raising this much share 7 by chance
    assert not any(p["significant"] for p in found["pairs"])


def test_the_readme_lists_exactly_the_overlaps_that_remain(report_graph):
    import re
    from pathlib import Path

    from graph.analysis.overlaps import overlaps

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What the report supports as overlap", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^- \*\*(.+?) \((strong|moderate|weak)\)\.\*\*", section, re.M))
    found = {
        (f"{pair['a']['label']} and {pair['b']['label']}", pair["strength"])
        for node_type in ("organisation", "initiative")
        for pair in overlaps(report_graph, node_type)["pairs"]
    }
    assert listed == found
    assert ("- **Organisations: no overlap.**" in section) == (not overlaps(report_graph, "organisation")["pairs"])
