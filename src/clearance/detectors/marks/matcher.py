"""Find word marks in text: one Aho-Corasick pass over the lower-cased text, then word
boundaries, case rules and a trailing ®/™/℠ checked per candidate.

Why an automaton: a review list has thousands of marks; a regex alternation of them is
re-tried at every position (see benchmarks/logos.py for the two side by side).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from clearance.detectors.marks.marklist import Mark

# A mark symbol right after the mark, optionally after one space or inside <sup>.
_SYMBOL = re.compile(
    r"[ \t]?(?:<sup>[ \t]?)?(®|™|℠|\((?:R|TM|SM)\)|&reg;|&trade;|&#174;|&#8482;|&#8480;)",
    re.IGNORECASE,
)
_SYMBOL_NAMES = {
    "®": "®",
    "(r)": "®",
    "&reg;": "®",
    "&#174;": "®",
    "™": "™",
    "(tm)": "™",
    "&trade;": "™",
    "&#8482;": "™",
    "℠": "℠",
    "(sm)": "℠",
    "&#8480;": "℠",
}


@dataclass(frozen=True)
class Hit:
    """One occurrence: ``text[start:end]`` is the spelling found; ``symbol`` is ®, ™, ℠ or ""."""

    mark: Mark
    spelling: str
    start: int
    end: int
    symbol: str = ""
    symbol_end: int = 0


def _lower(text: str) -> str:
    """Lower case with the same length as ``text``, so offsets stay valid (e.g. 'İ' -> 'i')."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower()[:1] for ch in text)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class MarkMatcher:
    """All marks of a list in one automaton. Build once per run; ``find`` is thread-safe."""

    def __init__(self, marks: Iterable[Mark]):
        self.marks = tuple(marks)
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[int, str]]] = {}
        for index, mark in enumerate(self.marks):
            for spelling in mark.spellings:
                key = _lower(" ".join(spelling.split()))
                if key:
                    table.setdefault(key, []).append((index, spelling))
        for key, entries in table.items():
            self._automaton.add_word(key, (len(key), tuple(entries)))
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.marks)

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping hits, leftmost then longest, in text order."""
        if self._empty or not text:
            return []
        low = _lower(text)
        size = len(text)
        candidates: list[Hit] = []
        for last, (length, entries) in self._automaton.iter(low):
            start, end = last - length + 1, last + 1
            if (start > 0 and _is_word(text[start - 1])) or (end < size and _is_word(text[end])):
                continue
            surface = text[start:end]
            for index, spelling in entries:
                mark = self.marks[index]
                if mark.case == "exact" and surface not in (spelling, spelling.upper()):
                    continue
                candidates.append(Hit(mark, spelling, start, end))
                break
        return [_with_symbol(text, hit) for hit in _leftmost_longest(candidates)]


def _leftmost_longest(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    reach = -1
    for hit in hits:
        if hit.start >= reach:
            kept.append(hit)
            reach = hit.end
    return kept


def _with_symbol(text: str, hit: Hit) -> Hit:
    match = _SYMBOL.match(text, hit.end)
    if match is None:
        return hit
    symbol = _SYMBOL_NAMES[match.group(1).lower()]
    return Hit(hit.mark, hit.spelling, hit.start, hit.end, symbol, match.end())
