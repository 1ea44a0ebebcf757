"""render: the palette, vis-network payloads, and a standalone page that stays offline and inert."""

from __future__ import annotations

import json
import re

import pytest

from graph.data.build import build_graph
from graph.errors import NodeNotFound
from graph.picture.render import NODE_STYLES, external_references, legend, standalone_html, vis_payload
from graph.schema import Dataset, Edge, Node, NodeType

INJECTIONS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '" onmouseover="alert(1)',
    '<a href="javascript:alert(1)">x</a>',
)


def _graph(labels: dict[str, str] | None = None, description: str | None = None):
    """strand:a -raised-> topic:t -in_theme-> theme:h ; quote:q -speaks_to(inferred)-> topic:t"""
    labels = {"strand:a": "Event A", "topic:t": "Trauma", "theme:h": "Health", "quote:q": "A quote", **(labels or {})}
    nodes = tuple(
        Node(id=node_id, type=node_id.split(":")[0], label=label, refs=["4.1"], description=description)
        for node_id, label in labels.items()
    )
    edges = (
        Edge(source="strand:a", target="topic:t", relation="raised", refs=["App 1"], basis="stated"),
        Edge(source="topic:t", target="theme:h", relation="in_theme", refs=["App 1"], basis="stated"),
        Edge(
            source="quote:q", target="topic:t", relation="speaks_to", refs=["3"], basis="inferred", rationale="On topic"
        ),
    )
    return build_graph(Dataset(nodes, edges))


POSITIONS = {"strand:a": (0.0, 0.0), "topic:t": (100.0, 0.0), "theme:h": (200.0, 50.0), "quote:q": (100.0, 120.0)}


def _hostile_graph():
    labels = {"strand:a": INJECTIONS[0], "topic:t": INJECTIONS[1], "theme:h": INJECTIONS[2], "quote:q": INJECTIONS[4]}
    return _graph(labels, description=INJECTIONS[3])


# --- palette ----------------------------------------------------------------------------


def test_every_node_type_has_a_colour_a_shape_and_a_label():
    assert set(NODE_STYLES) == set(NodeType)
    for style in NODE_STYLES.values():
        assert re.fullmatch(r"#[0-9A-F]{6}", style["color"])
        assert style["shape"] and style["label"]


def test_every_node_type_has_its_own_shape_so_colour_is_never_the_only_cue():
    shapes = [style["shape"] for style in NODE_STYLES.values()]

    assert len(set(shapes)) == len(NodeType)


def test_legend_lists_every_type_once_with_a_picture_of_its_shape():
    entries = legend()

    assert [entry["type"] for entry in entries] == [node_type.value for node_type in NODE_STYLES]
    for entry in entries:
        assert entry["svg"].startswith("<svg") and entry["color"] in entry["svg"]
        assert entry["symbol"]


# --- payload ----------------------------------------------------------------------------


def test_payload_draws_every_node_at_its_position_with_physics_off():
    payload = vis_payload(_graph(), POSITIONS)

    nodes = {node["id"]: node for node in payload["nodes"]}
    assert set(nodes) == set(POSITIONS)
    assert (nodes["theme:h"]["x"], nodes["theme:h"]["y"]) == (200.0, 50.0)
    assert nodes["topic:t"]["type"] == "topic"
    assert payload["options"]["physics"]["enabled"] is False
    assert set(payload["styles"]) >= {node_type.value for node_type in NodeType}
    assert {style["shape"] for style in payload["styles"].values()} <= set(payload["shapes"])


def test_payload_edges_join_the_right_nodes_and_have_stable_ids():
    payload = vis_payload(_graph(), POSITIONS)

    edges = {edge["id"]: edge for edge in payload["edges"]}
    assert set(edges) == {"strand:a|raised|topic:t", "topic:t|in_theme|theme:h", "quote:q|speaks_to|topic:t"}
    assert (edges["strand:a|raised|topic:t"]["from"], edges["strand:a|raised|topic:t"]["to"]) == ("strand:a", "topic:t")


def test_inferred_edges_are_dashed_and_say_why():
    edge = next(e for e in vis_payload(_graph(), POSITIONS)["edges"] if e["from"] == "quote:q")

    assert edge["dashes"]
    assert "Inferred from the report's words: On topic" in edge["title"]


def test_external_links_are_drawn_apart_and_never_read_as_stated():
    # quote:q -speaks_to (external)-> topic:t, beside strand:a -raised (stated)-> topic:t
    graph = _graph()
    data = graph.edges["quote:q", "topic:t", "speaks_to"]
    data.update(basis="external", external_source="A public page")
    edges = {e["from"]: e for e in vis_payload(graph, POSITIONS)["edges"]}
    external, stated, inferred = edges["quote:q"], edges["strand:a"], vis_payload(_graph(), POSITIONS)["edges"]
    assert external["dashes"] and "dashes" not in stated
    assert external["dashes"] not in [e.get("dashes") for e in inferred if e["from"] == "quote:q"]
    assert "From outside the report" in external["title"] and "(source: A public page)" in external["title"]
    assert "Stated" not in external["title"]


def test_links_said_in_the_room_are_drawn_apart_and_name_their_session():
    # quote:q -speaks_to (room)-> topic:t, beside strand:a -raised (stated)-> topic:t
    graph = _graph()
    graph.edges["quote:q", "topic:t", "speaks_to"].update(
        basis="room", rationale=None, session="Leeds workshop", session_date="2026-12-03", editor="Sam"
    )
    edges = {e["from"]: e for e in vis_payload(graph, POSITIONS)["edges"]}
    inferred = next(e for e in vis_payload(_graph(), POSITIONS)["edges"] if e["from"] == "quote:q")
    room, stated = edges["quote:q"], edges["strand:a"]
    assert room["dashes"] and "dashes" not in stated and room["dashes"] != inferred["dashes"]
    assert "Said in the room: Leeds workshop, 2026-12-03 (captured by Sam)" in room["title"]
    assert "Stated" not in room["title"]


def test_tooltips_are_plain_text_with_the_full_label_type_and_references():
    long_label = "A very long label that will not fit on the canvas in one or two short lines at all"
    payload = vis_payload(_graph({"topic:t": long_label}), POSITIONS)

    topic = next(node for node in payload["nodes"] if node["id"] == "topic:t")
    edge = next(edge for edge in payload["edges"] if edge["from"] == "strand:a")
    assert isinstance(topic["title"], str)
    assert topic["title"].splitlines()[:2] == [long_label, "Topic · topic:t"]
    assert "Report: 4.1" in topic["title"]
    assert topic["label"].count("\n") <= 1 and topic["label"].endswith("…")
    assert edge["title"].startswith(f"Event A raised {long_label}")


def test_payload_keeps_injection_strings_as_plain_text():
    payload = vis_payload(_hostile_graph(), POSITIONS)

    titles = " ".join(node["title"] for node in payload["nodes"])
    assert all(text in titles for text in INJECTIONS)  # shown as typed, never rewritten
    assert "<" not in json.dumps(payload["options"])  # options carry no data at all


def test_node_ids_limit_the_drawing_to_those_nodes_and_the_edges_between_them():
    payload = vis_payload(_graph(), POSITIONS, node_ids=["strand:a", "topic:t"])

    assert [node["id"] for node in payload["nodes"]] == ["strand:a", "topic:t"]
    assert [edge["id"] for edge in payload["edges"]] == ["strand:a|raised|topic:t"]


def test_highlight_is_not_drawn_into_the_payload_so_it_stays_the_same_between_clicks():
    plain = vis_payload(_graph(), POSITIONS)
    lit = vis_payload(_graph(), POSITIONS, highlight=["strand:a", "topic:t"])

    assert {key: value for key, value in lit.items() if key != "highlight"} == plain
    assert lit["highlight"] == {"nodes": ["strand:a", "topic:t"], "edges": ["strand:a|raised|topic:t"]}


def test_labels_queue_by_type_then_by_connections():
    payload = vis_payload(_graph(), POSITIONS)

    ranks = {node["id"]: node["rank"] for node in payload["nodes"]}
    # theme, then strand, then the topic (3 links) before the quote (1 link)
    assert sorted(ranks, key=ranks.get) == ["theme:h", "strand:a", "topic:t", "quote:q"]


def test_size_by_degree_makes_busier_nodes_bigger_and_names_the_measure():
    payload = vis_payload(_graph(), POSITIONS, size_by="degree")

    nodes = {node["id"]: node for node in payload["nodes"]}
    assert nodes["topic:t"]["size"] > nodes["strand:a"]["size"]
    assert "Connections: 3" in nodes["topic:t"]["title"]


def test_size_by_a_metric_mapping_uses_its_values_and_name():
    payload = vis_payload(_graph(), POSITIONS, size_by={"topic:t": 0.9, "strand:a": 0.1}, metric="Betweenness")

    nodes = {node["id"]: node for node in payload["nodes"]}
    assert nodes["topic:t"]["size"] > nodes["strand:a"]["size"]
    assert "Betweenness: 0.9" in nodes["topic:t"]["title"]
    assert "size" not in nodes["quote:q"]


def test_label_scale_enlarges_every_label_and_a_projector_never_goes_under_18_px():
    small = vis_payload(_graph(), POSITIONS)["options"]["kg"]["labels"]
    large = vis_payload(_graph(), POSITIONS, label_scale=1.5)["options"]["kg"]["labels"]

    assert (small["scale"], small["min_px"]) == (1.0, 11.0)
    assert (large["scale"], large["min_px"]) == (1.5, 18.0)


def test_unknown_node_ids_are_named_in_the_error():
    with pytest.raises(NodeNotFound, match="topic:nope"):
        vis_payload(_graph(), POSITIONS, highlight=["topic:nope"])


def test_payload_is_the_same_for_the_same_input():
    assert json.dumps(vis_payload(_graph(), POSITIONS)) == json.dumps(vis_payload(_graph(), POSITIONS))


# --- standalone page --------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return standalone_html(_hostile_graph(), POSITIONS, title=INJECTIONS[1] + " & co")


def test_standalone_page_fetches_nothing_from_other_machines(hostile_page):
    assert external_references(hostile_page) == []
    assert "cdn.jsdelivr.net" not in hostile_page and "bootstrap" not in hostile_page.lower()


def test_standalone_page_never_contains_data_as_markup(hostile_page):
    benign = standalone_html(_graph(), POSITIONS, title="Graph")

    for text in INJECTIONS[:2] + INJECTIONS[4:]:
        assert text not in hostile_page
    assert hostile_page.count("<script") == benign.count("<script")
    assert hostile_page.lower().count("<img") == benign.lower().count("<img")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in hostile_page  # the title, escaped


def test_standalone_page_keeps_data_inside_its_script_as_json(hostile_page):
    data = re.search(r"var payload = (\{.*?\});\n", hostile_page).group(1)

    assert "<" not in data and ">" not in data  # escaped as \u003c, so nothing can end the script
    payload = json.loads(data)
    assert {node["label"].replace("\n", " ") for node in payload["nodes"]} >= {INJECTIONS[0]}


def test_standalone_page_draws_with_physics_off_and_exposes_the_network(hostile_page):
    payload = json.loads(re.search(r"var payload = (\{.*?\});\n", hostile_page).group(1))

    assert payload["options"]["physics"]["enabled"] is False
    assert "window.kgNetwork = drawing.network;" in hostile_page
    assert hostile_page.count("<h1>") == 1


def test_standalone_page_has_a_key_to_the_node_types_it_draws(hostile_page):
    for node_type, style in NODE_STYLES.items():
        drawn = node_type.value in {"strand", "topic", "theme", "quote"}
        assert (f"<span>{style['label']}</span>" in hostile_page) == drawn


def test_standalone_page_without_a_highlight_fades_nothing():
    page = standalone_html(_graph(), POSITIONS, title="Graph", highlight=[])

    state = json.loads(re.search(r"var highlight = (\{.*?\});\n", page).group(1))
    assert state == {"nodes": [], "edges": [], "focus": None}


def test_external_references_finds_fetches_but_not_text():
    page = """<link href="//cdn.example/x.css"><script src="https://example.org/x.js"></script>
    <style>body { background: url('http://example.org/b.png') }</style>
    <script>var s = "<img src='https://example.org/not-markup.png'>";</script>
    <img src="local.png"><a href="#top">top</a><p>https://example.org is only text</p>"""

    assert external_references(page) == [
        "//cdn.example/x.css",
        "https://example.org/x.js",
        "http://example.org/b.png",
    ]


def test_the_payload_carries_each_whole_name_and_tells_apart_two_that_read_the_same():
    from graph.data.build import build_graph
    from graph.schema import Dataset, Node

    long_label = "A very long label that will not fit on the canvas in one or two short lines at all"
    G = build_graph(
        Dataset(
            (
                Node(id="topic:a", type="topic", label="Supervision", refs=["4"], attributes={"level": "frontline"}),
                Node(id="topic:b", type="topic", label="Supervision", refs=["4"], attributes={"level": "system"}),
                Node(id="topic:c", type="topic", label=long_label, refs=["4"]),
            ),
            (),
        )
    )
    payload = vis_payload(G, {"topic:a": (0.0, 0.0), "topic:b": (50.0, 0.0), "topic:c": (0.0, 50.0)})

    texts = {node["id"]: node["text"] for node in payload["nodes"]}
    assert texts == {
        "topic:a": "Supervision (frontline level)",
        "topic:b": "Supervision (system level)",
        "topic:c": long_label,  # whole: the drawing wraps it to three lines before it shortens it
    }
