"""picture: the PNG of a view follows the screen's rules (style table, highlight, labels)."""

from __future__ import annotations

import io

import matplotlib.image as mpimg
import pytest

from graph.data.build import build_graph
from graph.data.store import load_dataset, load_scenes
from graph.picture.layout import compute_layout, fill_layout
from graph.picture.png import plan_picture, render_png
from graph.picture.style import FADED_FILL, MIN_PRESENTATION_PX, style_of
from graph.picture.view import apply_view
from graph.schema import Dataset, Edge, Node
from tests.conftest import DATA_DIR


def _small():
    """strand:a -raised-> topic:t -in_theme-> theme:h ; level:l"""
    nodes = tuple(
        Node(id=i, type=i.split(":")[0], label=label, refs=["4"])
        for i, label in (
            ("strand:a", "Event A"),
            ("topic:t", "Trauma"),
            ("theme:h", "Health"),
            ("level:l", "Frontline"),
        )
    )
    edges = (
        Edge(source="strand:a", target="topic:t", relation="raised", refs=["4"], basis="stated"),
        Edge(source="topic:t", target="theme:h", relation="in_theme", refs=["4"], basis="stated"),
    )
    return build_graph(Dataset(nodes, edges))


def _overlaps(labels) -> list:
    return [
        (a.id, b.id)
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a.left < b.left + b.width
        and b.left < a.left + a.width
        and a.top < b.top + b.height
        and b.top < a.top + a.height
    ]


def test_every_node_is_drawn_in_its_style_inside_the_frame_and_labelled():
    G = _small()
    picture = plan_picture(G, compute_layout(G), title="T", caption="C")

    left, top, right, bottom = picture.frame
    assert {node.id for node in picture.nodes} == set(G)
    for node in picture.nodes:
        assert node.fill == style_of(node.type).color
        assert left <= node.x <= right and top <= node.y <= bottom
    assert {label.id for label in picture.labels} == set(G)
    assert {entry["type"] for entry in picture.key} == {"strand", "topic", "theme", "level"}


def test_a_highlight_fades_the_rest_as_on_the_screen():
    G = _small()
    picture = plan_picture(G, compute_layout(G), highlight=["topic:t", "theme:h"])

    fills = {node.id: node.fill for node in picture.nodes}
    assert fills["topic:t"] == style_of("topic").color
    assert fills["strand:a"] == FADED_FILL and fills["level:l"] == FADED_FILL


def test_no_highlight_fades_nothing():
    G = _small()
    picture = plan_picture(G, compute_layout(G), highlight=[])

    assert not any(node.faded for node in picture.nodes)


@pytest.mark.parametrize("scene", load_scenes(DATA_DIR), ids=lambda scene: scene.id)
def test_every_scene_as_a_picture_labels_every_node_at_projector_size_without_overlaps(scene):
    G = build_graph(load_dataset(DATA_DIR))
    nodes = sorted(apply_view(G, scene.view).nodes)
    picture = plan_picture(G, fill_layout(G.subgraph(nodes)), node_ids=nodes, title=scene.title, caption=scene.caption)

    assert {label.id for label in picture.labels} == set(nodes)
    assert min(label.px for label in picture.labels) >= MIN_PRESENTATION_PX
    assert _overlaps(picture.labels) == []


def test_the_png_shows_each_node_in_its_colour_where_the_plan_puts_it():
    G = _small()
    where = compute_layout(G)
    picture = plan_picture(G, where, highlight=["topic:t"])
    image = mpimg.imread(io.BytesIO(render_png(G, where, highlight=["topic:t"])))

    assert image.shape[:2] == (1080, 1920)
    for node in picture.nodes:
        red, green, blue = (round(float(c) * 255) for c in image[round(node.y), round(node.x)][:3])
        assert f"#{red:02X}{green:02X}{blue:02X}" == node.fill.upper()


def test_labels_are_text_not_maths():
    G = build_graph(Dataset((Node(id="topic:m", type="topic", label="$x^2$ costs $5", refs=["4"]),), ()))

    assert render_png(G, {"topic:m": (0.0, 0.0)})[:8] == b"\x89PNG\r\n\x1a\n"
