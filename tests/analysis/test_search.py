"""Finding nodes by id, label or a near miss; helpful errors otherwise."""

import networkx as nx
import pytest

from graph.analysis.search import resolve_node, search_nodes
from graph.errors import AmbiguousNode, NodeNotFound


@pytest.fixture
def named(make):
    # strands Event Coventry, Event Bristol; place Bristol; two topics both "Models of supervision"
    m = make().node("strand:event-coventry", "Event Coventry").node("strand:event-bristol", "Event Bristol")
    m.node("place:bristol", "Bristol").node("topic:trauma", "Trauma")
    m.node("topic:supervision-org", "Models of supervision", level="organisation")
    return m.node("topic:supervision-sys", "Models of supervision", level="system").graph()


def test_an_id_is_itself(named):
    assert resolve_node(named, "place:bristol") == "place:bristol"
    assert resolve_node(named, "PLACE:Bristol") == "place:bristol"


def test_a_label_in_any_case_and_spacing(named):
    assert resolve_node(named, "  event   COVENTRY ") == "strand:event-coventry"
    assert resolve_node(named, "Bristol") == "place:bristol"


def test_a_near_miss_is_accepted_when_only_one_node_is_close(named):
    assert resolve_node(named, "Event Coventy") == "strand:event-coventry"
    assert resolve_node(named, "Traumaa") == "topic:trauma"


def test_a_label_two_nodes_share_is_ambiguous(named):
    with pytest.raises(AmbiguousNode) as caught:
        resolve_node(named, "models of supervision")
    assert caught.value.candidates == [
        ("topic:supervision-org", "Models of supervision"),
        ("topic:supervision-sys", "Models of supervision"),
    ]
    assert "Give the id instead" in str(caught.value)


def test_a_near_miss_close_to_two_nodes_is_ambiguous(named):
    with pytest.raises(AmbiguousNode) as caught:
        resolve_node(named, "Models of supervison")
    assert [node for node, _ in caught.value.candidates] == ["topic:supervision-org", "topic:supervision-sys"]


def test_unknown_names_suggest_the_nearest(named):
    with pytest.raises(NodeNotFound) as caught:
        resolve_node(named, "Event Brightn")
    assert str(caught.value).startswith(
        "No node matches 'Event Brightn'. Did you mean: Event Bristol (strand:event-bristol); "
    )
    assert caught.value.suggestions[0] == "strand:event-bristol"
    assert len(caught.value.suggestions) <= 3


def test_nothing_close_no_suggestions(named):
    with pytest.raises(NodeNotFound, match=r"^No node matches 'zzzz'\.$"):
        resolve_node(named, "zzzz")
    with pytest.raises(NodeNotFound):
        resolve_node(named, "  ")
    with pytest.raises(NodeNotFound):
        resolve_node(nx.MultiDiGraph(), "anything")


def test_search_ranks_by_closeness(named):
    hits = search_nodes(named, "bristol")
    assert [h["id"] for h in hits][:2] == ["place:bristol", "strand:event-bristol"]
    assert hits[0] == {"id": "place:bristol", "label": "Bristol", "type": "place", "score": 100.0}


def test_search_by_type_and_limit(named):
    assert [h["id"] for h in search_nodes(named, "bristol", types=["strand"])] == ["strand:event-bristol"]
    assert len(search_nodes(named, "event", limit=1)) == 1
    assert search_nodes(named, "") == []
    assert search_nodes(named, "bristol", limit=0) == []


def test_a_name_that_only_contains_a_label_is_not_taken_for_it():
    # trauma (topic) ; "Traumatic burnout" contains "Trauma" but is not a misspelling of it
    import networkx as nx
    import pytest

    from graph.analysis.search import resolve_node
    from graph.errors import NodeNotFound

    G = nx.MultiDiGraph()
    G.add_node("topic:trauma", type="topic", label="Trauma")
    assert resolve_node(G, "Trauuma") == "topic:trauma"
    with pytest.raises(NodeNotFound, match="Did you mean: Trauma"):
        resolve_node(G, "Traumatic burnout")
