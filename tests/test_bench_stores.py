"""The benchmark's store section: both stores on the same data, side by side, in one run."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/ is not an installed package
from bench import run


def test_the_database_rows_sit_beside_the_folder_rows_with_the_folder_as_baseline(pg_server, tmp_path):
    out = tmp_path / "results.json"
    with contextlib.redirect_stdout(io.StringIO()):
        run.main(["--sizes", "60", "--sections", "load,stores", "--once", "--json", str(out)])
    rows = {row["step"]: row for row in json.loads(out.read_text(encoding="utf-8"))["rows"]}

    for what in ("load (read+validate+build)", "100 version polls", "add a node (edit)"):
        folder, database = rows[f"store: {what}, folder"], rows[f"store: {what}, database"]
        assert database["baseline"] == folder["seconds"]
        assert database["ratio"] == database["seconds"] / folder["seconds"]
    assert rows["store: init-db (data folder -> database)"]["verdict"] == "ok"
    assert rows["store: load (read+validate+build), database"]["verdict"] == "ok"
    assert [row["step"] for row in rows.values() if row["verdict"] in ("error", "timeout", "missing")] == []
