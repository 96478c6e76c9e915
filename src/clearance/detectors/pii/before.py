"""The word that ends a context window: end-anchored context rules without a regex search.

A rule such as ``(?i)\\b(?:dear|by|...)\\b[ \\t:,-]*$`` ("a context word, then only separators,
then the candidate") searched over the 30-80 characters before every candidate makes the regex
engine try the whole alternation at every position of the window. The word such a rule can
match is always the run of word characters left once the trailing separators are removed, so
it is cut out here with a few string operations and the word list is matched against it alone
(``fullmatch`` with the same case-insensitive pattern); tests compare the two forms on random
windows. Rules that may match anywhere in the window (``WindowWords``) get a literal pre-check
instead.
"""

from __future__ import annotations

import re


def trailing_word(
    window: str, separators: str, *, dot: bool = False, required: bool = False
) -> str:
    """The trailing run of word characters (``\\w``) of ``window`` after removing its trailing
    ``separators`` (``required``: at least one must be there) and then, with ``dot``, one
    full stop; "" when there is none. As with ``$``, a final newline is ignored."""
    if window.endswith("\n"):
        window = window[:-1]
    core = window.rstrip(separators)
    if required and len(core) == len(window):
        return ""
    if dot and core.endswith("."):
        core = core[:-1]
    i = len(core)
    while i > 0 and (core[i - 1].isalnum() or core[i - 1] == "_"):
        i -= 1
    return core[i:]


class WindowWords:
    """A context rule that looks for one of a few words anywhere in a window (``(?i)\\b(?:tel|
    phone|...)\\b``), with a literal pre-check in front of it.

    Why: such a rule is searched over the 40 characters before every number candidate, and a
    case-insensitive alternation behind a word boundary has no literal prefix for the regex
    engine to skip ahead with, so it is tried at every position (2-7 us a window, more than
    the rest of the candidate's checks). ``hint`` is a plain, case-sensitive alternation of
    literals such that every match of ``rule`` in an ASCII window contains one of them once
    lower-cased; on ASCII windows where it finds nothing the rule cannot match either, and
    everything else goes to ``rule`` itself (non-ASCII text keeps the regex engine's Unicode
    case folding: the long s, U+017F, matches ``s`` under ``re.IGNORECASE``). Tests compare the two.
    """

    __slots__ = ("hint", "rule")

    def __init__(self, rule: re.Pattern[str], hint: str) -> None:
        self.rule = rule
        self.hint = re.compile(hint)

    def possible(self, window: str) -> bool:
        """False only where ``rule`` cannot match ``window``."""
        return not window.isascii() or self.hint.search(window.lower()) is not None

    def search(self, window: str) -> bool:
        """``rule.search(window) is not None``."""
        if window.isascii() and self.hint.search(window.lower()) is None:
            return False
        return self.rule.search(window) is not None
