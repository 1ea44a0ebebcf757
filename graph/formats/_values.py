"""What an import's values become: vocabulary words in their canonical form ('works on' ->
'works_on', a reverse reading swapping the ends), a node's aliases lifted out of its attributes,
attribute values read as text given the shape the existing data uses; and how a problem names the
file's own column, in words a person acts on."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from graph.formats._common import is_finite, is_whole_number, lift_aliases, split_values
from graph.formats.batch import MAX_NUMBER_DIGITS, ImportedRow
from graph.schema import RELATIONS, Dataset

REFS_REQUIRED = (
    "is required: every node and edge must cite the report section or source "
    "(a 'Refs' column or 'refs' list; separate several with ';' or '|')"
)
BASIS_REQUIRED = "is required: 'stated' (the report says it) or 'inferred' (a curator's reading; give a rationale)"
_TRUE, _FALSE = frozenset({"true", "yes", "y", "1"}), frozenset({"false", "no", "n", "0"})
_DEFAULT_SHAPES = {("node", "tags"): "list", ("edge", "tags"): "list", ("node", "count"): "int"}


def _words(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", text.casefold()).split())


def _readings() -> dict[str, tuple[str, bool]]:
    """How each relation may be written -> (its id, whether the reading is the reverse one)."""
    readings = {_words(rule.inverse): (relation.value, True) for relation, rule in RELATIONS.items() if rule.inverse}
    for relation, rule in RELATIONS.items():  # the forward reading wins where both read the same
        readings[_words(rule.verb)] = (relation.value, False)
        readings[_words(relation.value)] = (relation.value, False)
    return readings


_READINGS = _readings()


def normalised(data: Any) -> Any:
    """Vocabulary words in their canonical form: 'Topic' -> 'topic', 'Not prioritised' -> 'not_prioritised',
    'works on' -> 'works_on'; 'is worked on by' -> 'works_on' with source and target swapped."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    is_node = "source" not in data and "target" not in data
    if is_node and isinstance(data.get("attributes"), dict) and "aliases" in data["attributes"]:
        aliases, data["attributes"] = lift_aliases(data["attributes"])
        data["aliases"] = aliases
    for name in ("type", "relation", "basis"):
        if isinstance(data.get(name), str):
            data[name] = re.sub(r"[\s\-]+", "_", data[name].strip().lower())
    relation = data.get("relation")
    if isinstance(relation, str) and _words(relation) in _READINGS:
        data["relation"], reverse = _READINGS[_words(relation)]
        if reverse:
            data["source"], data["target"] = data.get("target"), data.get("source")
    return data


def attribute_shapes(existing: Dataset) -> dict[tuple[str, str], str]:
    """How the existing data stores each attribute: 'list', 'int', 'float', 'bool' or 'str'."""
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    for scope, items in (("node", existing.nodes), ("edge", existing.edges)):
        for item in items:
            for name, value in item.attributes.items():
                kinds[(scope, name)].add("list" if isinstance(value, list) else type(value).__name__)
    shapes = dict(_DEFAULT_SHAPES)
    for key, found in kinds.items():
        shapes[key] = "list" if "list" in found else (next(iter(found)) if len(found) == 1 else "str")
    return shapes


def shaped(value: Any, shape: str | None, text_values: bool) -> Any:
    """A value read as text, in the shape the existing data uses for its attribute."""
    if not text_values:
        return value
    if shape == "list":
        return split_values(value) if isinstance(value, str) else value if isinstance(value, list) else [value]
    if shape == "str" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if shape == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if shape == "bool" and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    if shape == "float":
        try:
            number = float(text)
        except ValueError:
            return text
        return number if is_finite(number) else text
    if shape in ("int", None) and is_whole_number(text) and len(text.lstrip("-")) <= MAX_NUMBER_DIGITS:
        return int(text)
    return text


def column_of(row: ImportedRow, field_name: str, message: str = "") -> str:
    """The file's column for one of our fields ('refs' -> 'Reference(s)'), else the field itself."""
    if field_name in row.columns:
        return row.columns[field_name]
    parts = field_name.split(".")
    if parts[0] == "attributes" and len(parts) > 1:
        return row.columns.get(f"attributes.{parts[1]}", field_name)
    if field_name == "attributes":  # the schema checks attributes as a whole; its message names the one at fault
        for target, column in row.columns.items():
            name = target.removeprefix("attributes.")
            if target.startswith("attributes.") and re.search(rf"(^|\W){re.escape(name)}(\W|$)", message):
                return column
    return row.columns.get(parts[0], field_name)


def friendly(field_name: str, message: str) -> str:
    head = field_name.split(".")[0]
    if head == "refs" and (message == "is required" or message.startswith("List should have at least 1 item")):
        return REFS_REQUIRED
    if head == "basis" and message == "is required":
        return BASIS_REQUIRED
    return message
