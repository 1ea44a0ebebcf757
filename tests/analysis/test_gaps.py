"""Gaps: unraised and unaddressed topics, unaddressed barriers, missing voices, loose ends, structure."""

import networkx as nx
import pytest

from graph.analysis._common import qualifier_voices, raised_voices
from graph.analysis.communities import communities
from graph.analysis.gaps import (
    gaps,
    missing_voices,
    unaddressed_barriers,
    unaddressed_topics,
    unraised_topics,
)
from graph.analysis.structure import isolated_nodes, structural_gaps


def _ids(items):
    return [item["id"] for item in items]


# --- unraised topics ----------------------------------------------------------------------------


def test_not_priority_is_not_raised(make):
    # advisory -not_prioritised-> supervision ; pi -raised-> recruitment
    m = make().node("strand:advisory", "Advisory group").node("topic:supervision", "Supervision")
    g = (
        m.edge("strand:advisory", "not_prioritised", "topic:supervision")
        .edge("strand:pi", "raised", "topic:recruitment")
        .graph()
    )
    (item,) = unraised_topics(g)
    assert item["id"] == "topic:supervision"
    assert item["not_prioritised_by"] == [{"id": "strand:advisory", "label": "Advisory group"}]
    assert item["reason"] == "No strand raised it (no tick in Appendix 1); Advisory group marked it 'Not priority'."


def test_unraised_topics_in_report_order_with_refs(appendix):
    (item,) = unraised_topics(appendix)
    assert (item["id"], item["level"], item["theme"]) == ("topic:standards", "organisation", "Staff")
    assert item["refs"] == ["Appendix 1 / Organisation"]


def test_unraised_reason_points_to_the_other_listing(make):
    # t-org (no ticks) --also_listed_as--> t-sys <-raised- s
    m = (
        make()
        .node("topic:t-org", "Supervision", level="organisation")
        .node("topic:t-sys", "Supervision", level="system")
    )
    g = m.edge("topic:t-org", "also_listed_as", "topic:t-sys").edge("strand:s", "raised", "topic:t-sys").graph()
    (item,) = unraised_topics(g)
    assert item["id"] == "topic:t-org"
    assert "also listed as 'Supervision' (system), which 1 strand raised" in item["reason"]


# --- unaddressed topics and barriers ------------------------------------------------------------


def test_works_on_the_topic_or_its_theme_addresses_it(make):
    # i -works_on-> t1 ; o -works_on-> h <-in_theme- t2 ; t3 -in_theme-> h3 (nobody) ; m -speaks_to-> t4
    m = make().edge("initiative:i", "works_on", "topic:t1", rationale="r")
    m.edge("organisation:o", "works_on", "theme:h", rationale="r").edge("topic:t2", "in_theme", "theme:h")
    m.edge("topic:t3", "in_theme", "theme:h3")
    g = m.edge("message:m", "speaks_to", "topic:t4", rationale="r").graph()
    assert sorted(_ids(unaddressed_topics(g))) == ["topic:t3", "topic:t4"]


def test_unaddressed_topics_most_raised_first(make):
    # t-a raised by 1 strand, t-b by 2
    m = make().edge("strand:s1", "raised", "topic:t-a").edge("strand:s1", "raised", "topic:t-b")
    g = m.edge("strand:s2", "raised", "topic:t-b").graph()
    items = unaddressed_topics(g)
    assert [(i["id"], i["raised_count"]) for i in items] == [("topic:t-b", 2), ("topic:t-a", 1)]
    assert items[0]["reason"] == "Raised by 2 strands, but no organisation or initiative in the graph works on it."


def test_barriers_nothing_addresses(appendix):
    (item,) = unaddressed_barriers(appendix)
    assert (item["id"], item["refs"]) == ("barrier:interest", ["6.1"])


def test_facing_a_barrier_is_not_addressing_it(make):
    # stakeholders -faces-> b
    g = make().edge("stakeholder:sw", "faces", "barrier:b").graph()
    assert _ids(unaddressed_barriers(g)) == ["barrier:b"]


# --- voices -------------------------------------------------------------------------------------


def test_qualifier_names_the_voice():
    assert qualifier_voices("Families") == ("families",)
    assert qualifier_voices("Families, SWs") == ("families", "practitioners")
    assert qualifier_voices("strategic leaders") == ("leaders",)
    assert qualifier_voices("service leaders") == ("leaders",)
    assert qualifier_voices("reduce turnover") == ()
    assert qualifier_voices(None) == ()


def test_a_qualifier_that_names_no_voice_keeps_the_strands_voices(appendix):
    data = appendix.edges["strand:cyp", "topic:recruitment", "raised"]
    assert raised_voices(appendix, "strand:cyp", data) == ("children and young people",)
    data = appendix.edges["strand:pi", "topic:voice", "raised"]
    assert raised_voices(appendix, "strand:pi", data) == ("families",)


def test_missing_voices_by_level_and_theme(appendix):
    # frontline/Methods: CYP panel + PI "Families" -> both heard
    # organisation/Staff: PI only (practitioners, leaders) -> neither heard
    # system/Supportive system: CYP "reduce turnover" (CYP), PI "strategic leaders" -> families missing
    found = {item["id"]: item for item in missing_voices(appendix)}
    assert list(found) == ["level:organisation", "level:system", "theme:staff", "theme:system"]
    assert found["level:organisation"]["missing"] == ["children and young people", "families"]
    assert found["theme:system"]["missing"] == ["families"]
    assert found["theme:system"]["voices_heard"] == ["children and young people", "leaders", "practitioners"]
    assert found["theme:staff"]["reason"] == (
        "None of the 1 tick in this theme carries the voice of children and young people or families."
    )
    assert found["level:system"]["refs"] == ["4"]


def test_a_voice_qualifier_overrides_the_strands_voices(make):
    # families strand raises t with "strategic leaders": the tick carries leaders, not families
    m = make().node("strand:f", voices=["families"]).node("topic:t", level="frontline")
    g = m.edge("topic:t", "in_theme", "theme:h").edge("strand:f", "raised", "topic:t", qualifier="strategic leaders")
    (item, *_) = [i for i in missing_voices(g.graph()) if i["id"] == "theme:h"]
    assert item["missing"] == ["children and young people", "families"]


def test_not_priority_carries_no_voice(make):
    # cyp -not_prioritised-> t
    m = make().node("strand:cyp", voices=["children and young people"]).node("topic:t", level="frontline")
    g = m.edge("topic:t", "in_theme", "theme:h").edge("strand:cyp", "not_prioritised", "topic:t").graph()
    theme = next(i for i in missing_voices(g) if i["id"] == "theme:h")
    assert theme["missing"] == ["children and young people", "families"]
    assert theme["reason"] == "None of the 1 topic in this theme was raised by anyone."


# --- loose ends ---------------------------------------------------------------------------------


def test_isolated_nodes_degree_and_small_components(make):
    # main: a - b - c - a (triangle) plus leaf d - a ; apart: x - y ; lone z
    m = make().edge("strand:a", "raised", "topic:b").edge("strand:c", "raised", "topic:b")
    m.edge("strand:a", "raised", "topic:c2").edge("strand:c", "raised", "topic:c2")
    m.edge("strand:a", "raised", "topic:d")
    g = m.edge("strand:x", "raised", "topic:y").node("topic:z").graph()
    items = isolated_nodes(g)
    assert _ids(items) == ["topic:z", "strand:x", "topic:y", "topic:d"]
    lone, x, _, leaf = items
    assert (lone["degree"], lone["component_size"], lone["reason"]) == (0, 1, "Not linked to anything.")
    assert x["reason"] == (
        "Linked to one node only (x raised y). Part of a separate group of 2 nodes, cut off from the main graph."
    )
    assert leaf["reason"] == "Linked to one node only (a raised d)."


# --- communities and structural gaps ------------------------------------------------------------


def _cliques(make, sizes, links):
    """Cliques of organisations (co-ordinating), plus extra links between named members."""
    m = make()
    for name, size in sizes.items():
        members = [f"organisation:{name}{i}" for i in range(size)]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                m.edge(a, "coordinates_with", b, rationale="r")
    for a, b in links:
        m.edge(f"organisation:{a}", "coordinates_with", f"organisation:{b}", rationale="r")
    return m.graph()


def test_communities_are_the_dense_groups_largest_first(make):
    # a0..a4 clique, b0..b2 clique, one link a0 - b0
    g = _cliques(make, {"a": 5, "b": 3}, [("a0", "b0")])
    assert communities(g) == [
        [f"organisation:a{i}" for i in range(5)],
        [f"organisation:b{i}" for i in range(3)],
    ]


def test_communities_are_deterministic_for_a_seed(appendix):
    assert communities(appendix, seed=3) == communities(appendix, seed=3)
    assert sorted(n for c in communities(appendix) for n in c) == sorted(appendix)


def test_communities_of_nothing():
    assert communities(nx.MultiDiGraph()) == []


def test_structural_gap_between_communities_that_do_not_touch(make):
    # cliques a, b, c of 5: a - b linked twice, a - c linked twice, b - c never
    g = _cliques(make, {"a": 5, "b": 5, "c": 5}, [("a0", "b0"), ("a1", "b1"), ("a2", "c0"), ("a3", "c1")])
    first = structural_gaps(g)[0]
    sides = [sorted(c["members"])[0] for c in first["communities"]]
    assert sides == ["organisation:b0", "organisation:c0"]
    assert first["links"] == 0 and first["expected"] > 1
    # a0..a3 touch one side each; none touches both, so the most outward members are named
    assert [b["id"] for b in first["bridges"]] == ["organisation:b0", "organisation:c0"]
    assert "share 0 direct links" in first["reason"] and "nothing links to both" in first["reason"]
    assert first["bridges"][0]["reason"] == (
        "the member of 'Organisations about b4' most linked outside it (1 link): "
        "a link from it to 'Organisations about c4' would join them"
    )
    assert first["refs"] == ["2"]


def test_structural_gap_names_nodes_linked_to_both(make):
    # cliques a, b, c of 5; h linked to b0, c0 and a0 (h joins b's community); a1 - b1 ; a2 - c1
    g = _cliques(make, {"a": 5, "b": 5, "c": 5}, [("h", "b0"), ("h", "c0"), ("h", "a0"), ("a1", "b1"), ("a2", "c1")])
    first = structural_gaps(g)[0]
    assert [c["label"] for c in first["communities"]] == ["Organisations about b0", "Organisations about c4"]
    assert "organisation:h" in first["communities"][0]["members"]
    assert first["links"] == 1
    assert [b["id"] for b in first["bridges"]] == ["organisation:c0", "organisation:h"]
    assert first["bridges"][1] == {
        "id": "organisation:h",
        "label": "h",
        "type": "organisation",
        "links_to_a": 1,
        "links_to_b": 1,
        "reason": "h co-ordinates with b0 (inferred, 2: r); and h co-ordinates with c0 (inferred, 2: r)",
    }
    assert "c0, h already link to both" in first["reason"]


def test_no_structure_no_gaps():
    g = nx.MultiDiGraph()
    g.add_node("topic:t", type="topic", label="t", refs=["2"])
    assert structural_gaps(g) == []


# --- all of it ----------------------------------------------------------------------------------


def test_every_gap_names_itself_says_why_and_cites_the_report(appendix):
    found = gaps(appendix)
    assert list(found) == [
        "unraised_topics",
        "unaddressed_topics",
        "unaddressed_barriers",
        "missing_voices",
        "isolated_nodes",
        "structural_gaps",
    ]
    for items in found.values():
        for item in items:
            assert item["id"] and item["label"] and item["reason"]
            assert isinstance(item["refs"], list)


def test_gaps_of_an_empty_graph():
    assert gaps(nx.MultiDiGraph()) == {
        "unraised_topics": [],
        "unaddressed_topics": [],
        "unaddressed_barriers": [],
        "missing_voices": [],
        "isolated_nodes": [],
        "structural_gaps": [],
    }


@pytest.mark.parametrize("seed", [0, 1])
def test_gaps_do_not_change_the_graph(appendix, seed):
    before = nx.node_link_data(appendix, edges="edges")
    gaps(appendix, seed=seed)
    assert nx.node_link_data(appendix, edges="edges") == before


def test_gaps_agrees_with_each_kind_asked_alone(appendix):
    found = gaps(appendix, seed=2)
    assert found["unraised_topics"] == unraised_topics(appendix)
    assert found["unaddressed_topics"] == unaddressed_topics(appendix)
    assert found["unaddressed_barriers"] == unaddressed_barriers(appendix)
    assert found["missing_voices"] == missing_voices(appendix)
    assert found["isolated_nodes"] == isolated_nodes(appendix)
    assert found["structural_gaps"] == structural_gaps(appendix, seed=2)


# --- how much comes from thin data ---------------------------------------------------------------


def test_gap_summary_says_what_comes_from_thin_data_and_what_fills_it(appendix):
    from graph.analysis.gaps import gap_summary

    summary = gap_summary(appendix)
    unaddressed = summary["unaddressed_topics"]
    # Wave 1 works on Supervision (system); the other 5 topics have nobody recorded
    assert (unaddressed["count"], unaddressed["thin_data"]) == (5, 5)
    assert unaddressed["explanation"] == (
        "5 topics have no organisation or initiative recorded as working on them: the report names few "
        "(1 topic has one)."
    )
    assert unaddressed["to_fill"].startswith("Add who works on them")
    # Standards of evidence has no tick: that is the report, not thin data
    assert (summary["unraised_topics"]["count"], summary["unraised_topics"]["thin_data"]) == (1, 0)
    assert summary["unaddressed_barriers"]["explanation"].startswith("1 barrier")


def test_gap_summary_of_nothing_says_none_found():
    from graph.analysis.gaps import gap_summary

    assert {v["explanation"] for v in gap_summary(nx.MultiDiGraph()).values()} == {"None found."}


def test_gaps_given_the_communities_found_once_are_the_gaps_found_afresh(appendix):
    """The app finds the communities once per version of the data and hands them to the gaps."""
    assert gaps(appendix, seed=2, communities=communities(appendix, seed=2)) == gaps(appendix, seed=2)
