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
from pathlib import Path
from typing import Any, NoReturn

from graph.errors import DataError, GraphError, listed, visible
from graph.schema import NodeType, Relation

EXIT_OK = 0
EXIT_ERROR = 2


def _default_data_dir() -> str:
    return os.environ.get("KG_DATA_DIR") or "data"


def _load(args: argparse.Namespace):
    from graph.data.build import load_graph

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


def cmd_vocabulary(args: argparse.Namespace) -> int:
    from graph.schema import vocabulary_markdown

    sys.stdout.write(vocabulary_markdown())
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from graph.data.store import write_schema_files

    for path in write_schema_files(args.data):
        print(f"Wrote {path}")
    return EXIT_OK


def _node_ref(value: dict[str, Any]) -> str:
    return f"{value['label']} ({value['id']})"


def cmd_gaps(args: argparse.Namespace) -> int:
    from graph.analysis.gaps import gap_summary, gaps

    graph = _load(args)
    found = gaps(graph, seed=args.seed)
    summary = gap_summary(graph, found)
    result = {**found, "summary": summary}

    def text(value: dict) -> None:
        for kind, about in value["summary"].items():
            items = value[kind]
            print(f"\n{about['title']} ({len(items)})")
            print(f"  {about['explanation']}")
            if about["to_fill"]:
                print(f"  To fill: {about['to_fill']}")
            for item in items:
                print(f"  - {item['label']}: {item['reason']}")
                for bridge in item.get("bridges", []):
                    print(f"      bridge: {bridge['label']} ({bridge['reason']})")

    def rows(value: dict) -> list[dict]:
        return [
            {
                "kind": kind,
                "id": item.get("id", ""),
                "label": item.get("label", ""),
                "reason": item["reason"],
                "refs": item.get("refs", []),
            }
            for kind in value["summary"]
            for item in value[kind]
        ]

    _emit(args, result, text, rows)
    return EXIT_OK


def cmd_overlaps(args: argparse.Namespace) -> int:
    from graph.analysis.overlaps import overlaps

    result = overlaps(
        _load(args),
        args.type,
        relations=args.relation or None,
        min_shared=args.min_shared,
        include_related=args.include_related,
        limit=args.limit,
    )

    def text(value: dict) -> None:
        print(value["summary"])
        if value["to_add"]:
            print(value["to_add"])
        for item in value["pairs"]:
            print(
                f"\n{item['strength'].upper():<8} {item['a']['label']}  <->  {item['b']['label']}  (score {item['score']:.2f})"
            )
            print(f"  Why: {item['reason']}")
            print(f"  Differs: {item['differs']}")
            if item["related"]:
                print(f"  Related: {item['related']}")
            print(f"  Report: {', '.join(item['refs'])}")

    def rows(value: dict) -> list[dict]:
        return [
            {
                "a": i["a"],
                "b": i["b"],
                "strength": i["strength"],
                "score": i["score"],
                "shared": i["shared"],
                "reason": i["reason"],
                "differs": i["differs"],
                "refs": i["refs"],
            }
            for i in value["pairs"]
        ]

    _emit(args, result, text, rows)
    return EXIT_OK


def cmd_duplicates(args: argparse.Namespace) -> int:
    from graph.analysis.duplicates import duplicates

    result = duplicates(_load(args), threshold=args.threshold)

    def text(value: list) -> None:
        if not value:
            print("No candidate duplicates.")
        for item in value:
            print(
                f"{item['score']:.0f}  "
                + "  |  ".join(_node_ref(n) for n in item["nodes"])
                + f"\n      {item['reason']}"
            )

    def rows(value: list) -> list[dict]:
        return [
            {"kind": i.get("kind", ""), "nodes": i["nodes"], "score": i["score"], "reason": i["reason"]} for i in value
        ]

    _emit(args, result, text, rows)
    return EXIT_OK


def cmd_path(args: argparse.Namespace) -> int:
    from graph.analysis.paths import shortest_paths
    from graph.analysis.search import resolve_node

    graph = _load(args)
    a, b = resolve_node(graph, args.source), resolve_node(graph, args.target)
    avoid = [resolve_node(graph, name) for name in args.avoid or []]
    result = shortest_paths(graph, a, b, k=args.k, max_length=args.max_length, avoid=avoid)

    def text(value: dict) -> None:
        for index, path in enumerate(value["paths"], start=1):
            print(f"{index}. " + " -> ".join(step["label"] for step in path))
        print()
        print(value["explanation"])

    def rows(value: dict) -> list[dict]:
        return [
            {"path": i, "step": j, "id": n["id"], "label": n["label"]}
            for i, p in enumerate(value["paths"], 1)
            for j, n in enumerate(p)
        ]

    _emit(args, result, text, rows)
    return EXIT_OK


def cmd_neighbours(args: argparse.Namespace) -> int:
    from graph.analysis.paths import neighbourhood
    from graph.analysis.search import resolve_node

    graph = _load(args)
    result = neighbourhood(graph, resolve_node(graph, args.node), depth=args.depth)

    def text(value: dict) -> None:
        for item in sorted(value["nodes"], key=lambda n: (n["distance"], n["type"], n["label"])):
            print(f"{item['distance']}  {item['type']:<13} {item['label']} ({item['id']})")

    _emit(args, result, text, lambda value: value["nodes"])
    return EXIT_OK


def cmd_rank(args: argparse.Namespace) -> int:
    from graph.analysis.metrics import centrality, consensus

    graph = _load(args)
    if args.by == "consensus":
        result = consensus(graph)[: args.limit]

        def text(value: list) -> None:
            for item in value:
                print(f"{item['count']:>2}  {item['label']}  [{item.get('level') or ''}]")

        def rows(value: list) -> list[dict]:
            return [
                {
                    "id": i["id"],
                    "label": i["label"],
                    "level": i.get("level"),
                    "theme": i.get("theme"),
                    "count": i["count"],
                    "strands": i["strands"],
                }
                for i in value
            ]

    else:
        result = centrality(graph, top=None)
        result = sorted(result, key=lambda i: (-i[args.by], i["label"]))[: args.limit]

        def text(value: list) -> None:
            for item in value:
                print(f"{item[args.by]:>8.4g}  {item['type']:<13} {item['label']}")

        rows = None  # type: ignore[assignment]
    _emit(args, result, text, rows)
    return EXIT_OK


def cmd_matrix(args: argparse.Namespace) -> int:
    from graph.analysis.metrics import barrier_matrix, coverage_matrix

    graph = _load(args)
    result = coverage_matrix(graph) if args.kind == "coverage" else barrier_matrix(graph)

    def grid(value: dict) -> list[dict]:
        cells = {(c["row"], c["column"]): c["value"] for c in value["cells"]}
        return [
            {"": row["label"], **{col["label"]: cells.get((row["id"], col["id"]), "") for col in value["columns"]}}
            for row in value["rows"]
        ]

    def text(value: dict) -> None:
        _print_markdown_table(grid(value))

    _emit(args, result, text, grid)
    return EXIT_OK


def cmd_gap_map(args: argparse.Namespace) -> int:
    from graph.analysis.gapmap import evidence_gap_map, gap_map_csv, gap_map_table, gap_map_xlsx

    result = evidence_gap_map(_load(args))
    header, *rows = gap_map_table(result)
    as_bytes = {
        "xlsx": gap_map_xlsx,
        "csv": gap_map_csv,
        "json": lambda value: (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
    if args.output:
        from graph.data.files import write_bytes_atomic

        path = Path(args.output)
        if not path.parent.is_dir():
            raise GraphError(f"cannot write {path}: the folder {path.parent} does not exist")
        if args.format in as_bytes:
            data = as_bytes[args.format](result)
        else:
            out = io.StringIO()
            with _stdout_to(out):
                _print_markdown_table([dict(zip(header, row, strict=True)) for row in rows])
            data = out.getvalue().encode("utf-8")
        write_bytes_atomic(path, data)
        print(f"Wrote {path} ({len(data):,} bytes)")
    elif args.format == "xlsx":
        raise GraphError("the xlsx gap map needs a file to write: add -o FILE")
    elif args.format in as_bytes:
        sys.stdout.write(as_bytes[args.format](result).decode("utf-8-sig").replace("\r\n", "\n"))
    else:
        _print_markdown_table([dict(zip(header, row, strict=True)) for row in rows])
    return EXIT_OK


def _stdout_to(stream: io.StringIO):
    from contextlib import redirect_stdout

    return redirect_stdout(stream)


def cmd_report(args: argparse.Namespace) -> int:
    from graph.analysis.briefing import briefing_markdown

    text = briefing_markdown(_load(args), top=args.top)
    if args.output:
        from graph.data.files import write_text_atomic

        write_text_atomic(Path(args.output), text)
        print(f"Wrote {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from graph.data.files import write_bytes_atomic
    from graph.picture.exports import EXPORT_FORMATS, csv_zip, export_files

    if args.table and args.format != "csv":
        raise GraphError("--table goes with --format csv (it picks the nodes or the edges table)")
    default = f"knowledge-graph{EXPORT_FORMATS[args.format]}"
    if args.format == "csv":
        default = f"knowledge-graph-{args.table}.csv" if args.table else "knowledge-graph-csv.zip"
    path = Path(args.output) if args.output else Path(default)
    if args.format == "csv" and not args.table and path.suffix.lower() == ".csv":
        raise GraphError(
            f"CSV export is two tables: give -o NAME.zip for a zip of nodes.csv and edges.csv, "
            f"or --table nodes (or edges) to write one table to {path}"
        )
    if not path.parent.is_dir():
        raise GraphError(f"cannot write {path}: the folder {path.parent} does not exist")
    graph = _load(args)
    if args.format != "csv":
        data = export_files(graph, args.format)[""]
    elif args.table:
        data = export_files(graph, "csv")[f"-{args.table}"]
    else:
        data = csv_zip(graph)
    write_bytes_atomic(path, data)
    what = " (a zip of nodes.csv and edges.csv)" if args.format == "csv" and not args.table else ""
    print(f"Wrote {path}{what} ({len(data):,} bytes)")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from graph.data.edit import merge_batch
    from graph.data.files import read_bytes
    from graph.data.store import load_dataset
    from graph.formats import MAX_IMPORT_BYTES, parse_import, plan_merge

    data = read_bytes(args.file, MAX_IMPORT_BYTES)
    batch = parse_import(data, Path(args.file).name)
    same_as = dict(args.merge or ())

    def merge(existing):
        # Planned from the data as it is under the write lock, so a concurrent import is merged, not lost.
        known = {node.id for node in existing.nodes}
        for new, old in same_as.items():
            if old not in known:
                raise GraphError(f"--merge {new}={old}: there is no existing node {old}")
        plan = plan_merge(existing, batch, same_as=same_as)
        met = {change.after.id for change in plan.changed_nodes} | {node.id for node in plan.unchanged_nodes}
        added = {node.id for node in plan.added_nodes}
        unused = sorted(new for new, old in same_as.items() if new in added or old not in met)
        if unused:
            print(f"Note: --merge {', '.join(unused)}: no row of the file would add that node; nothing merged there")
        for note in plan.notes:
            print(f"Note: {note}")
        from graph.formats import near_duplicates

        for near in near_duplicates(plan, existing):
            print(
                f"Note: new node {near.new.id} may be {near.existing.id}: {near.reason}; "
                f"keep both, or add --merge {near.new.id}={near.existing.id}"
            )
        print(f"{args.file}: {plan.summary()}")
        if plan.problems:
            raise DataError(plan.problems)
        if plan.type_changes and not args.allow_type_change:
            what = f"would change the type of {len(plan.type_changes)} existing node(s): {plan.describe_type_changes()}"
            if not args.dry_run:
                raise GraphError(f"{args.file} {what}; nothing was written (add --allow-type-change to apply it)")
            print(f"Note: {what}; applying it needs --allow-type-change")
        return plan.merged if plan.has_changes and not args.dry_run else None

    if args.dry_run:
        merge(load_dataset(args.data))
        print("Dry run: nothing written.")
        return EXIT_OK
    result = merge_batch(args.data, merge, editor=args.editor, action=f"import {Path(args.file).name}")
    print(f"Saved to {args.data}." if result.entry_id else "Nothing to change.")
    return EXIT_OK


# ----------------------------------------------------------------- parser


def _add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", default=_default_data_dir(), metavar="DIR", help="data directory (default: %(default)s)"
    )


def _add_format(parser: argparse.ArgumentParser, choices: Sequence[str] = ("text", "json", "csv", "markdown")) -> None:
    parser.add_argument("--format", choices=choices, default="text", help="output format (default: text)")


def _export_formats() -> dict[str, str]:
    from graph.picture.exports import EXPORT_FORMATS

    return EXPORT_FORMATS


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def _merge_answer(text: str) -> tuple[str, str]:
    new, sep, existing = text.partition("=")
    if not (sep and new.strip() and existing.strip()):
        raise argparse.ArgumentTypeError(f"{text!r}: give NEW=EXISTING, two node ids")
    return new.strip(), existing.strip()


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad command line reported like every other error: one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"Error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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

    sub = commands.add_parser("vocabulary", help="print the node types and relations as markdown tables")
    sub.set_defaults(func=cmd_vocabulary)

    sub = commands.add_parser("schema", help="write the JSON Schema files for nodes.json and edges.json")
    _add_data(sub)
    sub.set_defaults(func=cmd_schema)

    sub = commands.add_parser(
        "gaps", help="topics nobody raised or works on, barriers nothing addresses, missing voices, structural gaps"
    )
    _add_data(sub)
    _add_format(sub)
    sub.add_argument("--seed", type=int, default=0, help="seed for community detection (default: 0)")
    sub.set_defaults(func=cmd_gaps)

    sub = commands.add_parser(
        "overlaps",
        help="organisations or initiatives doing the same work (duplication); strands raising the same topics (agreement)",
    )
    _add_data(sub)
    _add_format(sub)
    sub.add_argument(
        "--type",
        default="organisation",
        choices=[t.value for t in NodeType],
        help="node type to compare (default: organisation; strand or stakeholder gives agreement)",
    )
    sub.add_argument(
        "--relation",
        action="append",
        choices=[r.value for r in Relation],
        help="count only these relations (repeatable)",
    )
    sub.add_argument(
        "--min-shared", type=_positive, default=2, help="list pairs sharing at least this many things (default: 2)"
    )
    sub.add_argument(
        "--include-related",
        action="store_true",
        help="keep pairs where one is part of, builds on, runs or funds the other",
    )
    sub.add_argument("--limit", type=_positive, default=None, help="at most this many pairs")
    sub.set_defaults(func=cmd_overlaps)

    sub = commands.add_parser(
        "duplicates", help="candidate duplicate nodes: similar labels, topics listed twice, identical links"
    )
    _add_data(sub)
    _add_format(sub)
    sub.add_argument("--threshold", type=float, default=90.0, help="label similarity from 0 to 100 (default: 90)")
    sub.set_defaults(func=cmd_duplicates)

    sub = commands.add_parser("path", help="shortest paths between two nodes, explained in words")
    _add_data(sub)
    _add_format(sub)
    sub.add_argument("source", help="id or label (fuzzy)")
    sub.add_argument("target", help="id or label (fuzzy)")
    sub.add_argument("--k", type=_positive, default=3, help="at most this many paths (default: 3)")
    sub.add_argument("--max-length", type=_positive, default=8, help="longest path in links (default: 8)")
    sub.add_argument(
        "--avoid", action="append", metavar="NODE", help="never go through this node (id or label; repeatable)"
    )
    sub.set_defaults(func=cmd_path)

    sub = commands.add_parser("neighbours", help="the neighbourhood of a node to a depth")
    _add_data(sub)
    _add_format(sub)
    sub.add_argument("node", help="id or label (fuzzy)")
    sub.add_argument("--depth", type=_positive, default=1, help="links away (default: 1)")
    sub.set_defaults(func=cmd_neighbours)

    sub = commands.add_parser("rank", help="topics by consensus, or nodes by degree or betweenness")
    _add_data(sub)
    _add_format(sub)
    sub.add_argument("--by", choices=["consensus", "degree", "betweenness"], default="consensus")
    sub.add_argument("--limit", type=_positive, default=20, help="at most this many (default: 20)")
    sub.set_defaults(func=cmd_rank)

    sub = commands.add_parser("matrix", help="topic-by-strand coverage (Appendix 1) or barrier-by-response matrix")
    _add_data(sub)
    _add_format(sub, ("text", "json", "csv", "markdown"))
    sub.add_argument("kind", choices=["coverage", "barriers"])
    sub.set_defaults(func=cmd_matrix)

    sub = commands.add_parser(
        "gap-map", help="the evidence gap map: topics by level and theme, strands as columns, with totals"
    )
    _add_data(sub)
    sub.add_argument("--format", choices=["markdown", "json", "csv", "xlsx"], default="markdown")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE (needed for xlsx)")
    sub.set_defaults(func=cmd_gap_map)

    sub = commands.add_parser("report", help="a markdown briefing: headline figures, consensus, gaps, overlaps")
    _add_data(sub)
    sub.add_argument("--format", choices=["markdown"], default="markdown")
    sub.add_argument("--top", type=_positive, default=10, help="items per section (default: 10)")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    sub.set_defaults(func=cmd_report)

    sub = commands.add_parser(
        "export", help="write the graph for Gephi, Cytoscape, Excel, Kumu, a browser, slides or a paper"
    )
    _add_data(sub)
    sub.add_argument("--format", required=True, choices=list(_export_formats()))
    sub.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the file to write, exactly this path (csv: a .zip of nodes.csv and edges.csv, or see --table)",
    )
    sub.add_argument(
        "--table", choices=["nodes", "edges"], help="csv only: write this one table as a .csv instead of the zip"
    )
    sub.set_defaults(func=cmd_export)

    sub = commands.add_parser("import", help="merge nodes and edges from CSV, Kumu xlsx, GraphML, GEXF or JSON")
    _add_data(sub)
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    sub.add_argument(
        "--allow-type-change", action="store_true", help="let the import change the type of existing nodes"
    )
    sub.add_argument(
        "--merge",
        action="append",
        type=_merge_answer,
        metavar="NEW=EXISTING",
        help="import the row that would add node NEW into the existing node EXISTING (repeatable)",
    )
    sub.add_argument(
        "--editor", default=os.environ.get("USER") or "command line", help="name recorded in the change log"
    )
    sub.set_defaults(func=cmd_import)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DataError as error:
        # one line per problem, each a whole error a script can grep; at most 50, then how many more
        for line in listed(error.problems):
            print(f"Error: {line}", file=sys.stderr)
        return EXIT_ERROR
    except GraphError as error:
        print(f"Error: {' '.join(visible(part) for part in str(error).splitlines())}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except ModuleNotFoundError as error:
        # Run by a Python the project was not installed into: say so, not a traceback.
        print(
            f"Error: this command needs the Python package '{error.name}', which is not installed for "
            f"{sys.executable}; install the project first (the README's first command: "
            "python3 -m venv .venv && .venv/bin/pip install -e .) and run it as .venv/bin/python -m graph",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
