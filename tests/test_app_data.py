"""The app's data (ui/data.py): caches kept on disk per data version, and change detection by content.

Called outside a running app (Streamlit's caches work in bare mode), against a copy of the shipped data
and a cache folder of the test's own.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from graph.data import edit
from graph.data.store import fingerprint, load_dataset, save_dataset
from tests.conftest import DATA_DIR


@pytest.fixture
def app_data(tmp_path: Path, monkeypatch):
    import streamlit as st

    from ui import data

    folder = tmp_path / "data"
    folder.mkdir()
    save_dataset(folder, load_dataset(DATA_DIR))
    monkeypatch.setenv("KG_DATA_DIR", str(folder))
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    st.cache_resource.clear()
    yield data
    st.cache_resource.clear()


# Every result kept on disk, as a page asks for it.
KEPT = {
    "layout": lambda data, h: data.positions(h),
    "communities": lambda data, h: data.communities(h),
    "gaps": lambda data, h: data.gap_report(h),
    "gap-map": lambda data, h: data.gap_map(h),
    "metrics": lambda data, h: data.node_metrics(h),
    "overlaps-initiative": lambda data, h: data.overlap_report(h, "initiative"),
    "duplicates": lambda data, h: data.duplicate_report(h),
    "coverage": lambda data, h: data.coverage(h),
}


def _kept_file(cache: Path, name: str) -> Path:
    (found,) = [p for p in cache.glob("*/*.json") if p.name.rsplit("-", 1)[0] == name]
    return found


def _as_written(name: str, version: str, value) -> bytes:
    """A kept file as the app writes it: its header (name, version, digest), then the value."""
    payload = json.dumps(value).encode()
    header = {"kind": name, "version": version, "sha256": hashlib.sha256(payload).hexdigest()}
    return json.dumps(header).encode() + b"\n" + payload


def _plain(value):
    """As JSON gives it back (tuples become lists)."""
    return json.loads(json.dumps(value))


WRONG = {
    "not JSON": lambda name, version: b"{not json",
    "an empty file": lambda name, version: b"",
    "a list for an object and an object for a list": lambda name, version: b'{"x": 1}',
    "whole, but of the wrong shape": lambda name, version: _as_written(name, version, {"nodes": "none"}),
    "whole, but a list of numbers": lambda name, version: _as_written(name, version, [1, 2]),
    "whole, but written for another version": lambda name, version: _as_written(name, "0" * 64, {}),
}


@pytest.mark.parametrize("wrong", list(WRONG))
@pytest.mark.parametrize("name", list(KEPT))
def test_a_kept_file_of_the_wrong_shape_is_dropped_and_computed_again(app_data, tmp_path, name, wrong):
    import streamlit as st

    handle = app_data.handle()
    right = _plain(KEPT[name](app_data, handle))
    path = _kept_file(tmp_path / "cache", name)
    path.write_bytes(WRONG[wrong](name, handle.version))
    st.cache_resource.clear()  # a restarted server: only the disk cache is left

    again = app_data.handle()
    assert _plain(KEPT[name](app_data, again)) == right
    head, _, payload = path.read_bytes().partition(b"\n")  # written afresh, whole
    assert json.loads(head)["kind"] == name and json.loads(payload) == right


def test_a_kept_layout_that_misses_a_node_of_this_version_is_laid_out_again(app_data, tmp_path):
    import streamlit as st

    handle = app_data.handle()
    whole = _plain(app_data.positions(handle))
    path = _kept_file(tmp_path / "cache", "layout")
    short = dict(list(whole.items())[1:])  # what a layout of the previous version looked like
    path.write_bytes(_as_written("layout", handle.version, short))
    st.cache_resource.clear()

    assert app_data.positions(app_data.handle()).keys() == whole.keys()


def test_a_data_file_replaced_with_the_same_size_and_time_is_seen_and_saving_works(app_data):
    handle = app_data.handle()
    folder = Path(handle.store.folder)
    nodes = folder / "nodes.json"
    text = nodes.read_text(encoding="utf-8")
    before = nodes.stat()
    # Someone restores another copy of the file: one letter differs, same size, same modification time.
    changed = text.replace('"label": "Trauma"', '"label": "Trauml"', 1)
    assert changed != text and len(changed) == len(text)
    replacement = folder / "restored.json"
    replacement.write_text(changed, encoding="utf-8")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, nodes)
    assert (nodes.stat().st_size, nodes.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    seen = app_data.handle()  # the next rerun
    assert seen.version == fingerprint(folder) != handle.version
    assert app_data.load(seen).nodes["topic:trauma"]["label"] == "Trauml"
    saved = edit.update_node(
        seen.store, "topic:trauma", {"label": "Trauma"}, editor="Sam", expected_version=seen.version
    )
    assert saved.entry_id and app_data.handle().version == saved.version


def test_a_file_rewritten_in_place_with_the_same_size_and_time_is_seen(app_data):
    handle = app_data.handle()
    nodes = Path(handle.store.folder) / "nodes.json"
    text = nodes.read_bytes()
    before = nodes.stat()
    with open(nodes, "r+b") as same_file:  # same inode, same size
        same_file.write(text.replace(b'"label": "Trauma"', b'"label": "Trauml"', 1))
    os.utime(nodes, ns=(before.st_atime_ns, before.st_mtime_ns))

    assert app_data.handle().version == fingerprint(nodes.parent) != handle.version
