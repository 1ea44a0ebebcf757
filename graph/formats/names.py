"""Names as people write them: which existing node a name written in a file (or typed in the
room) probably means, best first, each with why.

A name is compared as people vary it: case, accents, punctuation and apostrophes ("Childrens
Society"), a leading "The", "&" or "+" for "and", "4" for "for" between words ("Action 4
Children"), common shortenings ("Dept"), small words ("Department of Education" for "Department
for Education"), acronyms and their expansions ("LGA", "Local Government Association"), a short
name in brackets, the node's recorded ``aliases`` (old and new names), the start of a longer name,
and small typos ("Povety"). Only ``SAME`` matches (the same words once case, punctuation, "The"
and "&" are set aside, or a recorded alias) may be taken without asking; every other match is a
suggestion for a person to confirm, never a merge.

Different bodies that only look alike are kept apart: an acronym is never matched by a typo
("ADCS" is not "ADASS"); a typo may not change the first letter of a word ("East Sussex" is not
"West Sussex") or a number ("Wave 1" is not "Wave 2"); a different word is not a typo ("Social
Work England" is not "Social Work Scotland").

>>> from graph.schema import Node
>>> index = NameIndex([Node(id="organisation:lga", type="organisation", label="LGA", refs=["2"]),
...                    Node(id="topic:poverty", type="topic", label="Poverty", refs=["4"])])
>>> [(m.id, m.why) for m in index.find("Local Government Association")]
[('organisation:lga', "'LGA' is its acronym")]
>>> [(m.id, m.why) for m in index.find("Povety")]
[('topic:poverty', "1 letter away from 'Poverty' (a typo?)")]
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from graph.schema import Node

#: Words people leave out or swap without meaning another body.
SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})
#: Shortenings people write for whole words.
SHORTENINGS = {
    "dept": "department",
    "govt": "government",
    "gov": "government",
    "assoc": "association",
    "natl": "national",
    "intl": "international",
    "ctte": "committee",
    "cttee": "committee",
    "center": "centre",
    "program": "programme",
    "organization": "organisation",
}
#: Words that say a name is a council's, around the place it serves ("Lambeth Council", "London
#: Borough of Lambeth", "East Sussex CC").
COUNCIL_WORDS = frozenset(
    {
        "council",
        "cc",
        "county",
        "city",
        "borough",
        "lb",
        "metropolitan",
        "mbc",
        "district",
        "royal",
        "london",
        "of",
        "the",
        "and",
    }
)
#: Words that name a kind of body: a longer name that ends in one ("Research Practice Network")
#: names a body of its own, not the shorter one ("Research in Practice").
BODY_WORDS = frozenset(
    {
        "alliance",
        "association",
        "board",
        "centre",
        "commission",
        "committee",
        "council",
        "forum",
        "foundation",
        "group",
        "institute",
        "network",
        "partnership",
        "service",
        "society",
        "trust",
        "unit",
    }
)
_BRACKETS = re.compile(r"\(([^()]*)\)")
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

# How sure each kind of match is (higher first), and whether it may be taken without asking.
SAME, ALIAS, BRACKET, SMALL, ACRONYM, EXPANSION, COUNCIL, TYPO, FORMS, PART = (
    "same",
    "alias",
    "short name",
    "small words",
    "acronym",
    "expansion",
    "council",
    "typo",
    "word forms",
    "part of name",
)
_SCORES = {
    SAME: 1.0,
    ALIAS: 0.97,
    BRACKET: 0.95,
    SMALL: 0.9,
    ACRONYM: 0.85,
    EXPANSION: 0.85,
    COUNCIL: 0.8,
    TYPO: 0.8,
    FORMS: 0.7,
    PART: 0.6,
}
#: Matches a name may be taken by without a person confirming it.
SURE = frozenset({SAME, ALIAS})


@dataclass(frozen=True)
class NameMatch:
    """An existing node a written name probably means: how sure (``score``, 0-1), what kind of
    match, and why in words."""

    id: str
    label: str
    type: str
    score: float
    kind: str
    why: str
    distance: int = 0

    @property
    def sure(self) -> bool:
        return self.kind in SURE


def words(text: str) -> tuple[str, ...]:
    """A name's words as compared: case, accents, apostrophes and punctuation set aside; '&' and
    '+' read as 'and', '4' between words as 'for', shortenings written out; a leading 'The'
    dropped; single letters in a row joined ('N.S.P.C.C.' -> 'nspcc').

    >>> words("The Children’s Society"), words("Action 4 Children"), words("N.S.P.C.C.")
    (('childrens', 'society'), ('action', 'for', 'children'), ('nspcc',))
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode() or text
    text = _APOSTROPHES.sub("", text.casefold()).replace("&", " and ").replace("+", " and ")
    tokens = [SHORTENINGS.get(t, t) for t in _NOT_WORD.sub(" ", text).split()]
    tokens = [
        "for" if t == "4" and 0 < i < len(tokens) - 1 and tokens[i - 1].isalpha() and tokens[i + 1].isalpha() else t
        for i, t in enumerate(tokens)
    ]
    joined: list[str] = []
    run = False  # the last word was made of single letters
    for token in tokens:  # "n s p c c" -> "nspcc"
        single = len(token) == 1 and token.isalpha()
        if single and run:
            joined[-1] += token
        else:
            joined.append(token)
        run = single
    if len(joined) > 1 and joined[0] == "the":
        joined = joined[1:]
    return tuple(joined)


def significant(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in tokens if t not in SMALL_WORDS) or tokens


def acronyms(tokens: tuple[str, ...]) -> set[str]:
    """The acronyms a name of several words may be written as: the first letter of every word
    that is not a small word, each small word's letter in or out ('Department for Education' ->
    'de', 'dfe'; 'Children and Family Court Advisory and Support Service' -> ... 'cafcass').

    >>> sorted(acronyms(words("Department for Education")))
    ['de', 'dfe']
    """
    if len(significant(tokens)) < 2 or len(tokens) > 14:
        return set()
    small = [i for i, t in enumerate(tokens) if t in SMALL_WORDS]
    found = set()
    for count in range(min(len(small), 4) + 1):
        for kept in itertools.combinations(small, count):
            found.add("".join(t[0] for i, t in enumerate(tokens) if t not in SMALL_WORDS or i in kept))
    return found


def stems(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The significant words without the endings that make another form of the same word
    ('workers' -> 'work', 'partnerships' -> 'partnership').

    >>> stems(words("Principal Social Workers Network")) == stems(words("Principal Social Work Network"))
    True
    """
    found = []
    for token in significant(tokens):
        if token.endswith("s") and not token.endswith("ss") and len(token) > 3:
            token = token[:-1]
        for ending in ("er", "ing"):
            if token.endswith(ending) and len(token) > len(ending) + 3:
                token = token[: -len(ending)]
        found.append(token)
    return tuple(found)


def council_place(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    """The place a council's name names ('London Borough of Lambeth' -> ('lambeth',)), or None when
    the name has no council word.

    >>> council_place(words("East Sussex CC")), council_place(words("Lambeth")) is None
    (('east', 'sussex'), True)
    """
    if not any(t in {"council", "cc", "borough", "lb", "mbc"} for t in tokens):
        return None
    place = tuple(t for t in tokens if t not in COUNCIL_WORDS)
    return place or None


def could_be_acronym(text: str) -> bool:
    """One word of 2-8 letters: it may be an acronym ('Cafcass', 'LGA')."""
    tokens = words(text)
    return len(tokens) == 1 and tokens[0].isalpha() and 2 <= len(tokens[0]) <= 8


def looks_like_acronym(text: str) -> bool:
    """One word of 2-8 letters written with two or more capitals ('LGA', 'DfE', 'RiP'), or of
    2-5 letters in any case ('nspcc')."""
    tokens = words(text)
    if len(tokens) != 1 or not tokens[0].isalpha() or not 2 <= len(tokens[0]) <= 8:
        return False
    capitals = sum(1 for c in text if c.isupper())
    return capitals >= 2 or len(tokens[0]) <= 5


def _allowed_typos(tokens: tuple[str, ...]) -> int:
    length = len(" ".join(tokens))
    if length < 5:
        return 0
    return max(1, min(3, length // 8))


def _typo_distance(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    """How many letters apart two names are, if the difference can be a typo: the same number of
    words, each pair starting with the same letter, numbers equal, a few letters in all."""
    if len(a) != len(b) or a == b:
        return None
    total = 0
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if x[0] != y[0] or x.isdigit() or y.isdigit() or any(c.isdigit() for c in x + y):
            return None
        distance = Levenshtein.distance(x, y)
        if distance > max(1, min(len(x), len(y)) // 4):
            return None
        total += distance
    return total if total <= _allowed_typos(a) else None


@dataclass(frozen=True)
class _Form:
    node: Node
    tokens: tuple[str, ...]
    kind: str  # "label", "full" (label with its bracketed part), "bracket", "alias"
    text: str


class NameIndex:
    """The names of some nodes, ready to be matched against names as people write them."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes = {node.id: node for node in nodes}
        self._forms: list[_Form] = []
        for node in self.nodes.values():
            core = _BRACKETS.sub(" ", node.label)
            self._add(node, core, "label")
            if _BRACKETS.search(node.label):
                self._add(node, _BRACKETS.sub(r" \1 ", node.label), "full")
                for part in _BRACKETS.findall(node.label):
                    self._add(node, part, "bracket")
            for alias in node.aliases:
                self._add(node, alias, "alias")
        self._exact: dict[tuple[str, ...], list[_Form]] = defaultdict(list)
        self._small: dict[tuple[str, ...], list[_Form]] = defaultdict(list)
        self._expansions: dict[str, list[_Form]] = defaultdict(list)  # acronym -> forms it stands for
        self._acronym_forms: dict[str, list[_Form]] = defaultdict(list)  # acronym-looking forms
        self._heads: dict[tuple[str, ...], list[_Form]] = defaultdict(list)  # first two words that count
        self._tails: dict[tuple[str, ...], list[_Form]] = defaultdict(list)  # last two
        self._stems: dict[tuple[str, ...], list[_Form]] = defaultdict(list)
        self._councils: dict[tuple[str, ...], list[_Form]] = defaultdict(list)
        for form in self._forms:
            self._stems[stems(form.tokens)].append(form)
            place = council_place(form.tokens)
            if place:
                self._councils[place].append(form)
            self._exact[form.tokens].append(form)
            self._small[significant(form.tokens)].append(form)
            for acronym in acronyms(form.tokens):
                self._expansions[acronym].append(form)
            if could_be_acronym(form.text):
                self._acronym_forms[form.tokens[0]].append(form)
            mine = significant(form.tokens)
            if len(mine) >= 2:
                self._heads[mine[:2]].append(form)
                self._tails[mine[-2:]].append(form)
        self._spelled = [" ".join(form.tokens) for form in self._forms]  # for the typo search, in C

    def _add(self, node: Node, text: str, kind: str) -> None:
        tokens = words(text)
        if tokens:
            self._forms.append(_Form(node, tokens, kind, text.strip()))

    def find(self, text: str, *, types: Collection[str] | None = None, limit: int = 5) -> list[NameMatch]:
        """The nodes ``text`` probably names, best first (at most ``limit``); only nodes of ``types``
        when given. Text that names nothing alike gets []. Text with a part in brackets ('Family
        Rights Group (FRG)') is also read without it, and its bracketed part as a name of its own."""
        best: dict[str, NameMatch] = {}
        bracketed = bool(_BRACKETS.search(text))
        self._find(text, types, best, bracketed and "whole")
        if bracketed:  # read again without the part in brackets, and that part alone
            for part in [_BRACKETS.sub(" ", text), *_BRACKETS.findall(text)]:
                self._find(part, types, best, "part")
        return sorted(best.values(), key=lambda m: (-m.score, m.label.casefold(), m.id))[:limit]

    def _find(self, text: str, types: Collection[str] | None, best: dict[str, NameMatch], bracketed) -> None:
        """Offer matches for ``text`` into ``best``; ``bracketed`` says the name had a part in brackets
        and this is it read "whole" or a "part" of it."""
        tokens = words(text)
        if not tokens:
            return

        def offer(form: _Form, kind: str, why: str, distance: int = 0) -> None:
            node = form.node
            if types is not None and node.type.value not in types:
                return
            if bracketed and _BRACKETS.search(node.label) and (bracketed == "part" or form.kind != "full"):
                return  # both names have their own part in brackets: compared in full only
            score = _SCORES[kind] - (0.05 * distance if kind == TYPO else 0.0)
            known = best.get(node.id)
            typos = (
                min(distance, known.distance)
                if known and known.distance and distance
                else distance or (known.distance if known else 0)
            )
            if known is None or score > known.score:
                best[node.id] = NameMatch(node.id, node.label, node.type.value, round(score, 3), kind, why, typos)
            elif typos != known.distance:
                best[node.id] = NameMatch(known.id, known.label, known.type, known.score, known.kind, known.why, typos)

        for form in self._exact.get(tokens, []):
            if form.kind == "alias":
                offer(form, ALIAS, f"'{form.text}' is a recorded name of '{form.node.label}'")
            elif form.kind == "bracket":
                offer(form, BRACKET, f"'{text.strip()}' is the short name in brackets of '{form.node.label}'")
            elif form.kind == "label" and _BRACKETS.search(form.node.label) and not _BRACKETS.search(text):
                offer(form, BRACKET, f"'{form.node.label}' is the same name with a part in brackets")
            else:
                offer(form, SAME, _same_why(text, form.node.label))
        for form in self._small.get(significant(tokens), []):
            if form.tokens != tokens:
                offer(
                    form, SMALL, f"the same words as '{form.node.label}' apart from small words (of, for, the, and...)"
                )
        if could_be_acronym(text):
            for form in self._expansions.get(tokens[0], []):
                offer(form, EXPANSION, f"'{text.strip()}' is the acronym of '{form.text}'")
        for acronym in acronyms(tokens):
            for form in self._acronym_forms.get(acronym, []):
                offer(form, ACRONYM, f"'{form.text}' is its acronym")
        place = council_place(tokens)
        for form in self._councils.get(place, []) if place else []:
            offer(form, COUNCIL, f"the same council as '{form.node.label}'")
        if looks_like_acronym(text):
            return  # an acronym a letter away is another body's ('ADCS', 'ADASS'): no typos, no parts
        allowed = _allowed_typos(tokens)
        close = (
            process.extract(
                " ".join(tokens), self._spelled, scorer=Levenshtein.distance, score_cutoff=allowed, limit=20
            )
            if allowed
            else []
        )
        for _, _, index in close:
            form = self._forms[index]
            if looks_like_acronym(form.text):
                continue
            distance = _typo_distance(tokens, form.tokens)
            if distance is not None:
                letters = "letter" if distance == 1 else "letters"
                offer(form, TYPO, f"{distance} {letters} away from '{form.node.label}' (a typo?)", distance)
        for form in self._stems.get(stems(tokens), []):
            if form.tokens != tokens:
                offer(form, FORMS, f"the same words as '{form.node.label}' in another form (singular, plural...)")
        self._parts(tokens, offer)

    def _parts(self, tokens: tuple[str, ...], offer) -> None:
        """One name is the start or the end of the other ('Step Up' and 'Step Up to Social Work';
        'Innovation Programme'), the shorter having at least two words that count."""
        mine = significant(tokens)
        candidates = [*self._heads.get(mine[:2], []), *self._tails.get(mine[-2:], [])]
        for length in range(2, len(mine)):  # names that are the start or the end of this one
            candidates += [*self._small.get(mine[:length], []), *self._small.get(mine[-length:], [])]
        for form in candidates:
            theirs = significant(form.tokens)
            short, long = (mine, theirs) if len(mine) < len(theirs) else (theirs, mine)
            if len(short) < 2 or len(long) <= len(short):
                continue
            if long[: len(short)] == short:
                if long[-1] in BODY_WORDS and short[-1] not in BODY_WORDS:
                    continue  # "Research Practice Network" is a network of its own
                offer(form, PART, f"one name is the start of the other ('{form.node.label}')")
            elif long[-len(short) :] == short:
                offer(form, PART, f"one name is the end of the other ('{form.node.label}')")


def _same_why(text: str, label: str) -> str:
    if " ".join(text.split()).casefold() == " ".join(label.split()).casefold():
        return f"the same name as '{label}'"
    return f"the same name as '{label}' apart from case, punctuation, 'The' or '&'"
