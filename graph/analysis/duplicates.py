"""Possible duplicates: the same thing named twice.

Two kinds, each a list item ``{"nodes", "score", "reason", "kind"}``: ``listed_twice`` (a topic
under two levels or themes of Appendix 1) and ``similar_labels`` (same type, labels at least
``threshold`` alike, not differing only in a number: "Wave 1" and "Wave 2" are two things).
Different topics or bodies that happen to have the same links (six types of abuse raised at one
event; four charities on one panel) are not the same thing and are never offered.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np
from rapidfuzz import fuzz, process

from graph.analysis._common import label_of, node_data, out_links, ref, theme_label
from graph.analysis.search import normalise
from graph.schema import Relation

#: Up to this many distinct labels of one type, every pair of labels is compared (in C, fast).
#: Above it, labels are compared with their neighbours in three sort orders instead (see below).
ALL_PAIRS_LABELS = 3000
#: How many places apart in a sort order two labels may be and still be compared.
WINDOW = 20

_KINDS = ("listed_twice", "similar_labels")


def duplicates(G: nx.MultiDiGraph, *, threshold: float = 90.0) -> list[dict[str, Any]]:
    """Possible duplicates of every kind: topics listed twice first, then similar labels, then same links.

    Label similarity is rapidfuzz's ``token_sort_ratio`` (0-100) on labels in lower case without
    punctuation, between nodes of the same type. For types with more than ``ALL_PAIRS_LABELS``
    labels, each label is compared with the ``WINDOW`` labels after it when all are sorted as
    written, sorted word by word, and read backwards: a near-duplicate differs in a few characters
    so it sorts close by in at least one order, and the work stays linear.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", type="organisation", label="Family Rights Group")
    >>> G.add_node("b", type="organisation", label="Family Right Group")
    >>> [(d["kind"], d["score"]) for d in duplicates(G)]
    [('similar_labels', 97.3)]
    """
    texts = {node: normalise(label_of(G, node)) for node in G}
    found = _listed_twice(G, texts)
    # Topics already reported as listed twice are not reported again as similar labels.
    linked = {node["id"]: number for number, item in enumerate(found) for node in item["nodes"]}
    found += _similar_labels(G, texts, threshold, linked)
    found.sort(key=lambda d: (_KINDS.index(d["kind"]), -d["score"], [n["label"].casefold() for n in d["nodes"]]))
    return found


def _listed_twice(G: nx.MultiDiGraph, texts: dict[str, str]) -> list[dict[str, Any]]:
    """Topics joined by ``also_listed_as``, or sharing a label under different levels or themes."""
    topics = [node for node, kind in G.nodes(data="type") if kind == "topic"]
    parent = {topic: topic for topic in topics}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_label: dict[str, list[str]] = defaultdict(list)
    for topic in topics:
        by_label[texts[topic]].append(topic)
    for same in by_label.values():
        if len(same) > 1 and len({_placing(G, topic) for topic in same}) > 1:
            for other in same[1:]:
                join(same[0], other)
    for topic in topics:
        for other, keyed in out_links(G, topic).items():
            if Relation.ALSO_LISTED_AS in keyed and other in parent:
                join(topic, other)
    groups: dict[str, list[str]] = defaultdict(list)
    for topic in topics:
        groups[root(topic)].append(topic)
    return [
        {
            "nodes": [ref(G, topic) for topic in members],
            "score": 100.0,
            "reason": _listed_twice_reason(G, members),
            "kind": "listed_twice",
        }
        for members in (sorted(group, key=lambda t: _placing(G, t)) for group in groups.values() if len(group) > 1)
    ]


def _placing(G: nx.MultiDiGraph, topic: str) -> tuple[str, str]:
    return (str(node_data(G, topic).get("level") or ""), theme_label(G, topic) or "")


def _listed_twice_reason(G: nx.MultiDiGraph, members: list[str]) -> str:
    places = []
    for topic in members:
        level, theme = _placing(G, topic)
        where = " / ".join(part for part in (level, theme) if part) or "no level or theme"
        places.append(f"'{label_of(G, topic)}' ({where})")
    return "The same topic is listed more than once in Appendix 1: " + "; ".join(places) + "."


def _similar_labels(
    G: nx.MultiDiGraph, texts: dict[str, str], threshold: float, linked: dict[str, int]
) -> list[dict[str, Any]]:
    def already_linked(nodes: list[str]) -> bool:
        return len({linked.get(node, node) for node in nodes}) == 1

    by_type: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for node, kind in G.nodes(data="type"):
        by_type[str(kind)][texts[node]].append(node)
    found = []
    for kind in sorted(by_type):
        labels = by_type[kind]
        for text, same in labels.items():
            if len(same) > 1 and text and not already_linked(same):
                found.append(_similar(G, sorted(same), 100.0, f"Two or more {kind}s have the same label."))
        texts = sorted(text for text in labels if text)
        for i, j, score in _close_pairs(texts, threshold):
            if _numbers(texts[i]) != _numbers(texts[j]):
                continue  # "Wave 1" and "Wave 2": a series, not one thing twice
            for a in labels[texts[i]]:
                for b in labels[texts[j]]:
                    if not already_linked([a, b]):
                        found.append(_similar(G, sorted((a, b)), score, _similar_reason(G, a, b, score)))
    return found


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def _similar(G: nx.MultiDiGraph, nodes: list[str], score: float, reason: str) -> dict[str, Any]:
    return {"nodes": [ref(G, node) for node in nodes], "score": score, "reason": reason, "kind": "similar_labels"}


def _similar_reason(G: nx.MultiDiGraph, a: str, b: str, score: float) -> str:
    reason = f"Labels are {score:.0f}% alike: '{label_of(G, a)}' and '{label_of(G, b)}'."
    levels = {node_data(G, n).get("level") for n in (a, b)}
    if node_data(G, a).get("type") == "topic" and len(levels) > 1 and None not in levels:
        reason += " They sit at different levels: perhaps one topic listed twice."
    return reason


def _close_pairs(texts: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, score) with i < j for distinct texts at least ``threshold`` alike (token sort ratio)."""
    # token_sort_ratio is the plain ratio of the texts with their words sorted: sort them once here.
    words_sorted = [" ".join(sorted(text.split())) for text in texts]
    best: dict[tuple[int, int], float] = {}
    if len(texts) <= ALL_PAIRS_LABELS:
        for start in range(0, len(texts), 1000):
            block = process.cdist(
                words_sorted[start : start + 1000], words_sorted, scorer=fuzz.ratio, score_cutoff=threshold, workers=-1
            )
            for row, col in zip(*np.nonzero(block), strict=True):
                i, j = start + int(row), int(col)
                if i < j:
                    best[(i, j)] = float(block[row, col])
    else:
        for key in (texts, words_sorted, [text[::-1] for text in texts]):
            order = sorted(range(len(texts)), key=lambda i: (key[i], i))
            ranked = [words_sorted[i] for i in order]
            for gap in range(1, min(WINDOW, len(ranked) - 1) + 1):
                scores = process.cpdist(ranked[:-gap], ranked[gap:], scorer=fuzz.ratio, score_cutoff=threshold)
                for position in np.nonzero(scores)[0]:
                    i, j = sorted((order[position], order[position + gap]))
                    best[(i, j)] = float(scores[position])
    return [(i, j, round(score, 1)) for (i, j), score in sorted(best.items()) if score >= threshold]
