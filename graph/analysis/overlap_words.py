"""How overlaps are put in words: what a pair shares, what sets it apart, the caveat a reader
must know before signing, and the summary of a whole comparison."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from graph.analysis._common import listed, plural_type, plural_verb, short_label_of, type_of, verb
from graph.analysis.sdsm import ALPHA
from graph.bases import BASES

Link = tuple[str, str, str]  # (source, target, relation) of one supporting edge
_RANK = ("strong", "moderate", "weak")


def reason(
    G: nx.MultiDiGraph,
    a: str,
    b: str,
    shared: list[str],
    doing: dict[str, dict[str, list[Link]]],
    basis_of: dict[str, str] | None = None,
) -> str:
    """ "Both work on 2 of the same topics: A, B" — one clause per way of sharing, largest first."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for thing in shared:
        ways_a = {_way(link, a) for link in doing[a][thing]}
        ways_b = {_way(link, b) for link in doing[b][thing]}
        direction, relation = min(ways_a & ways_b or ways_a | ways_b)
        mark = BASES[basis_of[thing]].mark if basis_of and basis_of.get(thing) in BASES else ""
        groups[(direction, relation, type_of(G, thing))].append(short_label_of(G, thing) + (f" {mark}" if mark else ""))
    own_type = type_of(G, a)
    clauses = sorted(
        (-len(labels), _clause(direction, relation, kind, own_type, labels))
        for (direction, relation, kind), labels in groups.items()
    )
    return "; ".join(clause for _, clause in clauses)


def _way(link: Link, node: str) -> tuple[str, str]:
    source, _, relation = link
    return ("out" if source == node else "in", relation)


def _clause(direction: str, relation: str, kind: str, own_type: str, labels: list[str]) -> str:
    """One way of sharing, in words; ``kind`` is the shared things' type, ``own_type`` the pair's."""
    count = len(labels)
    what = f"the same {kind}" if count == 1 else f"{count} of the same {plural_type(kind, count)}"
    if direction == "out":
        # "is in the theme" + "the same theme" would say "theme" twice.
        phrase = _drop_suffix(plural_verb(verb(relation)), f" the {kind}")
        return f"Both {phrase} {what}: {listed(labels)}"
    phrase = verb(relation) if count == 1 else plural_verb(verb(relation))
    return f"{what[0].upper()}{what[1:]} {_drop_suffix(phrase, f' the {own_type}')} both: {listed(labels)}"


def _drop_suffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)] if text.endswith(suffix) else text


def differs(G: nx.MultiDiGraph, a: str, b: str, only_a: list[str], only_b: list[str]) -> str:
    parts = []
    for node, only in ((a, only_a), (b, only_b)):
        if only:
            things = listed([short_label_of(G, n) for n in only[:4]])  # listed shows 3, and "…" if more
            parts.append(f"Only {short_label_of(G, node)}: {things}{'' if things.endswith('…') else '.'}")
    return " ".join(parts) or "Nothing recorded sets them apart."


# --- pairs left out, and the summary -------------------------------------------------------------


def _pairs(count: int, one: str, many: str) -> str:
    return f"{count} pair {one}" if count == 1 else f"{count} pairs {many}"


def _count_pairs(count: int, plural: str) -> str:
    return f"1 pair of {plural} shares" if count == 1 else f"{count} pairs of {plural} share"


def summary(
    node_type: str,
    kind: str,
    min_shared: int,
    single: int,
    related: int,
    consulted_only: int,
    by_strength: list[int],
    tested: dict[str, int],
) -> dict[str, Any]:
    counts = dict(zip(_RANK, by_strength, strict=True))
    plural = plural_type(node_type, 2)
    word = {"duplication": "duplication", "agreement": "agreement", "overlap": "overlap"}[kind]
    signed = counts["strong"] + counts["moderate"]
    found = [f"{counts[name]} {name}" for name in _RANK if counts[name]]
    if signed:
        head = f"{_count_pairs(signed, plural)} more than chance explains, on what the report states"
    elif tested["significant"]:
        head = (
            f"{_count_pairs(tested['significant'], plural)} more than chance explains, but not on "
            f"what the report states: no {word} to sign"
        )
    else:
        head = f"No pair of {plural} shares more than chance explains: no {word} to sign"
    head += (
        f" ({', '.join(found)}; {tested['pairs']} pairs tested)." if found else f" ({tested['pairs']} pairs tested)."
    )
    notes = []
    if single:
        notes.append(f"{_pairs(single, 'shares', 'share')} fewer than {max(min_shared, 1)} things")
    if related:
        notes.append(
            f"{_pairs(related, 'is', 'are')} one family of work (one is part of, builds on, runs or funds the other)"
        )
    if consulted_only:
        notes.append(
            f"{_pairs(consulted_only, 'was', 'were')} only consulted by the same strand, which is not duplication"
        )
    summary = head + (" Left out: " + "; ".join(notes) + "." if notes else "")
    to_add = ""
    if not signed and kind == "duplication":
        to_add = (
            f"To sign duplication, the report (or the room) must say what these {plural} do: the topics or "
            "themes each works on, the barriers it addresses, the stages of the evidence cycle it contributes "
            "to, the initiatives it runs or funds. A pair is duplication when it shares more than chance explains "
            f"(q <= {ALPHA}) and at least 2 of the shared things are stated in the report."
        )
    elif not signed and kind == "agreement":
        to_add = f"Add what each of these {plural} raised to see where they agree."
    return {
        "type": node_type,
        "kind": kind,
        "min_shared": min_shared,
        "counts": counts,
        "tested": tested,
        "left_out": {"fewer_shared": single, "related": related, "consulted_only": consulted_only},
        "summary": summary,
        "to_add": to_add,
    }


def caveat(count: int, rests_on: dict[str, int], chance: dict[str, Any]) -> str:
    """What a reader must know before signing: chance, and what the pair rests on."""
    odds = f"p = {_number(chance['p_value'])}, q = {_number(chance['q_value'])}"
    if chance["significant"]:
        head = f"More than chance explains ({odds})"
    else:
        head = (
            f"No more than chance explains: two doing as much as these share {chance['expected']:.1f} "
            f"things on average by chance ({odds})"
        )
    parts = []
    for basis, rule in BASES.items():
        n = rests_on.get(basis.value, 0)
        if n and basis != "stated":
            parts.append(f"{n} of the {count} shared things {'rests' if n == 1 else 'rest'} on links {rule.label}")
    stated = rests_on.get("stated", 0)
    if not stated:
        parts.append("nothing shared is stated in the report")
    return f"{head}. " + ("; ".join(parts) + "." if parts else f"All {count} shared things are stated in the report.")


def _number(value: float) -> str:
    return "< 0.0001" if value < 0.0001 else f"{value:.2g}"
