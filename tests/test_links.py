"""Links: a view as URL query parameters and back (graph.picture.links)."""

import networkx as nx
import pytest

from graph.picture.links import check_view, read_query, view_query
from graph.schema import View


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("topic:trauma", type="topic", label="Trauma")
    g.add_node("strand:cyp", type="strand", label="Young people's panel")
    g.add_node("theme:abuse", type="theme", label="Types of abuse")
    g.add_node("topic:neglect", type="topic", label="Neglect")
    g.add_edge("strand:cyp", "topic:trauma", "raised")
    return g


def test_a_view_survives_the_round_trip(graph):
    view = View(
        types=["topic"],
        themes=["theme:abuse"],
        strands=["strand:cyp"],
        relations=["raised"],
        focus="topic:trauma",
        depth=2,
        only_neighbourhood=True,
        path=["strand:cyp", "topic:trauma"],
        path_count=2,
        path_pick=1,
        overlap=["topic:trauma", "topic:neglect"],
        duplicate=["topic:trauma", "topic:neglect"],
        gap="unraised_topics:topic:neglect",
        community=0,
        scene="scene:a",
        tab="gap-map",
    )
    checks = {
        "scenes": ["scene:a"],
        "communities": lambda: [["topic:trauma"]],
        "gap_report": lambda: {"unraised_topics": [{"id": "topic:neglect"}]},
    }
    back, notices = read_query(graph, view_query(view), **checks)
    assert back == view and notices == []


def test_the_link_holds_ids_never_labels_or_counts(graph):
    query = view_query(View(focus="topic:trauma", gap="unraised_topics:topic:neglect", community=2, path_pick=None))
    assert query == {"focus": "topic:trauma", "gap": "unraised_topics:topic:neglect", "community": "3"}


@pytest.mark.parametrize("name", ["Trauma", "trauma", "Trauma (topic)", "topic:trauma"])
def test_a_node_may_be_named_by_label_or_listed_name(graph, name):
    view, notices = read_query(graph, {"focus": [name]})
    assert view.focus == "topic:trauma" and notices == []


def test_each_stale_value_is_dropped_with_one_line_and_the_rest_kept(graph):
    view, notices = read_query(
        graph, {"focus": ["topic:gone"], "types": ["topic,unicorn"], "tab": ["nowhere"], "depth": ["2"]}
    )
    assert view == View(types=["topic"], depth=2)
    assert notices == [
        "The link's focus 'topic:gone' is not a node in the data; it was ignored.",
        "The link's tab 'nowhere' is not one of details, edit, paths, overlaps, gaps, gap-map, changes, table, about; "
        "it was ignored.",
        "The link's types filter 'unicorn' is not a known value; it was ignored.",
    ]


def test_a_gap_no_longer_found_is_dropped(graph):
    view, notices = read_query(
        graph, {"gap": ["unraised_topics:topic:trauma"]}, gap_report=lambda: {"unraised_topics": []}
    )
    assert view.gap is None and "no longer among the unraised topics" in notices[0]


def test_half_a_path_or_an_unknown_parameter_is_reported(graph):
    _, notices = read_query(graph, {"from": ["topic:trauma"], "colour": ["blue"]})
    assert notices == [
        "The link gives only one end of a path (it needs both from and to); it was ignored.",
        "The link's parameter 'colour' is not one this app reads; it was ignored.",
    ]


def test_checking_a_view_after_an_edit_drops_a_deleted_node(graph):
    view = View(focus="topic:neglect", depth=2)
    graph.remove_node("topic:neglect")
    checked, notices = check_view(graph, view)
    assert checked == View(depth=2)
    assert notices == ["The view's focus 'topic:neglect' is not a node in the data; it was ignored."]


def test_the_readme_documents_every_parameter():
    from graph.picture.links import PARAMETERS, TABS
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Links") : readme.index("## Speed and the benchmark")]
    for name in PARAMETERS:
        assert f"`{name}`" in section, name
    for tab in TABS:
        assert f"`{tab}`" in section, tab


def test_what_changed_since_and_a_basis_filter_survive_the_round_trip(graph):
    view = View(bases=["room", "imported"], since="session", tab="changes")
    query = view_query(view)
    assert query == {"since": "session", "tab": "changes", "basis": "room,imported"}
    assert read_query(graph, query) == (view, [])
    for since in ("12", "2026-12-03", "2026-12-03T10:00", "2026-12-03T10:00:00+00:00"):
        assert read_query(graph, {"since": since})[0].since == since


def test_a_since_that_is_no_point_is_dropped_with_a_notice(graph):
    view, notices = read_query(graph, {"since": ["yesterday"], "basis": ["gossip"]})
    assert view == View()
    assert notices == [
        "The link's since 'yesterday' is not a data version, a time (2026-12-03T10:00) or 'session'; it was ignored.",
        "The link's basis filter 'gossip' is not a known basis; it was ignored.",
    ]
