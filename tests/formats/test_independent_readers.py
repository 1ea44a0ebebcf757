"""Every export read back by a reader other than ours: the parsers Gephi Lite uses
(graphology-gexf, graphology-graphml), Cytoscape.js headless, xmllint with the GraphML 1.0
schema, python-calamine for the workbook and pandas for the CSV. The exports are of the shipped data, made as
the command line and the app make them (graph.picture.exports.export_files).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from graph.data.build import load_graph
from graph.data.store import load_dataset
from graph.formats import parse_import, plan_merge
from graph.formats._common import node_sizes
from graph.picture.exports import csv_zip, export_files
from graph.picture.layout import compute_layout
from graph.picture.render import NODE_STYLES
from graph.schema import NodeType

DATA = Path(__file__).resolve().parents[2] / "data"
#: Gephi Lite's colour rule (src/utils/colors.ts, isValidColor): a named colour, hex, rgb(), or
#: rgba() with a one-digit alpha. A colour it rejects is drawn grey.
GEPHI_LITE_COLOUR = re.compile(
    r"^#(?:[0-9a-fA-F]{3}){1,2}$"
    r"|^rgb\((\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3})\)$"
    r"|^rgba\((\d{1,3}),\s*(\d{1,3}),\s*(\d{1,3}),\s*\d\)$"
)


@pytest.fixture(scope="module")
def shipped():
    graph = load_graph(DATA)
    return graph, compute_layout(graph)


def _export(tmp_path: Path, shipped, fmt: str, suffix: str) -> Path:
    graph, positions = shipped
    path = tmp_path / f"kg{suffix}"
    path.write_bytes(export_files(graph, fmt, positions=positions)[""])
    return path


def _type_colour(node_type: str) -> str:
    return NODE_STYLES[NodeType(node_type)]["color"].lower()


def _hex(colour: str) -> str:
    """'rgb(136,34,85)' or '#882255' -> '#882255'."""
    if colour.startswith("#"):
        return colour.lower()
    r, g, b = (int(part) for part in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_gephi_lite_reads_every_gexf_colour_size_and_mirrored_position(tmp_path, shipped, read_with_node):
    graph, positions = shipped
    seen = read_with_node("gexf", _export(tmp_path, shipped, "gexf", ".gexf"))
    assert len(seen["nodes"]) == graph.number_of_nodes() == 225
    assert len(seen["edges"]) == graph.number_of_edges()
    sizes = node_sizes(graph)
    for node in seen["nodes"]:
        key, attributes = node["key"], node["attributes"]
        assert GEPHI_LITE_COLOUR.match(attributes["color"]), (key, attributes["color"])
        assert _hex(attributes["color"]) == _type_colour(graph.nodes[key]["type"])
        assert attributes["x"] == pytest.approx(positions[key][0])
        assert attributes["y"] == pytest.approx(-positions[key][1])  # y up, as Gephi and sigma.js draw
        assert attributes["size"] == pytest.approx(sizes[key])
        assert attributes["label"] == graph.nodes[key]["label"]
        assert attributes["type"] == graph.nodes[key]["type"]
    relations = sorted((e["source"], e["attributes"]["relation"], e["target"]) for e in seen["edges"])
    assert relations == sorted((u, k, v) for u, v, k in graph.edges(keys=True))


def test_gephi_lite_reads_every_graphml_colour_size_and_mirrored_position(tmp_path, shipped, read_with_node):
    graph, positions = shipped
    seen = read_with_node("graphml", _export(tmp_path, shipped, "graphml", ".graphml"))
    assert len(seen["nodes"]) == graph.number_of_nodes()
    assert len(seen["edges"]) == graph.number_of_edges()
    for node in seen["nodes"]:
        key, attributes = node["key"], node["attributes"]
        assert GEPHI_LITE_COLOUR.match(attributes["color"]), (key, attributes["color"])
        assert attributes["color"] == _type_colour(graph.nodes[key]["type"])
        assert (attributes["x"], attributes["y"]) == pytest.approx((positions[key][0], -positions[key][1]))
        assert attributes["size"] > 0
    assert {e["attributes"]["label"] for e in seen["edges"]} == {k for _, _, k in graph.edges(keys=True)}


def test_graphml_export_is_valid_against_the_graphml_schema(tmp_path, shipped, graphml_schema_check):
    result = graphml_schema_check(_export(tmp_path, shipped, "graphml", ".graphml"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "validates" in result.stderr


def test_the_schema_check_can_fail(tmp_path, graphml_schema_check):
    # The '|' of an edge key, as the export wrote edge ids before, is not an xs:NMTOKEN.
    path = tmp_path / "bad.graphml"
    path.write_text(
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<graph edgedefault="directed"><node id="a"/><node id="b"/>'
        '<edge id="a|raised|b" source="a" target="b"/></graph></graphml>'
    )
    result = graphml_schema_check(path)
    assert result.returncode != 0 and "fails to validate" in result.stderr


def test_cytoscape_draws_each_type_in_its_colour_and_shape(tmp_path, shipped, read_with_node):
    graph, positions = shipped
    seen = read_with_node("cytoscape", _export(tmp_path, shipped, "cytoscape", ".cyjs"))
    assert len(seen["nodes"]) == graph.number_of_nodes()
    assert len(seen["edges"]) == graph.number_of_edges()
    expected_shapes = {
        "topic": "ellipse",
        "strand": "rectangle",
        "organisation": "diamond",
        "initiative": "star",
        "message": "hexagon",
        "stakeholder": "triangle",
    }
    for node in seen["nodes"]:
        node_type = graph.nodes[node["key"]]["type"]
        r, g, b = (int(v) for v in node["style"]["background-color"][4:-1].split(","))
        assert f"#{r:02x}{g:02x}{b:02x}" == _type_colour(node_type)
        if node_type in expected_shapes:
            assert node["style"]["shape"] == expected_shapes[node_type]
        assert node["style"]["label"] == graph.nodes[node["key"]]["label"]
        assert node["position"] == pytest.approx({"x": positions[node["key"]][0], "y": positions[node["key"]][1]})
    inferred = [e for e in seen["edges"] if e["attributes"]["basis"] == "inferred"]
    assert inferred and all(e["style"]["line-style"] == "dashed" for e in inferred)
    assert all(e["style"]["target-arrow-shape"] == "triangle" for e in seen["edges"])


def test_the_workbook_reads_in_calamine(shipped):
    calamine = pytest.importorskip("python_calamine", reason="python-calamine is a test dependency")
    graph, _ = shipped
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(export_files(graph, "xlsx")[""]))
    assert book.sheet_names == ["Elements", "Connections"]
    elements = book.get_sheet_by_name("Elements").to_python()
    connections = book.get_sheet_by_name("Connections").to_python()
    assert elements[0][:5] == ["ID", "Label", "Type", "Description", "Tags"]
    assert connections[0][:5] == ["ID", "From", "To", "Type", "Direction"]
    assert len(elements) - 1 == graph.number_of_nodes()
    assert len(connections) - 1 == graph.number_of_edges()
    labels = {row[0]: row[1] for row in elements[1:]}
    assert labels == {node: data["label"] for node, data in graph.nodes(data=True)}
    ids = [row[0] for row in connections[1:]]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9-]+", connection_id) for connection_id in ids)  # one word to Kumu's search
    tags = {row[0]: row[4].split("|") for row in elements[1:]}
    assert all(f"type: {graph.nodes[node]['type']}" in tags[node] for node in graph)
    topic = next(node for node, data in graph.nodes(data=True) if data["type"] == "topic" and data.get("level"))
    assert f"level: {graph.nodes[topic]['level']}" in tags[topic]
    assert any(tag.startswith("theme: ") for tag in tags[topic])
    assert sum(any(tag.startswith("strand: ") for tag in tags[node]) for node in graph) > 50


def test_the_csv_zip_reads_in_pandas(shipped):
    pandas = pytest.importorskip("pandas")
    graph, _ = shipped
    archive = zipfile.ZipFile(io.BytesIO(csv_zip(graph)))
    nodes = pandas.read_csv(io.BytesIO(archive.read("nodes.csv")), encoding="utf-8-sig", keep_default_na=False)
    edges = pandas.read_csv(io.BytesIO(archive.read("edges.csv")), encoding="utf-8-sig", keep_default_na=False)
    assert list(nodes.columns[:5]) == ["id", "label", "type", "description", "refs"]
    assert dict(zip(nodes["id"], nodes["label"], strict=True)) == {n: d["label"] for n, d in graph.nodes(data=True)}
    assert len(edges) == graph.number_of_edges()
    assert sorted(zip(edges["source"], edges["relation"], edges["target"], strict=True)) == sorted(
        (u, k, v) for u, v, k in graph.edges(keys=True)
    )


def test_a_gexf_saved_again_by_gephi_lite_imports_back_unchanged(tmp_path, shipped, read_with_node):
    resaved = read_with_node("gexf-resaved", _export(tmp_path, shipped, "gexf", ".gexf"))
    plan = plan_merge(load_dataset(DATA), parse_import(resaved.encode("utf-8"), "from-gephi-lite.gexf"))
    assert plan.problems == () and not plan.has_changes
    assert len(plan.unchanged_nodes) == 225 and len(plan.unchanged_edges) == shipped[0].number_of_edges()
