"""The hub: one PostgreSQL database that every app server and the command line share.

``init-db --from DIR`` creates the tables in the database ``KG_DATABASE_URL`` names and loads a data
folder into it; ``export --format json -o DIR/`` writes it back out as a data folder.
"""

from __future__ import annotations

import argparse
import os

from graph.cli.common import EXIT_OK
from graph.errors import GraphError


def cmd_init_db(args: argparse.Namespace) -> int:
    from graph.data.postgres import HoldsGraph
    from graph.data.stores import DATABASE_SETTING, database_store
    from graph.data.transfer import load_folder

    url = os.environ.get(DATABASE_SETTING, "").strip()
    if not url:
        raise GraphError(
            f"init-db loads a data folder into the PostgreSQL database that {DATABASE_SETTING} names: "
            f"set it first ({DATABASE_SETTING}=postgresql://USER@HOST/DATABASE, the password in PGPASSWORD or ~/.pgpass)"
        )
    target = database_store(url)
    try:
        contents = load_folder(target, args.source, replace=args.replace)
    except HoldsGraph as held:
        raise GraphError(f"{held}; nothing was changed. Add --replace to replace it with {args.source}") from None
    dataset = contents.dataset
    scenes = "no scenes" if contents.scenes_text is None else "its scenes"
    verb = "Replaced the graph in" if args.replace else "Loaded"
    into = f"{target.describe()} with {args.source}" if args.replace else f"{args.source} into {target.describe()}"
    print(
        f"{verb} {into}: {len(dataset.nodes):,} nodes, {len(dataset.edges):,} links, {scenes}, "
        f"{len(contents.entries):,} change{'s' if len(contents.entries) != 1 else ''} logged."
    )
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands, each with its options."""
    sub = commands.add_parser(
        "init-db",
        help="create the tables in the database KG_DATABASE_URL names and load a data folder into it",
    )
    sub.add_argument("--from", dest="source", required=True, metavar="DIR", help="the data folder to load")
    sub.add_argument(
        "--replace", action="store_true", help="replace the graph the database holds (refused without this)"
    )
    sub.set_defaults(func=cmd_init_db)
