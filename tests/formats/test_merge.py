"""plan_merge: matching, partial updates, edge ends by label, validation located in the import."""

from __future__ import annotations

import pytest

from graph.errors import DataError
from graph.formats import parse_import, plan_merge
from graph.schema import Dataset


def _csv(text: str, name: str = "import.csv"):
    return parse_import(text.encode(), name)


def _plan(existing: Dataset, text: str, name: str = "import.csv"):
    return plan_merge(existing, _csv(text, name))


def test_reimporting_the_centres_sheet_creates_no_duplicates():
    sheet = "Label,Type,Refs\nTrauma,topic,4.2\nWorkforce,theme,4\n"
    first = _plan(Dataset((), ()), sheet)
    assert [n.id for n in first.added_nodes] == ["topic:trauma", "theme:workforce"]
    second = _plan(first.merged, sheet)
    assert second.added_nodes == () and second.changed_nodes == ()
    assert len(second.unchanged_nodes) == 2
    assert second.merged == first.merged


def test_rows_match_existing_nodes_by_label_and_type_ignoring_case_and_spacing(dataset):
    plan = _plan(dataset, "Label,Type,Refs\n  trauma-INFORMED   practice ,Topic,Appendix 1 / Frontline\n")
    assert plan.added_nodes == ()
    # two topics share that label: the level column is what tells them apart, so the row is ambiguous
    assert [p.message for p in plan.problems] == [
        "'trauma-INFORMED   practice' matches more than one existing node (topic:trauma, topic:trauma-system); give the id"
    ]


def test_a_row_matching_by_label_and_type_updates_that_node(dataset):
    plan = _plan(dataset, "Label,Type,Description\nworkforce,THEME,The people who do the work\n")
    (change,) = plan.changed_nodes
    assert change.before.id == "theme:workforce" and change.fields == ("description",)
    assert change.after.refs == ["4"]  # no Refs column: the existing refs stay
    assert plan.ok


def test_a_row_without_a_type_matches_a_unique_label(dataset):
    plan = _plan(dataset, "Label,priority\nWorkforce,high\n")
    (change,) = plan.changed_nodes
    assert change.after.type.value == "theme"
    assert change.after.attributes == {"priority": "high"}


def test_blank_cells_and_missing_columns_never_clear_a_field(dataset):
    plan = _plan(dataset, "ID,Label,Description,Refs,level\ntopic:trauma,Trauma-informed practice,,,\n")
    assert plan.changed_nodes == () and len(plan.unchanged_nodes) == 1


def test_an_unknown_id_with_a_known_label_and_type_is_that_node_with_a_note(dataset):
    plan = _plan(dataset, "ID,Label,Type,Refs\ntheme:people,Workforce,theme,4\n")
    assert [n.id for n in plan.unchanged_nodes] == ["theme:workforce"]
    assert "no node has the id 'theme:people'; matched 'theme:workforce'" in plan.notes[0]


def test_a_new_label_whose_slug_is_taken_gets_a_numbered_id(dataset):
    # A label that differs only in punctuation is the same name (the test below); so here the
    # existing node with the id the new label would get is labelled otherwise.
    renamed = Dataset(
        tuple(n.model_copy(update={"label": "People who do the work"}) if n.id == "theme:workforce" else n
              for n in dataset.nodes),
        dataset.edges,
    )
    plan = _plan(renamed, "Label,Type,Refs\nWorkforce,theme,4\n")
    assert [n.id for n in plan.added_nodes] == ["theme:workforce-2"]


def test_a_row_whose_name_differs_only_in_punctuation_is_that_node_with_a_note(dataset):
    plan = _plan(dataset, "Label,Type,Refs\nWorkforce!,theme,4\n")
    assert plan.added_nodes == () and [n.id for n in plan.unchanged_nodes] == ["theme:workforce"]
    assert plan.notes == ("row 2: took 'Workforce!' as theme:workforce: the same name as 'Workforce' apart from "
                          "case, punctuation, 'The' or '&'",)


def test_a_new_node_without_refs_cites_the_file_it_came_from(dataset):
    plan = _plan(dataset, "Label,Type\nKinship care,topic\n", "centre.csv")
    assert plan.problems == ()
    (added,) = plan.added_nodes
    assert added.refs == ["Imported from centre.csv"]


def test_a_new_link_without_refs_or_basis_says_it_was_imported(dataset):
    plan = _plan(dataset, "From,To,Type\norganisation:centre,Workforce,works on\n", "kumu.csv")
    assert plan.problems == ()
    (added,) = plan.added_edges
    assert (added.relation.value, added.basis, added.refs) == ("works_on", "imported", ["Imported from kumu.csv"])


def test_an_existing_node_keeps_its_refs_when_the_file_has_none(dataset):
    plan = _plan(dataset, "Label,Type\nWorkforce,theme\n", "centre.csv")
    assert [n.id for n in plan.unchanged_nodes] == ["theme:workforce"]


def test_our_json_must_still_cite_refs(dataset):
    batch = parse_import(b'{"nodes": [{"type": "topic", "label": "Kinship care"}]}', "x.json")
    (problem,) = plan_merge(dataset, batch).problems
    assert (problem.element, problem.field) == ("nodes[0]", "refs")
    assert "must cite the report section or source" in problem.message
    with pytest.raises(DataError, match="must cite"):
        _ = plan_merge(dataset, batch).merged


@pytest.mark.parametrize(
    ("written", "source", "target"),
    [
        ("works_on", "organisation:centre", "theme:workforce"),
        ("Works on", "organisation:centre", "theme:workforce"),
        ("works-on", "organisation:centre", "theme:workforce"),
    ],
)
def test_a_relation_is_read_by_its_id_or_as_it_reads(dataset, written, source, target):
    plan = _plan(dataset, f"From,To,Type,Basis,Refs\n{source},{target},{written},stated,4\n")
    assert [(e.source, e.relation.value, e.target) for e in plan.added_edges] == [(source, "works_on", target)]


def test_the_reverse_reading_of_a_relation_swaps_from_and_to(dataset):
    plan = _plan(dataset, "From,To,Type,Basis,Refs\ntheme:workforce,organisation:centre,is worked on by,stated,4\n")
    assert [(e.source, e.relation.value, e.target) for e in plan.added_edges] == [
        ("organisation:centre", "works_on", "theme:workforce")
    ]


def test_invalid_values_are_located_by_row_and_column(dataset):
    plan = _plan(dataset, "Label,Type,Refs,Level\nKinship care,topik,4,top\n")
    assert sorted((p.element, p.field) for p in plan.problems) == [("row 2", "Level"), ("row 2", "Type")]
    assert not plan.ok


def test_a_row_repeated_in_the_import_is_a_problem(dataset):
    plan = _plan(dataset, "Label,Type,Refs\nKinship care,topic,4\nkinship care,topic,4\n")
    assert [(p.element, p.message) for p in plan.problems] == [("row 3", "repeats row 2 (the same node)")]


def test_connections_name_ends_by_id_or_label_case_insensitively(dataset):
    plan = _plan(
        dataset, 'From,To,Type,Basis,Refs\n"practitioner EVENT, coventry",topic:trauma-system,Raised,Stated,4\n'
    )
    (edge,) = plan.added_edges
    assert (edge.source, edge.target, edge.relation.value, edge.basis) == (
        "strand:coventry",
        "topic:trauma-system",
        "raised",
        "stated",
    )


def test_a_relation_the_types_do_not_allow_is_located_at_the_type_column(dataset):
    plan = _plan(dataset, "From,To,Type,Basis,Refs\nstrand:coventry,Workforce,raised,stated,4\n")
    assert [(p.element, p.field, p.message) for p in plan.problems] == [
        ("row 2", "Type", "'raised' may not join strand -> theme (allowed: strand->topic)")
    ]


def test_an_ambiguous_or_unknown_end_is_a_located_problem(dataset):
    plan = _plan(
        dataset,
        "From,To,Type,Basis,Refs\nstrand:coventry,Trauma-informed practice,raised,stated,4\nNobody,Workforce,x,stated,4\n",
    )
    assert [(p.element, p.field, p.message) for p in plan.problems] == [
        (
            "row 2",
            "To",
            "'Trauma-informed practice' is the label of more than one node (topic:trauma, topic:trauma-system); give the id",
        ),
        ("row 3", "From", "no node has the id or label 'Nobody'"),
    ]


def test_kumu_pipes_in_to_make_one_edge_per_end(dataset):
    plan = _plan(
        dataset, "From,To,Type,Basis,Refs\nstrand:coventry,topic:trauma|topic:trauma-system,raised,stated,Appendix 1\n"
    )
    assert [e.target for e in plan.added_edges] == ["topic:trauma-system"]
    assert [e.target for e in plan.unchanged_edges] == ["topic:trauma"]


def test_edges_may_join_nodes_of_the_same_import_by_label():
    nodes = parse_import(b"Label,Type,Refs\nCoventry event,strand,2\nTrauma,topic,4\n", "n.csv")
    merged = plan_merge(Dataset((), ()), nodes).merged
    plan = _plan(merged, "From,To,Type,Basis,Refs\nCoventry event,trauma,raised,stated,4\n")
    assert [e.key for e in plan.added_edges] == ["strand:coventry-event|raised|topic:trauma"]


def test_an_edge_row_changes_the_existing_edge_with_the_same_ends_and_relation(dataset):
    plan = _plan(
        dataset, "From,To,Type,Basis,Rationale\nstrand:coventry,topic:trauma,raised,inferred,Read from the table\n"
    )
    (change,) = plan.changed_edges
    assert change.fields == ("basis", "rationale")
    assert change.after.refs == ["Appendix 1"] and change.after.attributes == {"qualifier": "Families"}


def test_an_inferred_edge_without_rationale_is_located(dataset):
    plan = _plan(dataset, "From,To,Type,Basis,Refs\nstrand:coventry,Workforce,held_in,inferred,4\n")
    assert [(p.element, p.message) for p in plan.problems] == [("row 2", "an inferred edge needs a one-line rationale")]


def test_changing_a_type_that_breaks_an_existing_edge_names_that_edge(dataset):
    plan = _plan(dataset, "ID,Type\ntheme:workforce,place\n")
    (problem,) = plan.problems
    assert problem.element == "existing edge topic:trauma|in_theme|theme:workforce"
    assert problem.message.endswith("(after this import)")


def test_attribute_text_takes_the_shape_the_data_already_uses(dataset):
    plan = _plan(dataset, "ID,count,tags,level,note\nmessage:want,5,,,\ntopic:trauma,,a; b,,2019\n")
    changes = {c.after.id: c.after.attributes for c in plan.changed_nodes}
    assert changes["message:want"]["count"] == 5
    assert changes["topic:trauma"]["tags"] == ["a", "b"]
    assert changes["topic:trauma"]["note"] == 2019  # a new attribute: a whole number is read as a number


def test_json_rows_that_are_not_objects_are_located(dataset):
    batch = parse_import(b'{"nodes": ["oops"], "edges": [{"source": "strand:coventry"}]}', "x.json")
    plan = plan_merge(dataset, batch)
    assert sorted((p.element, p.field) for p in plan.problems) == [("edges[0]", "target"), ("nodes[0]", "")]


def test_json_edges_resolve_labels_and_validate(dataset):
    batch = parse_import(
        b'{"edges": [{"source": "Workforce", "target": "strand:coventry", "relation": "raised", "refs": ["1"], "basis": "stated"}]}',
        "x.json",
    )
    plan = plan_merge(dataset, batch)
    assert plan.problems[0].element == "edges[0]" and plan.problems[0].field == "relation"


def test_an_edge_to_an_invalid_new_node_reports_only_the_node(dataset):
    batch = parse_import(
        b'{"nodes": [{"id": "topic:new", "type": "topic", "label": "New"}],'
        b' "edges": [{"source": "strand:coventry", "target": "New", "relation": "raised", "refs": ["1"], "basis": "stated"}]}',
        "x.json",
    )
    plan = plan_merge(dataset, batch)
    assert [(p.element, p.field, p.message[:20]) for p in plan.problems] == [
        ("nodes[0]", "refs", "is required: every n"),
        ("edges[0]", "", "joins a node that is"),
    ]


def test_merged_keeps_existing_order_then_adds_and_summary_counts(dataset):
    plan = _plan(dataset, "Label,Type,Refs\nKinship care,topic,4\nWorkforce,theme,4\n")
    assert plan.merged.nodes[: len(dataset.nodes)] == dataset.nodes
    assert plan.merged.nodes[-1].id == "topic:kinship-care"
    assert plan.summary() == ("nodes: 1 new, 0 changed, 1 unchanged; edges: 0 new, 0 changed, 0 unchanged; 0 problems")
    assert plan.has_changes
