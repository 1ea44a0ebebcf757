"""The command line: one command per library function; errors become one-line 'Error: ...' messages.

Run ``python -m graph --help``. Every command takes ``--data DIR`` (default: the
``KG_DATA_DIR`` environment variable, else ``data``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from graph.errors import DataError, GraphError

EXIT_OK = 0
EXIT_ERROR = 2


def _default_data_dir() -> str:
    return os.environ.get("KG_DATA_DIR") or "data"


def _load(args: argparse.Namespace):
    from graph.build import load_graph

    return load_graph(args.data)


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _print_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _flat(row.get(key)) for key in columns})
    sys.stdout.write(out.getvalue())


def _flat(value: Any) -> Any:
    if isinstance(value, dict) and "label" in value:
        return value["label"]
    if isinstance(value, list):
        return "; ".join(str(_flat(item)) for item in value)
    return value


def _md_cell(value: Any) -> str:
    return str(_flat(value)).replace("|", "\\|").replace("\n", " ")


def _print_markdown_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("_None._")
        return
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(_md_cell(row.get(key, "")) for key in columns) + " |")


def _emit(
    args: argparse.Namespace, value: Any, text: Callable[[Any], None], rows: Callable[[Any], list] | None = None
) -> None:
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        _print_json(value)
    elif fmt == "csv":
        _print_csv(rows(value) if rows else value)
    elif fmt == "markdown":
        _print_markdown_table(rows(value) if rows else value)
    else:
        text(value)


# ----------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace) -> int:
    graph = _load(args)
    print(f"OK: {args.data} is valid ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges).")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from graph.analysis.metrics import stats

    result = stats(_load(args))

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

    _emit(args, result, text)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from graph.store import write_schema_files

    for path in write_schema_files(args.data):
        print(f"Wrote {path}")
    return EXIT_OK


# ----------------------------------------------------------------- parser


def _add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", default=_default_data_dir(), metavar="DIR", help="data directory (default: %(default)s)"
    )


def _add_format(parser: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json", "csv", "markdown")) -> None:
    parser.add_argument("--format", choices=choices, default="text", help="output format (default: text)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m graph",
        description="Explore the knowledge graph of the What Works Centre for Children's Social Care engagement report.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub = commands.add_parser("validate", help="check the data files; exit 2 with every problem listed")
    _add_data(sub)
    sub.set_defaults(func=cmd_validate)

    sub = commands.add_parser("stats", help="counts by type and relation, components, density")
    _add_data(sub)
    _add_format(sub, ("text", "json"))
    sub.set_defaults(func=cmd_stats)

    sub = commands.add_parser("schema", help="write the JSON Schema files for nodes.json and edges.json")
    _add_data(sub)
    sub.set_defaults(func=cmd_schema)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DataError as error:
        print(f"Error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except GraphError as error:
        print(f"Error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
