"""What changed, and when: data versions people can read, workshop sessions, and the net change
since a point (a version, a time, or the start of the session).

A *data version* is a number anyone can read and say aloud: how many changes to the graph data
(nodes and links, an import counting as one, an undo as one) the change log holds. Scene changes
and the start of a session are logged too but not counted. A link made on version 12, opened
when the log holds 15, is "made on version 12; 3 changes since". Edits made to the files by hand,
outside the editor, leave no entry and are not counted (the data's fingerprint still changes,
so every page follows them).

A *session* is named and dated once by the facilitator; its start is an entry in the change log
(element ``session``), so every page and every facilitator shares it, and "since the session
began" means every data change logged after that entry.

>>> entries = [{"id": "a", "element": "session", "action": "begin_session", "time": "2026-12-03T09:00:00+00:00",
...             "editor": "Sam", "after": {"name": "Leeds", "date": "2026-12-03"}, "data_version": 0},
...            {"id": "b", "element": "node", "action": "add_node", "time": "2026-12-03T09:05:00+00:00",
...             "editor": "Sam", "before": None, "after": {"id": "topic:x", "type": "topic", "label": "X",
...             "refs": ["Workshop"]}}]
>>> data_version(entries), current_session(entries).name, [e["id"] for e in since(entries, "session").entries]
(1, 'Leeds', ['b'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from graph.data.changes import (
    Change,
    Element,
    apply_change,
    change_of,
    describe_element,
    elements,
    new_entry,
    raw_lists,
)
from graph.data.stores import Store, open_store
from graph.data.validate import parse_edges, parse_nodes, raw_ids
from graph.errors import GraphError
from graph.schema import RELATIONS, Dataset, Relation

#: Log entries that change the graph data (and so count as a version).
DATA_ELEMENTS = frozenset({"node", "edge", "dataset"})
SESSION = "session"


# ---- versions


def data_entries(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries that changed the graph data, oldest first."""
    return [entry for entry in entries if entry.get("element") in DATA_ELEMENTS]


def data_version(entries: Sequence[dict[str, Any]]) -> int:
    """The data version now: how many data changes the log holds."""
    return len(data_entries(entries))


# ---- sessions


@dataclass(frozen=True)
class Session:
    """A workshop session: its name and date (set once by the facilitator), who set it, when, and
    the data version it began at."""

    name: str
    date: str
    editor: str
    time: str
    data_version: int

    def title(self) -> str:
        return f"{self.name}, {self.date}"


def sessions(entries: Sequence[dict[str, Any]]) -> list[Session]:
    """Every session begun, oldest first."""
    found = []
    count = 0
    for entry in entries:
        if entry.get("element") in DATA_ELEMENTS:
            count += 1
        elif entry.get("element") == SESSION and isinstance(entry.get("after"), dict):
            after = entry["after"]
            found.append(
                Session(
                    str(after.get("name", "")),
                    str(after.get("date", "")),
                    str(entry.get("editor", "")),
                    str(entry.get("time", "")),
                    count,
                )
            )
    return found


def current_session(entries: Sequence[dict[str, Any]]) -> Session | None:
    """The session begun last, if any."""
    found = sessions(entries)
    return found[-1] if found else None


def room_attributes(session: Session, editor: str) -> dict[str, str]:
    """What a link or node said in the room records: the session's name and date and who captured it."""
    return {"session": session.name, "session_date": session.date, "editor": editor}


def room_ref(session: Session) -> str:
    """The reference of what the room said, when the facilitator gives none: the session."""
    return f"Workshop: {session.title()}"


def check_session(name: str, day: str) -> tuple[str, str]:
    """A session's name and date as they are kept, or a GraphError saying what is wrong.

    >>> check_session("  Leeds workshop ", "2026-12-03")
    ('Leeds workshop', '2026-12-03')
    """
    name = " ".join(str(name or "").split())
    if not name:
        raise GraphError("Name the session (e.g. 'Leeds workshop'): every link the room adds records it.")
    if len(name) > 120:
        raise GraphError("The session's name is over 120 characters; shorten it.")
    try:
        date.fromisoformat(str(day))
    except ValueError:
        raise GraphError(f"The session's date {str(day)[:40]!r} is not a date written YYYY-MM-DD.") from None
    return name, str(day)


def begin_session(where: Store | Path | str, name: str, day: str, *, editor: str) -> str:
    """Begin a workshop session: its name and date, set once by the facilitator for every page.
    Returns the id of its log entry.

    Logged as an entry of its own (element "session") and no change to the data: the data's
    version stays as it is, and "since the session began" means every change logged after it.
    """
    name, day = check_session(name, day)
    who = " ".join(str(editor or "").split())[:100]
    if not who:
        raise GraphError("Say who is beginning the session: the editor's name is empty.")
    place = open_store(where)
    with place.writing():
        before, version = place.read()
        fields = {"key": name, "before": None, "after": {"name": name, "date": day}}
        entry = new_entry(
            who, "begin_session", SESSION, fields, version, {"data_version": data_version(place.changelog())}
        )
        place.commit_data(before, before, entry)
        return entry["id"]


# ---- since a point


@dataclass(frozen=True)
class Since:
    """The data changes after a point, and that point in words."""

    text: str  # as given: '12', '2026-12-03T10:00', 'session'
    start: int  # the data version the point is at
    entries: list[dict[str, Any]] = field(default_factory=list)
    described: str = ""


def since(entries: Sequence[dict[str, Any]], text: str) -> Since:
    """The data changes logged after ``text``: a data version (``12``), a time (``2026-12-03`` or
    ``2026-12-03T10:00``, read as UTC unless it says otherwise) or ``session`` (the start of the
    current session). Raises GraphError with one line for anything else."""
    text = str(text or "").strip()
    changes = data_entries(entries)
    if text.isdigit():
        start = int(text)
        if start > len(changes):
            raise GraphError(f"There is no data version {start} yet: the log holds {len(changes)} changes.")
        return Since(text, start, changes[start:], f"version {start}")
    if text == SESSION:
        session = current_session(entries)
        if session is None:
            raise GraphError("No session has begun: set the session's name and date first.")
        start = session.data_version
        return Since(
            text, start, changes[start:], f"the start of the session {session.title()} ({_clock(session.time)})"
        )
    moment = parse_time(text)
    later = [entry for entry in changes if _time_of(entry) > moment]
    start = len(changes) - len(later)
    return Since(text, start, later, f"{_clock(moment.isoformat())} (version {start})")


def parse_time(text: str) -> datetime:
    """An ISO date or date and time as an aware datetime (UTC when it gives no offset)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise GraphError(
            f"--since {text[:40]!r} is not a data version (a whole number), a time (2026-12-03 or "
            "2026-12-03T10:00) or 'session'."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _time_of(entry: dict[str, Any]) -> datetime:
    try:
        return parse_time(str(entry.get("time", "")))
    except GraphError:
        return datetime.min.replace(tzinfo=UTC)


def _clock(text: str) -> str:
    return str(text).replace("T", " ")[:16] + (" UTC" if str(text).endswith("+00:00") else "")


# ---- the net change


@dataclass(frozen=True)
class ElementChange:
    """One element a run of changes added, changed or removed, with its data before and after."""

    element: Element
    status: str  # "added", "changed" or "removed"
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def kind(self) -> str:
        return self.element[0]

    @property
    def key(self) -> str:
        return self.element[1]


def net_change(entries: Sequence[dict[str, Any]]) -> Change:
    """What a run of data changes did in all: each element's state before the first and after the
    last (an element added and then deleted, or changed and changed back, is left out)."""
    net: dict[Element, list[Any]] = {}
    for entry in entries:
        if entry.get("element") not in DATA_ELEMENTS:
            continue
        for element, (before, after) in change_of(entry).items():
            if element in net:
                net[element][1] = after
            else:
                net[element] = [before, after]
    return {element: (before, after) for element, (before, after) in sorted(net.items()) if before != after}


def element_changes(change: Change) -> list[ElementChange]:
    """The net change as a list: nodes first, then links; added, changed, removed."""
    order = {"added": 0, "changed": 1, "removed": 2}
    found = [
        ElementChange(element, "added" if before is None else "removed" if after is None else "changed", before, after)
        for element, (before, after) in change.items()
    ]
    return sorted(found, key=lambda c: (c.kind != "node", order[c.status], c.key))


def dataset_before(now: Dataset, change: Change) -> Dataset:
    """The dataset as it was before ``change`` (the net change since a point): the change undone.

    Raises GraphError when the data no longer fits the log (it was edited by hand since).
    """
    inverse = {element: (after, before) for element, (before, after) in change.items()}
    nodes, edges = raw_lists(apply_change(elements(now), inverse))
    valid_nodes, problems = parse_nodes(nodes, "nodes.json")
    valid_edges, found = parse_edges(edges, valid_nodes, "edges.json", known_ids=raw_ids(nodes))
    if problems or found:
        raise GraphError("The data as it was then does not validate: it was changed outside the editor since.")
    return Dataset(tuple(valid_nodes), tuple(valid_edges))


# ---- in words


def describe_entry(entry: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    """One log entry in words: "added the node Kinship Care Alliance", "Frontline works on Poverty"."""
    labels = labels or {}
    element, action = entry.get("element"), str(entry.get("action", ""))
    if element == "dataset":
        after = entry.get("after") or {}
        nodes, links = len(after.get("nodes", [])), len(after.get("edges", []))
        return f"{action}: {nodes} node{'s' if nodes != 1 else ''} and {links} link{'s' if links != 1 else ''} added or changed"
    if element == SESSION:
        after = entry.get("after") or {}
        return f"began the session {after.get('name', '')}, {after.get('date', '')}"
    verb = {"add": "added", "update": "changed", "delete": "deleted"}.get(action.split("_")[0], action)
    side = entry.get("after") or entry.get("before") or {}
    if element == "node":
        return f"{verb} the node {side.get('label') or entry.get('key')}"
    if element == "edge" and side:
        return f"{verb} the link {link_sentence(side, labels)}"
    return f"{verb} {entry.get('key') or ''}".strip()


def link_sentence(edge: dict[str, Any], labels: dict[str, str]) -> str:
    """'Frontline works on Poverty' for an edge's data (ids where no label is known)."""
    try:
        verb = RELATIONS[Relation(edge["relation"])].verb
    except (KeyError, ValueError):
        verb = str(edge.get("relation", "")).replace("_", " ")
    return f"{labels.get(edge['source'], edge['source'])} {verb} {labels.get(edge['target'], edge['target'])}"


def describe_change(change: ElementChange, labels: dict[str, str]) -> str:
    """One element of a net change in words."""
    side = change.after or change.before or {}
    if change.kind == "node":
        return str(side.get("label") or change.key)
    if change.kind == "edge":
        return link_sentence(side, labels)
    return describe_element(change.element)
