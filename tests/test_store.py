"""Reading and writing data files: located errors, deterministic and atomic writes."""

import json
import os
from pathlib import Path

import pytest

from graph.data.files import write_text_atomic
from graph.data.store import dump_edges, dump_nodes, fingerprint, load_dataset, save_dataset
from graph.errors import DataError
from tests.conftest import write_json


def test_round_trip_keeps_everything(data_dir: Path, tiny_dataset):
    loaded = load_dataset(data_dir)
    assert sorted(loaded.nodes, key=lambda n: n.id) == sorted(tiny_dataset.nodes, key=lambda n: n.id)
    assert sorted(loaded.edges, key=lambda e: e.key) == sorted(tiny_dataset.edges, key=lambda e: e.key)


def test_writes_are_deterministic_sorted_and_end_with_newline(tiny_dataset):
    reversed_nodes = tuple(reversed(tiny_dataset.nodes))
    text = dump_nodes(reversed_nodes)
    assert text == dump_nodes(tiny_dataset.nodes)
    assert text.endswith("}\n") and '\n  "nodes": [\n    {' in text
    ids = [n["id"] for n in json.loads(text)["nodes"]]
    assert ids == sorted(ids)
    assert dump_edges(tiny_dataset.edges) == dump_edges(tuple(reversed(tiny_dataset.edges)))


def test_non_ascii_is_written_as_utf8(tmp_path: Path):
    from tests.conftest import node

    text = dump_nodes((node("topic:x", "topic", "Café – ‘quoted’"),))
    assert "Café – ‘quoted’" in text


def test_invalid_json_names_line_and_column(data_dir: Path):
    (data_dir / "edges.json").write_text('{"edges": [\n  {"source": }\n]}', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    (problem,) = caught.value.problems
    assert problem.file.endswith("edges.json") and "line 2, column 14" in problem.message


def test_missing_file_is_reported(tmp_path: Path):
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    assert {p.message for p in caught.value.problems} == {"file not found"}
    assert len(caught.value.problems) == 2


def test_not_utf8_is_reported(data_dir: Path):
    (data_dir / "nodes.json").write_bytes(b'{"nodes": ["\xff"]}')
    with pytest.raises(DataError, match="not UTF-8"):
        load_dataset(data_dir)


def test_wrong_top_level_shape_is_reported(data_dir: Path):
    write_json(data_dir / "nodes.json", {"things": []})
    with pytest.raises(DataError, match="expected an object with a 'nodes' list"):
        load_dataset(data_dir)


def test_problems_in_both_files_are_reported_together(data_dir: Path):
    write_json(data_dir / "nodes.json", {"nodes": [{"id": "strand:a", "type": "strand", "label": "", "refs": ["2"]}]})
    write_json(
        data_dir / "edges.json",
        {"edges": [{"source": "x", "target": "y", "relation": "raised", "refs": ["4"], "basis": "stated"}]},
    )
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"nodes.json", "edges.json"}


def test_deeply_nested_json_is_a_clear_error(data_dir: Path):
    (data_dir / "nodes.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DataError, match="nested too deeply"):
        load_dataset(data_dir)


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path):
    target = tmp_path / "x.json"
    write_text_atomic(target, "one\n")
    write_text_atomic(target, "two\n")
    assert target.read_text() == "two\n"
    assert os.listdir(tmp_path) == ["x.json"]


def test_failed_atomic_write_keeps_the_old_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "x.json"
    target.write_text("old\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_text_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["x.json"]


def test_fingerprint_changes_with_content(data_dir: Path, tiny_dataset):
    before = fingerprint(data_dir)
    assert fingerprint(data_dir) == before
    save_dataset(data_dir, tiny_dataset.__class__(tiny_dataset.nodes[:2], tiny_dataset.edges[:1]))
    assert fingerprint(data_dir) != before


def test_a_write_that_cannot_happen_names_the_file_and_the_reason(tmp_path: Path):
    from graph.errors import GraphError

    target = tmp_path / "missing-folder" / "x.json"
    with pytest.raises(GraphError, match=r"cannot write .*x\.json: No such file or directory"):
        write_text_atomic(target, "x\n")


# ---- repeated keys are ambiguous: refused at any depth, with file, element and key


def test_a_repeated_key_in_a_node_is_refused_naming_the_node(data_dir: Path):
    path = data_dir / "nodes.json"
    path.write_text(
        '{"nodes": [{"id": "strand:a", "type": "strand", "label": "a", "refs": ["2"]},'
        ' {"id": "topic:t", "type": "topic", "label": "A", "label": "B", "refs": ["2"]}]}',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    (problem,) = caught.value.problems
    assert (problem.file, problem.element, problem.field) == (str(path), "nodes[1] (id 'topic:t')", "label")
    assert problem.message == "the key 'label' is repeated; give it once"


def test_a_second_nodes_list_is_refused_not_silently_dropped(data_dir: Path):
    (data_dir / "nodes.json").write_text('{"nodes": [], "nodes": []}', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    assert [(p.element, p.field) for p in caught.value.problems] == [("", "nodes")]


def test_a_repeated_key_deep_inside_is_found(data_dir: Path):
    (data_dir / "edges.json").write_text(
        '{"edges": [{"source": "strand:a", "relation": "raised", "target": "topic:t", "refs": ["2"],'
        ' "basis": "stated", "attributes": {"qualifier": {"x": 1, "x": 2}}}]}',
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    (problem,) = caught.value.problems
    assert (problem.element, problem.field) == ("edges[0]", "attributes.qualifier.x")


def test_an_imported_json_file_with_a_repeated_key_is_refused(capsys, data_dir: Path, tmp_path: Path):
    from graph.cli.main import main

    upload = tmp_path / "theirs.json"
    upload.write_text('{"nodes": [{"id": "topic:x", "type": "topic", "type": "barrier", "label": "X"}]}')
    before = (data_dir / "nodes.json").read_bytes()
    assert main(["import", "--data", str(data_dir), str(upload)]) == 2
    err = capsys.readouterr().err
    assert "theirs.json: nodes[0] (id 'topic:x'): field 'type': the key 'type' is repeated" in err
    assert (data_dir / "nodes.json").read_bytes() == before


def test_a_bidi_override_written_as_an_escape_in_the_file_is_still_found(data_dir: Path):
    text = (
        (data_dir / "nodes.json").read_text(encoding="utf-8").replace('"label": "Trauma"', '"label": "T\\u202erauma"')
    )
    (data_dir / "nodes.json").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(data_dir)
    assert [(p.element, p.field) for p in caught.value.problems] == [("nodes[2] (id 'topic:t')", "label")]
