"""The word that ends a context window: end-anchored context rules without a regex search.

A rule such as ``(?i)\\b(?:dear|by|...)\\b[ \\t:,-]*$`` ("a context word, then only separators,
then the candidate") searched over the 30-80 characters before every candidate makes the regex
engine try the whole alternation at every position of the window. The word such a rule can
match is always the run of word characters left once the trailing separators are removed, so
it is cut out here with a few string operations and the word list is matched against it alone
(``fullmatch`` with the same case-insensitive pattern); tests compare the two forms on random
windows.
"""

from __future__ import annotations


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
