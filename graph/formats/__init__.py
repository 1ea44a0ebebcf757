"""Exports and imports as pure functions: a graph in, bytes or text out; bytes in, rows and a merge plan out.

No function here opens a file: callers read the upload and write exports with
``graph.data.files.write_bytes_atomic`` / ``write_text_atomic``.

Exports (each from ``graph.data.build.build_graph``'s MultiDiGraph): ``to_graphml``, ``to_gexf``
(Gephi), ``to_cytoscape`` (Cytoscape), ``to_csv`` (Excel), ``to_kumu_xlsx`` (Kumu, Excel),
``to_json`` (ours). Imports: ``parse_import`` reads .csv, .xlsx, .graphml, .gexf or .json
into an ``ImportBatch``; ``plan_merge`` matches it against the existing data and validates
the result, so ``plan.merged`` is the dataset to save; ``near_duplicates`` warns about new
nodes that are probably existing ones under a slightly different name.
"""

from graph.formats._common import slug_id
from graph.formats.batch import (
    MAX_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ELEMENTS,
    MAX_JSON_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_SHEET_ROWS,
    MAX_XLSX_ENTRIES,
    MAX_XLSX_UNPACKED_BYTES,
    ImportBatch,
    ImportedRow,
)
from graph.formats.cytoscape import to_cytoscape
from graph.formats.gexf import to_gexf
from graph.formats.graphml import to_graphml
from graph.formats.imports import parse_import
from graph.formats.kumu import to_kumu_xlsx
from graph.formats.merge import EdgeChange, MergePlan, NodeChange, plan_merge
from graph.formats.native import to_json
from graph.formats.near import NearDuplicate, near_duplicates
from graph.formats.tables import to_csv

__all__ = [
    "MAX_COLUMNS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ELEMENTS",
    "MAX_JSON_DEPTH",
    "MAX_NUMBER_DIGITS",
    "MAX_SHEET_ROWS",
    "MAX_XLSX_ENTRIES",
    "MAX_XLSX_UNPACKED_BYTES",
    "EdgeChange",
    "ImportBatch",
    "ImportedRow",
    "MergePlan",
    "NearDuplicate",
    "NodeChange",
    "near_duplicates",
    "parse_import",
    "plan_merge",
    "slug_id",
    "to_csv",
    "to_cytoscape",
    "to_gexf",
    "to_graphml",
    "to_json",
    "to_kumu_xlsx",
]
