"""The command line: the parser and the one place errors become one-line 'Error: ...' messages.

Each group of commands lives in its own module with its options beside each command (``reading``,
``findings``, ``explore``, ``exchange``, ``history``, ``hub``); every command calls one library function.
Run ``python -m graph --help``. Every command that reads the data takes ``--data DIR``; without it, the
PostgreSQL database in ``KG_DATABASE_URL`` when that is set, else the folder in ``KG_DATA_DIR``, else
``data``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from graph.cli import exchange, explore, findings, history, hub, reading
from graph.cli.common import EXIT_ERROR, EXIT_OK
from graph.errors import DataError, GraphError, listed, visible


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

    for group in (reading, findings, explore, exchange, history, hub):
        group.register(commands)
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
