"""A briefing for a director: the report's story first, then what the graph adds.

It leads with who was heard (the report's totals), what they want, the five barriers with their
definitions, the gaps (topics no one raised, voices not heard), what the graph adds (agreement
and duplication tested against chance, with what rests on outside knowledge), and the next
steps. Every claim ends with the report sections it rests on; labels are never cut; no count of
zero is printed; no graph jargon. :func:`briefing` gives the blocks, :func:`briefing_markdown`
the markdown; ``graph.picture.briefing_page`` the web page for printing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.analysis._common import in_links, label_of, merge_refs, natural_key, node_data, nodes_of_type, out_links
from graph.analysis.gaps import gaps
from graph.analysis.metrics import consensus
from graph.analysis.overlaps import overlaps
from graph.analysis.reported import messages_of_kind, next_steps, report_totals
from graph.bases import BASES
from graph.schema import Relation

TITLE = "What the sector told the What Works Centre for Children's Social Care"
SOURCE = (
    "A briefing on the Centre's report 'Stakeholder engagement during “gestation phase”, October 2017 – June 2018' "
    "(July 2018). Numbers in brackets are the report's sections; anything from outside the report says so."
)
#: At most this many words (the test holds the shipped briefing to it).
MAX_WORDS = 1500
#: Quotations the briefing gives (the report's own words, with who said them).
QUOTES = 4

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#+!~])")

Block = dict[str, Any]  # {"kind": "heading"|"paragraph"|"bullets"|"quote"|"table", ...}


def cite(refs: Iterable[str]) -> str:
    """The report sections behind a claim, as the briefing prints them.

    >>> cite(["Appendix 1 / System", "6.2", "6.2"])
    '(6.2; Appendix 1)'
    """
    short = sorted({str(r).split(" / ")[0] for r in refs if r}, key=natural_key)
    return f"({'; '.join(short)})" if short else ""


def escape(text: object) -> str:
    """Text from the data made safe inside markdown (a label with ``|`` or ``*`` cannot break the page)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def briefing(G: nx.MultiDiGraph) -> list[Block]:
    """The briefing as blocks: headings, paragraphs and bullets (each with its ``refs``), quotations
    with their attribution, and the barriers' table.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("b", type="barrier", label="Existence", description="There is a lack of evidence.",
    ...            refs=["6.1"], order=1)
    >>> [b["text"] for b in briefing(G) if b["kind"] == "heading"][:2]
    ["What the sector told the What Works Centre for Children's Social Care", 'The one barrier to using evidence']
    """
    quotes = _quotes(G)
    blocks: list[Block] = [_heading(TITLE, 1), {"kind": "note", "text": SOURCE}]
    blocks += _in_short(G)
    blocks += _who(G, quotes[:1])
    blocks += _wants(G, quotes[1:])
    blocks += _barriers(G)
    blocks += _gaps(G)
    blocks += _adds(G)
    blocks += _next(G)
    return [b for b in blocks if b["kind"] != "bullets" or b["items"]]


def briefing_markdown(G: nx.MultiDiGraph) -> str:
    """The briefing as markdown.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("q", type="quote", label="Always ask", attribution="Young person", refs=["1"])
    >>> print(briefing_markdown(G).splitlines()[4])
    > “Always ask” — Young person (1)
    """
    lines: list[str] = []
    for block in briefing(G):
        kind = block["kind"]
        if kind == "heading":
            lines += ["#" * block["level"] + " " + escape(block["text"]), ""]
        elif kind == "note":
            lines += [f"_{escape(block['text'])}_", ""]
        elif kind == "paragraph":
            lines += [_claim(block), ""]
        elif kind == "bullets":
            lines += [f"- {_claim(item)}" for item in block["items"]] + [""]
        elif kind == "quote":
            lines += [f"> “{escape(block['text'])}” — {escape(block['by'])} {cite(block['refs'])}", ""]
        elif kind == "table":
            lines += ["| " + " | ".join(escape(cell) for cell in block["header"]) + " |"]
            lines += ["|" + "---|" * len(block["header"])]
            lines += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in block["rows"]] + [""]
    return "\n".join(lines).rstrip() + "\n"


def words(text: str) -> int:
    """How many words a reader reads (markdown marks and section numbers count as they print)."""
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.,/&%–-]*", text))


# --- the sections ---------------------------------------------------------------------------------


def _heading(text: str, level: int = 2) -> Block:
    return {"kind": "heading", "text": text, "level": level}


def _claim(block: Block) -> str:
    strong = f"**{escape(block['lead'])}** " if block.get("lead") else ""
    return f"{strong}{escape(block['text'])} {cite(block['refs'])}".rstrip()


def _item(text: str, refs: Iterable[str], lead: str = "") -> Block:
    return {"text": text, "refs": list(refs), "lead": lead}


def _in_short(G: nx.MultiDiGraph) -> list[Block]:
    """Three sentences a director can repeat: who, what they want, what is missing."""
    items = []
    totals, wants = report_totals(G), messages_of_kind(G, "want")
    if totals and wants:
        heard = "; ".join(
            [totals[0]["headline"]]
            + [f"{t['count']} {_lower(t['label'])}" for t in totals[1:2] if isinstance(t["count"], int)]
        )
        asks = _listed([_lower(w["label"]).rstrip(".") for w in wants[:2]])
        items.append(_item(f"The Centre heard from {heard}. They asked it to {asks}.", ["2", "3"]))
    barriers = nodes_of_type(G, "barrier")
    unraised = gaps(G)["unraised_topics"]
    if barriers and unraised:
        chosen = sum(
            1
            for topic in unraised
            for keyed in in_links(G, topic["id"]).values()
            if (keyed.get(Relation.WORKS_ON.value) or {}).get("wave_topic")
        )
        text = f"The report names {_count(len(barriers), 'barrier')} to using evidence; {_count(len(unraised), 'topic')} on its list no one raised"
        text += f", {'one' if chosen == 1 else chosen} of which the Centre chose to test first." if chosen else "."
        items.append(_item(text, ["6.1", "6.2", "Appendix 1"]))
    found = [overlaps(G, kind, limit=3) for kind in ("organisation", "initiative")]
    signed = [p for result in found for p in result["pairs"] if p["duplication"]]
    if not any(result["tested"]["pairs"] for result in found):
        pass  # no bodies compared: nothing to say about duplication
    elif signed:
        pairs = _listed([f"{p['a']['label']} and {p['b']['label']}" for p in signed])
        items.append(_item(f"{pairs} duplicate each other's work beyond what chance explains.", ["3.7", "5.7"]))
    else:
        items.append(
            _item(
                "Nothing in the report shows bodies duplicating each other's work once chance is allowed for; it "
                "says too little about what each body does to tell.",
                ["3.7", "5.7"],
            )
        )
    return [_heading("In short"), {"kind": "bullets", "items": items}] if items else []


def _count(n: int, noun: str) -> str:
    words_for = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    return f"{words_for.get(n, n)} {noun}{'s' if n != 1 else ''}"


def _who(G: nx.MultiDiGraph, quotes: list[Block]) -> list[Block]:
    totals = report_totals(G)
    if not totals:
        return quotes
    items = []
    for total in totals:
        text = total["headline"][0].upper() + total["headline"][1:]
        if total["parts"]:
            text += ": " + _listed([f"{p['count']} {_lower(p['label'])}" for p in total["parts"]])
        items.append(_item(text + ".", total["refs"]))
    return [_heading("Who was heard"), {"kind": "bullets", "items": items}, *quotes]


def _wants(G: nx.MultiDiGraph, quotes: list[Block]) -> list[Block]:
    wants = messages_of_kind(G, "want")
    points = messages_of_kind(G, "point")
    if not wants:
        return quotes
    blocks = [
        _heading("What they want from the Centre"),
        {"kind": "bullets", "items": [_item(_sentence(m["label"]), m["refs"]) for m in wants]},
    ]
    if points:
        items = [_item(_sentence(p["label"]), p["refs"]) for p in points]
        blocks += [
            {
                "kind": "paragraph",
                **_item(
                    "Behind these, the report makes three points a director should weigh."
                    if len(points) == 3
                    else "Behind these, the report makes points a director should weigh.",
                    merge_refs(*(p["refs"] for p in points)),
                ),
            },
            {"kind": "bullets", "items": items},
        ]
    return blocks + quotes


def _barriers(G: nx.MultiDiGraph) -> list[Block]:
    barriers = sorted(nodes_of_type(G, "barrier"), key=lambda b: (node_data(G, b).get("order", 99), b))
    if not barriers:
        return []
    rows = [[label_of(G, b), str(node_data(G, b).get("description") or "")] for b in barriers]
    refs = merge_refs(*(node_data(G, b).get("refs") or () for b in barriers))
    count = _count(len(barriers), "barrier")
    intro = f"The report names {count} to evidence-informed change, in its own words below."
    blocks = [
        _heading(f"The {count} to using evidence"),
        {"kind": "paragraph", **_item(intro, refs)},
        {"kind": "table", "header": ["Barrier", "What the report says"], "rows": rows},
    ]
    thin = [b for b in barriers if len([s for s in in_links(G, b) if Relation.ADDRESSES in in_links(G, b)[s]]) == 1]
    for barrier in thin:
        (source,) = [s for s, keyed in in_links(G, barrier).items() if Relation.ADDRESSES in keyed]
        text = (
            f"Only one thing in the report is said to address {label_of(G, barrier)}: {label_of(G, source)}, "
            "which aims at all five."
            if len(list(_addressed(G, source))) >= len(barriers)
            else f"Only {label_of(G, source)} is said to address {label_of(G, barrier)}."
        )
        refs_here = in_links(G, barrier)[source][Relation.ADDRESSES.value].get("refs") or ()
        blocks.append({"kind": "paragraph", **_item(text, [*refs_here, *(node_data(G, barrier).get("refs") or ())])})
    return blocks


def _addressed(G: nx.MultiDiGraph, node: str) -> Iterable[str]:
    return (t for t, keyed in out_links(G, node).items() if Relation.ADDRESSES in keyed)


def _gaps(G: nx.MultiDiGraph) -> list[Block]:
    found = gaps(G)
    items = []
    for topic in found["unraised_topics"]:
        text = f"No strand raised “{topic['label']}” ({topic['level']} level, {topic['theme']})."
        refs = list(topic["refs"])
        for initiative, keyed in in_links(G, topic["id"]).items():
            chosen = keyed.get(Relation.WORKS_ON.value)
            if chosen and chosen.get("wave_topic"):
                text += (
                    f" Yet the Centre chose “{chosen['wave_topic']}” as a topic for {label_of(G, initiative)}: "
                    "its own priority, not one the sector raised."
                )
                refs += list(chosen.get("refs") or ())
        items.append(_item(text, refs))
    silent = found["missing_voices"]
    if silent:
        unheard = [v for v in silent if set(v["missing"]) >= {"children and young people", "families"}]
        names = _listed([_lower(v["label"]) for v in (unheard or silent)])
        text = (
            f"Children, young people and families raised no topic in {len(unheard)} of the framework's levels and themes: "
            f"{names}."
            if unheard
            else f"Families raised no topic in: {names}."
        )
        items.append(_item(text, ["4", "Appendix 1"]))
    unaddressed = found["unaddressed_topics"]
    raised = [t for t in nodes_of_type(G, "topic") if any(Relation.RAISED in k for k in in_links(G, t).values())]
    if unaddressed and raised:
        text = (
            f"The report names who works on few of the topics: for {len(unaddressed)} of the {len(raised)} topics "
            "the sector raised, it names no organisation or initiative working on them."
        )
        items.append(_item(text, ["Appendix 1", "3.7"]))
    if not items:
        return []
    return [_heading("Gaps"), {"kind": "bullets", "items": items}]


def _adds(G: nx.MultiDiGraph) -> list[Block]:
    items = []
    top = consensus(G)[:3]
    if top:
        said = _listed([f"“{t['label']}” ({t['count']} strands)" for t in top])
        items.append(_item(f"The topics most strands raised: {said}.", ["Appendix 1"], lead="Where the sector agrees."))
    items += _duplication(G)
    items += _agreement(G)
    outside = [(s, t, d) for s, t, d in G.edges(data=True) if d.get("basis") == "external"]
    if outside:
        text = (
            f"{len(outside)} links in the knowledge graph rest on knowledge from outside the report (for example "
            "that Frontline and Step Up recruit into social work); each names its public source, is marked "
            f"“{BASES['external'].label}” and is never counted as the report's word."
            if _has(G, "initiative:frontline-programme")
            else f"{len(outside)} links rest on knowledge from outside the report; each is marked and sourced."
        )
        items.append(_item(text, ["Appendix 1", "6.3"], lead="Outside knowledge, marked."))
    for number, concern in enumerate(messages_of_kind(G, "concern")):
        lead = "The report's own worries about duplication." if number == 0 else ""
        items.append(_item(_sentence(concern["label"]), concern["refs"], lead=lead))
    if not items:
        return []
    return [_heading("What the knowledge graph adds"), {"kind": "bullets", "items": items}]


def _duplication(G: nx.MultiDiGraph) -> list[Block]:
    found = [overlaps(G, kind, limit=3) for kind in ("organisation", "initiative")]
    signed = [p for result in found for p in result["pairs"] if p["duplication"]]
    tested = sum(result["tested"]["pairs"] for result in found)
    if not tested:
        return []
    if signed:
        pairs = _listed([f"{p['a']['label']} and {p['b']['label']}" for p in signed])
        head = f"{pairs} share more of what they do than chance explains, on what the report states."
    else:
        head = (
            f"Comparing what each pair of organisations and initiatives is recorded as doing ({tested} pairs), "
            "none shares more than chance explains on what the report states: the report does not show "
            "the national infrastructure duplicating itself."
        )
    items = [_item(head, ["3.7", "5.7", "6.3"], lead="Duplication, tested against chance.")]
    closest = next((p for result in found for p in result["pairs"] if not p["duplication"]), None)
    if closest is not None and closest["p_value"] < 0.1:
        outside = closest["rests_on"].get("external", 0)
        shared = len(closest["shared"])
        text = (
            f"The closest pair, {closest['a']['label']} and {closest['b']['label']}, share {shared} things "
            f"(a 1 in {round(1 / max(closest['p_value'], 1e-9))} chance on its own, but not once every pair compared "
            "is allowed for)"
        )
        text += f"; {outside} of the {shared} comes from outside the report." if outside else "."
        items.append(_item(text, closest["refs"]))
    if not signed:
        items.append(
            _item(
                "To say where bodies duplicate each other, the Centre would need what each actually does: "
                "the topics it works on, the barriers it addresses, what it runs or funds. The report names "
                "bodies but rarely their work.",
                ["3.7", "5.7"],
            )
        )
    return items


def _agreement(G: nx.MultiDiGraph) -> list[Block]:
    result = overlaps(G, "strand", limit=None)
    if not result["pairs"]:
        return []
    most = max(result["pairs"], key=lambda p: (len(p["shared"]), -p["p_value"]))
    if most["significant"]:
        text = f"{most['a']['label']} and {most['b']['label']} raised more of the same topics than chance explains."
    else:
        text = (
            f"Strands that raised many topics share many by chance: {most['a']['label']} and "
            f"{most['b']['label']} raised {len(most['shared'])} of the same, about what two strands raising "
            "that many would share anyway."
        )
    return [_item(text, ["Appendix 1"])]


def _next(G: nx.MultiDiGraph) -> list[Block]:
    steps = next_steps(G)
    if not steps:
        return []
    first, rest = steps[0], steps[1:]
    blocks = [_heading("Next steps"), {"kind": "paragraph", **_item(_sentence(first["label"]), first["refs"])}]
    blocks.append({"kind": "bullets", "items": [_item(_sentence(s["label"]), s["refs"]) for s in rest]})
    wave = [n for n in nodes_of_type(G, "initiative") if node_data(G, n).get("dates") and "Wave 1" in label_of(G, n)]
    for initiative in wave:
        topics = sorted(
            {
                keyed[Relation.WORKS_ON.value].get("wave_topic")
                for t, keyed in out_links(G, initiative).items()
                if Relation.WORKS_ON in keyed
            }
            - {None}
        )
        if topics:
            text = f"{label_of(G, initiative)} ({node_data(G, initiative)['dates']}) tests ways to generate, share and scale evidence on {_listed(topics)}."
            blocks.append({"kind": "paragraph", **_item(text, node_data(G, initiative).get("refs") or ())})
    return blocks


# --- quotations and words -------------------------------------------------------------------------


def _quotes(G: nx.MultiDiGraph) -> list[Block]:
    """The report's quotations, in the order of its sections, whole (none the report itself cut)."""
    quotes = [
        q
        for q in nodes_of_type(G, "quote")
        if node_data(G, q).get("attribution") and "..." not in label_of(G, q) and "…" not in label_of(G, q)
    ]
    quotes.sort(key=lambda q: (natural_key(str((node_data(G, q).get("refs") or ["~"])[0])), q))
    named = [q for q in quotes if node_data(G, q).get("speaker")]
    chosen = quotes[:1] + [q for q in named if q not in quotes[:1]][: QUOTES - 1]
    chosen += [q for q in quotes if q not in chosen][: QUOTES - len(chosen)]
    return [
        {
            "kind": "quote",
            "text": label_of(G, q).rstrip("."),
            "by": node_data(G, q)["attribution"],
            "refs": list(node_data(G, q).get("refs") or ()),
        }
        for q in chosen
    ]


def _has(G: nx.MultiDiGraph, node: str) -> bool:
    return node in G


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


def _lower(text: str) -> str:
    """A label inside a sentence: its first letter in lower case unless it is an acronym or a name."""
    first = text.split()[0] if text.split() else ""
    acronym = first.isupper() and len(first) > 1
    return text if acronym or first[:1].isdigit() or "'" in first else text[:1].lower() + text[1:]


def _listed(items: list[str]) -> str:
    """Every item, never "…": "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
