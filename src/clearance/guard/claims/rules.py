"""The claims check's rules and policy, loaded from YAML data and compiled once.

Rules are data (``data/lexicon.yaml``); the outcome of a claim per category and state is
policy (``data/policy.yaml``, overridable by a user file). Both are validated strictly:
a misspelt key would silently weaken the screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final, Literal

import yaml

from clearance.guard.policy import VerdictName
from clearance.model.errors import ConfigError

ALLEGATIONS: Final = (
    "crime",
    "fraud",
    "misconduct",
    "disease",
    "sexual",
    "insolvency",
    "incompetence",
)
CATEGORIES: Final = (*ALLEGATIONS, "quote", "figure")
STATES: Final = ("unsupported", "hedged", "supported", "negated", "fiction")
State = Literal["unsupported", "hedged", "supported", "negated", "fiction"]
_VERDICTS: Final = ("pass", "review", "block")


def _alternation(terms: Any, where: str) -> re.Pattern[str]:
    """One alternation, matched against lower-cased text (patterns are written in lower
    case): case-insensitive matching and non-word positions cost Python's re 5x more."""
    if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
        raise ConfigError(f"claims lexicon: {where} must be a non-empty list of patterns")
    try:
        return re.compile(r"\b(?=\w)(?:" + _by_first_letter(terms) + r")\b")
    except re.error as exc:
        raise ConfigError(f"claims lexicon: bad pattern in {where}: {exc}") from exc


def _by_first_letter(terms: list[str]) -> str:
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
    """The literal first character of every match of ``term`` (as ``_by_first_letter``
    groups it), or None when the term may start otherwise."""
    if term[0].isalpha() and (len(term) == 1 or term[1] not in "?*+{|"):
        return term[0]
    return None


Tried = tuple[tuple[str, re.Pattern[str]], ...]  # (category, pattern) pairs, in order


def _first_chars(
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
    if len(parts) > 1:  # a bare a|b: ``_by_first_letter`` may group it under its letter
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


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns: one alternation per category and per cue list."""

    categories: dict[str, re.Pattern[str]]
    hedges: re.Pattern[str]
    local_negators: re.Pattern[str]
    sentence_negators: re.Pattern[str]
    fiction: re.Pattern[str]
    speech: re.Pattern[str]
    titles: frozenset[str]
    org_suffixes: frozenset[str]
    not_names: frozenset[str]
    topic_before: frozenset[str] = frozenset()
    topic_after: frozenset[str] = frozenset()
    combined: re.Pattern[str] | None = None  # every category's terms in one alternation
    cues: re.Pattern[str] | None = None  # hedges, fiction markers, sentence negators
    #: first two (or one) characters -> the categories whose terms can start with them (a
    #: category with a term whose start is not worked out is under every key)
    by_first: dict[str, Tried] | None = None
    any_first: Tried = ()
    #: the same for the cue lists (named hedges, fiction, sentence_negators)
    cue_first: dict[str, Tried] | None = None
    cue_any: Tried = ()

    def candidates(self, low: str, start: int) -> Tried:
        """The categories whose terms can start at ``start`` (by its first characters)."""
        if self.by_first is None:
            return tuple(self.categories.items())
        return self.by_first.get(low[start : start + 2]) or self.by_first.get(
            low[start : start + 1], self.any_first
        )

    def categorise(self, low: str, start: int, end: int = -1) -> tuple[str, int] | None:
        """The category of the term at ``start`` (the longest match wins) and its end.
        Only the categories with a term that can start there are tried. ``end``: where the
        ``combined`` pattern's match starting there ends; when one category alone can match
        there, the combined pattern took the same branch as that category's would (same
        terms, same order), so that is its end and nothing is matched again."""
        tried = self.candidates(low, start)
        if end >= 0 and len(tried) == 1:
            return tried[0][0], end
        best: tuple[str, int] | None = None
        for name, pattern in tried:
            m = pattern.match(low, start)
            if m and (best is None or m.end() > best[1]):
                best = (name, m.end())
        return best

    def cue_lists(self, low: str, start: int) -> Tried:
        """The cue lists (hedges, fiction, sentence_negators) a cue at ``start`` may be in."""
        if self.cue_first is None:
            return (
                ("hedges", self.hedges),
                ("fiction", self.fiction),
                ("sentence_negators", self.sentence_negators),
            )
        return self.cue_first.get(low[start : start + 2]) or self.cue_first.get(
            low[start : start + 1], self.cue_any
        )

    @classmethod
    def parse(cls, data: Any, origin: str = "lexicon") -> Lexicon:
        if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
            raise ConfigError(f"claims lexicon {origin}: needs a mapping 'categories'")
        unknown = sorted(set(data["categories"]) - set(ALLEGATIONS))
        if unknown:
            raise ConfigError(f"claims lexicon {origin}: unknown categories {unknown}")
        cats = {
            name: _alternation(terms, f"categories.{name}")
            for name, terms in data["categories"].items()
        }
        # one pass over the text for all categories (7 passes per sentence cost 5x more);
        # a match is then categorised by the category patterns, at its start only
        combined = _alternation(
            [t for terms in data["categories"].values() for t in terms], "categories"
        )
        by_first, any_first = _first_chars(data["categories"], cats)
        cue_names = ("hedges", "fiction", "sentence_negators")
        cue_patterns = {k: _alternation(data.get(k), k) for k in cue_names}  # validates them
        cue_terms: dict[str, list[str]] = {k: data[k] for k in cue_names}
        cue_first, cue_any = _first_chars(cue_terms, cue_patterns)

        def words(key: str) -> frozenset[str]:
            value = data.get(key) or []
            if not isinstance(value, list):
                raise ConfigError(f"claims lexicon {origin}: {key} must be a list")
            return frozenset(str(v) for v in value)

        return cls(
            categories=cats,
            hedges=cue_patterns["hedges"],
            local_negators=_alternation(data.get("local_negators"), "local_negators"),
            sentence_negators=cue_patterns["sentence_negators"],
            fiction=cue_patterns["fiction"],
            speech=_alternation(data.get("speech_verbs"), "speech_verbs"),
            titles=words("titles"),
            org_suffixes=words("org_suffixes"),
            not_names=words("not_names"),
            topic_before=words("topic_before"),
            topic_after=words("topic_after"),
            combined=combined,
            by_first=by_first,
            any_first=any_first,
            cue_first=cue_first,
            cue_any=cue_any,
            cues=_alternation(
                [
                    *data.get("hedges", []),
                    *data.get("fiction", []),
                    *data.get("sentence_negators", []),
                ],
                "cues",
            ),
        )


def lowered(text: str) -> str:
    """``text`` in lower case with the same length (offsets stay valid): the few characters
    whose lower case is longer (U+0130) are kept as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@cache
def builtin_lexicon() -> Lexicon:
    text = files("clearance.guard.claims").joinpath("data/lexicon.yaml").read_text("utf-8")
    return Lexicon.parse(yaml.safe_load(text), "builtin")


@dataclass(frozen=True)
class ClaimsPolicy:
    """Outcome per category and state, the support window and the negation window."""

    outcomes: dict[str, dict[str, VerdictName]]
    window_words: int = 30
    negation_window: int = 5

    def verdict(self, category: str, state: State) -> VerdictName:
        return self.outcomes[category][state]

    @classmethod
    def parse(cls, data: Any, origin: str, base: ClaimsPolicy | None = None) -> ClaimsPolicy:
        if not isinstance(data, dict):
            raise ConfigError("claims policy must be a mapping", file=origin)
        unknown = sorted(set(data) - {"version", "window_words", "negation_window", "categories"})
        if unknown:
            raise ConfigError(f"claims policy: unknown key(s) {', '.join(unknown)}", file=origin)
        outcomes = {k: dict(v) for k, v in (base.outcomes if base else {}).items()}
        for category, states in (data.get("categories") or {}).items():
            if category not in CATEGORIES:
                raise ConfigError(
                    f"claims policy: unknown category {category!r}; one of {', '.join(CATEGORIES)}",
                    file=origin,
                )
            if not isinstance(states, dict):
                raise ConfigError(f"claims policy: {category} must map states", file=origin)
            for state, outcome in states.items():
                if state not in STATES or outcome not in _VERDICTS:
                    raise ConfigError(
                        f"claims policy: {category}.{state}: {outcome!r} (states: "
                        f"{', '.join(STATES)}; outcomes: pass, review, block)",
                        file=origin,
                    )
                outcomes.setdefault(category, {})[state] = outcome
        missing = [f"{c}.{s}" for c in CATEGORIES for s in STATES if s not in outcomes.get(c, {})]
        if missing:
            raise ConfigError(f"claims policy: missing {', '.join(missing[:5])}", file=origin)
        window = data.get("window_words", base.window_words if base else 30)
        negation = data.get("negation_window", base.negation_window if base else 5)
        if not isinstance(window, int) or not 2 <= window <= 500:
            raise ConfigError("claims policy: window_words must be 2..500", file=origin)
        if not isinstance(negation, int) or not 0 <= negation <= 20:
            raise ConfigError("claims policy: negation_window must be 0..20", file=origin)
        return cls(outcomes=outcomes, window_words=window, negation_window=negation)

    @classmethod
    def load(cls, path: str | Path | None = None) -> ClaimsPolicy:
        """The built-in policy, then a user file's keys on top."""
        base = _builtin_policy()
        if path is None:
            return base
        try:
            data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read claims policy: {exc}", file=str(path)) from exc
        return cls.parse(data, str(path), base)


@cache
def _builtin_policy() -> ClaimsPolicy:
    text = files("clearance.guard.claims").joinpath("data/policy.yaml").read_text("utf-8")
    return ClaimsPolicy.parse(yaml.safe_load(text), "builtin")
