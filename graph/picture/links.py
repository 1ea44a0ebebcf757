"""A view as a link (URL query parameters) and back. The parameters are a public interface,
documented in the README: values are ids and keywords, never display text or counts, so a
link keeps working when a label is reworded or a count changes.

``view_query`` writes the parameters of a view; ``read_query`` reads them back against the
graph, dropping each value the data does not have (a deleted node, a mistyped id) with a
one-line notice, so an old link opens what it still can instead of failing.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("topic:trauma", type="topic", label="Trauma")
>>> view, notices = read_query(G, {"focus": ["Trauma"], "depth": ["9"]})
>>> view.focus, view.depth, view_query(view), notices
('topic:trauma', 1, {'focus': 'topic:trauma'}, ['The link asked for depth 9, which is not 1, 2 or 3; it was ignored.'])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import networkx as nx

from graph.bases import Basis
from graph.schema import LEVELS, NodeType, Relation, View

#: The panels a link can open, by the name the link uses.
TABS = ("details", "edit", "paths", "overlaps", "gaps", "gap-map", "changes", "table", "about")

#: Every parameter ``view_query`` writes, in the order it writes them.
PARAMETERS = (
    "focus",
    "depth",
    "only",
    "from",
    "to",
    "paths",
    "path",
    "avoid",
    "overlap",
    "duplicate",
    "gap",
    "community",
    "since",
    "scene",
    "tab",
    "types",
    "levels",
    "themes",
    "strands",
    "relations",
    "basis",
)
_FILTERS = ("types", "levels", "themes", "strands", "relations")
_SINCE = re.compile(View.model_fields["since"].metadata[-1].pattern)  # the View's own rule
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def view_query(view: View) -> dict[str, str]:
    """The query parameters of a view (defaults left out; lists joined with commas)."""
    query: dict[str, str] = {}
    if view.focus:
        query["focus"] = view.focus
    if view.depth != 1:
        query["depth"] = str(view.depth)
    if view.only_neighbourhood:
        query["only"] = "1"
    if len(view.path) == 2:
        query["from"], query["to"] = view.path
        if view.path_count != 3:
            query["paths"] = str(view.path_count)
        if view.path_pick is not None:
            query["path"] = str(view.path_pick + 1)
        if view.path_avoid:
            query["avoid"] = ",".join(view.path_avoid)
    if len(view.overlap) == 2:
        query["overlap"] = ",".join(view.overlap)
    if view.duplicate:
        query["duplicate"] = ",".join(view.duplicate)
    if view.gap:
        query["gap"] = view.gap
    if view.community is not None:
        query["community"] = str(view.community + 1)
    if view.since:
        query["since"] = view.since
    if view.scene:
        query["scene"] = view.scene
    if view.tab:
        query["tab"] = view.tab
    for name in _FILTERS:
        values = [str(v) for v in getattr(view, name)]
        if values:
            query[name] = ",".join(values)
    if view.bases:
        query["basis"] = ",".join(str(b) for b in view.bases)
    return query


def read_query(
    graph: nx.MultiDiGraph,
    query: Mapping[str, str | list[str]],
    *,
    ignore: Iterable[str] = (),
    scenes: Iterable[str] | None = None,
    communities: Callable[[], list[list[str]]] | None = None,
    gap_report: Callable[[], dict[str, list[dict[str, Any]]]] | None = None,
) -> tuple[View, list[str]]:
    """The view a link's parameters describe, and one notice per value that was dropped.

    A node may be named by its id, its label (any case) or its name as the app lists it
    ('Trauma (topic)'); the view holds the id. ``ignore`` names parameters the caller reads
    itself. ``scenes`` (scene ids), ``communities`` and ``gap_report`` (called only if the
    link needs them) check the scene, community and gap values; without them those are kept.
    """
    raw = {name: _values(value) for name, value in query.items()}
    notices: list[str] = []
    fields: dict[str, Any] = {}
    names = _NameIndex(graph)

    def node(parameter: str, text: str) -> str | None:
        found = names.resolve(text)
        if found is None:
            notices.append(f"The link's {parameter} '{_clip(text)}' is not a node in the data; it was ignored.")
        return found

    def one(parameter: str) -> str | None:
        values = raw.get(parameter) or []
        return values[0] if values else None

    if (text := one("focus")) is not None:
        fields["focus"] = node("focus", text)
    if (text := one("depth")) is not None:
        if text in {"1", "2", "3"}:
            fields["depth"] = int(text)
        else:
            notices.append(f"The link asked for depth {_clip(text)}, which is not 1, 2 or 3; it was ignored.")
    if (text := one("only")) is not None:
        if text.lower() in _TRUE | _FALSE:
            fields["only_neighbourhood"] = text.lower() in _TRUE
        else:
            notices.append(f"The link's only='{_clip(text)}' is not 1 or 0; it was ignored.")
    given = [(p, text) for p in ("from", "to") if (text := one(p)) is not None]
    if given:
        ends = [node(p, text) for p, text in given]
        if None in ends:
            pass  # already reported
        elif len(ends) == 1:
            notices.append("The link gives only one end of a path (it needs both from and to); it was ignored.")
        elif ends[0] == ends[1]:
            notices.append("The link's path starts and ends at the same node; it was ignored.")
        else:
            fields["path"] = ends
            _number(raw, "paths", 1, 5, notices, fields, "path_count", offset=0)
            _number(raw, "path", 1, 5, notices, fields, "path_pick", offset=1)
            avoided = [node("avoid", v) for v in raw.get("avoid") or []][:10]
            fields["path_avoid"] = [n for n in avoided if n is not None and n not in ends]
    for parameter, size in (("overlap", 2), ("duplicate", 50)):
        values = raw.get(parameter)
        if not values:
            continue
        found = [node(parameter, v) for v in values]
        if None in found:
            continue
        if parameter == "overlap" and (len(found) != 2 or found[0] == found[1]):
            notices.append("The link's overlap needs two different node ids separated by a comma; it was ignored.")
        elif len(found) > size:
            notices.append(f"The link's {parameter} names more than {size} nodes; it was ignored.")
        else:
            fields[parameter] = found
    if (text := one("gap")) is not None:
        fields["gap"] = _gap(text, gap_report, notices)
    if (text := one("community")) is not None:
        count = len(communities()) if communities is not None else None
        if text.isdigit() and int(text) >= 1 and (count is None or int(text) <= count):
            fields["community"] = int(text) - 1
        else:
            notices.append(
                f"The link's community '{_clip(text)}' is not one of the graph's communities; it was ignored."
            )
    if (text := one("since")) is not None:
        if _SINCE.match(text):
            fields["since"] = text
        else:
            notices.append(
                f"The link's since '{_clip(text)}' is not a data version, a time (2026-12-03T10:00) or 'session'; "
                "it was ignored."
            )
    if (text := one("scene")) is not None:
        known = set(scenes) if scenes is not None else None
        if (known is None and _is_id(text)) or (known is not None and text in known):
            fields["scene"] = text
        else:
            notices.append(f"The link's scene '{_clip(text)}' is not one of the saved scenes; it was ignored.")
    if (text := one("tab")) is not None:
        if text in TABS:
            fields["tab"] = text
        else:
            notices.append(f"The link's tab '{_clip(text)}' is not one of {', '.join(TABS)}; it was ignored.")
    _filters(graph, raw, names, notices, fields)
    if raw.get("basis"):
        known = [b for b in raw["basis"] if b in {basis.value for basis in Basis}]
        for text in raw["basis"]:
            if text not in known:
                notices.append(f"The link's basis filter '{_clip(text)}' is not a known basis; it was ignored.")
        fields["bases"] = list(dict.fromkeys(known))
    for parameter in raw:
        if parameter not in PARAMETERS and parameter not in set(ignore):
            notices.append(f"The link's parameter '{_clip(parameter)}' is not one this app reads; it was ignored.")
    return View.model_validate({k: v for k, v in fields.items() if v is not None}), notices


def check_view(graph: nx.MultiDiGraph, view: View, **checks: Any) -> tuple[View, list[str]]:
    """The view without what the data no longer has (e.g. after an edit), and notices saying what went.

    Takes the same keyword arguments as ``read_query``.
    """
    checked, notices = read_query(graph, view_query(view), **checks)
    return checked, [n.replace("The link's", "The view's").replace("The link", "The view") for n in notices]


def _values(value: str | list[str]) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_id(text: str) -> bool:
    return bool(text) and text[0].isalnum() and all(c.isalnum() or c in ":_.-" for c in text)


def _number(raw, parameter, low, high, notices, fields, field, *, offset) -> None:
    values = raw.get(parameter) or []
    if not values:
        return
    text = values[0]
    if text.isdigit() and low <= int(text) <= high:
        fields[field] = int(text) - offset
    else:
        notices.append(f"The link's {parameter} '{_clip(text)}' is not a number from {low} to {high}; it was ignored.")


def _gap(text: str, gap_report, notices: list[str]) -> str | None:
    kind, _, item_id = text.partition(":")
    if not item_id:
        notices.append(f"The link's gap '{_clip(text)}' is not of the form kind:id; it was ignored.")
        return None
    if gap_report is None:
        return text if _is_id(item_id) and kind.replace("_", "").isalpha() else None
    report = gap_report()
    if kind not in report:
        notices.append(f"The link's gap kind '{_clip(kind)}' is not one of {', '.join(report)}; it was ignored.")
        return None
    if not any(item.get("id") == item_id for item in report[kind]):
        notices.append(
            f"The link's gap '{_clip(item_id)}' is no longer among the {kind.replace('_', ' ')}; it was ignored."
        )
        return None
    return text


def _filters(graph, raw, names, notices, fields) -> None:
    vocabularies = {
        "types": {t.value for t in NodeType},
        "levels": set(LEVELS),
        "relations": {r.value for r in Relation},
    }
    for parameter in _FILTERS:
        values = raw.get(parameter)
        if not values:
            continue
        kept = []
        for text in values:
            if parameter in vocabularies:
                if text in vocabularies[parameter]:
                    kept.append(text)
                else:
                    notices.append(
                        f"The link's {parameter} filter '{_clip(text)}' is not a known value; it was ignored."
                    )
                continue
            wanted = parameter[:-1]  # themes -> theme, strands -> strand
            found = names.resolve(text)
            if found is not None and graph.nodes[found].get("type") == wanted:
                kept.append(found)
            else:
                notices.append(
                    f"The link's {parameter} filter '{_clip(text)}' is not a {wanted} in the data; it was ignored."
                )
        fields[parameter] = list(dict.fromkeys(kept))


class _NameIndex:
    """Finds a node by id, by its name as the app lists it, or by a label only one node has."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self._names: dict[str, str] | None = None

    def resolve(self, text: str) -> str | None:
        if text in self.graph:
            return text
        if self._names is None:
            self._names = self._index()
        return self._names.get(text.strip().casefold())

    def _index(self) -> dict[str, str]:
        from graph.picture.view import node_names

        index: dict[str, str] = {}
        taken: set[str] = set()
        for node, data in self.graph.nodes(data=True):
            label = str(data.get("label") or "").strip().casefold()
            if label:
                if label in index:
                    taken.add(label)
                index[label] = node
        for label in taken:  # a label two nodes share names neither
            del index[label]
        for node, name in node_names(self.graph).items():
            index[name.casefold()] = node
        return index
