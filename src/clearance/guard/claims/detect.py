"""Sentence-level claim finding: a predicate (allegation category, quotation or precise
figure) plus an identifiable entity in the same sentence, with hedging, negation and
fiction cues read from the sentence.

Why our own rules: the check is the product (issue 13), it must run in a few milliseconds
per output, and every decision must name the pattern that fired, which a rules table does.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from clearance.guard.claims.entities import Entity, EntityFinder
from clearance.guard.claims.rules import Lexicon, lowered

#: a sentence longer than this is cut (hostile input: a huge line without full stops)
MAX_SENTENCE_CHARS: Final = 2_000
_QUOTE = re.compile(r"[\"“]([^\"“”]{12,600})[\"”]")
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_FIGURE = re.compile(
    # the lookahead lets the engine skip most positions at once (5x faster)
    r"(?=[$€£¥0-9JFMASONDisobfu])"
    r"(?:[$€£¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m|k)\b)?"
    r"|\b\d[\d,.]*\s?(?:%|per\s?cent|percent)"
    r"|\b\d[\d,.]*\s(?:million|billion|trillion)\b"
    r"|\b\d{1,3}(?:,\d{3})+\b"
    rf"|\b\d{{1,2}}\s{_MONTHS}(?:\s\d{{4}})?"
    rf"|\b{_MONTHS}\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s\d{{4}})?"
    r"|\b(?:in|since|on|by|from|until)\s(?:1[89]\d\d|20\d\d)\b)"
)
_QUOTE_MARK = re.compile(r"[\"“]")
_DIGITS = re.compile(r"\d+")
_PRONOUN = re.compile(r"[\"“']?(?:He|She|His|Her|They|Their)\b")
_WORDS = re.compile(r"\w+")


class Sentence(NamedTuple):
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
_ABBREVIATIONS = (
    *("Mr", "Mrs", "Ms", "Dr", "Prof", "Sen", "Rep", "Gov", "Gen", "Capt", "Rev", "St"),
    *("Inc", "Corp", "Co", "Ltd", "No", "vs", "etc"),
)
_RUN_END = r"[.!?]*[\"'”’)]?(?=\s+[\"“'‘(]?[A-Z0-9])"  # noqa: RUF001
#: a sentence ends at a run of . ! ? (then space and a capital, quote or digit) that does
#: not start after an abbreviation or an initial, or at a blank line. Each branch starts
#: with its literal and the checks look behind it, so that Python's re skips to the next
#: candidate character in C (2x faster than testing abbreviations on each match).
_SENTENCE_END = re.compile(
    r"\.(?<![.!?]\.)(?<!\b[A-Z]\.)"
    + "".join(rf"(?<!{a}\.)" for a in _ABBREVIATIONS)
    + _RUN_END
    + rf"|!(?<![.!?]!){_RUN_END}|\?(?<![.!?]\?){_RUN_END}|\n\s*\n"
)


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, in order (one list: the check walks them all)."""
    out: list[Sentence] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        _cut(text, pos, m.end(), out)
        pos = m.end()
    _cut(text, pos, len(text), out)
    return out


def _cut(text: str, a: int, b: int, out: list[Sentence]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    while b - a > MAX_SENTENCE_CHARS:
        out.append(Sentence(a, a + MAX_SENTENCE_CHARS))
        a += MAX_SENTENCE_CHARS
    if b > a:
        out.append(Sentence(a, b))


#: gives PERSON spans from a recogniser, or None to use the capitalisation heuristic alone
Persons = Callable[[], Iterable[tuple[int, int]] | None]


class ClaimFinder:
    def __init__(self, lexicon: Lexicon, entities: EntityFinder, negation_window: int = 5):
        self.lex = lexicon
        self.entities = entities
        self.negation_window = negation_window

    def find(
        self,
        text: str,
        persons: Iterable[tuple[int, int]] | None = None,
        *,
        lazy_persons: Persons | None = None,
    ) -> list[Claim]:
        """Claims in ``text``; ``persons`` as for ``EntityFinder.find``. ``lazy_persons``
        gives them instead, called only when a sentence holds a predicate (a person
        recogniser costs more than this whole check on a clean output).

        Cost: three whole-text passes (category terms, quote marks, digits); an output with
        none of them returns at once. Sentences are then split, and only a sentence with a
        predicate is searched for entities; cue lists are read once, on the first claim."""
        low = lowered(text)
        allegations = self._allegations(low)
        quotes = [m.start() for m in _QUOTE_MARK.finditer(text)]
        # every figure pattern holds a digit: a sentence without one is not searched
        digits = [m.start() for m in _DIGITS.finditer(text)]
        if not allegations and not quotes and not digits:
            return []
        starts = [a for a, _, _ in allegations]
        claims: list[Claim] = []
        spans: list[tuple[int, int]] | None = None
        resolved = lazy_persons is None
        if resolved and persons is not None:
            spans = sorted(persons)
        known: dict[int, list[Entity]] = {}  # entities per sentence start, for coreference
        cues: Cues | None = None
        last: Sentence | None = None
        for sentence in sentences(text):
            hits = self._predicates(text, low, sentence, starts, allegations, quotes, digits)
            if hits:
                if not resolved:
                    assert lazy_persons is not None
                    got = lazy_persons()
                    spans, resolved = (None if got is None else sorted(got)), True
                found = self._entities(text, sentence, spans, known)
                coref = False
                if not found and last is not None and _PRONOUN.match(text, sentence.start):
                    # "He was convicted": about the last person named just before, if any
                    before = self._entities(text, last, spans, known)
                    found, coref = [e for e in before if e.type == "person"][-1:], True
                if found:
                    if cues is None:
                        cues = self._cues(low)
                    claims.extend(self._claims(text, low, sentence, hits, found, coref, cues))
            last = sentence
        return claims

    def _entities(
        self,
        text: str,
        s: Sentence,
        spans: list[tuple[int, int]] | None,
        known: dict[int, list[Entity]],
    ) -> list[Entity]:
        found = known.get(s.start)
        if found is None:
            found = known[s.start] = self.entities.find(text, s.start, s.end, spans)
        return found

    def _cues(self, low: str) -> Cues:
        """One pass for the three cue lists; each match is then sorted into its list(s)."""
        assert self.lex.cues is not None
        cues = Cues([], [], [])
        lists = {"hedges": cues.hedges, "fiction": cues.fiction, "sentence_negators": cues.negators}
        for m in self.lex.cues.finditer(low):
            at = m.start()
            tried = self.lex.cue_lists(low, at)
            if len(tried) == 1:  # that list's pattern would take the same branch (see categorise)
                lists[tried[0][0]].append((at, m.end(), m.group()))
                continue
            for name, pattern in tried:
                found = pattern.match(low, at)
                if found:
                    lists[name].append((found.start(), found.end(), found.group()))
        return cues

    def _allegations(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, category) of every lexicon match in ``text``, in order."""
        assert self.lex.combined is not None
        out: list[tuple[int, int, str]] = []
        for m in self.lex.combined.finditer(text):
            found = self.lex.categorise(text, m.start(), m.end())
            if found is not None:
                out.append((m.start(), found[1], found[0]))
        return out

    def _predicates(
        self,
        text: str,
        low: str,
        s: Sentence,
        starts: list[int],
        allegations: list[tuple[int, int, str]],
        quotes: list[int],
        digits: list[int],
    ) -> list[tuple[str, int, int]]:
        hits: list[tuple[str, int, int]] = []
        seen: set[str] = set()
        i = bisect.bisect_left(starts, s.start)
        while i < len(starts) and starts[i] < s.end:
            a, b, category = allegations[i]
            i += 1
            if category not in seen and b <= s.end and not self._topic(text, s, a, b):
                seen.add(category)
                hits.append((category, a, b))
        if not hits and _within(quotes, s):
            q = _QUOTE.search(text, s.start, s.end)
            if q and self.lex.speech.search(low, s.start, s.end):
                hits.append(("quote", q.start(), q.end()))
        if not hits and _within(digits, s):
            f = _FIGURE.search(text, s.start, s.end)
            if f:
                hits.append(("figure", f.start(), f.end()))
        return hits

    def _claims(
        self,
        text: str,
        low: str,
        s: Sentence,
        hits: list[tuple[str, int, int]],
        found: list[Entity],
        coref: bool,
        cues_in: Cues,
    ) -> Iterator[Claim]:
        hedge = _first(cues_in.hedges, s)
        fiction = _first(cues_in.fiction, s)
        strong = _first(cues_in.negators, s)
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
                cues.append(f"negation:{strong}")
            elif category not in ("quote", "figure"):
                local = self._local_negation(low, s.start, a)
                if local:
                    negated = True
                    cues.append(f"negation:{local}")
            if hedge:
                cues.append(f"hedge:{hedge}")
            if fiction:
                cues.append(f"fiction:{fiction}")
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
                numbers=(
                    tuple(m.group() for m in _FIGURE.finditer(text[s.start : s.end]))
                    if category == "figure"
                    else ()
                ),
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


@dataclass(frozen=True)
class Cues:
    """Start-sorted (start, end, text) matches of each cue list over the whole text."""

    hedges: list[tuple[int, int, str]]
    fiction: list[tuple[int, int, str]]
    negators: list[tuple[int, int, str]]


def _within(positions: list[int], s: Sentence) -> bool:
    i = bisect.bisect_left(positions, s.start)
    return i < len(positions) and positions[i] < s.end


def _first(matches: list[tuple[int, int, str]], s: Sentence) -> str | None:
    i = bisect.bisect_left(matches, (s.start, -1, ""))
    if i < len(matches) and matches[i][1] <= s.end:
        return matches[i][2]
    return None


def _nearest(found: list[Entity], a: int, b: int) -> Entity:
    """The entity the predicate is about: the closest one before it, else the closest after."""
    before = [e for e in found if e.end <= a]
    if before:
        return before[-1]
    return min(found, key=lambda e: abs(e.start - b))
