"""Plain data behind the detail panel and the table views."""

import networkx as nx
import pytest

from graph.picture.panels import edge_table, node_details, node_table


@pytest.fixture
def graph() -> nx.MultiDiGraph:
    # s -raised(qualifier)-> t <-speaks_to(inferred)- q ; t -in_theme-> h
    g = nx.MultiDiGraph()
    g.add_node("s", type="strand", label="Panel", refs=["2"], description="A panel", voices=["families"])
    g.add_node("t", type="topic", label="Trauma", refs=["4"], description=None, level="frontline")
    g.add_node("h", type="theme", label="Abuse", refs=["4"], description=None)
    g.add_node("q", type="quote", label="A quote", refs=["3.1"], description=None, attribution="Someone")
    g.add_edge("s", "t", "raised", relation="raised", refs=["4"], basis="stated", rationale=None, qualifier="Families")
    g.add_edge("t", "h", "in_theme", relation="in_theme", refs=["4"], basis="stated", rationale=None)
    g.add_edge("q", "t", "speaks_to", relation="speaks_to", refs=["3.1"], basis="inferred", rationale="Because")
    return g


def test_details_group_links_by_how_they_read_from_the_node(graph):
    details = node_details(graph, "t")
    headings = {g["heading"]: [link["label"] for link in g["links"]] for g in details["groups"]}
    assert headings == {"is in the theme": ["Abuse"], "is spoken to by": ["A quote"], "was raised by": ["Panel"]}


def test_details_keep_basis_rationale_qualifier_and_counts(graph):
    details = node_details(graph, "t")
    links = {link["id"]: link for g in details["groups"] for link in g["links"]}
    assert links["q"]["basis"] == "inferred" and links["q"]["rationale"] == "Because"
    assert links["s"]["attributes"] == {"qualifier": "Families"}
    assert (details["stated"], details["inferred"]) == (2, 1)


def test_details_list_the_quotes_that_speak_to_the_node(graph):
    assert node_details(graph, "t")["quotes"] == [{"id": "q", "text": "A quote", "attribution": "Someone"}]


def test_details_show_attributes_but_not_core_fields(graph):
    assert node_details(graph, "s")["attributes"] == {"voices": ["families"]}


def test_node_table_sorted_by_type_then_label_and_filtered(graph):
    rows = node_table(graph, ["t", "s", "missing"])
    assert [(r["type"], r["label"], r["links"]) for r in rows] == [("strand", "Panel", 1), ("topic", "Trauma", 3)]


def test_edge_table_reads_as_sentences(graph):
    rows = edge_table(graph, [("s", "t", "raised")])
    assert [(r["source"], r["relation"], r["target"], r["qualifier"]) for r in rows] == [
        ("Panel", "raised", "Trauma", "Families")
    ]
