"""Every export in one place, for the command line and the app: a graph in, files' bytes out.

Composes the pure writers of ``graph.formats`` with the layout, the standalone page, the
picture and the briefing. Nothing here writes a file: callers use ``graph.data.store``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping

import networkx as nx

#: Export format -> file suffix.
EXPORT_FORMATS = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "cytoscape": ".cyjs",
    "csv": ".csv",
    "xlsx": ".xlsx",
    "json": ".json",
    "html": ".html",
    "png": ".png",
    "markdown": ".md",
    "briefing": "-briefing.html",
}

MIME_TYPES = {
    "graphml": "application/xml",
    "gexf": "application/xml",
    "cytoscape": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html",
    "png": "image/png",
    "markdown": "text/markdown",
    "briefing": "text/html",
}

DEFAULT_TITLE = "Children's social care: the national learning infrastructure"


def export_files(
    graph: nx.MultiDiGraph,
    fmt: str,
    *,
    positions: Mapping[str, tuple[float, float]] | None = None,
    node_ids: Iterable[str] | None = None,
    highlight: Iterable[str] | None = None,
    title: str = DEFAULT_TITLE,
    caption: str = "",
) -> dict[str, bytes]:
    """The files an export produces, keyed by a name part ('' for the single file; CSV gives
    '-nodes' and '-edges'). ``node_ids`` and ``highlight`` shape the pictures (html, png),
    so they show the current view; the data exports always carry the whole graph.

    >>> from graph.schema import Dataset, Node
    >>> from graph.data.build import build_graph
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> sorted(export_files(G, "csv"))
    ['-edges', '-nodes']
    """
    from graph import formats
    from graph.formats._common import node_sizes

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "markdown":
        from graph.analysis.briefing import briefing_markdown

        return {"": briefing_markdown(graph).encode("utf-8")}
    if fmt == "briefing":
        from graph.picture.briefing_page import briefing_html

        return {"": briefing_html(graph).encode("utf-8")}
    if fmt == "csv":
        tables = formats.to_csv(graph)
        return {"-nodes": tables["nodes.csv"].encode("utf-8"), "-edges": tables["edges.csv"].encode("utf-8")}
    if fmt == "xlsx":
        return {"": formats.to_kumu_xlsx(graph)}
    if fmt == "json":
        return {"": formats.to_json(graph).encode("utf-8")}
    if positions is None:
        from graph.picture.layout import compute_layout

        positions = compute_layout(graph)
    if fmt == "html":
        from graph.picture.render import standalone_html

        page = standalone_html(graph, positions, title=title, node_ids=node_ids, highlight=highlight)
        return {"": page.encode("utf-8")}
    if fmt == "png":
        from graph.picture.png import render_png

        return {
            "": render_png(graph, positions, node_ids=node_ids, highlight=highlight or (), title=title, caption=caption)
        }
    from graph.picture.render import NODE_STYLES

    styles = {node_type.value: style for node_type, style in NODE_STYLES.items()}
    sizes = node_sizes(graph)
    if fmt == "graphml":
        return {"": formats.to_graphml(graph, positions=positions, styles=styles, sizes=sizes)}
    if fmt == "gexf":
        return {"": formats.to_gexf(graph, positions=positions, styles=styles, sizes=sizes)}
    return {"": formats.to_cytoscape(graph, positions=positions, styles=styles, sizes=sizes).encode("utf-8")}


def csv_zip(graph: nx.MultiDiGraph) -> bytes:
    """The CSV export as one file: a zip holding nodes.csv and edges.csv (the same bytes each run).

    >>> from graph.schema import Dataset, Node
    >>> from graph.data.build import build_graph
    >>> G = build_graph(Dataset((Node(id="topic:t", type="topic", label="T", refs=["4"]),), ()))
    >>> zipfile.ZipFile(io.BytesIO(csv_zip(G))).namelist()
    ['nodes.csv', 'edges.csv']
    """
    files = export_files(graph, "csv")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in (("nodes.csv", "-nodes"), ("edges.csv", "-edges")):
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, files[part])
    return out.getvalue()


def table_csv(rows: list[dict]) -> bytes:
    """Rows of a table as the Table tab shows them, as a CSV for Excel (UTF-8 with a byte-order mark);
    no text cell is a formula.

    >>> table_csv([{"label": "=HYPERLINK(\\"http://x\\")", "links": 2}]).decode("utf-8-sig").splitlines()
    ['label,links', '"\\'=HYPERLINK(""http://x"")",2']
    """
    from graph.data.cells import csv_text

    columns = list(rows[0]) if rows else []
    return ("\ufeff" + csv_text([columns, *([row.get(column) for column in columns] for row in rows)])).encode("utf-8")
