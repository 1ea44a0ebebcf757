"""Commands that report findings: gaps, overlaps, duplicates, rankings, matrices, the gap map, the briefing."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from graph.cli.common import EXIT_OK, add_data, add_format, emit, load, node_ref, positive, print_markdown_table
from graph.errors import GraphError
from graph.schema import NodeType, Relation


def cmd_gaps(args: argparse.Namespace) -> int:
    from graph.analysis.gaps import gap_summary, gaps

    graph = load(args)
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

    emit(args, result, text, rows)
    return EXIT_OK


def cmd_overlaps(args: argparse.Namespace) -> int:
    from graph.analysis.overlaps import overlaps

    result = overlaps(
        load(args),
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
                f"\n{item['strength'].upper():<8} {item['a']['label']}  <->  {item['b']['label']}"
                f"  (p = {item['p_value']:.3g}, q = {item['q_value']:.3g})"
            )
            print(f"  Chance: {item['caveat']}")
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
                "p_value": i["p_value"],
                "q_value": i["q_value"],
                "significant": i["significant"],
                "caveat": i["caveat"],
                "score": i["score"],
                "shared": i["shared"],
                "reason": i["reason"],
                "differs": i["differs"],
                "refs": i["refs"],
            }
            for i in value["pairs"]
        ]

    emit(args, result, text, rows)
    return EXIT_OK


def cmd_duplicates(args: argparse.Namespace) -> int:
    from graph.analysis.duplicates import duplicates

    result = duplicates(load(args), threshold=args.threshold)

    def text(value: list) -> None:
        if not value:
            print("No candidate duplicates.")
        for item in value:
            print(
                f"{item['score']:.0f}  "
                + "  |  ".join(node_ref(n) for n in item["nodes"])
                + f"\n      {item['reason']}"
            )

    def rows(value: list) -> list[dict]:
        return [
            {"kind": i.get("kind", ""), "nodes": i["nodes"], "score": i["score"], "reason": i["reason"]} for i in value
        ]

    emit(args, result, text, rows)
    return EXIT_OK


def cmd_rank(args: argparse.Namespace) -> int:
    from graph.analysis.metrics import centrality, consensus

    graph = load(args)
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
    emit(args, result, text, rows)
    return EXIT_OK


def cmd_matrix(args: argparse.Namespace) -> int:
    from graph.analysis.metrics import barrier_matrix, coverage_matrix

    graph = load(args)
    result = coverage_matrix(graph) if args.kind == "coverage" else barrier_matrix(graph)

    def grid(value: dict) -> list[dict]:
        cells = {(c["row"], c["column"]): c["value"] for c in value["cells"]}
        return [
            {"": row["label"], **{col["label"]: cells.get((row["id"], col["id"]), "") for col in value["columns"]}}
            for row in value["rows"]
        ]

    def text(value: dict) -> None:
        print_markdown_table(grid(value))

    emit(args, result, text, grid)
    return EXIT_OK


def cmd_gap_map(args: argparse.Namespace) -> int:
    from graph.analysis.gapmap import evidence_gap_map, gap_map_csv, gap_map_table, gap_map_xlsx

    result = evidence_gap_map(load(args))
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
                print_markdown_table([dict(zip(header, row, strict=True)) for row in rows])
            data = out.getvalue().encode("utf-8")
        write_bytes_atomic(path, data)
        print(f"Wrote {path} ({len(data):,} bytes)")
    elif args.format == "xlsx":
        raise GraphError("the xlsx gap map needs a file to write: add -o FILE")
    elif args.format in as_bytes:
        sys.stdout.write(as_bytes[args.format](result).decode("utf-8-sig").replace("\r\n", "\n"))
    else:
        print_markdown_table([dict(zip(header, row, strict=True)) for row in rows])
    return EXIT_OK


def _stdout_to(stream: io.StringIO):
    from contextlib import redirect_stdout

    return redirect_stdout(stream)


def cmd_report(args: argparse.Namespace) -> int:
    if args.format == "html":
        from graph.picture.briefing_page import briefing_html as render
    else:
        from graph.analysis.briefing import briefing_markdown as render

    text = render(load(args))
    if args.output:
        from graph.data.files import write_text_atomic

        write_text_atomic(Path(args.output), text)
        print(f"Wrote {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands, each with its options."""
    sub = commands.add_parser(
        "gaps", help="topics nobody raised or works on, barriers nothing addresses, missing voices, structural gaps"
    )
    add_data(sub)
    add_format(sub)
    sub.add_argument("--seed", type=int, default=0, help="seed for community detection (default: 0)")
    sub.set_defaults(func=cmd_gaps)

    sub = commands.add_parser(
        "overlaps",
        help="organisations or initiatives doing the same work (duplication); strands raising the same topics (agreement)",
    )
    add_data(sub)
    add_format(sub)
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
        "--min-shared", type=positive, default=2, help="list pairs sharing at least this many things (default: 2)"
    )
    sub.add_argument(
        "--include-related",
        action="store_true",
        help="keep pairs where one is part of, builds on, runs or funds the other",
    )
    sub.add_argument("--limit", type=positive, default=None, help="at most this many pairs")
    sub.set_defaults(func=cmd_overlaps)

    sub = commands.add_parser(
        "duplicates", help="candidate duplicate nodes: similar labels, topics listed twice, identical links"
    )
    add_data(sub)
    add_format(sub)
    sub.add_argument("--threshold", type=float, default=90.0, help="label similarity from 0 to 100 (default: 90)")
    sub.set_defaults(func=cmd_duplicates)

    sub = commands.add_parser("rank", help="topics by consensus, or nodes by degree or betweenness")
    add_data(sub)
    add_format(sub)
    sub.add_argument("--by", choices=["consensus", "degree", "betweenness"], default="consensus")
    sub.add_argument("--limit", type=positive, default=20, help="at most this many (default: 20)")
    sub.set_defaults(func=cmd_rank)

    sub = commands.add_parser("matrix", help="topic-by-strand coverage (Appendix 1) or barrier-by-response matrix")
    add_data(sub)
    add_format(sub, ("text", "json", "csv", "markdown"))
    sub.add_argument("kind", choices=["coverage", "barriers"])
    sub.set_defaults(func=cmd_matrix)

    sub = commands.add_parser(
        "gap-map", help="the evidence gap map: topics by level and theme, strands as columns, with totals"
    )
    add_data(sub)
    sub.add_argument("--format", choices=["markdown", "json", "csv", "xlsx"], default="markdown")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE (needed for xlsx)")
    sub.set_defaults(func=cmd_gap_map)

    sub = commands.add_parser(
        "report", help="the briefing for a director: who was heard, what they want, barriers, gaps, next steps"
    )
    add_data(sub)
    sub.add_argument("--format", choices=["markdown", "html"], default="markdown", help="html: a page to print")
    sub.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    sub.set_defaults(func=cmd_report)
