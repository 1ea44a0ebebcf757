"""Commands that read the data as it is: validate, stats, vocabulary, schema."""

from __future__ import annotations

import argparse
import sys

from graph.cli.common import EXIT_OK, add_data, add_format, default_data_dir, emit, load, store_of


def cmd_validate(args: argparse.Namespace) -> int:
    from graph.data.build import build_graph

    where = store_of(args)
    graph = build_graph(where.read()[0])
    print(f"OK: {where.describe()} is valid ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges).")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from graph.analysis.metrics import stats

    result = stats(load(args))

    def text(value: dict) -> None:
        print(
            f"Nodes: {value['nodes']}   Edges: {value['edges']}   Components: {value['components']}   Density: {value['density']:.4f}"
        )
        for title, key in (
            ("Nodes by type", "by_type"),
            ("Edges by relation", "by_relation"),
            ("Edges by basis", "by_basis"),
        ):
            print(f"\n{title}:")
            for name, count in value[key].items():
                print(f"  {name:<20} {count:>6}")

    emit(args, result, text)
    return EXIT_OK


def cmd_vocabulary(args: argparse.Namespace) -> int:
    from graph.schema import vocabulary_markdown

    sys.stdout.write(vocabulary_markdown())
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from graph.data.store import write_schema_files

    # The schema files belong beside the data files of a folder (an editor checks them by hand),
    # so this writes to --data, else KG_DATA_DIR, else data, whatever store the settings choose.
    for path in write_schema_files(args.data or default_data_dir()):
        print(f"Wrote {path}")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands, each with its options."""
    sub = commands.add_parser("validate", help="check the data files; exit 2 with every problem listed")
    add_data(sub)
    sub.set_defaults(func=cmd_validate)

    sub = commands.add_parser("stats", help="counts by type and relation, components, density")
    add_data(sub)
    add_format(sub, ("text", "json"))
    sub.set_defaults(func=cmd_stats)

    sub = commands.add_parser("vocabulary", help="print the node types and relations as markdown tables")
    sub.set_defaults(func=cmd_vocabulary)

    sub = commands.add_parser("schema", help="write the JSON Schema files for nodes.json and edges.json")
    add_data(sub)
    sub.set_defaults(func=cmd_schema)
