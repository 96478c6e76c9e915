"""Alternations of lexicon terms, and which lists can match where: read from the terms'
text so that a sentence is matched against the few lists whose terms can start there."""

from __future__ import annotations

import re
from collections.abc import Iterator


def by_first_letter(terms: list[str]) -> str:
    """An alternation grouped by first letter (``a(?:rrest|ssault)|m(?:urder)|...``): Python's
    re then rejects most branches on one character (about 2.5x faster on our lexicon).
    Longest first within a group: an alternation takes the first branch that matches."""
    groups: dict[str, list[str]] = {}
    other: list[str] = []
    for term in sorted(terms, key=len, reverse=True):
        first = _plain_first(term)
        if first is not None:
            groups.setdefault(first, []).append(term[1:])
        else:
            other.append(term)
    parts = [f"{c}(?:{'|'.join(f'(?:{r})' for r in rest)})" for c, rest in sorted(groups.items())]
    return "|".join(parts + [f"(?:{t})" for t in other])


def _plain_first(term: str) -> str | None:
    """The literal first character of every match of ``term`` (as ``by_first_letter``
    groups it), or None when the term may start otherwise."""
    if term[0].isalpha() and (len(term) == 1 or term[1] not in "?*+{|"):
        return term[0]
    return None


Tried = tuple[tuple[str, re.Pattern[str]], ...]  # (category, pattern) pairs, in order


def first_chars(
    terms: dict[str, list[str]], cats: dict[str, re.Pattern[str]]
) -> tuple[dict[str, Tried], Tried]:
    """Which lists to try for a match starting with given characters: keys are the first
    two characters (or one, for a term whose literal start is one character long); a list
    with a term whose start is not worked out is tried everywhere. In the lists' order, so
    that ties resolve as when all are tried."""
    two: dict[str, set[str]] = {}
    one: dict[str, set[str]] = {}
    anywhere: set[str] = set()
    for name, ts in terms.items():
        for t in ts:
            starts = _prefixes(t)
            if starts is None:
                anywhere.add(name)
            for p in starts or ():
                (two if len(p) >= 2 else one).setdefault(p[:2], set()).add(name)

    def ordered(names: set[str]) -> Tried:
        return tuple((n, cats[n]) for n in cats if n in names or n in anywhere)

    index = {k: ordered(v | one.get(k[0], set())) for k, v in two.items()}
    index.update({k: ordered(v) for k, v in one.items()})
    return index, ordered(set())


_META = frozenset("\\.^$*+?{}[]()|")


def _prefixes(term: str) -> set[str] | None:
    """Literal strings one of which every match of ``term`` starts with, read from its
    text (a literal run, or a leading ``(?:a|b)`` group, maybe optional); None when that is
    not worked out. Only ever used to skip lists that cannot match, so it may be short."""
    if not term:
        return None
    parts = _split_top(term)
    if len(parts) > 1:  # a bare a|b: ``by_first_letter`` may group it under its letter
        if _plain_first(term) is not None:
            return {term[0]}
        return _union([_prefixes(p) for p in parts])
    if term.startswith("(?:"):
        close = _group_end(term)
        if close is None:
            return None
        alts = _split_top(term[3:close])
        optional = "" in alts
        out = _union([_prefixes(alt) for alt in alts if alt])
        rest = term[close + 1 :]
        if rest[:1] in ("?", "*"):
            optional, rest = True, rest[1:].removeprefix("?").removeprefix("+")
        elif rest[:1] == "{":
            return None
        if out is None or not optional:
            return out
        return _union([out, _prefixes(rest)])
    i = 0
    while i < len(term) and term[i] not in _META:
        i += 1
    literal = term[: i - 1] if i < len(term) and term[i] in "?*{" else term[:i]
    return {literal} if literal else None


def _union(sets: list[set[str] | None]) -> set[str] | None:
    if not sets or any(s is None for s in sets):
        return None
    return {p for s in sets if s is not None for p in s}


def _outside_classes(pattern: str) -> Iterator[tuple[int, str, int]]:
    """``(index, char, group depth after it)`` for each character of a regular expression
    that is not escaped and not inside a character class (``[...]``)."""
    depth, i = 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 2 if pattern[i + 1 : i + 2] in ("]", "^") else i + 1
            while j < len(pattern) and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        yield i, c, depth
        i += 1


def _group_end(term: str) -> int | None:
    """Index of the ``)`` that closes the group opening ``term``; None if unbalanced."""
    for i, c, depth in _outside_classes(term):
        if c == ")" and depth == 0:
            return i
    return None


def _split_top(inner: str) -> list[str]:
    """``inner`` split at the ``|`` that are not inside a nested group, class or escape."""
    parts, start = [], 0
    for i, c, depth in _outside_classes(inner):
        if c == "|" and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts
