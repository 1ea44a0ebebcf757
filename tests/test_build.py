"""Models -> networkx graph."""

from graph.data.build import build_graph, load_graph


def test_graph_keeps_types_labels_refs_and_attributes(tiny_dataset):
    graph = build_graph(tiny_dataset)
    assert graph.nodes["topic:t"] == {
        "type": "topic",
        "label": "Trauma",
        "refs": ["2"],
        "description": None,
        "basis": "stated",
        "level": "frontline",
    }


def test_edge_key_is_the_relation(tiny_dataset):
    graph = build_graph(tiny_dataset)
    assert sorted(graph.edges(keys=True)) == [("strand:a", "topic:t", "raised"), ("topic:t", "theme:h", "in_theme")]
    assert graph.edges["strand:a", "topic:t", "raised"]["basis"] == "stated"


def test_two_relations_between_the_same_nodes_are_both_kept(tiny_dataset):
    from graph.schema import Dataset
    from tests.conftest import edge

    dataset = Dataset(tiny_dataset.nodes, (*tiny_dataset.edges, edge("strand:a", "not_prioritised", "topic:t")))
    assert build_graph(dataset).number_of_edges("strand:a", "topic:t") == 2


def test_load_graph_reads_a_directory(data_dir):
    assert load_graph(data_dir).number_of_nodes() == 3
