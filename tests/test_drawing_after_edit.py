"""An edit does not move the world: after a node is added, every node the app drew before is
drawn where it was, and the new node sits beside the nodes it links to (AppTest, no browser)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.data import edit
from graph.picture.component import component_data
from tests.conftest import DATA_DIR, ROOT

APP = str(ROOT / "app.py")


@pytest.fixture
def copy_of_data(tmp_path: Path) -> Path:
    for name in ("nodes.json", "edges.json", "scenes.json"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def _positions(at: AppTest) -> dict[str, tuple[float, float]]:
    carried = next(e for e in at.get("bidi_component") if e.proto.component_name.endswith("kg_graph_payload"))
    return {node["id"]: (node["x"], node["y"]) for node in component_data(carried.proto)["payload"]["nodes"]}


@pytest.mark.parametrize("query", [{}, {"types": ["topic", "theme"], "levels": ["system"]}], ids=["whole", "filtered"])
def test_a_new_node_lands_beside_its_neighbours_and_nothing_else_moves(monkeypatch, copy_of_data, query):
    monkeypatch.setenv("KG_DATA_DIR", str(copy_of_data))
    monkeypatch.delenv("KG_EDIT_PASSCODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value  # a link to a filtered view
    at.run()
    before = _positions(at)
    assert (len(before) < 100) == bool(query)  # the filter applies

    version = edit.snapshot(copy_of_data)[1]
    edit.add_node(
        copy_of_data,
        {"id": "topic:new-in-the-room", "type": "topic", "label": "Said in the room", "refs": ["App 1"],
         "attributes": {"level": "system"}},
        editor="test",
        expected_version=version,
    )  # fmt: skip
    version = edit.snapshot(copy_of_data)[1]
    edit.add_edge(
        copy_of_data,
        {"source": "topic:new-in-the-room", "target": "theme:creating-a-supportive-system", "relation": "in_theme",
         "refs": ["App 1"], "basis": "stated"},
        editor="test",
        expected_version=version,
    )  # fmt: skip
    at.run()
    after = _positions(at)

    assert not at.exception
    assert "topic:new-in-the-room" in after
    assert {node: after[node] for node in before} == before
    span = max(math.dist(p, q) for p in before.values() for q in before.values())
    assert math.dist(after["topic:new-in-the-room"], after["theme:creating-a-supportive-system"]) < 0.2 * span


def test_a_node_added_live_moves_beside_what_it_links_to_when_its_first_links_arrive(
    monkeypatch, copy_of_data, tmp_path_factory
):
    # The room names a body; it is drawn (beside the drawing: it links to nothing yet); then linked
    # to Poverty and Fathers, it moves beside them, and nothing else moves.
    monkeypatch.setenv("KG_DATA_DIR", str(copy_of_data))
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path_factory.mktemp("layouts")))  # laid out here, not read from disk
    monkeypatch.delenv("KG_EDIT_PASSCODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    new = "organisation:kinship-care-alliance"
    body = {"id": new, "type": "organisation", "label": "Kinship Care Alliance", "refs": ["Workshop"]}
    edit.add_node(copy_of_data, body, editor="test", expected_version=edit.snapshot(copy_of_data)[1])
    at.run()
    alone = _positions(at)
    for topic in ("topic:poverty", "topic:fathers"):
        link = {"source": new, "target": topic, "relation": "works_on", "refs": ["Workshop"], "basis": "stated"}
        edit.add_edge(copy_of_data, link, editor="test", expected_version=edit.snapshot(copy_of_data)[1])
    at.run()
    linked = _positions(at)

    assert not at.exception
    assert {n: xy for n, xy in linked.items() if n != new} == {n: xy for n, xy in alone.items() if n != new}
    ends = (linked["topic:poverty"], linked["topic:fathers"])
    centre = ((ends[0][0] + ends[1][0]) / 2, (ends[0][1] + ends[1][1]) / 2)
    span = max(math.dist(p, q) for p in linked.values() for q in linked.values())
    assert math.dist(alone[new], centre) > 0.25 * span  # first beside the drawing, far from them
    assert math.dist(linked[new], centre) < math.dist(ends[0], ends[1]) / 2 + 0.08 * span  # now beside them
