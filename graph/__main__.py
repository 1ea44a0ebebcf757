"""Runs the command line: ``python -m graph``."""

import sys

from graph.cli.main import main

sys.exit(main())
