"""What every command shares: where the data is (--data, or the settings), output in text, JSON, CSV or
markdown, and exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

EXIT_OK = 0
EXIT_ERROR = 2


def default_data_dir() -> str:
    return os.environ.get("KG_DATA_DIR") or "data"


def store_of(args: argparse.Namespace):
    """The store a command works on: the folder given with --data; else the database in
    KG_DATABASE_URL when set; else the folder in KG_DATA_DIR, else data."""
    from graph.data.stores import configured_store

    return configured_store(args.data)


def load(args: argparse.Namespace):
    from graph.data.build import build_graph

    return build_graph(store_of(args).read()[0])


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def print_csv(rows: list[dict[str, Any]]) -> None:
    """Rows as CSV, no text cell a formula (graph.data.cells); the columns are the first row's keys."""
    from graph.data.cells import csv_text

    if not rows:
        return
    columns = list(rows[0])
    table = [columns, *([_flat(row.get(key)) for key in columns] for row in rows)]
    sys.stdout.write(csv_text(table, line_end="\n"))


def _flat(value: Any) -> Any:
    if isinstance(value, dict) and "label" in value:
        return value["label"]
    if isinstance(value, list):
        return "; ".join(str(_flat(item)) for item in value)
    return value


def _md_cell(value: Any) -> str:
    return str(_flat(value)).replace("|", "\\|").replace("\n", " ")


def print_markdown_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("_None._")
        return
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(_md_cell(row.get(key, "")) for key in columns) + " |")


def emit(
    args: argparse.Namespace, value: Any, text: Callable[[Any], None], rows: Callable[[Any], list] | None = None
) -> None:
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        print_json(value)
    elif fmt == "csv":
        print_csv(rows(value) if rows else value)
    elif fmt == "markdown":
        print_markdown_table(rows(value) if rows else value)
    else:
        text(value)


def node_ref(value: dict[str, Any]) -> str:
    return f"{value['label']} ({value['id']})"


def add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="data folder (default: the database in $KG_DATABASE_URL when set, else $KG_DATA_DIR, else data)",
    )


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json", "csv", "markdown")) -> None:
    parser.add_argument("--format", choices=choices, default="text", help="output format (default: text)")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value
