"""Overlaps: Jaccard of neighbourhoods, found through the inverted index."""

import networkx as nx
import pytest

from graph.analysis import overlaps as overlaps_module
from graph.analysis.overlaps import overlaps


def _pairs(result):
    return [(o["a"]["id"], o["b"]["id"], o["score"]) for o in result]


def test_score_is_the_jaccard_of_what_they_raised(make):
    # s1 -> t1, t2, t3 ; s2 -> t2, t3, t4   shared {t2, t3} of {t1..t4}
    m = make()
    for t in ("t1", "t2", "t3"):
        m.edge("strand:s1", "raised", f"topic:{t}")
    for t in ("t2", "t3", "t4"):
        m.edge("strand:s2", "raised", f"topic:{t}")
    (pair,) = overlaps(m.graph(), "strand")
    assert (pair["a"]["id"], pair["b"]["id"], pair["score"]) == ("strand:s1", "strand:s2", 0.5)
    assert [n["id"] for n in pair["shared"]] == ["topic:t2", "topic:t3"]
    assert pair["reason"] == "Both raised 2 of the same topics: t2, t3"


def test_pairs_that_share_nothing_are_not_listed(make):
    # s1 -> t1 ; s2 -> t2
    g = make().edge("strand:s1", "raised", "topic:t1").edge("strand:s2", "raised", "topic:t2").graph()
    assert overlaps(g, "strand") == []


def test_ties_go_to_more_shared_then_to_ids(make):
    # a,b share 1 of 2 (0.5); c,d share 2 of 4 (0.5); e,f share 1 of 2 (0.5)
    m = make()
    m.edge("strand:a", "raised", "topic:x").edge("strand:b", "raised", "topic:x")
    m.edge("strand:a", "raised", "topic:ya").edge("strand:b", "held_in", "place:yb")
    for t in ("p", "q", "r"):
        m.edge("strand:c", "raised", f"topic:{t}")
    for t in ("p", "q", "s"):
        m.edge("strand:d", "raised", f"topic:{t}")
    m.edge("strand:e", "raised", "topic:z").edge("strand:f", "raised", "topic:z")
    m.edge("strand:e", "raised", "topic:ze").edge("strand:f", "raised", "topic:zf")
    result = _pairs(overlaps(m.graph(), "strand"))
    # a/b: shared {x} of {x, ya, yb} = 1/3; e/f: 1/3; c/d: 2/4
    assert result == [
        ("strand:c", "strand:d", 0.5),
        ("strand:a", "strand:b", 0.3333),
        ("strand:e", "strand:f", 0.3333),
    ]


def test_relations_restrict_the_neighbourhoods(make):
    # s1 -raised-> t <-raised- s2 ; s1 -held_in-> p ; s2 -held_in-> q
    m = make().edge("strand:s1", "raised", "topic:t").edge("strand:s2", "raised", "topic:t")
    g = m.edge("strand:s1", "held_in", "place:p").edge("strand:s2", "held_in", "place:q").graph()
    assert _pairs(overlaps(g, "strand")) == [("strand:s1", "strand:s2", 0.3333)]
    assert _pairs(overlaps(g, "strand", relations=["raised"])) == [("strand:s1", "strand:s2", 1.0)]
    assert overlaps(g, "strand", relations=["held_in"]) == []


def test_edges_in_both_directions_count_and_the_reason_says_which_way(make):
    # s -raised-> t1, t2 ; t1, t2 -in_theme-> h
    m = make().edge("strand:s", "raised", "topic:t1").edge("strand:s", "raised", "topic:t2")
    g = m.edge("topic:t1", "in_theme", "theme:h").edge("topic:t2", "in_theme", "theme:h").graph()
    (pair,) = overlaps(g, "topic")
    assert pair["score"] == 1.0
    assert pair["reason"] == "Both are in the same theme: h; The same strand raised both: s"


def test_min_shared_and_limit(make):
    # s1, s2 share t1, t2 ; s3 shares t1 with both
    m = make()
    for s in ("s1", "s2"):
        m.edge(f"strand:{s}", "raised", "topic:t1").edge(f"strand:{s}", "raised", "topic:t2")
    g = m.edge("strand:s3", "raised", "topic:t1").graph()
    assert len(overlaps(g, "strand")) == 3
    assert _pairs(overlaps(g, "strand", min_shared=2)) == [("strand:s1", "strand:s2", 1.0)]
    assert _pairs(overlaps(g, "strand", limit=1)) == [("strand:s1", "strand:s2", 1.0)]
    assert overlaps(g, "strand", limit=0) == []


def test_empty_graph_and_absent_type():
    assert overlaps(nx.MultiDiGraph(), "strand") == []


def test_graph_is_not_changed(appendix):
    before = nx.node_link_data(appendix, edges="edges")
    overlaps(appendix, "topic")
    assert nx.node_link_data(appendix, edges="edges") == before


def test_hubs_beyond_the_budget_are_left_out(make, monkeypatch):
    # hub <- a, b, c, d ; a, b -> x   (hub would make 6 pairs; the budget allows 1)
    m = make()
    for s in "abcd":
        m.edge(f"strand:{s}", "raised", "topic:hub")
    g = m.edge("strand:a", "raised", "topic:x").edge("strand:b", "raised", "topic:x").graph()
    assert len(overlaps(g, "strand")) == 6
    monkeypatch.setattr(overlaps_module, "MAX_CANDIDATE_PAIRS", 1)
    (pair,) = overlaps(g, "strand")
    assert (pair["a"]["id"], pair["b"]["id"], pair["score"]) == ("strand:a", "strand:b", 1.0)
    assert [n["id"] for n in pair["shared"]] == ["topic:x"]


def test_without_a_limit_at_most_max_results_come_back(make, monkeypatch):
    # five strands all raising t: 10 pairs
    m = make()
    for s in "abcde":
        m.edge(f"strand:{s}", "raised", "topic:t")
    monkeypatch.setattr(overlaps_module, "MAX_RESULTS", 4)
    assert len(overlaps(m.graph(), "strand")) == 4
    assert len(overlaps(m.graph(), "strand", limit=7)) == 7


@pytest.mark.parametrize("node_type", ["strand", "topic", "initiative", "barrier"])
def test_results_are_plain_json_data(appendix, node_type):
    import json

    result = overlaps(appendix, node_type)
    assert json.loads(json.dumps(result)) == result
