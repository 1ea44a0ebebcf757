"""Every fault a user can cause on the command line gets one line saying what is wrong and where, exit 2,
and nothing written: a data file that is a folder, a data folder that is not there, a file name with
odd characters (named as the file's name, not as a cell of it), an output path that is a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.cli.main import main
from graph.data.store import load_dataset, save_dataset
from tests.conftest import DATA_DIR

CSV = "Label,Type\nKinship care,topic\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    save_dataset(folder, load_dataset(DATA_DIR))
    (tmp_path / "their-list.csv").write_text(CSV, encoding="utf-8")
    return folder


def _folder_instead_of(name: str):
    def make(data: Path) -> None:
        (data / name).unlink(missing_ok=True)
        (data / name).mkdir()

    return make


def _named(name: str):
    def make(data: Path) -> None:
        (data.parent / name).write_text(CSV, encoding="utf-8")

    return make


def _nothing(data: Path) -> None:
    pass


def _gone(data: Path) -> None:
    shutil.rmtree(data)


def _a_file(data: Path) -> None:
    shutil.rmtree(data)
    data.write_text("not a folder", encoding="utf-8")


IMPORT = ["import", "{dir}/their-list.csv"]
FAULTS = {
    "nodes.json is a folder (stats)": (
        _folder_instead_of("nodes.json"),
        ["stats"],
        "nodes.json: is a folder, not a file",
    ),
    "nodes.json is a folder (gaps csv)": (
        _folder_instead_of("nodes.json"),
        ["gaps", "--format", "csv"],
        "nodes.json: is a folder, not a file",
    ),
    "nodes.json is a folder (import)": (
        _folder_instead_of("nodes.json"),
        IMPORT,
        "nodes.json: is a folder, not a file",
    ),
    "nodes.json is a folder (export)": (
        _folder_instead_of("nodes.json"),
        ["export", "--format", "json", "-o", "{dir}/out.json"],
        "nodes.json: is a folder, not a file",
    ),
    "edges.json is a folder": (_folder_instead_of("edges.json"), ["stats"], "edges.json: is a folder, not a file"),
    "the change log is a folder": (
        _folder_instead_of("changes.jsonl"),
        IMPORT,
        "changes.jsonl: it is a folder, not a file; nothing was saved",
    ),
    "the lock file is a folder": (_folder_instead_of(".kg.lock"), IMPORT, ".kg.lock: Is a directory."),
    "no data folder": (_gone, ["stats"], "data: no such data folder"),
    "the data folder is a file": (_a_file, IMPORT, "data: is a file, not a data folder"),
    "a file name with a bidi override": (
        _named("evil\u202egpj.csv"),
        ["import", "{dir}/evil\u202egpj.csv"],
        "evil\\u202egpj.csv: the file's name holds a bidirectional override (U+202E)",
    ),
    "a file name with a line break": (
        _named("two\nlines.csv"),
        ["import", "{dir}/two\nlines.csv"],
        "two\\u000alines.csv: the file's name holds a control character (U+000A)",
    ),
    "a file name with a control character": (
        _named("bell\a.csv"),
        ["import", "{dir}/bell\a.csv", "--dry-run"],
        "bell\\u0007.csv: the file's name holds a control character (U+0007)",
    ),
    "the file to import is a folder": (
        lambda data: (data.parent / "a-folder.csv").mkdir(),
        ["import", "{dir}/a-folder.csv"],
        "a-folder.csv: is a directory, not a file",
    ),
    "the file to import is not there": (_nothing, ["import", "{dir}/missing.csv"], "missing.csv: file not found"),
    "the export goes onto a folder": (
        lambda data: (data.parent / "out.png").mkdir(),
        ["export", "--format", "png", "-o", "{dir}/out.png"],
        "out.png is a folder",
    ),
    "the export goes into a folder that is not there": (
        _nothing,
        ["export", "--format", "json", "-o", "{dir}/nowhere/out.json"],
        "the folder",
    ),
}


def _everything(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under the test's folder (the lock file aside: taking the lock may create it)."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
        if p.name != ".kg.lock" or p.is_dir()
    }


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_the_user_caused_is_one_line_exit_2_and_nothing_is_written(capsys, data: Path, fault: str):
    make, argv, said = FAULTS[fault]
    make(data)
    before = _everything(data.parent)
    code = main([part.replace("{dir}", str(data.parent)) for part in argv] + ["--data", str(data)])
    out, err = capsys.readouterr()

    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("Error: ") and said in line, line
    assert "Traceback" not in err and "Saved" not in out
    assert _everything(data.parent) == before  # nothing written, nothing left behind


def test_a_change_whose_log_turned_into_a_folder_midway_is_rolled_back_and_never_seen(data: Path, monkeypatch):
    from graph.data import edit, journal
    from graph.errors import GraphError

    before = _everything(data)
    shown = load_dataset(data)

    def log_is_now_a_folder(data_dir, entry):
        (Path(data_dir) / journal.CHANGELOG_FILE).mkdir()
        raise IsADirectoryError(21, "Is a directory")

    monkeypatch.setattr(journal, "append_changelog", log_is_now_a_folder)
    node = {"id": "topic:kinship-care", "type": "topic", "label": "Kinship care", "refs": ["W"]}
    with pytest.raises(GraphError, match="nothing was saved"):
        edit.add_node(data, node, editor="Sam", expected_version=edit.snapshot(data)[1])

    assert load_dataset(data) == shown  # readers see the data as it was
    (data / journal.CHANGELOG_FILE).rmdir()
    assert _everything(data) == before  # the files were put back, and no journal is left
