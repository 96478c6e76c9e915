"""Sentence-level claim finding: a predicate (allegation category, quotation or precise
figure) plus an identifiable entity in the same sentence, with hedging, negation and
fiction cues read from the sentence.

Why our own rules: the check is the product (issue 13), it must run in a few milliseconds
per output, and every decision must name the pattern that fired, which a rules table does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from clearance.guard.claims.entities import Entity, EntityFinder
from clearance.guard.claims.rules import Lexicon

#: a sentence ends at . ! ? (then space and a capital, quote or digit) or at a blank line
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"“'‘(]?[A-Z0-9])|\n\s*\n")  # noqa: RUF001
#: a sentence longer than this is cut (hostile input: a huge line without full stops)
MAX_SENTENCE_CHARS: Final = 2_000
_QUOTE = re.compile(r"[\"“]([^\"“”]{12,600})[\"”]")
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_FIGURE = re.compile(
    r"(?:[$€£¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m|k)\b)?"
    r"|\b\d[\d,.]*\s?(?:%|per\s?cent|percent)"
    r"|\b\d[\d,.]*\s(?:million|billion|trillion)\b"
    r"|\b\d{1,3}(?:,\d{3})+\b"
    rf"|\b\d{{1,2}}\s{_MONTHS}(?:\s\d{{4}})?"
    rf"|\b{_MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s\d{{4}})?"
    r"|\b(?:in|since|on|by|from|until)\s(?:1[89]\d\d|20\d\d)\b)"
)
_PRONOUN = re.compile(r"[\"“']?(?:He|She|His|Her|They|Their)\b")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass
class Claim:
    """One statement about an entity. Offsets: characters of the output, end exclusive."""

    start: int
    end: int
    entity: Entity
    category: str
    predicate: str
    predicate_start: int
    predicate_end: int
    hedged: bool = False
    negated: bool = False
    fiction: bool = False
    cues: list[str] = field(default_factory=list)
    numbers: tuple[str, ...] = ()
    coreference: bool = False
    supported: bool | None = None
    reference: dict[str, Any] | None = None
    verdict: str = "pass"
    state: str = "unsupported"

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "entity": self.entity.to_json(),
            "category": self.category,
            "predicate": {
                "text": self.predicate,
                "start": self.predicate_start,
                "end": self.predicate_end,
            },
            "hedged": self.hedged,
            "negated": self.negated,
            "fiction": self.fiction,
            "coreference": self.coreference,
            "cues": self.cues,
            "numbers": list(self.numbers),
            "supported": self.supported,
            "reference": self.reference,
            "state": self.state,
            "verdict": self.verdict,
        }


#: a full stop after these is not a sentence end ("George P. Lindqvist", "Dr. Langley")
_ABBREV = re.compile(
    r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Capt|Rev|St|Inc|Corp|Co|Ltd|No|vs|etc)\.$"
)


def sentences(text: str) -> Iterator[Sentence]:
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if text[m.start() - 1] == "." and _ABBREV.search(text, max(0, m.start() - 5), m.start()):
            continue
        yield from _cut(text, pos, m.start())
        pos = m.end()
    yield from _cut(text, pos, len(text))


def _cut(text: str, a: int, b: int) -> Iterator[Sentence]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    while b - a > MAX_SENTENCE_CHARS:
        yield Sentence(a, a + MAX_SENTENCE_CHARS)
        a += MAX_SENTENCE_CHARS
    if b > a:
        yield Sentence(a, b)


class ClaimFinder:
    def __init__(self, lexicon: Lexicon, entities: EntityFinder, negation_window: int = 5):
        self.lex = lexicon
        self.entities = entities
        self.negation_window = negation_window

    def find(self, text: str, persons: Iterable[tuple[int, int]] | None = None) -> list[Claim]:
        """Claims in ``text``; ``persons`` as for ``EntityFinder.find``."""
        person_spans = None if persons is None else sorted(persons)
        claims: list[Claim] = []
        last: Sentence | None = None
        for sentence in sentences(text):
            hits = self._predicates(text, sentence)
            if hits:
                found = self.entities.find(text, sentence.start, sentence.end, person_spans)
                coref = False
                if not found and last is not None and _PRONOUN.match(text, sentence.start):
                    # "He was convicted": about the last person named just before, if any
                    before = self.entities.find(text, last.start, last.end, person_spans)
                    found, coref = [e for e in before if e.type == "person"][-1:], True
                if found:
                    claims.extend(self._claims(text, sentence, hits, found, coref))
            last = sentence
        return claims

    def _predicates(self, text: str, s: Sentence) -> list[tuple[str, int, int]]:
        hits: list[tuple[str, int, int]] = []
        for category, pattern in self.lex.categories.items():
            for m in pattern.finditer(text, s.start, s.end):
                if not self._topic(text, s, m.start(), m.end()):
                    hits.append((category, m.start(), m.end()))
                    break
        if not hits:
            q = _QUOTE.search(text, s.start, s.end)
            if q and self.lex.speech.search(text, s.start, s.end):
                hits.append(("quote", q.start(), q.end()))
        if not hits:
            f = _FIGURE.search(text, s.start, s.end)
            if f:
                hits.append(("figure", f.start(), f.end()))
        return hits

    def _claims(
        self,
        text: str,
        s: Sentence,
        hits: list[tuple[str, int, int]],
        found: list[Entity],
        coref: bool,
    ) -> Iterator[Claim]:
        body = text[s.start : s.end]
        hedge = self.lex.hedges.search(body)
        fiction = self.lex.fiction.search(body)
        strong = self.lex.sentence_negators.search(body)
        numbers = tuple(m.group() for m in _FIGURE.finditer(body))
        for category, a, b in hits:
            entity = _nearest(found, a, b)
            if category == "quote" and entity.start >= a and entity.end <= b:
                outside = [e for e in found if e.end <= a or e.start >= b]
                if not outside:
                    continue
                entity = _nearest(outside, a, b)
            cues: list[str] = []
            negated = bool(strong)
            if strong:
                cues.append(f"negation:{strong.group()}")
            elif category not in ("quote", "figure"):
                local = self._local_negation(text, s.start, a)
                if local:
                    negated = True
                    cues.append(f"negation:{local}")
            if hedge:
                cues.append(f"hedge:{hedge.group()}")
            if fiction:
                cues.append(f"fiction:{fiction.group()}")
            yield Claim(
                start=s.start,
                end=s.end,
                entity=entity,
                category=category,
                predicate=text[a:b],
                predicate_start=a,
                predicate_end=b,
                hedged=bool(hedge),
                negated=negated,
                fiction=bool(fiction),
                cues=cues,
                numbers=numbers if category == "figure" else (),
                coreference=coref,
            )

    def _topic(self, text: str, s: Sentence, a: int, b: int) -> bool:
        """The term names a topic, not a deed ("a book about fraud", "cancer research")."""
        before = _WORDS.findall(text, max(s.start, a - 40), a)
        after = _WORDS.match(text, b + 1) if b < s.end else None
        return bool(
            (before and before[-1].lower() in self.lex.topic_before)
            or (after and after.group().lower() in self.lex.topic_after)
        )

    def _local_negation(self, text: str, sentence_start: int, predicate_start: int) -> str | None:
        """A negator among the few words just before the predicate ("was not charged")."""
        before = text[sentence_start:predicate_start]
        words = list(_WORDS.finditer(before))[-self.negation_window - 1 :]
        if not words:
            return None
        window = before[words[0].start() :]
        m = self.lex.local_negators.search(window)
        return m.group() if m else None


def _nearest(found: list[Entity], a: int, b: int) -> Entity:
    """The entity the predicate is about: the closest one before it, else the closest after."""
    before = [e for e in found if e.end <= a]
    if before:
        return before[-1]
    return min(found, key=lambda e: abs(e.start - b))
