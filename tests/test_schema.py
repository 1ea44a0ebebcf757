"""The models and the relation vocabulary."""

import re

import pytest
from pydantic import ValidationError

from graph.schema import MESSAGE_KINDS, NODE_TYPE_DOCS, RELATIONS, Edge, Node, NodeType, Relation


def test_every_node_type_is_documented():
    assert set(NODE_TYPE_DOCS) == set(NodeType)


def test_every_relation_has_a_rule_with_pairs_and_verb():
    assert set(RELATIONS) == set(Relation)
    for rule in RELATIONS.values():
        assert rule.pairs and rule.verb and rule.doc


def test_raised_joins_only_strand_to_topic():
    assert RELATIONS[Relation.RAISED].pairs == {(NodeType.STRAND, NodeType.TOPIC)}


def test_node_needs_refs():
    with pytest.raises(ValidationError, match="refs"):
        Node(id="topic:x", type="topic", label="X", refs=[])


def test_node_label_is_stripped_and_must_not_be_blank():
    assert Node(id="topic:x", type="topic", label="  X  ", refs=["4"]).label == "X"
    with pytest.raises(ValidationError):
        Node(id="topic:x", type="topic", label="   ", refs=["4"])


def test_node_id_may_not_contain_spaces():
    with pytest.raises(ValidationError, match="id"):
        Node(id="topic x", type="topic", label="X", refs=["4"])


def test_unknown_field_is_rejected():
    with pytest.raises(ValidationError, match="colour"):
        Node.model_validate({"id": "t", "type": "topic", "label": "X", "refs": ["4"], "colour": "red"})


def test_attribute_may_not_shadow_a_core_field():
    with pytest.raises(ValidationError, match="reserved"):
        Node(id="t", type="topic", label="X", refs=["4"], attributes={"type": "barrier"})


def test_level_attribute_is_checked():
    with pytest.raises(ValidationError, match="level"):
        Node(id="t", type="topic", label="X", refs=["4"], attributes={"level": "national"})


def test_message_needs_a_known_kind():
    with pytest.raises(ValidationError, match="kind"):
        Node(id="m", type="message", label="X", refs=["3.1"])
    for kind in MESSAGE_KINDS:
        assert Node(id="m", type="message", label="X", refs=["3.1"], attributes={"kind": kind})


def test_inferred_edge_needs_rationale():
    with pytest.raises(ValidationError, match="rationale"):
        Edge(source="a", target="b", relation="raised", refs=["4"], basis="inferred")
    assert Edge(source="a", target="b", relation="raised", refs=["4"], basis="inferred", rationale="why").rationale


def test_edge_may_not_loop():
    with pytest.raises(ValidationError, match="itself"):
        Edge(source="a", target="a", relation="part_of", refs=["2"], basis="stated")


def test_edge_basis_is_stated_or_inferred():
    with pytest.raises(ValidationError, match="basis"):
        Edge(source="a", target="b", relation="raised", refs=["4"], basis="guessed")


def test_models_are_frozen():
    node = Node(id="t", type="topic", label="X", refs=["4"])
    with pytest.raises(ValidationError):
        node.label = "Y"


@pytest.mark.parametrize("ref", ["3.1 | 3.3", "3.1; 3.3"])
def test_a_reference_may_not_hold_the_separator_of_a_list_of_references(ref):
    """A list of references travels in one cell of CSV, Excel and Kumu, separated by '|' or ';':
    a reference holding one would come back as two."""
    with pytest.raises(ValidationError, match=re.escape("a reference may not contain '|' or ';'")):
        Node(id="topic:x", type="topic", label="X", refs=[ref])
