"""A small graph with the awkward cases in it.

organisation:centre (+Centre) --runs--> initiative:guide <--funds (external)-- (same pair, two relations)
initiative:guide has an external description (outside the report, with its source)
strand:coventry --raised{qualifier}--> topic:trauma --in_theme--> theme:workforce
strand:coventry --not_prioritised (inferred)--> topic:trauma-system   (same label as topic:trauma)
strand:coventry --held_in--> place:coventry (unicode label)
message:want (=HYPERLINK label) --speaks_to--> topic:trauma
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.data.build import build_graph
from graph.schema import Dataset, Edge, Node

INJECTION = '=HYPERLINK("http://example.invalid","click")'
UNICODE_LABEL = "Coventry — Café naïve ✓ 日本"


def make_dataset() -> Dataset:
    nodes = (
        Node(id="strand:coventry", type="strand", label="Practitioner event, Coventry", refs=["2.1", "Appendix 1"]),
        Node(
            id="topic:trauma",
            type="topic",
            label="Trauma-informed practice",
            refs=["Appendix 1 / Frontline"],
            description='Working with "trauma" <in> practice & care',
            attributes={"level": "frontline", "tags": ["practice", "trauma"]},
        ),
        Node(
            id="topic:trauma-system",
            type="topic",
            label="Trauma-informed practice",
            refs=["Appendix 1 / System"],
            attributes={"level": "system"},
        ),
        Node(id="theme:workforce", type="theme", label="Workforce", refs=["4"]),
        Node(id="place:coventry", type="place", label=UNICODE_LABEL, refs=["2.1"]),
        Node(id="message:want", type="message", label=INJECTION, refs=["3"], attributes={"kind": "want", "count": 3}),
        Node(id="organisation:centre", type="organisation", label="+Centre", refs=["1"]),
        Node(
            id="initiative:guide",
            type="initiative",
            label="-Practice guide @2024",
            refs=["6.2"],
            description="A guide published by the Centre",
            basis="external",
            external_source="The Centre's own website, 'Practice guides' page",
        ),
    )
    edges = (
        Edge(
            source="strand:coventry",
            target="topic:trauma",
            relation="raised",
            refs=["Appendix 1"],
            basis="stated",
            attributes={"qualifier": "Families"},
        ),
        Edge(
            source="strand:coventry",
            target="topic:trauma-system",
            relation="not_prioritised",
            refs=["Appendix 1"],
            basis="inferred",
            rationale="Marked 'Not priority' in the table",
        ),
        Edge(source="topic:trauma", target="theme:workforce", relation="in_theme", refs=["Appendix 1"], basis="stated"),
        Edge(source="strand:coventry", target="place:coventry", relation="held_in", refs=["2.1"], basis="stated"),
        Edge(source="message:want", target="topic:trauma", relation="speaks_to", refs=["3.1", "3.2"], basis="stated"),
        Edge(source="organisation:centre", target="initiative:guide", relation="runs", refs=["6.2"], basis="stated"),
        Edge(
            source="organisation:centre",
            target="initiative:guide",
            relation="funds",
            refs=["6.2"],
            basis="external",
            rationale="The Centre paid for the guide",
            external_source="Annual report 2019, page 4",
        ),
    )
    return Dataset(nodes, edges)


@pytest.fixture
def dataset() -> Dataset:
    return make_dataset()


@pytest.fixture
def graph(dataset: Dataset) -> nx.MultiDiGraph:
    return build_graph(dataset)


@pytest.fixture
def empty_graph() -> nx.MultiDiGraph:
    return build_graph(Dataset((), ()))


@pytest.fixture
def positions(dataset: Dataset) -> dict[str, tuple[float, float]]:
    return {node.id: (float(index) * 10.5, -float(index)) for index, node in enumerate(dataset.nodes)}


@pytest.fixture
def styles() -> dict[str, dict[str, str]]:
    return {"topic": {"color": "#ff8000"}, "strand": {"color": "#0af"}, "theme": {"color": "not-a-colour"}}


@pytest.fixture
def injection() -> str:
    """The label of message:want: text a spreadsheet would run as a formula."""
    return INJECTION


@pytest.fixture
def unicode_label() -> str:
    """The label of place:coventry."""
    return UNICODE_LABEL


# --- independent readers: the parsers the target tools use, run outside Python ----------------

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "tests" / "js"
GRAPHML_XSD = Path(__file__).resolve().parent / "schemas" / "graphml-1.0" / "graphml.xsd"


def _missing(reason: str) -> None:
    """Skip with the reason; in CI (the CI variable set) a missing reader is a failure instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture
def read_with_node() -> Callable[[str, Path], dict[str, Any]]:
    """``read(kind, path)``: what graphology-gexf, graphology-graphml or cytoscape read from ``path``
    (for kind 'gexf-resaved': the GEXF text Gephi Lite's writer makes of it)."""
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed: the GEXF, GraphML and Cytoscape readers run on node")
    for package in ("graphology", "graphology-gexf", "graphology-graphml", "cytoscape"):
        if not (JS_DIR / "node_modules" / package / "package.json").is_file():
            _missing(f"{package} is not in tests/js/node_modules: run 'npm ci' in tests/js")

    def read(kind: str, path: Path) -> dict[str, Any]:
        done = subprocess.run(
            [node, str(JS_DIR / "read_graph.js"), kind, str(path)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=JS_DIR,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout if kind == "gexf-resaved" else json.loads(done.stdout)

    return read


@pytest.fixture
def graphml_schema_check() -> Callable[[Path], subprocess.CompletedProcess]:
    """``check(path)``: xmllint's verdict on ``path`` against the GraphML 1.0 schema kept in the tests."""
    xmllint = shutil.which("xmllint")
    if xmllint is None:
        _missing("xmllint is not installed (Debian: libxml2-utils)")

    def check(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [xmllint, "--noout", "--nonet", "--schema", str(GRAPHML_XSD), str(path)],
            capture_output=True,
            text=True,
            timeout=300,
        )

    return check
