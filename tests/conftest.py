"""Shared fixtures: tiny hand-built datasets and data directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.data.store import save_dataset
from graph.schema import Dataset, Edge, Node

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"


def node(id: str, type: str, label: str | None = None, refs=("2",), **attributes) -> Node:
    return Node(id=id, type=type, label=label or id.split(":")[-1], refs=list(refs), attributes=attributes)


def edge(source: str, relation: str, target: str, refs=("2",), rationale: str | None = None, **attributes) -> Edge:
    return Edge(
        source=source,
        target=target,
        relation=relation,
        refs=list(refs),
        basis="inferred" if rationale else "stated",
        rationale=rationale,
        attributes=attributes,
    )


@pytest.fixture
def tiny_dataset() -> Dataset:
    # strand:a --raised--> topic:t --in_theme--> theme:h
    return Dataset(
        (
            node("strand:a", "strand"),
            node("topic:t", "topic", "Trauma", level="frontline"),
            node("theme:h", "theme", "Types of abuse", level="frontline"),
        ),
        (edge("strand:a", "raised", "topic:t"), edge("topic:t", "in_theme", "theme:h")),
    )


@pytest.fixture
def data_dir(tmp_path: Path, tiny_dataset: Dataset) -> Path:
    save_dataset(tmp_path, tiny_dataset)
    return tmp_path


def write_json(path: Path, value) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path
