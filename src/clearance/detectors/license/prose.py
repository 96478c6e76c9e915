"""Declared or only mentioned? The words before a license reference on its line.

One test for ``license-text``'s short references ("the GPL", "MIT License") and ``cc-url``'s
links: a reference after declaring words ("licensed under the", "License:", "see", "©"), or
alone on its line (a heading, a bullet, a comment), declares a license; one in the middle of
other words, or after words that only cite it ("see also", "such as"), is a mention (a clue).
Markup between the words and the reference (``<a href="``, a Markdown link, other tags) is
not a word.
"""

from __future__ import annotations

import re

WINDOW = 120  # characters before the reference looked at (on its line)

#: whole words (``\b``: "at" is not the end of "that", "see" not of "oversee")
_DECLARING = re.compile(
    r"(?:\b(?:under|licen[cs]ed?|released|distributed|available|terms|subject to|covered by|"
    r"governed by|dual|dedicated|waived?|copyright|rights|see|at|via|per|visit|go to|"
    r"refer to)|[©:=\"'(\[])(?:\W+(?:a|an|the|this|its))?\W*$",
    re.IGNORECASE,
)
_LINE_START = re.compile(r"^[\s#*/;!>|+\-]*$")
_SEE_ALSO = re.compile(r"\b(?:see also|e\.g\.|such as|like|compare|cf\.|vs\.?)\W*$", re.IGNORECASE)
_MARKUP = re.compile(r"""(?:<a\b[^>]*?\bhref\s*=\s*["']?|\[[^\]]*\]\(|<)\s*$""", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")


def words_before(text: str, start: int) -> str:
    """Up to ``WINDOW`` characters before ``start`` on its line, markup taken out."""
    line_start = text.rfind("\n", 0, start) + 1
    return _TAG.sub(" ", _MARKUP.sub("", text[max(line_start, start - WINDOW) : start]))


def cites(before: str) -> bool:
    """The words end by citing what follows as an example ("see also", "such as")."""
    return bool(_SEE_ALSO.search(before))


def declares(before: str) -> bool:
    """The words end with declaring words, or there are none (the line starts there)."""
    return bool(_LINE_START.match(before) or _DECLARING.search(before))


def mentioned(text: str, start: int) -> bool:
    """True when the reference at ``start`` is only mentioned in prose."""
    before = words_before(text, start)
    return cites(before) or not declares(before)
