"""The shipped data, tied back to the report (What Works Centre for Children's Social Care,
stakeholder engagement during the 'gestation phase', October 2017 - June 2018).

tests/fixtures/appendix1.tsv is Appendix 1 of the report as printed (one row per topic,
a column per strand), so the ticks can be checked one by one.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from graph.data.build import build_graph
from graph.data.files import EDGES_FILE, NODES_FILE, SCENES_FILE
from graph.data.store import dump_edges, dump_nodes, dump_scenes, load_dataset, load_scenes
from graph.schema import EdgesFile, NodesFile
from tests.conftest import DATA_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "appendix1.tsv"
SECTIONS = (
    {"Cover", "1", "2", "3", "4", "5", "6", "7", "Appendix 1"}
    | {f"{major}.{minor}" for major, count in ((3, 8), (5, 8), (6, 3)) for minor in range(1, count + 1)}
    | {f"Appendix 1 / {level}" for level in ("Frontline", "Organisation", "System")}
)
COLUMN_STRANDS = {
    "CYP panel": "strand:cyp-panel",
    "Practice insights": "strand:practice-insights",
    "Event Bristol": "strand:event-bristol",
    "Event Coventry": "strand:event-coventry",
    "Event Leeds": "strand:event-leeds",
    "Event London": "strand:event-london",
    "Advisory group": "strand:advisory-group",
    "Practitioner panel": "strand:practitioner-panel",
    "Key stakeholders (inc site visits)": "strand:key-stakeholders",
}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="module")
def graph(dataset):
    return build_graph(dataset)


@pytest.fixture(scope="module")
def appendix():
    with FIXTURE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _clean(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).strip()


def _topic_for(graph, row) -> str:
    matches = [
        n
        for n, d in graph.nodes(data=True)
        if d["type"] == "topic" and d.get("report_text") == _clean(row["category"]) and d.get("level") == row["level"]
    ]
    assert len(matches) == 1, (row["category"], matches)
    return matches[0]


def test_shipped_data_files_are_in_canonical_form(dataset):
    assert (DATA_DIR / NODES_FILE).read_text(encoding="utf-8") == dump_nodes(dataset.nodes)
    assert (DATA_DIR / EDGES_FILE).read_text(encoding="utf-8") == dump_edges(dataset.edges)
    # Scenes too: a scene saved and undone in the app must give back the file byte for byte.
    assert (DATA_DIR / SCENES_FILE).read_text(encoding="utf-8") == dump_scenes(load_scenes(DATA_DIR))


def test_committed_json_schema_matches_the_models():
    for name, model in (("nodes.schema.json", NodesFile), ("edges.schema.json", EdgesFile)):
        committed = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        generated = model.model_json_schema(by_alias=True)
        committed.pop("title")
        generated.pop("title")
        assert committed == generated, f"{name} is stale: run python -m graph schema"


def test_every_node_and_edge_cites_a_section_of_the_report(dataset):
    for item in (*dataset.nodes, *dataset.edges):
        assert item.refs and set(item.refs) <= SECTIONS, item


def test_every_appendix_topic_is_a_node_with_its_level_and_theme(graph, appendix):
    assert Counter(row["level"] for row in appendix) == {"frontline": 53, "organisation": 8, "system": 18}
    for row in appendix:
        topic = _topic_for(graph, row)
        (theme,) = [v for _, v, k in graph.out_edges(topic, keys=True) if k == "in_theme"]
        assert graph.nodes[theme]["report_text"] == row["theme"]
        assert graph.nodes[theme]["level"] == row["level"]


def test_every_tick_is_a_raised_edge_and_nothing_else_is(graph, appendix):
    expected = set()
    for row in appendix:
        topic = _topic_for(graph, row)
        for column, strand in COLUMN_STRANDS.items():
            cell = row[column].strip()
            if cell.startswith("✓"):
                qualifier = cell[1:].strip().strip("()") or None
                expected.add((strand, topic, qualifier))
    raised = {(u, v, d.get("qualifier")) for u, v, k, d in graph.edges(keys=True, data=True) if k == "raised"}
    assert len(expected) == 138
    assert raised == expected


def test_not_priority_is_recorded_but_never_as_raised(graph):
    supervision = "topic:models-of-supervision--organisation"
    assert graph.has_edge("strand:advisory-group", supervision, "not_prioritised")
    assert not graph.has_edge("strand:advisory-group", supervision, "raised")
    assert [k for *_, k in graph.edges(keys=True) if k == "not_prioritised"] == ["not_prioritised"]


def test_qualifiers_are_kept(graph):
    assert (
        graph.edges[
            "strand:practice-insights", "topic:effective-communication-with-children-young-people-and", "raised"
        ]["qualifier"]
        == "Families, SWs"
    )
    assert (
        graph.edges["strand:cyp-panel", "topic:recruitment-retention-and-resilience", "raised"]["qualifier"]
        == "reduce turnover"
    )


def test_topics_listed_twice_are_linked(graph):
    pairs = {(u, v) for u, v, k in graph.edges(keys=True) if k == "also_listed_as"}
    assert {(graph.nodes[u]["level"], graph.nodes[v]["level"]) for u, v in pairs} == {
        ("organisation", "system"),
        ("frontline", "system"),
    }
    assert len(pairs) == 4


def test_unticked_topics_exist_and_have_no_raised_edge(graph):
    for label in ("Standards of evidence", "Preventing entry to care"):
        (topic,) = [n for n, d in graph.nodes(data=True) if d["label"] == label]
        assert not [k for *_, k in graph.in_edges(topic, keys=True) if k == "raised"]


def test_engagement_strands_and_their_counts(graph):
    counts = {n: d.get("count") for n, d in graph.nodes(data=True) if d["type"] in ("strand", "stakeholder")}
    assert counts["strand:cyp-panel"] == 20
    assert counts["strand:practitioner-panel"] == 14
    assert counts["strand:advisory-group"] == 15
    assert counts["strand:practitioner-events"] == 160
    assert counts["strand:online"] == 850
    groups = [
        "children-young-people-families",
        "frontline-practitioners-managers",
        "senior-managers-strategic-leaders",
        "partner-organisation-representatives",
        "national-organisations",
    ]
    assert [counts[f"stakeholder:{g}"] for g in groups] == [25, 137, 54, 33, 39]
    assert sum(counts[f"stakeholder:{g}"] for g in groups) == 288  # "nearly 300 stakeholders"
    events = {u for u, v, k in graph.edges(keys=True) if k == "part_of" and v == "strand:practitioner-events"}
    places = {graph.nodes[v]["label"] for u in events for _, v, k in graph.out_edges(u, keys=True) if k == "held_in"}
    assert places == {"Coventry", "Bristol", "Leeds", "London"}
    assert graph.nodes["organisation:local-areas"]["count"] == 64


def test_five_barriers_and_the_evidence_cycle(graph):
    barriers = {d["label"] for _, d in graph.nodes(data=True) if d["type"] == "barrier"}
    assert barriers == {"Existence", "Relevance", "Access", "Interest", "Conditions"}
    cycle = {
        (graph.nodes[u]["label"], graph.nodes[v]["label"]) for u, v, k in graph.edges(keys=True) if k == "next_stage"
    }
    assert {("Identify", "Generate"), ("Generate", "Share"), ("Share", "Scale")} <= cycle


def test_eight_wants_and_eight_ways_to_make_evidence_useful(graph):
    kinds = Counter((d.get("kind"), d.get("section")[0]) for _, d in graph.nodes(data=True) if d["type"] == "message")
    assert kinds[("want", "3")] == 8 and kinds[("usability", "5")] == 8
    sections = sorted(d["section"] for _, d in graph.nodes(data=True) if d.get("kind") in ("want", "usability"))
    assert sections == [f"3.{i}" for i in range(1, 9)] + [f"5.{i}" for i in range(1, 9)]


def test_named_organisations_and_initiatives_are_present(graph):
    labels = {d["label"] for _, d in graph.nodes(data=True) if d["type"] in ("organisation", "initiative")}
    for name in [
        "NSPCC",
        "Action for Children",
        "The Children's Society",
        "Family Rights Group",
        "ADASS",
        "BASW",
        "LGA",
        "Principal Social Work Network",
        "Children's Improvement Board",
        "Social Work England",
        "Leeds City Council",
        "London Borough of Lambeth",
        "East Sussex County Council",
        "Department for Education",
        "Step Up",
        "Frontline",
        "Teaching partnerships",
        "MASH",
        "Graded Care Profile",
        "Pioneer Partners",
        "Pioneer Partners Wave 1",
    ]:
        assert name in labels, name


def test_pioneer_wave_1_works_on_its_four_topics(graph):
    wave_topics = {
        d["wave_topic"]
        for _, _, k, d in graph.out_edges("initiative:pioneer-wave-1", keys=True, data=True)
        if k == "works_on"
    }
    assert wave_topics == {
        "Safely preventing children from entering care",
        "Supervision and decision making",
        "Workforce wellbeing",
        "'Front door' arrangements",
    }


def test_quotes_have_attribution_and_speak_to_something(graph):
    quotes = [n for n, d in graph.nodes(data=True) if d["type"] == "quote"]
    assert len(quotes) >= 10
    for quote in quotes:
        assert graph.nodes[quote]["attribution"]
        assert any(k == "speaks_to" for *_, k in graph.out_edges(quote, keys=True)), quote


def test_what_the_report_does_not_name_is_described_and_linked_as_outside_knowledge(graph):
    unnamed = [n for n, d in graph.nodes(data=True) if d.get("named_in_report") is False]
    assert sorted(unnamed) == ["initiative:innovation-programme", "organisation:ofsted", "organisation:scie"]
    for n in unnamed:
        assert graph.nodes[n]["basis"] == "external" and graph.nodes[n]["external_source"], n
        for *_, d in (*graph.in_edges(n, data=True), *graph.out_edges(n, data=True)):
            assert d["basis"] in ("external", "inferred") and d["rationale"], n


#: Every link whose rationale rests on knowledge from outside the report (the audit in
#: docs/audit.md). Each must say so: basis 'external', with the public source it comes from.
OUTSIDE_KNOWLEDGE = {
    "initiative:frontline-programme|works_on|topic:recruitment-retention-and-resilience",
    "initiative:step-up|works_on|topic:recruitment-retention-and-resilience",
    "initiative:mash|works_on|topic:effective-multi-agency-working",
    "quote:mash-information-sharing|speaks_to|topic:effective-multi-agency-working",
    "initiative:innovation-programme|contributes_to|stage:generate",
    "message:commitment-coordinate|speaks_to|initiative:innovation-programme",
    "message:commitment-coordinate|speaks_to|organisation:ofsted",
    "message:concern-align-with-national-infrastructure|speaks_to|initiative:innovation-programme",
    "message:concern-align-with-national-infrastructure|speaks_to|organisation:ofsted",
    "organisation:department-for-education|funds|initiative:innovation-programme",
    "organisation:what-works-centre|coordinates_with|initiative:innovation-programme",
    "organisation:what-works-centre|coordinates_with|organisation:ofsted",
    "organisation:what-works-centre|coordinates_with|organisation:scie",
    "stakeholder:directors-of-childrens-services|part_of|stakeholder:senior-managers-strategic-leaders",
}


def test_each_link_resting_on_outside_knowledge_is_marked_external_with_its_source(graph):
    external = {f"{s}|{r}|{t}" for s, t, r, d in graph.edges(keys=True, data=True) if d["basis"] == "external"}
    assert external == OUTSIDE_KNOWLEDGE  # a new outside fact is reviewed here, by name
    for key in OUTSIDE_KNOWLEDGE:
        s, r, t = key.split("|")
        data = graph.edges[s, t, r]
        assert data["external_source"] and data["rationale"], key


def test_no_link_from_the_report_leans_on_outside_facts(graph):
    # The words the old rationales used for outside knowledge: none may stay on a report link.
    tells = ("public fact", "route into", "recruits", "inspects", "stands for", "statutory")
    for s, t, r, d in graph.edges(keys=True, data=True):
        if d["basis"] in ("stated", "inferred") and d.get("rationale"):
            assert not any(tell in d["rationale"].lower() for tell in tells), (s, r, t, d["rationale"])


def test_every_inferred_link_quotes_the_report(graph):
    for s, t, r, d in graph.edges(keys=True, data=True):
        if d["basis"] == "inferred":
            assert '"' in d["rationale"] or "'" in d["rationale"], (s, r, t, d["rationale"])


def test_the_report_totals_are_in_the_data(graph):
    engaged = graph.nodes["stakeholder:stakeholders-engaged"]
    assert engaged["headline"] == "nearly 300 stakeholders across the sector"
    groups = [s for s, _, r in graph.in_edges("stakeholder:stakeholders-engaged", keys=True) if r == "part_of"]
    assert sum(graph.nodes[g]["count"] for g in groups) == 288  # 25 + 137 + 54 + 33 + 39: "nearly 300"
    areas = graph.nodes["organisation:local-areas"]
    assert (areas["count"], areas["local_authorities"]) == (64, 62)


def test_next_steps_concerns_and_points_quote_their_sections(graph):
    kinds = {}
    for n, d in graph.nodes(data=True):
        if d["type"] == "message":
            kinds.setdefault(d["kind"], []).append(n)
    assert len(kinds["next_step"]) == 5 and all(graph.nodes[n]["refs"] == ["7"] for n in kinds["next_step"])
    assert {graph.nodes[n]["refs"][0] for n in kinds["concern"]} == {"3.7", "5.7", "6.1", "6", "6.3"}
    assert {graph.nodes[n]["refs"][0] for n in kinds["point"]} == {"3.1", "3.3"}
    texts = " ".join(graph.nodes[n]["description"] for n in kinds["concern"] + kinds["point"])
    for words in (
        "'take root'",
        "numerous existing sources",
        "past 'what works' initiatives",
        "urban versus rural",
        "austerity",
        "ahead of the published research literature",
    ):
        assert words in texts


def test_the_graph_is_connected(graph):
    import networkx as nx

    assert nx.is_weakly_connected(graph)


def _link(graph, source, relation, target):
    data = graph.get_edge_data(source, target, key=relation)
    assert data is not None, (source, relation, target)
    return data


def test_the_centre_works_across_the_evidence_cycle(graph):
    # 6.1: "The Centre therefore proposes to operate across the cycle ... identify ... generate ... share ... scale"
    for stage in ("identify", "generate", "share", "scale"):
        data = _link(graph, "organisation:what-works-centre", "contributes_to", f"stage:{stage}")
        assert data["basis"] == "stated" and data["refs"] == ["6.1"]
    # 6: "... to establishing the right outcomes framework"
    assert _link(graph, "organisation:what-works-centre", "runs", "initiative:outcomes-framework")["refs"] == ["6"]


def test_pioneer_partners_generate_and_share(graph):
    # 6.2: "develop and test a range of promising approaches to generating and sharing evidence"
    for stage in ("generate", "share"):
        assert _link(graph, "initiative:pioneer-partners", "contributes_to", f"stage:{stage}")["basis"] == "stated"


@pytest.mark.parametrize(
    ("source", "target", "section", "words"),
    [
        ("organisation:what-works-centre", "topic:standards-of-evidence", "5.7", "meets the Centre's standards"),
        ("organisation:what-works-centre", "topic:how-to-promote-a-learning-culture", "6.2", "its own learning"),
        ("organisation:what-works-centre", "topic:how-to-implement-best-practice", "6", "the implementation of new"),
        (
            "organisation:local-areas",
            "topic:how-to-undertake-organisational-change-e-g-turning-round-a",
            "5.2",
            "poor inspection rating",
        ),
        ("organisation:local-areas", "topic:effective-practice-models-and-systems", "3.4", "new practice systems"),
    ],
)
def test_what_bodies_work_on_is_inferred_from_the_report_words(graph, source, target, section, words):
    data = _link(graph, source, "works_on", target)
    assert data["basis"] == "inferred" and section in data["refs"] and words in data["rationale"]


def test_a_scene_that_shows_an_overlap_says_what_the_chance_test_found(graph):
    """A caption the room reads off the projector is a finding: it may not say more than the overlaps
    analysis does. It gives the pair's p and q, says when chance explains the overlap, and says when
    what they share rests on outside knowledge."""
    from graph.analysis.overlaps import overlaps

    shown = [scene for scene in load_scenes(DATA_DIR) if len(scene.view.overlap) == 2]
    assert shown, "the tour has an overlap scene"
    for scene in shown:
        kind = graph.nodes[scene.view.overlap[0]]["type"]
        pair = next(
            p for p in overlaps(graph, kind)["pairs"] if {p["a"]["id"], p["b"]["id"]} == set(scene.view.overlap)
        )
        assert f"p = {pair['p_value']:.3g}, q = {pair['q_value']:.3g}" in scene.caption, scene.caption
        if not pair["significant"]:
            assert "no more than chance" in scene.caption and "not duplication" in scene.caption
        if pair["rests_on"].get("external"):
            assert "outside the report" in scene.caption
