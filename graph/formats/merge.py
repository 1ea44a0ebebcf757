"""Plan how an import changes the data: what it adds, changes and leaves alone, and every problem.

Rules (the README should carry them):
- A row is the existing node with the same id; failing that, the one with the same label
  and type (case-insensitive), or the same label alone when the row gives no type.
  So re-importing a file, ours or the Centre's, creates no duplicates.
- An import adds and updates; it never deletes and never clears: a field the file leaves
  out (no column, blank cell) keeps its current value.
- From/To (source/target) may be an id or a label (case-insensitive), of a node in the
  import or already in the data. A name that is the same once case, punctuation, a leading 'The'
  and '&' are set aside, or a node's recorded alias, is taken with a note; any other likeness
  (an acronym, a typo...) is only a suggestion, best first, for a person to confirm (``ends``),
  and a name no node has may be created as a new node of a type the relation allows (``create``).
- ``keep_back``: rows with problems (and rows that need them) are left out and listed with their
  problems; the good rows are imported.
- Attribute values read as text take the shape the existing data gives that attribute
  (a list, a whole number...); a whole number is read as a number otherwise.
- Provenance is never invented: a new node or link from another tool's file (CSV, xlsx,
  GraphML, GEXF; not our JSON) without refs gets the ref 'Imported from FILE', and a new
  link without a basis gets the basis 'imported'.
- A relation may be written as its id ('works_on') or as it reads ('works on'); its
  reverse reading ('is worked on by') swaps From and To.
- Nothing is written unless the whole merged dataset validates: ``plan.merged`` raises.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from graph.data.store import dump_model
from graph.data.validate import parse_edges, parse_nodes
from graph.errors import DataError, Problem, visible
from graph.formats._values import attribute_shapes, column_of, friendly, normalised, shaped
from graph.formats.batch import ImportBatch, ImportedRow
from graph.formats.ends import created_rows, end_types, folded_name, kept_back_batch
from graph.formats.names import NameIndex, NameMatch
from graph.schema import Dataset, Edge, Node, edge_key

#: The basis of a link whose file did not say where it comes from.
IMPORTED_BASIS = "imported"
#: Formats whose files may lack our refs and basis (other tools' files); our JSON must carry them.
_FOREIGN_FORMATS = frozenset({"csv", "xlsx", "graphml", "gexf"})
_INDEX = re.compile(r"^(?:nodes|edges)\[(\d+)\]")


@dataclass(frozen=True)
class NodeChange:
    before: Node
    after: Node
    element: str

    @property
    def fields(self) -> tuple[str, ...]:
        return _changed_fields(self.before, self.after)


@dataclass(frozen=True)
class EdgeChange:
    before: Edge
    after: Edge
    element: str

    @property
    def fields(self) -> tuple[str, ...]:
        return _changed_fields(self.before, self.after)


@dataclass(frozen=True)
class MergePlan:
    """What importing ``file`` would do. ``merged`` is the dataset to save, if there are no problems."""

    file: str
    added_nodes: tuple[Node, ...] = ()
    changed_nodes: tuple[NodeChange, ...] = ()
    unchanged_nodes: tuple[Node, ...] = ()
    added_edges: tuple[Edge, ...] = ()
    changed_edges: tuple[EdgeChange, ...] = ()
    unchanged_edges: tuple[Edge, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    result: Dataset | None = field(default=None, repr=False)
    rows_read: tuple[tuple[str, int], ...] = ()  # each sheet (or CSV) of the file, and the rows read from it
    #: Existing nodes a name that matched none may mean, best first, by (row, column) of the problem.
    suggestions: Mapping[tuple[str, str], tuple[NameMatch, ...]] = field(default_factory=dict)
    #: Names no node has that could be created, by (row, column): (the name, the types it may be).
    creatable: Mapping[tuple[str, str], tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    #: Rows left out with their problems (``keep_back``); the rest is imported.
    kept_back: tuple[Problem, ...] = ()
    #: The row each planned node and link came from: node id or link key -> row.
    rows: Mapping[str, str] = field(default_factory=dict)
    #: Each name written as a link's end (folded) -> (as written, first row, the node id it names or
    #: None, why when it was taken by likeness).
    named: Mapping[str, tuple[str, str, str | None, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and self.result is not None

    @property
    def type_changes(self) -> tuple[NodeChange, ...]:
        """Existing nodes whose type the import would change: a change of meaning, confirmed apart."""
        return tuple(change for change in self.changed_nodes if change.before.type != change.after.type)

    def describe_type_changes(self, limit: int = 5) -> str:
        """'topic:x (topic -> theme), ...' for the first ``limit`` type changes."""
        shown = [f"{c.after.id} ({c.before.type.value} -> {c.after.type.value})" for c in self.type_changes[:limit]]
        more = len(self.type_changes) - limit
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

    @property
    def has_changes(self) -> bool:
        return bool(self.added_nodes or self.changed_nodes or self.added_edges or self.changed_edges)

    @property
    def merged(self) -> Dataset:
        """The existing data with the import applied. Raises DataError listing every problem if any."""
        if not self.ok or self.result is None:
            raise DataError(self.problems)
        return self.result

    def rows_read_summary(self) -> str:
        """How many rows were read from each sheet, e.g. 'Rows read: 30 from sheet Elements, 12 from sheet
        Connections.' ('' for a file that is not a spreadsheet)."""
        if not self.rows_read:
            return ""
        parts = [f"{count:,} from {visible(where)}" for where, count in self.rows_read]
        return "Rows read: " + ", ".join(parts) + "."

    def summary(self) -> str:
        return (
            f"nodes: {len(self.added_nodes)} new, {len(self.changed_nodes)} changed, {len(self.unchanged_nodes)} unchanged; "
            f"edges: {len(self.added_edges)} new, {len(self.changed_edges)} changed, {len(self.unchanged_edges)} unchanged; "
            f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        )


@dataclass
class _Planned:
    row: ImportedRow | None
    raw: Any
    before: Node | Edge | None


def plan_merge(
    existing: Dataset,
    batch: ImportBatch,
    same_as: Mapping[str, str] | None = None,
    *,
    ends: Mapping[str, str] | None = None,
    create: Mapping[str, str] | None = None,
    keep_back: bool = False,
) -> MergePlan:
    """Match the batch against ``existing``, validate the merged result, and say what would change.

    ``same_as`` maps the id a row would get as a new node to the existing node it is (the
    user's "merge" answer to a near-duplicate warning): the row then updates that node,
    which keeps its label, type and refs, and links naming the row's id or label join it.
    ``ends`` maps a name written as a link's end (any case) to the node a person chose for it
    from the suggestions; ``create`` maps such a name to the type of a new node to create for it.
    ``keep_back`` leaves out the rows with problems (listed in ``kept_back``) and plans the rest.

    >>> from graph.formats.imports import parse_import
    >>> trauma = Node(id="topic:trauma", type="topic", label="Trauma", refs=["4.2"])
    >>> batch = parse_import(b"Label,Type,Refs\\ntrauma,topic,4.2\\nNeglect,topic,4.3\\n", "t.csv")
    >>> plan = plan_merge(Dataset((trauma,), ()), batch)
    >>> [n.id for n in plan.added_nodes], [n.id for n in plan.unchanged_nodes]
    (['topic:neglect'], ['topic:trauma'])
    """
    plan = _plan(existing, batch, same_as, ends, create)
    held: list[Problem] = []
    while keep_back and plan.problems:
        batch, dropped = kept_back_batch(batch, plan.problems)
        if not dropped:
            break  # what is left is not one row's: nothing more can be kept back
        held += dropped
        plan = _plan(existing, batch, same_as, ends, create)
    if held:
        plan = replace(plan, kept_back=tuple(held))
    return plan


def _plan(existing, batch, same_as, ends, create) -> MergePlan:
    merger = _Merger(existing, batch, same_as, ends, create)
    merger.plan_nodes()
    merger.plan_edges()
    return merger.plan()


class _Merger:
    """The state of one plan_merge call (kept together so each step reads at a glance)."""

    def __init__(
        self,
        existing: Dataset,
        batch: ImportBatch,
        same_as: Mapping[str, str] | None = None,
        ends: Mapping[str, str] | None = None,
        create: Mapping[str, str] | None = None,
    ):
        self.existing = existing
        self.batch = batch
        self.ends = {folded_name(text): node_id for text, node_id in (ends or {}).items()}
        self.create = {folded_name(text): kind for text, kind in (create or {}).items()}
        self.suggestions: dict[tuple[str, str], tuple[NameMatch, ...]] = {}
        self.creatable: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
        self._names: NameIndex | None = None
        self.named: dict[str, tuple[str, str, str | None, str]] = {}
        self.took = ""  # why the last name taken by likeness was taken
        self.file = batch.file
        self.problems: list[Problem] = list(batch.problems)
        self.notes: list[str] = list(batch.notes)
        self.shapes = attribute_shapes(existing)
        self.aliases: dict[str, str] = {}
        self.same_as: Mapping[str, str] = same_as or {}
        self.label_aliases: dict[str, str] = {}  # folded label of a row merged into an existing node -> its id
        self.node_plans: list[_Planned] = []
        self.edge_plans: list[_Planned] = []
        self.nodes: dict[str, Node] = {}
        self.edges: dict[str, Edge] = {}
        self.invalid_ids: set[str] = set()

    # nodes -----------------------------------------------------------------------------
    def plan_nodes(self) -> None:
        by_id = {node.id: node for node in self.existing.nodes}
        by_label_type: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_label: dict[str, list[str]] = defaultdict(list)
        for node in self.existing.nodes:
            by_label_type[(_fold(node.label), node.type.value)].append(node.id)
            by_label[_fold(node.label)].append(node.id)
        claimed: dict[str, str] = {}
        seen: dict[tuple[str, Any], list[str]] = {}  # (label, type) of rows already planned -> their ids
        for row in [*self.batch.nodes, *created_rows(self.create, self.batch)]:
            data = normalised(row.data)
            if not isinstance(data, dict):
                self.node_plans.append(_Planned(row, data, None))
                continue
            before = self._match(row, data, by_id, by_label_type, by_label)
            if before is False:
                continue
            if before is not None and (row.generated_id or data.get("id") != before.id):
                data.pop("label", None)  # matched by label: a difference of case or spacing is not a rename
            same = (_fold(data["label"]), data.get("type")) if isinstance(data.get("label"), str) else None
            earlier = seen.get(same, []) if row.generated_id else []
            if len(earlier) > 1:
                listed = ", ".join(sorted(earlier))
                self._problem(
                    row, "label", f"'{data['label']}' matches more than one node of this import ({listed}); give the id"
                )
                continue
            node_id = before.id if before else earlier[0] if earlier else self._new_id(row, data, by_id, claimed)
            if before is None and isinstance(node_id, str) and self.same_as.get(node_id) in by_id:
                before = by_id[self.same_as[node_id]]  # the user chose: this row is that existing node
                if isinstance(data.get("label"), str):
                    self.label_aliases[_fold(data.pop("label"))] = before.id
                data.pop("type", None)
                if isinstance(data.get("refs"), list):  # keep the node's refs, add the row's
                    data["refs"] = list(dict.fromkeys([*before.refs, *data["refs"]]))
                node_id = before.id
            if before is None:
                self._provenance(data, edge=False)
            if same is not None and isinstance(node_id, str) and node_id not in seen.get(same, []):
                seen.setdefault(same, []).append(node_id)
            if isinstance(node_id, str):
                if node_id in claimed:
                    self._problem(
                        row, "label" if row.generated_id else "id", f"repeats {claimed[node_id]} (the same node)"
                    )
                    continue
                claimed[node_id] = row.element
                if isinstance(data.get("id"), str):
                    self.aliases[data["id"]] = node_id
            raw = self._merged_raw(before, data, "node")
            if node_id is not None:
                raw["id"] = node_id
            self.node_plans.append(_Planned(row, raw, before))
        self._validate_nodes()

    def _match(
        self, row: ImportedRow, data: dict, by_id: dict, by_label_type: dict, by_label: dict
    ) -> Node | Literal[False] | None:
        """The existing node this row is, None for a new node, False when it cannot tell (a problem)."""
        node_id = data.get("id")
        if isinstance(node_id, str) and not row.generated_id and node_id in by_id:
            return by_id[node_id]
        label, node_type = data.get("label"), data.get("type")
        if not isinstance(label, str):
            return None
        if isinstance(node_type, str):
            candidates = by_label_type.get((_fold(label), node_type), [])
        else:
            candidates = by_label.get(_fold(label), [])
        if not candidates:
            candidates = self._sure(label, [node_type] if isinstance(node_type, str) else None, row)
        if len(candidates) > 1:
            listed = ", ".join(sorted(candidates))
            self._problem(row, "label", f"'{label}' matches more than one existing node ({listed}); give the id")
            return False
        if not candidates:
            return None
        if isinstance(node_id, str) and not row.generated_id:
            self.notes.append(
                f"{row.element}: no node has the id '{node_id}'; matched '{candidates[0]}' by label and type"
            )
        return by_id[candidates[0]]

    def _new_id(self, row: ImportedRow, data: dict, by_id: dict, claimed: dict) -> Any:
        node_id = data.get("id")
        if not row.generated_id or not isinstance(node_id, str):
            return node_id
        candidate, number = node_id, 2
        while candidate in by_id or candidate in claimed:
            candidate, number = f"{node_id}-{number}", number + 1
        return candidate

    def _validate_nodes(self) -> None:
        replaced = {plan.before.id: plan for plan in self.node_plans if plan.before is not None}
        merged: list[_Planned] = [
            replaced.get(node.id) or _Planned(None, dump_model(node), node) for node in self.existing.nodes
        ]
        merged += [plan for plan in self.node_plans if plan.before is None]
        raws = [plan.raw for plan in merged]
        valid, found = parse_nodes(raws, self.file)
        self._relocate(found, merged, "node")
        self.nodes = {node.id: node for node in valid}
        self.invalid_ids = {
            raw["id"] for raw in raws if isinstance(raw, dict) and isinstance(raw.get("id"), str)
        } - set(self.nodes)

    # edges -----------------------------------------------------------------------------
    def plan_edges(self) -> None:
        by_key = {edge.key: edge for edge in self.existing.edges}
        labels: dict[str, list[str]] = defaultdict(list)
        for node in self.nodes.values():
            labels[_fold(node.label)].append(node.id)
        for plan in self.node_plans:  # invalid new nodes too, so their edges are not also "not found"
            raw = plan.raw
            if isinstance(raw, dict) and raw.get("id") in self.invalid_ids and isinstance(raw.get("label"), str):
                labels[_fold(raw["label"])].append(raw["id"])
        claimed: dict[str, str] = {}
        for row in self.batch.edges:
            data = normalised(row.data)
            if not isinstance(data, dict):
                self.edge_plans.append(_Planned(row, data, None))
                continue
            sources = self._resolve(row, data, "source", labels)
            targets = self._resolve(row, data, "target", labels, sources)
            for source in sources:
                for target in targets:
                    self._plan_edge(row, {**data, "source": source, "target": target}, by_key, claimed)
        self._validate_edges()

    def _resolve(
        self, row: ImportedRow, data: dict, end: str, labels: dict[str, list[str]], other: list[Any] | None = None
    ) -> list[Any]:
        """The node ids an edge end names (several for Kumu's 'A|B'); [] after reporting a problem
        (with suggestions: the nodes of the types the relation allows there that it may mean)."""
        value = data.get(end)
        if value is None or (isinstance(value, str) and not value.strip()):
            self._problem(row, end, "is required")
            return []
        if not isinstance(value, str):
            return [value]  # validation says it must be text, located
        node_id, why = self._resolve_one(value.strip(), labels)
        self.named.setdefault(folded_name(value), (value.strip(), row.element, node_id, ""))
        if node_id is not None:
            return [node_id]
        if "|" in value and self.batch.format in ("csv", "xlsx"):
            parts = [self._resolve_one(part.strip(), labels) for part in value.split("|") if part.strip()]
            if all(part_id is not None for part_id, _ in parts):
                return [part_id for part_id, _ in parts]
        if why.startswith("no node has"):
            other_type = self._type_of(other[0]) if other and len(other) == 1 else None
            types = end_types(data.get("relation"), end, other_type)
            sure = self._sure(value.strip(), types, row)
            if len(sure) == 1:
                self.named[folded_name(value)] = (value.strip(), row.element, sure[0], self.took)
                return sure
            why = self._unknown(row, end, value.strip(), types, why)
        self._problem(row, end, why)
        return []

    def _type_of(self, node_id: Any) -> str | None:
        node = self.nodes.get(node_id) if isinstance(node_id, str) else None
        return node.type.value if node is not None else None

    def _index(self) -> NameIndex:
        if self._names is None:
            self._names = NameIndex(self.nodes.values() if self.nodes else self.existing.nodes)
        return self._names

    def _sure(self, text: str, types: list[str] | set[str] | None, row: ImportedRow) -> list[str]:
        """The one node ``text`` surely names (the same name once case and punctuation are set aside,
        or a recorded alias), noted; [] when none or more than one."""
        sure = [m for m in self._index().find(text, types=types) if m.sure]
        if len(sure) != 1:
            return []
        self.took = sure[0].why
        if sure[0].kind != "same" or _fold(text) != _fold(sure[0].label):
            self.notes.append(f"{row.element}: took '{text}' as {sure[0].id}: {sure[0].why}")
        return [sure[0].id]

    def _unknown(self, row: ImportedRow, end: str, text: str, types: set[str] | None, why: str) -> str:
        """Why a link's end names no node, with the suggestions and what it could be created as."""
        where = (row.element, column_of(row, end))
        answer = self.ends.get(folded_name(text))
        if answer is not None:
            return f"'{text}' was answered with {answer}, which is not a node"
        found = tuple(self._index().find(text, types=types))
        if found:
            self.suggestions[where] = found
            why += "; did you mean " + ", ".join(f"{m.label} ({m.id})" for m in found[:3]) + "?"
        kinds = tuple(sorted(types)) if types else ()
        if kinds:
            self.creatable[where] = (text, kinds)
            why += f"{' Or' if found else ';'} it may be a new {' or '.join(kinds)}: create it"
        return why

    def _resolve_one(self, text: str, labels: dict[str, list[str]]) -> tuple[str | None, str]:
        """(the node id ``text`` names, "") or (None, why it names none)."""
        if folded_name(text) in self.ends and self.ends[folded_name(text)] in self.nodes:
            return self.ends[folded_name(text)], ""  # a person chose it from the suggestions
        if text in self.aliases:
            return self.aliases[text], ""
        if _fold(text) in self.label_aliases:
            return self.label_aliases[_fold(text)], ""
        if text in self.nodes or text in self.invalid_ids:
            return text, ""
        matches = sorted(set(labels.get(_fold(text), [])))
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, f"'{text}' is the label of more than one node ({', '.join(matches)}); give the id"
        return None, f"no node has the id or label '{text}'"

    def _plan_edge(self, row: ImportedRow, data: dict, by_key: dict[str, Edge], claimed: dict[str, str]) -> None:
        relation = data.get("relation")
        key = edge_key(data["source"], relation, data["target"]) if isinstance(relation, str) else None
        if key is not None and key in claimed:
            self._problem(row, "", f"repeats {claimed[key]} (the same edge)")
            return
        if key is not None:
            claimed[key] = row.element
        before = by_key.get(key) if key else None
        if before is None:
            self._provenance(data, edge=True)
        self.edge_plans.append(_Planned(row, self._merged_raw(before, data, "edge"), before))

    def _validate_edges(self) -> None:
        replaced = {plan.before.key: plan for plan in self.edge_plans if plan.before is not None}
        merged: list[_Planned] = [
            replaced.get(edge.key) or _Planned(None, dump_model(edge), edge) for edge in self.existing.edges
        ]
        merged += [plan for plan in self.edge_plans if plan.before is None]
        valid, found = parse_edges(
            [plan.raw for plan in merged], list(self.nodes.values()), self.file, known_ids=self.invalid_ids
        )
        self._relocate(found, merged, "edge")
        self.edges = {edge.key: edge for edge in valid}

    # shared ----------------------------------------------------------------------------
    def _provenance(self, data: dict[str, Any], *, edge: bool) -> None:
        """Honest defaults for a new element of another tool's file: its refs name the file; its basis says imported."""
        if self.batch.format not in _FOREIGN_FORMATS:
            return
        if not data.get("refs"):
            data["refs"] = [imported_ref(self.file)]
        if not data.get("basis"):  # a node's basis is that of its description
            data["basis"] = IMPORTED_BASIS

    def _merged_raw(self, before: Node | Edge | None, data: dict, scope: str) -> dict[str, Any]:
        raw = dump_model(before) if before is not None else {}
        raw.update({key: value for key, value in data.items() if key != "attributes"})
        if isinstance(before, Node) and before.aliases and isinstance(data.get("aliases"), list):
            raw["aliases"] = _union(before.aliases, data["aliases"])  # an import adds names, never forgets one
        given = data.get("attributes")
        if given is None:
            return raw
        if not isinstance(given, dict):
            raw["attributes"] = given  # validation says what is wrong with it
            return raw
        attributes = dict(before.attributes) if before is not None else {}
        for name, value in given.items():
            attributes[name] = shaped(value, self.shapes.get((scope, name)), self.batch.text_values)
        raw["attributes"] = attributes
        return raw

    def _relocate(self, found: list[Problem], merged: list[_Planned], scope: str) -> None:
        """Re-point problems from 'nodes[12]' of the merged list to the row of the import they came from."""
        for problem in found:
            match = _INDEX.match(problem.element)
            plan = merged[int(match.group(1))] if match else None
            message = friendly(problem.field, problem.message)
            if plan is not None and plan.row is not None:
                column = column_of(plan.row, problem.field, message)
                self.problems.append(Problem(self.file, plan.row.element, column, message))
            elif not message.startswith("joins a node that is itself invalid"):
                before = plan.before if plan is not None else None
                what = before.id if isinstance(before, Node) else before.key if isinstance(before, Edge) else ""
                where = f"existing {scope} {what}".strip()
                self.problems.append(Problem(self.file, where, problem.field, f"{message} (after this import)"))

    def _problem(self, row: ImportedRow, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, row.element, column_of(row, field_name), message))

    def plan(self) -> MergePlan:
        added_nodes, changed_nodes, unchanged_nodes = _sorted_out(
            self.node_plans, self.nodes, lambda raw: raw.get("id")
        )
        added_edges, changed_edges, unchanged_edges = _sorted_out(self.edge_plans, self.edges, _raw_key)
        result = None
        if not self.problems:
            nodes = [self.nodes[node.id] for node in self.existing.nodes] + added_nodes
            edges = [self.edges[edge.key] for edge in self.existing.edges] + added_edges
            result = Dataset(tuple(nodes), tuple(edges))
        return MergePlan(
            file=self.file,
            added_nodes=tuple(added_nodes),
            changed_nodes=tuple(NodeChange(b, a, e) for b, a, e in changed_nodes),
            unchanged_nodes=tuple(unchanged_nodes),
            added_edges=tuple(added_edges),
            changed_edges=tuple(EdgeChange(b, a, e) for b, a, e in changed_edges),
            unchanged_edges=tuple(unchanged_edges),
            problems=tuple(self.problems),
            notes=tuple(self.notes),
            result=result,
            rows_read=self.batch.rows_read,
            suggestions=dict(self.suggestions),
            creatable=dict(self.creatable),
            rows=_rows_of(self.node_plans, lambda raw: raw.get("id")) | _rows_of(self.edge_plans, _raw_key),
            named=dict(self.named),
        )


def _sorted_out(plans: list[_Planned], valid: dict, ident: Any) -> tuple[list, list, list]:
    added, changed, unchanged = [], [], []
    for plan in plans:
        model = valid.get(ident(plan.raw)) if isinstance(plan.raw, dict) else None
        if model is None or plan.row is None:
            continue
        if plan.before is None:
            added.append(model)
        elif model == plan.before:
            unchanged.append(model)
        else:
            changed.append((plan.before, model, plan.row.element))
    return added, changed, unchanged


def _rows_of(plans: list[_Planned], ident: Any) -> dict[str, str]:
    found = {}
    for plan in plans:
        key = ident(plan.raw) if isinstance(plan.raw, dict) else None
        if isinstance(key, str) and plan.row is not None:
            found.setdefault(key, plan.row.element)
    return found


def _raw_key(raw: dict[str, Any]) -> str | None:
    parts = (raw.get("source"), raw.get("relation"), raw.get("target"))
    return edge_key(*parts) if all(isinstance(part, str) for part in parts) else None


def imported_ref(file: str) -> str:
    """The ref of an element whose file gave none: the file it came from."""
    return f"Imported from {file}"[:200]


def _union(first: list[str], more: list[Any]) -> list[Any]:
    seen = {alias.casefold() for alias in first}
    added = [a for a in more if not isinstance(a, str) or a.casefold() not in seen]
    return [*first, *added]


def _fold(label: str) -> str:
    return " ".join(label.split()).casefold()


def _changed_fields(before: Node | Edge, after: Node | Edge) -> tuple[str, ...]:
    old, new = before.model_dump(), after.model_dump()
    names = [name for name in old if name != "attributes" and old[name] != new[name]]
    for name in sorted(set(old["attributes"]) | set(new["attributes"])):
        if old["attributes"].get(name) != new["attributes"].get(name):
            names.append(f"attributes.{name}")
    return tuple(names)
