"""The data model: nodes, edges, scenes and the type and relation vocabulary.

This module is the one source of truth for what a valid graph is. The JSON
Schema files in ``data/`` are generated from these models
(``python -m graph schema``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from graph.bases import BASES, Basis, check_room, check_source


class NodeType(StrEnum):
    STAKEHOLDER = "stakeholder"
    STRAND = "strand"
    PLACE = "place"
    TOPIC = "topic"
    THEME = "theme"
    LEVEL = "level"
    BARRIER = "barrier"
    STAGE = "stage"
    ORGANISATION = "organisation"
    INITIATIVE = "initiative"
    MESSAGE = "message"
    QUOTE = "quote"


#: What each node type means, in the users' words (shown in the app and README).
NODE_TYPE_DOCS: dict[NodeType, str] = {
    NodeType.STAKEHOLDER: "A group of people the report counts or quotes by role "
    "(e.g. frontline practitioners and managers, directors of children's services).",
    NodeType.STRAND: "A strand of engagement: an event, panel, group, piece of research or "
    "channel through which the Centre heard from the sector (section 2, Appendix 1 columns).",
    NodeType.PLACE: "A place named in the report (the cities that hosted practitioner events).",
    NodeType.TOPIC: "A topic of practice stakeholders want more evidence about (Appendix 1 row).",
    NodeType.THEME: "A main theme or cluster grouping topics in Appendix 1.",
    NodeType.LEVEL: "A level of the knowledge and skills framework: frontline, organisation, system.",
    NodeType.BARRIER: "One of the five barriers to evidence-informed change (section 6.1).",
    NodeType.STAGE: "A stage of the evidence cycle: identify, generate, share, scale (section 6.1).",
    NodeType.ORGANISATION: "A body the report names: national bodies, councils, charities, regulators.",
    NodeType.INITIATIVE: "A programme, tool, framework or way of working the report names.",
    NodeType.MESSAGE: "A key message: what stakeholders want (section 3, kind 'want'), ways to make "
    "evidence useful (section 5, kind 'usability'), the Centre's commitments (section 6, kind "
    "'commitment') and the overarching points on topics (section 4, kind 'overarching').",
    NodeType.QUOTE: "A quotation from the report, with its attribution.",
}


class Relation(StrEnum):
    RAISED = "raised"
    NOT_PRIORITISED = "not_prioritised"
    IN_THEME = "in_theme"
    AT_LEVEL = "at_level"
    PART_OF = "part_of"
    INVOLVED = "involved"
    HELD_IN = "held_in"
    LOCATED_IN = "located_in"
    ATTRIBUTED_TO = "attributed_to"
    SPEAKS_TO = "speaks_to"
    ADDRESSES = "addresses"
    WORKS_ON = "works_on"
    MENTIONS = "mentions"
    ALSO_LISTED_AS = "also_listed_as"
    NEXT_STAGE = "next_stage"
    CONTRIBUTES_TO = "contributes_to"
    ECHOES = "echoes"
    FUNDS = "funds"
    RUNS = "runs"
    COORDINATES_WITH = "coordinates_with"
    FACES = "faces"
    FRAMES = "frames"
    BASED_ON = "based_on"
    DEVELOPED = "developed"
    GUIDED = "guided"


@dataclass(frozen=True)
class RelationRule:
    """What a relation means, how it reads in a sentence, and which types it may join."""

    doc: str
    verb: str
    pairs: frozenset[tuple[NodeType, NodeType]]
    inverse: str = ""  # how the relation reads from the target's side ("was raised by")


def _pairs(sources: str, targets: str) -> frozenset[tuple[NodeType, NodeType]]:
    return frozenset((NodeType(s), NodeType(t)) for s in sources.split() for t in targets.split())


T = NodeType
RELATIONS: dict[Relation, RelationRule] = {
    Relation.RAISED: RelationRule(
        "A strand raised the topic (a tick in Appendix 1; `qualifier` keeps any note such as 'Families').",
        "raised",
        _pairs("strand", "topic"),
        inverse="was raised by",
    ),
    Relation.NOT_PRIORITISED: RelationRule(
        "A strand marked the topic 'Not priority' in Appendix 1. Never counts as raising it.",
        "did not prioritise",
        _pairs("strand", "topic"),
        inverse="was not prioritised by",
    ),
    Relation.IN_THEME: RelationRule(
        "The topic is listed under this main theme or cluster.",
        "is in the theme",
        _pairs("topic", "theme"),
        inverse="includes",
    ),
    Relation.AT_LEVEL: RelationRule(
        "The theme sits at this level of the framework.",
        "sits at the level",
        _pairs("theme", "level"),
        inverse="has the theme",
    ),
    Relation.PART_OF: RelationRule(
        "The source is one part of the target (an event of a series, a wave of a programme, a group within a group).",
        "is part of",
        _pairs("strand", "strand")
        | _pairs("initiative", "initiative")
        | _pairs("stakeholder", "stakeholder")
        | _pairs("organisation", "organisation"),
        inverse="has as a part",
    ),
    Relation.INVOLVED: RelationRule(
        "The strand involved these people or organisations.",
        "involved",
        _pairs("strand", "stakeholder organisation"),
        inverse="took part in",
    ),
    Relation.HELD_IN: RelationRule(
        "The strand took place here.", "was held in", _pairs("strand", "place"), inverse="hosted"
    ),
    Relation.LOCATED_IN: RelationRule(
        "The organisation is based in this place.", "is based in", _pairs("organisation", "place"), inverse="is home to"
    ),
    Relation.ATTRIBUTED_TO: RelationRule(
        "Who said the quote (a role, an organisation or the strand it came from).",
        "was said by",
        _pairs("quote", "stakeholder organisation strand"),
        inverse="said",
    ),
    Relation.SPEAKS_TO: RelationRule(
        "The quote or message bears on the target.",
        "speaks to",
        _pairs("quote message", "message topic theme barrier stage initiative organisation")
        | _pairs("message", "strand"),
        inverse="is spoken to by",
    ),
    Relation.ADDRESSES: RelationRule(
        "The source helps overcome the barrier.",
        "addresses",
        _pairs("message initiative organisation stage", "barrier"),
        inverse="is addressed by",
    ),
    Relation.WORKS_ON: RelationRule(
        "The organisation or initiative works on the topic or theme.",
        "works on",
        _pairs("organisation initiative", "topic theme"),
        inverse="is worked on by",
    ),
    Relation.MENTIONS: RelationRule(
        "The topic's wording names the initiative or organisation.",
        "mentions",
        _pairs("topic", "initiative organisation"),
        inverse="is mentioned by",
    ),
    Relation.ALSO_LISTED_AS: RelationRule(
        "The same topic appears again under another level or cluster of Appendix 1.",
        "is also listed as",
        _pairs("topic", "topic"),
        inverse="is also listed as",
    ),
    Relation.NEXT_STAGE: RelationRule(
        "The evidence cycle moves from this stage to the next.", "leads to", _pairs("stage", "stage"), inverse="follows"
    ),
    Relation.CONTRIBUTES_TO: RelationRule(
        "The source does its work in this stage of the evidence cycle.",
        "contributes to",
        _pairs("message initiative organisation strand", "stage"),
        inverse="is helped by",
    ),
    Relation.ECHOES: RelationRule(
        "One key message repeats or builds on another.", "echoes", _pairs("message", "message"), inverse="is echoed by"
    ),
    Relation.FUNDS: RelationRule(
        "The organisation funds the target.",
        "funds",
        _pairs("organisation", "organisation initiative"),
        inverse="is funded by",
    ),
    Relation.RUNS: RelationRule(
        "The organisation runs or leads the target.",
        "runs",
        _pairs("organisation", "initiative strand"),
        inverse="is run by",
    ),
    Relation.COORDINATES_WITH: RelationRule(
        "The two should co-ordinate or already work together.",
        "co-ordinates with",
        _pairs("organisation initiative", "organisation initiative"),
        inverse="co-ordinates with",
    ),
    Relation.FACES: RelationRule(
        "The stakeholders face this barrier.", "faces", _pairs("stakeholder", "barrier"), inverse="is faced by"
    ),
    Relation.FRAMES: RelationRule(
        "A framework that structures the target.", "frames", _pairs("initiative", "level theme"), inverse="is framed by"
    ),
    Relation.BASED_ON: RelationRule(
        "The source builds on the target (a framework on a standard, a wave on an earlier wave).",
        "is based on",
        _pairs("initiative", "initiative"),
        inverse="is the basis of",
    ),
    Relation.DEVELOPED: RelationRule(
        "The strand produced this framework, tool or idea.",
        "developed",
        _pairs("strand", "initiative"),
        inverse="was developed by",
    ),
    Relation.GUIDED: RelationRule(
        "The framework or tool guided the discussions of the strand.",
        "guided",
        _pairs("initiative", "strand"),
        inverse="was guided by",
    ),
}
del T






















LEVELS = ("frontline", "organisation", "system")
MESSAGE_KINDS = ("want", "usability", "commitment", "overarching", "point", "concern", "next_step")
RESERVED_KEYS = frozenset(
    {
        "id",
        "type",
        "label",
        "refs",
        "description",
        "aliases",
        "source",
        "target",
        "relation",
        "basis",
        "rationale",
        "external_source",
    }
)

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:_.\-]*$")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
NodeId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=_ID_RE.pattern)]
#: A list of references travels in one cell of a CSV file, a workbook and Kumu, separated by one of these.
REF_SEPARATORS = ("|", ";")


def _one_reference(ref: str) -> str:
    if any(separator in ref for separator in REF_SEPARATORS):
        raise ValueError(
            f"a reference may not contain '|' or ';': they separate references in CSV, Excel and Kumu files "
            f"(give {ref!r} as separate references)"
        )
    return ref


Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_one_reference)]
ExternalSource = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Scalar = str | int | float | bool
AttributeValue = Scalar | list[Scalar]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    clash = sorted(RESERVED_KEYS & set(attributes))
    if clash:
        raise ValueError(f"attribute name(s) {', '.join(clash)} are reserved for the element's own fields")
    for key in attributes:
        if not key.strip():
            raise ValueError("attribute names must not be empty")
    level = attributes.get("level")
    if level is not None and level not in LEVELS:
        raise ValueError(f"level {level!r} is not one of {', '.join(LEVELS)}")
    count = attributes.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise ValueError(f"count must be a whole number of 0 or more, not {count!r}")
    return attributes




class Node(_Model):
    """One thing in the graph: a topic, a strand, a barrier, an organisation...

    >>> Node(id="topic:trauma", type="topic", label="Trauma", refs=["Appendix 1 / Frontline"]).label
    'Trauma'
    """

    id: NodeId = Field(description="Stable unique slug, e.g. 'topic:trauma'.")
    type: NodeType
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    refs: list[Ref] = Field(min_length=1, description="Where in the report this comes from, e.g. '3.2'.")
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    basis: Basis = Field(
        default=Basis.STATED,
        description="Where the description comes from: 'stated' (the report), 'inferred', 'imported' or "
        "'external' (outside the report; give external_source).",
    )
    external_source: ExternalSource | None = None
    aliases: list[Alias] = Field(
        default_factory=list,
        max_length=50,
        description="Other names people use for it: an acronym, an old or a new name ('DfE', 'RiP').",
    )
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_attributes(value)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        folded = [alias.casefold() for alias in value]
        if len(set(folded)) < len(folded):
            raise ValueError("an alias is listed twice")
        return value

    @model_validator(mode="after")
    def _kind_of_message(self) -> Node:
        if self.type is NodeType.MESSAGE and self.attributes.get("kind") not in MESSAGE_KINDS:
            raise ValueError(f"a message needs attributes.kind, one of {', '.join(MESSAGE_KINDS)}")
        check_source(self.basis, self.external_source)
        check_room(None, self.attributes)
        return self


class Edge(_Model):
    """A link between two nodes, with the report's references and its basis.

    >>> Edge(source="strand:event-coventry", target="topic:trauma", relation="raised",
    ...      refs=["Appendix 1 / Frontline"], basis="stated").key
    'strand:event-coventry|raised|topic:trauma'
    """

    source: NodeId
    target: NodeId
    relation: Relation
    refs: list[Ref] = Field(min_length=1)
    basis: Basis = Field(
        description=(
            "'stated': the report says it; 'inferred': a reading of the report's words (give a rationale "
            "quoting them); 'imported': it came from an imported file that did not say (its refs name the "
            "file); 'room': said in a workshop (attributes session, session_date and editor record it); "
            "'external': a fact from outside the report (give a rationale and external_source)."
        )
    )
    rationale: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    external_source: ExternalSource | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, value: dict[str, Any]) -> dict[str, Any]:
        return _check_attributes(value)

    @model_validator(mode="after")
    def _rationale_for_inferred(self) -> Edge:
        for needed in BASES[self.basis].needs:
            if needed == "rationale" and not self.rationale:
                raise ValueError(f"an {self.basis.value} edge needs a one-line rationale")
        check_source(self.basis, self.external_source)
        check_room(self.basis, self.attributes)
        if self.source == self.target:
            raise ValueError("an edge may not join a node to itself")
        return self

    @property
    def key(self) -> str:
        return edge_key(self.source, self.relation, self.target)


def edge_key(source: str, relation: str, target: str) -> str:
    """The unique key of an edge: one relation of a kind between two nodes."""
    return f"{source}|{relation}|{target}"


class NodesFile(_Model):
    """The shape of data/nodes.json."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    schema_: str | None = Field(default=None, alias="$schema")
    nodes: list[Node]


class EdgesFile(_Model):
    """The shape of data/edges.json."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    schema_: str | None = Field(default=None, alias="$schema")
    edges: list[Edge]


def allowed_pairs(relation: Relation | str) -> frozenset[tuple[NodeType, NodeType]]:
    return RELATIONS[Relation(relation)].pairs


@dataclass(frozen=True)
class Dataset:
    """A validated set of nodes and edges, as read from (or to be written to) a data directory."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


class View(_Model):
    """What the explorer shows: filters, the selected node, one highlighted result, the scene and the tab.

    Empty filter lists mean "no filter". A view is what a shareable link and a scene store
    (``graph.picture.links`` turns it into a URL and back). The app selects one thing at a time (a
    node, a path, an overlap pair, duplicates, a gap or a community); a scene may combine them.
    """

    types: list[NodeType] = Field(default_factory=list)
    levels: list[Literal["frontline", "organisation", "system"]] = Field(default_factory=list)
    themes: list[NodeId] = Field(default_factory=list)
    strands: list[NodeId] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    bases: list[Basis] = Field(
        default_factory=list, description="Show only links of these bases (e.g. what the room said) and their ends."
    )
    focus: NodeId | None = None
    depth: int = Field(default=1, ge=1, le=3)
    only_neighbourhood: bool = False
    path: list[NodeId] = Field(default_factory=list, max_length=2, description="Two node ids: find paths between them.")
    path_count: int = Field(default=3, ge=1, le=5, description="How many of the shortest paths to find.")
    path_pick: int | None = Field(default=None, ge=0, description="Highlight only this one of the paths found.")
    path_avoid: list[NodeId] = Field(
        default_factory=list, max_length=10, description="Nodes the paths must not go through."
    )
    overlap: list[NodeId] = Field(
        default_factory=list, max_length=2, description="Two node ids: highlight their overlap."
    )
    duplicate: list[NodeId] = Field(
        default_factory=list, max_length=50, description="Candidate duplicates: highlight them side by side."
    )
    gap: str | None = Field(
        default=None,
        max_length=300,
        pattern=r"^[a-z_]+:[A-Za-z0-9][A-Za-z0-9:_.~\-]*$",
        description="A gap to highlight: its kind and its id, as 'kind:id' (e.g. 'unraised_topics:topic:x').",
    )
    community: int | None = Field(default=None, ge=0)
    scene: NodeId | None = Field(default=None, description="The scene this view was stepped to, if any.")
    since: str | None = Field(
        default=None,
        max_length=40,
        pattern=r"^(session|\d{1,9}|\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:\d{2})?)$",
        description="Highlight what changed since a data version, a time or 'session' (the session's start).",
    )
    tab: str | None = Field(default=None, max_length=40, pattern=r"^[a-z][a-z-]*$", description="The panel shown.")


class Scene(_Model):
    """A saved view with a caption, for presenting in a workshop."""

    id: NodeId
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    caption: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    view: View = Field(default_factory=View)
    refs: list[Ref] = Field(default_factory=list)


class ScenesFile(_Model):
    """The shape of data/scenes.json."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    schema_: str | None = Field(default=None, alias="$schema")
    scenes: list[Scene]


def vocabulary_markdown() -> str:
    """The node types and relations as markdown tables (the README carries this text)."""
    lines = ["| type | what it is |", "|---|---|"]
    lines += [f"| `{node_type.value}` | {doc} |" for node_type, doc in NODE_TYPE_DOCS.items()]
    lines += ["", "| relation | reads | may join | meaning |", "|---|---|---|---|"]
    for relation, rule in RELATIONS.items():
        pairs = ", ".join(sorted(f"{s.value} → {t.value}" for s, t in rule.pairs))
        lines.append(f"| `{relation.value}` | {rule.verb} / {rule.inverse} | {pairs} | {rule.doc} |")
    return "\n".join(lines) + "\n"
