"""Sentence-level claim finding: a predicate (allegation category, quotation or precise
figure) plus an identifiable entity in the same sentence, with hedging, negation and
fiction cues read from the sentence.

Why our own rules: the check is the product (issue 13), it must run in a few milliseconds
per output, and every decision must name the pattern that fired, which a rules table does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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
_DIGIT_RUN = re.compile(r"(?<!\d)\d")  # where a run of digits starts
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
    return [Sentence(a, b) for a, b in _bounds(text)]


def _bounds(text: str) -> list[tuple[int, int]]:
    r"""``sentences`` as plain tuples (a named tuple costs more to build, per sentence):
    the text between sentence ends, without its white space at either end (``\s`` is
    what ``str.isspace`` calls white space), cut in pieces of ``MAX_SENTENCE_CHARS``."""
    out: list[tuple[int, int]] = []
    pos = 0
    kept = _KEPT.search
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        k = kept(text, pos, end)
        pos = end
        if k is None:
            continue
        a, b = k.span()
        while b - a > MAX_SENTENCE_CHARS:
            out.append((a, a + MAX_SENTENCE_CHARS))
            a += MAX_SENTENCE_CHARS
        out.append((a, b))
    return out


_KEPT = re.compile(r"\S(?:.*\S)?", re.S)  # from the first to the last non-space character


#: gives PERSON spans from a recogniser, or None to use the capitalisation heuristic alone
Persons = Callable[[], Iterable[tuple[int, int]] | None]
_NOT_LOCAL: Final = frozenset(("quote", "figure"))  # categories without local negation


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

        Cost: one whole-text pass for category terms, and a look for quote marks and digits;
        an output with none of them returns at once. Sentences are then split and walked in
        order, with a cursor into the terms (no search per sentence); a sentence without a
        term is looked at for quote marks and digits; only a sentence with a predicate is
        searched for entities; cue lists are read once, on the first claim.
        Everything per sentence is inline: on an output where every sentence is a claim,
        the per-sentence Python is the cost (issue 13's latency target)."""
        low = lowered(text)
        allegations = self._allegations(low)
        quoted = '"' in text or "“" in text
        # every figure pattern holds a digit: a sentence without one is not searched
        digits = _DIGIT_RUN.search(text) is not None
        if not allegations and not quoted and not digits:
            return []
        claims: list[Claim] = []
        spans: list[tuple[int, int]] | None = None
        resolved = lazy_persons is None
        if resolved and persons is not None:
            spans = sorted(persons)
        lex = self.lex
        topic_before, topic_after = lex.topic_before, lex.topic_after
        entities = self.entities.find
        words_in, word_at = _WORDS.findall, _WORDS.match
        na, ai = len(allegations), 0
        cues: Cues | None = None
        hi = fi = ni = 0  # cursors into the cue lists
        last: tuple[int, int] | None = None
        last_found: list[Entity] | None = None  # the last sentence's entities, if searched
        for sentence in _bounds(text):
            ss, se = sentence
            hits: list[tuple[str, int, int]] = []
            while ai < na and allegations[ai][0] < ss:
                ai += 1
            while ai < na and allegations[ai][0] < se:
                a, b, category = allegations[ai]
                ai += 1
                if b > se or (hits and any(h[0] == category for h in hits)):
                    continue
                # the term names a topic, not a deed ("a book about fraud", "cancer research")
                before = words_in(text, a - 40 if a - 40 > ss else ss, a)
                if before and before[-1].lower() in topic_before:
                    continue
                if b < se:
                    after = word_at(text, b + 1)
                    if after and after.group().lower() in topic_after:
                        continue
                hits.append((category, a, b))
            if not hits:
                if quoted and (text.find('"', ss, se) >= 0 or text.find("“", ss, se) >= 0):
                    q = _QUOTE.search(text, ss, se)
                    if q and lex.speech.search(low, ss, se):
                        hits.append(("quote", q.start(), q.end()))
                if not hits and digits and _DIGIT_RUN.search(text, ss, se):
                    f = _FIGURE.search(text, ss, se)
                    if f:
                        hits.append(("figure", f.start(), f.end()))
            if not hits:
                last, last_found = sentence, None
                continue
            if not resolved:
                assert lazy_persons is not None
                got = lazy_persons()
                spans, resolved = (None if got is None else sorted(got)), True
            previous, previous_found = last, last_found
            found = last_found = entities(text, ss, se, spans)
            last = sentence
            coref = False
            if not found and previous is not None and _PRONOUN.match(text, ss):
                # "He was convicted": about the last person named just before, if any
                if previous_found is None:
                    previous_found = entities(text, previous[0], previous[1], spans)
                found = [e for e in previous_found if e.type == "person"][-1:]
                coref = True
            if not found:
                continue
            if cues is None:
                cues = self._cues(low)
                hedges, fiction, negators = cues.hedges, cues.fiction, cues.negators
                nh, nf, nn = len(hedges), len(fiction), len(negators)
            # the first cue of each list that starts in the sentence, if it ends there too
            while hi < nh and hedges[hi][0] < ss:
                hi += 1
            hedge = hedges[hi][2] if hi < nh and hedges[hi][1] <= se else None
            while fi < nf and fiction[fi][0] < ss:
                fi += 1
            fict = fiction[fi][2] if fi < nf and fiction[fi][1] <= se else None
            while ni < nn and negators[ni][0] < ss:
                ni += 1
            strong = negators[ni][2] if ni < nn and negators[ni][1] <= se else None
            for category, a, b in hits:
                entity = _nearest(found, a, b)
                if category == "quote" and entity.start >= a and entity.end <= b:
                    outside = [e for e in found if e.end <= a or e.start >= b]
                    if not outside:
                        continue
                    entity = _nearest(outside, a, b)
                flags: list[str] = []
                negated = False
                if strong:
                    negated = True
                    flags.append(f"negation:{strong}")
                elif category not in _NOT_LOCAL:
                    local = self._local_negation(low, ss, a)
                    if local:
                        negated = True
                        flags.append(f"negation:{local}")
                if hedge:
                    flags.append(f"hedge:{hedge}")
                if fict:
                    flags.append(f"fiction:{fict}")
                claims.append(
                    Claim(
                        ss,
                        se,
                        entity,
                        category,
                        text[a:b],
                        a,
                        b,
                        hedge is not None,
                        negated,
                        fict is not None,
                        flags,
                        (
                            tuple(m.group() for m in _FIGURE.finditer(text[ss:se]))
                            if category == "figure"
                            else ()
                        ),
                        coref,
                    )
                )
        return claims

    def _cues(self, low: str) -> Cues:
        """One pass for the three cue lists; each match is then sorted into its list(s)."""
        assert self.lex.cues is not None
        cues = Cues([], [], [])
        lists = {"hedges": cues.hedges, "fiction": cues.fiction, "sentence_negators": cues.negators}
        cue_lists = self.lex.cue_lists
        for m in self.lex.cues.finditer(low):
            at, end = m.span()
            tried = cue_lists(low, at)
            if len(tried) == 1:  # that list's pattern would take the same branch (see categorise)
                lists[tried[0][0]].append((at, end, m.group()))
                continue
            for name, pattern in tried:
                found = pattern.match(low, at)
                if found:
                    lists[name].append((found.start(), found.end(), found.group()))
        return cues

    def _allegations(self, low: str) -> list[tuple[int, int, str]]:
        """(start, end, category) of every category term in ``low``, in order."""
        lex = self.lex
        assert lex.combined is not None
        out: list[tuple[int, int, str]] = []
        categorise = lex.categorise
        for m in lex.combined.finditer(low):
            a, b = m.span()
            found = categorise(low, a, b)  # one category possible: the combined match's end
            if found is not None:
                out.append((a, found[1], found[0]))
        return out

    def _local_negation(self, text: str, sentence_start: int, predicate_start: int) -> str | None:
        """A negator among the few words just before the predicate ("was not charged")."""
        before = text[sentence_start:predicate_start]
        # A match in the window (a suffix of ``before`` starting at a word) is a match in
        # ``before`` at the same place: a sentence without any is done in one search.
        if not self.lex.local_negators.search(before):
            return None
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


def _nearest(found: list[Entity], a: int, b: int) -> Entity:
    """The entity the predicate is about: the closest one before it, else the closest after."""
    before = [e for e in found if e.end <= a]
    if before:
        return before[-1]
    return min(found, key=lambda e: abs(e.start - b))
