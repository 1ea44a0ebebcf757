"""Overlaps: organisations and initiatives that do the same work; strands that agree."""

import json

import networkx as nx
import pytest

from graph.analysis import overlaps as overlaps_module
from graph.analysis.overlaps import agreement, overlaps


def _pairs(result):
    return [(p["a"]["id"], p["b"]["id"]) for p in result["pairs"]]


def _doing(m, doer, *topics, relation="works_on"):
    for topic in topics:
        m.edge(doer, relation, f"topic:{topic}", rationale="test")
    return m


def test_one_shared_thing_is_not_an_overlap_by_default(make):
    # a -works_on-> t <-works_on- b
    g = _doing(_doing(make(), "organisation:a", "t"), "organisation:b", "t").graph()
    result = overlaps(g, "organisation")
    assert result["pairs"] == []
    assert result["left_out"]["fewer_shared"] == 1
    assert _pairs(overlaps(g, "organisation", min_shared=1)) == [("organisation:a", "organisation:b")]


def test_being_consulted_together_is_not_duplication(make):
    # strand -involved-> a, b   (and nothing else)
    m = make().edge("strand:vcs", "involved", "organisation:a").edge("strand:vcs", "involved", "organisation:b")
    m.edge("strand:events", "involved", "organisation:a").edge("strand:events", "involved", "organisation:b")
    result = overlaps(m.graph(), "organisation", min_shared=1)
    assert result["pairs"] == []
    assert result["left_out"]["consulted_only"] == 1
    assert "1 pair was only consulted by the same strand, which is not duplication" in result["summary"]


def test_sharing_a_hub_scores_below_sharing_specific_things(make):
    # a, b -> hub1, hub2 (each also done by c, d, e, f) ; x, y -> s1, s2 (done by no one else)
    m = make()
    for doer in "abcdef":
        _doing(m, f"initiative:{doer}", "hub1", "hub2")
    _doing(m, "initiative:x", "s1", "s2")
    _doing(m, "initiative:y", "s1", "s2")
    result = overlaps(m.graph(), "initiative")
    found = {(p["a"]["id"], p["b"]["id"]): p for p in result["pairs"]}
    hub, specific = found[("initiative:a", "initiative:b")], found[("initiative:x", "initiative:y")]
    assert hub["score"] < specific["score"]
    assert (hub["strength"], specific["strength"]) == ("weak", "weak")  # inferred links: never moderate
    assert result["pairs"][0] is specific
    assert [s["done_by"] for s in hub["shared"]] == [6, 6]


def test_two_bodies_alone_cannot_be_told_from_chance(make):
    # a, b -stated-> t1, t2, t3 (nobody else): with no other bodies, sharing is what chance gives
    m = make()
    for doer in "ab":
        for t in ("t1", "t2", "t3"):
            m.edge(f"initiative:{doer}", "works_on", f"topic:{t}")
    result = overlaps(m.graph(), "initiative")
    (pair,) = result["pairs"]
    assert (pair["strength"], pair["specific"], pair["significant"]) == ("weak", 3, False)
    assert pair["rests_on"] == {"stated": 3} and pair["p_value"] == 1.0
    assert pair["reason"] == "Both work on 3 of the same topics: t1, t2, t3"
    assert pair["differs"] == "Nothing recorded sets them apart."
    assert result["summary"].startswith("No pair of initiatives shares more than chance explains")


def test_a_pair_resting_on_outside_knowledge_says_so(make):
    # a, b -mentions- topic u (stated) ; a, b -works_on (external)-> t
    m = make()
    for doer in "ab":
        m.edge("topic:u", "mentions", f"initiative:{doer}")
        m.edge(
            f"initiative:{doer}", "works_on", "topic:t", rationale="outside", basis="external", external_source="A page"
        )
    (pair,) = overlaps(m.graph(), "initiative")["pairs"]
    assert pair["strength"] == "weak" and pair["rests_on"] == {"external": 1, "stated": 1}
    assert "t (outside the report)" in pair["reason"]
    assert "1 of the 2 shared things rests on links from outside the report" in pair["caveat"]
    assert {e["mark"] for e in pair["evidence"]} == {"", "(outside the report)"}


def test_what_differs_and_the_evidence_behind_a_finding(make):
    # a -> t1, t2, t9 ; b -> t1, t2 ; a also addresses barrier x
    m = _doing(_doing(make(), "initiative:a", "t1", "t2", "t9"), "initiative:b", "t1", "t2")
    m.edge("initiative:a", "addresses", "barrier:x", refs=["6.1"])
    (pair,) = overlaps(m.graph(), "initiative")["pairs"]
    assert pair["differs"] == "Only a: t9, x."
    assert [e["text"] for e in pair["evidence"]] == [
        "a works on t1",
        "a works on t2",
        "b works on t1",
        "b works on t2",
    ]
    assert {e["basis"] for e in pair["evidence"]} == {"inferred"}
    assert pair["refs"] == ["2"]


def test_being_named_by_the_same_topic_counts_as_what_they_do(make):
    # topic u -mentions-> a, b ; a, b -works_on-> t   (Appendix 1 names Step Up and Frontline)
    m = _doing(_doing(make(), "initiative:a", "t"), "initiative:b", "t")
    m.edge("topic:u", "mentions", "initiative:a").edge("topic:u", "mentions", "initiative:b")
    (pair,) = overlaps(m.graph(), "initiative")["pairs"]
    assert pair["reason"] == "Both work on the same topic: t (inferred); The same topic mentions both: u"


def test_a_topic_listed_twice_is_one_shared_thing(make):
    # a, b -> t-org and t-sys, which are one topic listed twice
    m = _doing(_doing(make(), "initiative:a", "t-org", "t-sys"), "initiative:b", "t-org", "t-sys")
    g = m.edge("topic:t-org", "also_listed_as", "topic:t-sys").graph()
    assert overlaps(g, "initiative")["pairs"] == []


def test_parts_of_one_programme_are_left_out_unless_asked(make):
    # w1, w2 -part_of-> p ; w1, w2 -> t1, t2
    m = _doing(_doing(make(), "initiative:w1", "t1", "t2"), "initiative:w2", "t1", "t2")
    g = m.edge("initiative:w1", "part_of", "initiative:p").edge("initiative:w2", "part_of", "initiative:p").graph()
    result = overlaps(g, "initiative")
    assert result["pairs"] == [] and result["left_out"]["related"] == 1
    (pair,) = overlaps(g, "initiative", include_related=True)["pairs"]
    assert pair["related"] == "Both are part of p"


def test_no_strong_overlap_is_said_with_what_to_add(make):
    g = _doing(_doing(make(), "organisation:a", "t"), "organisation:b", "t").graph()
    result = overlaps(g, "organisation")
    assert result["summary"].startswith("No pair of organisations shares more than chance explains")
    assert " 0 " not in result["summary"]  # no counts of zero
    assert "the topics or" in result["to_add"] and "themes each works on" in result["to_add"]


def test_strands_raising_the_same_topics_are_agreement(make):
    # s1, s2 -raised-> t1, t2
    m = make()
    for strand in ("s1", "s2"):
        m.edge(f"strand:{strand}", "raised", "topic:t1").edge(f"strand:{strand}", "raised", "topic:t2")
    result = agreement(m.graph())
    assert result["kind"] == "agreement"
    assert result["pairs"][0]["reason"] == "Both raised 2 of the same topics: t1, t2"
    assert result["summary"].startswith("0 strong") is False
    with pytest.raises(ValueError):
        agreement(m.graph(), "organisation")


def test_hubs_beyond_the_budget_are_left_out(make, monkeypatch):
    # hub <- a, b, c, d ; a, b -> x, y   (hub would make 6 pairs; the budget allows 2)
    m = make()
    for s in "abcd":
        m.edge(f"strand:{s}", "raised", "topic:hub")
    for t in "xy":
        m.edge("strand:a", "raised", f"topic:{t}").edge("strand:b", "raised", f"topic:{t}")
    g = m.graph()
    assert len(overlaps(g, "strand", min_shared=1)["pairs"]) == 6
    monkeypatch.setattr(overlaps_module, "MAX_CANDIDATE_PAIRS", 2)
    (pair,) = overlaps(g, "strand")["pairs"]
    assert [n["id"] for n in pair["shared"]] == ["topic:x", "topic:y"]


def test_limit_and_max_results(make, monkeypatch):
    m = make()
    for s in "abcde":
        m.edge(f"strand:{s}", "raised", "topic:t").edge(f"strand:{s}", "raised", "topic:u")
    monkeypatch.setattr(overlaps_module, "MAX_RESULTS", 4)
    assert len(overlaps(m.graph(), "strand")["pairs"]) == 4
    assert len(overlaps(m.graph(), "strand", limit=7)["pairs"]) == 7
    assert overlaps(m.graph(), "strand", limit=0)["pairs"] == []


def test_empty_graph_and_absent_type():
    assert overlaps(nx.MultiDiGraph(), "strand")["pairs"] == []


def test_graph_is_not_changed(appendix):
    before = nx.node_link_data(appendix, edges="edges")
    overlaps(appendix, "initiative")
    overlaps(appendix, "topic")
    assert nx.node_link_data(appendix, edges="edges") == before


@pytest.mark.parametrize("node_type", ["strand", "topic", "initiative", "organisation", "barrier"])
def test_results_are_plain_json_data(appendix, node_type):
    result = overlaps(appendix, node_type, min_shared=1)
    assert json.loads(json.dumps(result)) == result
