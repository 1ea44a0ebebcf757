"""The benchmark's generator and table: valid data of the size and mix asked for; a table from a tiny run.

No timings are asserted here: the benchmark itself reports them as ratios (python -m bench.run).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from graph.data.store import dump_edges, dump_nodes, load_dataset, save_dataset
from graph.schema import RELATIONS, NodeType, Relation

# bench/ is not an installed package (pyproject installs graph* only) and pytest imports test
# modules without putting the project root on sys.path, so put it there to import bench.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import measure, run, synthetic
from bench.synthetic import EDGES_PER_NODE, NODE_MIX, make_dataset, type_counts


@pytest.fixture(scope="module")
def thousand(tmp_path_factory):
    """1,000 synthetic nodes written with save_dataset and read back through the validating loader."""
    directory = tmp_path_factory.mktemp("synthetic-1000")
    save_dataset(directory, make_dataset(1000, seed=3))
    return load_dataset(directory)


def test_generated_data_passes_the_loaders_validation_at_the_requested_size(thousand):
    assert len(thousand.nodes) == 1000
    assert len({node.id for node in thousand.nodes}) == 1000


def test_generated_data_has_about_five_edges_per_node(thousand):
    assert 0.95 * EDGES_PER_NODE * 1000 <= len(thousand.edges) <= EDGES_PER_NODE * 1000


def test_every_generated_edge_joins_types_its_relation_allows(thousand):
    types = {node.id: node.type for node in thousand.nodes}

    wrong = [e for e in thousand.edges if (types[e.source], types[e.target]) not in RELATIONS[e.relation].pairs]

    assert wrong == []


def test_generated_node_types_follow_the_mix_with_fixed_levels_and_stages(thousand):
    counts = Counter(node.type for node in thousand.nodes)

    assert counts == type_counts(1000)
    assert counts[NodeType.LEVEL] == 3
    assert counts[NodeType.STAGE] == 4
    share_of_topics = NODE_MIX[NodeType.TOPIC] / sum(NODE_MIX.values())
    assert counts[NodeType.TOPIC] == pytest.approx(share_of_topics * 993, rel=0.02)


def test_generated_data_uses_every_relation(thousand):
    assert {edge.relation for edge in thousand.edges} == set(Relation)


def test_every_generated_topic_is_in_a_theme_and_every_theme_at_a_level(thousand):
    themed = {e.source for e in thousand.edges if e.relation is Relation.IN_THEME}
    levelled = {e.source for e in thousand.edges if e.relation is Relation.AT_LEVEL}

    assert themed == {n.id for n in thousand.nodes if n.type is NodeType.TOPIC}
    assert levelled == {n.id for n in thousand.nodes if n.type is NodeType.THEME}


def test_the_same_seed_gives_the_same_files_and_another_seed_does_not():
    first, again, other = make_dataset(200, seed=1), make_dataset(200, seed=1), make_dataset(200, seed=2)

    assert dump_nodes(first.nodes) == dump_nodes(again.nodes)
    assert dump_edges(first.edges) == dump_edges(again.edges)
    assert dump_edges(first.edges) != dump_edges(other.edges)


def test_too_small_a_graph_is_refused():
    with pytest.raises(ValueError, match="at least"):
        make_dataset(5)


def test_the_generator_command_writes_both_files(tmp_path, capsys):
    assert synthetic.main(["150", str(tmp_path / "out")]) == 0

    assert len(load_dataset(tmp_path / "out").nodes) == 150
    assert "Wrote 150 nodes" in capsys.readouterr().out


def test_the_generator_command_reports_a_bad_size_in_one_line(tmp_path, capsys):
    assert synthetic.main(["3", str(tmp_path)]) == 2

    assert capsys.readouterr().err == f"Error: a synthetic graph needs at least {synthetic.MIN_NODES} nodes, not 3\n"


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The benchmark at the shipped size and two tiny sizes, every step once: its stdout and JSON."""
    out = tmp_path_factory.mktemp("bench") / "results.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        # The app section starts servers and a browser (minutes): the library's sections only here.
        run.main(
            ["--quick", "--sizes", "data,60,120", "--sections", "load,analyses,layout", "--once", "--json", str(out)]
        )
    return printed.getvalue(), json.loads(out.read_text(encoding="utf-8"))


STEPS = (
    "load+validate+build",
    "  baseline: json.load + MultiDiGraph",
    "overlaps(strand)",
    "overlaps(topic)",
    "duplicates",
    "gaps",
    "communities",
    "shortest_paths(k=3)",
    "consensus",
    "centrality",
    "coverage_matrix",
    "search_nodes",
    "compute_layout",
    "vis_payload",
)


def test_the_table_has_a_row_for_every_step_at_every_size(tiny_run):
    _, results = tiny_run
    measured = {(row["step"], row["size"]) for row in results["rows"]}

    for size in (f"data ({_shipped_nodes()})", "60", "120"):
        for step in STEPS:
            assert (step, size) in measured


def test_no_step_errors_on_tiny_graphs(tiny_run):
    _, results = tiny_run

    assert [row for row in results["rows"] if row["verdict"] in ("error", "timeout")] == []


def test_steps_at_the_second_size_are_compared_with_the_first(tiny_run):
    _, results = tiny_run
    rows = {(row["step"], row["size"]): row for row in results["rows"]}

    gaps_60, gaps_120 = rows[("gaps", "60")], rows[("gaps", "120")]
    assert gaps_120["baseline"] == gaps_60["seconds"]
    assert gaps_120["ratio"] == pytest.approx(gaps_120["seconds"] / gaps_60["seconds"])
    assert rows[("gaps", "60")]["baseline"] is None


def test_the_load_is_compared_with_its_baseline_in_the_same_run(tiny_run):
    _, results = tiny_run
    rows = {(row["step"], row["size"]): row for row in results["rows"]}

    load = rows[("load+validate+build", "120")]
    assert load["baseline"] == rows[("  baseline: json.load + MultiDiGraph", "120")]["seconds"]
    assert load["ratio"] == pytest.approx(load["seconds"] / load["baseline"])
    assert load["verdict"] == "—"  # judged only at 100k nodes


def test_the_printed_table_has_the_columns_and_the_legend(tiny_run):
    printed, _ = tiny_run
    header = printed.splitlines()[0]

    assert header.split()[:2] == ["step", "size"]
    for column in ("cpu s", "wall s", "baseline", "ratio", "÷pass", "target", "verdict", "peak MB", "note"):
        assert column in header
    assert "≤2.5x base @100k" in printed
    assert "baseline  load+validate+build: json.load + MultiDiGraph" in printed


def test_near_linear_judges_scaling_only_from_ten_thousand_nodes():
    target = measure.near_linear(10.0)

    def verdict(nodes: int, previous_nodes: int, seconds: float, previous_seconds: float) -> str:
        row = measure.Row("gaps", "x", nodes, seconds, baseline=previous_seconds, baseline_nodes=previous_nodes)
        row.ratio = seconds / previous_seconds
        return target.judge(row)

    assert verdict(100_000, 10_000, 1.3, 0.1) == "MISS"  # 13x for 10x the nodes
    assert verdict(100_000, 10_000, 1.1, 0.1) == "ok"
    assert verdict(10_000, 1_000, 1.5, 0.1) == "ok"  # below 10k only the 10 s limit counts
    assert verdict(100_000, 10_000, 10.5, 1.0) == "MISS"  # linear, but over 10 s


def test_sizes_accept_counts_thousands_and_the_shipped_data():
    assert run.parse_args(["--sizes", "data,1k,2_000"]).sizes == ["data", "1000", "2000"]
    assert run.parse_args(["--quick"]).sizes == ["data", "1000", "10000"]


def test_the_load_section_always_runs_first():
    assert run.parse_args(["--sections", "layout,load"]).sections == ["load", "layout"]


def _shipped_nodes() -> int:
    return len(json.loads((run.SHIPPED_DATA / "nodes.json").read_text(encoding="utf-8"))["nodes"])


def test_the_duplication_benchmark_scores_every_rule_on_planted_pairs():
    from bench.duplication import PLANTED, RULES, run

    tallies = run(trials=2, seed=4)
    assert set(tallies) == set(RULES)
    for tally in tallies.values():
        assert tally.planted == 2 * PLANTED and 0 <= tally.found <= tally.called
    ours, before = tallies["SDSM + Benjamini-Hochberg, q <= 0.05 (Overlaps)"], tallies["Adamic-Adar thresholds (before)"]
    assert ours.false_share() <= before.false_share()
