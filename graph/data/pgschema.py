"""The PostgreSQL store's tables (schema ``kg``), created by ``python -m graph init-db``, and how
elements and change-log entries become their rows and back.

- ``state``: one row. ``version`` is the data's version (the data folder's fingerprint of the same
  nodes and edges), read by every page's poll; ``scenes`` is scenes.json as written.
- ``nodes``, ``edges``: one row per element, its JSON as in nodes.json and edges.json. Ids sort
  by code point (``COLLATE "C"``), as the data files do.
- ``changes``: the change log, one column per field of a changes.jsonl entry, in commit order.

Changing ``nodes`` or ``edges`` outside this tool (by hand, in psql) gives the data a new version
(a trigger), so no app server keeps showing a graph under a version it no longer is.
"""

from __future__ import annotations

import json
from typing import Any

import psycopg

from graph.data.store import dump_model
from graph.schema import Dataset

SCHEMA_VERSION = 1
#: The fields of a change-log entry, in the order changes.jsonl writes them; with_edges and undoes only when set.
ENTRY_FIELDS = ("id", "time", "editor", "action", "element", "key", "before", "after", "with_edges", "undoes")
ENTRY_TAIL = ("version_before", "version_after")
_OPTIONAL = frozenset({"with_edges", "undoes"})
_JSON_FIELDS = frozenset({"before", "after", "with_edges"})
#: The changes table's columns (``extra`` holds any field this tool does not know).
CHANGE_COLUMNS = (*ENTRY_FIELDS, *ENTRY_TAIL, "extra")

SCHEMA_SQL = """
CREATE SCHEMA IF NOT EXISTS kg;

CREATE TABLE IF NOT EXISTS kg.state (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    schema_version integer NOT NULL,
    version text NOT NULL,
    scenes text,
    scenes_version text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS kg.nodes (
    id text COLLATE "C" PRIMARY KEY,
    doc json NOT NULL
);

CREATE TABLE IF NOT EXISTS kg.edges (
    source text COLLATE "C" NOT NULL REFERENCES kg.nodes (id) DEFERRABLE INITIALLY DEFERRED,
    relation text COLLATE "C" NOT NULL,
    target text COLLATE "C" NOT NULL REFERENCES kg.nodes (id) DEFERRABLE INITIALLY DEFERRED,
    doc json NOT NULL,
    PRIMARY KEY (source, relation, target)
);
CREATE INDEX IF NOT EXISTS edges_by_target ON kg.edges (target);

CREATE TABLE IF NOT EXISTS kg.changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL UNIQUE,
    time text,
    editor text,
    action text,
    element text,
    key text,
    before json,
    after json,
    with_edges json,
    undoes text,
    version_before text,
    version_after text,
    extra json
);

CREATE OR REPLACE FUNCTION kg.touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('kg.writer', true), '') <> 'on' THEN
        UPDATE kg.state SET version = 'edited-' || txid_current()::text, changed_at = now();
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS nodes_touched ON kg.nodes;
CREATE TRIGGER nodes_touched AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kg.nodes
    FOR EACH STATEMENT EXECUTE FUNCTION kg.touched();
DROP TRIGGER IF EXISTS edges_touched ON kg.edges;
CREATE TRIGGER edges_touched AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kg.edges
    FOR EACH STATEMENT EXECUTE FUNCTION kg.touched();
"""


def doc(element: dict[str, Any]) -> str:
    return json.dumps(element, ensure_ascii=False, separators=(",", ":"))


def log(connection: psycopg.Connection, entry: dict[str, Any]) -> None:
    placeholders = ", ".join("%s" for _ in CHANGE_COLUMNS)
    connection.execute(f"INSERT INTO kg.changes ({', '.join(CHANGE_COLUMNS)}) VALUES ({placeholders})", row_of(entry))


def row_of(entry: dict[str, Any]) -> tuple:
    """An entry as the changes table's columns (JSON text for the elements; fields this tool does
    not know in ``extra``)."""
    values: list[Any] = []
    for name in (*ENTRY_FIELDS, *ENTRY_TAIL):
        value = entry.get(name)
        values.append(None if value is None else doc(value) if name in _JSON_FIELDS else str(value))
    extra = {key: value for key, value in entry.items() if key not in CHANGE_COLUMNS}
    values.append(doc(extra) if extra else None)
    return tuple(values)


def entry_of(row: tuple) -> dict[str, Any]:
    """A row of the changes table as the entry changes.jsonl holds, its fields in the same order."""
    values = dict(zip(CHANGE_COLUMNS, row, strict=True))
    entry = {name: values[name] for name in ENTRY_FIELDS if not (name in _OPTIONAL and values[name] is None)}
    entry.update({name: values[name] for name in ENTRY_TAIL})
    entry.update(values["extra"] or {})
    return entry


def copy_elements(connection: psycopg.Connection, dataset: Dataset) -> None:
    with connection.cursor() as cursor:
        with cursor.copy("COPY kg.nodes (id, doc) FROM STDIN") as copy:
            for node in dataset.nodes:
                copy.write_row((node.id, doc(dump_model(node))))
        with cursor.copy("COPY kg.edges (source, relation, target, doc) FROM STDIN") as copy:
            for edge in dataset.edges:
                copy.write_row((edge.source, edge.relation.value, edge.target, doc(dump_model(edge))))


def copy_changes(connection: psycopg.Connection, entries: list[dict[str, Any]]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY kg.changes ({', '.join(CHANGE_COLUMNS)}) FROM STDIN") as copy,
    ):
        for entry in entries:
            copy.write_row(row_of(entry))
