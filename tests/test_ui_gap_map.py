"""The gap map's panel table: each row selects what it shows."""

import networkx as nx

from graph.analysis.gapmap import evidence_gap_map
from ui.gap_map import compact_frame


def _graph():
    # CYP panel, Practice insights -raised-> voice (PI: "Families"); Advisory group 'Not priority' on it
    G = nx.MultiDiGraph()
    G.add_node("strand:cyp", type="strand", label="CYP panel", appendix_column=1, appendix_heading="CYP panel")
    G.add_node("strand:pi", type="strand", label="Practice insights", appendix_column=2)
    G.add_node("strand:ag", type="strand", label="Advisory group", appendix_column=7)
    G.add_node("theme:methods", type="theme", label="Methods", level="frontline")
    G.add_node("topic:voice", type="topic", label="Voice of the child", level="frontline")
    G.add_edge("topic:voice", "theme:methods", key="in_theme")
    G.add_edge("strand:cyp", "topic:voice", key="raised")
    G.add_edge("strand:pi", "topic:voice", key="raised", qualifier="Families")
    G.add_edge("strand:ag", "topic:voice", key="not_prioritised")
    return G


def test_each_row_selects_its_topic_and_a_theme_row_its_theme():
    frame, values, kinds = compact_frame(evidence_gap_map(_graph()))
    assert list(frame.columns) == ["Topic", "CYP", "PI", "AG", "Strands"]
    assert (kinds[0], values[0], frame.iloc[0]["Topic"]) == ("group", "theme:methods", "FRONTLINE · Methods (1)")
    assert values[1] == "topic:voice" and frame.iloc[1].tolist() == ["Voice of the child", "✓", "✓+", "NP", "2"]
    assert values[-1] is None and frame.iloc[-1].tolist() == ["ALL 1 TOPICS", "1", "1", "0", "2"]
