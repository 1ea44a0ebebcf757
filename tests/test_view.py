"""Views: which nodes and edges are drawn and highlighted."""

import networkx as nx
import pytest

from graph.schema import View
from graph.view import apply_view, filter_nodes, neighbourhood, path_edges


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
