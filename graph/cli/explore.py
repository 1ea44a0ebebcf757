"""Commands that follow links: paths between two nodes, a node's neighbourhood."""

from __future__ import annotations

import argparse

from graph.cli.common import EXIT_OK, add_data, add_format, emit, load, positive


def cmd_path(args: argparse.Namespace) -> int:
    from graph.analysis.paths import shortest_paths
    from graph.analysis.search import resolve_node

    graph = load(args)
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

    emit(args, result, text, rows)
    return EXIT_OK


def cmd_neighbours(args: argparse.Namespace) -> int:
    from graph.analysis.paths import neighbourhood
    from graph.analysis.search import resolve_node

    graph = load(args)
    result = neighbourhood(graph, resolve_node(graph, args.node), depth=args.depth)

    def text(value: dict) -> None:
        for item in sorted(value["nodes"], key=lambda n: (n["distance"], n["type"], n["label"])):
            print(f"{item['distance']}  {item['type']:<13} {item['label']} ({item['id']})")

    emit(args, result, text, lambda value: value["nodes"])
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands, each with its options."""
    sub = commands.add_parser("path", help="shortest paths between two nodes, explained in words")
    add_data(sub)
    add_format(sub)
    sub.add_argument("source", help="id or label (fuzzy)")
    sub.add_argument("target", help="id or label (fuzzy)")
    sub.add_argument("--k", type=positive, default=3, help="at most this many paths (default: 3)")
    sub.add_argument("--max-length", type=positive, default=8, help="longest path in links (default: 8)")
    sub.add_argument(
        "--avoid", action="append", metavar="NODE", help="never go through this node (id or label; repeatable)"
    )
    sub.set_defaults(func=cmd_path)

    sub = commands.add_parser("neighbours", help="the neighbourhood of a node to a depth")
    add_data(sub)
    add_format(sub)
    sub.add_argument("node", help="id or label (fuzzy)")
    sub.add_argument("--depth", type=positive, default=1, help="links away (default: 1)")
    sub.set_defaults(func=cmd_neighbours)
