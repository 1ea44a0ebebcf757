"""The PostgreSQL store's tables (schema ``kg``), created by ``python -m graph init-db``.

- ``state``: one row. ``version`` is the data's version (the data folder's fingerprint of the same
  nodes and edges), read by every page's poll; ``scenes`` is scenes.json as written.
- ``nodes``, ``edges``: one row per element, its JSON as in nodes.json and edges.json. Ids sort
  by code point (``COLLATE "C"``), as the data files do.
- ``changes``: the change log, one column per field of a changes.jsonl entry, in commit order.

Changing ``nodes`` or ``edges`` outside this tool (by hand, in psql) gives the data a new version
(a trigger), so no app server keeps showing a graph under a version it no longer is.
"""

SCHEMA_VERSION = 1

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
