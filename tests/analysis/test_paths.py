"""Paths: shortest connections explained in words, neighbourhoods, common neighbours."""

import networkx as nx
import pytest

from graph.analysis.paths import common_neighbours, neighbourhood, shortest_paths
from graph.errors import NodeNotFound


@pytest.fixture
def abuse(make):
    # coventry -raised-> trauma, neglect ; trauma, neglect -in_theme-> abuse ; bristol -raised-> fgm -in_theme-> abuse
    m = make().node("strand:coventry", "Event Coventry").node("strand:bristol", "Event Bristol")
    m.node("topic:trauma", "Trauma").node("topic:neglect", "Neglect").node("topic:fgm", "FGM")
    m.node("theme:abuse", "Understanding families (types of abuse)")
    m.edge("strand:coventry", "raised", "topic:trauma").edge("strand:coventry", "raised", "topic:neglect")
    m.edge("strand:bristol", "raised", "topic:fgm")
    for topic in ("trauma", "neglect", "fgm"):
        m.edge(f"topic:{topic}", "in_theme", "theme:abuse")
    return m.graph()


def test_explanation_keeps_the_true_direction(abuse):
    found = shortest_paths(abuse, "strand:coventry", "theme:abuse", k=1)
    assert [n["id"] for n in found["paths"][0]] == ["strand:coventry", "topic:trauma", "theme:abuse"]
    assert found["explanation"] == (
        "Event Coventry and Understanding families (types of abuse) are 2 steps apart.\n"
        "1. Event Coventry raised Trauma. Trauma is in the theme Understanding families (types of abuse)."
    )
    assert found["steps"] == [
        [
            {
                "source": "strand:coventry",
                "target": "topic:trauma",
                "relation": "raised",
                "verb": "raised",
                "basis": "stated",
                "mark": "",
                "external_source": None,
            },
            {
                "source": "topic:trauma",
                "target": "theme:abuse",
                "relation": "in_theme",
                "verb": "is in the theme",
                "basis": "stated",
                "mark": "",
                "external_source": None,
            },
        ]
    ]


def test_walking_against_an_edge_reads_the_right_way_round(abuse):
    found = shortest_paths(abuse, "Trauma", "Event Bristol", k=1)
    assert found["explanation"].splitlines()[1] == (
        "1. Trauma is in the theme Understanding families (types of abuse). "
        "FGM is in the theme Understanding families (types of abuse). Event Bristol raised FGM."
    )


def test_up_to_k_paths_shortest_first(abuse):
    found = shortest_paths(abuse, "strand:coventry", "theme:abuse", k=5)
    assert [[n["label"] for n in p] for p in found["paths"]] == [
        ["Event Coventry", "Neglect", "Understanding families (types of abuse)"],
        ["Event Coventry", "Trauma", "Understanding families (types of abuse)"],
    ]
    assert found["explanation"].splitlines()[1].startswith("1. 2 steps: Event Coventry raised Neglect.")
    assert len(shortest_paths(abuse, "strand:coventry", "theme:abuse", k=1)["paths"]) == 1


def test_paths_longer_than_max_length_are_left_out(abuse):
    # coventry - neglect - abuse - fgm - bristol: 4 steps
    assert len(shortest_paths(abuse, "strand:coventry", "strand:bristol", max_length=4)["paths"]) == 2
    found = shortest_paths(abuse, "strand:coventry", "strand:bristol", max_length=3)
    assert found["paths"] == [] and found["steps"] == []
    assert found["explanation"] == "Event Coventry and Event Bristol are not connected within 3 steps."


def test_no_path_between_separate_parts(make):
    # a -raised-> b ; c alone
    g = make().edge("strand:a", "raised", "topic:b").node("topic:c").graph()
    found = shortest_paths(g, "strand:a", "topic:c")
    assert found == {
        "paths": [],
        "steps": [],
        "lengths": [],
        "avoided": [],
        "explanation": "a and c are not connected within 8 steps.",
    }


def test_a_node_to_itself(abuse):
    found = shortest_paths(abuse, "topic:fgm", "topic:fgm")
    assert found["paths"] == [[{"id": "topic:fgm", "label": "FGM"}]]


def test_inferred_links_are_marked(make):
    # i -works_on-> t (inferred)
    m = make().node("initiative:i", "Step Up").node("topic:t", "Recruitment")
    g = m.edge("initiative:i", "works_on", "topic:t", rationale="training supply").graph()
    found = shortest_paths(g, "initiative:i", "topic:t")
    assert found["explanation"].endswith("1. Step Up works on Recruitment (inferred).")
    assert found["steps"][0][0]["basis"] == "inferred"


def test_a_stated_link_is_preferred_to_an_inferred_one(make):
    # t -mentions-> i (stated) ; i -works_on-> t (inferred)
    m = make().node("initiative:i", "Step Up").node("topic:t", "Recruitment")
    m.edge("initiative:i", "works_on", "topic:t", rationale="training supply")
    g = m.edge("topic:t", "mentions", "initiative:i").graph()
    (step,) = shortest_paths(g, "initiative:i", "topic:t")["steps"][0]
    assert (step["source"], step["relation"], step["basis"]) == ("topic:t", "mentions", "stated")


def test_unknown_names_are_refused(abuse):
    with pytest.raises(NodeNotFound):
        shortest_paths(abuse, "strand:coventry", "nothing like it at all")


def test_neighbourhood_by_distance_with_the_edges_among_them(abuse):
    near = neighbourhood(abuse, "topic:trauma")
    assert [(n["id"], n["distance"]) for n in near["nodes"]] == [
        ("topic:trauma", 0),
        ("strand:coventry", 1),
        ("theme:abuse", 1),
    ]
    assert near["edges"] == [
        {"source": "strand:coventry", "target": "topic:trauma", "relation": "raised"},
        {"source": "topic:trauma", "target": "theme:abuse", "relation": "in_theme"},
    ]
    two = neighbourhood(abuse, "topic:trauma", depth=2)
    assert [n["id"] for n in two["nodes"] if n["distance"] == 2] == ["topic:fgm", "topic:neglect"]
    assert len(two["edges"]) == 5
    assert neighbourhood(abuse, "topic:trauma", depth=0)["nodes"] == [
        {"id": "topic:trauma", "label": "Trauma", "type": "topic", "distance": 0}
    ]


def test_common_neighbours_either_direction(abuse):
    assert common_neighbours(abuse, "topic:trauma", "topic:neglect") == [
        {"id": "strand:coventry", "label": "Event Coventry"},
        {"id": "theme:abuse", "label": "Understanding families (types of abuse)"},
    ]
    assert common_neighbours(abuse, "strand:coventry", "strand:bristol") == []


def test_paths_do_not_change_the_graph(abuse):
    before = nx.node_link_data(abuse, edges="edges")
    shortest_paths(abuse, "strand:coventry", "strand:bristol")
    neighbourhood(abuse, "theme:abuse", depth=2)
    assert nx.node_link_data(abuse, edges="edges") == before


@pytest.fixture
def hub_and_detour(make):
    # a - hub - b   and   a - x - y - b   (the detour is one step longer)   and a - hub - z - b
    m = make()
    for u, v in [("a", "hub"), ("hub", "b"), ("a", "x"), ("x", "y"), ("y", "b"), ("hub", "z"), ("z", "b")]:
        m.edge(f"strand:{u}", "part_of", f"strand:{v}")
    return m.graph()


def test_step_counts_are_right_for_every_path(hub_and_detour):
    found = shortest_paths(hub_and_detour, "strand:a", "strand:b", k=3)
    assert found["lengths"] == [len(p) - 1 for p in found["paths"]] == [2, 3, 3]
    lines = found["explanation"].splitlines()
    assert lines[0] == "a and b are 2 steps apart."
    assert [line.split(":")[0] for line in lines[1:]] == ["1. 2 steps", "2. 3 steps", "3. 3 steps"]
    for line, hops in zip(lines[1:], found["steps"], strict=True):
        assert line.count(". ") == len(hops)  # one short sentence per step


def test_paths_are_diverse_when_a_detour_within_one_more_step_exists(hub_and_detour):
    # Yen's order would give a-hub-b then a-hub-z-b: both through hub; a-x-y-b avoids it.
    found = shortest_paths(hub_and_detour, "strand:a", "strand:b", k=2)
    ids = [[n["id"] for n in p] for p in found["paths"]]
    assert ids == [["strand:a", "strand:hub", "strand:b"], ["strand:a", "strand:x", "strand:y", "strand:b"]]


def test_paths_share_a_node_when_no_detour_is_short_enough(make):
    # a - hub - b and a - hub - z - b ; the only detour a-p-q-r-b is two steps longer
    m = make()
    for u, v in [("a", "hub"), ("hub", "b"), ("hub", "z"), ("z", "b"), ("a", "p"), ("p", "q"), ("q", "r"), ("r", "b")]:
        m.edge(f"strand:{u}", "part_of", f"strand:{v}")
    found = shortest_paths(m.graph(), "strand:a", "strand:b", k=2)
    assert [len(p) - 1 for p in found["paths"]] == [2, 3]
    assert all("strand:hub" in [n["id"] for n in p] for p in found["paths"])


def test_avoid_keeps_paths_away_from_a_node(hub_and_detour):
    found = shortest_paths(hub_and_detour, "strand:a", "strand:b", k=3, avoid=["hub"])
    assert [[n["id"] for n in p] for p in found["paths"]] == [["strand:a", "strand:x", "strand:y", "strand:b"]]
    assert found["explanation"].startswith("a and b are 3 steps apart without going through hub.")
    assert found["avoided"] == [{"id": "strand:hub", "label": "hub"}]


def test_avoiding_every_route_says_so(hub_and_detour):
    found = shortest_paths(hub_and_detour, "strand:a", "strand:b", avoid=["strand:hub", "strand:x"])
    assert found["paths"] == []
    assert found["explanation"] == "a and b are not connected within 8 steps without going through hub, x."


def test_an_end_of_the_path_cannot_be_avoided(hub_and_detour):
    from graph.errors import GraphError

    with pytest.raises(GraphError, match="cannot avoid a"):
        shortest_paths(hub_and_detour, "strand:a", "strand:b", avoid=["strand:a"])


def test_long_labels_are_shortened_in_the_sentences(make):
    # s -raised-> t (a long Appendix 1 label)
    long = "Models of supervision, including 'live supervision', group supervision, what makes a good supervisor?"
    g = make().node("strand:s", "Event London").node("topic:t", long).edge("strand:s", "raised", "topic:t").graph()
    found = shortest_paths(g, "strand:s", "topic:t")
    assert found["explanation"].splitlines()[1] == "1. Event London raised Models of supervision."


def _hub_and_route(make):
    # a -> centre <- b (2 steps through a hub the 8 others also reach) ; a -> t1 -> t2 <- b (3 specific steps)
    m = make().node("strand:a", "A").node("strand:b", "B")
    m.node("organisation:centre", "What Works Centre for Children's Social Care")
    m.edge("organisation:centre", "runs", "strand:a").edge("organisation:centre", "runs", "strand:b")
    for i in range(8):
        m.edge("organisation:centre", "runs", f"strand:other{i}")
    m.edge("strand:a", "raised", "topic:t1").edge("strand:b", "raised", "topic:t2")
    m.edge("topic:t1", "also_listed_as", "topic:t2")
    return m.graph()


def test_hubs_cost_more_than_specific_links(make):
    found = shortest_paths(_hub_and_route(make), "strand:a", "strand:b", k=2)
    first, second = ([n["id"] for n in p] for p in found["paths"])
    assert first == ["strand:a", "topic:t1", "topic:t2", "strand:b"]  # 3 specific steps...
    assert second == ["strand:a", "organisation:centre", "strand:b"]  # ...before 2 through the hub
    assert found["explanation"].startswith("A and B are 2 steps apart.")


def test_avoid_by_name_as_people_type_it(make):
    graph = _hub_and_route(make)
    found = shortest_paths(graph, "A", "B", k=3, avoid=["what works centre"])
    assert found["avoided"] == [{"id": "organisation:centre", "label": "What Works Centre for Children's Social Care"}]
    assert all("organisation:centre" not in [n["id"] for n in p] for p in found["paths"])
    assert "without going through What Works Centre" in found["explanation"]


def test_a_step_from_outside_the_report_or_a_file_is_marked(make):
    m = make().node("strand:a", "A").node("topic:t", "T").node("theme:h", "H")
    m.edge("strand:a", "raised", "topic:t", rationale="outside", basis="external", external_source="A page")
    m.edge("topic:t", "in_theme", "theme:h", basis="imported")
    found = shortest_paths(m.graph(), "A", "H", k=1)
    assert found["explanation"].splitlines()[1] == "1. A raised T (outside the report). T is in the theme H (imported)."
    assert found["steps"][0][0]["external_source"] == "A page"
