"""What the room changed: begin a workshop session, and list the changes since a version, a time or
the session's start, with a short briefing of what they did to the overlaps and the gaps."""

from __future__ import annotations

import argparse
import os
from datetime import date

from graph.cli.common import EXIT_OK, add_data, print_json, store_of


def cmd_changes(args: argparse.Namespace) -> int:
    from graph.analysis.session import changes_since, session_markdown

    store = store_of(args)
    now, _ = store.read()
    report = changes_since(now, store.changelog(), args.since)
    if args.format == "json":
        print_json(report)
    else:
        session = report["session"]
        title = f"What the room changed: {session['name']}, {session['date']}" if session else "What changed"
        print(session_markdown(report, title=title), end="")
    return EXIT_OK


def cmd_session(args: argparse.Namespace) -> int:
    from graph.data.history import begin_session

    begin_session(store_of(args), args.name, args.date, editor=args.editor)
    print(f"Session begun: {args.name}, {args.date}. Changes from now on are 'since the session began'.")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add this module's commands, each with its options."""
    sub = commands.add_parser(
        "changes", help="list the changes since a data version, a time or the session's start, with a briefing"
    )
    add_data(sub)
    sub.add_argument(
        "--since",
        required=True,
        metavar="WHEN",
        help="a data version (12), a time (2026-12-03 or 2026-12-03T10:00, UTC unless it says) or 'session'",
    )
    sub.add_argument("--format", choices=["markdown", "json"], default="markdown", help="(default: markdown)")
    sub.set_defaults(func=cmd_changes)

    sub = commands.add_parser("session", help="begin a workshop session: its name and date, for every page")
    add_data(sub)
    sub.add_argument("name", metavar="NAME", help="the session's name, e.g. 'Leeds workshop'")
    sub.add_argument("--date", default=date.today().isoformat(), help="YYYY-MM-DD (default: today)")
    sub.add_argument(
        "--editor", default=os.environ.get("USER") or "command line", help="name recorded in the change log"
    )
    sub.set_defaults(func=cmd_session)
