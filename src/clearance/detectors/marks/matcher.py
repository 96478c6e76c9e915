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


# ASCII bytes that are part of a word (letters, digits, underscore).
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _folded(text: str) -> tuple[bytes, str]:
    """The UTF-8 bytes of ``text`` and the same bytes ASCII-lower-cased, one char per byte.

    Why bytes: ``str.lower`` on text with any non-ASCII character runs at ~70 MB/s, slower than
    the automaton; ``bytes.lower`` and a latin-1 view cost a few percent of it. Non-ASCII
    letters are not folded here; the automaton holds their lower, upper and title forms.
    """
    if text.isascii():  # the common case: str.lower has a fast ASCII path
        return b"", text.lower()
    data = text.encode("utf-8", "surrogatepass")
    return data, data.lower().decode("latin-1")


def _key_forms(spelling: str) -> set[str]:
    spelling = " ".join(spelling.split())
    forms = {spelling, spelling.lower(), spelling.upper(), spelling.title()}
    return {_folded(form)[1] for form in forms if form}


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
                for key in _key_forms(spelling):
                    entries = table.setdefault(key, [])
                    if (index, spelling) not in entries:
                        entries.append((index, spelling))
        for key, entries in table.items():
            self._automaton.add_word(key, (len(key), tuple(entries)))
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.marks)

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping hits, leftmost then longest, in text order (char offsets)."""
        if self._empty or not text:
            return []
        data, folded = _folded(text)
        if not data:  # ASCII: bytes and chars coincide
            data = folded.encode("ascii")
        to_char = _CharOffsets(data, len(data) == len(text))
        size = len(data)
        candidates: list[Hit] = []
        for last, (length, entries) in self._automaton.iter(folded):
            bstart, bend = last - length + 1, last + 1
            before = data[bstart - 1] if bstart > 0 else 32
            after = data[bend] if bend < size else 32
            if before in _WORD_BYTES or after in _WORD_BYTES:
                continue
            end = to_char.at(bend)
            start = end - (length if to_char.ascii else len(data[bstart:bend].decode("utf-8")))
            if (before >= 128 and _is_word(text[start - 1])) or (
                after >= 128 and _is_word(text[end])
            ):
                continue
            surface = text[start:end]
            for index, spelling in entries:
                mark = self.marks[index]
                if mark.case == "exact" and surface not in (spelling, spelling.upper()):
                    continue
                if mark.case != "exact" and surface.lower() != " ".join(spelling.split()).lower():
                    continue
                candidates.append(Hit(mark, spelling, start, end))
                break
        return [_with_symbol(text, hit) for hit in _leftmost_longest(candidates)]


class _CharOffsets:
    """Byte offset -> char offset, for offsets that mostly increase (automaton order)."""

    def __init__(self, data: bytes, ascii_only: bool):
        self.data, self.ascii = data, ascii_only
        self.byte = self.char = 0

    def at(self, offset: int) -> int:
        if self.ascii:
            return offset
        if offset < self.byte:
            self.byte = self.char = 0
        self.char += len(self.data[self.byte : offset].decode("utf-8", "surrogatepass"))
        self.byte = offset
        return self.char


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
