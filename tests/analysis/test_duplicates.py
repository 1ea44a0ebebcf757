"""Duplicates: similar labels, topics listed twice, identical neighbourhoods."""

import networkx as nx

from graph.analysis import duplicates as duplicates_module
from graph.analysis.duplicates import duplicates


def _found(result, kind=None):
    return [(d["kind"], [n["id"] for n in d["nodes"]], d["score"]) for d in result if kind in (None, d["kind"])]


def test_near_identical_labels_of_one_type(make):
    # organisation "Family Rights Group" ~ organisation "Family Right Group"
    g = make().node("organisation:a", "Family Rights Group").node("organisation:b", "Family Right Group").graph()
    (item,) = duplicates(g)
    assert item["kind"] == "similar_labels"
    assert [n["id"] for n in item["nodes"]] == ["organisation:a", "organisation:b"]
    assert 90 <= item["score"] < 100
    assert "Family Rights Group" in item["reason"] and "Family Right Group" in item["reason"]


def test_case_and_punctuation_do_not_matter_and_types_are_not_mixed(make):
    # organisation "NSPCC" = organisation "nspcc." ; place "Bristol" vs strand "Bristol" are different things
    m = make().node("organisation:a", "NSPCC").node("organisation:b", "nspcc.")
    g = m.node("place:bristol", "Bristol").node("strand:bristol", "Bristol").graph()
    assert _found(duplicates(g)) == [("similar_labels", ["organisation:a", "organisation:b"], 100.0)]


def test_threshold_decides(make):
    # "Event Bristol" vs "Event Brighton": about 81% alike
    g = make().node("strand:a", "Event Bristol").node("strand:b", "Event Brighton").graph()
    assert duplicates(g) == []
    assert _found(duplicates(g, threshold=75)) == [("similar_labels", ["strand:a", "strand:b"], 81.5)]


def test_topics_joined_by_also_listed_as_are_listed_twice(make):
    # topic:sup-org (organisation) --also_listed_as--> topic:sup-sys (system)
    m = make().node("topic:sup-org", "Models of supervision, group supervision", level="organisation")
    m.node("topic:sup-sys", "Models of supervision", level="system")
    g = m.edge("topic:sup-org", "also_listed_as", "topic:sup-sys").graph()
    (item,) = duplicates(g)
    assert (item["kind"], item["score"]) == ("listed_twice", 100.0)
    assert [n["id"] for n in item["nodes"]] == ["topic:sup-org", "topic:sup-sys"]
    assert "organisation" in item["reason"] and "system" in item["reason"]


def test_same_label_at_two_levels_is_listed_twice_not_a_similar_label(make):
    # topic "Poverty" (frontline) and topic "Poverty" (system), no edge between them
    g = make().node("topic:p1", "Poverty", level="frontline").node("topic:p2", "Poverty", level="system").graph()
    assert _found(duplicates(g)) == [("listed_twice", ["topic:p1", "topic:p2"], 100.0)]


def test_same_label_at_the_same_place_is_a_plain_duplicate(make):
    # topic "Poverty" twice, both frontline, both in theme h
    m = make().node("topic:p1", "Poverty", level="frontline").node("topic:p2", "Poverty", level="frontline")
    g = m.edge("topic:p1", "in_theme", "theme:h").edge("topic:p2", "in_theme", "theme:h").graph()
    kinds = _found(duplicates(g))
    assert ("similar_labels", ["topic:p1", "topic:p2"], 100.0) in kinds
    assert not [k for k in kinds if k[0] == "listed_twice"]


def test_different_topics_with_the_same_links_are_not_duplicates(make):
    # coventry -raised-> trauma, neglect ; both -in_theme-> abuse: two topics, not one named twice
    m = make().edge("strand:coventry", "raised", "topic:trauma").edge("strand:coventry", "raised", "topic:neglect")
    g = m.edge("topic:trauma", "in_theme", "theme:abuse").edge("topic:neglect", "in_theme", "theme:abuse").graph()
    assert duplicates(g) == []


def test_bodies_consulted_together_are_not_duplicates(make):
    # vcs -involved-> NSPCC, Action for Children
    g = make().edge("strand:vcs", "involved", "organisation:nspcc").edge(
        "strand:vcs", "involved", "organisation:action-for-children"
    )
    assert duplicates(g.graph()) == []


def test_a_numbered_series_is_not_one_thing_twice(make):
    def series():
        return make().node("initiative:w1", "Pioneer Partners Wave 1").node("initiative:w2", "Pioneer Partners Wave 2")

    assert duplicates(series().graph()) == []
    (twice,) = duplicates(series().node("initiative:w3", "Pioneer Partner Wave 1").graph())
    assert [n["id"] for n in twice["nodes"]] == ["initiative:w1", "initiative:w3"]


def test_unlinked_nodes_with_different_labels_are_not_duplicates(make):
    # two lone topics with different labels
    g = make().node("topic:a", "Fathers").node("topic:b", "Early years").graph()
    assert duplicates(g) == []


def test_kinds_come_in_order(appendix):
    kinds = [d["kind"] for d in duplicates(appendix)]
    assert kinds == sorted(kinds, key=["listed_twice", "similar_labels"].index)
    assert kinds[0] == "listed_twice"


def test_sorted_neighbourhood_blocking_finds_typos(make, monkeypatch):
    # with blocking forced on, typos at the end, at the start and in word order are still found
    m = make()
    labels = {
        "a": "Recruitment retention and resilience",
        "b": "Recruitment retention and resiliance",
        "c": "Teaching partnerships",
        "d": "Xeaching partnerships",
        "e": "Social Work England",
        "f": "England Social Work",
        "g": "Neglect",
    }
    for key, label in labels.items():
        m.node(f"organisation:{key}", label)
    g = m.graph()
    every_pair = _found(duplicates(g, threshold=85))
    monkeypatch.setattr(duplicates_module, "ALL_PAIRS_LABELS", 2)
    monkeypatch.setattr(duplicates_module, "WINDOW", 1)
    assert _found(duplicates(g, threshold=85)) == every_pair
    assert [ids for _, ids, _ in every_pair] == [
        ["organisation:e", "organisation:f"],
        ["organisation:a", "organisation:b"],
        ["organisation:c", "organisation:d"],
    ]


def test_empty_graph():
    assert duplicates(nx.MultiDiGraph()) == []
