"""Tiny hand-built graphs for the analysis tests, built through the real models and ``build_graph``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from graph.data.build import build_graph
from graph.schema import Dataset, Edge, Node

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class GraphMaker:
    """Collects nodes and edges, then builds the graph the app would build from them.

    ``node("strand:a")`` takes its type from the id's prefix and its label from the rest.
    """

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []

    def node(
        self, id: str, label: str | None = None, *, type: str | None = None, refs=("2",), **attributes
    ) -> GraphMaker:
        type = type or id.split(":")[0]
        if type == "message":
            attributes.setdefault("kind", "want")
        self.nodes[id] = Node(
            id=id,
            type=type,
            label=label or id.split(":")[-1],
            refs=list(refs),
            attributes=attributes,
        )
        return self

    def edge(
        self,
        source: str,
        relation: str,
        target: str,
        *,
        refs=("2",),
        rationale=None,
        basis=None,
        external_source=None,
        **attributes,
    ) -> GraphMaker:
        for end in (source, target):
            if end not in self.nodes:
                self.node(end)
        self.edges.append(
            Edge(
                source=source,
                target=target,
                relation=relation,
                refs=list(refs),
                basis=basis or ("inferred" if rationale else "stated"),
                rationale=rationale,
                external_source=external_source,
                attributes=attributes,
            )
        )
        return self

    def graph(self) -> nx.MultiDiGraph:
        return build_graph(Dataset(tuple(self.nodes.values()), tuple(self.edges)))


@pytest.fixture
def make() -> Callable[[], GraphMaker]:
    return GraphMaker


@pytest.fixture
def appendix() -> nx.MultiDiGraph:
    """A miniature Appendix 1 with every convention the analyses rely on.

    strands: CYP panel (col 1, voices CYP), Practice insights (col 2, practitioners+leaders),
    Advisory group (col 7, leaders), Families (no column, voices families)
    frontline theme "Methods": Voice of the child <- CYP panel, Practice insights "Families"
                               Life story work <- Practice insights
    organisation theme "Staff": Supervision (org) <- Practice insights; Advisory group 'Not priority'
                                Standards of evidence (no ticks)
    system theme "Supportive system": Supervision (system) <- Practice insights "strategic leaders"
                                      Recruitment <- CYP panel "reduce turnover", Practice insights
    Supervision (org) --also_listed_as--> Supervision (system); Wave 1 works_on Supervision (system)
    barriers: Access <- Library of experts (inferred); Interest (nothing)
    """
    m = GraphMaker()
    m.node("level:frontline", "Frontline practice", level="frontline", refs=["4"])
    m.node("level:organisation", "Organisational issues", level="organisation", refs=["4"])
    m.node("level:system", "Systems issues", level="system", refs=["4"])
    m.node("strand:cyp", "CYP panel", voices=["children and young people"], appendix_column=1, refs=["2", "Appendix 1"])
    m.node("strand:pi", "Practice insights", voices=["practitioners", "leaders"], appendix_column=2, refs=["2", "5"])
    m.node("strand:advisory", "Advisory group", voices=["leaders"], appendix_column=7, refs=["2"])
    m.node("strand:families", "Families", voices=["families"], refs=["2"])
    themes = {
        "theme:methods": ("Methods", "frontline", "Appendix 1 / Frontline"),
        "theme:staff": ("Staff", "organisation", "Appendix 1 / Organisation"),
        "theme:system": ("Supportive system", "system", "Appendix 1 / System"),
    }
    for theme, (label, level, ref) in themes.items():
        m.node(theme, label, level=level, refs=[ref])
        m.edge(theme, "at_level", f"level:{level}", refs=["4"])
    topics = [
        ("topic:voice", "Voice of the child", "theme:methods", 1),
        ("topic:life-story", "Life story work", "theme:methods", 2),
        ("topic:supervision-org", "Models of supervision", "theme:staff", 3),
        ("topic:standards", "Standards of evidence", "theme:staff", 4),
        ("topic:supervision-sys", "Models of supervision", "theme:system", 5),
        ("topic:recruitment", "Recruitment, retention and resilience", "theme:system", 6),
    ]
    for topic, label, theme, order in topics:
        level = themes[theme][1]
        m.node(topic, label, level=level, order=order, refs=[themes[theme][2]])
        m.edge(topic, "in_theme", theme, refs=[themes[theme][2]])
    a1 = ("Appendix 1",)
    m.edge("strand:cyp", "raised", "topic:voice", refs=a1)
    m.edge("strand:pi", "raised", "topic:voice", refs=a1, qualifier="Families")
    m.edge("strand:pi", "raised", "topic:life-story", refs=a1)
    m.edge("strand:pi", "raised", "topic:supervision-org", refs=a1)
    m.edge("strand:advisory", "not_prioritised", "topic:supervision-org", refs=a1)
    m.edge("strand:pi", "raised", "topic:supervision-sys", refs=a1, qualifier="strategic leaders")
    m.edge("strand:cyp", "raised", "topic:recruitment", refs=a1, qualifier="reduce turnover")
    m.edge("strand:pi", "raised", "topic:recruitment", refs=a1)
    m.edge("topic:supervision-org", "also_listed_as", "topic:supervision-sys", refs=a1)
    m.node("initiative:wave-1", "Pioneer Partners Wave 1", refs=["6.2"])
    m.edge("initiative:wave-1", "works_on", "topic:supervision-sys", refs=["6.2"], rationale="Wave 1 topic")
    m.node("barrier:access", "Access", refs=["6.1"], order=3)
    m.node("barrier:interest", "Interest", refs=["6.1"], order=4)
    m.node("initiative:library", "Library of experts", refs=["5.2"])
    m.edge("initiative:library", "addresses", "barrier:access", refs=["5.2"], rationale="access to experts")
    return m.graph()


@pytest.fixture(scope="session")
def report_graph() -> nx.MultiDiGraph:
    """The report's own graph, as shipped in data/."""
    from graph.data.build import load_graph

    if not (DATA_DIR / "nodes.json").exists():
        pytest.skip("the report's data is not there yet")
    return load_graph(DATA_DIR)
