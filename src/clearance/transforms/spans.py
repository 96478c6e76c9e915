"""Apply replacements to text and keep an offset map between the old and the new text.

Findings hold offsets into the original; after redaction, later steps (a second detector pass,
a reviewer's highlight, the guard) need to translate them. ``OffsetMap`` does it both ways.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class Replacement:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


@dataclass(frozen=True)
class OffsetMap:
    """Where each replaced span went. ``old_starts``/``new_starts`` are sorted together."""

    old_starts: tuple[int, ...]
    old_ends: tuple[int, ...]
    new_starts: tuple[int, ...]
    new_ends: tuple[int, ...]

    def to_new(self, offset: int) -> int:
        """The new-text offset of an old-text offset; inside a replaced span it maps to the
        start of its replacement."""
        i = bisect.bisect_right(self.old_starts, offset) - 1
        if i < 0:
            return offset
        if offset < self.old_ends[i]:
            return self.new_starts[i]
        return self.new_ends[i] + (offset - self.old_ends[i])

    def to_old(self, offset: int) -> int:
        """The old-text offset of a new-text offset (start of the original span when inside
        a replacement)."""
        i = bisect.bisect_right(self.new_starts, offset) - 1
        if i < 0:
            return offset
        if offset < self.new_ends[i]:
            return self.old_starts[i]
        return self.old_ends[i] + (offset - self.new_ends[i])

    def spans(self) -> list[tuple[int, int, int, int]]:
        """(old start, old end, new start, new end) of every replacement."""
        return list(
            zip(self.old_starts, self.old_ends, self.new_starts, self.new_ends, strict=True)
        )


def apply_replacements(text: str, replacements: list[Replacement]) -> tuple[str, OffsetMap]:
    """The new text and its offset map. Replacements must be non-empty and must not overlap
    (raises ValueError); their order does not matter."""
    ordered = sorted(replacements, key=lambda r: (r.start, r.end))
    parts: list[str] = []
    old_starts: list[int] = []
    old_ends: list[int] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    length = 0
    for rep in ordered:
        if not 0 <= rep.start < rep.end <= len(text):
            raise ValueError(f"replacement {rep.start}:{rep.end} empty or outside the text")
        if rep.start < pos:
            raise ValueError(f"replacement {rep.start}:{rep.end} overlaps the previous one")
        parts.append(text[pos : rep.start])
        length += rep.start - pos
        old_starts.append(rep.start)
        old_ends.append(rep.end)
        new_starts.append(length)
        parts.append(rep.new)
        length += len(rep.new)
        new_ends.append(length)
        pos = rep.end
    parts.append(text[pos:])
    return "".join(parts), OffsetMap(
        tuple(old_starts), tuple(old_ends), tuple(new_starts), tuple(new_ends)
    )
