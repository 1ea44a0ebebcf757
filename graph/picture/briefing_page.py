"""The briefing as a web page for printing: one self-contained HTML file (no script, nothing
fetched), A4 margins, the barriers as a table, quotations set apart. Text from the data is
escaped, never interpreted."""

from __future__ import annotations

import html

import networkx as nx

from graph.analysis.briefing import TITLE, Block, briefing, cite

_STYLE = """
@page { size: A4; margin: 18mm 18mm 20mm 18mm; }
body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; color: #111; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font: bold 19pt/1.2 Arial, Helvetica, sans-serif; margin: 0 0 .4em; }
h2 { font: bold 13pt/1.3 Arial, Helvetica, sans-serif; margin: 1.4em 0 .4em; border-bottom: 1px solid #999; break-after: avoid; }
p.note { font-style: italic; color: #444; }
ul { padding-left: 1.2em; } li { margin: .25em 0; }
.refs { color: #555; white-space: nowrap; }
blockquote { margin: .8em 0 .8em 1em; padding-left: .8em; border-left: 3px solid #777; break-inside: avoid; }
blockquote footer { font-size: 9.5pt; color: #444; margin-top: .2em; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; break-inside: avoid; }
th, td { border: 1px solid #aaa; padding: .3em .5em; vertical-align: top; text-align: left; }
th { background: #eee; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
"""


def briefing_html(G: nx.MultiDiGraph) -> str:
    """The briefing as a printable page.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("q", type="quote", label="<b>Ask</b>", attribution="Young person", refs=["1"])
    >>> page = briefing_html(G)
    >>> "&lt;b&gt;Ask&lt;/b&gt;" in page and "<script" not in page
    True
    """
    body = "\n".join(_block(block) for block in briefing(G))
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(TITLE)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


def _block(block: Block) -> str:
    kind = block["kind"]
    if kind == "heading":
        level = block["level"]
        return f"<h{level}>{html.escape(block['text'])}</h{level}>"
    if kind == "note":
        return f'<p class="note">{html.escape(block["text"])}</p>'
    if kind == "paragraph":
        return f"<p>{_claim(block)}</p>"
    if kind == "bullets":
        return "<ul>\n" + "\n".join(f"<li>{_claim(item)}</li>" for item in block["items"]) + "\n</ul>"
    if kind == "quote":
        by = f"{html.escape(block['by'])} {_refs(block['refs'])}"
        return f"<blockquote><p>“{html.escape(block['text'])}”</p><footer>— {by}</footer></blockquote>"
    if kind == "table":
        head = "".join(f"<th scope='col'>{html.escape(cell)}</th>" for cell in block["header"])
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in block["rows"]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return ""


def _claim(block: Block) -> str:
    lead = f"<strong>{html.escape(block['lead'])}</strong> " if block.get("lead") else ""
    return f"{lead}{html.escape(block['text'])} {_refs(block['refs'])}".rstrip()


def _refs(refs) -> str:
    said = cite(refs)
    return f'<span class="refs">{html.escape(said)}</span>' if said else ""
