"""Find word marks in text: one Aho-Corasick pass over the ASCII-lower-cased UTF-8 bytes, then
word boundaries, case rules and a trailing ®/™/℠ checked per candidate.

Why an automaton: a review list has thousands of marks; a regex alternation of them is
re-tried at every position (see benchmarks/logos.py for the two side by side). Why
``ahocorasick-rs`` (the Rust ``aho-corasick`` crate) as a DFA: its scan is ~2.5x the
pyahocorasick trie walk on 10k marks, and its matches come back as one list of
``(pattern, start, end)`` tuples, so Python runs once per candidate, not once per character
(benchmarks/RESULTS.md, "Text marks").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick_rs

from clearance.detectors.marks.marklist import Mark

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


# Byte -> is it part of an ASCII word (letters, digits, underscore)? Bytes >= 128 (non-ASCII
# UTF-8) are checked on the decoded character instead.
_WORD_BYTE = bytes(
    int(chr(b).isascii() and (chr(b).isalnum() or chr(b) == "_")) for b in range(256)
)
# Above this many pattern bytes the automaton is built as an NFA: a DFA's transition table
# grows with states x byte classes, and a million pattern bytes is already ~100k marks.
_DFA_MAX_BYTES = 1_000_000


def _fold(data: bytes) -> bytes:
    """ASCII lower case, byte for byte. Why not ``str.lower``: on text with any non-ASCII
    character it runs at ~70 MB/s, slower than the automaton; non-ASCII letters are not
    folded here, the automaton holds their lower, upper and title forms instead."""
    return data.lower()


def _key_forms(spelling: str) -> set[bytes]:
    spelling = " ".join(spelling.split())
    forms = {spelling, spelling.lower(), spelling.upper(), spelling.title()}
    return {_fold(form.encode("utf-8", "surrogatepass")) for form in forms if form}


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class MarkMatcher:
    """All marks of a list in one automaton. Build once per run; ``find`` is thread-safe."""

    def __init__(self, marks: Iterable[Mark]):
        self.marks = tuple(marks)
        table: dict[bytes, list[tuple[int, str]]] = {}
        for index, mark in enumerate(self.marks):
            for spelling in mark.spellings:
                for key in _key_forms(spelling):
                    entries = table.setdefault(key, [])
                    if (index, spelling) not in entries:
                        entries.append((index, spelling))
        keys = list(table)
        # per pattern: its byte length and the (mark, spelling) pairs it may be
        self._entries = [(len(key), tuple(table[key])) for key in keys]
        self._automaton: ahocorasick_rs.BytesAhoCorasick | None = None
        if keys:
            size = sum(map(len, keys))
            kind = ahocorasick_rs.Implementation.DFA if size <= _DFA_MAX_BYTES else None
            self._automaton = ahocorasick_rs.BytesAhoCorasick(keys, implementation=kind)

    def __len__(self) -> int:
        return len(self.marks)

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping hits, leftmost then longest, in text order (char offsets)."""
        automaton = self._automaton
        if automaton is None or not text:
            return []
        ascii_only = text.isascii()  # O(1) in CPython: bytes and chars then coincide
        data = text.encode("ascii") if ascii_only else text.encode("utf-8", "surrogatepass")
        folded = _fold(data)
        matches = automaton.find_matches_as_indexes(folded, overlapping=True)
        if not matches:
            return []
        word, size, entries = _WORD_BYTE, len(data), self._entries
        to_char = None if ascii_only else _CharOffsets(data)
        candidates: list[Hit] = []
        for pattern, bstart, bend in matches:
            before = data[bstart - 1] if bstart else 32
            after = data[bend] if bend < size else 32
            if word[before] or word[after]:  # inside an ASCII word: the common rejection
                continue
            if to_char is None:
                start, end = bstart, bend
            else:
                # matches come in end order, so ``at`` moves forward; the start is counted back
                end = to_char.at(bend)
                start = end - len(data[bstart:bend].decode("utf-8", "surrogatepass"))
                if (before >= 128 and _is_word(text[start - 1])) or (
                    after >= 128 and _is_word(text[end])
                ):
                    continue
            surface = text[start:end]
            for index, spelling in entries[pattern][1]:
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

    def __init__(self, data: bytes):
        self.data = data
        self.byte = self.char = 0

    def at(self, offset: int) -> int:
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
