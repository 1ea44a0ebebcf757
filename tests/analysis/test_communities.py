"""Communities: Louvain without process-wide state, and names in the team's words."""

import random

import networkx as nx
import pytest

from graph.analysis.communities import communities, community_name, named_communities, theme_words, unique_names


def _cliques(count, size):
    """``count`` cliques of ``size`` nodes, each joined to the next by one link."""
    G = nx.MultiDiGraph()
    for c in range(count):
        members = [f"c{c}-{i}" for i in range(size)]
        G.add_edges_from((a, b, "r") for i, a in enumerate(members) for b in members[i + 1 :])
        if c:
            G.add_edge(f"c{c - 1}-0", f"c{c}-1", "r")
    return G


def test_communities_are_the_cliques():
    found = communities(_cliques(6, 5))
    assert sorted(map(sorted, found)) == sorted(sorted(f"c{c}-{i}" for i in range(5)) for c in range(6))


@pytest.mark.parametrize("seed", [0, 3])
def test_the_same_seed_gives_the_same_communities(seed):
    G = _cliques(8, 4)
    assert communities(G, seed=seed) == communities(G, seed=seed)


def test_the_global_random_generator_is_never_touched():
    random.seed(5)
    expected = [random.random() for _ in range(3)]
    random.seed(5)
    communities(_cliques(5, 4), seed=1)
    assert [random.random() for _ in range(3)] == expected


def test_a_community_is_named_from_its_members_themes(make):
    # trauma, neglect, fgm -in_theme-> abuse (frontline) ; coventry -raised-> all three
    m = make().node("theme:abuse", "Understanding families (types of abuse)", level="frontline")
    for topic in ("trauma", "neglect", "fgm"):
        m.node(f"topic:{topic}", topic.capitalize(), level="frontline").edge(
            f"topic:{topic}", "in_theme", "theme:abuse"
        )
        m.edge("strand:coventry", "raised", f"topic:{topic}")
    g = m.graph()
    assert community_name(g, list(g)) == "Frontline topics: types of abuse"
    assert [c["label"] for c in named_communities(g)] == ["Frontline topics: types of abuse"]


def test_two_themes_are_named_when_neither_dominates(make):
    # t1, t2 -> abuse ; t3, t4 -> families ; all frontline
    m = make().node("theme:abuse", "Understanding families (types of abuse)")
    m.node("theme:families", "Understanding families (types of families)")
    for topic, theme in (("t1", "abuse"), ("t2", "abuse"), ("t3", "families"), ("t4", "families")):
        m.node(f"topic:{topic}", level="frontline").edge(f"topic:{topic}", "in_theme", f"theme:{theme}")
    g = m.graph()
    topics = [n for n in g if n.startswith("topic:")]
    assert community_name(g, topics) == "Frontline topics: types of abuse and types of families"


def test_a_community_without_topics_is_named_by_its_types_and_centre(make):
    # centre -runs-> s1, s2, s3 ; centre -funds-> i
    m = make().node("organisation:centre", "What Works Centre")
    for strand in ("s1", "s2", "s3"):
        m.edge("organisation:centre", "runs", f"strand:{strand}")
    g = m.edge("organisation:centre", "funds", "initiative:i").graph()
    assert community_name(g, list(g)) == "Strands and initiatives about What Works Centre"


def test_mixed_levels_are_just_topics(make):
    # one frontline, one system topic, same theme
    m = make().node("theme:h", "Practice systems")
    m.node("topic:a", level="frontline").node("topic:b", level="system")
    g = m.edge("topic:a", "in_theme", "theme:h").edge("topic:b", "in_theme", "theme:h").graph()
    assert community_name(g, ["topic:a", "topic:b"]) == "Topics: practice systems"


def test_names_two_communities_share_are_told_apart(make):
    # trauma -raised by- coventry ; neglect -raised by- leeds ; both topics in the theme "types of abuse"
    m = make().node("theme:abuse", "Understanding families (types of abuse)")
    for topic, strand in (("trauma", "coventry"), ("neglect", "leeds")):
        m.node(f"topic:{topic}", topic.capitalize(), level="frontline").edge(
            f"topic:{topic}", "in_theme", "theme:abuse"
        )
        m.edge(f"strand:{strand}", "raised", f"topic:{topic}")
    g = m.graph()
    names = unique_names(g, [["topic:trauma", "strand:coventry"], ["topic:neglect", "strand:leeds"]])
    assert names == [
        "Frontline topics: types of abuse (about Trauma)",
        "Frontline topics: types of abuse (about leeds)",
    ]


def test_theme_words():
    assert theme_words("Understanding families (types of abuse)") == "types of abuse"
    assert theme_words("Practice systems") == "practice systems"
