"""Commands that move the graph in and out: export to other tools' formats, import from them."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from graph.cli.common import EXIT_OK, add_data, load, print_json, store_of
from graph.errors import DataError, GraphError, visible


def cmd_export(args: argparse.Namespace) -> int:
    from graph.data.files import write_bytes_atomic
    from graph.picture.exports import EXPORT_FORMATS, csv_zip, export_files

    if args.table and args.format != "csv":
        raise GraphError("--table goes with --format csv (it picks the nodes or the edges table)")
    if args.output and _names_a_folder(args.output):
        return _export_folder(args)
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
    graph = load(args)
    if args.format != "csv":
        data = export_files(graph, args.format)[""]
    elif args.table:
        data = export_files(graph, "csv")[f"-{args.table}"]
    else:
        data = csv_zip(graph)
    write_bytes_atomic(path, data)
    what = " (a zip of nodes.csv and edges.csv)" if args.format == "csv" and not args.table else ""
    print(f"Wrote {visible(path)}{what} ({len(data):,} bytes)")
    return EXIT_OK


def _names_a_folder(output: str) -> bool:
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def _export_folder(args: argparse.Namespace) -> int:
    """``-o DIR/`` with json: the whole store as a data folder, the files init-db reads back identically."""
    from graph.data.transfer import write_folder

    if args.format != "json":
        raise GraphError(
            f"-o {args.output} is a folder: only --format json writes a data folder; give a file name for {args.format}"
        )
    where = store_of(args)
    contents, written = write_folder(where, Path(args.output))
    dataset = contents.dataset
    print(
        f"Wrote the data folder {args.output} from {where.describe()}: {len(dataset.nodes):,} nodes, "
        f"{len(dataset.edges):,} links, {len(contents.entries):,} change{'s' if len(contents.entries) != 1 else ''} logged ({', '.join(p.name for p in written)})"
    )
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from graph.data.edit import merge_batch
    from graph.data.files import read_bytes
    from graph.formats import MAX_IMPORT_BYTES, parse_import, plan_merge
    from graph.formats.ends import folded_name

    if args.format == "json" and not args.dry_run:
        raise GraphError("--format json goes with --dry-run (it shows what the import would do)")
    data = read_bytes(args.file, MAX_IMPORT_BYTES)
    batch = parse_import(data, Path(args.file).name)
    same_as = dict(args.merge or ())
    answers = {"ends": dict(args.means or ()), "create": dict(args.create or ()), "keep_back": args.skip_bad_rows}
    say = print if args.format == "text" else _quiet
    written = {  # the names the file gives as link ends (a cell may hold several, separated by '|')
        folded_name(part)
        for row in batch.edges
        for end in ("source", "target")
        for part in str(row.data.get(end) or "").split("|")
        if part.strip()
    }

    def merge(existing):
        # Planned from the data as it is under the write lock, so a concurrent import is merged, not lost.
        known = {node.id for node in existing.nodes}
        for new, old in same_as.items():
            if old not in known:
                raise GraphError(f"--merge {new}={old}: there is no existing node {old}")
        plan = plan_merge(existing, batch, same_as=same_as, **answers)
        if args.format == "json":
            from graph.formats.preview import import_preview

            print_json(import_preview(plan, existing))
            if plan.problems:
                raise GraphError(f"{args.file}: {len(plan.problems)} problem(s); each is listed in the JSON above")
            return None
        met = {change.after.id for change in plan.changed_nodes} | {node.id for node in plan.unchanged_nodes}
        added = {node.id for node in plan.added_nodes}
        unused = sorted(new for new, old in same_as.items() if new in added or old not in met)
        if unused:
            say(f"Note: --merge {visible(', '.join(unused))}: no row of the file would add that node; nothing merged there")
        for flag, names in (("--means", answers["ends"]), ("--create", answers["create"])):
            unanswered = sorted(name for name in names if folded_name(name) not in written)
            if unanswered:
                say(
                    f"Note: {flag} {visible(', '.join(unanswered))}: no link's end in {visible(Path(args.file).name)} "
                    "is written that way; that answer was not used"
                )
        for note in plan.notes:
            say(f"Note: {visible(note)}")
        from graph.formats import near_duplicates

        for near in near_duplicates(plan, existing):
            say(
                f"Note: new node {near.new.id} may be {near.existing.id}: {near.reason}; "
                f"keep both, or add --merge {near.new.id}={near.existing.id}"
            )
        if plan.rows_read:
            say(plan.rows_read_summary())
        for problem in plan.kept_back:
            say(f"Kept back: {problem}")
        say(f"{visible(args.file)}: {plan.summary()}")
        if plan.problems:
            raise DataError(plan.problems)
        if plan.type_changes and not args.allow_type_change:
            what = f"would change the type of {len(plan.type_changes)} existing node(s): {plan.describe_type_changes()}"
            if not args.dry_run:
                raise GraphError(f"{args.file} {what}; nothing was written (add --allow-type-change to apply it)")
            say(f"Note: {what}; applying it needs --allow-type-change")
        return plan.merged if plan.has_changes and not args.dry_run else None

    where = store_of(args)
    if args.dry_run:
        merge(where.read()[0])
        say("Dry run: nothing written.")
        return EXIT_OK
    result = merge_batch(where, merge, editor=args.editor, action=f"import {Path(args.file).name}")
    print(f"Saved to {visible(where.describe())}." if result.entry_id else "Nothing to change.")
    return EXIT_OK


def _quiet(*_: object) -> None:
    """Text lines are left out when the output is JSON."""


def _answer(what: str):
    def parse(text: str) -> tuple[str, str]:
        name, sep, value = text.rpartition("=")
        if not (sep and name.strip() and value.strip()):
            raise argparse.ArgumentTypeError(f"{text!r}: give NAME={what}")
        return name.strip(), value.strip()

    return parse


def _export_formats() -> dict[str, str]:
    from graph.picture.exports import EXPORT_FORMATS

    return EXPORT_FORMATS


def _merge_answer(text: str) -> tuple[str, str]:
    new, sep, existing = text.partition("=")
    if not (sep and new.strip() and existing.strip()):
        raise argparse.ArgumentTypeError(f"{text!r}: give NEW=EXISTING, two node ids")
    return new.strip(), existing.strip()


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands, each with its options."""
    sub = commands.add_parser(
        "export", help="write the graph for Gephi, Cytoscape, Excel, Kumu, a browser, slides or a paper"
    )
    add_data(sub)
    sub.add_argument("--format", required=True, choices=list(_export_formats()))
    sub.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the file to write, exactly this path (csv: a .zip of nodes.csv and edges.csv, or see --table); "
        "json with a folder (DIR/): the whole data folder, as init-db reads it",
    )
    sub.add_argument(
        "--table", choices=["nodes", "edges"], help="csv only: write this one table as a .csv instead of the zip"
    )
    sub.set_defaults(func=cmd_export)

    sub = commands.add_parser("import", help="merge nodes and edges from CSV, Kumu xlsx, GraphML, GEXF or JSON")
    add_data(sub)
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
        "--means",
        action="append",
        type=_answer("ID"),
        metavar="NAME=ID",
        help="a link's end written NAME (any case) is the node ID, e.g. 'Povety=topic:poverty' (repeatable)",
    )
    sub.add_argument(
        "--create",
        action="append",
        type=_answer("TYPE"),
        metavar="NAME=TYPE",
        help="a link's end names a body no node is yet: create it, e.g. 'Kinship Care Alliance=organisation'",
    )
    sub.add_argument(
        "--skip-bad-rows", action="store_true", help="import the good rows; keep back the rows with problems, listed"
    )
    sub.add_argument(
        "--format", choices=["text", "json"], default="text", help="json (with --dry-run): the preview as JSON"
    )
    sub.add_argument(
        "--editor", default=os.environ.get("USER") or "command line", help="name recorded in the change log"
    )
    sub.set_defaults(func=cmd_import)
