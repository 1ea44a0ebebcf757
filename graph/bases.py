"""Where a link (or a node's description) comes from: the bases, and how every view tells them apart.

One table, ``BASES``: the drawing's line, the details, tooltips, paths, overlaps, the briefing, the
filters and every export read it, so a further basis is one line here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: How a link is drawn, by the ``line`` of its basis: the dash pattern (vis-network, the PNG) and
#: the Cytoscape.js line style.
LINES: dict[str, tuple[list[int] | None, str]] = {
    "solid": (None, "solid"),
    "dashed": ([8, 5], "dashed"),
    "dotted": ([1, 4], "dotted"),
    "long-dash": ([16, 4, 2, 4], "dashed"),
    "double-dot": ([2, 3, 2, 9], "dotted"),
}


class Basis(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"
    IMPORTED = "imported"
    EXTERNAL = "external"
    ROOM = "room"


@dataclass(frozen=True)
class BasisRule:
    """Where a link (or a node's description) comes from, and how every view tells it apart.

    Everything that shows a basis (the drawing, details, paths, overlaps, the briefing, every
    export) reads this one table, so a new basis is one line here. The table runs from the
    strongest evidence to the weakest; overlaps rank a shared thing by its weaker side. First-hand
    evidence (the report's statement, or what the room said) is what a duplication finding may rest on.
    """

    doc: str
    label: str  # in a sentence: "stated in the report"
    mark: str  # after a sentence that rests on it: "" (stated), "(said in the room)", "(outside the report)"
    from_report: bool  # True when the report's own words (or a reading of them) carry it
    line: str  # how the drawing draws such a link: one of graph.picture.style.LINES
    needs: tuple[str, ...] = ()  # the fields it must carry
    first_hand: bool = False  # the report's statement or the room's own word: a finding may rest on it


BASES: dict[Basis, BasisRule] = {
    Basis.STATED: BasisRule("The report says it.", "stated in the report", "", True, "solid", first_hand=True),
    Basis.INFERRED: BasisRule(
        "A careful reader's link between the report's own words; the rationale quotes them.",
        "inferred from the report's words",
        "(inferred)",
        True,
        "dashed",
        ("rationale",),
    ),
    Basis.ROOM: BasisRule(
        "Said in a workshop: attributes `session` and `session_date` name the session (set once by the "
        "facilitator) and `editor` who captured it; its refs name the session.",
        "said in the room",
        "(said in the room)",
        False,
        "double-dot",
        first_hand=True,
    ),
    Basis.EXTERNAL: BasisRule(
        "A fact from outside the report; `external_source` names the public document or page it comes from.",
        "from outside the report",
        "(outside the report)",
        False,
        "long-dash",
        ("rationale", "external_source"),
    ),
    Basis.IMPORTED: BasisRule(
        "It came from an imported file that did not say (its refs name the file); not yet checked.",
        "imported from a file, not checked against the report",
        "(imported)",
        False,
        "dotted",
    ),
}


#: What a link or node said in the room records, as attributes: the session (its name and date,
#: set once by the facilitator) and the editor who captured it.
ROOM_ATTRIBUTES = ("session", "session_date", "editor")


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def basis_rule(basis: str | None) -> BasisRule:
    """The rule of a basis; an unknown or missing one reads as not checked (imported).

    >>> basis_rule("external").mark
    '(outside the report)'
    >>> basis_rule("room").mark
    '(said in the room)'
    """
    try:
        return BASES[Basis(basis or "imported")]
    except ValueError:
        return BASES[Basis.IMPORTED]


_STRENGTH = {basis.value: rank for rank, basis in enumerate(BASES)}


def basis_strength(basis: str | None) -> int:
    """0 for the strongest evidence (stated), larger for weaker (the table's order).

    >>> basis_strength("stated") < basis_strength("inferred") < basis_strength("external")
    True
    """
    return _STRENGTH.get(basis or "imported", len(_STRENGTH))


def is_stated(basis: str | None) -> bool:
    """Only the report's own statement counts as stated evidence."""
    return basis == Basis.STATED


def room_of(data: dict[str, Any]) -> dict[str, str] | None:
    """The session an element was said in (``session``, ``session_date``, ``editor``), else None.

    Takes a node's or an edge's flat data (as the graph holds it) or its ``attributes``.

    >>> room_of({"session": "Leeds workshop", "session_date": "2026-12-03", "editor": "Sam"})["session"]
    'Leeds workshop'
    """
    if not data.get("session"):
        return None
    return {name: str(data.get(name) or "") for name in ROOM_ATTRIBUTES}


def check_room(basis: Basis | None, attributes: dict[str, Any]) -> None:
    """A link said in the room names its session, date and editor; a session's fields are well formed."""
    given = [name for name in ROOM_ATTRIBUTES if name in attributes]
    if basis is Basis.ROOM or given:
        missing = [name for name in ROOM_ATTRIBUTES if not str(attributes.get(name) or "").strip()]
        if missing:
            raise ValueError(
                "a link or node said in the room needs attributes " + ", ".join(ROOM_ATTRIBUTES)
                + f" (missing: {', '.join(missing)})"
            )
        if not all(isinstance(attributes[name], str) for name in ROOM_ATTRIBUTES):
            raise ValueError("the session, its date and the editor are text")
        if not _DATE.match(attributes["session_date"]):
            raise ValueError(f"session_date {attributes['session_date']!r} is not a date written YYYY-MM-DD")


def check_source(basis: Basis, source: str | None) -> None:
    if basis is Basis.EXTERNAL and not source:
        raise ValueError("an external fact needs external_source: the public document or page it comes from")
    if source and basis is not Basis.EXTERNAL:
        raise ValueError("external_source is only for basis 'external' (a fact from outside the report)")
