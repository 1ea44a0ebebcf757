"""Views: which nodes and edges are drawn and highlighted."""

import networkx as nx
import pytest

from graph.picture.view import apply_view, filter_nodes, neighbourhood, path_edges
from graph.schema import View


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    # s1 -raised-> t1 (frontline) -in_theme-> h1
    # s2 -raised-> t2 (system)    -in_theme-> h2
    # o  -works_on-> t2
    g = nx.MultiDiGraph()
    g.add_node("s1", type="strand")
    g.add_node("s2", type="strand")
    g.add_node("t1", type="topic", level="frontline")
    g.add_node("t2", type="topic", level="system")
    g.add_node("h1", type="theme", level="frontline")
    g.add_node("h2", type="theme", level="system")
    g.add_node("o", type="organisation")
    g.add_edge("s1", "t1", "raised")
    g.add_edge("s2", "t2", "raised")
    g.add_edge("t1", "h1", "in_theme")
    g.add_edge("t2", "h2", "in_theme")
    g.add_edge("o", "t2", "works_on")
    return g


def test_no_filter_shows_everything(graph):
    shown = apply_view(graph, View())
    assert shown.nodes == set(graph) and len(shown.edges) == 5 and not shown.highlight_nodes


def test_type_filter_keeps_only_those_types(graph):
    assert filter_nodes(graph, View(types=["topic", "theme"])) == {"t1", "t2", "h1", "h2"}


def test_level_filter_shows_its_topics_their_themes_and_the_strands_that_raised_them(graph):
    assert filter_nodes(graph, View(levels=["system"])) == {"s2", "t2", "h2"}


def test_strand_filter_shows_the_topics_it_raised_and_their_themes(graph):
    assert filter_nodes(graph, View(strands=["s1"])) == {"s1", "t1", "h1"}


def test_theme_filter_shows_its_topics_and_the_strands_that_raised_them(graph):
    assert filter_nodes(graph, View(themes=["h2"])) == {"s2", "t2", "h2"}


def test_level_and_type_filters_combine(graph):
    assert filter_nodes(graph, View(levels=["system"], types=["topic", "strand"])) == {"s2", "t2"}


def test_relation_filter_drops_nodes_left_without_links(graph):
    shown = apply_view(graph, View(relations=["works_on"]))
    assert shown.nodes == {"o", "t2"} and shown.edges == {("o", "t2", "works_on")}


def test_focus_highlights_its_neighbourhood_at_depth_one(graph):
    shown = apply_view(graph, View(focus="t2"))
    assert shown.highlight_nodes == {"t2", "s2", "h2", "o"}
    assert shown.highlight_edges == {("s2", "t2", "raised"), ("t2", "h2", "in_theme"), ("o", "t2", "works_on")}
    assert shown.nodes == set(graph)


def test_only_neighbourhood_hides_the_rest(graph):
    shown = apply_view(graph, View(focus="s1", depth=2, only_neighbourhood=True))
    assert shown.nodes == {"s1", "t1", "h1"}


def test_focus_survives_a_filter_that_would_hide_it(graph):
    assert "o" in apply_view(graph, View(types=["topic"], focus="o")).nodes


def test_unknown_focus_is_ignored(graph):
    assert apply_view(graph, View(focus="nope")).highlight_nodes == set()


def test_highlighted_analysis_result_is_always_drawn(graph):
    shown = apply_view(graph, View(types=["strand"]), highlight=["t1"], highlight_edges=[("s1", "t1", "raised")])
    assert {"t1", "s1"} <= shown.nodes and ("s1", "t1", "raised") in shown.highlight_edges


def test_neighbourhood_respects_allowed_nodes(graph):
    assert neighbourhood(graph, "t2", 2, allowed={"t2", "o", "s2"}) == {"t2", "o", "s2"}


def test_path_edges_follow_links_either_way(graph):
    assert path_edges(graph, ["s2", "t2", "o"]) == {("s2", "t2", "raised"), ("o", "t2", "works_on")}


def test_an_overlap_pair_lights_both_and_what_they_share(graph):
    # s2 -raised-> t2 <-works_on- o : s2 and o share t2
    shown = apply_view(graph, View(overlap=["s2", "o"]))
    assert shown.highlight_nodes == {"s2", "o", "t2"}
    assert shown.highlight_edges == {("s2", "t2", "raised"), ("o", "t2", "works_on")}
    assert shown.caption.startswith("Highlighted: an overlapping pair")


def test_a_path_lights_its_nodes_and_edges_and_a_picked_path_alone(graph):
    graph.add_edge("s1", "h2", "raised")  # a second way from s1 to h2: s1 -> t1 -> h1 is not one
    paths = {"paths": [[{"id": "s1"}, {"id": "h2"}], [{"id": "s1"}, {"id": "t1"}, {"id": "h1"}]]}
    both = apply_view(graph, View(path=["s1", "h2"]), paths=paths)
    assert both.highlight_nodes == {"s1", "h2", "t1", "h1"}
    alone = apply_view(graph, View(path=["s1", "h2"], path_pick=0), paths=paths)
    assert alone.highlight_nodes == {"s1", "h2"} and alone.highlight_edges == {("s1", "h2", "raised")}


def test_paths_are_found_when_the_caller_has_none(graph):
    shown = apply_view(graph, View(path=["s2", "o"]))
    assert shown.highlight_nodes == {"s2", "t2", "o"}


def test_a_gap_lights_the_item_of_that_kind(graph):
    report = {
        "unraised_topics": [{"id": "t1"}],
        "structural_gaps": [
            {"id": "c0~c1", "communities": [{"members": ["s1"]}, {"members": ["h2"]}], "bridges": [{"id": "o"}]}
        ],
    }
    assert apply_view(graph, View(gap="unraised_topics:t1"), gap_report=report).highlight_nodes == {"t1"}
    structural = apply_view(graph, View(gap="structural_gaps:c0~c1"), gap_report=report)
    assert structural.highlight_nodes == {"s1", "h2", "o"}
    assert apply_view(graph, View(gap="unraised_topics:gone"), gap_report=report).highlight_nodes == set()


def test_duplicates_and_a_community_light_their_nodes(graph):
    assert apply_view(graph, View(duplicate=["t1", "t2"])).highlight_nodes == {"t1", "t2"}
    shown = apply_view(graph, View(community=1), communities=[["s1"], ["o", "t2"]])
    assert shown.highlight_nodes == {"o", "t2"} and shown.caption == "Highlighted: community 2 (2 nodes)."


def test_the_highlight_goes_to_the_drawing_as_ids(graph):
    shown = apply_view(graph, View(focus="o"))
    assert shown.highlight() == {"nodes": ["o", "t2"], "edges": [["o", "t2", "works_on"]], "focus": "o"}


def test_a_view_too_big_to_draw_becomes_an_overview_or_one_community(graph):
    from graph.picture.view import plan_drawing

    groups = [["s1", "t1", "h1"], ["s2", "t2", "h2", "o"]]
    overview = plan_drawing(graph, View(), apply_view(graph, View()), groups, max_nodes=3)
    assert overview.overview is not None and overview.node_count == 2 and "communities instead" in overview.notes[0]
    one = plan_drawing(graph, View(community=0), apply_view(graph, View(community=0)), groups, max_nodes=3)
    assert one.nodes == ("h1", "s1", "t1") and one.notes == ("Drawing community 1 only (3 nodes).",)


def test_a_basis_filter_keeps_the_links_said_in_the_room_and_what_they_join():
    # strand:a -raised (stated)-> topic:t ; organisation:k -works_on (room)-> topic:t ; organisation:n (room node, alone)
    import networkx as nx

    from graph.picture.view import apply_view
    from graph.schema import View

    room = {"session": "Leeds workshop", "session_date": "2026-12-03", "editor": "Sam"}
    G = nx.MultiDiGraph()
    G.add_node("strand:a", type="strand", label="A")
    G.add_node("topic:t", type="topic", label="T")
    G.add_node("organisation:k", type="organisation", label="K", **room)
    G.add_node("organisation:n", type="organisation", label="N", **room)
    G.add_edge("strand:a", "topic:t", "raised", basis="stated")
    G.add_edge("organisation:k", "topic:t", "works_on", basis="room", **room)
    shown = apply_view(G, View(bases=["room"]))
    assert shown.nodes == {"organisation:k", "topic:t", "organisation:n"}
    assert shown.edges == {("organisation:k", "topic:t", "works_on")}
    assert apply_view(G, View(bases=["stated"])).nodes == {"strand:a", "topic:t"}


def test_a_highlighted_link_lights_its_two_ends(graph):
    """What changed since the session: a link added between two old nodes is framed with both its ends,
    so the room can read it, not just the new node beside it."""
    shown = apply_view(graph, View(), highlight=[], highlight_edges=[("s1", "t1", "raised")])
    assert shown.highlight_nodes == {"s1", "t1"} and shown.highlight_edges == {("s1", "t1", "raised")}
